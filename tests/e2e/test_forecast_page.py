"""The forecast page in headless Chromium, in English and in Turkish: the figures are the
service's, numbers are written the reader's way, the trend chart is drawn inline, nothing
leaves the server, and a territory key sees only its territory's deals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from graphcrm.config import Rates
from graphcrm.domain.base import as_of_instant
from graphcrm.services.forecast import Quarter, forecast, trend_instants
from graphcrm.store import GraphStore, open_store
from graphcrm.viz.forecast import Numbers
from tests.e2e.conftest import AS_OF, FX_AS_OF, FX_RATES, Server, Watched

AT = as_of_instant(AS_OF)
RATES = Rates(currency="TRY", per_unit=FX_RATES, as_of=FX_AS_OF)


@pytest.fixture(scope="module")
def store(server: Server) -> Iterator[GraphStore]:
    s = open_store(server.store_url)
    yield s
    s.close()


@pytest.mark.parametrize(
    ("lang", "title", "expected_label"),
    [("en", "Forecast", "Expected value"), ("tr", "Satış tahmini", "Beklenen değer")],
)
def test_forecast_page(
    watched: Watched, store: GraphStore, lang: str, title: str, expected_label: str
) -> None:
    f = forecast(store, as_of=AT, rates=RATES)
    assert f.deals, "the demo portfolio has open deals closing in 2026-Q4"
    page = watched.page
    page.goto(f"{watched.base}/pages/forecast?as_of={AS_OF}&lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text().startswith(f"{title} 2026-Q4")
    assert page.get_by_text(expected_label).first.is_visible()
    numbers = Numbers("tr" if lang == "tr" else "en")
    assert page.locator("#fc-expected").inner_text() == numbers.amount(f.total.expected)
    assert page.locator("#fc-rows tbody tr").count() == len(f.rows)
    assert page.locator("#fc-deals tbody tr").count() == len(f.deals)
    first = f.deals[0]
    row = page.locator(f"#fc-deals tr[data-deal='{first.deal_id}']")
    assert numbers.percent(first.probability) in row.inner_text()
    assert FX_AS_OF.isoformat() in page.locator("#fc-rates").inner_text()
    if lang == "tr":  # "1.234.567" and "%42", never "1,234,567" and "42%"
        assert "." in numbers.amount(first.converted) or first.converted < 1000
        assert "," not in page.locator("#fc-expected").inner_text()
        assert page.get_by_text("Haftadan haftaya").is_visible()
    # the trend: one point per week start of the quarter up to as_of, then as_of
    points = trend_instants(Quarter(2026, 4), AT)
    line = page.locator("#fc-chart polyline.fc-expected")
    assert line.is_visible()
    assert len((line.get_attribute("points") or "").split()) == len(points)
    assert page.locator("#fc-chart polygon.fc-band").count() == 1
    watched.screenshot(f"forecast-{lang}")
    watched.assert_clean()


def test_a_territory_key_sees_only_its_deals(
    browser: Browser, server: Server, store: GraphStore
) -> None:
    context = browser.new_context(extra_http_headers={"X-API-Key": server.ege_key})
    try:
        page = context.new_page()
        page.goto(f"{server.base}/pages/forecast?as_of={AS_OF}&by=territory")
        ege = forecast(store, as_of=AT, rates=RATES, territories={"Ege"}, by="territory")
        shown = page.locator("#fc-deals tbody tr")
        assert shown.count() == len(ege.deals)
        assert {shown.nth(i).get_attribute("data-deal") for i in range(shown.count())} == {
            d.deal_id for d in ege.deals
        }
        keys = page.locator("#fc-rows tbody tr")
        assert {keys.nth(i).get_attribute("data-key") for i in range(keys.count())} <= {"Ege"}
        everyone = forecast(store, as_of=AT, rates=RATES)
        assert len(everyone.deals) > len(ege.deals)
    finally:
        context.close()
