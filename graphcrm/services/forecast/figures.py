"""A forecast's figures from one reading, and :func:`forecast` itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from graphcrm.analytics.forecast import Category, categorize, simulate_won, won_percentiles
from graphcrm.config import Rates
from graphcrm.domain import Account, Deal
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant
from graphcrm.services.forecast.models import (
    GROUP_BYS,
    MAX_QUARTERS,
    SIMULATIONS,
    CategoryTotal,
    Forecast,
    ForecastDeal,
    ForecastProblem,
    ForecastRow,
    GroupBy,
)
from graphcrm.services.forecast.quarters import Quarter, quarter_span
from graphcrm.services.forecast.reading import _read_at, _read_scope, _Reading, _Scope
from graphcrm.services.params import AnalyticsParams
from graphcrm.store.port import GraphStore


@dataclass(frozen=True, slots=True)
class _Setup:
    quarters: tuple[Quarter, ...]
    by: GroupBy
    currency: str
    rates: Rates
    simulations: int
    seed: int
    params: AnalyticsParams

    def convert(self, deal: Deal) -> float | None:
        rate, own = self.rates.rate(deal.currency), self.rates.rate(self.currency)
        if rate is None or own is None:
            return None
        return round(float(deal.amount) * rate / own, 2)


@dataclass(frozen=True, slots=True)
class _Placed:
    """Where a deal counts: its account, group, owner's name, quarter and row."""

    account: Account
    group: Account
    owner_name: str | None
    quarter: str
    row: str
    label: str


def _place(setup: _Setup, scope: _Scope, deal: Deal, when: datetime) -> _Placed:
    account = scope.at(deal.account_id, when)
    group = scope.group(account)
    assert deal.expected_close is not None
    quarter = str(Quarter.of(deal.expected_close))
    owner = scope.reps.get(deal.owner_id) if deal.owner_id else None
    row, label = {
        "rep": (deal.owner_id or "", owner or deal.owner_id or ""),
        "territory": (account.territory or "", account.territory or ""),
        "group": (group.id, group.name),
        "quarter": (quarter, quarter),
    }[setup.by]
    return _Placed(account, group, owner, quarter, row, label)


def _no_rate(setup: _Setup, deal: Deal) -> ForecastProblem:
    return ForecastProblem(
        deal_id=deal.id,
        account_id=deal.account_id,
        code="no_rate",
        message=f"no exchange rate for {deal.currency} into {setup.currency}: "
        f"{deal.amount} {deal.currency} left out",
        amount=deal.amount,
        currency=deal.currency,
    )


def _deals(
    setup: _Setup, scope: _Scope, reading: _Reading
) -> tuple[list[ForecastDeal], dict[str, _Row], list[ForecastProblem]]:
    """The forecast's open deals, highest expected value first; every row's key with its
    label and won deals; the deals left out."""
    deals, problems = [], []
    rows: dict[str, _Row] = {}
    for w in reading.wins:
        d = w.deal
        converted = setup.convert(d)
        if converted is None:
            problems.append(_no_rate(setup, d))
            continue
        at = _place(setup, scope, d, reading.at)
        rows.setdefault(at.row, _Row(at.label))
        assert d.expected_close is not None
        deals.append(
            ForecastDeal(
                deal_id=d.id,
                name=d.name,
                account_id=d.account_id,
                account_name=at.account.name,
                territory=at.account.territory,
                group_id=at.group.id,
                group_name=at.group.name,
                owner_id=d.owner_id,
                owner_name=at.owner_name,
                stage=d.stage,
                expected_close=d.expected_close,
                quarter=at.quarter,
                amount=d.amount,
                currency=d.currency,
                converted=converted,
                probability=w.probability,
                category=categorize(w.probability),
                expected=converted * w.probability,
                row=at.row,
            )
        )
    for d in reading.won:
        converted = setup.convert(d)
        if converted is None:
            problems.append(_no_rate(setup, d))
            continue
        at = _place(setup, scope, d, reading.at)
        row = rows.setdefault(at.row, _Row(at.label))
        row.won.append(converted)
    deals.sort(key=lambda x: (-x.expected, x.deal_id))
    return deals, rows, problems


@dataclass(slots=True)
class _Row:
    label: str
    won: list[float] = field(default_factory=list)


def _row(
    key: str, label: str, deals: Sequence[ForecastDeal], won: Sequence[float], pct: np.ndarray
) -> ForecastRow:
    """A row's figures; ``pct`` its P10, P50 and P90."""
    categories = tuple(
        CategoryTotal(
            category=c,
            deals=sum(1 for d in deals if d.category is c),
            amount=sum(d.converted for d in deals if d.category is c),
            expected=sum(d.expected for d in deals if d.category is c),
        )
        for c in Category
    )
    return ForecastRow(
        key=key,
        label=label,
        deals=len(deals),
        pipeline=sum(d.converted for d in deals),
        expected=sum(d.expected for d in deals),
        commit=categories[0].amount,
        categories=categories,
        p10=float(pct[0]),
        p50=float(pct[1]),
        p90=float(pct[2]),
        won_deals=len(won),
        won=sum(won),
    )


