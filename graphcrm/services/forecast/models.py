"""The forecast's results and their limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Final, Literal, get_args

from pydantic import Field

from graphcrm.analytics.forecast import BEST_CASE_AT, COMMIT_AT, Category
from graphcrm.domain import Model, Stage, UtcDatetime
from graphcrm.services.winprob import ModelSummary

GroupBy = Literal["rep", "territory", "group", "quarter"]
GROUP_BYS: Final[tuple[GroupBy, ...]] = get_args(GroupBy)
SIMULATIONS: Final = 5000
MOVES_PER_WEEK: Final = 5
"""The deals listed per week of a trend: those whose expected value moved most."""
MAX_QUARTERS: Final = 8
MAX_TREND_WEEKS: Final = 53
"""The most weeks a trend covers (each week is a forecast of its own): ``weeks`` at most,
and the Mondays from the quarter's start to ``as_of`` without it (about a year)."""

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class ForecastDeal(Model):
    """One open deal of the forecast, as it stood at ``as_of``."""

    deal_id: str
    name: str
    account_id: str
    account_name: str
    territory: str | None
    group_id: str
    group_name: str
    owner_id: str | None
    owner_name: str | None
    stage: Stage
    expected_close: date
    quarter: str
    amount: Decimal
    """In the deal's own ``currency``."""
    currency: str
    converted: float
    """``amount`` in the forecast's currency."""
    probability: Probability
    category: Category
    expected: float
    """``converted × probability``."""
    row: str
    """The key of the row it counts in."""


class CategoryTotal(Model):
    category: Category
    deals: int
    amount: float
    expected: float


class ForecastRow(Model):
    """The figures of one rep, territory, account group or quarter (or of the total)."""

    key: str
    """Rep id, territory, group account id or quarter; empty for "none" (a deal
    without owner, an account without territory); ``*`` for the total."""
    label: str
    """Rep name, territory, group account name or quarter; empty for "none"."""
    deals: int
    pipeline: float
    """``Σ amount`` of its open deals."""
    expected: float
    """``Σ amount × P(win)``."""
    commit: float
    """``Σ amount`` of its commit deals (also in ``categories``)."""
    categories: tuple[CategoryTotal, ...]
    """Commit, best case, pipeline: deals, amount and expected value of each."""
    p10: float
    p50: float
    p90: float
    """Percentiles of the won amount of its open deals over the simulated outcomes."""
    won_deals: int
    won: float
    """``Σ amount`` of its deals already won, with the expected close in the quarter
    (the close date a CRM sets on closing)."""


class ForecastProblem(Model):
    """A deal left out of the forecast, and why."""

    deal_id: str
    account_id: str
    code: Literal["no_rate"]
    message: str
    """In English; pages show ``code``, ``amount`` and ``currency`` in their language."""
    amount: Decimal
    """The deal's amount, in its own ``currency``, left out of the forecast."""
    currency: str


class Forecast(Model):
    """The forecast of the quarter(s) as of ``as_of``."""

    as_of: UtcDatetime
    quarters: tuple[str, ...]
    by: GroupBy
    currency: str
    rates: dict[str, float]
    """One unit of each currency in ``currency``."""
    rates_as_of: date | None
    commit_at: float = COMMIT_AT
    best_case_at: float = BEST_CASE_AT
    simulations: int
    seed: int
    rows: tuple[ForecastRow, ...]
    """Highest expected value first (then key)."""
    total: ForecastRow
    deals: tuple[ForecastDeal, ...]
    """Highest expected value first (then deal id)."""
    problems: tuple[ForecastProblem, ...] = ()
    model: ModelSummary
    """The win-probability model the store had at ``as_of``."""


class MoveReason(StrEnum):
    """Why a deal's expected value moved from one week to the next."""

    CREATED = "created"
    """A new deal with its close in the quarter."""
    MOVED_IN = "moved_in"
    """Its expected close moved into the quarter (or it reopened)."""
    MOVED_OUT = "moved_out"
    """Its expected close moved out of the quarter."""
    WON = "won"
    LOST = "lost"
    PROBABILITY = "probability"
    """Its P(win) changed."""
    AMOUNT = "amount"
    """Its amount changed (its P(win) may have too)."""
    GONE = "gone"
    """No longer in the store, or its amount has no rate."""


class TrendMove(Model):
    """A deal whose expected value moved between two points of a trend."""

    deal_id: str
    name: str
    account_id: str
    converted: float
    """Its amount in the trend's currency (at the later point, else the earlier)."""
    probability_before: Probability | None
    """None: not in the forecast at the earlier point."""
    probability_after: Probability | None
    expected_before: float
    expected_after: float
    change: float
    reason: MoveReason


class TrendRow(Model):
    key: str
    label: str
    expected: float
    commit: float
    won: float


class TrendPoint(Model):
    """The forecast's totals as of one instant, and what moved since the point before."""

    as_of: UtcDatetime
    deals: int
    pipeline: float
    expected: float
    commit: float
    best_case: float
    p10: float
    p50: float
    p90: float
    won: float
    """Closed won by then, with the expected close in the quarter."""
    rows: tuple[TrendRow, ...]
    moves: tuple[TrendMove, ...] = ()
    """The deals whose expected value moved most since the previous point (at most
    :data:`MOVES_PER_WEEK`, largest change first); empty at the first point."""


class ForecastTrend(Model):
    """The forecast as of each week start of the quarter up to ``as_of``, then ``as_of``."""

    as_of: UtcDatetime
    quarters: tuple[str, ...]
    by: GroupBy
    currency: str
    rates_as_of: date | None
    points: tuple[TrendPoint, ...]
    problems: tuple[ForecastProblem, ...] = ()
    """Deals left out at any point (each once)."""
