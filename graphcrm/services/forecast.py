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
    once (``store.get_deal``). Per instant, those histories tell which deals
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

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Annotated, Final, Literal, TypeVar, get_args

import numpy as np
from pydantic import Field

from graphcrm.analytics.forecast import (
    BEST_CASE_AT,
    COMMIT_AT,
    Category,
    categorize,
    simulate_won,
    won_percentiles,
)
from graphcrm.config import Rates
from graphcrm.domain import (
    Account,
    AccountId,
    Deal,
    DealId,
    DealView,
    Model,
    Stage,
    TerritorySpan,
    UtcDatetime,
)
from graphcrm.domain.views import every_item
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant
from graphcrm.services.deals import churn_window_start, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.training import current_card
from graphcrm.services.winprob import ModelSummary, summary, win_of
from graphcrm.store.intervals import territories_at
from graphcrm.store.port import GraphStore

GroupBy = Literal["rep", "territory", "group", "quarter"]
GROUP_BYS: Final[tuple[GroupBy, ...]] = get_args(GroupBy)
CHUNK: Final = 16
"""Accounts per graph read."""
SIMULATIONS: Final = 5000
MOVES_PER_WEEK: Final = 5
"""The deals listed per week of a trend: those whose expected value moved most."""
MAX_QUARTERS: Final = 8
MAX_TREND_WEEKS: Final = 53
"""The most weeks a trend covers (each week is a forecast of its own): ``weeks`` at most,
and the Mondays from the quarter's start to ``as_of`` without it (about a year)."""

T = TypeVar("T")
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


# --- quarters -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter, ``2026-Q1`` (January to March)."""

    year: int
    q: int

    @classmethod
    def parse(cls, text: str, *, where: str = "quarter", field: str = "") -> Quarter:
        """``YYYY-Qn``; raises :class:`InvalidError` naming ``where.field`` otherwise.

        >>> Quarter.parse("2026-Q1").start, Quarter.parse("2026-q4").end
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
        """
        head, sep, tail = text.strip().upper().partition("-Q")
        if not sep or len(head) != 4 or not head.isdigit() or tail not in ("1", "2", "3", "4"):
            raise InvalidError([Problem(where, field, f"expected YYYY-Qn (2026-Q1), got {text!r}")])
        year = int(head)
        if year < 1900:
            raise InvalidError([Problem(where, field, f"year {year} is before 1900")])
        return cls(year, int(tail))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day."""
        return self.next().start - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        """The quarter's first instant (midnight UTC)."""
        return datetime(self.start.year, self.start.month, 1, tzinfo=UTC)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"


def quarter_span(first: Quarter, count: int) -> tuple[Quarter, ...]:
    """``count`` consecutive quarters from ``first``."""
    out = [first]
    while len(out) < count:
        out.append(out[-1].next())
    return tuple(out)


# --- results --------------------------------------------------------------------------


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


# --- reading --------------------------------------------------------------------------


@dataclass(slots=True)
class _Scope:
    """What one call reads once: the accounts in scope, reps, groups, deal histories."""

    store: GraphStore
    territories: frozenset[str] | None
    accounts: dict[str, Account]
    views: dict[str, DealView]
    """Every deal of the accounts in scope with its histories, by deal id."""
    reps: dict[str, str]
    groups: dict[str, Account] = field(default_factory=dict)
    spans: dict[str, list[TerritorySpan]] = field(default_factory=dict)
    """Each account's territory intervals (:meth:`at`)."""

    def sees(self, account: Account) -> bool:
        return self.territories is None or (
            account.territory is not None and account.territory in self.territories
        )

    def at(self, account_id: str, when: datetime) -> Account:
        """The account with the territory in force at ``when`` (the stored one when no
        interval covers it)."""
        account = self.accounts[account_id]
        then = territories_at(self.spans.get(account_id, ()), when)
        if account_id not in then or then[account_id] == account.territory:
            return account
        return account.model_copy(update={"territory": then[account_id]})

    def held(self, account_id: str, when: datetime) -> bool:
        """Whether the account was in the chosen territories at ``when``."""
        return account_id in self.accounts and self.sees(self.at(account_id, when))

    def group(self, account: Account) -> Account:
        """The farthest ancestor in scope (the account itself when none is)."""
        known = self.groups.get(account.id)
        if known is None:
            ancestors = self.store.account_ancestors(AccountId(account.id))
            visible = [a for a in ancestors if self.sees(a)]
            known = visible[-1] if visible else account
            self.groups[account.id] = known
        return known

    def view(self, deal_id: str) -> DealView:
        """The deal's histories (read now if it was created since the call began)."""
        known = self.views.get(deal_id)
        if known is None:
            known = self.store.get_deal(DealId(deal_id))
            self.views[deal_id] = known
        return known


