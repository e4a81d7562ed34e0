"""The deal page's win probability in headless Chromium, in English and Turkish."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from graphcrm.domain import DealId, PageRequest
from graphcrm.domain.base import as_of_instant
from graphcrm.services.winprob import DealWin, deal_win
from graphcrm.store import GraphStore, open_store
from graphcrm.viz.i18n import Lang, Messages
from tests.e2e.conftest import AS_OF, ROOT, SCREENSHOTS, Server, Watched
from tests.viz.sample import ACCOUNT, DEAL

AT = as_of_instant(AS_OF)


@pytest.fixture(scope="module")
def store(server: Server) -> Iterator[GraphStore]:
    s = open_store(server.store_url)
    yield s
    s.close()


def _probability(win: DealWin) -> float:
    assert win.probability is not None
    return win.probability


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_deal_page_shows_the_win_probability(
    watched: Watched, store: GraphStore, lang: Lang
) -> None:
    m = Messages(lang)
    win = deal_win(store, DEAL, as_of=AT)
    watched.open(f"/pages/deals/{DEAL}?as_of={AS_OF}&lang={lang}")
    watched.wait_stable("deal")
    shown = watched.page.locator("#win-probability")
    assert shown.is_visible()
    assert shown.inner_text() == m.percent(_probability(win))
    assert watched.page.locator("#win .gw-caption").first.inner_text() == m("win_probability")
    rows = watched.page.locator("#win-contributions li[data-group]")
    assert rows.count() == len(win.contributions)
    assert rows.first.locator("strong").inner_text() == m.group(win.contributions[0].group)
    # a person the win evidence names: its button selects them on the deal view
    button = watched.page.locator("#win button.person").first
    name = button.inner_text()
    button.click()
    assert watched.page.locator("#deal-details h3").inner_text() == name
    risk = watched.page.locator("#risk")
    assert risk.locator("h2").inner_text().startswith(m("risk"))
    score = round(100 * (1 - _probability(win)), 2)
    assert risk.get_attribute("data-score") == f"{score:.2f}"
    assert m.format("risk_is", p=m.percent(_probability(win))) in risk.inner_text()
    watched.assert_clean()


def _showcase(store: GraphStore) -> DealId:
    """The generated open deal whose factors move it furthest from its stage alone."""
    wins = [
        deal_win(store, DealId(d.id), as_of=AT)
        for d in store.list_deals(PageRequest(limit=1000)).items
        if d.account_id != ACCOUNT and not d.stage.is_closed
    ]
    moved = [w for w in wins if w.probability is not None and w.stage_probability is not None]
    best = max(
        moved, key=lambda w: (abs(_probability(w) - (w.stage_probability or 0.0)), w.deal.id)
    )
    return DealId(best.deal.id)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_deal_page_screenshots_for_the_docs(
    watched: Watched, store: GraphStore, lang: Lang
) -> None:
    deal = _showcase(store)
    watched.open(f"/pages/deals/{deal}?as_of={AS_OF}&lang={lang}")
    watched.wait_stable("deal")
    assert watched.page.locator("#win-probability").inner_text() == Messages(lang).percent(
        _probability(deal_win(store, deal, as_of=AT))
    )
    box = watched.page.locator("#win").bounding_box()
    assert box is not None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"deal-win-{lang}.png"
    watched.page.screenshot(
        path=str(path),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1440, "height": box["y"] + box["height"] + 16},
    )
    (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, ROOT / "docs" / "img" / f"deal-win-{lang}.png")
    watched.assert_clean()
