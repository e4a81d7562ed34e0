"""The stream an export writes: a store's accounts (or some, with their ancestors) as
change sets in the order an import can apply them (:func:`snapshot`), counted as they go."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    CloseDateChange,
    Deal,
    PageRequest,
    Rep,
    RepId,
    StageChange,
    Touchpoint,
)
from graphcrm.domain.views import MAX_PAGE_SIZE
from graphcrm.io.importing import COLLECTIONS, DEFAULT_BATCH_SIZE, ProgressFn
from graphcrm.store.port import GraphStore


class Tally:
    """Rows per collection, touchpoints left out and accounts of one snapshot."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.accounts = 0

    def count(self, cs: ChangeSet) -> ChangeSet:
        for name in COLLECTIONS:
            n = len(getattr(cs, name))
            if n:
                self.rows[name] += n
        return cs


# --- the snapshot stream ---------------------------------------------------------


def _pages(fetch: Callable[[PageRequest], Sequence[Any]]) -> Iterator[Any]:
    offset = 0
    while True:
        items = fetch(PageRequest(limit=MAX_PAGE_SIZE, offset=offset))
        yield from items
        if len(items) < MAX_PAGE_SIZE:
            return
        offset += len(items)


def _touchpoints(
    store: GraphStore, account_id: AccountId, as_of: datetime | None
) -> Iterator[Touchpoint]:
    def page(p: PageRequest) -> Sequence[Touchpoint]:
        return store.list_touchpoints(p, account_id=account_id, until=as_of).items

    yield from _pages(page)


def _parents_first(accounts: Iterable[Account]) -> list[Account]:
    """Accounts sorted by id, then reordered so that every parent precedes its children."""
    by_id = {a.id: a for a in sorted(accounts, key=lambda a: a.id)}
    children: dict[str, list[Account]] = {}
    roots: list[Account] = []
    for a in by_id.values():
        if a.parent_id is not None and a.parent_id in by_id:
            children.setdefault(a.parent_id, []).append(a)
        else:
            roots.append(a)
    ordered: list[Account] = []
    stack = list(reversed(roots))
    while stack:
        a = stack.pop()
        ordered.append(a)
        stack.extend(reversed(children.get(a.id, [])))
    return ordered


def _chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def snapshot(
    store: GraphStore,
    *,
    account_ids: Sequence[AccountId] | None = None,
    as_of: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
) -> Iterator[ChangeSet]:
    """The selected accounts' stakeholder graphs as batches in dependency order.

    Parameters
    ----------
    account_ids
        The accounts whose graphs to export; ``None``: every account.
        Their ancestors' account rows are included so ``parent_id`` resolves.
    as_of
        The date the graphs are read at; ``None``: now.

    Raises
    ------
    graphcrm.errors.NotFoundError
        A selected account does not exist.
    """
    return counted_snapshot(
        store,
        account_ids=account_ids,
        as_of=as_of,
        batch_size=batch_size,
        progress=progress,
        tally=Tally(),
    )


def _selected_accounts(
    store: GraphStore, account_ids: Sequence[AccountId] | None
) -> tuple[list[Account], list[Account]]:
    """The accounts exported (all when ``account_ids`` is None), and the account rows
    written: those with their ancestors."""
    if account_ids is None:
        selected = list(_pages(lambda p: store.list_accounts(p).items))
        return selected, selected
    selected = [store.get_account(a) for a in dict.fromkeys(account_ids)]
    family = {a.id: a for a in selected}
    for a in selected:
        for ancestor in store.account_ancestors(a.id):
            family.setdefault(ancestor.id, ancestor)
    return selected, list(family.values())


def _histories(
    store: GraphStore, deals: Iterable[Deal], as_of: datetime | None
) -> tuple[list[StageChange], list[CloseDateChange]]:
    """The stage and close-date changes of ``deals`` up to ``as_of`` (all when None)."""
    stage_changes: list[StageChange] = []
    close_changes: list[CloseDateChange] = []
    for deal in deals:
        view = store.get_deal(deal.id)
        stage_changes += [c for c in view.stage_history if as_of is None or c.at <= as_of]
        close_changes += [c for c in view.close_date_history if as_of is None or c.at <= as_of]
    return stage_changes, close_changes


def counted_snapshot(
    store: GraphStore,
    *,
    account_ids: Sequence[AccountId] | None,
    as_of: datetime | None,
    batch_size: int,
    progress: ProgressFn | None,
    tally: Tally,
) -> Iterator[ChangeSet]:
    """:func:`snapshot`, counting what it yields in ``tally``."""
    t = tally
    selected, rows = _selected_accounts(store, account_ids)
    ordered = _parents_first(rows)
    graph_ids = [a.id for a in ordered if a.id in {s.id for s in selected}]
    t.accounts = len(graph_ids)

    emitted_reps: set[str] = set()

    def new_reps(ids: Iterable[str | None], known: Sequence[Rep] = ()) -> list[Rep]:
        have = {r.id: r for r in known}
        out: list[Rep] = []
        for rid in sorted({i for i in ids if i is not None} - emitted_reps):
            out.append(have[RepId(rid)] if rid in have else store.get_rep(RepId(rid)))
            emitted_reps.add(rid)
        return out

    for chunk in _chunks(ordered, batch_size):
        yield t.count(
            ChangeSet(reps=tuple(new_reps(a.owner_id for a in chunk)), accounts=tuple(chunk))
        )

    contacts: set[str] = set()
    deals: set[str] = set()
    total = 2 * len(graph_ids)
    for done, account_id in enumerate(graph_ids, 1):
        g = store.stakeholder_graph(account_id, as_of=as_of)
        contacts.update(c.id for c in g.contacts)
        deals.update(d.id for d in g.deals)
        stage_changes, close_changes = _histories(store, g.deals, as_of)
        reps = new_reps((r.id for r in g.reps), g.reps)
        cs = ChangeSet(
            contacts=g.contacts,
            reps=tuple(reps),
            reports_to=g.reports_to,
            influences=g.influences,
            rep_knows=g.rep_knows,
            deals=g.deals,
            stage_changes=tuple(stage_changes),
            close_date_changes=tuple(close_changes),
            deal_roles=g.deal_roles,
        )
        if cs.size():
            yield t.count(cs)
        if progress is not None:
            progress("accounts", done, total)

    for done, account_id in enumerate(graph_ids, len(graph_ids) + 1):
        kept: list[Touchpoint] = []
        for tp in _touchpoints(store, account_id, as_of):
            if not set(tp.contact_ids) <= contacts or (
                tp.deal_id is not None and tp.deal_id not in deals
            ):
                t.skipped["touchpoints"] += 1
                continue
            kept.append(tp)
        kept.sort(key=lambda tp: (tp.at, tp.id))
        for chunk in _chunks(kept, batch_size):
            reps = new_reps(r for tp in chunk for r in tp.rep_ids)
            yield t.count(ChangeSet(reps=tuple(reps), touchpoints=tuple(chunk)))
        if progress is not None:
            progress("touchpoints", done, total)
