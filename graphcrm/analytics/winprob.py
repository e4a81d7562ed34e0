"""Win probability: a deal's features as of an instant, a fitted model's probability, and
each factor's contribution in points of probability (``docs/scoring.md`` §4a).

The features are what a seller can know at the instant: the stage, and the
graph's evidence read as continuous values (the risk factors' raw
quantities, not their hand-set points). Fitting lives in
:mod:`graphcrm.services.training`; here are the pure parts.

Contributions
    ``z`` is the model's logit for the deal and ``z0`` the logit of the same
    deal with every non-stage feature at its training mean: ``P0 = σ(z0)`` is
    what the stage alone gives under the model. A group of features ``g``
    (the champion's features, the economic buyer's, ...) contributes
    ``(P - P0) * Σ_{i in g} w_i (x_i - mean_i) / (z - z0)`` points of
    probability: its share of the logit's move, so the contributions sum to
    ``P - P0`` exactly and each has the sign of its push.

>>> from graphcrm.domain.winmodel import WinModel
>>> m = WinModel(features=("stage_negotiation", "champion_strength"),
...              coefficients=(1.0, 2.0), intercept=-0.5, means=(0.5, 0.2), scales=(0.5, 0.1))
>>> x = {"stage_negotiation": 1.0, "champion_strength": 0.4}

The stage's term is ``1.0 * (1 - 0.5) / 0.5 = 1``, the champion's
``2.0 * (0.4 - 0.2) / 0.1 = 4``: ``P = σ(-0.5 + 1 + 4) = σ(4.5)`` and
``P0 = σ(0.5)``; the champion contributes all of ``P - P0``.

>>> round(win_probability(m, x), 3), round(stage_probability(m, x), 3)
(0.989, 0.622)
>>> {g: round(v, 3) for g, v in contributions(m, x).items()}
{'champion': 0.367}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from graphcrm.analytics.decision import champion_strength
from graphcrm.analytics.engagement import days_between
from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.hidden import percentiles
from graphcrm.analytics.params import RiskParams
from graphcrm.analytics.scoring import ContactScores
from graphcrm.analytics.signals import ChangeKind, Evidence, StakeholderChange, is_champion
from graphcrm.domain import ContactStatus, Deal, DealRole, DealTouch, DealView, Role, Stage
from graphcrm.domain.enums import OPEN_STAGES
from graphcrm.domain.winmodel import WinModel
from graphcrm.errors import InvalidError, NotFoundError, Problem

STAGE_FEATURES: Final[tuple[str, ...]] = tuple(f"stage_{s.value}" for s in OPEN_STAGES[1:])
"""One indicator per open stage after ``prospecting`` (the baseline)."""

GRAPH_FEATURES: Final[dict[str, str]] = {
    "champion_strength": "champion",
    "champion_left": "champion",
    "champion_touches": "champion",
    "champion_seniority": "champion",
    "economic_buyer_known": "economic_buyer",
    "economic_buyer_stance": "economic_buyer",
    "economic_buyer_engagement": "economic_buyer",
    "economic_buyer_touched": "economic_buyer",
    "economic_buyer_engaged": "economic_buyer",
    "engaged_members": "threading",
    "members_touched": "threading",
    "opposition": "opposition",
    "opposition_seniority": "opposition",
    "silence": "silence",
    "age": "pace",
    "time_in_stage": "pace",
    "backward_moves": "history",
    "close_slips": "history",
    "close_in": "history",
    "churn": "churn",
}
"""Every non-stage feature and the group its contribution is shown under."""

FEATURES: Final[tuple[str, ...]] = (*STAGE_FEATURES, *GRAPH_FEATURES)
"""The features, in the order a model lists them."""

SILENCE_CAP_DAYS: Final = 365.0
"""Silence is counted up to a year (and read as ``log(1 + days)``)."""


@dataclass(frozen=True, slots=True)
class DealFeatures:
    """A deal's features as of an instant, and the evidence behind each group."""

    deal_id: str
    stage: Stage
    values: dict[str, float]
    """Every feature known at the instant (``close_in`` is left out without an expected close)."""
    evidence: dict[str, Evidence] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    """Per group, the plain facts (``champion Ayşe Yılmaz, strength 0.42``)."""


def _days(days: float) -> str:
    """``1 day``, ``3 days``: a whole number of days for a fact."""
    n = round(days)
    return "1 day" if n == 1 else f"{n} days"


def _log_days(days: float) -> float:
    return math.log1p(max(0.0, min(days, SILENCE_CAP_DAYS)))


