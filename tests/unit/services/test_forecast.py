"""The forecast on a generated store: what it counts, how the rows add up, currencies,
territories, account groups, and the trend week by week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from graphcrm.analytics.forecast import Category, categorize
from graphcrm.config import Rates, Settings
from graphcrm.domain import AccountId, DealId, PageRequest, Stage
from graphcrm.errors import InvalidError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.generator.vocab import TRY_PER_UNIT
from graphcrm.services.forecast import (
    GROUP_BYS,
    MoveReason,
    Quarter,
    deal_at,
    forecast,
    forecast_trend,
    trend_instants,
)
from graphcrm.services.winprob import deal_win
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

CONFIG = GeneratorConfig(accounts=40, seed=101, size_max=150)
AT = datetime(2026, 10, 20, 12, tzinfo=UTC)
RATES = Rates(
    currency="TRY",
    per_unit={c: r for c, r in TRY_PER_UNIT.items() if c != "TRY"},
    as_of=date(2026, 10, 19),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('forecast') / 'store.sqlite3'}")
    for batch in generate_portfolio(CONFIG):
        s.apply(batch, actor="generator", at=CONFIG.now)
    try:
        yield s
    finally:
        s.close()


def test_quarters() -> None:
    q = Quarter.parse("2026-Q4")
    assert (q.start, q.end, str(q), str(q.next())) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026-Q4",
        "2027-Q1",
    )
    assert Quarter.of(date(2026, 2, 28)) == Quarter(2026, 1)
    assert Quarter.parse(" 2026-q2 ").end == date(2026, 6, 30)
    for bad in ("2026Q1", "2026-Q5", "26-Q1", "2026-Q", "Q1-2026", ""):
        with pytest.raises(InvalidError, match=r"^.*quarter"):
            Quarter.parse(bad)
    with pytest.raises(InvalidError, match=r"query\.quarter"):
        Quarter.parse("2026-Q0", where="query", field="quarter")


def test_trend_instants_are_the_quarter_start_and_mondays() -> None:
    got = trend_instants(Quarter(2026, 4), AT)
    assert [t.isoformat() for t in got] == [
        "2026-10-01T00:00:00+00:00",
        "2026-10-05T00:00:00+00:00",
        "2026-10-12T00:00:00+00:00",
        "2026-10-19T00:00:00+00:00",
        AT.isoformat(),
    ]
    # a quarter that starts after as_of: as_of alone
    assert trend_instants(Quarter(2027, 1), AT) == [AT]
    assert [t.date().isoformat() for t in trend_instants(Quarter(2027, 1), AT, weeks=2)] == [
        "2026-10-12",
        "2026-10-19",
        "2026-10-20",
    ]


def test_deal_at_is_the_stores_own_as_of_read(store: GraphStore) -> None:
    """The histories read once answer what the store answers as of any instant, for
    every deal: existence, stage and expected close (the forecast relies on it to read
    only the accounts holding one of its deals)."""
    accounts = store.list_accounts(PageRequest(limit=1000)).items
    instants = [*trend_instants(Quarter(2026, 3), datetime(2026, 9, 30, tzinfo=UTC)), AT]
    for t in instants[::3]:
        for a in accounts:
            read = {
                d.id: (d.stage, d.expected_close)
                for d in store.stakeholder_graph(a.id, as_of=t).deals
                if d.account_id == a.id
            }
            derived = {}
            for d in store.list_deals(PageRequest(limit=1000), account_id=a.id).items:
                at = deal_at(store.get_deal(DealId(d.id)), t)
                if at is not None:
                    derived[d.id] = (at.stage, at.expected_close)
            assert derived == read, (a.id, t)


def test_counts_the_deals_open_then_with_their_close_in_the_quarter(store: GraphStore) -> None:
    f = forecast(store, as_of=AT, rates=RATES)
    assert f.quarters == ("2026-Q4",)
    assert f.currency == "TRY"
    assert f.problems == ()
    assert f.deals, "the generated store has open deals closing in 2026-Q4"
    listed = {d.deal_id for d in f.deals}
    # the same deals a plain reading of every account as of AT finds
    wanted = set()
    for a in store.list_accounts(PageRequest(limit=1000)).items:
        for g in store.stakeholder_graph(a.id, as_of=AT).deals:
            closes = g.expected_close or date.min
            open_then = g.account_id == a.id and not g.stage.is_closed
            if open_then and date(2026, 10, 1) <= closes <= date(2026, 12, 31):
                wanted.add(g.id)
    assert listed == wanted
    for d in f.deals[:5]:
        win = deal_win(store, DealId(d.deal_id), as_of=AT)
        assert d.probability == win.probability
        assert d.stage == win.deal.stage
    for d in f.deals:
        assert d.category is categorize(d.probability)
        assert d.converted == pytest.approx(float(d.amount) * (RATES.rate(d.currency) or 0))
        assert d.expected == pytest.approx(d.converted * d.probability)
    assert [d.expected for d in f.deals] == sorted((d.expected for d in f.deals), reverse=True)


def test_rows_add_up_to_the_total(store: GraphStore) -> None:
    for by in GROUP_BYS:
        f = forecast(store, as_of=AT, by=by, rates=RATES)
        t = f.total
        assert sum(r.deals for r in f.rows) == t.deals == len(f.deals)
        assert sum(r.expected for r in f.rows) == pytest.approx(t.expected)
        assert sum(r.pipeline for r in f.rows) == pytest.approx(t.pipeline)
        assert sum(r.commit for r in f.rows) == pytest.approx(t.commit)
        assert sum(r.won for r in f.rows) == pytest.approx(t.won)
        for r in (*f.rows, t):
            assert r.p10 <= r.p50 <= r.p90 <= r.pipeline + 1e-6
            assert sum(c.amount for c in r.categories) == pytest.approx(r.pipeline)
            assert sum(c.expected for c in r.categories) == pytest.approx(r.expected)
            assert [c.category for c in r.categories] == list(Category)
        assert [r.expected for r in f.rows] == sorted((r.expected for r in f.rows), reverse=True)
        assert {d.row for d in f.deals} <= {r.key for r in f.rows}


def test_the_same_seed_gives_the_same_forecast(store: GraphStore) -> None:
    one = forecast(store, as_of=AT, rates=RATES, seed=5, simulations=500)
    assert one == forecast(store, as_of=AT, rates=RATES, seed=5, simulations=500)
    other = forecast(store, as_of=AT, rates=RATES, seed=6, simulations=500)
    assert other.total.expected == one.total.expected


def test_a_currency_without_a_rate_is_a_problem_never_converted_at_one(store: GraphStore) -> None:
    full = forecast(store, as_of=AT, rates=RATES)
    foreign = {d.deal_id for d in full.deals if d.currency != "TRY"}
    assert foreign, "the generated store has deals in other currencies"
    bare = forecast(store, as_of=AT, rates=Rates(currency="TRY"))
    assert {p.deal_id for p in bare.problems} >= foreign
    assert all(p.code == "no_rate" for p in bare.problems)
    assert not foreign & {d.deal_id for d in bare.deals}
    assert bare.rates == {"TRY": 1.0}
    # the same table reports in another currency through the cross rates
    eur = forecast(store, as_of=AT, rates=RATES, currency="EUR")
    assert eur.total.expected == pytest.approx(full.total.expected / RATES.per_unit["EUR"])
    with pytest.raises(InvalidError, match="currency"):
        forecast(store, as_of=AT, rates=RATES, currency="JPY")


def test_territories_partition_the_forecast(store: GraphStore) -> None:
    full = forecast(store, as_of=AT, by="territory", rates=RATES)
    territories = {d.territory or "" for d in full.deals}
    assert len(territories) > 1
    assert "" not in territories
    parts = [forecast(store, as_of=AT, territories={t}, rates=RATES) for t in sorted(territories)]
    for t, part in zip(sorted(territories), parts, strict=True):
        assert {d.territory for d in part.deals} == {t}
    assert sum(p.total.expected for p in parts) == pytest.approx(full.total.expected)
    assert sum(p.total.deals for p in parts) == full.total.deals


def test_groups_are_the_farthest_ancestor_in_scope(store: GraphStore) -> None:
    f = forecast(store, as_of=AT, by="group", rates=RATES)
    for d in f.deals:
        chain = store.account_ancestors(AccountId(d.account_id))
        assert d.group_id == (chain[-1].id if chain else d.account_id)
        assert d.row == d.group_id
    grouped = [d for d in f.deals if d.group_id != d.account_id]
    assert grouped, "the generated store has holding groups with open deals"
    if grouped:  # a subsidiary's group outside the scope is never named
        d = grouped[0]
        mine = store.get_account(AccountId(d.account_id)).territory
        root = store.get_account(AccountId(d.group_id)).territory
        part = forecast(store, as_of=AT, by="group", territories={mine or ""}, rates=RATES)
        seen = next(x for x in part.deals if x.deal_id == d.deal_id)
        if root != mine:
            assert seen.group_id != d.group_id


def test_bad_parameters_are_named(store: GraphStore) -> None:
    with pytest.raises(InvalidError, match="quarter"):
        forecast(store, as_of=AT, quarter="2026-Q7")
    with pytest.raises(InvalidError, match="by"):
        forecast(store, as_of=AT, by="sector")  # type: ignore[arg-type]
    with pytest.raises(InvalidError, match="quarters"):
        forecast(store, as_of=AT, quarters=9)


def test_several_quarters_by_quarter(store: GraphStore) -> None:
    f = forecast(store, as_of=AT, quarters=2, by="quarter", rates=RATES)
    assert f.quarters == ("2026-Q4", "2027-Q1")
    assert {r.key for r in f.rows} <= {"2026-Q4", "2027-Q1"}
    one = forecast(store, as_of=AT, rates=RATES)
    q4 = next(r for r in f.rows if r.key == "2026-Q4")
    assert q4.expected == pytest.approx(one.total.expected)


def test_the_trend_ends_at_the_forecast_and_explains_its_moves(store: GraphStore) -> None:
    trend = forecast_trend(store, as_of=AT, rates=RATES)
    f = forecast(store, as_of=AT, rates=RATES)
    assert [p.as_of for p in trend.points] == trend_instants(Quarter(2026, 4), AT)
    last = trend.points[-1]
    assert last.deals == f.total.deals
    assert last.expected == pytest.approx(f.total.expected)
    assert last.commit == pytest.approx(f.total.commit)
    assert last.won == pytest.approx(f.total.won)
    assert sum(r.expected for r in last.rows) == pytest.approx(last.expected)
    assert trend.points[0].moves == ()
    moves = [(p, m) for p in trend.points for m in p.moves]
    assert moves, "something moved over three weeks"
    for point, m in moves:
        assert m.change == pytest.approx(m.expected_after - m.expected_before)
        assert (m.probability_before is None) == (
            m.reason in (MoveReason.CREATED, MoveReason.MOVED_IN)
        )
        gone = (MoveReason.WON, MoveReason.LOST, MoveReason.MOVED_OUT, MoveReason.GONE)
        assert (m.probability_after is None) == (m.reason in gone)
        if m.reason in (MoveReason.WON, MoveReason.LOST):
            view = store.get_deal(DealId(m.deal_id))
            stage_then = [c.to_stage for c in view.stage_history if c.at <= point.as_of][-1]
            assert stage_then is (
                Stage.CLOSED_WON if m.reason is MoveReason.WON else Stage.CLOSED_LOST
            )


def test_settings_carry_the_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHCRM_FX_RATES", '{"USD": 34.2, "EUR": 37.1}')
    monkeypatch.setenv("GRAPHCRM_FX_AS_OF", "2026-01-05")
    rates = Settings().rates()
    assert rates == Rates(
        currency="TRY", per_unit={"USD": 34.2, "EUR": 37.1}, as_of=date(2026, 1, 5)
    )
    monkeypatch.setenv("GRAPHCRM_FX_RATES", '{"TRY": 2.0}')
    with pytest.raises(ValueError, match="report currency TRY must be 1"):
        Settings()
    monkeypatch.setenv("GRAPHCRM_FX_RATES", '{"usd": 2.0}')
    with pytest.raises(ValueError, match="fx_rates"):
        Settings()
