"""Interval planning shared by every store adapter. Pure: no I/O.

A time-stamped fact (a reporting line, an influence edge, a deal role, a
contact's status) is stored as a run of intervals per *key*. An incoming row
for a key never overwrites history; it is planned against the stored
intervals of its key into inserts and closes:

- identical to a stored interval (same fields and bounds) -> no-op; so is a
  row without ``valid_from`` whose fields and ``valid_to`` match a stored
  interval (a re-sent "this ended then" row), and an open-ended row whose
  start and fields match a stored interval that a later change has closed
  (a replayed older batch);
- overlapping no stored interval -> insert (new facts, or history filled in);
- overlapping only the open interval, same fields: no ``valid_to`` -> no-op
  (idempotent), with ``valid_to`` -> close the open interval there;
- overlapping only the open interval, different fields -> close it at the
  row's ``valid_from`` and insert the row;
- anything else is *back-dated* and reported as a
  :class:`~graphcrm.errors.Problem`: a row starting before the open interval it
  would close, or overlapping a closed interval.

A missing ``valid_from`` means the batch's ``at``. Inserted rows are not
copied to fill it in (bulk loads stay cheap): read starts of planned rows with
:meth:`IntervalPlan.start`. Several rows for one key in one batch are applied
in start order, so a batch can carry a key's history.

Keys
    ========================  ====================================
    solid reporting line      ``("solid", contact_id)``
    dotted reporting line     ``("dotted", contact_id, manager_id)``
    influence                 ``(influencer_id, influenced_id, kind)``
    deal role                 ``(deal_id, contact_id)``
    contact status            ``(contact_id,)``
    account territory         ``("territory", account_id)``
    ========================  ====================================

>>> from datetime import UTC, datetime
>>> jan, feb = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
>>> old = ReportsTo(contact_id="C-1", manager_id="M-1", valid_from=jan)
>>> new = ReportsTo(contact_id="C-1", manager_id="M-2", valid_from=feb)
>>> plan = plan_intervals([Stored(ref=1, row=old)], [new], at=feb)
>>> [(c.ref, c.after.valid_to == feb) for c in plan.closes], len(plan.inserts)
([(1, True)], 1)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

from graphcrm.domain import (
    ChangeSet,
    CloseDateChange,
    ContactStatus,
    Deal,
    DealRole,
    Influence,
    LineKind,
    ReportsTo,
    StageChange,
    Temporal,
    TerritorySpan,
)
from graphcrm.domain.ids import ContactKey
from graphcrm.errors import Problem

T = TypeVar("T", bound=Temporal)

Key = tuple[str, ...]

FOREVER = datetime.max.replace(tzinfo=UTC)
"""Stands for an open end (``valid_to=None``) in interval arithmetic."""


class ContactStatusSpan(Temporal):
    """One interval of a contact's status; the store-side form of ``Contact.status``."""

    contact_id: ContactKey
    status: ContactStatus


def territories_at(spans: Iterable[TerritorySpan], at: datetime) -> dict[str, str | None]:
    """The territory in force at ``at`` of each account with a span covering it
    (``valid_from <= at < valid_to``); accounts with none then are left out.

    >>> jan, feb = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
    >>> spans = [TerritorySpan(account_id="A-1", territory="Ege", valid_from=jan, valid_to=feb),
    ...          TerritorySpan(account_id="A-1", territory="Marmara", valid_from=feb)]
    >>> territories_at(spans, jan), territories_at(spans, feb)
    ({'A-1': 'Ege'}, {'A-1': 'Marmara'})
    """
    return {s.account_id: s.territory for s in spans if start_of(s) <= at < end_of(s)}


# --- keys and labels ---------------------------------------------------------


def interval_key(row: Temporal) -> Key:
    """The key a time-stamped row is planned under (see the module docstring)."""
    if isinstance(row, ReportsTo):
        if row.kind is LineKind.SOLID:
            return ("solid", row.contact_id)
        return ("dotted", row.contact_id, row.manager_id)
    if isinstance(row, Influence):
        return (row.influencer_id, row.influenced_id, row.kind)  # a StrEnum: hashes as its value
    if isinstance(row, DealRole):
        return (row.deal_id, row.contact_id)
    if isinstance(row, ContactStatusSpan):
        return (row.contact_id,)
    if isinstance(row, TerritorySpan):
        return ("territory", row.account_id)
    raise TypeError(f"not a time-stamped row: {type(row).__name__}")


def row_label(row: Temporal) -> str:
    """How problems and the change log name a time-stamped row.

    >>> row_label(ReportsTo(contact_id="C-1", manager_id="C-2"))
    'reports_to[C-1 -> C-2]'
    """
    return f"{collection_of(row)}[{change_key(row)}]"


def collection_of(row: Temporal) -> str:
    """The ChangeSet field a time-stamped row travels in."""
    if isinstance(row, ReportsTo):
        return "reports_to"
    if isinstance(row, Influence):
        return "influences"
    if isinstance(row, DealRole):
        return "deal_roles"
    if isinstance(row, TerritorySpan):
        return "accounts"
    return "contacts"


