"""Writing one validated batch inside the open transaction, with its change log."""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from graphcrm.domain import (
    ApplyResult,
    ChangeOp,
    ChangeSet,
    Deal,
    EntityKind,
    Model,
    Temporal,
    Touchpoint,
)
from graphcrm.store.codec import KEEPS_CREATED, ChangeLog, ts
from graphcrm.store.intervals import IntervalPlan, deal_history
from graphcrm.store.sqlite import tables
from graphcrm.store.sqlite.codec import ids_param, json_strings
from graphcrm.store.sqlite.lookup import IN_IDS
from graphcrm.store.sqlite.tables import IntervalTable, Table
from graphcrm.store.validation import Plan

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=Temporal)

_LOG_SQL = (
    "INSERT INTO change_log (at, actor, entity, key, op, before, after) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
"""One :data:`~graphcrm.store.codec.LogRecord` a row."""

_RUN_SQL = (
    "INSERT INTO change_log (at, actor, entity, key, op) "
    "SELECT ?, ?, ?, k.value, ? FROM json_each(?) AS k ORDER BY k.id"
)
"""A run of creation entries: one row a key of the JSON array, in its order."""


class _RunLog(ChangeLog):
    """The batch's :class:`ChangeLog`, its rowless creation entries kept as runs of keys.

    Such entries (:meth:`ChangeLog.created`) differ from each other only in
    their key, so a run of them is written by one ``INSERT ... SELECT`` over
    the keys as a JSON array (:data:`_RUN_SQL`) instead of a tuple built and
    bound a row (half the change log's cost in SQLite on a bulk load,
    docs/benchmarks.md, "Set-based validation, 2026-12-05"). A run keeps its
    place among the other records, so the entries get the same ``seq`` as
    when each was a record.
    """

    def __init__(self, *, actor: str, at: datetime) -> None:
        super().__init__(actor=actor, at=at)
        self.runs: list[tuple[int, str, str]] = []
        """``(records before it, entity, keys as a JSON array)`` of each run."""

    def created(
        self,
        entity: EntityKind,
        rows: Sequence[M],
        key: Callable[[M], str],
        start: datetime | None = None,
    ) -> None:
        if not rows or entity in KEEPS_CREATED:
            super().created(entity, rows, key, start)
            return
        self.runs.append((len(self.records), entity.value, json_strings(map(key, rows))))

    def flush(self, conn: sqlite3.Connection) -> None:
        """Insert the records and runs in their order."""
        done = 0
        for before, entity, keys in self.runs:
            if before > done:
                conn.executemany(_LOG_SQL, self.records[done:before])
                done = before
            conn.execute(_RUN_SQL, (self.at, self.actor, entity, ChangeOp.CREATE.value, keys))
        if len(self.records) > done:
            conn.executemany(_LOG_SQL, self.records[done:])


class _Batch:
    """Writes the batch's rows; its :class:`ChangeLog` records and counts them."""

    def __init__(self, conn: sqlite3.Connection, *, actor: str, at: datetime) -> None:
        self.conn = conn
        self.log = _RunLog(actor=actor, at=at)

    # --- plain upserts ---------------------------------------------------------

    def upsert(self, table: Table[M], rows: Sequence[M]) -> list[tuple[M, M | None]]:
        """Upsert ``rows``; return the changed ones with their stored version (None: new)."""
        if not rows:
            return []
        first = table.key_columns[0]
        key_idx = [table.columns.index(c) for c in table.key_columns]
        sql = (
            f"SELECT {table.select_list} FROM {table.name} "  # noqa: S608 - names from constants
            f"WHERE {first} {IN_IDS}"
        )
        wanted = {r.__dict__[first] for r in rows}
        stored = {
            tuple(s[i] for i in key_idx): tuple(s)
            for s in self.conn.execute(sql, (ids_param(wanted),))
        }
        params, changed = self.log.upserted(
            table.entity,
            rows,
            [table.encode(r) for r in rows],
            stored,
            lambda p: tuple(p[i] for i in key_idx),
            operator.eq,
            table.decode,
        )
        if params:
            self.conn.executemany(table.upsert_sql, params)
        return changed

    # --- intervals ---------------------------------------------------------------

    def intervals(
        self, table: IntervalTable[T], plan: IntervalPlan[T], *, log: bool = True
    ) -> None:
        """Close and insert intervals; rows without ``valid_from`` start at ``plan.at``;
        ``log``: record them in the change log."""
        if plan.closes:
            self.conn.executemany(
                table.close_sql,
                [(ts(c.after.valid_to), c.ref) for c in plan.closes if c.after.valid_to],
            )
        if plan.inserts:
            encode, i = table.encode, table.columns.index("valid_from")
            start = ts(plan.at)
            params = [encode(r) for r in plan.inserts]
            self.conn.executemany(
                table.insert_sql,
                [p if p[i] is not None else (*p[:i], start, *p[i + 1 :]) for p in params],
            )
        if log:
            self.log.planned(table.entity, plan)

    # --- derived rows ------------------------------------------------------------------

    def deal_history(
        self, cs: ChangeSet, changed: list[tuple[Deal, Deal | None]], at: datetime
    ) -> None:
        stages, closes = deal_history(cs, changed, at)
        self.upsert(tables.STAGE_CHANGES, stages)
        self.upsert(tables.CLOSE_DATE_CHANGES, closes)

    def participants(self, changed: list[tuple[Touchpoint, Touchpoint | None]]) -> None:
        if not changed:
            return
        updated = [new.id for new, old in changed if old is not None]
        if updated:
            ids = ids_param(updated)
            for table in ("touchpoint_contacts", "touchpoint_reps"):
                sql = f"DELETE FROM {table} WHERE touchpoint_id {IN_IDS}"  # noqa: S608 - constants
                self.conn.execute(sql, (ids,))
        self.conn.executemany(
            "INSERT INTO touchpoint_contacts (contact_id, touchpoint_id, at, direction, sentiment) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (c, t.id, ts(t.at), t.direction, t.sentiment)
                for t, _ in changed
                for c in t.contact_ids
            ],
        )
        self.conn.executemany(
            "INSERT INTO touchpoint_reps (touchpoint_id, rep_id) VALUES (?, ?)",
            [(t.id, r) for t, _ in changed for r in t.rep_ids],
        )

    def flush_log(self) -> None:
        self.log.flush(self.conn)


def write_batch(
    conn: sqlite3.Connection, cs: ChangeSet, plan: Plan, *, actor: str, at: datetime
) -> ApplyResult:
    """Write a validated batch; the caller owns the transaction."""
    b = _Batch(conn, actor=actor, at=at)
    b.upsert(tables.ACCOUNTS, cs.accounts)
    b.intervals(tables.ACCOUNT_TERRITORY, plan.territories, log=False)
    b.upsert(tables.REPS, cs.reps)
    b.upsert(tables.CONTACTS, cs.contacts)
    b.intervals(tables.CONTACT_STATUS, plan.statuses)
    b.deal_history(cs, b.upsert(tables.DEALS, cs.deals), at)
    b.participants(b.upsert(tables.TOUCHPOINTS, cs.touchpoints))
    b.intervals(tables.REPORTS_TO, plan.reports_to)
    b.intervals(tables.INFLUENCES, plan.influences)
    b.upsert(tables.REP_KNOWS, cs.rep_knows)
    b.intervals(tables.DEAL_ROLES, plan.deal_roles)
    b.flush_log()
    return b.log.result()