def _read_scope(store: GraphStore, territories: Iterable[str] | None) -> _Scope:
    """Accounts in ``territories`` now or at any time before (a forecast as of an
    instant counts the accounts of the territories then), their deals and histories."""
    chosen = None if territories is None else frozenset(territories)
    accounts: dict[str, Account] = {
        a.id: a for a in every_item(lambda page: store.list_accounts(page, territories=chosen))
    }
    listed: list[Deal] = list(every_item(lambda page: store.list_deals(page, territories=chosen)))
    history = store.territory_history()
    spans: dict[str, list[TerritorySpan]] = {}
    for s in history:
        spans.setdefault(s.account_id, []).append(s)
    if chosen is not None:
        for aid in sorted(
            {s.account_id for s in history if s.territory in chosen} - accounts.keys()
        ):
            account = accounts[aid] = store.get_account(AccountId(aid))
            listed += every_item(partial(store.list_deals, account_id=AccountId(account.id)))
    dealing = {d.id for d in listed if d.account_id in accounts}
    reps: dict[str, str] = {r.id: r.name for r in every_item(store.list_reps)}
    return _Scope(
        store=store,
        territories=chosen,
        accounts=accounts,
        views={d: store.get_deal(DealId(d)) for d in sorted(dealing)},
        reps=reps,
        spans=spans,
    )


@dataclass(frozen=True, slots=True)
class _Win:
    deal: Deal
    probability: float


@dataclass(frozen=True, slots=True)
class _Reading:
    """The store as of one instant: the forecast's deals with their P(win), and the
    state then of every deal in scope."""

    at: datetime
    wins: tuple[_Win, ...]
    won: tuple[Deal, ...]
    """Closed won by then, with the expected close in the quarters."""
    states: dict[str, Deal]
    card_summary: ModelSummary


def _in_quarters(deal: Deal, quarters: frozenset[Quarter]) -> bool:
    """Open, with the expected close in ``quarters``."""
    return not deal.stage.is_closed and _closes_in(deal, quarters)


def _closes_in(deal: Deal, quarters: frozenset[Quarter]) -> bool:
    return deal.expected_close is not None and Quarter.of(deal.expected_close) in quarters


def expected_close_at(view: DealView, at: datetime) -> date | None:
    """The deal's expected close at ``at``, by the store's as-of rule: the last
    close-date change by then; before the first, the date it changed from; with no
    change on record, the deal's own.

    >>> from graphcrm.domain import CloseDateChange
    >>> t = datetime(2026, 3, 1, tzinfo=UTC)
    >>> moved = CloseDateChange(deal_id="D1", at=t, from_date=date(2026, 3, 31),
    ...     to_date=date(2026, 4, 30))
    >>> deal = Deal(id="D1", account_id="A1", name="ERP", expected_close=date(2026, 4, 30))
    >>> view = DealView(deal=deal, stage_history=(), close_date_history=(moved,))
    >>> [expected_close_at(view, t + timedelta(days=d)).isoformat() for d in (-1, 0)]
    ['2026-03-31', '2026-04-30']
    """
    changes = view.close_date_history
    if not changes:
        return view.deal.expected_close
    close, seen = changes[0].from_date, False
    for change in changes:
        if change.at > at:
            break
        close, seen = change.to_date, True
    return close if seen else changes[0].from_date


