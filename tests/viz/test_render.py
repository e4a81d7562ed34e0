"""The HTML: self-contained (nothing from the network) and safe with hostile text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import assess
from graphcrm.store import GraphStore
from graphcrm.viz import (
    GraphView,
    deal_view,
    influence_map_view,
    org_chart_view,
    render_fragment,
    render_html,
    script_json,
    show,
)
from tests.viz.conftest import SnapshotAt
from tests.viz.sample import (
    ACCOUNT,
    BEFORE_LEAVING,
    DEAL,
    VP,
    XSS_DEPARTMENT,
    XSS_NAME,
    XSS_TITLE,
)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the raw text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    return p


@pytest.fixture
def views(store: GraphStore, snapshot_at: SnapshotAt) -> list[GraphView]:
    snap = snapshot_at(BEFORE_LEAVING)
    assessment = assess(store, snap, DEAL, params=AnalyticsParams())
    return [
        org_chart_view(snap.net, ACCOUNT, scores=snap.scores, deal_id=DEAL),
        influence_map_view(snap.net, ACCOUNT, scores=snap.scores),
        deal_view(snap.net, assessment, scores=snap.scores),
    ]


def test_script_json_cannot_close_the_script_or_open_a_comment() -> None:
    text = script_json({"a": "</script><!--<script>", "b": "]]>", "c": "\u2028"})
    assert "</" not in text
    assert "<!--" not in text
    assert "<" not in text
    assert "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!--<script>", "b": "]]>", "c": "\u2028"}


def test_the_page_loads_nothing_from_the_network(views: list[GraphView]) -> None:
    html = render_html(*views)
    tags = _parse(html).tags
    for tag, attrs in tags:
        assert "src" not in attrs or tag == "img", f"<{tag} src=...> loads a resource"
        assert tag != "link", "no stylesheet or font links"
        assert tag != "iframe"
    assert "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    csp = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp
    assert "default-src 'none'" in str(csp[0]["content"])
    assert "connect-src 'none'" in str(csp[0]["content"])
    # vis-network is inlined (not fetched) and drawn from our data
    assert "vis.Network" in html
    assert "vis-network" in html


def test_hostile_text_appears_only_escaped(views: list[GraphView]) -> None:
    html = render_html(*views)
    for raw in (XSS_NAME, XSS_TITLE, "</script><!--", "<b>pilot</b>"):
        assert raw not in html, f"{raw!r} reached the page unescaped"
    parsed = _parse(html)
    # the only <script> elements are ours: vis-network, one JSON block per view, our script
    kinds = [a.get("type") for t, a in parsed.tags if t == "script"]
    assert kinds.count("application/json") == 3
    assert len(kinds) == 5
    assert not any(t == "img" for t, _ in parsed.tags)
    # the data still carries the exact text, for the browser to show as text
    payloads = [
        json.loads(s)
        for s, (_, a) in zip(
            parsed.scripts, [x for x in parsed.tags if x[0] == "script"], strict=True
        )
        if a.get("type") == "application/json"
    ]
    vp = next(n for n in payloads[0]["nodes"] if n["id"] == VP)
    assert vp["info"]["name"] == XSS_NAME
    assert f"Title: {XSS_TITLE}" in vp["title"]
    assert f"Department: {XSS_DEPARTMENT}" in vp["title"]
    # escaped HTML text (titles, signal buttons) reads back as the raw text
    text = "".join(parsed.text)
    assert "Acme <b>pilot</b>" in text


def test_signal_buttons_point_at_people_on_the_graph(views: list[GraphView]) -> None:
    deal = views[2]
    html = render_fragment(deal, name="deal")
    parsed = _parse(html)
    focus = [a["data-focus"] for t, a in parsed.tags if t == "button" and "data-focus" in a]
    ids = {n["id"] for n in deal.nodes}
    assert focus
    assert set(focus) <= ids
    assert all(a.get("data-view") == "deal" for t, a in parsed.tags if "data-focus" in a)


def test_fragment_names_its_container_and_payload(views: list[GraphView]) -> None:
    html = render_fragment(views[0], name="org")
    parsed = _parse(html)
    assert ("div", {"class": "gv-graph", "id": "org", "role": "img"}) in [
        (t, {k: v for k, v in a.items() if k != "aria-label"}) for t, a in parsed.tags
    ]
    payload = json.loads(next(s for s in parsed.scripts if s.strip()))
    assert payload["container"] == "org"
    assert len(payload["nodes"]) == len(views[0].nodes)


def test_notebook_display_is_a_sandboxed_iframe(views: list[GraphView]) -> None:
    out = show(views[1])._repr_html_()
    assert out.startswith('<iframe sandbox="allow-scripts" srcdoc="')
    assert "<script" not in out  # the whole page is an escaped attribute value


def test_render_html_needs_a_view() -> None:
    with pytest.raises(ValueError, match="at least one view"):
        render_html()
