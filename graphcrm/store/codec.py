"""Value encodings and change-log records shared by every store adapter. Pure: no I/O.

Both adapters store the same scalars, so both order and compare alike: times
are fixed-width UTC strings (``2025-01-31T09:30:00.000000Z``) whose text order
is time order, with :data:`FAR_FUTURE` for "the present"; dates are
``YYYY-MM-DD``; amounts are integer minor units; enums are their ``.value``.
The change log holds the same JSON and keys whichever adapter wrote it.

Each adapter keeps only its own row shapes (SQLite tuples, Neo4j property
maps) and queries; the field values in them, the enum lookups, a deal as of
an instant, the rollup built from stored aggregates and the batch's
change-log records (with its change detection and counts) come from here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import lru_cache, partial
from typing import Any, Final, TypeVar

import pydantic_core

from graphcrm.domain import (
    AccountId,
    AccountRollup,
    ApplyResult,
    ChangeLogEntry,
    ChangeOp,
    Contact,
    ContactStatus,
    Deal,
    DealRole,
    Direction,
    EntityCounts,
    EntityKind,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    Model,
    PipelineBucket,
    Role,
    ScoreRun,
    Seniority,
    Stage,
    Temporal,
    WinModelCard,
)
from graphcrm.domain.construct import construct
from graphcrm.domain.enums import TouchpointKind
from graphcrm.errors import InvalidError, NotFoundError, Problem
from graphcrm.store.intervals import IntervalPlan, change_key

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=Temporal)
E = TypeVar("E", bound=Enum)
X = TypeVar("X")
"""An adapter's encoded row (a tuple of column values, a property map)."""
S = TypeVar("S")
"""An adapter's stored row, as read back."""

FAR_FUTURE = "9999-12-31T23:59:59.999999Z"
"""Stands for "the present": later than every stored time."""

TS_WIDTH = len(FAR_FUTURE)
"""The width of every :func:`ts` string."""


# --- scalars ------------------------------------------------------------------


@lru_cache(maxsize=65536)
def ts(value: datetime) -> str:
    """A fixed-width UTC string whose text order is time order (cached: batches repeat times).

    >>> from datetime import timedelta, timezone
    >>> ts(datetime(2025, 1, 31, 12, 30, tzinfo=timezone(timedelta(hours=3))))
    '2025-01-31T09:30:00.000000Z'
    """
    if value.tzinfo is not UTC:  # models hold UTC already; other zones are converted
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:-6] + "Z"


def ts_or_none(value: datetime | None) -> str | None:
    return None if value is None else ts(value)


@lru_cache(maxsize=65536)
def parse_ts(text: str) -> datetime:
    """An aware UTC datetime from :func:`ts` output."""
    return datetime.fromisoformat(text)


def parse_ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else parse_ts(text)


def as_of_param(as_of: datetime | None) -> str:
    """The bound used for "in force at": the instant, or :data:`FAR_FUTURE` for now."""
    return FAR_FUTURE if as_of is None else ts(as_of)


def aware(value: datetime | None, name: str) -> datetime | None:
    """A query's time argument in UTC; a naive one, or one that is not a UTC instant
    (before 0001-01-01 or after 9999-12-31 once converted), is refused as invalid input."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidError([Problem("query", name, "naive datetime; give a time zone")])
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+03:00 is before the first instant in UTC
        message = f"{value.isoformat()} is outside the calendar in UTC"
        raise InvalidError([Problem("query", name, message)]) from None


def minor_units(amount: Decimal) -> int:
    """Exact integer cents; the domain allows at most two decimal places.

    >>> minor_units(Decimal("12.5")), from_minor_units(1250)
    (1250, Decimal('12.50'))
    """
    return int(amount.scaleb(2))


def from_minor_units(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def date_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def iso_date_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def role_values(roles: frozenset[Role]) -> list[str]:
    """A deal role's roles as stored and logged: their values, sorted."""
    return sorted(r.value for r in roles)


