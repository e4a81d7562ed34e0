"""The top of the account and deal pages: next actions, and what changed since a date.

Next actions (:func:`next_actions`), from the analytics already run on an account:

=====================  ==========================================================
kind                   who, and from what
=====================  ==========================================================
``call``               a committee member whose follow-up is due
                       (:mod:`graphcrm.analytics.followup`): never contacted, or
                       silent longer than their cadence but less than
                       ``SILENT_RATIO`` times it
``silent``             a committee member silent ``SILENT_RATIO`` times their
                       cadence or longer (they were touched, then went quiet)
``uncovered``          a top decision maker the risk signal
                       ``decision_makers_uncovered`` names (health not good)
``introduction``       whom to ask for an introduction: for each uncovered
                       decision maker and each economic buyer the signals call
                       not engaged, the strongest warm path from our reps
                       (:func:`graphcrm.analytics.warm_paths`) of two hops or more;
                       the person to ask is the one just before the target
=====================  ==========================================================

Each kind lists at most ``limit`` people, most urgent first, each once.

What changed (:func:`what_changed`) compares the account read at ``since`` with
the account read at ``until``: who joined the account, who left or changed
manager, who joined a committee or changed role on it
(:func:`graphcrm.services.changes.account_changes`), stance changes on a deal,
stage moves in ``(since, until]``, and each deal's win probability and risk at
the two instants under the store's current model, with the groups of factors
whose points moved (the reasons).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from graphcrm.analytics import (
    PathParams,
    SignalCode,
    StakeholderChange,
    StakeholderNetwork,
    warm_paths,
)
from graphcrm.analytics.followup import FollowUp, FollowUpKind
from graphcrm.domain import DealId, Model, Role, Stage, UtcDatetime
from graphcrm.errors import NotFoundError
from graphcrm.services.changes import account_changes
from graphcrm.services.deals import AccountSnapshot
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import DealAssessment
from graphcrm.store.port import GraphStore

SILENT_RATIO: Final = 2.0
"""Silent at least this many times one's cadence: "went silent", not just "due"."""
MOVED_POINTS: Final = 1.0
"""A group of factors moved when its points of risk changed by at least this much."""


class ActionKind(StrEnum):
    CALL = "call"
    SILENT = "silent"
    UNCOVERED = "uncovered"
    INTRODUCTION = "introduction"


class NextAction(Model):
    """One thing to do, naming the person."""

    kind: ActionKind
    contact_id: str
    """The person to call, reach or win back (for an introduction: the target)."""
    deal_id: str | None = None
    introducer_id: str | None = None
    """Whom to ask for the introduction (``introduction`` only)."""
    path: tuple[str, ...] = ()
    """The warm path, our rep first, the target last (``introduction`` only)."""
    strength: float | None = None
    """The path's strength, the product of its hops' (``introduction`` only)."""
    days_since: float | None = None
    """Days since the last touchpoint (None: never touched)."""
    threshold_days: float | None = None
    """The cadence the days are measured against (``call`` and ``silent``)."""


def next_actions(
    snapshot: AccountSnapshot,
    open_deals: Sequence[DealAssessment],
    follow_ups: Sequence[FollowUp],
    *,
    params: AnalyticsParams,
    deal_id: str | None = None,
    limit: int = 3,
) -> tuple[NextAction, ...]:
    """The next actions of an account (or of one of its deals: ``deal_id``), by kind
    (module docs): silent, call, uncovered, introduction."""
    net = snapshot.net
    deals = [a for a in open_deals if deal_id is None or a.deal.id == deal_id]
    due = [
        f
        for f in follow_ups
        if f.kind is FollowUpKind.CONTACT
        and f.contact_id is not None
        and (deal_id is None or f.deal_id == deal_id)
    ]
    out: list[NextAction] = []

    def add(action: NextAction, kind_count: dict[ActionKind, int]) -> None:
        if kind_count.get(action.kind, 0) >= limit:
            return
        if any(a.kind is action.kind and a.contact_id == action.contact_id for a in out):
            return
        kind_count[action.kind] = kind_count.get(action.kind, 0) + 1
        out.append(action)

    counts: dict[ActionKind, int] = {}
    for f in due:
        assert f.contact_id is not None
        ratio = f.overdue_ratio
        kind = ActionKind.SILENT if ratio is not None and ratio >= SILENT_RATIO else ActionKind.CALL
        add(
            NextAction(
                kind=kind,
                contact_id=f.contact_id,
                deal_id=f.deal_id,
                days_since=f.days_since,
                threshold_days=f.threshold_days,
            ),
            counts,
        )
    out.sort(key=lambda a: 0 if a.kind is ActionKind.SILENT else 1)
    targets: list[tuple[str, str]] = []
    for a in deals:
        if a.risk is None:
            continue
        for s in a.risk.signals:
            if s.code is SignalCode.DECISION_MAKERS_UNCOVERED:
                for c in s.evidence.contact_ids:
                    add(
                        NextAction(kind=ActionKind.UNCOVERED, contact_id=c, deal_id=a.deal.id),
                        counts,
                    )
                    targets.append((c, a.deal.id))
            elif s.code is SignalCode.ECONOMIC_BUYER_NOT_ENGAGED:
                targets.extend((c, a.deal.id) for c in s.evidence.contact_ids)
    for c, d in dict.fromkeys(targets):
        introduction = _introduction(net, c, d, params.paths)
        if introduction is not None:
            add(introduction, counts)
    return tuple(out)


