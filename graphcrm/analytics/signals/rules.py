"""The risk rules: what each reads on a deal and when it fires, with the evidence and
the points it had in the hand-weighted score; :func:`run_rules` runs them in order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from graphcrm.analytics.decision import (
    champion_strength,
    decision_maker_score,
    relative_influence,
)
from graphcrm.analytics.engagement import days_between
from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.health import top_by
from graphcrm.analytics.hidden import percentiles
from graphcrm.analytics.params import RiskParams
from graphcrm.analytics.scoring import ContactScores, score_contacts
from graphcrm.analytics.signals.model import (
    ChangeKind,
    EdgeRef,
    Evidence,
    SignalCode,
    StakeholderChange,
    WeightedSignal,
)
from graphcrm.domain import (
    ContactStatus,
    Deal,
    DealRole,
    DealView,
    Role,
)
from graphcrm.errors import InvalidError, NotFoundError, Problem


@dataclass(frozen=True, slots=True)
class _Ctx:
    net: StakeholderNetwork
    deal: Deal
    scores: ContactScores
    p: RiskParams
    committee: tuple[str, ...]  # every contact with a role, departed too
    active: tuple[str, ...]  # committee members still at the company
    scope: tuple[str, ...]  # active committee, or the account's contacts if none
    departed: frozenset[str]  # left (status or a DEPARTED change in the window)
    changes: tuple[StakeholderChange, ...]  # in the churn window, for the scope

    def name(self, c: str) -> str:
        return self.net.name(c)


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _days(ctx: _Ctx, at: datetime) -> float:
    return days_between(at, ctx.net.as_of)


def is_champion(role: DealRole, p: RiskParams) -> bool:
    """The champion role with stance >= ``champion_min_stance``, or a high stance without it
    (the risk rules' champion, and the win model's: :func:`.winprob.deal_features`)."""
    without = p.champion_stance_without_role
    return (Role.CHAMPION in role.roles and role.stance >= p.champion_min_stance) or (
        without is not None and role.stance >= without
    )


def _is_champion(ctx: _Ctx, c: str) -> bool:
    return is_champion(ctx.net.roles.get(ctx.deal.id, {})[c], ctx.p)


def _champion(ctx: _Ctx, strength: dict[str, float]) -> list[WeightedSignal]:
    p = ctx.p
    roles = ctx.net.roles.get(ctx.deal.id, {})
    cands = [c for c in ctx.committee if _is_champion(ctx, c)]
    present = [c for c in cands if c not in ctx.departed]
    gone = [c for c in cands if c in ctx.departed]
    if not present:
        if gone:
            names = ", ".join(ctx.name(c) for c in gone)
            return [
                WeightedSignal(
                    code=SignalCode.CHAMPION_LEFT,
                    points=p.champion_left,
                    message=f"the champion ({names}) left the company",
                    evidence=Evidence(contact_ids=tuple(gone)),
                )
            ]
        return [
            WeightedSignal(
                code=SignalCode.NO_CHAMPION,
                points=p.no_champion,
                message=f"no champion on {ctx.deal.name}",
            )
        ]
    best = max(present, key=lambda c: (strength[c], c))
    if strength[best] < p.weak_champion_below:
        s = ctx.scores
        rel = relative_influence(s.influence, s.influence)[best]
        return [
            WeightedSignal(
                code=SignalCode.WEAK_CHAMPION,
                points=p.weak_champion,
                message=(
                    f"the champion ({ctx.name(best)}) is weak: strength {_fmt(strength[best])} "
                    f"(stance {roles[best].stance:+d}, relative influence {_fmt(rel)}, "
                    f"engagement {_fmt(s.engagement[best])})"
                ),
                evidence=Evidence(contact_ids=(best,)),
            )
        ]
    return []


def champion_of(ctx: _Ctx, strength: dict[str, float]) -> str | None:
    present = [c for c in ctx.active if c not in ctx.departed and _is_champion(ctx, c)]
    return max(present, key=lambda c: (strength[c], c)) if present else None


def _economic_buyer(ctx: _Ctx, dm: dict[str, float], champion: str | None) -> list[WeightedSignal]:
    p = ctx.p
    roles = ctx.net.roles.get(ctx.deal.id, {})
    ebs = [c for c in ctx.active if c not in ctx.departed and Role.ECONOMIC_BUYER in roles[c].roles]
    if not ebs:
        gone = [
            c for c in ctx.committee if c in ctx.departed and Role.ECONOMIC_BUYER in roles[c].roles
        ]
        msg = (
            f"the economic buyer ({', '.join(ctx.name(c) for c in gone)}) left the company"
            if gone
            else f"no economic buyer is known on {ctx.deal.name}"
        )
        return [
            WeightedSignal(
                code=SignalCode.ECONOMIC_BUYER_UNKNOWN,
                points=p.economic_buyer_unknown,
                message=msg,
                evidence=Evidence(contact_ids=tuple(gone)),
            )
        ]
    hostile = [c for c in ebs if roles[c].stance <= -1]
    eb = max(hostile or ebs, key=lambda c: (dm[c], c))
    out: list[WeightedSignal] = []
    h = ctx.scores.health[eb]
    if hostile:
        out.append(
            WeightedSignal(
                code=SignalCode.ECONOMIC_BUYER_HOSTILE,
                points=p.economic_buyer_hostile,
                message=(
                    f"the economic buyer ({ctx.name(eb)}) is against us: "
                    f"stance {roles[eb].stance:+d}"
                ),
                evidence=Evidence(contact_ids=(eb,)),
            )
        )
    elif not h.band.healthy:
        e = ctx.net.engagement.get(eb)
        last = (
            f"last touch {_days(ctx, e.last_at):.0f} days ago" if e else "no touchpoint on record"
        )
        out.append(
            WeightedSignal(
                code=SignalCode.ECONOMIC_BUYER_NOT_ENGAGED,
                points=p.economic_buyer_not_engaged,
                message=(
                    f"the economic buyer ({ctx.name(eb)}) is not engaged: health "
                    f"{h.score:.0f} ({h.band.value}), {last}"
                ),
                evidence=Evidence(
                    contact_ids=(eb,), touchpoint_ids=(e.last_touchpoint_id,) if e else ()
                ),
            )
        )
    if champion is not None and not _champion_reaches(ctx.net, champion, eb):
        lined = ctx.net.contact_reaches(champion, eb)
        out.append(
            WeightedSignal(
                code=SignalCode.CHAMPION_NO_PATH_TO_ECONOMIC_BUYER,
                points=p.champion_no_path_to_economic_buyer,
                message=(
                    f"no path from the champion ({ctx.name(champion)}) to the economic "
                    f"buyer ({ctx.name(eb)}) through influence or shared touchpoints"
                    + (", only through the org chart" if lined else "")
                ),
                evidence=Evidence(contact_ids=(champion, eb)),
            )
        )
    return out


def _champion_reaches(net: StakeholderNetwork, champion: str, eb: str) -> bool:
    """A path of working ties (influence, shared touchpoints) from the champion to the
    economic buyer, or a reporting line between the two; a chain of reporting lines
    is no path (the org chart joins everyone in an account)."""
    direct = net.authority.has_edge(champion, eb) or net.authority.has_edge(eb, champion)
    return direct or net.contact_reaches(champion, eb, lines=False)


def _single_threaded(ctx: _Ctx) -> list[WeightedSignal]:
    touches = {c: e.touches_90d for c in ctx.scope if (e := ctx.net.engagement.get(c))}
    total = sum(touches.values())
    if total == 0:
        return []
    top = max(touches, key=lambda c: (touches[c], c))
    share = touches[top] / total
    if share < ctx.p.single_threaded_share:
        return []
    return [
        WeightedSignal(
            code=SignalCode.SINGLE_THREADED,
            points=ctx.p.single_threaded,
            message=(
                f"single-threaded: {ctx.name(top)} carries {share:.0%} of the last 90 days' "
                f"touchpoints ({touches[top]} of {total})"
            ),
            evidence=Evidence(
                contact_ids=(top,), touchpoint_ids=(ctx.net.engagement[top].last_touchpoint_id,)
            ),
        )
    ]


def _opponents(ctx: _Ctx) -> list[WeightedSignal]:
    net, p, s = ctx.net, ctx.p, ctx.scores
    roles = net.roles.get(ctx.deal.id, {})
    pct = percentiles(s.influence, ties="min")
    members = set(ctx.active) - ctx.departed
    near = set(members)
    ties = net.ties
    for c in members:
        near |= set(ties[c]) if c in ties else set()
    found: list[tuple[str, list[EdgeRef]]] = []
    for c in sorted(near):
        if pct.get(c, 0.0) < p.opponent_influence_percentile:
            continue
        against = [
            EdgeRef(source=c, target=v, kind="opposes")
            for v in sorted(net.opposition.successors(c))
            if v in members
        ]
        hostile = c in roles and (roles[c].stance < 0 or Role.BLOCKER in roles[c].roles)
        if hostile or against:
            found.append((c, against))
    if not found:
        return []
    parts = []
    for c, against in found:
        stance = f", stance {roles[c].stance:+d}" if c in roles else ""
        targets = (" opposes " + ", ".join(ctx.name(e.target) for e in against)) if against else ""
        parts.append(f"{ctx.name(c)} (influence percentile {_fmt(pct[c])}{stance}){targets}")
    return [
        WeightedSignal(
            code=SignalCode.OPPONENT,
            points=p.opponent,
            message="high-influence opponent: " + "; ".join(parts),
            evidence=Evidence(
                contact_ids=tuple(c for c, _ in found), edges=tuple(e for _, a in found for e in a)
            ),
        )
    ]


def _uncovered(ctx: _Ctx, dm: dict[str, float]) -> list[WeightedSignal]:
    p = ctx.p
    account = [
        c for c in sorted(ctx.net.active) if ctx.net.contacts[c].account_id == ctx.deal.account_id
    ]
    k = p.scoring.health.top_decision_makers
    top = top_by({c: dm[c] for c in account}, k)
    if not top:
        return []
    bad = [c for c in top if not ctx.scores.health[c].band.healthy]
    if not bad:
        return []
    who = ", ".join(f"{ctx.name(c)} (health {ctx.scores.health[c].score:.0f})" for c in bad)
    return [
        WeightedSignal(
            code=SignalCode.DECISION_MAKERS_UNCOVERED,
            points=p.decision_makers_uncovered * len(bad) / len(top),
            message=f"{len(bad)} of the top {len(top)} decision makers are not covered: {who}",
            evidence=Evidence(contact_ids=tuple(bad)),
        )
    ]


def _stale(ctx: _Ctx) -> list[WeightedSignal]:
    if ctx.deal.stage.is_closed:
        return []
    norm = ctx.p.stale_after_days
    aggs = [e for c in ctx.scope if (e := ctx.net.engagement.get(c))]
    if not aggs:
        return [
            WeightedSignal(
                code=SignalCode.STALE_ENGAGEMENT,
                points=ctx.p.stale_engagement,
                message=f"no touchpoint on record for {ctx.deal.name}",
            )
        ]
    last = max(aggs, key=lambda e: (e.last_at, e.contact_id))
    days = _days(ctx, last.last_at)
    if days <= norm:
        return []
    return [
        WeightedSignal(
            code=SignalCode.STALE_ENGAGEMENT,
            points=ctx.p.stale_engagement * min(1.0, days / norm - 1.0),
            message=(
                f"engagement is stale: {days:.0f} days since the last touchpoint "
                f"(with {ctx.name(last.contact_id)}), stale after {norm:.0f}"
            ),
            evidence=Evidence(
                contact_ids=(last.contact_id,), touchpoint_ids=(last.last_touchpoint_id,)
            ),
        )
    ]


def _churn(ctx: _Ctx) -> list[WeightedSignal]:
    if not ctx.changes:
        return []
    n = len(ctx.changes)
    what = {
        ChangeKind.DEPARTED: "left the company",
        ChangeKind.ROLE_CHANGED: "changed role",
        ChangeKind.MANAGER_CHANGED: "changed manager",
        ChangeKind.JOINED: "joined",
    }
    listed = "; ".join(
        f"{ctx.name(c.contact_id)} {what[c.kind]} ({c.at.date().isoformat()})" for c in ctx.changes
    )
    return [
        WeightedSignal(
            code=SignalCode.STAKEHOLDER_CHURN,
            points=min(ctx.p.stakeholder_churn, ctx.p.churn_points_each * n),
            message=(
                f"{n} stakeholder change{'s' if n > 1 else ''} in the last "
                f"{ctx.p.churn_window_days:.0f} days: {listed}"
            ),
            evidence=Evidence(contact_ids=tuple(dict.fromkeys(c.contact_id for c in ctx.changes))),
        )
    ]


def _history(ctx: _Ctx, history: DealView | None) -> list[WeightedSignal]:
    if history is None:
        return []
    p, out = ctx.p, []
    now = ctx.deal.stage.order
    window = [
        c
        for c in history.stage_history
        if 0 <= _days(ctx, c.at) <= p.history_window_days
        and c.is_backwards
        and c.from_stage is not None
        and now < c.from_stage.order  # not recovered: still behind where it was
    ]
    if window:
        listed = "; ".join(
            f"{c.from_stage.value if c.from_stage else '?'} -> {c.to_stage.value} "
            f"({c.at.date().isoformat()})"
            for c in window
        )
        out.append(
            WeightedSignal(
                code=SignalCode.STAGE_REGRESSION,
                points=p.stage_regression,
                message=f"stage moved backwards: {listed}",
            )
        )
    slips = [
        c
        for c in history.close_date_history
        if 0 <= _days(ctx, c.at) <= p.history_window_days
        and c.from_date is not None
        and c.to_date is not None
        and c.to_date > c.from_date
    ]
    if slips:
        listed = "; ".join(f"{c.from_date} -> {c.to_date}" for c in slips)
        out.append(
            WeightedSignal(
                code=SignalCode.CLOSE_DATE_SLIPPED,
                points=min(p.close_date_slipped, p.close_slip_points_each * len(slips)),
                message=f"expected close slipped {len(slips)} time(s): {listed}",
            )
        )
    return out


def _gridlock(ctx: _Ctx) -> list[WeightedSignal]:
    members = set(ctx.active) - ctx.departed
    if len(members) < ctx.p.gridlock_min_committee:
        return []
    edges = [
        EdgeRef(source=u, target=v, kind="opposes")
        for u, v in sorted(ctx.net.opposition.edges())
        if u in members and v in members
    ]
    if len(edges) < ctx.p.gridlock_min_opposing:
        return []
    listed = ", ".join(f"{ctx.name(e.source)} -> {ctx.name(e.target)}" for e in edges)
    return [
        WeightedSignal(
            code=SignalCode.GRIDLOCK,
            points=ctx.p.gridlock,
            message=(
                f"gridlock: {len(members)} on the committee with {len(edges)} opposing "
                f"tie{'s' if len(edges) > 1 else ''} ({listed})"
            ),
            evidence=Evidence(contact_ids=tuple(sorted(members)), edges=tuple(edges)),
        )
    ]


def _context(
    net: StakeholderNetwork,
    deal_id: str,
    scores: ContactScores,
    p: RiskParams,
    changes: Iterable[StakeholderChange],
) -> _Ctx:
    deal = net.deals.get(deal_id)
    if deal is None:
        raise NotFoundError("deal", deal_id)
    committee = tuple(sorted(net.roles.get(deal_id, {})))
    active = tuple(c for c in committee if c in net.active)
    scope = active or tuple(
        c for c in sorted(net.active) if net.contacts[c].account_id == deal.account_id
    )
    scope_all = set(committee) | set(scope)
    in_window: list[StakeholderChange] = []
    for ch in changes:
        if ch.contact_id not in net.contacts:
            raise InvalidError(
                [Problem(f"changes[{ch.contact_id}]", "contact_id", "unknown contact")]
            )
        if ch.contact_id in scope_all and 0 <= _days_at(ch.at, net.as_of) <= p.churn_window_days:
            in_window.append(ch)
    seen = {(c.contact_id, c.kind) for c in in_window}
    for c in committee:
        contact = net.contacts[c]
        if (
            contact.status is ContactStatus.LEFT_COMPANY
            and contact.status_from is not None
            and (c, ChangeKind.DEPARTED) not in seen
            and 0 <= _days_at(contact.status_from, net.as_of) <= p.churn_window_days
        ):
            in_window.append(
                StakeholderChange(contact_id=c, at=contact.status_from, kind=ChangeKind.DEPARTED)
            )
    in_window.sort(key=lambda c: (c.at, c.contact_id, c.kind.value))
    departed = frozenset(
        [c for c in committee if c not in net.active]
        + [c.contact_id for c in in_window if c.kind is ChangeKind.DEPARTED]
    )
    return _Ctx(net, deal, scores, p, committee, active, scope, departed, tuple(in_window))


def _days_at(at: datetime, as_of: datetime) -> float:
    return days_between(at, as_of)


def run_rules(
    net: StakeholderNetwork,
    deal_id: str,
    *,
    scores: ContactScores | None,
    history: DealView | None,
    changes: Sequence[StakeholderChange],
    params: RiskParams | None,
    seed: int,
) -> list[WeightedSignal]:
    """Every rule that fires, in the order the rules run (champion, economic buyer,
    threading, opponents, coverage, silence, churn, history, gridlock)."""
    p = params or RiskParams()
    s = scores if scores is not None else score_contacts(net, params=p.scoring, seed=seed)
    if history is not None and history.deal.id != deal_id:
        raise InvalidError([Problem("history", "deal", f"history is for {history.deal.id!r}")])
    ctx = _context(net, deal_id, s, p, changes)
    dm = decision_maker_score(
        net,
        authority=dict(s.authority),
        influence_norm=dict(s.influence_norm),
        deal_id=deal_id,
        params=p.scoring.decision,
    )
    strength = champion_strength(
        net, deal_id, influence_norm=dict(s.influence_norm), engagement=dict(s.engagement)
    )
    return [
        *_champion(ctx, strength),
        *_economic_buyer(ctx, dm, champion_of(ctx, strength)),
        *_single_threaded(ctx),
        *_opponents(ctx),
        *_uncovered(ctx, dm),
        *_stale(ctx),
        *_churn(ctx),
        *_history(ctx, history),
        *_gridlock(ctx),
    ]