def touch_windows(as_of: datetime | None) -> tuple[str, str, str]:
    """The end of the 30- and 90-day engagement windows (``as_of``, or now) and their starts."""
    anchor = as_of if as_of is not None else datetime.now(UTC)
    return ts(anchor), ts(anchor - timedelta(days=30)), ts(anchor - timedelta(days=90))


# --- enum members -------------------------------------------------------------------


def _members(cls: type[E]) -> dict[str, E]:
    """Stored value -> enum member; a dict lookup is several times cheaper than ``cls(v)``."""
    return {m.value: m for m in cls}


SENIORITY = _members(Seniority)
STATUS = _members(ContactStatus)
STAGE = _members(Stage)
TOUCHPOINT_KIND = _members(TouchpointKind)
DIRECTION = _members(Direction)
LINE_KIND = _members(LineKind)
INFLUENCE_KIND = _members(InfluenceKind)
INFLUENCE_SOURCE = _members(InfluenceSource)
ROLE = _members(Role)
ENTITY = _members(EntityKind)
OP = _members(ChangeOp)


def roles_of(values: Sequence[str]) -> frozenset[Role]:
    """The roles of stored role values."""
    return frozenset(map(ROLE.__getitem__, values))


# --- deals as of an instant -------------------------------------------------------------

SET_AT_CLOSING: Final = ("loss_reason",)
"""The :class:`~graphcrm.domain.Deal` fields set when a deal closes and kept without history.

A deal's stage and expected close have histories (stage and close-date
changes); ``amount``, ``currency``, ``competitors``, ``name`` and ``owner_id``
are known while the deal runs. ``loss_reason`` is the outcome: it is only
known once the deal has closed.
"""


def deal_at(values: dict[str, Any], stage: Stage, expected_close: date | None) -> Deal:
    """A deal as it stood at an instant, from its stored field values (decoded, every
    field in field order; updated in place) and its stage and expected close then.

    The fields of :data:`SET_AT_CLOSING` are None unless the deal was closed at
    the instant: no outcome before the outcome. A deal closed then keeps its
    stored values (the store keeps one, the latest).

    >>> values = {"id": "D1", "account_id": "A1", "name": "ERP", "amount": Decimal(0),
    ...     "currency": "TRY", "stage": Stage.CLOSED_LOST, "expected_close": None,
    ...     "competitors": (), "loss_reason": "price", "owner_id": None}
    >>> deal_at(dict(values), Stage.PROPOSAL, None).loss_reason is None
    True
    >>> deal_at(dict(values), Stage.CLOSED_LOST, None).loss_reason
    'price'
    """
    values["stage"] = stage
    values["expected_close"] = expected_close
    if not stage.is_closed:
        for name in SET_AT_CLOSING:
            values[name] = None
    return construct(Deal, values)


# --- aggregates -------------------------------------------------------------------------


def decode_rollup(
    account_id: AccountId,
    as_of: datetime | None,
    *,
    accounts: int,
    contacts: int,
    pipeline: Iterable[tuple[str, str, int, int]],
) -> AccountRollup:
    """An account rollup; ``pipeline`` holds (stage, currency, deals, minor units) of open deals."""
    buckets = sorted(
        (
            PipelineBucket(
                stage=STAGE[stage], currency=currency, deals=n, amount=from_minor_units(total)
            )
            for stage, currency, n, total in pipeline
        ),
        key=lambda b: (b.stage.order, b.currency),
    )
    return AccountRollup(
        account_id=account_id,
        as_of=as_of,
        accounts=accounts,
        contacts=contacts,
        open_deals=sum(b.deals for b in buckets),
        pipeline=tuple(buckets),
    )


# --- the change log ---------------------------------------------------------------------

_LOG_EXCLUDE: dict[type[Model], set[str]] = {Contact: {"status", "status_from"}}
"""Fields a kind's log entry leaves out (a contact's status is logged as its own kind)."""


