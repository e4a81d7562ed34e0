"""Writing one validated batch inside the open write transaction, with its change log.

The order of the writes, the change detection and the change-log payloads are
those of the SQLite store, so both stores log the same entries in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from neo4j import ManagedTransaction
from pydantic import TypeAdapter

from graphcrm.domain import (
    Account,
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
from graphcrm.store.neo4j import codec
from graphcrm.store.neo4j.queries import WRITE_CHUNK, chunks, rows_by_ids, write
from graphcrm.store.validation import Plan

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=Temporal)

_CONTACT_LOG_EXCLUDE = {"status", "status_from"}


@dataclass(frozen=True, slots=True)
class Upsert(Generic[M]):
    """A kind of plain upsert: stored rows are read by the first ``key`` field.

    ``unlink``, when set, drops the outgoing structural relationships of the
    rows that are updated (by ``id``) before ``write`` runs, so the write (or a
    later link step) can lay them anew.
    """

    entity: EntityKind
    read: str
    write: str
    key: tuple[str, ...]
    encode: Callable[[M], dict[str, Any]]
    decode: Callable[[codec.Props], M]
    unlink: str | None = None


@dataclass(frozen=True, slots=True)
class Intervals(Generic[T]):
    """A kind of time-stamped row: insert and close queries."""

    entity: EntityKind
    create: str
    close: str
    encode: Callable[[T], dict[str, Any]]


ACCOUNTS = Upsert(
    EntityKind.ACCOUNT,
    "accounts/read_accounts",
    "accounts/upsert_accounts",
    ("id",),
    codec.encode_account,
    codec.decode_account,
    unlink="accounts/unlink_account_parents",
)
REPS = Upsert(
    EntityKind.REP,
    "reps/read_reps",
    "reps/upsert_reps",
    ("id",),
    codec.encode_rep,
    codec.decode_rep,
)
CONTACTS = Upsert(
    EntityKind.CONTACT,
    "contacts/read_contacts",
    "contacts/upsert_contacts",
    ("id",),
    codec.encode_contact,
    codec.decode_contact,
    unlink="contacts/unlink_contact_accounts",
)
DEALS = Upsert(
    EntityKind.DEAL,
    "deals/read_deals",
    "deals/upsert_deals",
    ("id",),
    codec.encode_deal,
    codec.decode_deal,
    unlink="deals/unlink_deal_accounts",
)
TOUCHPOINTS = Upsert(
    EntityKind.TOUCHPOINT,
    "touchpoints/read_touchpoints",
    "touchpoints/upsert_touchpoints",
    ("id",),
    codec.encode_touchpoint,
    codec.decode_touchpoint,
    unlink="touchpoints/unlink_touchpoint_participants",
)
REP_KNOWS = Upsert(
    EntityKind.REP_KNOWS,
    "edges/read_rep_knows",
    "edges/upsert_rep_knows",
    ("rep_id", "contact_id"),
    codec.encode_rep_knows,
    codec.decode_rep_knows,
)
STAGE_CHANGES = Upsert(
    EntityKind.STAGE_CHANGE,
    "deals/read_stage_changes",
    "deals/upsert_stage_changes",
    ("deal_id", "at"),
    codec.encode_stage_change,
    codec.decode_stage_change,
)
CLOSE_DATE_CHANGES = Upsert(
    EntityKind.CLOSE_DATE_CHANGE,
    "deals/read_close_date_changes",
    "deals/upsert_close_date_changes",
    ("deal_id", "at"),
    codec.encode_close_date_change,
    codec.decode_close_date_change,
)

CONTACT_STATUS = Intervals(
    EntityKind.CONTACT_STATUS,
    "contacts/create_contact_statuses",
    "contacts/close_contact_statuses",
    codec.encode_status,
)
REPORTS_TO = Intervals(
    EntityKind.REPORTS_TO,
    "edges/create_reporting_lines",
    "edges/close_reporting_lines",
    codec.encode_reports_to,
)
INFLUENCES = Intervals(
    EntityKind.INFLUENCE,
    "edges/create_influences",
    "edges/close_influences",
    codec.encode_influence,
)
DEAL_ROLES = Intervals(
    EntityKind.DEAL_ROLE,
    "edges/create_deal_roles",
    "edges/close_deal_roles",
    codec.encode_deal_role,
)


def log_json(row: Model) -> str:
    """A row as the change log records it (a contact without its status)."""
    if isinstance(row, Contact):
        return row.model_dump_json(exclude=_CONTACT_LOG_EXCLUDE)
    raw: bytes = type(row).__pydantic_serializer__.to_json(row)
    return raw.decode()


_DATETIME_JSON = TypeAdapter(datetime)


def _log_json_from(prefix: bytes, row: Temporal) -> str:
    """:func:`log_json` of ``row`` with ``valid_from`` from ``prefix`` (no model copy).

    ``valid_from`` is the first field of every time-stamped model, so this is
    the JSON of the row with its start filled in.
    """
    raw: bytes = type(row).__pydantic_serializer__.to_json(row, exclude={"valid_from"})
    return (prefix + raw[1:]).decode()


def plain_key(row: Model) -> str:
    """The change-log key of a plain row: its id, ``rep -> contact`` or ``deal @ at``."""
    d = row.__dict__
    if "id" in d:
        return str(d["id"])
    if "rep_id" in d:
        return f"{d['rep_id']} -> {d['contact_id']}"
    return f"{d['deal_id']} @ {d['at'].isoformat()}"


def _same(stored: codec.Props, new: dict[str, Any]) -> bool:
    """Whether the stored properties equal the encoded row (a missing property is null)."""
    return all(stored.get(k) == v for k, v in new.items())


class _Batch:
    """Collects change-log rows and counts while the batch is written."""

    def __init__(self, tx: ManagedTransaction, *, actor: str, at: datetime) -> None:
        self.tx = tx
        self.actor = actor
        self.at = codec.ts(at)
        self.log: list[dict[str, Any]] = []
        self.counts: dict[EntityKind, dict[str, int]] = {}

    def count(self, entity: EntityKind, what: str, n: int) -> None:
        if n:
            bucket = self.counts.setdefault(entity, {})
            bucket[what] = bucket.get(what, 0) + n

    def record(
        self, entity: EntityKind, key: str, op: ChangeOp, before: str | None, after: str | None
    ) -> None:
        self.log.append(
            {
                "at": self.at,
                "actor": self.actor,
                "entity": entity.value,
                "key": key,
                "op": op.value,
                "before": before,
                "after": after,
            }
        )

    def result(self) -> ApplyResult:
        return ApplyResult(counts={k: EntityCounts(**v) for k, v in self.counts.items()})

    # --- plain upserts ---------------------------------------------------------

    def upsert(self, spec: Upsert[M], rows: Sequence[M]) -> list[tuple[M, M | None]]:
        """Upsert ``rows``; return the changed ones with their stored version (None: new)."""
        if not rows:
            return []
        first = spec.key[0]
        encoded = [spec.encode(r) for r in rows]
        wanted = sorted({p[first] for p in encoded})
        stored: dict[tuple[Any, ...], codec.Props] = {}
        for props in rows_by_ids(self.tx, spec.read, wanted):
            stored[tuple(props.get(k) for k in spec.key)] = props
        params: list[dict[str, Any]] = []
        changed: list[tuple[M, M | None]] = []
        unchanged = 0
        entity = spec.entity
        if not stored:  # the bulk-load fast path
            params = encoded
            changed = [(r, None) for r in rows]
            for r in rows:
                self.record(entity, plain_key(r), ChangeOp.CREATE, None, log_json(r))
        else:
            for row, p in zip(rows, encoded, strict=True):
                old = stored.get(tuple(p[k] for k in spec.key))
                if old is not None and _same(old, p):
                    unchanged += 1
                    continue
                params.append(p)
                if old is None:
                    changed.append((row, None))
                    self.record(entity, plain_key(row), ChangeOp.CREATE, None, log_json(row))
                else:
                    before = spec.decode(old)
                    changed.append((row, before))
                    self.record(
                        entity, plain_key(row), ChangeOp.UPDATE, log_json(before), log_json(row)
                    )
        if spec.unlink is not None:
            updated = [{"id": new.__dict__["id"]} for new, old in changed if old is not None]
            write(self.tx, spec.unlink, updated)
        write(self.tx, spec.write, params)
        created = sum(1 for _, old in changed if old is None)
        self.count(entity, "created", created)
        self.count(entity, "updated", len(changed) - created)
        self.count(entity, "unchanged", unchanged)
        return changed

    # --- intervals ---------------------------------------------------------------

    def intervals(self, spec: Intervals[T], plan: IntervalPlan[T]) -> None:
        entity = spec.entity
        if plan.closes:
            write(
                self.tx,
                spec.close,
                [
                    {"ref": c.ref, "valid_to": codec.ts(c.after.valid_to)}
                    for c in plan.closes
                    if c.after.valid_to
                ],
            )
            for c in plan.closes:
                self.record(
                    entity,
                    change_key(c.after),
                    ChangeOp.CLOSE,
                    log_json(c.before),
                    log_json(c.after),
                )
        if plan.inserts:
            start = codec.ts(plan.at)
            params = [spec.encode(r) for r in plan.inserts]
            for p in params:
                if p["valid_from"] is None:
                    p["valid_from"] = start
            write(self.tx, spec.create, params)
            prefix = b'{"valid_from":' + _DATETIME_JSON.dump_json(plan.at) + b","
            for r in plan.inserts:
                after = log_json(r) if r.valid_from is not None else _log_json_from(prefix, r)
                self.record(entity, change_key(r), ChangeOp.CREATE, None, after)
        self.count(entity, "created", len(plan.inserts))
        self.count(entity, "closed", len(plan.closes))
        self.count(entity, "unchanged", plan.unchanged)

    # --- derived rows ------------------------------------------------------------------

    def account_parents(self, changed: list[tuple[Account, Account | None]]) -> None:
        """Point ``CHILD_OF`` at each changed account's parent (updated ones were unlinked)."""
        rows = [{"id": a.id, "parent_id": a.parent_id} for a, _ in changed if a.parent_id]
        write(self.tx, "accounts/link_account_parents", rows)

    def participants(self, changed: list[tuple[Touchpoint, Touchpoint | None]]) -> None:
        """Link changed touchpoints to their contacts and reps (updated ones were unlinked)."""
        write(
            self.tx,
            "touchpoints/link_touchpoint_contacts",
            [{"touchpoint_id": t.id, "contact_id": c} for t, _ in changed for c in t.contact_ids],
        )
        write(
            self.tx,
            "touchpoints/link_touchpoint_reps",
            [{"touchpoint_id": t.id, "rep_id": r} for t, _ in changed for r in t.rep_ids],
        )

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
        self.upsert(STAGE_CHANGES, stages)
        self.upsert(CLOSE_DATE_CHANGES, closes)

    def flush_log(self) -> None:
        """Append the log; ``n`` numbers the rows of each chunk from 1, in order."""
        for part in chunks(self.log, WRITE_CHUNK):
            for n, row in enumerate(part, start=1):
                row["n"] = n
            write(self.tx, "changelog/append_changes", part)


def write_batch(
    tx: ManagedTransaction, cs: ChangeSet, plan: Plan, *, actor: str, at: datetime
) -> ApplyResult:
    """Write a validated batch inside ``tx``; the caller owns the transaction."""
    b = _Batch(tx, actor=actor, at=at)
    b.account_parents(b.upsert(ACCOUNTS, cs.accounts))
    b.upsert(REPS, cs.reps)
    b.upsert(CONTACTS, cs.contacts)
    b.intervals(CONTACT_STATUS, plan.statuses)
    b.deal_history(cs, b.upsert(DEALS, cs.deals), at)
    b.participants(b.upsert(TOUCHPOINTS, cs.touchpoints))
    b.intervals(REPORTS_TO, plan.reports_to)
    b.intervals(INFLUENCES, plan.influences)
    b.upsert(REP_KNOWS, cs.rep_knows)
    b.intervals(DEAL_ROLES, plan.deal_roles)
    b.flush_log()
    return b.result()
