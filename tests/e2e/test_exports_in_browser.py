"""Exports for account plans in Chromium: the org chart and the influence map saved as PNG
(what the canvas shows, on white), and the account page printed to PDF through its print
stylesheet (org chart, committee, risks, next actions; no header, forms or chart tools)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from PIL import Image

from bench.pages import wait_drawn
from tests.e2e.conftest import AS_OF, Watched
from tests.viz.sample import ACCOUNT, CEO, OPS, VP

NAME = "Acme Kimya A.Ş."
WHITE = (255, 255, 255, 255)


def _open(watched: Watched) -> None:
    watched.open(f"/pages/accounts/{ACCOUNT}?as_of={AS_OF}")
    wait_drawn(watched.page, "orgchart", "influence")


@pytest.mark.parametrize("view", ["orgchart", "influence"])
def test_a_chart_saves_as_png_on_white(watched: Watched, view: str) -> None:
    _open(watched)
    page = watched.page
    size: list[int] = page.evaluate(
        "name => { const c = document.getElementById(name).querySelector('canvas');"
        " return [c.width, c.height]; }",
        view,
    )
    with page.expect_download() as got:
        page.click(f'[data-view-tool="{view}"][data-tool="png"]')
    download = got.value
    assert download.suggested_filename.endswith(".png")
    assert NAME in download.suggested_filename  # the view's title names the account
    assert "/" not in download.suggested_filename
    data = download.path().read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(BytesIO(data)).convert("RGBA")
    assert list(image.size) == size
    assert image.getpixel((0, 0)) == WHITE  # no transparent background
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    drawn = sum(n for n, c in colours if c != WHITE)
    assert drawn > 0.005 * size[0] * size[1]  # the cards or the map, not a blank canvas
    watched.assert_clean()


def _pdf_title(pdf: bytes) -> str:
    """The document information's /Title: a literal or a UTF-16BE hex string."""
    hexed = re.search(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", pdf)
    if hexed:
        return bytes.fromhex(hexed.group(1).decode()).decode("utf-16-be")
    literal = re.search(rb"/Title\s*\(((?:\\.|[^\\)])*)\)", pdf)
    assert literal, "the PDF has no /Title"
    return literal.group(1).decode("latin-1")


def test_the_account_plan_prints_to_pdf(watched: Watched) -> None:
    _open(watched)
    page = watched.page
    # the button asks the browser to print (counted instead of opening the dialog)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")
    page.click("[data-print]")
    assert page.evaluate("() => window.__printed") == 1

    # the committee of the chosen deal: primary first, then by stance
    rows = page.locator("#committee tbody tr")
    assert [rows.nth(i).get_attribute("data-contact") for i in range(rows.count())] == [
        VP,
        CEO,
        OPS,
    ]
    assert page.locator(f'#committee tr[data-contact="{OPS}"] td[data-stance]').inner_text() == (
        "Opposes"
    )

    page.emulate_media(media="print")
    shown: dict[str, bool] = page.evaluate(
        "() => { const on = s => { const e = document.querySelector(s);"
        " return !!e && e.checkVisibility(); };"
        " return {header: on('header'), button: on('[data-print]'), tools: on('.gv-tools'),"
        " filters: on('.gv-filters'), committee: on('#committee'), actions: on('#next-actions'),"
        " deals: on('#open-deals'), orgchart: on('#orgchart canvas'),"
        " influence: on('#influence canvas')}; }"
    )
    assert shown == {
        "header": False,
        "button": False,
        "tools": False,
        "filters": False,
        "committee": True,
        "actions": True,
        "deals": True,
        "orgchart": True,
        "influence": True,
    }
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000  # text and two charts, not an empty page
    assert re.findall(rb"/Type\s*/Page(?!s)", pdf)  # at least one page
    assert NAME in _pdf_title(pdf)
    watched.assert_clean()