def _sorted_roles_json(row: Model, start: str | None) -> str:
    """The JSON of a deal role with its roles sorted (a frozenset has no stable order)."""
    values: dict[str, Any] = type(row).__pydantic_serializer__.to_python(row, mode="json")
    values["roles"] = role_values(row.__dict__["roles"])
    if values["valid_from"] is None:
        values["valid_from"] = start
    raw: bytes = pydantic_core.to_json(values)
    return raw.decode()


def log_json(row: Model, start: datetime | None = None) -> str:
    """A row as the change log records it; ``start`` fills in a missing ``valid_from``.

    Serialized by pydantic-core, as ``model_dump_json`` would, but a contact
    leaves out its status and a deal role's roles are sorted, so the text is
    the same in every process and every store.
    """
    return log_serializer(type(row), start)(row)


def log_serializer(cls: type[M], start: datetime | None = None) -> Callable[[M], str]:
    """:func:`log_json` for rows of ``cls``, with the per-kind lookups done once."""
    exclude = _LOG_EXCLUDE.get(cls)
    if issubclass(cls, DealRole):
        start_json = None if start is None else pydantic_core.to_jsonable_python(start)
        return lambda row: _sorted_roles_json(row, start_json)
    to_json = cls.__pydantic_serializer__.to_json
    if start is None:
        return lambda row: to_json(row, exclude=exclude).decode()
    # valid_from is the first field of every time-stamped model: spliced in front
    # of the JSON of the other fields, it is the row with its start filled in.
    prefix = b'{"valid_from":' + pydantic_core.to_json(start) + b","
    without_start = {"valid_from", *(exclude or ())}

    def started(row: M) -> str:
        if row.__dict__.get("valid_from") is not None:
            return to_json(row, exclude=exclude).decode()
        raw: bytes = to_json(row, exclude=without_start)
        return (prefix + raw[1:]).decode()

    return started


def plain_key(row: Model) -> str:
    """The change-log key of a plain row: its id, ``rep -> contact`` or ``deal @ at``."""
    d = row.__dict__
    if "id" in d:
        return str(d["id"])
    if "rep_id" in d:
        return f"{d['rep_id']} -> {d['contact_id']}"
    return f"{d['deal_id']} @ {d['at'].isoformat()}"


def _pairs(key: str, first: str, second: str) -> list[dict[str, str]]:
    """Every reading of ``key`` as ``<first> -> <second>`` (an id may hold `` -> `` too)."""
    out: list[dict[str, str]] = []
    at = key.find(" -> ")
    while at > 0:
        out.append({first: key[:at], second: key[at + 4 :]})
        at = key.find(" -> ", at + 1)
    return out


def key_refs(entity: EntityKind, key: str) -> tuple[dict[str, str], ...]:
    """The ids a change-log key names, as the fields of the row it keys: the
    inverse of :func:`plain_key` and :func:`~graphcrm.store.intervals.change_key`.

    A creation's entry carries no row (:meth:`ChangeLog.created`), so what it is
    about is read from its key. Ids may hold `` -> `` or end in `` (dotted)``
    themselves, so a key of two ids can have more than one reading: each is
    returned, and the caller keeps those whose ids exist. An account, rep or
    touchpoint key is ``{"id": key}``.

    >>> [r["manager_id"] for r in key_refs(EntityKind.REPORTS_TO, "C-1 -> C-2 (dotted)")]
    ['C-2', 'C-2 (dotted)']
    >>> key_refs(EntityKind.DEAL_ROLE, "D-1 / C-1"), key_refs(EntityKind.STAGE_CHANGE, "D-1 @ 2025")
    (({'deal_id': 'D-1', 'contact_id': 'C-1'},), ({'deal_id': 'D-1'},))
    """
    if entity in (EntityKind.CONTACT, EntityKind.CONTACT_STATUS):
        return ({"contact_id": key},)
    if entity is EntityKind.DEAL:
        return ({"deal_id": key},)
    if entity in (EntityKind.STAGE_CHANGE, EntityKind.CLOSE_DATE_CHANGE):
        return ({"deal_id": key.rpartition(" @ ")[0]},)
    if entity is EntityKind.DEAL_ROLE:  # ids never hold a slash
        deal, _, contact = key.partition(" / ")
        return ({"deal_id": deal, "contact_id": contact},)
    if entity is EntityKind.REP_KNOWS:
        return tuple(_pairs(key, "rep_id", "contact_id"))
    if entity is EntityKind.INFLUENCE:
        return tuple(_pairs(key.rpartition(" (")[0], "influencer_id", "influenced_id"))
    if entity is EntityKind.REPORTS_TO:
        readings: list[dict[str, str]] = []
        for kind in LineKind:
            suffix = f" ({kind.value})"
            if kind is not LineKind.SOLID and key.endswith(suffix):
                readings += _pairs(key[: -len(suffix)], "contact_id", "manager_id")
        return tuple(readings + _pairs(key, "contact_id", "manager_id"))
    return ({"id": key},)


