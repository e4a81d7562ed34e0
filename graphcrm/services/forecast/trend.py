"""The forecast week by week: :func:`forecast_trend`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from graphcrm.analytics.forecast import Category
from graphcrm.config import Rates
from graphcrm.domain import Stage
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant
from graphcrm.services.forecast.figures import _build, _Setup, _setup
from graphcrm.services.forecast.models import (
    MAX_TREND_WEEKS,
    MOVES_PER_WEEK,
    SIMULATIONS,
    Forecast,
    ForecastDeal,
    ForecastProblem,
    ForecastTrend,
    GroupBy,
    MoveReason,
    TrendMove,
    TrendPoint,
    TrendRow,
)
from graphcrm.services.forecast.quarters import Quarter, trend_instants
from graphcrm.services.forecast.reading import _read_at, _read_scope, _Reading
from graphcrm.services.params import AnalyticsParams
from graphcrm.store.port import GraphStore


def _moves(
    setup: _Setup,
    before: _Reading,
    after: _Reading,
    old: dict[str, ForecastDeal],
    new: dict[str, ForecastDeal],
) -> tuple[TrendMove, ...]:
    moves = []
    for deal_id in sorted(old.keys() | new.keys()):
        b, a = old.get(deal_id), new.get(deal_id)
        ev_b, ev_a = (b.expected if b else 0.0), (a.expected if a else 0.0)
        if abs(ev_a - ev_b) < 0.005:
            continue
        if a is not None and b is not None:
            reason = MoveReason.AMOUNT if a.converted != b.converted else MoveReason.PROBABILITY
        elif a is not None:
            reason = MoveReason.MOVED_IN if deal_id in before.states else MoveReason.CREATED
        else:
            state = after.states.get(deal_id)
            if state is None or setup.convert(state) is None:
                reason = MoveReason.GONE
            elif state.stage is Stage.CLOSED_WON:
                reason = MoveReason.WON
            elif state.stage is Stage.CLOSED_LOST:
                reason = MoveReason.LOST
            else:
                reason = MoveReason.MOVED_OUT
        some = a or b
        assert some is not None
        moves.append(
            TrendMove(
                deal_id=deal_id,
                name=some.name,
                account_id=some.account_id,
                converted=some.converted,
                probability_before=b.probability if b else None,
                probability_after=a.probability if a else None,
                expected_before=ev_b,
                expected_after=ev_a,
                change=ev_a - ev_b,
                reason=reason,
            )
        )
    moves.sort(key=lambda m: (-abs(m.change), m.deal_id))
    return tuple(moves[:MOVES_PER_WEEK])


def _point(t: datetime, f: Forecast, moves: tuple[TrendMove, ...]) -> TrendPoint:
    """The trend's point at ``t`` from the forecast as of ``t``."""
    best = next(c for c in f.total.categories if c.category is Category.BEST_CASE)
    return TrendPoint(
        as_of=t,
        deals=f.total.deals,
        pipeline=f.total.pipeline,
        expected=f.total.expected,
        commit=f.total.commit,
        best_case=best.amount,
        p10=f.total.p10,
        p50=f.total.p50,
        p90=f.total.p90,
        won=f.total.won,
        rows=tuple(
            TrendRow(key=r.key, label=r.label, expected=r.expected, commit=r.commit, won=r.won)
            for r in f.rows
        ),
        moves=moves,
    )


def forecast_trend(
    store: GraphStore,
    *,
    as_of: datetime | None = None,
    quarter: Quarter | str | None = None,
    quarters: int = 1,
    by: GroupBy = "rep",
    territories: Iterable[str] | None = None,
    currency: str | None = None,
    rates: Rates | None = None,
    simulations: int = SIMULATIONS,
    seed: int = 0,
    weeks: int | None = None,
    params: AnalyticsParams | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ForecastTrend:
    """The forecast's totals (and each row's expected value and commit) as of each of
    :func:`trend_instants`, and per point the deals whose expected value moved most
    since the point before, with their P(win) before and after.

    The parameters are :func:`forecast`'s; ``weeks`` (1 to 53) takes the last
    ``weeks`` Mondays before ``as_of`` instead of the quarter's weeks;
    ``progress(done, total)`` is called after each point. Each point reads the
    accounts holding a deal of the forecast then, once.
    """
    at = instant(as_of)
    if weeks is not None and not 1 <= weeks <= MAX_TREND_WEEKS:
        raise InvalidError([Problem("weeks", "", f"from 1 to {MAX_TREND_WEEKS}, got {weeks}")])
    setup = _setup(
        at=at,
        quarter=quarter,
        quarters=quarters,
        by=by,
        currency=currency,
        rates=rates or Rates(),
        simulations=simulations,
        seed=seed,
        params=params,
    )
    scope = _read_scope(store, territories)
    instants = trend_instants(setup.quarters[0], at, weeks)
    if len(instants) > MAX_TREND_WEEKS + 2:  # the quarter's start, the Mondays, as_of
        raise InvalidError(
            [
                Problem(
                    "quarter",
                    "",
                    f"{setup.quarters[0]} is before the start of the {MAX_TREND_WEEKS} weeks "
                    f"a trend may cover up to as_of (it would span {len(instants) - 2}): "
                    "give a later quarter, an earlier as_of, or weeks",
                )
            ]
        )
    points: list[TrendPoint] = []
    problems: dict[str, ForecastProblem] = {}
    previous: tuple[_Reading, dict[str, ForecastDeal]] | None = None
    for i, t in enumerate(instants):
        reading = _read_at(scope, t, frozenset(setup.quarters), setup.params, seed)
        f = _build(setup, scope, reading)
        problems.update((p.deal_id, p) for p in f.problems)
        current = {d.deal_id: d for d in f.deals}
        moves = _moves(setup, previous[0], reading, previous[1], current) if previous else ()
        points.append(_point(t, f, moves))
        previous = (reading, current)
        if progress is not None:
            progress(i + 1, len(instants))
    return ForecastTrend(
        as_of=at,
        quarters=tuple(str(q) for q in setup.quarters),
        by=setup.by,
        currency=setup.currency,
        rates_as_of=setup.rates.as_of,
        points=tuple(points),
        problems=tuple(problems[k] for k in sorted(problems)),
    )
