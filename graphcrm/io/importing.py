"""The import driver shared by every source format.

A source module (:mod:`~graphcrm.io.salesforce`, :mod:`~graphcrm.io.hubspot`,
:mod:`~graphcrm.io.jsonio`, ...) turns its files into :class:`Phase` objects:
streams of domain rows (:class:`Item`, each with the file and line it came
from) and of rows it could not read (:class:`~graphcrm.io.sources.Rejected`),
in dependency order (reps and accounts, then contacts, reporting lines,
deals, deal roles). :func:`run_import` writes them to the store in batches of
a few thousand rows and returns an :class:`ImportReport`.

Modes
    ``all_or_nothing=False`` (the default): valid rows are committed. A row
    with a problem is dropped, and so is every row that refers to an object
    a dropped row would have created (a contact whose account row failed, a
    deal role of a dropped deal); the report lists them all. When the store
    rejects a batch, the problems it names are mapped back to the rows'
    files and lines, those rows are dropped and the rest of the batch is
    applied again.

    ``all_or_nothing=True``: the whole import is one batch, applied only if
    no row has a problem, so the store is left untouched on any error. This
    holds every row in memory; the default mode streams.

Re-importing the same files changes nothing: every row is an idempotent
upsert keyed by its source id, and the report's ``changed`` is false.

A format only speaks for the fields it has columns for. A row of an object
already stored keeps the stored values of the others (:func:`with_stored`):
re-importing a Salesforce export never clears the territory an account was
given in graphcrm, reopens a contact recorded as gone, or drops a deal's
competitors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final, Protocol

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    ContactId,
    DealId,
    EntityCounts,
    EntityKind,
    Model,
    Temporal,
)
from graphcrm.errors import InvalidError, NotFoundError, Problem
from graphcrm.io.report import MAX_PROBLEMS
from graphcrm.io.report import ImportLog as ImportLog  # importers and the CLI import these here
from graphcrm.io.report import ImportReport as ImportReport
from graphcrm.io.report import TerritoryCount as TerritoryCount
from graphcrm.io.sources import Origin, Rejected
from graphcrm.store.intervals import row_label
from graphcrm.store.port import GraphStore

DEFAULT_BATCH_SIZE: Final = 5_000
"""Rows per batch (per ChangeSet) in the default mode."""

ProgressFn = Callable[[str, int, int | None], None]
"""``progress(label, rows_done, rows_total)``: called as a phase advances; total may be None."""

_A, _C, _R, _D, _T = (
    EntityKind.ACCOUNT,
    EntityKind.CONTACT,
    EntityKind.REP,
    EntityKind.DEAL,
    EntityKind.TOUCHPOINT,
)

COLLECTIONS: Final[tuple[str, ...]] = tuple(ChangeSet.model_fields)
"""The ChangeSet fields, in the order a batch lists them."""

# Collections whose rows create an object other rows refer to, and its kind.
_CREATES: Final[dict[str, EntityKind]] = {
    "accounts": _A,
    "contacts": _C,
    "reps": _R,
    "deals": _D,
    "touchpoints": _T,
}

# (field, kind referred to) for every reference a row makes.
_REFERENCES: Final[dict[str, tuple[tuple[str, EntityKind], ...]]] = {
    "accounts": (("parent_id", _A), ("owner_id", _R)),
    "reps": (),
    "contacts": (("account_id", _A),),
    "reports_to": (("contact_id", _C), ("manager_id", _C)),
    "influences": (("influencer_id", _C), ("influenced_id", _C)),
    "rep_knows": (("rep_id", _R), ("contact_id", _C)),
    "deals": (("account_id", _A), ("owner_id", _R)),
    "stage_changes": (("deal_id", _D),),
    "close_date_changes": (("deal_id", _D),),
    "deal_roles": (("deal_id", _D), ("contact_id", _C)),
    "touchpoints": (("account_id", _A), ("contact_ids", _C), ("rep_ids", _R), ("deal_id", _D)),
}


@dataclass(frozen=True, slots=True)
class Item:
    """One validated domain row on its way to the store.

    ``columns`` maps the model's field names to the source's column names,
    so that a problem the store finds in ``account_id`` is reported under
    the column the user knows (``AccountId``).
    """

    collection: str
    row: Model
    origin: Origin
    columns: Mapping[str, str] = field(default_factory=dict)
    source_row: bool = True
    """False for rows made on the side (a rep for an owner id) or that trail their source
    row (a deal's stage history): progress counts source rows, and a batch is never cut
    before such a row, so it lands in the batch of the row it goes with."""
    keep: frozenset[str] = frozenset()
    """Fields the source has no column for: a stored object keeps its values of them."""

    def entity(self) -> tuple[EntityKind, str] | None:
        kind = _CREATES.get(self.collection)
        return None if kind is None else (kind, str(self.row.__dict__["id"]))

    def label(self) -> str:
        """How the store's problems name this row (see :mod:`graphcrm.store.validation`)."""
        row, name = self.row, self.collection
        if name in _CREATES:
            return f"{name}[{row.__dict__['id']}]"
        if isinstance(row, Temporal):
            return row_label(row)
        d = row.__dict__
        if name == "rep_knows":
            return f"rep_knows[{d['rep_id']} -> {d['contact_id']}]"
        return f"{name}[{d['deal_id']} @ {d['at'].isoformat()}]"

    def references(self) -> Iterator[tuple[str, EntityKind, str]]:
        """``(field, kind, id)`` of every object the row refers to."""
        d = self.row.__dict__
        for name, kind in _REFERENCES[self.collection]:
            value = d[name]
            if isinstance(value, tuple):
                for v in value:
                    yield name, kind, v
            elif value is not None:
                yield name, kind, value


class Flush:
    """A marker in a phase's stream: apply what is pending now, as one batch."""


FLUSH: Final = Flush()


@dataclass(frozen=True, slots=True)
class Phase:
    """One step of an import: a stream of rows, applied in batches.

    ``rows`` is called once, when the phase starts (so files are opened
    only then). ``batch_size`` ``None`` cuts batches only at :data:`FLUSH`
    markers (a JSON line is one batch).
    """

    label: str
    rows: Callable[[], Iterable[Item | Rejected | Flush]]
    total: int | None = None
    batch_size: int | None = DEFAULT_BATCH_SIZE


def changeset(items: Iterable[Item]) -> ChangeSet:
    """The batch holding ``items``, each collection in the items' order."""
    grouped: dict[str, list[Model]] = {}
    for item in items:
        grouped.setdefault(item.collection, []).append(item.row)
    return ChangeSet.model_validate({k: tuple(v) for k, v in grouped.items()})


def parents_first(items: Sequence[Item]) -> list[Item]:
    """Account items ordered so that a parent comes before its children.

    Batches are applied in order, so a child never refers to a parent that
    a later batch would create. Accounts on a parent cycle keep their file
    order at the end (the store reports the cycle). Other items keep their
    place relative to the account they precede (the reps of its owner).
    """
    groups: list[list[Item]] = []
    current: list[Item] = []
    for item in items:
        current.append(item)
        if isinstance(item.row, Account):
            groups.append(current)
            current = []
    tail = current
    by_id = {str(g[-1].row.__dict__["id"]): g for g in groups}
    children: dict[str, list[list[Item]]] = {}
    roots: list[list[Item]] = []
    for g in groups:
        parent = g[-1].row.__dict__["parent_id"]
        if parent is not None and parent in by_id and parent != g[-1].row.__dict__["id"]:
            children.setdefault(parent, []).append(g)
        else:
            roots.append(g)
    ordered: list[Item] = []
    placed: set[int] = set()
    stack = list(reversed(roots))
    while stack:
        g = stack.pop()
        placed.add(id(g))
        ordered.extend(g)
        stack.extend(reversed(children.get(str(g[-1].row.__dict__["id"]), [])))
    for g in groups:
        if id(g) not in placed:
            ordered.extend(g)
    return ordered + tail


class TerritoryAssigner(Protocol):
    """Gives a new account its territory: ``(territory, reason)``, or None to leave it
    (``ancestors``: its parent's id, the grandparent's, ...). See
    :func:`graphcrm.services.territories.rules_assigner`."""

    def __call__(self, account: Account, ancestors: Sequence[str], /) -> tuple[str, str] | None: ...


NewTerritory = str | TerritoryAssigner | None
"""What new accounts of an import get: one territory for those whose rows carry none,
or an assigner (territory rules) for every new account, or nothing."""


def _ancestors(store: GraphStore, batch: Mapping[str, Account], account: Account) -> list[str]:
    """The ids above ``account``, looked up in ``batch`` first, then in the store."""
    chain: list[str] = []
    parent = account.parent_id
    while parent is not None and parent not in chain and parent != account.id:
        chain.append(parent)
        above = batch.get(parent)
        if above is None:
            try:
                above = store.get_account(AccountId(parent))
            except NotFoundError:
                above = None
        parent = above.parent_id if above is not None else None
    return chain


_STORED: Final[dict[str, Callable[[GraphStore, str], Model]]] = {
    "accounts": lambda store, key: store.get_account(AccountId(key)),
    "contacts": lambda store, key: store.get_contact(ContactId(key)),
    "deals": lambda store, key: store.get_deal(DealId(key)).deal,
}
"""How to read the stored version of a row that creates an object, by collection."""


def with_stored(
    store: GraphStore,
    items: list[Item],
    *,
    territory: NewTerritory,
    assigned: Counter[tuple[str, str]] | None = None,
) -> list[Item]:
    """``items`` with what the source cannot say taken from the store.

    A row of an object already stored keeps the stored values of the fields
    its source has no column for (:attr:`Item.keep`): re-importing a
    Salesforce export leaves an account's territory, a contact's status
    (a departure recorded in graphcrm) and a deal's competitors as they
    were. A new account without a territory gets ``territory`` when it is a
    name; when it is an assigner, every new account gets the territory it gives
    (counted in ``assigned`` by territory and reason), and keeps its row's when it
    gives none.
    """
    out: list[Item] = []
    batch: dict[str, Account] = {}
    for item in items:
        read = _STORED.get(item.collection)
        if read is None or (not item.keep and territory is None):
            out.append(item)
            continue
        row = item.row
        assigning = isinstance(row, Account) and callable(territory)
        try:
            stored = read(store, str(row.__dict__["id"])) if item.keep or assigning else None
        except NotFoundError:
            stored = None
        update: dict[str, object] = {}
        if stored is not None:
            update = {f: stored.__dict__[f] for f in item.keep}
        elif isinstance(row, Account) and isinstance(territory, str):
            if row.territory is None:
                update = {"territory": territory}
        elif isinstance(row, Account) and callable(territory):
            given = territory(row, _ancestors(store, batch, row))
            if given is not None:
                update = {"territory": given[0]}
                if assigned is not None:
                    assigned[given] += 1
        new_row = row.model_copy(update=update) if update else row
        if isinstance(new_row, Account):
            batch[new_row.id] = new_row
        out.append(replace(item, row=new_row) if update else item)
    return out


class _Driver:
    def __init__(
        self,
        store: GraphStore,
        *,
        actor: str,
        at: datetime | None,
        all_or_nothing: bool,
        territory: NewTerritory = None,
    ) -> None:
        self.store = store
        self.actor = actor
        self.at = at
        self.all_or_nothing = all_or_nothing
        self.territory = territory
        self.assigned: Counter[tuple[str, str]] = Counter()
        self.rejected: dict[tuple[EntityKind, str], Origin] = {}
        self.rejected_lines: set[Origin] = set()
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.committed: Counter[str] = Counter()
        self.counts: dict[EntityKind, Counter[str]] = {}
        self.changed = False
        self.pending: list[Item] = []

    # --- bookkeeping --------------------------------------------------------

    def _problem(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def reject(
        self,
        origin: Origin,
        problems: Iterable[Problem],
        entity: tuple[EntityKind, str] | None,
    ) -> None:
        self.rejected_lines.add(origin)
        for p in problems:
            self._problem(p)
        if entity is not None:
            self.rejected.setdefault(entity, origin)
        # A source row stands or falls as a whole: drop the rows it already gave.
        while self.pending and self.pending[-1].origin == origin and self.pending[-1].source_row:
            sibling = self.pending.pop()
            if (e := sibling.entity()) is not None:
                self.rejected.setdefault(e, origin)

    def _dropped_dependency(self, item: Item) -> tuple[str, EntityKind, str, Origin] | None:
        if not self.rejected:
            return None
        for name, kind, key in item.references():
            origin = self.rejected.get((kind, key))
            if origin is not None:
                return name, kind, key, origin
        return None

    def _drop_if_dependent(self, item: Item) -> bool:
        """Reject ``item`` if it refers to a rejected object; True if it was."""
        if item.origin in self.rejected_lines and item.source_row:
            # Another row of the same source line was rejected and reported.
            self.reject(item.origin, (), item.entity())
            return True
        dep = self._dropped_dependency(item)
        if dep is None:
            return False
        name, kind, key, origin = dep
        problem = Problem(
            str(item.origin),
            item.columns.get(name, name),
            f"{kind.value} {key!r} was rejected ({origin})",
        )
        self.reject(item.origin, (problem,), item.entity())
        return True

    # --- the stream ----------------------------------------------------------

    def offer(self, item: Item) -> None:
        if not self._drop_if_dependent(item):
            self.pending.append(item)

    def flush(self) -> None:
        items, self.pending = (
            with_stored(self.store, self.pending, territory=self.territory, assigned=self.assigned),
            [],
        )
        if self.all_or_nothing:
            if items and not self.problem_count:
                self._apply_once(items)
            return
        while items:
            try:
                result = self.store.apply(changeset(items), actor=self.actor, at=self.at)
            except InvalidError as e:
                items = self._drop_failed(items, e)
                continue
            self._record(items, result.counts)
            return

    def _apply_once(self, items: list[Item]) -> None:
        try:
            result = self.store.apply(changeset(items), actor=self.actor, at=self.at)
        except InvalidError as e:
            self._drop_failed(items, e)
            return
        self._record(items, result.counts)

    def _record(self, items: list[Item], counts: Mapping[EntityKind, EntityCounts]) -> None:
        self.committed.update(item.collection for item in items)
        for kind, c in counts.items():
            tally = self.counts.setdefault(kind, Counter())
            tally.update(
                {
                    "created": c.created,
                    "updated": c.updated,
                    "closed": c.closed,
                    "unchanged": c.unchanged,
                }
            )
            if c.created or c.updated or c.closed:
                self.changed = True

    def _drop_failed(self, items: list[Item], error: InvalidError) -> list[Item]:
        """Reject the rows the store's problems name; return the rows to try again."""
        index: dict[str, list[int]] = {}
        for i, item in enumerate(items):
            index.setdefault(item.label(), []).append(i)
        bad: dict[int, list[Problem]] = {}
        unnamed: list[Problem] = []
        for p in error.problems:
            hits = index.get(p.where)
            if not hits:
                unnamed.append(p)
                continue
            for i in hits:
                item = items[i]
                bad.setdefault(i, []).append(
                    Problem(str(item.origin), item.columns.get(p.field, p.field), p.message)
                )
        if not bad:
            # Nothing to attribute the error to: report it and drop the whole batch.
            for p in unnamed:
                self._problem(p)
            for item in items:
                self.reject(
                    item.origin,
                    (Problem(str(item.origin), "", "not imported: its batch was rejected"),),
                    item.entity(),
                )
            return []
        for i, problems in bad.items():
            self.reject(items[i].origin, problems, items[i].entity())
        keep = [item for i, item in enumerate(items) if i not in bad]
        if self.all_or_nothing:
            for p in unnamed:
                self._problem(p)
            return []
        # Rows of this batch that depend on the rows just dropped go too.
        while True:
            survivors = [item for item in keep if not self._drop_if_dependent(item)]
            if len(survivors) == len(keep):
                return survivors
            keep = survivors

    def report(self, fmt: str, log: ImportLog) -> ImportReport:
        return ImportReport(
            format=fmt,
            all_or_nothing=self.all_or_nothing,
            rows_read=dict(log.rows_read),
            skipped=dict(log.skipped),
            committed=dict(self.committed),
            counts={k: EntityCounts(**c) for k, c in sorted(self.counts.items())},
            rejected_rows=len(self.rejected_lines),
            problem_count=self.problem_count,
            problems=tuple(self.problems),
            warnings=log.all_warnings(),
            changed=self.changed,
            territories=tuple(
                TerritoryCount(territory=t, rule=r, accounts=n)
                for (t, r), n in sorted(self.assigned.items())
            ),
        )


def run_import(
    store: GraphStore,
    phases: Iterable[Phase],
    *,
    fmt: str,
    log: ImportLog,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    progress: ProgressFn | None = None,
    territory: NewTerritory = None,
) -> ImportReport:
    """Write the rows of ``phases`` to ``store``; see the module docstring for the modes.

    Parameters
    ----------
    store
        Where the rows go.
    phases
        The source's phases, in dependency order.
    fmt, log
        The format's name and the source's log, for the report.
    all_or_nothing
        Commit nothing unless every row is valid.
    actor, at
        Passed to :meth:`~graphcrm.store.port.GraphStore.apply`.
    progress
        Called every few hundred rows with ``(phase label, rows done, rows total)``.
    territory
        The territory of new accounts whose rows carry none, or an assigner giving
        every new account its territory (see :func:`with_stored`).

    Raises
    ------
    graphcrm.errors.StoreUnavailableError, graphcrm.errors.ConflictError
        From the store; batches applied before stay applied.
    """
    driver = _Driver(store, actor=actor, at=at, all_or_nothing=all_or_nothing, territory=territory)
    for phase in phases:
        done = 0
        if progress is not None:
            progress(phase.label, 0, phase.total)
        for entry in phase.rows():
            if isinstance(entry, Flush):
                if not all_or_nothing:
                    driver.flush()
                continue
            if not isinstance(entry, Item) or entry.source_row:
                done += 1
            if isinstance(entry, Rejected):
                driver.reject(entry.origin, entry.problems, entry.entity)
            else:
                if (
                    not all_or_nothing
                    and phase.batch_size is not None
                    and len(driver.pending) >= phase.batch_size
                    # never split a source row from the rows it gives or that trail it
                    and entry.source_row
                    and driver.pending[-1].origin != entry.origin
                ):
                    driver.flush()
                driver.offer(entry)
            if progress is not None and done % 500 == 0:
                progress(phase.label, done, phase.total)
        if not all_or_nothing:
            driver.flush()
        if progress is not None:
            end = phase.total if phase.total is not None else done
            progress(phase.label, end, end)
    if all_or_nothing:
        driver.flush()
    return driver.report(fmt, log)
