"""The alerts page in Chromium: the alerts ``GET /v1/alerts`` finds for the key, each
linking its deal and account; the rep filter keeps the language; a territory key
sees its territory's only."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import AS_OF, Server, Watched


def _api(watched: Watched, **params: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"as_of": AS_OF, **params}.items())
    r = watched.page.request.get(f"{watched.base}/v1/alerts?{query}")
    assert r.status == 200, r.text()
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def _rows(watched: Watched) -> list[tuple[str | None, str | None]]:
    rows = watched.page.locator("#alerts tbody tr")
    return [
        (rows.nth(i).get_attribute("data-kind"), rows.nth(i).get_attribute("data-deal"))
        for i in range(rows.count())
    ]


def test_the_alerts_page_lists_what_the_api_finds_and_links_each_deal(watched: Watched) -> None:
    expected = _api(watched)
    assert expected, "the demo portfolio has alerts on the e2e date"
    watched.page.goto(f"{watched.base}/pages/alerts?as_of={AS_OF}&lang=tr")
    assert _rows(watched) == [(a["kind"], a["deal_id"]) for a in expected]
    first = watched.page.locator("#alerts tbody tr").first
    assert first.locator("td").nth(1).inner_text() == expected[0]["account_name"]
    assert first.locator("td").nth(2).inner_text().strip() != ""
    watched.screenshot("alerts-tr")

    # the rep filter: the same alerts as the API's for that rep, still in Turkish
    owner = next(a["owner_id"] for a in expected if a["owner_id"])
    watched.page.select_option("select[name=owner]", owner)
    watched.page.click("form.filters button[type=submit]")
    watched.page.wait_for_url(f"**owner={owner}**")
    assert "lang=tr" in watched.page.url
    assert watched.page.locator("html").get_attribute("lang") == "tr"
    mine = _api(watched, owner=owner)
    assert 0 < len(mine) <= len(expected)
    assert _rows(watched) == [(a["kind"], a["deal_id"]) for a in mine]

    # a deal's link opens its deal page, in the same language and as of the same date
    link = watched.page.locator("#alerts tbody tr").first.locator("td").first.locator("a")
    name = link.inner_text()
    link.click()
    watched.page.wait_for_url(f"**/pages/deals/{mine[0]['deal_id']}**")
    assert f"as_of={AS_OF}" in watched.page.url
    assert "lang=tr" in watched.page.url
    assert name in watched.page.locator("h1").first.inner_text()
    watched.assert_clean()


def test_a_territory_key_sees_its_territorys_alerts_only(watched: Watched, server: Server) -> None:
    everyone = _api(watched)
    watched.page.context.set_extra_http_headers({"X-API-Key": server.ege_key})
    ege = _api(watched)
    watched.page.goto(f"{watched.base}/pages/alerts?as_of={AS_OF}")
    assert _rows(watched) == [(a["kind"], a["deal_id"]) for a in ege]
    assert {a["deal_id"] for a in ege} <= {a["deal_id"] for a in everyone}
    assert len(ege) < len(everyone)
    watched.assert_clean()