def deal_at(view: DealView, at: datetime) -> Deal | None:
    """The deal as the store reads it as of ``at`` (``docs/data-model.md``): its stage
    (:meth:`DealView.stage_at`; None before it was created) and expected close then
    (:func:`expected_close_at`), its other fields as stored, no loss reason while open.

    It tells, from histories read once, which accounts hold a deal of the forecast at
    an instant, without reading every account at every instant of a trend; a test
    pins it to the store's own as-of read.
    """
    stage = view.stage_at(at)
    if stage is None:
        return None
    update: dict[str, object] = {"stage": stage, "expected_close": expected_close_at(view, at)}
    if not stage.is_closed:
        update["loss_reason"] = None
    return view.deal.model_copy(update=update)


def _chunks(ids: Sequence[AccountId]) -> Iterator[list[AccountId]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _read_at(
    scope: _Scope, at: datetime, quarters: frozenset[Quarter], params: AnalyticsParams, seed: int
) -> _Reading:
    store = scope.store
    states: dict[str, Deal] = {}
    for deal_id, view in scope.views.items():
        deal = deal_at(view, at)
        if deal is not None:
            states[deal_id] = deal
    if scope.territories is not None:  # the accounts of the territories then
        states = {k: d for k, d in states.items() if scope.held(d.account_id, at)}
    holding = sorted(
        {AccountId(d.account_id) for d in states.values() if _in_quarters(d, quarters)}
    )
    card = current_card(store, as_of=at)
    since = churn_window_start(at, params)
    wins: list[_Win] = []
    for ids in _chunks(holding):
        graphs = store.stakeholder_graphs(ids, as_of=at)
        befores = store.stakeholder_graphs(ids, as_of=since, committee_only=True)
        for aid, sg, before in zip(ids, graphs, befores, strict=True):
            snapshot = read_account(
                store, aid, at=at, params=params, seed=seed, graph=sg, before=before
            )
            for deal in sorted(snapshot.net.deals.values(), key=lambda d: d.id):
                if deal.account_id != aid:
                    continue
                states[deal.id] = deal  # the store's reading decides
                if not _in_quarters(deal, quarters):
                    continue
                win = win_of(snapshot, scope.view(deal.id), card, params=params)
                assert win.probability is not None  # open at ``at``
                wins.append(_Win(deal, win.probability))
    won = tuple(
        d
        for _, d in sorted(states.items())
        if d.stage is Stage.CLOSED_WON and _closes_in(d, quarters)
    )
    return _Reading(at, tuple(wins), won, states, summary(card))


# --- figures --------------------------------------------------------------------------


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


# --- the use cases --------------------------------------------------------------------


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


def trend_instants(first: Quarter, at: datetime, weeks: int | None = None) -> list[datetime]:
    """The instants of a trend: the quarter's start and every Monday (00:00 UTC) after
    it, before ``at``; with ``weeks``, the last ``weeks`` Mondays before ``at``
    instead (they may precede the quarter); then ``at`` itself.

    >>> at = datetime(2026, 1, 20, 12, tzinfo=UTC)
    >>> [t.date().isoformat() for t in trend_instants(Quarter(2026, 1), at)]
    ['2026-01-01', '2026-01-05', '2026-01-12', '2026-01-19', '2026-01-20']
    >>> [t.date().isoformat() for t in trend_instants(Quarter(2026, 1), at, weeks=1)]
    ['2026-01-19', '2026-01-20']
    """
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = midnight - timedelta(days=midnight.weekday())
    if monday >= at:
        monday -= timedelta(days=7)
    if weeks is not None:
        out = [monday - timedelta(days=7 * k) for k in range(weeks)][::-1]
    else:
        out = [first.starts_at] if first.starts_at < at else []
        t = monday
        mondays = []
        while t > first.starts_at:
            mondays.append(t)
            t -= timedelta(days=7)
        out += mondays[::-1]
    return [*out, at]


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
        best = next(c for c in f.total.categories if c.category is Category.BEST_CASE)
        points.append(
            TrendPoint(
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
                    TrendRow(
                        key=r.key, label=r.label, expected=r.expected, commit=r.commit, won=r.won
                    )
                    for r in f.rows
                ),
                moves=moves,
            )
        )
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
