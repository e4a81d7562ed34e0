"""The forecast (``docs/scoring.md`` §4b): deals open in a quarter, their expected value,
categories and range, and its trend week by week.

Territory-scoped like everything else: the forecast is computed on the store as
the key sees it (:class:`~api.scoped.ScopedStore`), over the accounts of the
key's territories only (or of the ``territory`` values asked for, each of
which must be one of them: another answers 404, as a missing one would).
Results are cached under ``portfolio``, which every write invalidates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from graphcrm.auth import Principal
from graphcrm.services.clock import instant
from graphcrm.services.forecast import MAX_QUARTERS, GroupBy, Quarter, forecast, forecast_trend

from ..deps import AppState, AsOfDep, ReaderDep, StateDep
from ..errors import NOT_FOUND, responses
from ..schemas import ForecastPublic, ForecastTrendPublic
from ..scoped import ScopedStore
from ..territory import territories_of
from ..writes import PORTFOLIO_TAG

router = APIRouter(prefix="/v1/forecast", tags=["forecast"])


async def get_quarter(
    quarter: Annotated[
        str | None,
        Query(
            description="The quarter by expected close, YYYY-Qn (default: the quarter of as_of).",
            examples=["2026-Q1"],
            max_length=16,
        ),
    ] = None,
) -> Quarter | None:
    return None if quarter is None else Quarter.parse(quarter, where="query", field="quarter")


QuarterDep = Annotated[Quarter | None, Depends(get_quarter)]
ByQuery = Annotated[
    GroupBy,
    Query(description="One row per rep (deal owner), territory, account group or quarter."),
]
QuartersQuery = Annotated[
    int, Query(ge=1, le=MAX_QUARTERS, description="Consecutive quarters from `quarter`.")
]
TerritoryQuery = Annotated[
    list[str] | None,
    Query(description="Only these territories (each one of the key's).", max_length=50),
]


def _key(territories: frozenset[str] | None) -> tuple[str, ...] | None:
    return None if territories is None else tuple(sorted(territories))


def _when(as_of: datetime | None) -> str | None:
    return as_of.isoformat() if as_of is not None else None


def _store(state: AppState, who: Principal) -> ScopedStore:
    return ScopedStore(state, who)


@router.get(
    "",
    summary="Forecast: expected value, categories and P10-P90 of a quarter's open deals",
    responses=responses(NOT_FOUND),
)
def get_forecast(
    state: StateDep,
    who: ReaderDep,
    as_of: AsOfDep,
    quarter: QuarterDep,
    by: ByQuery = "rep",
    quarters: QuartersQuery = 1,
    territory: TerritoryQuery = None,
) -> ForecastPublic:
    """The deals open at `as_of` whose expected close (as it stood then) falls in the
    quarter, each with its P(win) (`GET /v1/deals/{id}/win`), its amount converted at
    the configured rates (`GRAPHCRM_FX_*`; `rates_as_of` says when they were taken)
    and its category (commit: P >= 0.7, best case: P >= 0.4, else pipeline). Per row
    and in total: deal count, pipeline, expected value (Σ amount × P), the amount of
    each category, P10/P50/P90 of the won amount over 5,000 seeded simulations (each
    with a shock shared by all its deals: `docs/scoring.md` §4b), and the amount
    already won."""
    territories = territories_of(who, territory)
    at = instant(as_of)

    def compute() -> ForecastPublic:
        f = forecast(
            _store(state, who),
            as_of=at,
            quarter=quarter,
            quarters=quarters,
            by=by,
            territories=territories,
            rates=state.settings.rates(),
        )
        return ForecastPublic(
            as_of=f.as_of,
            quarters=list(f.quarters),
            by=f.by,
            currency=f.currency,
            rates=f.rates,
            rates_as_of=f.rates_as_of,
            commit_at=f.commit_at,
            best_case_at=f.best_case_at,
            simulations=f.simulations,
            seed=f.seed,
            model=f.model,
            total=f.total,
            data=list(f.rows),
            count=len(f.rows),
            deals=list(f.deals),
            problems=list(f.problems),
        )

    return state.cache.get_or_compute(
        ("forecast", _key(territories), str(quarter), quarters, by, _when(as_of)),
        {PORTFOLIO_TAG},
        compute,
        present=as_of is None,
        kind=ForecastPublic,
    )


@router.get(
    "/trend",
    summary="Forecast trend: the figures as of each week of the quarter, and what moved them",
    responses=responses(NOT_FOUND),
)
def get_forecast_trend(
    state: StateDep,
    who: ReaderDep,
    as_of: AsOfDep,
    quarter: QuarterDep,
    by: ByQuery = "rep",
    quarters: QuartersQuery = 1,
    territory: TerritoryQuery = None,
    weeks: Annotated[
        int | None,
        Query(ge=1, le=53, description="The last `weeks` weeks instead of the quarter's."),
    ] = None,
) -> ForecastTrendPublic:
    """The forecast read as of the quarter's start and each Monday since (00:00 UTC),
    up to `as_of`, then as of `as_of`: per point the totals (deals, pipeline, expected
    value, commit, best case, P10/P90, won) and each row's expected value and commit,
    and the deals whose expected value moved most since the point before (at most 5),
    with their P(win) before and after and why (won, lost, moved in or out of the
    quarter, created, probability, amount)."""
    territories = territories_of(who, territory)
    at = instant(as_of)

    def compute() -> ForecastTrendPublic:
        t = forecast_trend(
            _store(state, who),
            as_of=at,
            quarter=quarter,
            quarters=quarters,
            by=by,
            territories=territories,
            rates=state.settings.rates(),
            weeks=weeks,
        )
        return ForecastTrendPublic(
            as_of=t.as_of,
            quarters=list(t.quarters),
            by=t.by,
            currency=t.currency,
            rates_as_of=t.rates_as_of,
            data=list(t.points),
            count=len(t.points),
            problems=list(t.problems),
        )

    return state.cache.get_or_compute(
        ("forecast.trend", _key(territories), str(quarter), quarters, by, weeks, _when(as_of)),
        {PORTFOLIO_TAG},
        compute,
        present=as_of is None,
        kind=ForecastTrendPublic,
    )
