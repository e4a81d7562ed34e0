"""Deal risk and what-if, read from the store as of one instant.

A deal's risk needs three readings of the store (``docs/scoring.md`` §4):

1. the account's stakeholder graph as of the instant ``at``;
2. the deal's stage and close-date history (``store.get_deal``), cut at ``at``;
3. the stakeholder changes of the churn window, from a second, lighter graph
   reading at ``at - RiskParams.churn_window_days``: only the buying
   committees (``stakeholder_graphs(..., committee_only=True)``: contacts,
   reporting lines, deals and seats; :mod:`graphcrm.services.changes`
   explains why this and not the change log). Seats closed by a departure in
   the window are put back, so a departed champion is seen as such.

Reading 1 and 3 happen once per account and are shared by all its deals
(:func:`open_deal_risks`, :func:`graphcrm.services.portfolio.score_portfolio`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from graphcrm.analytics import (
    ContactScores,
    DealRisk,
    Edit,
    StakeholderNetwork,
    WhatIf,
    score_contacts,
    what_if,
)
from graphcrm.analytics import deal_risk as analytics_deal_risk
from graphcrm.domain import AccountId, Deal, DealId, DealView, Model, StakeholderGraph
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.changes import AccountChanges, account_changes, with_departed_seats
from graphcrm.services.clock import instant
from graphcrm.services.network import account_network
from graphcrm.services.params import AnalyticsParams
from graphcrm.store.port import GraphStore


class DealAssessment(Model):
    """A deal's risk with what is needed to show it."""

    deal: Deal
    """The deal as it stood at the instant (its stage then)."""
    risk: DealRisk
    names: dict[str, str]
    """Display name of every contact the factors' evidence names."""


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """One account read for deal risks: graph, recent changes, network and scores."""

    account_id: AccountId
    at: datetime
    graph: StakeholderGraph
    """As of ``at``, with seats closed by a departure in the window put back (the
    ties as read: ``net.source`` adds the inferred ones)."""
    changes: AccountChanges
    net: StakeholderNetwork
    scores: ContactScores


def churn_window_start(at: datetime, params: AnalyticsParams) -> datetime:
    """The instant of the second graph reading: ``at`` minus the churn window."""
    return at - timedelta(days=params.risk.churn_window_days)


def read_account(
    store: GraphStore,
    account_id: AccountId,
    *,
    at: datetime,
    params: AnalyticsParams,
    seed: int = 0,
    graph: StakeholderGraph | None = None,
    before: StakeholderGraph | None = None,
) -> AccountSnapshot:
    """Read the account at ``at`` and at the start of the churn window; build and score.

    ``graph`` and ``before`` are the account's graph as of ``at`` and its
    committee graph as of the window's start (:func:`churn_window_start`,
    ``committee_only``) when the caller has read them already
    (:func:`graphcrm.services.portfolio.score_portfolio` reads many accounts'
    at once).
    """
    sg = graph if graph is not None else store.stakeholder_graph(account_id, as_of=at)
    since = churn_window_start(at, params)
    if before is None:
        (before,) = store.stakeholder_graphs([account_id], as_of=since, committee_only=True)
    changes = account_changes(
        before.model_copy(update={"as_of": since}), sg.model_copy(update={"as_of": at})
    )
    restored = with_departed_seats(sg, changes)
    net = account_network(restored, at=at, params=params)
    scores = score_contacts(net, params=params.risk.scoring, seed=seed)
    return AccountSnapshot(account_id, at, restored, changes, net, scores)


def history_until(view: DealView, at: datetime, deal: Deal | None = None) -> DealView:
    """``view`` cut at ``at``: only the stage and close-date changes made by then.

    ``deal`` replaces the current deal row (pass the deal as of ``at``).
    """
    return view.model_copy(
        update={
            "deal": deal if deal is not None else view.deal,
            "stage_history": tuple(c for c in view.stage_history if c.at <= at),
            "close_date_history": tuple(c for c in view.close_date_history if c.at <= at),
        }
    )


def _deal_at(snapshot: AccountSnapshot, deal_id: str) -> Deal:
    deal = snapshot.net.deals.get(deal_id)
    if deal is None:
        when = snapshot.at.isoformat()
        raise InvalidError([Problem("as_of", "", f"deal {deal_id!r} did not exist yet at {when}")])
    return deal


def assess(
    store: GraphStore,
    snapshot: AccountSnapshot,
    deal_id: DealId,
    *,
    params: AnalyticsParams,
    view: DealView | None = None,
    seed: int = 0,
) -> DealAssessment:
    """Score one deal of an account already read (``view``: its history, read when omitted)."""
    deal = _deal_at(snapshot, deal_id)
    full = view if view is not None else store.get_deal(deal_id)
    risk = analytics_deal_risk(
        snapshot.net,
        deal_id,
        scores=snapshot.scores,
        history=history_until(full, snapshot.at, deal),
        changes=snapshot.changes.for_deal(deal_id),
        params=params.risk,
        seed=seed,
    )
    named = {c for f in risk.factors for c in f.evidence.contact_ids}
    named |= {x for f in risk.factors for e in f.evidence.edges for x in (e.source, e.target)}
    return DealAssessment(
        deal=deal, risk=risk, names={c: snapshot.net.name(c) for c in sorted(named)}
    )


def assess_deal(
    store: GraphStore,
    deal_id: DealId,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> DealAssessment:
    """The deal's risk as of ``as_of`` (default: now), with the deal and the names to show.

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


def deal_risk(
    store: GraphStore,
    deal_id: DealId,
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> DealRisk:
    """The deal's risk, 0-100 with its factors, as of ``as_of`` (default: now).

    See :func:`assess_deal` for the errors.
    """
    return assess_deal(store, deal_id, as_of=as_of, params=params, seed=seed).risk


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


def assess_open_deals(
    store: GraphStore, snapshot: AccountSnapshot, *, params: AnalyticsParams, seed: int = 0
) -> tuple[DealAssessment, ...]:
    """:func:`assess` for every deal of ``snapshot``'s account open at its instant."""
    out = [
        assess(store, snapshot, DealId(d.id), params=params, seed=seed)
        for d in snapshot.graph.deals
        if d.account_id == snapshot.account_id and not d.stage.is_closed
    ]
    return tuple(sorted(out, key=lambda a: (-a.risk.score, a.deal.id)))


def what_if_deal(
    store: GraphStore,
    deal_id: DealId,
    edits: Sequence[Edit],
    *,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> WhatIf:
    """The deal's risk before and after ``edits``, as of ``as_of`` (default: now).

    Raises
    ------
    NotFoundError
        No such deal, or an edit names something that is not there.
    InvalidError
        No edits, or the deal did not exist yet at ``as_of``.
    """
    p = params or AnalyticsParams()
    at = instant(as_of)
    view = store.get_deal(deal_id)
    snapshot = read_account(store, view.deal.account_id, at=at, params=p, seed=seed)
    deal = _deal_at(snapshot, deal_id)
    return what_if(
        snapshot.graph,
        deal_id,
        edits,
        as_of=at,
        history=history_until(view, at, deal),
        changes=snapshot.changes.for_deal(deal_id),
        params=p.risk,
        seed=seed,
    )
