"""The one path from a stakeholder-graph read to the network the use cases score and show."""

from __future__ import annotations

from datetime import datetime

from graphcrm.analytics import StakeholderNetwork, build_network, with_inferred
from graphcrm.domain import StakeholderGraph
from graphcrm.services.params import AnalyticsParams


def account_network(
    sg: StakeholderGraph, *, at: datetime, params: AnalyticsParams
) -> StakeholderNetwork:
    """``sg`` (as the store returned it, as of ``at``) with the inferred influence
    ties added (:func:`~graphcrm.analytics.with_inferred`,
    ``params.risk.scoring.inference``), built as of ``at``.

    Every use case that scores or draws an account goes through here (account
    scores, deal risk, the portfolio, warm paths, the pages), so scores, pages
    and API answers see the same ties. ``net.source`` holds the inferred ties
    (``source = inferred``); nothing here writes them back.
    """
    scoring = params.risk.scoring
    graph = with_inferred(sg, as_of=at, params=scoring.inference)
    return build_network(graph, as_of=at, params=scoring.graph)