def _rows(
    setup: _Setup, deals: Sequence[ForecastDeal], placed: dict[str, _Row]
) -> tuple[tuple[ForecastRow, ...], ForecastRow]:
    keys = sorted(placed)
    index = {k: i for i, k in enumerate(keys)}
    ordered = sorted(deals, key=lambda d: d.deal_id)  # the simulation's draw order
    won = simulate_won(
        [d.probability for d in ordered],
        [d.converted for d in ordered],
        [index[d.row] for d in ordered],
        n_groups=max(1, len(keys)),
        simulations=setup.simulations,
        seed=setup.seed,
    )
    per_row = won_percentiles(won)
    total_pct = won_percentiles(won.sum(axis=1, keepdims=True))[:, 0]
    members: dict[str, list[ForecastDeal]] = defaultdict(list)
    for d in deals:
        members[d.row].append(d)
    rows = [_row(k, placed[k].label, members[k], placed[k].won, per_row[:, index[k]]) for k in keys]
    rows.sort(key=lambda r: (-r.expected, -r.won, r.key))
    every_won = [x for k in keys for x in placed[k].won]
    total = _row("*", "", deals, every_won, total_pct)
    return tuple(rows), total


def _setup(
    *,
    at: datetime,
    quarter: Quarter | str | None,
    quarters: int,
    by: str,
    currency: str | None,
    rates: Rates,
    simulations: int,
    seed: int,
    params: AnalyticsParams | None,
) -> _Setup:
    problems = []
    if by not in GROUP_BYS:
        problems.append(Problem("by", "", f"one of {', '.join(GROUP_BYS)}, got {by!r}"))
    if not 1 <= quarters <= MAX_QUARTERS:
        problems.append(Problem("quarters", "", f"from 1 to {MAX_QUARTERS}, got {quarters}"))
    if not 1 <= simulations <= 100_000:
        problems.append(Problem("simulations", "", f"from 1 to 100000, got {simulations}"))
    target = currency or rates.currency
    if rates.rate(target) is None:
        problems.append(Problem("currency", "", f"no exchange rate for {target!r}"))
    if problems:
        raise InvalidError(problems)
    first = (
        Quarter.of(at.date())
        if quarter is None
        else quarter
        if isinstance(quarter, Quarter)
        else Quarter.parse(quarter)
    )
    return _Setup(
        quarters=quarter_span(first, quarters),
        by=by,  # type: ignore[arg-type]  # checked above
        currency=target,
        rates=rates,
        simulations=simulations,
        seed=seed,
        params=params or AnalyticsParams(),
    )


def _build(setup: _Setup, scope: _Scope, reading: _Reading) -> Forecast:
    deals, placed, problems = _deals(setup, scope, reading)
    rows, total = _rows(setup, deals, placed)
    rates = {
        c: r for c in sorted({setup.currency, *setup.rates.per_unit}) if (r := _cross(setup, c))
    }
    return Forecast(
        as_of=reading.at,
        quarters=tuple(str(q) for q in setup.quarters),
        by=setup.by,
        currency=setup.currency,
        rates=rates,
        rates_as_of=setup.rates.as_of,
        simulations=setup.simulations,
        seed=setup.seed,
        rows=rows,
        total=total,
        deals=tuple(deals),
        problems=tuple(problems),
        model=reading.card_summary,
    )


def _cross(setup: _Setup, currency: str) -> float | None:
    rate, own = setup.rates.rate(currency), setup.rates.rate(setup.currency)
    return None if rate is None or own is None else rate / own


def forecast(
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
    params: AnalyticsParams | None = None,
) -> Forecast:
    """The forecast of ``quarter`` (and the ``quarters - 1`` after it) as of ``as_of``.

    Parameters
    ----------
    as_of
        The instant the store is read as of (default: now).
    quarter
        ``"2026-Q1"`` or a :class:`Quarter`; default: the quarter of ``as_of``.
    quarters
        How many consecutive quarters from ``quarter`` (1 to :data:`MAX_QUARTERS`).
    by
        The rows: ``rep`` (the deal's owner), ``territory`` (its account's),
        ``group`` (its account group) or ``quarter`` (of its expected close).
    territories
        Only accounts in these territories (None: every account).
    currency, rates
        The report currency (default: ``rates.currency``) and the exchange
        rates (default: none, so only deals in the report currency count).
    simulations, seed
        Of the P10/P50/P90 simulation.

    Raises
    ------
    InvalidError
        A bad ``quarter``, ``by``, ``quarters`` or ``simulations``, or no rate
        for ``currency``.
    """
    at = instant(as_of)
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
    reading = _read_at(scope, at, frozenset(setup.quarters), setup.params, seed)
    return _build(setup, scope, reading)