def _introduction(
    net: StakeholderNetwork, contact_id: str, deal_id: str, params: PathParams
) -> NextAction | None:
    """Whom to ask for an introduction to ``contact_id``: the one before them on the
    strongest warm path from our reps, when it has two hops or more."""
    if contact_id not in net.reach:
        return None
    try:
        found = warm_paths(net.reach, contact_id, k=1, params=params)
    except NotFoundError:
        return None
    if not found or len(found[0].nodes) < 3:
        return None
    path = found[0]
    return NextAction(
        kind=ActionKind.INTRODUCTION,
        contact_id=contact_id,
        deal_id=deal_id,
        introducer_id=path.nodes[-2],
        path=path.nodes,
        strength=path.strength,
    )


# --- what changed ---------------------------------------------------------------


class StageMove(Model):
    deal_id: str
    at: UtcDatetime
    from_stage: Stage | None
    to_stage: Stage


class StanceChange(Model):
    deal_id: str
    contact_id: str
    before: int
    after: int


class GroupMove(Model):
    """One group of factors' points of risk at the two instants."""

    group: str
    before: float
    after: float


class DealMove(Model):
    """A deal's win probability and risk at ``since`` and at ``until`` (None: not open
    then), and the groups of factors whose points moved, most first."""

    deal_id: str
    probability_before: float | None
    probability_after: float | None
    risk_before: float | None
    risk_after: float | None
    outcome: Stage | None = None
    """``closed_won`` or ``closed_lost`` when the deal closed in the window."""
    reasons: tuple[GroupMove, ...] = ()


class WhatChanged(Model):
    account_id: str
    since: UtcDatetime
    until: UtcDatetime
    joined: tuple[str, ...]
    """Contacts in the account at ``until`` and not at ``since``."""
    people: tuple[StakeholderChange, ...]
    """Departures and manager changes."""
    seats: tuple[tuple[str, StakeholderChange], ...]
    """(deal id, change): joins of a committee and role changes on it."""
    stances: tuple[StanceChange, ...]
    stages: tuple[StageMove, ...]
    deals: tuple[DealMove, ...]
    """Deals whose win probability moved by a point or more, or that opened or closed."""

    @property
    def empty(self) -> bool:
        return not (
            self.joined or self.people or self.seats or self.stances or self.stages or self.deals
        )


def _moves(before: DealAssessment | None, after: DealAssessment | None) -> tuple[GroupMove, ...]:
    b = before.risk if before is not None else None
    a = after.risk if after is not None else None
    if a is None or b is None:
        return ()
    groups = sorted({f.group for f in (*a.factors, *b.factors)})
    moved = [
        GroupMove(group=g, before=b.points(g), after=a.points(g))
        for g in groups
        if abs(a.points(g) - b.points(g)) >= MOVED_POINTS
    ]
    return tuple(sorted(moved, key=lambda m: (-abs(m.after - m.before), m.group)))


