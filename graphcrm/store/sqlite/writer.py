"""Writing one validated batch inside the open transaction, with its change log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter

from graphcrm.domain import (
    ApplyResult,
    ChangeOp,
    ChangeSet,
    CloseDateChange,
    Contact,
    Deal,
    EntityCounts,
    EntityKind,
    Model,
    StageChange,
    Temporal,
    Touchpoint,
)
from graphcrm.store.intervals import IntervalPlan, change_key, derive_deal_history
from graphcrm.store.sqlite import tables
from graphcrm.store.sqlite.codec import ids_param, ts
from graphcrm.store.sqlite.lookup import IN_IDS
from graphcrm.store.sqlite.tables import IntervalTable, Table
from graphcrm.store.validation import Plan

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=Temporal)

_LOG_SQL = (
    "INSERT INTO change_log (at, actor, entity, key, op, before, after) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_CONTACT_LOG_EXCLUDE = {"status", "status_from"}


def _json(row: Model) -> str:
    """The change-log JSON of a row (a contact's status is logged as its own kind)."""
    exclude = _CONTACT_LOG_EXCLUDE if isinstance(row, Contact) else None
    raw: bytes = type(row).__pydantic_serializer__.to_json(row, exclude=exclude)
    return raw.decode()


_DATETIME_JSON = TypeAdapter(datetime)


def _json_from(prefix: bytes, row: Temporal) -> str:
    """JSON of ``row`` with ``valid_from`` taken from ``prefix`` (no model copy)."""
    raw: bytes = type(row).__pydantic_serializer__.to_json(row, exclude={"valid_from"})
    return (prefix + raw[1:]).decode()


def _create_log(
    rows: Sequence[M], at: str, actor: str, entity: EntityKind, key: Callable[[M], str]
) -> list[tuple[Any, ...]]:
    """Change-log rows for created ``rows``, serialized by pydantic-core (Rust).

    Rows of one collection share a class, so the serializer is looked up once;
    a batch mixing in subclasses falls back to :func:`_json` per row.
    """
    if not rows:
        return []
    cls = type(rows[0])
    kind = entity.value
    if any(type(r) is not cls for r in rows):
        return [(at, actor, kind, key(r), "create", None, _json(r)) for r in rows]
    to_json = cls.__pydantic_serializer__.to_json
    exclude = _CONTACT_LOG_EXCLUDE if cls is Contact else None
    return [
        (at, actor, kind, key(r), "create", None, to_json(r, exclude=exclude).decode())
        for r in rows
    ]


def _plain_key(row: Model) -> str:
    d = row.__dict__
    if "id" in d:
        return str(d["id"])
    if "rep_id" in d:
        return f"{d['rep_id']} -> {d['contact_id']}"
    return f"{d['deal_id']} @ {d['at'].isoformat()}"


class _Batch:
    """Collects change-log rows and counts while the batch is written."""

    def __init__(self, conn: sqlite3.Connection, *, actor: str, at: datetime) -> None:
        self.conn = conn
        self.actor = actor
        self.at = ts(at)
        self.log: list[tuple[Any, ...]] = []
        self.counts: dict[EntityKind, dict[str, int]] = {}

    def count(self, entity: EntityKind, what: str, n: int) -> None:
        if n:
            bucket = self.counts.setdefault(entity, {})
            bucket[what] = bucket.get(what, 0) + n

    def record(
        self, entity: EntityKind, key: str, op: ChangeOp, before: str | None, after: str | None
    ) -> None:
        self.log.append((self.at, self.actor, entity.value, key, op.value, before, after))

    def result(self) -> ApplyResult:
        return ApplyResult(counts={k: EntityCounts(**v) for k, v in self.counts.items()})

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
        params: list[tuple[Any, ...]] = []
        changed: list[tuple[M, M | None]] = []
        unchanged = 0
        encode = table.encode
        entity = table.entity
        if not stored:  # the bulk-load fast path: one serializer, no per-row dispatch
            params = [encode(r) for r in rows]
            changed = [(r, None) for r in rows]
            self.log.extend(_create_log(rows, self.at, self.actor, entity, _plain_key))
        else:
            for row in rows:
                p = encode(row)
                old = stored.get(tuple(p[i] for i in key_idx))
                if old == p:
                    unchanged += 1
                    continue
                params.append(p)
                if old is None:
                    changed.append((row, None))
                    self.record(entity, _plain_key(row), ChangeOp.CREATE, None, _json(row))
                else:
                    before = table.decode(old)
                    changed.append((row, before))
                    self.record(entity, _plain_key(row), ChangeOp.UPDATE, _json(before), _json(row))
        if params:
            self.conn.executemany(table.upsert_sql, params)
        created = sum(1 for _, old in changed if old is None)
        self.count(entity, "created", created)
        self.count(entity, "updated", len(changed) - created)
        self.count(entity, "unchanged", unchanged)
        return changed

    # --- intervals ---------------------------------------------------------------

    def intervals(self, table: IntervalTable[T], plan: IntervalPlan[T]) -> None:
        """Close and insert intervals; rows without ``valid_from`` start at ``plan.at``."""
        entity = table.entity
        if plan.closes:
            self.conn.executemany(
                table.close_sql,
                [(ts(c.after.valid_to), c.ref) for c in plan.closes if c.after.valid_to],
            )
            for c in plan.closes:
                self.record(
                    entity, change_key(c.after), ChangeOp.CLOSE, _json(c.before), _json(c.after)
                )
        if plan.inserts:
            encode, i = table.encode, table.columns.index("valid_from")
            start = ts(plan.at)
            params = [encode(r) for r in plan.inserts]
            self.conn.executemany(
                table.insert_sql,
                [p if p[i] is not None else (*p[:i], start, *p[i + 1 :]) for p in params],
            )
            prefix = b'{"valid_from":' + _DATETIME_JSON.dump_json(plan.at) + b","
            if all(r.valid_from is not None for r in plan.inserts):
                self.log.extend(_create_log(plan.inserts, self.at, self.actor, entity, change_key))
            else:
                self.log.extend(
                    (
                        self.at,
                        self.actor,
                        entity.value,
                        change_key(r),
                        "create",
                        None,
                        _json(r) if r.valid_from is not None else _json_from(prefix, r),
                    )
                    for r in plan.inserts
                )
        self.count(entity, "created", len(plan.inserts))
        self.count(entity, "closed", len(plan.closes))
        self.count(entity, "unchanged", plan.unchanged)

    # --- derived rows ------------------------------------------------------------------

    def deal_history(
        self, cs: ChangeSet, changed: list[tuple[Deal, Deal | None]], at: datetime
    ) -> None:
        explicit = {s.deal_id for s in cs.stage_changes} | {
            c.deal_id for c in cs.close_date_changes
        }
        stages: list[StageChange] = list(cs.stage_changes)
        closes: list[CloseDateChange] = list(cs.close_date_changes)
        for new, old in changed:
            stage, close = derive_deal_history(new, old, at=at, explicit=new.id in explicit)
            if stage is not None:
                stages.append(stage)
            if close is not None:
                closes.append(close)
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
        if self.log:
            self.conn.executemany(_LOG_SQL, self.log)


def write_batch(
    conn: sqlite3.Connection, cs: ChangeSet, plan: Plan, *, actor: str, at: datetime
) -> ApplyResult:
    """Write a validated batch; the caller owns the transaction."""
    b = _Batch(conn, actor=actor, at=at)
    b.upsert(tables.ACCOUNTS, cs.accounts)
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
    return b.result()
