"""The :class:`~graphcrm.store.validation.StoreLookup` of the Neo4j adapter."""

from __future__ import annotations

from collections.abc import Callable, Collection

from neo4j import ManagedTransaction

from graphcrm.domain import DealRole, EntityKind, Influence, ReportsTo
from graphcrm.store.intervals import ContactStatusSpan, Stored, T
from graphcrm.store.neo4j import codec
from graphcrm.store.neo4j.queries import rows_by_ids

EXISTING_IDS: dict[EntityKind, str] = {
    EntityKind.ACCOUNT: "lookup/read_existing_account_ids",
    EntityKind.CONTACT: "lookup/read_existing_contact_ids",
    EntityKind.REP: "lookup/read_existing_rep_ids",
    EntityKind.DEAL: "lookup/read_existing_deal_ids",
}


class Neo4jLookup:
    """Answers validation's questions inside the write transaction, one query per call.

    Interval handles (``Stored.ref``) are element ids of the interval's
    relationship or status node, valid for the rest of the transaction.
    Intervals come back ordered by ``valid_from``, as the SQLite store's index
    returns them, so both stores plan (and word problems) alike.
    """

    def __init__(self, tx: ManagedTransaction) -> None:
        self._tx = tx

    def existing_ids(self, kind: EntityKind, ids: Collection[str]) -> set[str]:
        name = EXISTING_IDS.get(kind)
        if name is None:
            raise ValueError(f"no id lookup for {kind.value!r}")
        found: set[str] = set(rows_by_ids(self._tx, name, sorted(ids)))
        return found

    def account_parents(self, ids: Collection[str]) -> dict[str, str | None]:
        found = rows_by_ids(self._tx, "lookup/read_account_parents", sorted(ids))
        return {r["id"]: r["parent_id"] for r in found}

    def _intervals(
        self, name: str, ids: Collection[str], decode: Callable[[codec.Props], T]
    ) -> list[Stored[T]]:
        found = rows_by_ids(self._tx, name, sorted(ids))
        found.sort(key=lambda r: r["valid_from"])
        return [Stored(r["ref"], decode(r)) for r in found]

    def reporting_lines(self, contact_ids: Collection[str]) -> list[Stored[ReportsTo]]:
        return self._intervals("lookup/read_reporting_lines", contact_ids, codec.decode_reports_to)

    def influences(self, influencer_ids: Collection[str]) -> list[Stored[Influence]]:
        return self._intervals("lookup/read_influences", influencer_ids, codec.decode_influence)

    def deal_roles(self, deal_ids: Collection[str]) -> list[Stored[DealRole]]:
        return self._intervals("lookup/read_deal_roles", deal_ids, codec.decode_deal_role)

    def contact_statuses(self, contact_ids: Collection[str]) -> list[Stored[ContactStatusSpan]]:
        return self._intervals("lookup/read_contact_statuses", contact_ids, codec.decode_status)
