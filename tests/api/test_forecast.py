"""GET /v1/forecast and /v1/forecast/trend: territory scoping, figures that add up,
currencies, and parameter errors as problems."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graphcrm.domain import AccountId, ChangeSet, Deal, DealId, RepId, Stage
from graphcrm.services.forecast import Quarter
from graphcrm.store.sqlite import SqliteStore
from tests.api.conftest import Env, make_settings, seed
from tests.api.test_errors_and_auth import assert_problem

RATES_AS_OF = date(2026, 1, 5)


@pytest.fixture
def fenv(tmp_path: Path) -> Iterator[Env]:
    """The seeded store with every deal closing today, one EUR deal (a rate is set) and
    one USD deal (none is), and rates as of ``RATES_AS_OF``."""
    settings = make_settings(tmp_path, fx_rates={"EUR": 45.0}, fx_as_of=RATES_AS_OF)
    keys = seed(settings)
    today = datetime.now(UTC).date()
    store = SqliteStore.open(settings.store.get_secret_value().removeprefix("sqlite://"))
    try:
        closing = [
            store.get_deal(DealId(d)).deal.model_copy(update={"expected_close": today})
            for d in ("M1-D1", "M2-D1", "E1-D1")
        ]
        extra = [
            Deal(
                id=DealId(deal_id),
                account_id=AccountId(deal_id.split("-")[0]),
                name=f"Deal {deal_id}",
                amount=Decimal(amount),
                currency=currency,
                stage=Stage.NEGOTIATION,
                expected_close=today,
                owner_id=RepId("R-M"),
            )
            for deal_id, currency, amount in (("M1-D2", "EUR", "10000"), ("M2-D3", "USD", "5000"))
        ]
        store.apply(ChangeSet(deals=(*closing, *extra)), actor="test")
    finally:
        store.close()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Env(client, keys, settings)


def test_every_territory_sees_every_deal_and_rows_add_up(fenv: Env) -> None:
    r = fenv.client.get("/v1/forecast?by=territory", headers=fenv.h("admin"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["quarters"] == [str(Quarter.of(datetime.now(UTC).date()))]
    assert {d["deal_id"] for d in body["deals"]} == {"M1-D1", "M2-D1", "E1-D1", "M1-D2"}
    assert [p["deal_id"] for p in body["problems"]] == ["M2-D3"]
    assert body["problems"][0]["code"] == "no_rate"
    assert body["count"] == len(body["data"]) == 2
    assert {row["key"] for row in body["data"]} == {"Marmara", "Ege"}
    total = body["total"]
    assert sum(row["expected"] for row in body["data"]) == pytest.approx(total["expected"])
    assert sum(row["deals"] for row in body["data"]) == total["deals"] == 4
    assert sum(d["expected"] for d in body["deals"]) == pytest.approx(total["expected"])
    eur = next(d for d in body["deals"] if d["deal_id"] == "M1-D2")
    assert eur["converted"] == pytest.approx(450_000.0)
    assert body["currency"] == "TRY"
    assert body["rates"] == {"EUR": 45.0, "TRY": 1.0}
    assert body["rates_as_of"] == RATES_AS_OF.isoformat()
    for d in body["deals"]:
        assert 0.0 <= d["probability"] <= 1.0
        assert d["category"] in ("commit", "best_case", "pipeline")


def test_a_deal_left_out_is_named_with_its_amount_in_the_pages_language(fenv: Env) -> None:
    body = fenv.client.get("/v1/forecast", headers=fenv.h("admin")).json()
    (problem,) = body["problems"]
    assert (problem["deal_id"], problem["currency"]) == ("M2-D3", "USD")
    assert Decimal(problem["amount"]) == Decimal("5000")
    tr = fenv.client.get("/pages/forecast", params={"lang": "tr"}, headers=fenv.h("admin"))
    assert tr.status_code == 200, tr.text
    assert "5.000 USD dışarıda bırakıldı" in tr.text
    assert "no exchange rate" not in tr.text
    en = fenv.client.get("/pages/forecast", headers=fenv.h("admin"))
    assert "5,000 USD left out" in en.text


def test_a_territory_key_sees_only_its_territories_deals(fenv: Env) -> None:
    r = fenv.client.get("/v1/forecast?by=group", headers=fenv.h("marmara"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert {d["deal_id"] for d in body["deals"]} == {"M1-D1", "M2-D1", "M1-D2"}
    assert "E1" not in r.text
    assert "Ege" not in r.text
    ege = fenv.client.get("/v1/forecast", headers=fenv.h("ege")).json()
    assert {d["deal_id"] for d in ege["deals"]} == {"E1-D1"}
    assert ege["problems"] == []  # the USD deal is Marmara's
    assert "Marmara" not in str(ege)
    # the two keys' forecasts are the whole: expected values add up
    everyone = fenv.client.get("/v1/forecast", headers=fenv.h("admin")).json()
    assert body["total"]["expected"] + ege["total"]["expected"] == pytest.approx(
        everyone["total"]["expected"]
    )
    # asking for another key's territory answers as a missing one
    assert_problem(fenv.client.get("/v1/forecast?territory=Marmara", headers=fenv.h("ege")), 404)
    narrowed = fenv.client.get("/v1/forecast?territory=Ege", headers=fenv.h("admin")).json()
    assert {d["deal_id"] for d in narrowed["deals"]} == {"E1-D1"}


def test_the_trend_is_scoped_and_ends_at_the_forecast(fenv: Env) -> None:
    r = fenv.client.get("/v1/forecast/trend", headers=fenv.h("marmara"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == len(body["data"]) >= 1
    last = body["data"][-1]
    now = fenv.client.get(
        "/v1/forecast", params={"as_of": last["as_of"]}, headers=fenv.h("marmara")
    ).json()
    assert last["deals"] == now["total"]["deals"] == 3
    assert last["expected"] == pytest.approx(now["total"]["expected"])
    assert sum(row["expected"] for row in last["rows"]) == pytest.approx(last["expected"])
    assert "E1" not in r.text
    weeks = fenv.client.get("/v1/forecast/trend?weeks=2", headers=fenv.h("marmara")).json()
    assert weeks["count"] == 3


def test_bad_parameters_are_problems_naming_the_parameter(fenv: Env) -> None:
    for query, field in (
        ("quarter=2026-Q5", "query.quarter"),
        ("quarter=next", "query.quarter"),
        ("by=sector", "query.by"),
        ("quarters=0", "query.quarters"),
        ("as_of=yesterday", "query.as_of"),
    ):
        for path in ("/v1/forecast", "/v1/forecast/trend"):
            body = assert_problem(fenv.client.get(f"{path}?{query}", headers=fenv.h("admin")), 422)
            assert [e["field"] for e in body["errors"]] == [field], query  # type: ignore[attr-defined]
    assert_problem(fenv.client.get("/v1/forecast"), 401)
    assert_problem(fenv.client.get("/v1/forecast", headers=fenv.h("writer_only")), 403)


def test_a_past_quarter_as_of_its_start_sees_nothing_written_later(fenv: Env) -> None:
    body = fenv.client.get(
        "/v1/forecast?quarter=2025-Q1&as_of=2025-01-02", headers=fenv.h("admin")
    ).json()
    assert body["deals"] == []
    assert body["total"]["deals"] == 0
    assert body["total"]["p90"] == 0.0


def test_a_trend_is_bounded_to_a_year_of_weeks(fenv: Env) -> None:
    """Each week of a trend is a forecast of its own: from a quarter years before
    ``as_of`` the trend would take minutes, so it is refused, naming the quarter."""
    far = fenv.client.get(
        "/v1/forecast/trend?quarter=1900-Q1&as_of=2026-01-20", headers=fenv.h("admin")
    )
    body = assert_problem(far, 422)
    errors: list[dict[str, str]] = body["errors"]  # type: ignore[assignment]
    [error] = errors
    assert error["field"] == "quarter"
    # 1900-01-01 was a Monday; 46,039 days later, 2026-01-19, is the 6,577th after it
    assert error["message"] == (
        "1900-Q1 is before the start of the 53 weeks a trend may cover up to as_of "
        "(it would span 6577): give a later quarter, an earlier as_of, or weeks"
    )
    # 53 Mondays after 2025-01-01 (a Wednesday): 2025-01-06 ... 2026-01-05
    year = fenv.client.get(
        "/v1/forecast/trend?quarter=2025-Q1&as_of=2026-01-06", headers=fenv.h("admin")
    )
    assert year.status_code == 200, year.text
    assert year.json()["count"] == 1 + 53 + 1
    assert (
        fenv.client.get(
            "/v1/forecast/trend?quarter=2025-Q1&as_of=2026-01-13", headers=fenv.h("admin")
        ).status_code
        == 422
    )
    # weeks bounds it whatever the quarter; quarters × weeks at their most answers
    most = fenv.client.get(
        "/v1/forecast/trend?quarter=2024-Q1&quarters=8&weeks=53&as_of=2026-01-20",
        headers=fenv.h("admin"),
    )
    assert most.status_code == 200, most.text
    assert most.json()["count"] == 54