def change_key(row: Temporal) -> str:
    """The change-log key of a time-stamped row.

    ``C-1 -> C-2`` for a solid line, ``C-1 -> C-2 (dotted)`` for a dotted one,
    ``A -> B (advises)`` for influence, ``D-1 / C-1`` for a deal role and the
    contact id for a status.
    """
    if isinstance(row, ReportsTo):
        suffix = "" if row.kind is LineKind.SOLID else f" ({row.kind.value})"
        return f"{row.contact_id} -> {row.manager_id}{suffix}"
    if isinstance(row, Influence):
        return f"{row.influencer_id} -> {row.influenced_id} ({row.kind.value})"
    if isinstance(row, DealRole):
        return f"{row.deal_id} / {row.contact_id}"
    if isinstance(row, ContactStatusSpan):
        return row.contact_id
    if isinstance(row, TerritorySpan):
        return row.account_id
    raise TypeError(f"not a time-stamped row: {type(row).__name__}")


def attributes(row: Temporal) -> tuple[object, ...]:
    """Every field of ``row`` except the interval bounds."""
    return tuple(v for k, v in row.__dict__.items() if k not in ("valid_from", "valid_to"))


def end_of(row: Temporal) -> datetime:
    """``valid_to``, with an open end as :data:`FOREVER`."""
    return row.valid_to if row.valid_to is not None else FOREVER


def start_of(row: Temporal) -> datetime:
    """``valid_from`` of a planned row (always filled in by the planner)."""
    if row.valid_from is None:
        raise ValueError(f"{row_label(row)} has no valid_from; plan it first")
    return row.valid_from


def fmt_time(value: datetime) -> str:
    """A compact UTC rendering for messages; ``∞`` for :data:`FOREVER`."""
    return "∞" if value == FOREVER else value.astimezone(UTC).isoformat()


# --- the plan ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stored(Generic[T]):
    """A stored interval and the adapter's handle to it (rowid, element id, ...)."""

    ref: Hashable
    row: T


@dataclass(frozen=True, slots=True)
class Close(Generic[T]):
    """Close the stored interval ``ref``: ``before`` is open, ``after`` has ``valid_to``."""

    ref: Hashable
    before: T
    after: T