LOG_FIELDS = ("at", "actor", "entity", "key", "op", "before", "after")
"""The fields of a :data:`LogRecord`, in order."""

LogRecord = tuple[str, str, str, str, str, str | None, str | None]
"""One change as stored: ``at`` (a :func:`ts` string), actor, entity, key, op, before, after."""


def change_entry(
    seq: int,
    at: str,
    actor: str,
    entity: str,
    key: str,
    op: str,
    before: str | None,
    after: str | None,
) -> ChangeLogEntry:
    """A :class:`~graphcrm.domain.ChangeLogEntry` from its stored values."""
    return construct(
        ChangeLogEntry,
        {
            "seq": seq,
            "at": parse_ts(at),
            "actor": actor,
            "entity": ENTITY[entity],
            "key": key,
            "op": OP[op],
            "before": json.loads(before) if before is not None else None,
            "after": json.loads(after) if after is not None else None,
        },
    )


KEEPS_CREATED: frozenset[EntityKind] = frozenset({EntityKind.TOUCHPOINT})
"""The kinds whose creation entries still carry the created row as ``after``.

Touchpoints only, for now: ``api/territory.py`` finds a stored touchpoint's
account in its latest change-log entry, because the port has no point read
of a touchpoint. Once it has one, this set is empty (issue #19).
"""