@dataclass(frozen=True, slots=True)
class _Committee:
    """What the groups of features read: the deal as of ``net.as_of`` and its committee."""

    net: StakeholderNetwork
    deal: Deal
    scores: ContactScores
    roles: Mapping[str, DealRole]
    departed: frozenset[str]  # a DEPARTED change, or the status left_company
    members: list[str]  # the committee still at the company, sorted
    touches: Mapping[str, DealTouch]  # per contact, the touchpoints concerning the deal


@dataclass(frozen=True, slots=True)
class _Group:
    """One group's part of a deal's features: the values it sets, its fact and evidence."""

    values: dict[str, float]
    fact: str
    evidence: Evidence | None = None


def deal_features(
    net: StakeholderNetwork,
    deal_id: str,
    *,
    scores: ContactScores,
    history: DealView,
    changes: Sequence[StakeholderChange] = (),
    params: RiskParams | None = None,
) -> DealFeatures:
    """The features of an open deal as of ``net.as_of``.

    Parameters
    ----------
    net : StakeholderNetwork
        The account as of the instant (:func:`.graph.build_network`).
    deal_id : str
        An open deal in ``net``.
    scores : ContactScores
        :func:`.scoring.score_contacts` of ``net``.
    history : DealView
        The deal's stage and close-date history cut at the instant.
    changes : sequence of StakeholderChange
        The committee's changes in the churn window (departures count there).
    params : RiskParams, optional
        Who counts as a champion (the same rule as the risk factors).

    Raises
    ------
    NotFoundError
        ``deal_id`` is not in ``net``.
    InvalidError
        The deal is closed at the instant, or ``history`` is another deal's.
    """
    p = params or RiskParams()
    deal = net.deals.get(deal_id)
    if deal is None:
        raise NotFoundError("deal", deal_id)
    if deal.stage.is_closed:
        raise InvalidError([Problem(f"deals[{deal_id}]", "stage", "the deal is closed")])
    if history.deal.id != deal_id:
        raise InvalidError([Problem("history", "deal", f"history is for {history.deal.id!r}")])
    roles = net.roles.get(deal_id, {})
    departed = {c.contact_id for c in changes if c.kind is ChangeKind.DEPARTED}
    departed |= {c for c in roles if net.contacts[c].status is ContactStatus.LEFT_COMPANY}
    members = sorted(c for c in roles if c in net.active and c not in departed)
    com = _Committee(
        net, deal, scores, roles, frozenset(departed), members, net.deal_engagement(deal_id)
    )
    created = history.stage_history[0].at if history.stage_history else net.as_of
    groups = {
        "champion": _champion(com, p),
        "economic_buyer": _economic_buyer(com),
        "threading": _threading(com),
        "opposition": _opposition(com),
        "silence": _silence(com, created),
        "pace": _pace(com, history, created),
        "history": _history(history, com),
        "churn": _churn(changes),
    }
    v: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    if deal.stage is not Stage.PROSPECTING:
        v[f"stage_{deal.stage.value}"] = 1.0
    for group in groups.values():
        v.update(group.values)
    for f in [f for f, x in v.items() if math.isnan(x)]:
        del v[f]  # unknown: counts at the model's mean (moves nothing)
    ev = {name: g.evidence for name, g in groups.items() if g.evidence is not None}
    facts = {name: g.fact for name, g in groups.items()}
    return DealFeatures(deal_id, deal.stage, v, ev, facts)


def _champion(com: _Committee, p: RiskParams) -> _Group:
    """The strongest champion still on the committee, and whether one left."""
    net, roles, scores = com.net, com.roles, com.scores
    strength = champion_strength(
        net,
        com.deal.id,
        influence_norm=dict(scores.influence_norm),
        engagement=dict(scores.engagement),
    )
    champions = [c for c in com.members if is_champion(roles[c], p)]
    gone = sorted(c for c in roles if c in com.departed and is_champion(roles[c], p))
    v: dict[str, float] = {}
    evidence = None
    if champions:
        best = max(champions, key=lambda c: (strength[c], c))
        v["champion_strength"] = max(0.0, strength[best])
        touches = com.touches[best].touchpoints if best in com.touches else 0
        v["champion_touches"] = math.log1p(touches)
        v["champion_seniority"] = float(6 - net.contacts[best].seniority.level)
        evidence = Evidence(contact_ids=(best, *gone))
        fact = f"champion {net.name(best)}, strength {strength[best]:.2f}"
    else:
        fact = "no champion"
    if gone:
        v["champion_left"] = 1.0
        if evidence is None:
            evidence = Evidence(contact_ids=tuple(gone))
        fact += "; left: " + ", ".join(net.name(c) for c in gone)
    return _Group(v, fact, evidence)


