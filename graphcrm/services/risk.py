"""Deal risk and what-if as of one instant: the win model's numbers in risk terms.

A deal's risk is ``100 × (1 - P(win))`` from the same model and the same
features as :func:`graphcrm.services.winprob.deal_win` (the store's latest
model, :func:`graphcrm.services.training.current_card`, else the shipped
prior); the stage's baseline and each group's points are the same model's
``P0`` and contributions (:mod:`graphcrm.analytics.risk`, ``docs/scoring.md``
§4). The hand-weighted rules come along as signals: what was seen, with the
people behind it, and no points.

A closed deal has an outcome and a loss reason, not a risk:
:class:`DealAssessment` then carries those and ``risk`` is None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from graphcrm.analytics import (
    DealRisk,
    Edit,
    WhatIf,
    deal_signals,
    risk_of,
    what_if,
)
from graphcrm.domain import (
    AccountId,
    Deal,
    DealId,
    DealView,
    Model,
    Stage,
    StakeholderGraph,
    UtcDatetime,
)
from graphcrm.domain.winmodel import WinModelCard
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant
from graphcrm.services.deals import AccountSnapshot, history_until, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.training import current_card
from graphcrm.services.winprob import ModelSummary, features_of, snapshot_deal, summary
from graphcrm.store.port import GraphStore


class DealAssessment(Model):
    """A deal's risk under the win model, or its outcome once closed, with what is
    needed to show it."""

    deal: Deal
    """The deal as it stood at the instant (its stage then)."""
    as_of: UtcDatetime
    risk: DealRisk | None
    """None for a deal closed at ``as_of``: it shows ``outcome`` and ``loss_reason``."""
    outcome: Stage | None = None
    """``closed_won`` or ``closed_lost`` for a deal closed at ``as_of``."""
    loss_reason: str | None = None
    model: ModelSummary
    """The model behind the risk (fitted on this store's deals, or the shipped prior)."""
    names: dict[str, str]
    """Display name of every contact the factors' and signals' evidence names."""


def assess(
    store: GraphStore,
    snapshot: AccountSnapshot,
    deal_id: DealId,
    *,
    params: AnalyticsParams,
    card: WinModelCard | None = None,
    view: DealView | None = None,
    seed: int = 0,
) -> DealAssessment:
    """Score one deal of an account already read (``card``: the model, the store's
    current one when omitted; ``view``: the deal's history, read when omitted)."""
    deal = snapshot_deal(snapshot, deal_id)
    model = card if card is not None else current_card(store, as_of=snapshot.at)
    if deal.stage.is_closed:
        return DealAssessment(
            deal=deal,
            as_of=snapshot.at,
            risk=None,
            outcome=deal.stage,
            loss_reason=deal.loss_reason,
            model=summary(model),
            names={},
        )
    full = view if view is not None else store.get_deal(deal_id)
    features = features_of(snapshot, full, deal, params=params)
    signals = deal_signals(
        snapshot.net,
        deal_id,
        scores=snapshot.scores,
        history=history_until(full, snapshot.at, deal),
        changes=snapshot.changes.for_deal(deal_id),
        params=params.risk,
        seed=seed,
    )
    risk = risk_of(model.model, features, as_of=snapshot.at, signals=signals)
    named = {c for f in risk.factors for c in f.evidence.contact_ids}
    named |= {c for s in risk.signals for c in s.evidence.contact_ids}
    named |= {x for s in risk.signals for e in s.evidence.edges for x in (e.source, e.target)}
    return DealAssessment(
        deal=deal,
        as_of=snapshot.at,
        risk=risk,
        model=summary(model),
        names={c: snapshot.net.name(c) for c in sorted(named)},
    )


def assess_deal(
    store: GraphStore,
    deal_id: DealId,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> DealAssessment:
    """The deal's risk as of ``as_of`` (default: now), or its outcome once closed.

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
    return assess(store, snapshot, deal_id, params=p, view=view, seed=seed)


def open_deal_risks(
    store: GraphStore,
    account_id: AccountId,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> tuple[DealAssessment, ...]:
    """Every deal of the account open at ``as_of``, riskiest first (ties by deal id)."""
    p = params or AnalyticsParams()
    snapshot = read_account(store, account_id, at=instant(as_of), params=p, seed=seed)
    return assess_open_deals(store, snapshot, params=p, seed=seed)


def _score(a: DealAssessment) -> float:
    return a.risk.score if a.risk is not None else -1.0


def open_deal_ids(account_id: AccountId, graph: StakeholderGraph) -> list[DealId]:
    """The deals of the account (not of its family) open in ``graph``, in its order."""
    return [
        DealId(d.id) for d in graph.deals if d.account_id == account_id and not d.stage.is_closed
    ]


def assess_open_deals(
    store: GraphStore,
    snapshot: AccountSnapshot,
    *,
    params: AnalyticsParams,
    card: WinModelCard | None = None,
    seed: int = 0,
    views: Mapping[DealId, DealView] | None = None,
) -> tuple[DealAssessment, ...]:
    """:func:`assess` for every deal of ``snapshot``'s account open at its instant,
    riskiest first (ties by deal id); one model for all (``card``, else the store's
    current one). ``views``: the deals' histories by id when the caller has read them
    (:func:`graphcrm.services.portfolio.score_portfolio` reads a chunk's at once),
    else they are read here with one ``store.get_deals``."""
    model = card if card is not None else current_card(store, as_of=snapshot.at)
    ids = open_deal_ids(snapshot.account_id, snapshot.graph)
    if views is None:
        views = dict(zip(ids, store.get_deals(ids), strict=True)) if ids else {}
    out = [
        assess(store, snapshot, d, params=params, card=model, view=views[d], seed=seed) for d in ids
    ]
    return tuple(sorted(out, key=lambda a: (-_score(a), a.deal.id)))


def what_if_deal(
    store: GraphStore,
    deal_id: DealId,
    edits: Sequence[Edit],
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> WhatIf:
    """The deal's risk and win probability before and after ``edits``, as of ``as_of``
    (default: now), under the store's current model.

    Raises
    ------
    NotFoundError
        No such deal, or an edit names something that is not there.
    InvalidError
        No edits, the deal did not exist yet at ``as_of``, or it is closed then.
    """
    p = params or AnalyticsParams()
    at = instant(as_of)
    view = store.get_deal(deal_id)
    snapshot = read_account(store, view.deal.account_id, at=at, params=p, seed=seed)
    deal = snapshot_deal(snapshot, deal_id)
    if deal.stage.is_closed:
        raise InvalidError(
            [Problem(f"deals[{deal_id}]", "stage", "the deal is closed: it has an outcome")]
        )
    return what_if(
        snapshot.graph,
        deal_id,
        edits,
        model=current_card(store, as_of=at).model,
        as_of=at,
        history=history_until(view, at, deal),
        changes=snapshot.changes.for_deal(deal_id),
        params=p.risk,
        seed=seed,
    )
