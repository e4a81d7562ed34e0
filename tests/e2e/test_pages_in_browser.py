"""The pages in headless Chromium: counts, clicks, escaping, no network, no errors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from graphcrm.domain import AccountId, ContactStatus, DealId, PageRequest
from graphcrm.domain.base import as_of_instant
from graphcrm.services.deals import read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import assess
from graphcrm.store import GraphStore, open_store
from graphcrm.viz import deal_view
from tests.e2e.conftest import AS_OF, BIG, ROOT, Server, Watched
from tests.viz.sample import ACCOUNT, DEAL, VP, XSS_NAME

AT = as_of_instant(AS_OF)


@pytest.fixture(scope="module")
def store(server: Server) -> Iterator[GraphStore]:
    s = open_store(server.store_url)
    yield s
    s.close()


def _expected_org(store: GraphStore, account: str) -> tuple[int, int]:
    sg = store.stakeholder_graph(AccountId(account), as_of=AT)
    ids = {c.id for c in sg.contacts if c.account_id == account}
    lines = [r for r in sg.reports_to if r.contact_id in ids and r.manager_id in ids]
    return len(ids), len(lines)


def _expected_influence(store: GraphStore, account: str) -> tuple[int, int]:
    sg = store.stakeholder_graph(AccountId(account), as_of=AT)
    ids = {c.id for c in sg.contacts}
    ties = [i for i in sg.influences if i.influencer_id in ids and i.influenced_id in ids]
    ends = {x for i in ties for x in (i.influencer_id, i.influenced_id)}
    shown = {
        c.id
        for c in sg.contacts
        if (c.account_id == account and c.status is ContactStatus.ACTIVE) or c.id in ends
    }
    knows = [k for k in sg.rep_knows if k.contact_id in shown and k.strength > 0]
    reps = {k.rep_id for k in knows}
    return len(shown) + len(reps), len(ties) + len(knows)


def test_accounts_page_lists_and_filters(watched: Watched, store: GraphStore) -> None:
    watched.page.goto(f"{watched.base}/pages/accounts?as_of={AS_OF}")
    rows = watched.page.locator("#accounts tbody tr")
    total = store.list_accounts(PageRequest(limit=1)).total
    assert rows.count() == total
    watched.page.select_option("select[name=territory]", "Ege")
    watched.page.click("form.filters button[type=submit]")
    watched.page.wait_for_url("**territory=Ege**")
    assert watched.page.locator("#accounts tbody tr").count() < total
    assert "territory=Ege" in watched.page.url
    watched.screenshot("accounts")
    watched.assert_clean()


def test_account_page_org_chart_and_influence_map(watched: Watched, store: GraphStore) -> None:
    watched.open(f"/pages/accounts/{ACCOUNT}?as_of={AS_OF}")
    watched.wait_stable("influence")
    assert watched.counts("orgchart") == _expected_org(store, ACCOUNT)
    assert watched.counts("influence") == _expected_influence(store, ACCOUNT)

    # the hostile contact: click it, its name shows as text in the details panel
    watched.click_node("orgchart", VP)
    details = watched.page.locator("#orgchart-details h3")
    assert details.inner_text() == XSS_NAME
    assert details.is_visible()
    assert watched.page.evaluate(
        "() => window.graphcrm.views.orgchart.network.getSelectedNodes()"
    ) == [VP]
    watched.screenshot("account-acme")
    watched.assert_clean()


def test_deal_page_counts_focus_and_what_if(watched: Watched, store: GraphStore) -> None:
    snap = read_account(store, ACCOUNT, at=AT, params=AnalyticsParams())
    assessment = assess(store, snap, DealId(DEAL), params=AnalyticsParams())
    view = deal_view(snap.net, assessment, scores=snap.scores)

    watched.open(f"/pages/deals/{DEAL}?as_of={AS_OF}")
    watched.wait_stable("deal")
    assert watched.counts("deal") == (len(view.nodes), len(view.edges))
    assert assessment.risk is not None
    assert assessment.risk.signals, "the sample deal has risk signals"

    # a risk signal's person button focuses that person and shows the details
    button = watched.page.locator("#deal-signals button.person").first
    name = button.inner_text()
    button.click()
    assert watched.page.locator("#deal-details h3").inner_text() == name
    # the hostile name shows as text wherever it is listed
    assert watched.page.get_by_text(XSS_NAME, exact=True).first.is_visible()

    watched.page.select_option("#what-if-contact", VP)
    watched.page.click("#what-if-submit")
    result = watched.page.locator("#what-if-result")
    result.wait_for()
    # in place: the answer opens where the form was, not at the top of the page (the
    # browser scrolls to the #what-if fragment once the page has loaded, which can come
    # after the result is in the document)
    watched.page.wait_for_load_state("load")
    watched.page.wait_for_function("() => window.scrollY > 0", timeout=5000)
    box = result.bounding_box()
    viewport = watched.page.viewport_size
    assert box is not None
    assert viewport is not None
    assert 0 <= box["y"] < viewport["height"]
    # the risk card's badge reads before → after
    assert "→" in watched.page.locator("#risk h2").inner_text()
    # the same model before and after: risk = 100 × (1 - P) on both sides
    for side in ("before", "after"):
        score = float(result.get_attribute(f"data-{side}") or "nan")
        p = float(result.get_attribute(f"data-p-{side}") or "nan")
        assert abs(score - 100 * (1 - p)) < 0.01
    assert result.get_attribute("data-before") != result.get_attribute("data-after")
    watched.screenshot("deal-acme")
    watched.assert_clean()


def test_demo_deal_page(watched: Watched, store: GraphStore) -> None:
    snap = read_account(store, AccountId("A000008"), at=AT, params=AnalyticsParams())
    deal = DealId("A000008-D002")
    view = deal_view(snap.net, assess(store, snap, deal, params=AnalyticsParams()))
    watched.open(f"/pages/deals/{deal}?as_of={AS_OF}&lang=tr")
    watched.wait_stable("deal")
    assert watched.counts("deal") == (len(view.nodes), len(view.edges))
    assert watched.page.locator("html").get_attribute("lang") == "tr"
    assert watched.page.get_by_text("Görülenler").first.is_visible()
    watched.screenshot("deal-demo-tr")
    watched.assert_clean()


def test_krackhardt_org_chart_is_the_readme_screenshot(watched: Watched, store: GraphStore) -> None:
    watched.page.set_viewport_size({"width": 1900, "height": 1000})
    watched.open(f"/pages/accounts/KHT?as_of={AS_OF}")
    assert watched.counts("orgchart") == _expected_org(store, "KHT") == (21, 20)
    section = watched.page.locator("#orgchart-section")
    path = ROOT / "artifacts" / "screenshots" / "orgchart-krackhardt.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(path))
    (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, ROOT / "docs" / "img" / "orgchart.png")
    watched.click_node("orgchart", "KHT-M07")
    assert watched.page.locator("#orgchart-details h3").inner_text() == "Manager 7"
    watched.assert_clean()


def test_a_5000_person_org_chart_opens_collapsed_and_expands_on_click(watched: Watched) -> None:
    watched.open(f"/pages/accounts/{BIG}?as_of={AS_OF}")
    # depth <= 2 (1 + 6 + 36), and the teams of BIG-0009 and BIG-0016, the managers above
    # committee members BIG-0057, BIG-0060 and BIG-0100
    assert watched.counts("orgchart") == (55, 54)
    assert (
        watched.page.evaluate("() => window.graphcrm.views.orgchart.network.physics.physicsEnabled")
        is False
    )
    watched.click_node("orgchart", "BIG-0007")  # a depth-2 manager of six: fetched
    watched.page.wait_for_function("() => window.graphcrm.views.orgchart.nodes.length === 61")
    assert watched.counts("orgchart") == (61, 60)
    assert watched.page.locator("#orgchart-details h3").inner_text() == "Kişi 0007"
    watched.screenshot("orgchart-5000")
    watched.assert_clean()


def test_outside_territory_is_a_404_page(watched: Watched, server: Server) -> None:
    watched.page.context.set_extra_http_headers({"X-API-Key": server.ege_key})
    response = watched.page.goto(f"{watched.base}/pages/accounts/{ACCOUNT}")
    assert response is not None
    assert response.status == 404
    assert watched.page.locator(".error h1").inner_text().startswith("404")


def test_key_once_in_the_url_then_a_cookie(browser: Browser, server: Server) -> None:
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{server.base}/pages/accounts?key={server.key}&as_of={AS_OF}")
    assert response is not None
    assert response.status == 200
    assert "key=" not in page.url
    again = page.goto(f"{server.base}/pages/accounts/{ACCOUNT}?as_of={AS_OF}")
    assert again is not None
    assert again.status == 200
    cookies = context.cookies()
    assert any(c["name"] == "graphcrm_key" and c["httpOnly"] for c in cookies)
    context.close()


_WIDEST = "() => document.documentElement.scrollWidth"
_LINES = """sel => [...document.querySelectorAll(sel)].map(el => {
  const r = document.createRange(); r.selectNodeContents(el);
  return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })"""


@pytest.mark.parametrize("width", [360, 768, 1100])
@pytest.mark.parametrize(
    "path",
    ["/pages/accounts", "/pages/accounts/A000008", "/pages/deals/A000008-D002", "/pages/forecast"],
)
def test_a_page_fits_a_phone_or_tablet_wide_tables_scroll_in_their_own_box(
    watched: Watched, path: str, width: int
) -> None:
    watched.page.set_viewport_size({"width": width, "height": 800})
    watched.page.goto(f"{watched.base}{path}?as_of={AS_OF}&lang=tr", wait_until="load")
    assert watched.page.evaluate(_WIDEST) <= width
    watched.assert_clean()


def test_stage_and_amount_cells_are_never_broken_inside_a_word(watched: Watched) -> None:
    watched.page.goto(f"{watched.base}/pages/accounts/A000008?as_of={AS_OF}", wait_until="load")
    lines = watched.page.evaluate(_LINES, "#open-deals td.nowrap")
    assert lines, "no stage or amount cell on the page"
    assert set(lines) == {1}
