"""Territory conflicts: a contact, deal or touchpoint that ties accounts of different
territories (:func:`find_conflicts`, :func:`conflicts`), and the ones a write would create
(:func:`created_conflicts`), which the API refuses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from contextlib import suppress
from datetime import datetime
from enum import StrEnum
from functools import partial

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Deal,
    Model,
    Rep,
    RepId,
    TerritorySpan,
    Touchpoint,
)
from graphcrm.domain.text import match_key
from graphcrm.domain.views import every_item
from graphcrm.errors import NotFoundError, TerritoryConflictError
from graphcrm.store.intervals import territories_at
from graphcrm.store.port import GraphStore


def parent_chain(accounts: Mapping[str, Account], account: Account) -> list[str]:
    """The ids above ``account`` in ``accounts``, nearest first (stops at a loop or an
    account not in ``accounts``)."""
    chain: list[str] = []
    parent = account.parent_id
    while parent is not None and parent not in chain:
        chain.append(parent)
        above = accounts.get(parent)
        parent = above.parent_id if above is not None else None
    return chain


class ConflictKind(StrEnum):
    """What a conflict is (docs/territories.md#conflicts)."""

    SPLIT_GROUP = "split_group"
    """An account group (a root account and everything under it) spans territories."""
    DUPLICATE = "duplicate"
    """Accounts of one country whose names fold alike sit in different territories."""
    RIVAL_DEALS = "rival_deals"
    """Open deals on one account group are owned by reps of different territories."""
    TOUCHPOINT = "touchpoint"
    """A rep touched contacts of an account that was then in another territory."""


class TerritoryConflict(Model):
    """One conflict: the accounts and reps involved and the territories they span.

    ``accounts`` lists only what the reader may see; ``hidden_accounts`` counts the
    rest (accounts of territories outside a key's set).
    """

    kind: ConflictKind
    territories: tuple[str, ...]
    accounts: tuple[AccountId, ...]
    hidden_accounts: int = 0
    reps: tuple[RepId, ...] = ()
    detail: str


def _name_key(name: str) -> str:
    """A name folded for likely duplicates: :func:`match_key`, letters, digits and
    single spaces only (``KOÇ HOLDİNG A.Ş.`` and ``Koç Holding A.Ş`` fold alike)."""
    kept = "".join(ch if ch.isalnum() else " " for ch in match_key(name))
    return " ".join(kept.split())


def find_conflicts(
    accounts: Iterable[Account],
    deals: Iterable[Deal],
    reps: Iterable[Rep],
    touchpoints: Iterable[Touchpoint] = (),
    history: Iterable[TerritorySpan] = (),
) -> list[TerritoryConflict]:
    """Every conflict among ``accounts``, their open ``deals``, their ``touchpoints``
    and the ``reps`` owning or making them: split groups, likely duplicates, rival
    deals, touchpoints outside the rep's territory (in that order, each by its first
    account's id, then rep). A touchpoint counts under its account's territory at
    its instant (``history``; the present one when no interval covers it)."""
    by_id: dict[str, Account] = {a.id: a for a in accounts}
    groups: dict[str, list[Account]] = {}
    for account in by_id.values():
        root: str = account.id
        for above in parent_chain(by_id, account):
            if above in by_id:
                root = above
        groups.setdefault(root, []).append(account)
    found: list[TerritoryConflict] = []
    for top, members in sorted(groups.items()):
        spanned = sorted({a.territory for a in members if a.territory is not None})
        if len(spanned) > 1:
            found.append(
                TerritoryConflict(
                    kind=ConflictKind.SPLIT_GROUP,
                    territories=tuple(spanned),
                    accounts=tuple(sorted(a.id for a in members)),
                    detail=f"the group of {by_id[top].name} spans {', '.join(spanned)}",
                )
            )
    alike: dict[tuple[str, str | None], list[Account]] = {}
    for account in by_id.values():
        alike.setdefault((_name_key(account.name), account.country), []).append(account)
    for (_, country), same in sorted(alike.items(), key=lambda kv: min(a.id for a in kv[1])):
        spanned = sorted({a.territory for a in same if a.territory is not None})
        if len(spanned) > 1:
            found.append(
                TerritoryConflict(
                    kind=ConflictKind.DUPLICATE,
                    territories=tuple(spanned),
                    accounts=tuple(sorted(a.id for a in same)),
                    detail=f"{len(same)} accounts named like {same[0].name!r}"
                    + (f" in {country}" if country else "")
                    + f" in {', '.join(spanned)}",
                )
            )
    rep_by_id: dict[str, Rep] = {r.id: r for r in reps}
    territory_of: dict[str, str | None] = {r: rep.territory for r, rep in rep_by_id.items()}
    root_of = {a.id: top for top, members in groups.items() for a in members}
    owners: dict[str, set[str]] = {}
    for deal in deals:
        if deal.stage.is_closed or deal.owner_id is None or deal.account_id not in root_of:
            continue
        owners.setdefault(root_of[deal.account_id], set()).add(deal.owner_id)
    for top, rep_ids in sorted(owners.items()):
        spanned = sorted({t for r in rep_ids if (t := territory_of.get(r)) is not None})
        if len(spanned) > 1:
            found.append(
                TerritoryConflict(
                    kind=ConflictKind.RIVAL_DEALS,
                    territories=tuple(spanned),
                    accounts=tuple(sorted(a.id for a in groups[top])),
                    reps=tuple(sorted(RepId(r) for r in rep_ids)),
                    detail=f"open deals on the group of {by_id[top].name} by reps of "
                    f"{', '.join(spanned)}",
                )
            )
    found.extend(_touchpoint_conflicts(by_id, rep_by_id, touchpoints, history))
    return found


def _touchpoint_conflicts(
    by_id: Mapping[str, Account],
    reps: Mapping[str, Rep],
    touchpoints: Iterable[Touchpoint],
    history: Iterable[TerritorySpan],
) -> list[TerritoryConflict]:
    spans: dict[str, list[TerritorySpan]] = {}
    for span in history:
        spans.setdefault(span.account_id, []).append(span)
    outside: dict[tuple[str, str], tuple[int, datetime, frozenset[str]]] = {}
    for tp in touchpoints:
        account = by_id.get(tp.account_id)
        if account is None or not tp.rep_ids:
            continue
        then = territories_at(spans.get(account.id, ()), tp.at).get(account.id, account.territory)
        if then is None:
            continue
        for rep_id in tp.rep_ids:
            rep = reps.get(rep_id)
            if rep is None or rep.territory is None or rep.territory == then:
                continue
            count, last, where = outside.get((account.id, rep_id), (0, tp.at, frozenset()))
            outside[account.id, rep_id] = (count + 1, max(last, tp.at), where | {then})
    found = []
    for (account_id, rep_key), (count, last, where) in sorted(outside.items()):
        rep = reps[rep_key]
        assert rep.territory is not None
        found.append(
            TerritoryConflict(
                kind=ConflictKind.TOUCHPOINT,
                territories=tuple(sorted(where | {rep.territory})),
                accounts=(AccountId(account_id),),
                reps=(rep.id,),
                detail=f"{count} touchpoint(s) by {rep.name} ({rep.territory}) on contacts of "
                f"{by_id[account_id].name} ({', '.join(sorted(where))}), the last on "
                f"{last.date().isoformat()}",
            )
        )
    return found


def conflicts(store: GraphStore, *, seen: Set[str] | None = None) -> list[TerritoryConflict]:
    """The store's conflicts (:func:`find_conflicts`). ``seen``: the territories a reader
    may see (None: every one); then only conflicts touching them are listed, and of
    their accounts only those in ``seen`` are named."""
    found = find_conflicts(
        list(every_item(store.list_accounts)),
        every_item(store.list_deals),
        every_item(store.list_reps),
        every_item(store.list_touchpoints),
        store.territory_history(),
    )
    if seen is None:
        return found
    territory = {a.id: a.territory for a in every_item(store.list_accounts)}
    shown = []
    for c in found:
        if not any(t in seen for t in c.territories):
            continue
        named = tuple(a for a in c.accounts if territory.get(a) in seen)
        shown.append(
            c.model_copy(
                update={"accounts": named, "hidden_accounts": len(c.accounts) - len(named)}
            )
        )
    return shown


# --- prevention -----------------------------------------------------------------------


def _top(account_id: str, parent_of: Callable[[str], str | None]) -> str:
    """The root of ``account_id``'s group, walking ``parent_of`` (a cycle stops it)."""
    seen = {account_id}
    current = account_id
    while (parent := parent_of(current)) is not None and parent not in seen:
        seen.add(parent)
        current = parent
    return current


def _stored(store: GraphStore, account_id: str) -> Account | None:
    try:
        return store.get_account(AccountId(account_id))
    except NotFoundError:
        return None


def _conflict_keys(found: Iterable[TerritoryConflict]) -> set[tuple[object, ...]]:
    return {(c.kind, c.territories, c.reps, a) for c in found for a in c.accounts}


def created_conflicts(
    store: GraphStore, changes: ChangeSet, kinds: Set[str], *, seen: Set[str] | None = None
) -> list[TerritoryConflict]:
    """The conflicts of ``kinds`` that applying ``changes`` would create: found after
    and not before (a conflict already there, with the same territories and reps, is
    not new; one a write widens is). Only the account groups the batch touches are
    read (accounts in the batch, the accounts of its deals, those with open deals of
    its reps), and for likely duplicates the accounts whose name holds the longest
    word of a batch account's name. Call it under the write lock.

    ``seen``: the territories of the writer (None: every one); the accounts of
    others are counted in ``hidden_accounts``, not named, and then the detail
    names no account."""
    if not kinds or not (changes.accounts or changes.deals or changes.reps or changes.touchpoints):
        return []
    batch: dict[str, Account] = {a.id: a for a in changes.accounts}
    before = _accounts_before(store, batch, _touched(store, changes, batch), kinds)
    after: dict[str, Account] = {**before, **batch}
    deals_before: dict[str, Deal] = {}
    for account_id in sorted(set(after)):
        for deal in every_item(partial(store.list_deals, account_id=AccountId(account_id))):
            deals_before[deal.id] = deal
    deals_after: dict[str, Deal] = {**deals_before, **{d.id: d for d in changes.deals}}
    reps_before: dict[str, Rep] = {r.id: r for r in every_item(store.list_reps)}
    reps_after: dict[str, Rep] = {**reps_before, **{r.id: r for r in changes.reps}}
    tps_before: dict[str, Touchpoint] = {}
    history: tuple[TerritorySpan, ...] = ()
    if ConflictKind.TOUCHPOINT in kinds:
        for account_id in sorted(set(after)):
            for tp in every_item(partial(store.list_touchpoints, account_id=AccountId(account_id))):
                tps_before[tp.id] = tp
        history = store.territory_history([AccountId(a) for a in after])
    tps_after: dict[str, Touchpoint] = {**tps_before, **{t.id: t for t in changes.touchpoints}}
    old = _conflict_keys(
        find_conflicts(
            before.values(),
            deals_before.values(),
            reps_before.values(),
            tps_before.values(),
            history,
        )
    )
    new = [
        c
        for c in find_conflicts(
            after.values(), deals_after.values(), reps_after.values(), tps_after.values(), history
        )
        if c.kind in kinds and not _conflict_keys([c]) & old
    ]
    return new if seen is None else _as_seen(new, after, seen)


def _touched(store: GraphStore, changes: ChangeSet, batch: Mapping[str, Account]) -> set[str]:
    """The accounts a batch touches: its own, its deals' (before and after), its
    touchpoints', and those with open deals of its reps."""
    touched: set[str] = set(batch)
    for deal in changes.deals:
        touched.add(deal.account_id)
        with suppress(NotFoundError):
            touched.add(store.get_deal(deal.id).deal.account_id)
    touched.update(tp.account_id for tp in changes.touchpoints)
    for rep in changes.reps:
        for deal in every_item(partial(store.list_deals, owner_id=rep.id)):
            if not deal.stage.is_closed:
                touched.add(deal.account_id)
    return touched


def _accounts_before(
    store: GraphStore, batch: Mapping[str, Account], touched: Set[str], kinds: Set[str]
) -> dict[str, Account]:
    """The stored accounts of every group a touched account is in, before or after the
    batch; for likely duplicates, also those whose name holds the longest word of a
    batch account's name."""
    stored: dict[str, Account | None] = {}

    def stored_account(account_id: str) -> Account | None:
        if account_id not in stored:
            stored[account_id] = _stored(store, account_id)
        return stored[account_id]

    def parent_before(account_id: str) -> str | None:
        a = stored_account(account_id)
        return a.parent_id if a is not None else None

    def parent_after(account_id: str) -> str | None:
        a = batch.get(account_id) or stored_account(account_id)
        return a.parent_id if a is not None else None

    roots = {_top(a, parent_before) for a in touched} | {_top(a, parent_after) for a in touched}
    before: dict[str, Account] = {}
    for root in sorted(roots):
        top = stored_account(root)
        if top is None:
            continue
        before[top.id] = top
        for below in store.account_descendants(top.id):
            before[below.id] = below
    if ConflictKind.DUPLICATE in kinds:
        for account in batch.values():
            words = _name_key(account.name).split()
            if words:
                longest = max(words, key=len)
                for alike in every_item(partial(store.list_accounts, name_contains=longest)):
                    before.setdefault(alike.id, alike)
    return before


def _as_seen(
    found: Iterable[TerritoryConflict], after: Mapping[str, Account], seen: Set[str]
) -> list[TerritoryConflict]:
    """The conflicts as a writer of territories ``seen`` may read them: others' accounts
    counted in ``hidden_accounts``, and then a detail that names no account."""
    shown = []
    for c in found:
        named = tuple(a for a in c.accounts if after[a].territory in seen)
        hidden = len(c.accounts) - len(named)
        update: dict[str, object] = {"accounts": named, "hidden_accounts": hidden}
        if hidden:  # the detail names an account of another territory
            update["detail"] = f"{c.kind.value} across {', '.join(c.territories)}"
        shown.append(c.model_copy(update=update))
    return shown


def refuse_conflicts(found: Sequence[TerritoryConflict]) -> None:
    """Raise :class:`TerritoryConflictError` naming ``found`` (none: return)."""
    if not found:
        return
    parts = []
    for c in found:
        who = ", ".join(c.accounts)
        if c.hidden_accounts:
            who += f"{' and ' if who else ''}{c.hidden_accounts} of other territories"
        reps = f"; reps {', '.join(c.reps)}" if c.reps else ""
        parts.append(
            f"{c.kind.value}: {c.detail} (accounts {who}{reps}; territories "
            f"{', '.join(c.territories)})"
        )
    raise TerritoryConflictError(
        "the write would create a territory conflict that GRAPHCRM_TERRITORY_BLOCK_CONFLICTS "
        "blocks; nothing was written: " + "; ".join(parts)
    )
