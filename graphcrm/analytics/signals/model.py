"""What the risk rules say: a signal's code, message and evidence; the stakeholder changes
they read; and the points of the old hand-weighted score (the benchmarks' reference only)."""

from __future__ import annotations

from enum import StrEnum

from graphcrm.domain import Model, UtcDatetime


class ChangeKind(StrEnum):
    DEPARTED = "departed"
    ROLE_CHANGED = "role_changed"
    MANAGER_CHANGED = "manager_changed"
    JOINED = "joined"


class StakeholderChange(Model):
    """A recent change to a stakeholder, for the churn and champion-left factors."""

    contact_id: str
    at: UtcDatetime
    kind: ChangeKind
    detail: str = ""


class SignalCode(StrEnum):
    NO_CHAMPION = "no_champion"
    CHAMPION_LEFT = "champion_left"
    WEAK_CHAMPION = "weak_champion"
    ECONOMIC_BUYER_UNKNOWN = "economic_buyer_unknown"
    ECONOMIC_BUYER_NOT_ENGAGED = "economic_buyer_not_engaged"
    ECONOMIC_BUYER_HOSTILE = "economic_buyer_hostile"
    CHAMPION_NO_PATH_TO_ECONOMIC_BUYER = "champion_no_path_to_economic_buyer"
    SINGLE_THREADED = "single_threaded"
    OPPONENT = "opponent"
    DECISION_MAKERS_UNCOVERED = "decision_makers_uncovered"
    STALE_ENGAGEMENT = "stale_engagement"
    STAKEHOLDER_CHURN = "stakeholder_churn"
    STAGE_REGRESSION = "stage_regression"
    CLOSE_DATE_SLIPPED = "close_date_slipped"
    GRIDLOCK = "gridlock"


class EdgeRef(Model):
    source: str
    target: str
    kind: str


class Evidence(Model):
    contact_ids: tuple[str, ...] = ()
    edges: tuple[EdgeRef, ...] = ()
    touchpoint_ids: tuple[str, ...] = ()


class RiskSignal(Model):
    """A rule that fired on a deal: what was seen, and who or what shows it."""

    code: SignalCode
    message: str
    evidence: Evidence = Evidence()


class WeightedSignal(RiskSignal):
    """A signal with its hand-set points (the benchmarks' reference score only)."""

    points: float


class HandWeightedRisk(Model):
    """The old hand-weighted score: ``min(100, Σ points)``, signals by points.

    A reference for the benchmarks; never shown in the product.
    """

    deal_id: str
    as_of: UtcDatetime
    score: float
    factors: tuple[WeightedSignal, ...]

    def points(self, code: SignalCode) -> float:
        """Points of one rule (0 when it did not fire)."""
        return sum(f.points for f in self.factors if f.code is code)
