"""The :class:`~graphcrm.store.validation.StoreLookup` of the SQLite adapter."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from graphcrm.domain import DealRole, EntityKind, Influence, ReportsTo, TerritorySpan
from graphcrm.store.intervals import ContactStatusSpan, Stored, T
from graphcrm.store.sqlite import tables
from graphcrm.store.sqlite.codec import ids_param
from graphcrm.store.sqlite.tables import IntervalTable

IN_IDS = "IN (SELECT value FROM json_each(?))"
"""Membership in a JSON array parameter: any number of ids, one placeholder."""


class SqliteLookup:
    """Answers validation's questions with one query per call (ids as a JSON array)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def existing_ids(self, kind: EntityKind, ids: Collection[str]) -> set[str]:
        table = tables.ID_TABLES[kind]
        sql = f"SELECT id FROM {table} WHERE id {IN_IDS}"  # noqa: S608 - table from constants
        return {r[0] for r in self._conn.execute(sql, (ids_param(ids),))}

    def account_parents(self, ids: Collection[str]) -> dict[str, str | None]:
        sql = f"SELECT id, parent_id FROM accounts WHERE id {IN_IDS}"  # noqa: S608 - constant
        return {r[0]: r[1] for r in self._conn.execute(sql, (ids_param(ids),))}

    def _intervals(self, table: IntervalTable[T], ids: Collection[str]) -> list[Stored[T]]:
        sql = (
            f"SELECT id, {table.select_list} FROM {table.name} "  # noqa: S608 - names from constants
            f"WHERE {table.by} {IN_IDS}"
        )
        return [
            Stored(r[0], table.decode(r[1:])) for r in self._conn.execute(sql, (ids_param(ids),))
        ]

    def reporting_lines(self, contact_ids: Collection[str]) -> list[Stored[ReportsTo]]:
        return self._intervals(tables.REPORTS_TO, contact_ids)

    def influences(self, influencer_ids: Collection[str]) -> list[Stored[Influence]]:
        return self._intervals(tables.INFLUENCES, influencer_ids)

    def deal_roles(self, deal_ids: Collection[str]) -> list[Stored[DealRole]]:
        return self._intervals(tables.DEAL_ROLES, deal_ids)

    def contact_statuses(self, contact_ids: Collection[str]) -> list[Stored[ContactStatusSpan]]:
        return self._intervals(tables.CONTACT_STATUS, contact_ids)

    def account_territories(self, account_ids: Collection[str]) -> list[Stored[TerritorySpan]]:
        return self._intervals(tables.ACCOUNT_TERRITORY, account_ids)
