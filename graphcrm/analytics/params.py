"""Every weight and threshold of the analytics, in frozen pydantic models.

Each model has documented defaults; ``docs/scoring.md`` explains where each
one enters a formula. Pass a changed copy (``RiskParams(no_champion=30)``) to
any function that takes it; nothing in :mod:`graphcrm.analytics` reads a
global setting.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from graphcrm.domain import InfluenceKind, Model, Role, Stage

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Points = Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)]


class GraphParams(Model):
    """How stored ties become edge strengths in ``[0, 1]`` (see :mod:`.graph`)."""

    kind_weight: dict[InfluenceKind, Unit] = Field(
        default_factory=lambda: {
            InfluenceKind.ADVISES: 1.0,
            InfluenceKind.TRUSTS: 1.0,
            InfluenceKind.SPONSORS: 1.0,
        }
    )
    """Weight of each *positive* influence kind; ``opposes`` is never a support tie."""
    solid_line_strength: Unit = 0.6
    """Strength of a solid reporting line as a reach (introduction) tie."""
    dotted_line_strength: Unit = 0.3
    """Strength of a dotted reporting line as a reach tie."""
    touch_strength: Unit = 0.3
    """Each shared touchpoint closes this fraction of the gap to 1: ``1 - (1 - t)^shared``."""
    include_departed: bool = False
    """Keep contacts who left the company in the derived views (never in the defaults)."""

    @model_validator(mode="after")
    def _no_opposes_weight(self) -> GraphParams:
        if InfluenceKind.OPPOSES in self.kind_weight:
            raise ValueError("kind_weight must not weigh 'opposes': it is a negative tie")
        return self


class CentralityParams(Model):
    """PageRank and betweenness settings."""

    alpha: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.85
    """PageRank damping factor (the networkx default)."""
    tol: Positive = 1.0e-10
    """PageRank convergence: stop when the L1 change is below ``n * tol``."""
    max_iter: Annotated[int, Field(ge=1)] = 1000
    exact_betweenness_max_nodes: Annotated[int, Field(ge=3)] = 2000
    """Above this many nodes, betweenness is estimated from ``betweenness_samples`` sources."""
    betweenness_samples: Annotated[int, Field(ge=2)] = 256


class EngagementParams(Model):
    """Engagement from touchpoint aggregates (see :func:`.engagement.engagement_scores`)."""

    half_life_days: Positive = 30.0
    """Recency halves every this many days since the last touchpoint."""
    frequency_target: Positive = 8.0
    """Decayed answered touches in 90 days that count as fully frequent (about one every
    11 days)."""
    inbound_weight: Unit = 0.5
    """An inbound touchpoint counts this much of a two-way one; an outbound one (ours,
    unanswered) counts for nothing (see :mod:`.engagement`)."""
    frequency_weight: Unit = 0.4
    reciprocity_weight: Unit = 0.3
    sentiment_weight: Unit = 0.3

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> EngagementParams:
        total = self.frequency_weight + self.reciprocity_weight + self.sentiment_weight
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"quality weights must sum to 1, not {total}")
        return self


class HealthParams(Model):
    """Relationship health per contact and per account."""

    engagement_weight: Unit = 0.7
    tie_weight: Unit = 0.3
    """Health = 100 x (engagement_weight x engagement + tie_weight x best rep tie)."""
    good_from: Annotated[float, Field(ge=0.0, le=100.0)] = 60.0
    fair_from: Annotated[float, Field(ge=0.0, le=100.0)] = 40.0
    """A contact's bands (Fair or better is "healthy")."""
    account_good_from: Annotated[float, Field(ge=0.0, le=100.0)] = 75.0
    account_fair_from: Annotated[float, Field(ge=0.0, le=100.0)] = 40.0
    """An account's bands, chosen on seed 101's back-test (docs/scoring.md §3)."""
    trend_days: Annotated[int, Field(ge=1, le=365)] = 30
    """A contact's trend compares its health now with its health this many days earlier."""
    trend_points: Annotated[float, Field(ge=0.0, le=100.0)] = 1.0
    """A contact's health moving by at most this many points over ``trend_days`` is steady."""
    account_trend_points: Annotated[float, Field(ge=0.0, le=100.0)] = 5.0
    """An account's health moving by at most this many points between two dates is steady."""
    top_decision_makers: Annotated[int, Field(ge=1)] = 3
    """How many contacts, by decision-maker score, count as the top decision makers."""
    executive_tie_min: Unit = 0.5
    """A rep tie at least this strong to a healthy executive counts as executive access."""
    coverage_weight: Unit = 0.5
    multithreading_weight: Unit = 0.25
    executive_weight: Unit = 0.25
    multithreading_target: Annotated[int, Field(ge=1)] = 3
    """This many healthy threads to the decision makers count as fully multithreaded."""

    @model_validator(mode="after")
    def _consistent(self) -> HealthParams:
        if self.fair_from > self.good_from:
            raise ValueError("fair_from must not exceed good_from")
        if self.account_fair_from > self.account_good_from:
            raise ValueError("account_fair_from must not exceed account_good_from")
        if abs(self.engagement_weight + self.tie_weight - 1.0) > 1e-9:
            raise ValueError("engagement_weight + tie_weight must be 1")
        total = self.coverage_weight + self.multithreading_weight + self.executive_weight
        if abs(total - 1.0) > 1e-9:
            raise ValueError("account health weights must sum to 1")
        return self


