"""Pure analytics over the stakeholder graph: networkx in, scores and explanations out.

Imports networkx, numpy, scipy and :mod:`graphcrm.domain` only; never a
store, a driver or web code. Typical use::

    net = build_network(store.stakeholder_graph(account_id, as_of=t), as_of=t)
    scores = score_contacts(net)
    risk = deal_risk(net, deal_id, model=card.model, scores=scores, history=store.get_deal(deal_id))

Formulas, weights and thresholds: ``docs/scoring.md``.
"""

from graphcrm.analytics.centrality import (
    authority_scores,
    brokerage,
    influence_rank,
    normalise_max,
    reporting_levels,
)
from graphcrm.analytics.decision import (
    account_champion_strength,
    champion_strength,
    decision_maker_score,
    relative_influence,
)
from graphcrm.analytics.engagement import EngagementParts, engagement_parts, engagement_scores
from graphcrm.analytics.followup import FollowUp, FollowUpKind, follow_ups
from graphcrm.analytics.graph import StakeholderNetwork, build_network
from graphcrm.analytics.health import (
    AccountHealth,
    AccountHealthRollup,
    ContactHealth,
    ExecutiveTie,
    HealthBand,
    Trend,
    account_band_of,
    account_health,
    band_of,
    health_score,
    relationship_health,
    rollup_account_health,
    score_trend,
    trend_of,
)
from graphcrm.analytics.hidden import HiddenInfluencer, hidden_influencers, percentiles
from graphcrm.analytics.inferred import co_attendance_strength, infer_influences, with_inferred
from graphcrm.analytics.params import (
    AuthorityParams,
    CadenceParams,
    CentralityParams,
    DecisionParams,
    EngagementParams,
    GraphParams,
    HealthParams,
    HiddenParams,
    InferenceParams,
    PathParams,
    RiskParams,
    ScoringParams,
)
from graphcrm.analytics.paths import (
    SinglePointsOfFailure,
    WarmPath,
    single_points_of_failure,
    warm_paths,
)
from graphcrm.analytics.risk import DealRisk, RiskFactor, deal_risk, risk_of
from graphcrm.analytics.scoring import (
    ContactScores,
    brokerage_graph,
    health_scores,
    score_contacts,
)
from graphcrm.analytics.signals import (
    ChangeKind,
    EdgeRef,
    Evidence,
    RiskSignal,
    SignalCode,
    StakeholderChange,
    deal_signals,
)
from graphcrm.analytics.whatif import (
    AddInfluence,
    AddRepKnows,
    Edit,
    FactorDelta,
    RemoveContact,
    RemoveInfluence,
    RemoveRepKnows,
    WhatIf,
    apply_edits,
    what_if,
)

__all__ = [
    "AccountHealth",
    "AccountHealthRollup",
    "AddInfluence",
    "AddRepKnows",
    "AuthorityParams",
    "CadenceParams",
    "CentralityParams",
    "ChangeKind",
    "ContactHealth",
    "ContactScores",
    "DealRisk",
    "DecisionParams",
    "EdgeRef",
    "Edit",
    "EngagementParams",
    "EngagementParts",
    "Evidence",
    "ExecutiveTie",
    "FactorDelta",
    "FollowUp",
    "FollowUpKind",
    "GraphParams",
    "HealthBand",
    "HealthParams",
    "HiddenInfluencer",
    "HiddenParams",
    "InferenceParams",
    "PathParams",
    "RemoveContact",
    "RemoveInfluence",
    "RemoveRepKnows",
    "RiskFactor",
    "RiskParams",
    "RiskSignal",
    "ScoringParams",
    "SignalCode",
    "SinglePointsOfFailure",
    "StakeholderChange",
    "StakeholderNetwork",
    "Trend",
    "WarmPath",
    "WhatIf",
    "account_band_of",
    "account_champion_strength",
    "account_health",
    "apply_edits",
    "authority_scores",
    "band_of",
    "brokerage",
    "brokerage_graph",
    "build_network",
    "champion_strength",
    "co_attendance_strength",
    "deal_risk",
    "deal_signals",
    "decision_maker_score",
    "engagement_parts",
    "engagement_scores",
    "follow_ups",
    "health_score",
    "health_scores",
    "hidden_influencers",
    "infer_influences",
    "influence_rank",
    "normalise_max",
    "percentiles",
    "relationship_health",
    "relative_influence",
    "reporting_levels",
    "risk_of",
    "rollup_account_health",
    "score_contacts",
    "score_trend",
    "single_points_of_failure",
    "trend_of",
    "warm_paths",
    "what_if",
    "with_inferred",
]
