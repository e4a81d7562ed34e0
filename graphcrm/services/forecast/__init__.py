"""The quarter's forecast from per-deal win probabilities (``docs/scoring.md`` §4b).

:func:`forecast` answers, as of an instant ``as_of``: which deals are open
then with an expected close (as it stood then) in the quarter, what each is
worth in the report currency, its P(win) (:func:`graphcrm.services.winprob.win_of`,
under the model the store had then), its category
(:func:`graphcrm.analytics.forecast.categorize`), and per row (rep,
territory, account group or quarter) and in total: deal count, pipeline,
expected value ``Σ amount × P(win)``, the amounts per category and the
P10/P50/P90 of the won amount from a seeded simulation
(:func:`graphcrm.analytics.forecast.simulate_won`).

:func:`forecast_trend` gives the same figures as of each week start of the
quarter up to ``as_of``, and per week the deals whose expected value moved
most, with why.

Reads
    Accounts in scope (all, or those of ``territories``) and their deals are
    listed once per call, and each deal's stage and close-date history read
    together (``store.get_deals``). Per instant, those histories tell which deals
    are open then with a close in the quarter (:func:`deal_at`, the store's
    own as-of rule), so only the accounts holding one are read, in full and
    as of the instant, :data:`CHUNK` at a time, and scored
    (:func:`graphcrm.services.deals.read_account`, once per account and
    instant, shared by its deals); that reading decides what counts.

Account group
    The farthest ancestor of the account (``store.account_ancestors``) that
    is in scope; the account itself when none is. A group's root in a
    territory the caller may not see never appears.
"""

from graphcrm.services.forecast.figures import forecast
from graphcrm.services.forecast.models import (
    GROUP_BYS,
    MAX_QUARTERS,
    MAX_TREND_WEEKS,
    MOVES_PER_WEEK,
    SIMULATIONS,
    CategoryTotal,
    Forecast,
    ForecastDeal,
    ForecastProblem,
    ForecastRow,
    ForecastTrend,
    GroupBy,
    MoveReason,
    TrendMove,
    TrendPoint,
    TrendRow,
)
from graphcrm.services.forecast.quarters import Quarter, quarter_span, trend_instants
from graphcrm.services.forecast.reading import CHUNK, deal_at, expected_close_at
from graphcrm.services.forecast.trend import forecast_trend

__all__ = [
    "CHUNK",
    "GROUP_BYS",
    "MAX_QUARTERS",
    "MAX_TREND_WEEKS",
    "MOVES_PER_WEEK",
    "SIMULATIONS",
    "CategoryTotal",
    "Forecast",
    "ForecastDeal",
    "ForecastProblem",
    "ForecastRow",
    "ForecastTrend",
    "GroupBy",
    "MoveReason",
    "Quarter",
    "TrendMove",
    "TrendPoint",
    "TrendRow",
    "deal_at",
    "expected_close_at",
    "forecast",
    "forecast_trend",
    "quarter_span",
    "trend_instants",
]
