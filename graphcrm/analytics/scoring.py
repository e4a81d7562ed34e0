"""All per-contact scores of a network in one call.

>>> from datetime import UTC, datetime
>>> from graphcrm.domain import Contact, StakeholderGraph
>>> sg = StakeholderGraph(as_of=datetime(2025, 1, 1, tzinfo=UTC), accounts=(),
...     contacts=(Contact(id="a", account_id="A", name="A"),), reports_to=(), influences=(),
...     deals=(), deal_roles=(), reps=(), rep_knows=(), engagement=(), contact_ties=(),
...     rep_ties=())
>>> s = score_contacts(build_network(sg))
>>> s.influence, s.health["a"].band.value
({'a': 1.0}, 'poor')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from graphcrm.analytics.centrality import (
    Method,
    authority_scores,
    brokerage,
    influence_rank,
    normalise_max,
)
from graphcrm.analytics.decision import decision_maker_score
from graphcrm.analytics.engagement import engagement_scores
from graphcrm.analytics.graph import StakeholderNetwork, build_network
from graphcrm.analytics.health import ContactHealth, relationship_health
from graphcrm.analytics.params import ScoringParams

__all__ = ["ContactScores", "brokerage_graph", "build_network", "health_scores", "score_contacts"]


@dataclass(frozen=True, slots=True)
class ContactScores:
    """Every deal-independent score of each active contact."""

    influence: Mapping[str, float]
    """PageRank over support ties in the direction influence flows (sums to 1)."""
    influence_norm: Mapping[str, float]
    """``influence / max(influence)``."""
    brokerage: Mapping[str, float]
    authority: Mapping[str, float]
    engagement: Mapping[str, float]
    health: Mapping[str, ContactHealth]
    decision_maker: Mapping[str, float]
    """Account-wide decision-maker score (roles on every open deal; a ranking, not a
    probability)."""


def brokerage_graph(net: StakeholderNetwork) -> nx.Graph[str]:
    """The undirected contact graph betweenness runs on (:attr:`StakeholderNetwork.ties`).

    An edge joins two active contacts tied by support, a reporting line or
    shared touchpoints. Opposition is not a channel and reps are left out
    (they would broker everything).
    """
    return net.ties


def health_scores(
    net: StakeholderNetwork, *, params: ScoringParams | None = None
) -> dict[str, float]:
    """Each active contact's health score (0-100) as of ``net.as_of``, nothing else.

    What a contact's trend compares with: pass the result for the network read
    ``trend_days`` earlier as :func:`score_contacts`' ``before``. Only engagement
    and rep ties enter (no PageRank, no betweenness).

    >>> from datetime import UTC, datetime
    >>> from graphcrm.domain import Contact, StakeholderGraph
    >>> sg = StakeholderGraph(as_of=datetime(2025, 1, 1, tzinfo=UTC), accounts=(),
    ...     contacts=(Contact(id="a", account_id="A", name="A"),), reports_to=(),
    ...     influences=(), deals=(), deal_roles=(), reps=(), rep_knows=(), engagement=(),
    ...     contact_ties=(), rep_ties=())
    >>> health_scores(build_network(sg))
    {'a': 0.0}
    """
    p = params or ScoringParams()
    engagement = engagement_scores(
        net.engagement, as_of=net.as_of, nodes=list(net.support), params=p.engagement
    )
    health = relationship_health(net.rep_ties, engagement, params=p.health)
    return {c: h.score for c, h in health.items()}


def score_contacts(
    net: StakeholderNetwork,
    *,
    params: ScoringParams | None = None,
    seed: int = 0,
    method: Method = "auto",
    before: Mapping[str, float] | None = None,
) -> ContactScores:
    """Influence, brokerage, authority, engagement, health and decision-maker score.

    ``seed`` seeds the betweenness sample on large graphs; ``method`` picks
    networkx or the sparse implementations (see :mod:`.centrality`). ``before``
    holds each contact's health ``trend_days`` earlier (:func:`health_scores`
    of the network read then), for the trends; without it they are None.
    """
    p = params or ScoringParams()
    influence = influence_rank(net.support, params=p.centrality, method=method)
    influence_norm = normalise_max(influence)
    broker = brokerage(brokerage_graph(net), params=p.centrality, seed=seed, method=method)
    authority = authority_scores(net.authority, params=p.authority)
    nodes = list(net.support)
    engagement = engagement_scores(
        net.engagement, as_of=net.as_of, nodes=nodes, params=p.engagement
    )
    health = relationship_health(net.rep_ties, engagement, before=before, params=p.health)
    dm = decision_maker_score(
        net, authority=authority, influence_norm=influence_norm, params=p.decision
    )
    return ContactScores(
        influence=influence,
        influence_norm=influence_norm,
        brokerage=broker,
        authority=authority,
        engagement=engagement,
        health=health,
        decision_maker=dm,
    )