class ChangeLog:
    """The change-log records and per-kind counts of one batch, as it is written.

    Both adapters write the same batch in the same order through this, so they
    log the same entries in the same order and count alike.
    """

    def __init__(self, *, actor: str, at: datetime) -> None:
        self.actor = actor
        self.at = ts(at)
        self.records: list[LogRecord] = []
        self.counts: dict[EntityKind, dict[str, int]] = {}

    def count(self, entity: EntityKind, what: str, n: int) -> None:
        if n:
            bucket = self.counts.setdefault(entity, {})
            bucket[what] = bucket.get(what, 0) + n

    def record(
        self, entity: EntityKind, key: str, op: ChangeOp, before: str | None, after: str | None
    ) -> None:
        self.records.append((self.at, self.actor, entity.value, key, op.value, before, after))

    def created(
        self,
        entity: EntityKind,
        rows: Sequence[M],
        key: Callable[[M], str],
        start: datetime | None = None,
    ) -> None:
        """Record the creation of ``rows``: who, when, what kind, which key, the operation.

        No copy of the row (:data:`KEEPS_CREATED` aside): the stored row is its
        own after-image, and every later update or close logs the before-image
        it replaces, so the history stays whole (docs/data-model.md, "The
        change log"). For a kind that keeps it, ``start`` fills in a missing
        ``valid_from``; rows of one collection share a class, so the
        serializer is looked up once, and a collection mixing in subclasses is
        serialized row by row.
        """
        if not rows:
            return
        at, actor, kind, op = self.at, self.actor, entity.value, ChangeOp.CREATE.value
        if entity not in KEEPS_CREATED:
            self.records.extend((at, actor, kind, key(r), op, None, None) for r in rows)
            return
        cls = type(rows[0])
        dump: Callable[[M], str] = (
            log_serializer(cls, start)
            if all(type(r) is cls for r in rows)
            else partial(log_json, start=start)
        )
        self.records.extend((at, actor, kind, key(r), op, None, dump(r)) for r in rows)

    def upserted(
        self,
        entity: EntityKind,
        rows: Sequence[M],
        encoded: Sequence[X],
        stored: dict[tuple[Any, ...], S],
        key_of: Callable[[X], tuple[Any, ...]],
        same: Callable[[S, X], bool],
        decode: Callable[[S], M],
    ) -> tuple[list[X], list[tuple[M, M | None]]]:
        """Compare encoded ``rows`` with the ``stored`` ones (by key); log and count.

        Returns the encoded rows to write and the changed rows with their
        stored version (None: new). Unchanged rows are only counted.
        """
        if not stored:  # the bulk-load fast path: one serializer, no per-row dispatch
            self.created(entity, rows, plain_key)
            self.count(entity, "created", len(rows))
            return list(encoded), [(r, None) for r in rows]
        params: list[X] = []
        changed: list[tuple[M, M | None]] = []
        unchanged = 0
        for row, p in zip(rows, encoded, strict=True):
            old = stored.get(key_of(p))
            if old is not None and same(old, p):
                unchanged += 1
                continue
            params.append(p)
            if old is None:
                changed.append((row, None))
                image = log_json(row) if entity in KEEPS_CREATED else None
                self.record(entity, plain_key(row), ChangeOp.CREATE, None, image)
            else:
                before = decode(old)
                changed.append((row, before))
                self.record(
                    entity, plain_key(row), ChangeOp.UPDATE, log_json(before), log_json(row)
                )
        created = sum(1 for _, old in changed if old is None)
        self.count(entity, "created", created)
        self.count(entity, "updated", len(changed) - created)
        self.count(entity, "unchanged", unchanged)
        return params, changed

    def planned(self, entity: EntityKind, plan: IntervalPlan[T]) -> None:
        """Record and count the closes and inserts of an interval plan, in that order."""
        for c in plan.closes:
            self.record(
                entity, change_key(c.after), ChangeOp.CLOSE, log_json(c.before), log_json(c.after)
            )
        self.created(entity, plan.inserts, change_key, plan.at)
        self.count(entity, "created", len(plan.inserts))
        self.count(entity, "closed", len(plan.closes))
        self.count(entity, "unchanged", plan.unchanged)

    def result(self) -> ApplyResult:
        return ApplyResult(counts={k: EntityCounts(**v) for k, v in self.counts.items()})


# --- win model cards ----------------------------------------------------------------------


def encode_win_model(card: WinModelCard) -> tuple[str, str]:
    """``(fitted_at, card)``: the key as :func:`ts` text and the whole card as JSON.

    Pydantic writes floats in their shortest round-trip form, so the card reads
    back equal, floats exactly (:func:`decode_win_model`).
    """
    return ts(card.fitted_at), card.model_dump_json()


def decode_win_model(text: str) -> WinModelCard:
    """A card from the JSON :func:`encode_win_model` stored."""
    return WinModelCard.model_validate_json(text)


def encode_score_run(run: ScoreRun) -> tuple[str, str, str]:
    """``(scored_at, as_of, run)``: the key and the order as :func:`ts` text, and the
    whole record as JSON (:func:`decode_score_run`)."""
    return ts(run.scored_at), ts(run.as_of), run.model_dump_json()


def decode_score_run(text: str) -> ScoreRun:
    """A run's record from the JSON :func:`encode_score_run` stored."""
    return ScoreRun.model_validate_json(text)


def win_model_not_found(as_of: datetime | None) -> NotFoundError:
    """What reading a card answers when none was fitted at or before ``as_of``."""
    return NotFoundError("win model", "(any)" if as_of is None else ts(as_of))
