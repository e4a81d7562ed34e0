"""A page in Turkish holds no English sentence of the catalogue in what the browser
shows: the rendered text (with what the script writes: the details panel, the search
status, the "show their ties" button, the what-if's answer), the labels the script
draws on the charts' canvases and the tooltips of their people and ties."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import AS_OF, BIG, Watched
from tests.viz.catalogue import english_sentences, leaked
from tests.viz.sample import ACCOUNT, DEAL

DEMO = "A000008"
DEMO_DEAL = "A000008-D002"
PAGES = (
    "/pages/accounts",
    f"/pages/accounts/{DEMO}",
    f"/pages/accounts/{ACCOUNT}",
    f"/pages/accounts/{BIG}",
    f"/pages/deals/{DEMO_DEAL}",
    f"/pages/deals/{DEAL}",
    "/pages/alerts",
    "/pages/forecast",
    "/pages/territories/conflicts",
)
DRAWN = """() => {
  const out = [];
  for (const v of Object.values(window.graphcrm ? window.graphcrm.views : {})) {
    v.nodes.get().forEach(n => out.push(String(n.label || ""), String(n.title || "")));
    v.edges.get().forEach(e => out.push(String(e.label || ""), String(e.title || "")));
  }
  return out;
}"""
"""Every label the script draws on a canvas and every tooltip it shows on hover."""
TOUCH = """async () => {
  for (const v of Object.values(window.graphcrm ? window.graphcrm.views : {})) {
    const person = v.nodes.get().find(n => n.info && n.info.kind === "contact");
    if (person) await v.focus(person.id);
    if (v.data.kind === "orgchart") await v.find("Zzzyx Qwv");
  }
}"""
"""Have the script write what it writes on a click and a failed search."""


def _shown(watched: Watched, path: str, lang: str) -> tuple[str, str]:
    """The page's text after the script has written into it, and what it draws."""
    page = watched.page
    sep = "&" if "?" in path else "?"
    response = page.goto(f"{watched.base}{path}{sep}as_of={AS_OF}&lang={lang}", wait_until="load")
    assert response is not None
    assert response.status == 200, path
    if page.evaluate("() => !!window.graphcrm"):
        page.wait_for_function(
            "() => document.documentElement.dataset.graphcrmReady === 'true' &&"
            " Object.values(window.graphcrm.views).every(v =>"
            " document.getElementById(v.data.container).dataset.drawn === 'true')"
        )
        page.evaluate(TOUCH)
    if page.locator("#what-if-submit").count():
        page.click("#what-if-submit")
        page.locator("#what-if-result").wait_for()
    drawn: list[str] = page.evaluate(DRAWN)
    return page.inner_text("body"), "\n".join(drawn)


@pytest.mark.parametrize("path", PAGES)
def test_a_turkish_page_shows_no_english_sentence(watched: Watched, path: str) -> None:
    english = english_sentences()
    text, drawn = _shown(watched, path, "tr")
    assert watched.page.locator("html").get_attribute("lang") == "tr"
    assert leaked(text, english) == [], path
    assert leaked(drawn, english) == [], path
    watched.assert_clean()


def test_the_check_finds_english_where_there_is_some(watched: Watched) -> None:
    english = english_sentences()
    text, drawn = _shown(watched, f"/pages/accounts/{DEMO}", "en")
    assert leaked(text, english)
    assert leaked(drawn, english)  # the canvases' labels and tooltips are read too
    deal_text, _ = _shown(watched, f"/pages/deals/{DEMO_DEAL}", "en")
    assert leaked(deal_text, english)
    watched.assert_clean()