def _default_role_scores() -> dict[Role, Unit]:
    return {
        Role.ECONOMIC_BUYER: 1.0,
        Role.DECISION_MAKER: 1.0,
        Role.EXECUTIVE_SPONSOR: 0.7,
        Role.TECHNICAL_BUYER: 0.4,
        Role.INFLUENCER: 0.3,
        Role.CHAMPION: 0.3,
        Role.BLOCKER: 0.3,
        Role.LEGAL_AND_COMPLIANCE: 0.3,
        Role.EVALUATOR: 0.2,
        Role.BUSINESS_USER: 0.1,
        Role.OTHER: 0.0,
    }


class DecisionParams(Model):
    """Decision-maker score = role x w_role + authority x w_auth + influence x w_infl (a
    ranking in [0, 1], not a probability)."""

    role_score: dict[Role, Unit] = Field(default_factory=_default_role_scores)
    role_weight: Unit = 0.4
    authority_weight: Unit = 0.35
    influence_weight: Unit = 0.25

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> DecisionParams:
        total = self.role_weight + self.authority_weight + self.influence_weight
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"decision weights must sum to 1, not {total}")
        return self


class AuthorityParams(Model):
    """Authority = level_weight / (1 + depth) + (1 - level_weight) x span / max span."""

    level_weight: Unit = 0.5


class InferenceParams(Model):
    """Influence ties inferred at read time (see :mod:`.inferred`, ``docs/scoring.md`` §1a).

    Co-attendance: ``co_attendance_strength x (1 - exp(-shared / saturation)) x
    2^(-age_days / half_life_days)``, a ``trusts`` tie each way; a reporting
    line in force: ``manager -> report`` ``advises`` at the line's strength. A
    tie weaker than ``min_strength`` is not inferred.
    """

    enabled: bool = True
    """Switch: ``False`` infers nothing (the graph is scored as the CRM gave it)."""
    scope: Literal["account", "pair"] = "account"
    """``account``: infer only in accounts with no influence tie in force at the read
    (what a CRM import gives); ``pair``: for every pair and direction without one."""
    co_attendance_strength: Unit = 0.5
    """The strength many recent shared touchpoints approach."""
    saturation: Positive = 3.0
    """``k``: shared touchpoints that close 63 % (``1 - 1/e``) of the gap to the ceiling."""
    half_life_days: Positive = 180.0
    """A co-attendance tie halves every this many days since the last shared touchpoint."""
    solid_line_strength: Unit = 0.3
    """A solid reporting line in force: the manager advises the report this strongly."""
    dotted_line_strength: Unit = 0.15
    """... a dotted one."""
    min_strength: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = 0.05
    """Below this, no tie is inferred (so never one from nothing)."""


class ScoringParams(Model):
    """Everything :func:`~graphcrm.analytics.score_contacts` needs."""

    graph: GraphParams = GraphParams()
    inference: InferenceParams = InferenceParams()
    """Read by the services (and what-if) before :func:`.build_network`, not by
    :func:`~graphcrm.analytics.score_contacts` itself."""
    centrality: CentralityParams = CentralityParams()
    authority: AuthorityParams = AuthorityParams()
    engagement: EngagementParams = EngagementParams()
    health: HealthParams = HealthParams()
    decision: DecisionParams = DecisionParams()


def _default_stage_norms() -> dict[Stage, Positive]:
    return {
        Stage.PROSPECTING: 21.0,
        Stage.NEEDS_ANALYSIS: 14.0,
        Stage.PROPOSAL: 10.0,
        Stage.PRESENTATION: 10.0,
        Stage.NEGOTIATION: 7.0,
        Stage.DECISION: 7.0,
        Stage.CLOSING: 5.0,
    }


