"""Deal risk: a display of the win-probability model, not a second number.

A deal's risk is what its win probability leaves (``docs/scoring.md`` §4):

- ``score = 100 × (1 - P)``, with ``P`` the model's win probability
  (:func:`.winprob.win_probability`) of the deal's features;
- ``baseline = 100 × (1 - P0)``, the stage's risk, with ``P0`` what the stage
  alone gives under the model (:func:`.winprob.stage_probability`);
- one factor per group of features, ``points = -100 × c_g`` with ``c_g`` the
  group's contribution (:func:`.winprob.contributions`): positive points raise
  the risk, negative lower it, and ``baseline + Σ points = score``.

Rounding: ``score`` and ``baseline`` are rounded to hundredths; the points are
whole hundredths apportioned (:func:`.winprob.apportion`) so that they add up
to ``score - baseline`` exactly, each within 0.01 of its exact value.

The hand-weighted rules stay as :class:`~.signals.RiskSignal`: they say what
was seen, with the people behind it, and add nothing to the score.

>>> from graphcrm.domain.winmodel import WinModel
>>> from graphcrm.analytics.winprob import DealFeatures
>>> from graphcrm.domain import Stage
>>> m = WinModel(features=("stage_negotiation", "champion_strength"),
...              coefficients=(1.0, 2.0), intercept=-0.5, means=(0.5, 0.2), scales=(0.5, 0.1))
>>> x = DealFeatures("D1", Stage.NEGOTIATION,
...                  {"stage_negotiation": 1.0, "champion_strength": 0.4})

``P = σ(4.5) = 0.98901`` and ``P0 = σ(0.5) = 0.62246``: the risk is 1.10, the
stage's 37.75, and the champion takes 36.65 points off.

>>> from datetime import UTC, datetime
>>> r = risk_of(m, x, as_of=datetime(2025, 1, 1, tzinfo=UTC))
>>> r.score, r.baseline, [(f.group, f.points) for f in r.factors]
(1.1, 37.75, [('champion', -36.65)])
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import Field

from graphcrm.analytics.graph import StakeholderNetwork
from graphcrm.analytics.params import RiskParams
from graphcrm.analytics.scoring import ContactScores, score_contacts
from graphcrm.analytics.signals import (
    Evidence,
    RiskSignal,
    StakeholderChange,
    deal_signals,
)
from graphcrm.analytics.winprob import (
    DealFeatures,
    apportion,
    contributions,
    deal_features,
    stage_probability,
    win_probability,
)
from graphcrm.domain import DealView, Model, UtcDatetime
from graphcrm.domain.winmodel import WinModel

RiskPoints = Annotated[float, Field(ge=-100.0, le=100.0, allow_inf_nan=False)]
Percent = Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class RiskFactor(Model):
    """One group of features in risk terms: ``points = -100 ×`` its contribution."""

    group: str
    """``champion``, ``economic_buyer``, ``threading``, ``opposition``, ``silence``,
    ``pace``, ``history`` or ``churn`` (the groups of ``docs/scoring.md`` §4a)."""
    points: RiskPoints
    """Points of risk: positive raise it, negative lower it."""
    facts: str
    """What the features say, in plain words."""
    evidence: Evidence = Evidence()


class DealRisk(Model):
    """A deal's risk under the win model: ``score = baseline + Σ factors' points``."""

    deal_id: str
    as_of: UtcDatetime
    score: Percent
    """``100 × (1 - P(win))``, in hundredths."""
    baseline: Percent
    """The stage's risk: ``100 × (1 - P0)``, in hundredths."""
    probability: Probability
    """``P(win)`` under the model."""
    stage_probability: Probability
    """``P0``: what the stage alone gives under the model."""
    factors: tuple[RiskFactor, ...] = ()
    """Largest first by size (ties by group)."""
    signals: tuple[RiskSignal, ...] = ()
    """What the rules saw (no points: they explain, the model scores)."""

    def points(self, group: str) -> float:
        """Points of one group (0 when it does not move the risk)."""
        return sum(f.points for f in self.factors if f.group == group)


def _hundredths(x: float) -> float:
    return round(x, 2)


def risk_of(
    model: WinModel,
    features: DealFeatures,
    *,
    as_of: datetime,
    signals: Sequence[RiskSignal] = (),
) -> DealRisk:
    """The risk of a deal with ``features`` under ``model`` (see the module docstring).

    Parameters
    ----------
    model : WinModel
        The model :func:`.winprob.win_probability` uses.
    features : DealFeatures
        From :func:`.winprob.deal_features`.
    as_of : datetime
        The instant the features describe.
    signals : sequence of RiskSignal
        What the rules saw, carried along (:func:`.signals.deal_signals`).
    """
    values = features.values
    p = win_probability(model, values)
    p0 = stage_probability(model, values)
    parts = sorted(contributions(model, values).items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    score = _hundredths(100.0 * (1.0 - p))
    baseline = _hundredths(100.0 * (1.0 - p0)) if parts else score
    total = round(100 * (score - baseline))
    shown = apportion(total, [-10_000.0 * c for _, c in parts])
    factors = tuple(
        RiskFactor(
            group=g,
            points=h / 100,
            facts=features.facts.get(g, g),
            evidence=features.evidence.get(g, Evidence()),
        )
        for (g, _), h in zip(parts, shown, strict=True)
    )
    return DealRisk(
        deal_id=features.deal_id,
        as_of=as_of,
        score=score,
        baseline=baseline,
        probability=p,
        stage_probability=p0,
        factors=tuple(sorted(factors, key=lambda f: (-abs(f.points), f.group))),
        signals=tuple(signals),
    )


def deal_risk(
    net: StakeholderNetwork,
    deal_id: str,
    *,
    model: WinModel,
    history: DealView,
    scores: ContactScores | None = None,
    changes: Sequence[StakeholderChange] = (),
    params: RiskParams | None = None,
    seed: int = 0,
) -> DealRisk:
    """The risk of an open deal as of ``net.as_of`` under ``model``, with its signals.

    Parameters
    ----------
    net : StakeholderNetwork
        From :func:`.graph.build_network`.
    deal_id : str
        An open deal in ``net``.
    model : WinModel
        The win-probability model (the store's, or the shipped prior).
    history : DealView
        The deal's stage and close-date history cut at ``net.as_of``.
    scores : ContactScores, optional
        Pre-computed :func:`.scoring.score_contacts` (computed when omitted).
    changes : sequence of StakeholderChange
        The committee's changes in the churn window.
    params : RiskParams, optional
        Who counts as a champion, and the signals' thresholds.
    seed : int
        Passed to :func:`.scoring.score_contacts` when it runs.

    Raises
    ------
    NotFoundError
        ``deal_id`` is not in the network.
    InvalidError
        The deal is closed at ``net.as_of`` (it has an outcome, not a risk),
        ``history`` is another deal's, or a change names an unknown contact.
    """
    p = params or RiskParams()
    s = scores if scores is not None else score_contacts(net, params=p.scoring, seed=seed)
    features = deal_features(net, deal_id, scores=s, history=history, changes=changes, params=p)
    seen = deal_signals(net, deal_id, scores=s, history=history, changes=changes, params=p)
    return risk_of(model, features, as_of=net.as_of, signals=seen)
