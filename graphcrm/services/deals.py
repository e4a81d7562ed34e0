"""An account read from the store as of one instant, for the deals' win probabilities,
risks and what-ifs (:mod:`graphcrm.services.winprob`, :mod:`graphcrm.services.risk`).

A deal's features need three readings of the store (``docs/scoring.md`` §4a):

1. the account's stakeholder graph as of the instant ``at``;
2. the deal's stage and close-date history (``store.get_deal``; the portfolio
   reads those of a chunk's open deals with one ``store.get_deals``), cut at ``at``;
3. the stakeholder changes of the churn window, from a second, lighter graph
   reading at ``at - RiskParams.churn_window_days``: only the buying
   committees (``stakeholder_graphs(..., committee_only=True)``: contacts,
   reporting lines, deals and seats; :mod:`graphcrm.services.changes`
   explains why this and not the change log). Seats closed by a departure in
   the window are put back, so a departed champion is seen as such.

Reading 1 and 3 happen once per account and are shared by all its deals
(:func:`graphcrm.services.risk.open_deal_risks`,
:func:`graphcrm.services.portfolio.score_portfolio`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from graphcrm.analytics import ContactScores, StakeholderNetwork, score_contacts
from graphcrm.domain import AccountId, Deal, DealView, StakeholderGraph
from graphcrm.services.changes import AccountChanges, account_changes, with_departed_seats
from graphcrm.services.network import account_network
from graphcrm.services.params import AnalyticsParams
from graphcrm.store.port import GraphStore


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """One account read for its deals: graph, recent changes, network and scores."""

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