def _default_role_factors() -> dict[Role, Positive]:
    return {
        Role.CHAMPION: 0.5,
        Role.ECONOMIC_BUYER: 0.75,
        Role.DECISION_MAKER: 0.75,
        Role.EXECUTIVE_SPONSOR: 1.0,
    }


class CadenceParams(Model):
    """How often each deal stage and committee role should be touched.

    A contact's follow-up threshold on a deal is ``stage_norm_days[stage] x
    role_factor[role]`` (the smallest factor over their roles; ``default_role_factor``
    for roles not listed); across deals the smallest threshold wins.
    """

    stage_norm_days: dict[Stage, Positive] = Field(default_factory=_default_stage_norms)
    role_factor: dict[Role, Positive] = Field(default_factory=_default_role_factors)
    default_role_factor: Positive = 1.5

    @model_validator(mode="after")
    def _every_open_stage(self) -> CadenceParams:
        missing = [s.value for s in Stage if not s.is_closed and s not in self.stage_norm_days]
        if missing:
            raise ValueError(f"stage_norm_days lacks {', '.join(missing)}")
        return self


class RiskParams(Model):
    """The risk signals' thresholds and who counts as a champion (``docs/scoring.md`` §4).

    The points (``no_champion``, ``champion_left``, ...) are those of the old
    hand-weighted score, kept as the benchmarks' reference point only
    (:func:`graphcrm.analytics.signals.hand_weighted_risk`); the product's risk is
    ``100 × (1 - P(win))`` of the win model and uses none of them.
    """

    scoring: ScoringParams = ScoringParams()
    cadence: CadenceParams = CadenceParams()
    # champion
    no_champion: Points = 25.0
    champion_left: Points = 30.0
    weak_champion: Points = 15.0
    weak_champion_below: Unit = 0.10
    """Champion strength (stance/2 x min(1, PageRank / mean) x engagement) below this is
    weak: a +2 champion of at least average influence engaged under 0.10."""
    champion_min_stance: Annotated[int, Field(ge=0, le=2)] = 1
    """Champions: the champion role with at least this stance (a neutral champion is none)."""
    champion_stance_without_role: Annotated[int, Field(ge=1, le=2)] | None = None
    """... or at least this stance without the role (``None``: the role is required)."""
    # economic buyer
    economic_buyer_unknown: Points = 20.0
    economic_buyer_not_engaged: Points = 15.0
    economic_buyer_hostile: Points = 30.0
    """An active economic buyer with a stance <= -1 (replaces ``economic_buyer_not_engaged``)."""
    champion_no_path_to_economic_buyer: Points = 10.0
    # threading and coverage
    single_threaded: Points = 15.0
    single_threaded_share: Unit = 0.7
    """One contact holding at least this share of the committee's 90-day touches."""
    opponent: Points = 20.0
    opponent_influence_percentile: Unit = 0.5
    """Influence percentile in the account at or above which an opponent is high-influence."""
    decision_makers_uncovered: Points = 15.0
    """Scaled by the share of the top decision makers who are uncovered."""
    stale_engagement: Points = 20.0
    """Scaled: ``points x min(1, days / stale_after_days - 1)`` once days exceed it."""
    stale_after_days: Positive = 30.0
    """Silence (days since the scope's last touchpoint) after which engagement is stale."""
    stakeholder_churn: Points = 15.0
    churn_points_each: Points = 5.0
    churn_window_days: Positive = 90.0
    stage_regression: Points = 15.0
    """A backwards move in the window the deal has not recovered from (see docs/scoring.md)."""
    close_date_slipped: Points = 10.0
    close_slip_points_each: Points = 5.0
    history_window_days: Positive = 90.0
    gridlock: Points = 10.0
    gridlock_min_committee: Annotated[int, Field(ge=2)] = 6
    gridlock_min_opposing: Annotated[int, Field(ge=1)] = 1


class PathParams(Model):
    """Warm-introduction paths."""

    max_k: Annotated[int, Field(ge=1)] = 10
    """The largest ``k`` accepted (Yen's algorithm is costly for many paths)."""
    min_strength: Unit = 0.0
    """Paths weaker than this are dropped."""


class HiddenParams(Model):
    """Hidden influencers: influence percentile minus formal percentile."""

    min_gap: Unit = 0.4
    min_influence_percentile: Unit = 0.5