def _economic_buyer(com: _Committee) -> _Group:
    """The economic buyer least for us (then the most engaged): stance and engagement."""
    roles, scores = com.roles, com.scores
    ebs = [c for c in com.members if Role.ECONOMIC_BUYER in roles[c].roles]
    if not ebs:
        return _Group({}, "no economic buyer known")
    eb = min(ebs, key=lambda c: (roles[c].stance, -scores.engagement[c], c))
    e = com.touches.get(eb)
    engaged = [
        c for c in ebs if roles[c].stance >= 0 and (t := com.touches.get(c)) and t.touchpoints > 0
    ]
    v = {
        "economic_buyer_known": 1.0,
        "economic_buyer_stance": float(roles[eb].stance),
        "economic_buyer_engagement": scores.engagement[eb],
        "economic_buyer_touched": 1.0 if e is not None and e.touchpoints > 0 else 0.0,
        "economic_buyer_engaged": 1.0 if engaged else 0.0,
    }
    fact = (
        f"economic buyer {com.net.name(eb)}: stance {roles[eb].stance:+d}, "
        f"engagement {scores.engagement[eb]:.2f}"
    )
    evidence = Evidence(contact_ids=(eb,), touchpoint_ids=(e.last_touchpoint_id,) if e else ())
    return _Group(v, fact, evidence)


def _threading(com: _Committee) -> _Group:
    """How many committee members took part in the deal's touchpoints, ever and in the
    last 90 days."""
    members, touches = com.members, com.touches
    engaged = [c for c in members if (e := touches.get(c)) and e.touches_90d > 0]
    touched_ever = [c for c in members if (e := touches.get(c)) and e.touchpoints > 0]
    return _Group(
        {"engaged_members": float(len(engaged)), "members_touched": float(len(touched_ever))},
        (
            f"{len(touched_ever)} of {len(members)} committee members touched on this deal, "
            f"{len(engaged)} in the last 90 days"
        ),
        Evidence(contact_ids=tuple(touched_ever)),
    )


def _opposition(com: _Committee) -> _Group:
    """The most influential member against us (stance below 0, or a blocker)."""
    roles, scores = com.roles, com.scores
    pct = percentiles(scores.influence, ties="min") if scores.influence else {}
    hostile = [c for c in com.members if roles[c].stance < 0 or Role.BLOCKER in roles[c].roles]
    if not hostile:
        return _Group({}, "no opponent on the committee")
    worst = max(hostile, key=lambda c: (pct.get(c, 0.0), c))
    senior_id = min(hostile, key=lambda c: (com.net.contacts[c].seniority.level, c))
    senior = com.net.contacts[senior_id].seniority.level
    return _Group(
        {"opposition": pct.get(worst, 0.0), "opposition_seniority": float(6 - senior)},
        f"opposed by {com.net.name(worst)} (influence percentile {pct.get(worst, 0.0):.2f});"
        f" most senior against: {com.net.name(senior_id)}",
        Evidence(contact_ids=tuple(hostile)),
    )


def _silence(com: _Committee, created: datetime) -> _Group:
    """Days since the deal's last touchpoint with the committee (the account's contacts
    when it has no member left); since the deal was ``created`` when there is none."""
    net = com.net
    scope = com.members or sorted(
        c for c in net.active if net.contacts[c].account_id == com.deal.account_id
    )
    touched = [e for c in scope if (e := com.touches.get(c))]
    if not touched:
        age = days_between(created, net.as_of)
        return _Group({"silence": _log_days(age)}, "no touchpoint of the deal on record")
    last = max(touched, key=lambda e: (e.last_at, e.contact_id))
    silence = days_between(last.last_at, net.as_of)
    return _Group(
        {"silence": _log_days(silence)},
        f"{_days(silence)} since the deal's last touchpoint",
        Evidence(contact_ids=(last.contact_id,), touchpoint_ids=(last.last_touchpoint_id,)),
    )


def _pace(com: _Committee, history: DealView, created: datetime) -> _Group:
    """The deal's age and its time in the current stage."""
    at = com.net.as_of
    age = days_between(created, at)
    moved = history.stage_history[-1].at if history.stage_history else created
    return _Group(
        {"age": _log_days(age), "time_in_stage": _log_days(days_between(moved, at))},
        f"open {_days(age)}, {days_between(moved, at):.0f} in {com.deal.stage.value}",
    )