@dataclass(slots=True)
class IntervalPlan(Generic[T]):
    """What to write for a set of time-stamped rows.

    ``final`` holds, for every key the batch touched, all its intervals after
    the batch (stored and new), ordered by start; validation uses it to check
    cycles and overlapping primaries at any date.

    To keep bulk loads cheap, an inserted row that arrived without
    ``valid_from`` is not copied: its start is ``at``. Read starts of planned
    rows with :meth:`start`, never from ``valid_from`` directly.
    """

    at: datetime
    inserts: list[T] = field(default_factory=list)
    closes: list[Close[T]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    final: dict[Key, list[T]] = field(default_factory=dict)

    def start(self, row: Temporal) -> datetime:
        """The start of a planned row: its ``valid_from``, or ``at`` when it had none."""
        return row.valid_from if row.valid_from is not None else self.at


@dataclass(slots=True)
class _Entry(Generic[T]):
    ref: Hashable | None
    original: T | None
    row: T


def _filled(row: T, at: datetime) -> T:
    return row if row.valid_from is not None else row.model_copy(update={"valid_from": at})


def _same(a: Temporal, b: Temporal) -> bool:
    return (
        a.valid_from == b.valid_from and a.valid_to == b.valid_to and attributes(a) == attributes(b)
    )


def _overlaps(a: Temporal, b: Temporal) -> bool:
    return start_of(a) < end_of(b) and start_of(b) < end_of(a)


def _back_dated(where: str, field_name: str, message: str) -> Problem:
    return Problem(where, field_name, f"back-dated: {message}")


def _apply_row(state: list[_Entry[T]], row: T, plan: IntervalPlan[T], *, dated: bool) -> None:
    """Apply one row to the key's intervals; ``dated``: the row had its own ``valid_from``."""
    if any(_same(e.row, row) for e in state):
        plan.unchanged += 1
        return
    attrs = attributes(row)
    if (
        dated
        and row.valid_to is None
        and any(e.row.valid_from == row.valid_from and attributes(e.row) == attrs for e in state)
    ):
        plan.unchanged += 1  # a fact we hold, which later rows ended: a replayed batch
        return
    if (
        not dated
        and row.valid_to is not None
        and any((attributes(e.row), e.row.valid_to) == (attrs, row.valid_to) for e in state)
    ):
        plan.unchanged += 1  # the same fact already ended then: a re-sent batch
        return
    where = row_label(row)
    if row.valid_to is not None and row.valid_to < start_of(row):
        plan.problems.append(
            Problem(
                where,
                "valid_to",
                f"{fmt_time(row.valid_to)} is before the start {fmt_time(start_of(row))}",
            )
        )
        return
    clashes = [e for e in state if _overlaps(e.row, row)]
    if not clashes:  # new, or history that touches nothing stored
        state.append(_Entry(None, None, row))
        return
    current = clashes[0].row
    if len(clashes) > 1 or current.valid_to is not None:
        closed = next(e.row for e in clashes if e.row.valid_to is not None)
        plan.problems.append(
            _back_dated(
                where,
                "valid_from",
                f"[{fmt_time(start_of(row))}, {fmt_time(end_of(row))}) overlaps the stored "
                f"interval [{fmt_time(start_of(closed))}, {fmt_time(end_of(closed))})",
            )
        )
        return
    open_entry = clashes[0]
    if attributes(current) == attrs:
        if row.valid_to is None:
            plan.unchanged += 1
        else:
            open_entry.row = current.model_copy(update={"valid_to": row.valid_to})
        return
    if start_of(row) < start_of(current):
        plan.problems.append(
            _back_dated(
                where,
                "valid_from",
                f"{fmt_time(start_of(row))} is before the start {fmt_time(start_of(current))} "
                "of the open interval it would close",
            )
        )
        return
    open_entry.row = current.model_copy(update={"valid_to": row.valid_from})
    state.append(_Entry(None, None, row))


def plan_intervals(
    stored: Iterable[Stored[T]], rows: Sequence[T], *, at: datetime
) -> IntervalPlan[T]:
    """Plan ``rows`` against the ``stored`` intervals of their keys.

    Parameters
    ----------
    stored
        Stored intervals; those of keys no row touches are ignored.
    rows
        Incoming rows of one kind, in batch order.
    at
        The time of the write; fills missing ``valid_from``.

    Returns
    -------
    IntervalPlan
        Inserts, closes, the number of no-op rows, back-dating problems and
        the final intervals of every touched key.
    """
    plan: IntervalPlan[T] = IntervalPlan(at=at)
    by_key: dict[Key, list[T]] = {}
    for row in rows:
        by_key.setdefault(interval_key(row), []).append(row)
    stored_by_key: dict[Key, list[Stored[T]]] = {}
    for s in stored:
        key = interval_key(s.row)
        if key in by_key:
            stored_by_key.setdefault(key, []).append(s)
    for key, key_rows in by_key.items():
        history = stored_by_key.get(key)
        first = key_rows[0]
        if (  # the bulk-load fast path: nothing stored, one row, no copy
            history is None
            and len(key_rows) == 1
            and (first.valid_to is None or first.valid_from is not None)
        ):
            plan.inserts.append(first)
            plan.final[key] = key_rows
            continue
        state: list[_Entry[T]] = [_Entry(s.ref, s.row, s.row) for s in history or ()]
        filled = sorted(
            ((_filled(r, at), r.valid_from is not None) for r in key_rows),
            key=lambda pair: start_of(pair[0]),
        )
        for row, dated in filled:
            _apply_row(state, row, plan, dated=dated)
        for e in state:
            if e.ref is None:
                plan.inserts.append(e.row)
            elif e.original is not None and e.row != e.original:
                plan.closes.append(Close(e.ref, e.original, e.row))
        plan.final[key] = sorted((e.row for e in state), key=start_of)
    return plan


# --- deal history ------------------------------------------------------------


def derive_deal_history(
    new: Deal,
    old: Deal | None,
    *,
    at: datetime,
    explicit: bool,
) -> tuple[StageChange | None, CloseDateChange | None]:
    """The stage and close-date changes an upsert of ``new`` over ``old`` implies.

    A new deal gets a ``None -> stage`` change (and a close-date change when it
    has an expected close); a stored deal gets one when the value differs.
    Nothing is derived when the batch carries explicit changes for the deal
    (``explicit``): they are the history.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2025, 1, 1, tzinfo=UTC)
    >>> d = Deal(id="D-1", account_id="A-1", name="ERP")
    >>> derive_deal_history(d, None, at=at, explicit=False)[0].to_stage.value
    'prospecting'
    """
    if explicit:
        return None, None
    stage: StageChange | None = None
    close: CloseDateChange | None = None
    old_stage = old.stage if old is not None else None
    if old_stage != new.stage:
        stage = StageChange(deal_id=new.id, at=at, from_stage=old_stage, to_stage=new.stage)
    old_close: date | None = old.expected_close if old is not None else None
    if old_close != new.expected_close:
        close = CloseDateChange(
            deal_id=new.id, at=at, from_date=old_close, to_date=new.expected_close
        )
    return stage, close


def deal_history(
    cs: ChangeSet, changed: Sequence[tuple[Deal, Deal | None]], at: datetime
) -> tuple[list[StageChange], list[CloseDateChange]]:
    """The batch's stage and close-date changes with those its changed deals imply."""
    explicit = {s.deal_id for s in cs.stage_changes} | {c.deal_id for c in cs.close_date_changes}
    stages: list[StageChange] = list(cs.stage_changes)
    closes: list[CloseDateChange] = list(cs.close_date_changes)
    for new, old in changed:
        stage, close = derive_deal_history(new, old, at=at, explicit=new.id in explicit)
        if stage is not None:
            stages.append(stage)
        if close is not None:
            closes.append(close)
    return stages, closes
