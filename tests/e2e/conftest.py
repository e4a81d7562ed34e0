"""A real server and a real browser.

The server is uvicorn serving :func:`api.app.create_app` on a free loopback
port, in a background thread, over a seeded SQLite store: the demo portfolio,
the sample account with its hostile contact (:mod:`tests.viz.sample`), the
Krackhardt managers and a 5,000-person account. The browser is Debian's
Chromium (``/usr/bin/chromium``) driven by Playwright; no browser is ever
downloaded. Every page runs with the network blocked: requests that leave the
server's origin are aborted and recorded, and the tests assert there were none.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route, sync_playwright
from pydantic import SecretStr

from api.app import create_app
from graphcrm.auth import KeyStore, Scope
from graphcrm.config import Settings
from graphcrm.domain import AccountId, ChangeSet
from graphcrm.generator import demo_portfolio
from graphcrm.generator.large import large_account
from graphcrm.io.krackhardt import load_krackhardt
from graphcrm.store import open_store
from tests.viz.sample import batches

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AS_OF = "2026-11-01"
FX_RATES = {"EUR": 45.0, "USD": 41.0, "GBP": 53.0, "CHF": 48.0}
"""The exchange rates the server forecasts with (``GRAPHCRM_FX_RATES``)."""
FX_AS_OF = date(2026, 10, 30)
KRACKHARDT_FROM = datetime(2026, 1, 1, tzinfo=UTC)
BIG = AccountId("BIG")
BIG_SIZE = 5000
BIG_TIES = 6000
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def big_account(n: int = BIG_SIZE) -> ChangeSet:
    """A 5,000-person account with 6,000 influence ties and an open deal
    (:func:`graphcrm.generator.large.large_account`): a tree where everyone manages six."""
    return large_account(n, ties=BIG_TIES)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    base: str
    key: str
    ege_key: str
    store_url: str


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("e2e")
    store_url = f"sqlite://{root / 'e2e.sqlite3'}"
    store = open_store(store_url)
    try:
        for batch in demo_portfolio():
            store.apply(batch, actor="e2e")
        for changes, at in batches():
            store.apply(changes, actor="e2e", at=at)
        data = ROOT / "tests" / "data" / "krackhardt-hightech"
        store.apply(load_krackhardt(data, valid_from=KRACKHARDT_FROM), actor="e2e")
        store.apply(big_account(), actor="e2e", at=KRACKHARDT_FROM)
        keys = KeyStore(store)
        key = keys.create("e2e", [Scope.READ], ["*"]).secret
        ege_key = keys.create("e2e-ege", [Scope.READ], ["Ege"]).secret
    finally:
        store.close()
    keys_path = root / "keys.sqlite3"

    settings = Settings(
        store=SecretStr(store_url), keys_path=str(keys_path), fx_rates=FX_RATES, fx_as_of=FX_AS_OF
    )
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the e2e server did not start", pytrace=False)
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", key, ege_key, store_url)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install -y chromium (./dev test does it)",
            pytrace=False,
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Watched:
    """A page with the network blocked and its console, errors and dialogs recorded."""

    page: Page
    base: str
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_function("document.documentElement.dataset.graphcrmReady === 'true'")

    def wait_stable(self, view: str) -> None:
        self.page.wait_for_function(
            "name => document.getElementById(name)?.dataset.stable === 'true'", arg=view
        )

    def counts(self, view: str) -> tuple[int, int]:
        got: list[int] = self.page.evaluate(
            "name => { const v = window.graphcrm.views[name];"
            " return [v.nodes.length, v.edges.length]; }",
            view,
        )
        return got[0], got[1]

    def click_node(self, view: str, node_id: str) -> None:
        """Click where vis-network draws the node (a real mouse click on the canvas)."""
        self.page.evaluate(
            "([name, id]) => { const v = window.graphcrm.views[name];"
            " document.getElementById(name).scrollIntoView({block: 'center'});"
            " v.network.moveTo({position: v.network.getPositions([id])[id], scale: 1.0,"
            " animation: false}); }",
            [view, node_id],
        )
        xy: dict[str, float] = self.page.evaluate(
            "([name, id]) => { const v = window.graphcrm.views[name];"
            " const p = v.network.canvasToDOM(v.network.getPositions([id])[id]);"
            " const r = document.getElementById(name).getBoundingClientRect();"
            " return {x: r.left + p.x, y: r.top + p.y}; }",
            [view, node_id],
        )
        self.page.mouse.click(xy["x"], xy["y"])

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.blocked == [], f"requests left the server: {self.blocked}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"page errors: {self.page_errors}"
        assert self.dialogs == [], f"dialogs fired: {self.dialogs}"


@pytest.fixture
def watched(browser: Browser, server: Server) -> Iterator[Watched]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000},
        extra_http_headers={"X-API-Key": server.key},
        locale="en-US",
    )
    page = context.new_page()
    w = Watched(page, server.base)

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith(server.base + "/") or url.startswith("data:"):
            r.continue_()
        else:
            w.blocked.append(url)
            r.abort()

    def console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            w.console_errors.append(msg.text)

    def dialog(d: Dialog) -> None:
        w.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    def page_error(e: Any) -> None:
        w.page_errors.append(str(e))

    context.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", page_error)
    page.on("dialog", dialog)
    try:
        yield w
    finally:
        context.close()
