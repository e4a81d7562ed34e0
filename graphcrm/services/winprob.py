"""A deal's win probability as of an instant, explained (``docs/scoring.md`` §4a).

The store's latest model (:func:`graphcrm.services.training.current_card`)
scores the deal's features read as of the instant. What is shown:

- ``probability``: P(win) under the model;
- ``stage_probability``: what the stage alone gives under the model (every
  other feature at its training mean);
- ``contributions``: per group of features, its points of probability,
  summing to the difference, each with the people and touchpoints behind it;
- the model that said so (fitted on this store's deals, or the shipped prior).

A closed deal shows its outcome and loss reason instead: it has no
probability.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from graphcrm.analytics.signals import Evidence
from graphcrm.analytics.winprob import (
    DealFeatures,
    contributions,
    deal_features,
    stage_probability,
    win_probability,
)
from graphcrm.domain import Deal, DealId, DealView, Model, Stage, UtcDatetime
from graphcrm.domain.winmodel import ModelSource, WinModelCard
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant
from graphcrm.services.deals import AccountSnapshot, history_until, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.training import current_card
from graphcrm.store.port import GraphStore

Points = Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]


class WinContribution(Model):
    """One group of features: how many points of probability it adds (or takes)."""

    group: str
    """``champion``, ``economic_buyer``, ``threading``, ``opposition``, ``silence``,
    ``pace``, ``history`` or ``churn``."""
    points: Points
    facts: str
    """What the features say, in plain words."""
    evidence: Evidence = Evidence()


class ModelSummary(Model):
    """Which model gave a probability."""

    source: ModelSource
    fitted_at: UtcDatetime
    deals: int
    cv_auc: float | None


class DealWin(Model):
    """A deal's win probability as of ``as_of``, or its outcome once closed."""

    deal: Deal
    """The deal as it stood at ``as_of``."""
    as_of: UtcDatetime
    probability: Annotated[float, Field(ge=0.0, le=1.0)] | None
    stage_probability: Annotated[float, Field(ge=0.0, le=1.0)] | None
    contributions: tuple[WinContribution, ...] = ()
    """Largest first by size; they sum to ``probability - stage_probability``."""
    outcome: Stage | None = None
    """``closed_won`` or ``closed_lost`` for a deal closed at ``as_of``."""
    loss_reason: str | None = None
    model: ModelSummary
    names: dict[str, str] = Field(default_factory=dict)
    """Display name of every contact the evidence names."""


def summary(card: WinModelCard) -> ModelSummary:
    return ModelSummary(
        source=card.source, fitted_at=card.fitted_at, deals=card.deals, cv_auc=card.cv_auc
    )


def explain(
    snapshot: AccountSnapshot,
    features: DealFeatures,
    card: WinModelCard,
) -> tuple[float, float, tuple[WinContribution, ...], dict[str, str]]:
    """``(P, P0, contributions, names)`` of a deal's features under ``card``."""
    values = features.values
    parts = contributions(card.model, values)
    rows = tuple(
        WinContribution(
            group=g,
            points=round(v, 6),
            facts=features.facts.get(g, g),
            evidence=features.evidence.get(g, Evidence()),
        )
        for g, v in sorted(parts.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    )
    named = sorted({c for r in rows for c in r.evidence.contact_ids})
    names = {c: snapshot.net.name(c) for c in named}
    return win_probability(card.model, values), stage_probability(card.model, values), rows, names


def snapshot_deal(snapshot: AccountSnapshot, deal_id: str) -> Deal:
    """The deal as it stood at the snapshot's instant.

    Raises
    ------
    InvalidError
        The deal did not exist yet then.
    """
    deal = snapshot.net.deals.get(deal_id)
    if deal is None:
        when = snapshot.at.isoformat()
        raise InvalidError([Problem("as_of", "", f"deal {deal_id!r} did not exist yet at {when}")])
    return deal


def features_of(
    snapshot: AccountSnapshot, view: DealView, deal: Deal, *, params: AnalyticsParams
) -> DealFeatures:
    """The features of an open deal of an account already read, as of its instant: what
    both the win probability and the risk (:mod:`graphcrm.services.risk`) score."""
    return deal_features(
        snapshot.net,
        deal.id,
        scores=snapshot.scores,
        history=history_until(view, snapshot.at, deal),
        changes=snapshot.changes.for_deal(deal.id),
        params=params.risk,
    )


def win_of(
    snapshot: AccountSnapshot,
    view: DealView,
    card: WinModelCard,
    *,
    params: AnalyticsParams,
) -> DealWin:
    """The win probability of one deal of an account already read."""
    deal = snapshot_deal(snapshot, view.deal.id)
    if deal.stage.is_closed:
        return DealWin(
            deal=deal,
            as_of=snapshot.at,
            probability=None,
            stage_probability=None,
            outcome=deal.stage,
            loss_reason=deal.loss_reason,
            model=summary(card),
        )
    features = features_of(snapshot, view, deal, params=params)
    p, p0, rows, names = explain(snapshot, features, card)
    return DealWin(
        deal=deal,
        as_of=snapshot.at,
        probability=p,
        stage_probability=p0,
        contributions=rows,
        model=summary(card),
        names=names,
    )


def deal_win(
    store: GraphStore,
    deal_id: DealId,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> DealWin:
    """The deal's win probability as of ``as_of`` (default: now), with its contributions.

    Raises
    ------
    NotFoundError
        No such deal.
    InvalidError
        The deal did not exist yet at ``as_of``.
    """
    p = params or AnalyticsParams()
    at = instant(as_of)
    view = store.get_deal(deal_id)
    snapshot = read_account(store, view.deal.account_id, at=at, params=p, seed=seed)
    return win_of(snapshot, view, current_card(store, as_of=at), params=p)