def what_changed(
    store: GraphStore,
    before: AccountSnapshot,
    after: AccountSnapshot,
    before_deals: Sequence[DealAssessment],
    after_deals: Sequence[DealAssessment],
    *,
    deal_id: str | None = None,
) -> WhatChanged:
    """What changed on the account between two readings (module docs); ``deal_id``
    keeps that deal's committee, stances, stages and numbers (everyone's departures
    and manager changes stay: they bear on every deal).

    ``before_deals`` and ``after_deals`` are the open deals assessed at each
    reading (:func:`graphcrm.services.risk.assess_open_deals`).
    """
    since, until = before.at, after.at
    if not since < until:
        raise ValueError("what_changed needs the earlier reading first")
    changes = account_changes(
        before.graph.model_copy(update={"as_of": since}),
        after.graph.model_copy(update={"as_of": until}),
    )
    old_ids = {c.id for c in before.graph.contacts}
    joined = tuple(
        sorted(
            c.id
            for c in after.graph.contacts
            if c.id not in old_ids and c.account_id == after.account_id
        )
    )
    keep = (lambda d: d == deal_id) if deal_id is not None else (lambda d: True)
    seats = tuple((d, c) for d, cs in changes.seats.items() if keep(d) for c in cs)
    old_roles = before.net.roles
    stances = [
        StanceChange(deal_id=d, contact_id=c, before=old.stance, after=seat.stance)
        for d, seats_now in sorted(after.net.roles.items())
        if keep(d)
        for c, seat in sorted(seats_now.items())
        if (old := old_roles.get(d, {}).get(c)) is not None and old.stance != seat.stance
    ]
    return WhatChanged(
        account_id=after.account_id,
        since=since,
        until=until,
        joined=joined,
        people=changes.people,
        seats=seats,
        stances=tuple(stances),
        stages=_stage_moves(store, after, keep, since),
        deals=_deal_moves(before_deals, after_deals, after, keep),
    )


def _stage_moves(
    store: GraphStore, after: AccountSnapshot, keep: Callable[[str], bool], since: datetime
) -> tuple[StageMove, ...]:
    """The stage moves of the account's deals in ``(since, after.at]``, in time order."""
    stages: list[StageMove] = []
    for d in sorted(after.net.deals):
        if not keep(d) or after.net.deals[d].account_id != after.account_id:
            continue
        view = store.get_deal(DealId(d))
        stages.extend(
            StageMove(deal_id=d, at=c.at, from_stage=c.from_stage, to_stage=c.to_stage)
            for c in view.stage_history
            if since < c.at <= after.at
        )
    return tuple(sorted(stages, key=lambda m: (m.at, m.deal_id)))


def _deal_moves(
    before_deals: Sequence[DealAssessment],
    after_deals: Sequence[DealAssessment],
    after: AccountSnapshot,
    keep: Callable[[str], bool],
) -> tuple[DealMove, ...]:
    """The deals whose win probability moved by a point or more, or that opened or
    closed, by id."""
    then = {x.deal.id: x for x in before_deals if keep(x.deal.id)}
    now = {x.deal.id: x for x in after_deals if keep(x.deal.id)}
    deals: list[DealMove] = []
    for d in sorted(then.keys() | now.keys()):
        b, a = then.get(d), now.get(d)
        pb = b.risk.probability if b is not None and b.risk is not None else None
        pa = a.risk.probability if a is not None and a.risk is not None else None
        closed = after.net.deals.get(d)
        outcome = closed.stage if closed is not None and closed.stage.is_closed else None
        if pa is not None and pb is not None and abs(pa - pb) < 0.01:
            continue
        deals.append(
            DealMove(
                deal_id=d,
                probability_before=pb,
                probability_after=pa,
                risk_before=b.risk.score if b is not None and b.risk is not None else None,
                risk_after=a.risk.score if a is not None and a.risk is not None else None,
                outcome=outcome if pa is None else None,
                reasons=_moves(b, a),
            )
        )
    return tuple(deals)


def economic_buyers(snapshot: AccountSnapshot, deal_id: str) -> tuple[str, ...]:
    """The active economic buyers of a deal at the snapshot's instant."""
    seats = snapshot.net.roles.get(deal_id, {})
    return tuple(
        c
        for c in sorted(seats)
        if Role.ECONOMIC_BUYER in seats[c].roles and c in snapshot.net.active
    )


def days_silent(snapshot: AccountSnapshot, contact_id: str) -> float | None:
    """Days since the contact's last touchpoint at the snapshot's instant (None: never)."""
    e = snapshot.net.engagement.get(contact_id)
    return None if e is None else (snapshot.at - e.last_at).total_seconds() / 86400.0


def since_default(until: datetime, days: int = 7) -> datetime:
    """The end of the day (UTC) a week before ``until``: the default "what changed
    since". It is the instant a date field gives for that day, and the same all day
    long, so the pages' cache keeps the account as it stood then (the present minus
    a week was a new key, read and scored again, each time the present's cached
    reading was renewed).

    >>> since_default(datetime(2026, 11, 8, 9, 30, tzinfo=UTC)).isoformat()
    '2026-11-01T23:59:59.999999+00:00'
    """
    day = (until - timedelta(days=days)).astimezone(UTC)
    return day.replace(hour=23, minute=59, second=59, microsecond=999_999)
