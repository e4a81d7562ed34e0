"""The :class:`~graphcrm.store.validation.StoreLookup` of the Neo4j adapter."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from neo4j import ManagedTransaction

from graphcrm.domain import ChangeSet, DealRole, EntityKind, Influence, ReportsTo, TerritorySpan
from graphcrm.store.intervals import ContactStatusSpan, Stored, T
from graphcrm.store.neo4j import codec
from graphcrm.store.neo4j.queries import rows_by_ids

EXISTING_IDS: dict[EntityKind, str] = {
    EntityKind.ACCOUNT: "lookup/read_existing_account_ids",
    EntityKind.CONTACT: "lookup/read_existing_contact_ids",
    EntityKind.REP: "lookup/read_existing_rep_ids",
    EntityKind.DEAL: "lookup/read_existing_deal_ids",
    EntityKind.TOUCHPOINT: "lookup/read_existing_touchpoint_ids",
}

BATCH_KINDS: dict[EntityKind, str] = {
    EntityKind.ACCOUNT: "accounts",
    EntityKind.CONTACT: "contacts",
    EntityKind.REP: "reps",
    EntityKind.DEAL: "deals",
    EntityKind.TOUCHPOINT: "touchpoints",
}
"""The batch's own objects, by kind and :class:`~graphcrm.domain.ChangeSet` field."""


@dataclass(frozen=True, slots=True)
class New:
    """Ids of the batch's own objects that the write transaction found not stored.

    Such an object has no stored version, status, reporting line, influence,
    role, rep tie or deal history, so nobody needs to ask the server for them:
    on a bulk load of new objects that skips nearly every lookup. It stays true
    for the rest of the transaction: if another transaction stores the object
    first, this one's ``CREATE`` of it breaks its uniqueness constraint and the
    batch fails whole (a conflict) instead of writing over what it did not read.
    """

    ids: dict[EntityKind, frozenset[str]] = field(default_factory=dict)

    def __contains__(self, item: tuple[EntityKind, str | None]) -> bool:
        kind, value = item
        return value is not None and value in self.ids.get(kind, ())

    def stored(self, kind: EntityKind, ids: Iterable[str]) -> list[str]:
        """``ids`` less those proven new, sorted: the ones worth asking about."""
        new = self.ids.get(kind, frozenset())
        return sorted({i for i in ids if i not in new})


NOTHING_NEW = New()
"""No knowledge: every id may be stored."""


def find_new(tx: ManagedTransaction, changes: ChangeSet) -> New:
    """Which of ``changes``' own accounts, contacts, reps, deals and touchpoints are not
    stored: one index seek per id."""
    out: dict[EntityKind, frozenset[str]] = {}
    for kind, name in BATCH_KINDS.items():
        ids = sorted({r.id for r in getattr(changes, name)})
        if ids:
            found = set(rows_by_ids(tx, EXISTING_IDS[kind], ids))
            out[kind] = frozenset(i for i in ids if i not in found)
    return New(out)


class Neo4jLookup:
    """Answers validation's questions inside the write transaction, one query per call.

    Given the batch, it first finds which of the batch's own objects are new
    (:func:`find_new`) and then never asks about their stored rows: there are
    none. Interval handles (``Stored.ref``) are element ids of the interval's
    relationship or status node, valid for the rest of the transaction.
    Intervals come back ordered by ``valid_from``, as the SQLite store's index
    returns them, so both stores plan (and word problems) alike.
    """

    def __init__(self, tx: ManagedTransaction, changes: ChangeSet | None = None) -> None:
        self._tx = tx
        self.new = find_new(tx, changes) if changes is not None else NOTHING_NEW

    def existing_ids(self, kind: EntityKind, ids: Collection[str]) -> set[str]:
        name = EXISTING_IDS.get(kind)
        if name is None:
            raise ValueError(f"no id lookup for {kind.value!r}")
        found: set[str] = set(rows_by_ids(self._tx, name, self.new.stored(kind, ids)))
        return found

    def account_parents(self, ids: Collection[str]) -> dict[str, str | None]:
        found = rows_by_ids(
            self._tx, "lookup/read_account_parents", self.new.stored(EntityKind.ACCOUNT, ids)
        )
        return {r["id"]: r["parent_id"] for r in found}

    def _intervals(
        self,
        name: str,
        kind: EntityKind,
        ids: Collection[str],
        decode: Callable[[codec.Props], T],
    ) -> list[Stored[T]]:
        wanted = self.new.stored(kind, ids)
        if not wanted:
            return []
        found = rows_by_ids(self._tx, name, wanted)
        found.sort(key=lambda r: r["valid_from"])
        return [Stored(r["ref"], decode(r)) for r in found]

    def reporting_lines(self, contact_ids: Collection[str]) -> list[Stored[ReportsTo]]:
        return self._intervals(
            "lookup/read_reporting_lines", EntityKind.CONTACT, contact_ids, codec.decode_reports_to
        )

    def influences(self, influencer_ids: Collection[str]) -> list[Stored[Influence]]:
        return self._intervals(
            "lookup/read_influences", EntityKind.CONTACT, influencer_ids, codec.decode_influence
        )

    def deal_roles(self, deal_ids: Collection[str]) -> list[Stored[DealRole]]:
        return self._intervals(
            "lookup/read_deal_roles", EntityKind.DEAL, deal_ids, codec.decode_deal_role
        )

    def contact_statuses(self, contact_ids: Collection[str]) -> list[Stored[ContactStatusSpan]]:
        return self._intervals(
            "lookup/read_contact_statuses", EntityKind.CONTACT, contact_ids, codec.decode_status
        )

    def account_territories(self, account_ids: Collection[str]) -> list[Stored[TerritorySpan]]:
        return self._intervals(
            "lookup/read_account_territories",
            EntityKind.ACCOUNT,
            account_ids,
            codec.decode_territory,
        )