def _history(history: DealView, com: _Committee) -> _Group:
    """Backward stage moves and close-date slips on record, and how near the expected close is."""
    backward = float(sum(1 for c in history.stage_history if c.is_backwards))
    slips = float(
        sum(
            1
            for c in history.close_date_history
            if c.from_date is not None and c.to_date is not None and c.to_date > c.from_date
        )
    )
    days = close_in_days(history, com.deal, com.net.as_of)
    when = (
        "no expected close"
        if days is None
        else f"expected close in {_days(days)}"
        if days >= 0
        else f"{_days(-days)} past the expected close"
    )
    return _Group(
        {"backward_moves": backward, "close_slips": slips, "close_in": _signed_log_days(days)},
        f"{int(backward)} backward stage move(s), {int(slips)} close-date slip(s), {when}",
    )


def close_in_days(history: DealView, deal: Deal, at: datetime) -> int | None:
    """Days from ``at`` to the expected close as it stood then (negative once passed)."""
    changes = history.close_date_history
    expected = changes[-1].to_date if changes else deal.expected_close
    return None if expected is None else (expected - at.date()).days


def _signed_log_days(days: int | None) -> float:
    """``sign(d) log(1 + min(|d|, 365))``; NaN (unknown) without an expected close."""
    if days is None:
        return math.nan
    return math.copysign(_log_days(abs(days)), days)


def _churn(changes: Sequence[StakeholderChange]) -> _Group:
    """The committee's changes in the churn window."""
    evidence = (
        Evidence(contact_ids=tuple(dict.fromkeys(c.contact_id for c in changes)))
        if changes
        else None
    )
    return _Group(
        {"churn": float(len(changes))},
        f"{len(changes)} stakeholder change(s) in the churn window",
        evidence,
    )


# --- the model ------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _terms(model: WinModel, values: Mapping[str, float]) -> list[float]:
    missing = [f for f in model.features if f not in values and f not in FEATURES]
    if missing:
        raise InvalidError(
            [Problem("model", "features", f"unknown feature {f!r}") for f in missing]
        )
    return [
        w * (values[f] - m) / s if f in values else 0.0
        for f, w, m, s in zip(
            model.features, model.coefficients, model.means, model.scales, strict=True
        )
    ]


def _calibrated(model: WinModel, z: float) -> float:
    return _sigmoid(model.calibration_slope * z + model.calibration_intercept)


def win_probability(model: WinModel, values: Mapping[str, float]) -> float:
    """``P(win)`` of a deal with feature ``values`` (a feature missing from them, as
    ``close_in`` without an expected close, counts at the model's mean: it moves nothing)."""
    return _calibrated(model, model.intercept + sum(_terms(model, values)))


def _stage_logit(model: WinModel, values: Mapping[str, float]) -> float:
    return model.intercept + sum(
        w * (values[f] - m) / s if f in values else 0.0
        for f, w, m, s in zip(
            model.features, model.coefficients, model.means, model.scales, strict=True
        )
        if f in STAGE_FEATURES
    )


def stage_probability(model: WinModel, values: Mapping[str, float]) -> float:
    """``P0``: the model's probability with every non-stage feature at its training mean."""
    return _calibrated(model, _stage_logit(model, values))


def contributions(model: WinModel, values: Mapping[str, float]) -> dict[str, float]:
    """Each group's contribution in points of probability (0-1), summing to ``P - P0``.

    Groups are :data:`GRAPH_FEATURES`' values (unknown features count under their
    own name); groups that do not move the logit are left out.
    """
    z0 = _stage_logit(model, values)
    terms = dict(zip(model.features, _terms(model, values), strict=True))
    graph = {f: t for f, t in terms.items() if f not in STAGE_FEATURES}
    dz = sum(graph.values())
    if abs(dz) < 1e-12:
        return {}
    dp = _calibrated(model, z0 + dz) - _calibrated(model, z0)
    out: dict[str, float] = {}
    for f, t in graph.items():
        group = GRAPH_FEATURES.get(f, f)
        out[group] = out.get(group, 0.0) + t
    return {g: dp * t / dz for g, t in out.items() if abs(t) > 1e-12}


def apportion(total: int, values: Sequence[float]) -> list[int]:
    """Whole numbers adding up to ``total``, each within 1 of its value in ``values``.

    Each value is rounded; the difference to ``total`` is then given one unit at
    a time to the values whose rounding moved them furthest the other way.

    >>> apportion(12, [5.4, 4.4, 1.4])
    [6, 5, 1]
    >>> apportion(-3, [-1.7, -1.6, 0.3])
    [-2, -1, 0]
    """
    shown = [round(v) for v in values]
    diff = total - sum(shown)
    if not values or diff == 0:
        return shown
    step = 1 if diff > 0 else -1
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - shown[i]) * step, i))
    for i in order[: abs(diff)]:
        shown[i] += step
    return shown
