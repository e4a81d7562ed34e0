"""Editing from the influence map (issue 14, item 8): a key with write scope sets a stance,
removes and adds an influence tie from the selected person's panel, and the API reads the
changes back; a stale ETag is reloaded and said; a read-only key sees no edit controls.

Its own server (``graphcrm serve`` over the API tests' small seeded store, where on
M1-D1 M1-C3 is the champion with stance 2 and M1-C6 advises M1-C1), so the shared e2e
store stays as the other browser tests expect it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Route

from tests.api.conftest import make_settings, seed, served
from tests.e2e.conftest import Watched

PAGE = "/pages/accounts/M1?deal=M1-D1"
DETAILS = "#influence-details"


@pytest.fixture(scope="module")
def editing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    settings = make_settings(Path(tmp_path_factory.mktemp("edit")))
    keys = seed(settings)
    with served(settings) as base:
        yield base, keys


def _open(browser: Browser, base: str, key: str) -> Iterator[Watched]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, extra_http_headers={"X-API-Key": key}
    )
    page = context.new_page()
    w = Watched(page, base)

    def route(r: Route) -> None:
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:
            w.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: w.page_errors.append(str(e)))
    try:
        w.open(PAGE)
        w.wait_stable("influence")
        yield w
    finally:
        context.close()


def _api(base: str, key: str, path: str) -> httpx.Response:
    return httpx.get(base + path, headers={"X-API-Key": key})


def _select(w: Watched, person: str) -> None:
    w.click_node("influence", person)
    w.page.wait_for_selector(f'{DETAILS} [data-edit="{person}"] [data-edit-save]:not([disabled])')


def _value(w: Watched, selector: str, value: str) -> None:
    """Wait until the panel's field shows ``value`` (the panel fills in after a fetch)."""
    w.page.wait_for_function(
        "([sel, value]) => document.querySelector(sel)?.value === value",
        arg=[selector, value],
    )


def _edge(w: Watched, edge: str, *, present: bool) -> None:
    """Wait until the map has (or no longer has) ``edge`` (it redraws after the write)."""
    w.page.wait_for_function(
        "([id, present]) => !!window.graphcrm.views.influence.edges.get(id) === present",
        arg=[edge, present],
    )


def _said(w: Watched, text: str) -> None:
    w.page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.textContent === text",
        arg=[f"{DETAILS} .gv-edit-status", text],
    )


def test_set_a_stance_and_change_ties_from_the_map(
    browser: Browser, editing: tuple[str, dict[str, str]]
) -> None:
    base, keys = editing
    key = keys["marmara"]
    for w in _open(browser, base, key):
        w.page.evaluate("window.__same_page = true")
        _select(w, "M1-C3")
        _value(w, f"{DETAILS} [data-edit-stance]", "2")
        w.page.select_option(f"{DETAILS} [data-edit-stance]", "-1")
        w.page.click(f"{DETAILS} [data-edit-save]")
        _said(w, "Saved.")
        assert _api(base, key, "/v1/deals/M1-D1/roles/M1-C3").json()["stance"] == -1

        # Someone else changes the stance: the page's ETag is stale, it reloads and says so.
        role = _api(base, key, "/v1/deals/M1-D1/roles/M1-C3")
        other = httpx.patch(
            base + "/v1/deals/M1-D1/roles/M1-C3",
            headers={"X-API-Key": key, "If-Match": role.headers["ETag"]},
            json={"stance": 1},
        )
        assert other.status_code == 200
        w.page.select_option(f"{DETAILS} [data-edit-stance]", "-2")
        w.page.click(f"{DETAILS} [data-edit-save]")
        _said(w, "Someone changed this since the page loaded: reloaded, check and save again.")
        _value(w, f"{DETAILS} [data-edit-stance]", "1")
        assert _api(base, key, "/v1/deals/M1-D1/roles/M1-C3").json()["stance"] == 1

        # Remove a tie, then add one: the map changes in place.
        tie = "advises:M1-C6>M1-C1"
        _select(w, "M1-C6")
        _edge(w, tie, present=True)
        w.page.click(f'{DETAILS} [data-edit-remove="{tie}"]')
        _said(w, "Saved.")
        assert _api(base, key, "/v1/influences/M1-C6/M1-C1/advises").status_code == 404
        _edge(w, tie, present=False)
        w.page.select_option(f"{DETAILS} [data-edit-tie-to]", "M1-C2")
        w.page.select_option(f"{DETAILS} [data-edit-tie-kind]", "trusts")
        w.page.fill(f"{DETAILS} [data-edit-tie-strength]", "0.7")
        w.page.click(f"{DETAILS} [data-edit-add]")
        _said(w, "Saved.")
        added = _api(base, key, "/v1/influences/M1-C6/M1-C2/trusts")
        assert added.status_code == 200
        assert added.json()["strength"] == 0.7
        _edge(w, "trusts:M1-C6>M1-C2", present=True)
        assert w.page.evaluate("window.__same_page === true")  # no reload
        assert w.blocked == []
        assert w.page_errors == []


def test_a_read_only_key_sees_no_edit_controls(
    browser: Browser, editing: tuple[str, dict[str, str]]
) -> None:
    base, keys = editing
    for w in _open(browser, base, keys["reader"]):
        w.click_node("influence", "M1-C3")
        w.page.wait_for_selector(f'{DETAILS}[data-node="M1-C3"]')
        assert w.page.query_selector(f"{DETAILS} .gv-edit") is None
        assert w.page_errors == []
    refused = httpx.patch(
        base + "/pages/edit/deals/M1-D1/roles/M1-C3",
        headers={"X-API-Key": keys["reader"], "If-Match": "*"},
        json={"stance": 0},
    )
    assert refused.status_code == 403
