"""``python -m bench pages [--repeat N] [--screenshots] [--size N] [--ties N]``: the pages
in headless Chromium.

Seeds a SQLite store with the demo portfolio and the large account of
:func:`graphcrm.generator.large.large_account` (5,000 people, 6,000 influence ties, one
open deal), serves it with uvicorn on a loopback port and opens the large account's
page in Debian's Chromium (``/usr/bin/chromium``, driven by Playwright; the network
outside the server is blocked). It prints:

- **first view**: from navigation start to the moment both the org chart and the
  influence map are drawn (``performance.mark("graphcrm-drawn:<view>")``), for a cold
  server (first read of the account) and a warm one (cached snapshot), and of it the
  **server**'s share (navigation start to the first byte of the page);
- **longest task**: the longest task (PerformanceObserver ``longtask``) after the first
  view, while the script opens a manager, searches for someone five levels down and
  grows the influence map from a committee member;
- **page bytes**: the HTML document, and everything it loaded (scripts and styles);
- the load average.

Each of ``--repeat`` runs starts a server of its own (as ``graphcrm serve`` does:
:func:`api.app.freeze_imports` once it is built), so every cold load is cold; the
medians come last.

``--screenshots`` also writes the org chart, the influence map and the deal page of
the demo portfolio's riskiest account, in English and Turkish, to ``docs/img/``.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench.common import load_average

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]
DOCS_IMG = ROOT / "docs" / "img"
AS_OF = "2026-11-01"
LONGTASKS = """
window.__longtasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      window.__longtasks.push({start: e.startTime, duration: e.duration});
    });
  }).observe({type: "longtask", buffered: true});
} catch (e) {}
"""


@dataclass(frozen=True, slots=True)
class PageFigures:
    """What one page load measured (milliseconds and bytes)."""

    first_view_ms: float
    server_ms: float
    longest_task_ms: float
    longest_task_before_ms: float
    html_bytes: int
    total_bytes: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(store_url: str, keys_path: Path) -> Iterator[str]:
    """uvicorn serving the API over ``store_url`` in a thread; yields its base URL."""
    import uvicorn

    from api.app import create_app, freeze_imports
    from graphcrm.config import Settings

    settings = Settings(store=SecretStr(store_url), keys_path=str(keys_path))
    port = _free_port()
    app = create_app(settings)
    freeze_imports()  # as graphcrm serve does (api.app.serve_app)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="bench-pages", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def seed(root: Path, *, size: int, ties: int) -> tuple[str, str]:
    """A store with the demo portfolio and the large account; returns its URL and a key."""
    from graphcrm.auth import KeyStore, Scope
    from graphcrm.generator import demo_portfolio
    from graphcrm.generator.large import LARGE_FROM, large_account
    from graphcrm.store import open_store

    url = f"sqlite://{root / 'pages.sqlite3'}"
    store = open_store(url)
    try:
        for batch in demo_portfolio():
            store.apply(batch, actor="bench")
        store.apply(large_account(size, ties=ties), actor="bench", at=LARGE_FROM)
        key = KeyStore(store).create("bench-pages", [Scope.READ], ["*"]).secret
    finally:
        store.close()
    return url, key


def block_outside(context: Any, base: str, blocked: list[str]) -> None:
    """Abort (and record) every request that leaves ``base``."""

    def route(r: Any) -> None:
        if r.request.url.startswith(base + "/") or r.request.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)


def wait_drawn(page: Any, *views: str) -> float:
    """Wait until ``views`` are drawn; the last one's mark, in ms from navigation start."""
    page.wait_for_function(
        "names => names.every(n => performance.getEntriesByName('graphcrm-drawn:' + n).length)",
        arg=list(views),
        timeout=60_000,
    )
    marks: list[float] = page.evaluate(
        "names => names.map(n => performance.getEntriesByName('graphcrm-drawn:' + n)[0].startTime)",
        list(views),
    )
    return max(marks)


def measure_account(page: Any, url: str, *, search: str, grow_from: str) -> PageFigures:
    """Open ``url``, wait for the first view, then open a manager, search ``search`` and
    grow the influence map from ``grow_from``; the figures of that load."""
    page.add_init_script(LONGTASKS)
    page.goto(url, wait_until="load")
    first = wait_drawn(page, "orgchart", "influence")
    page.evaluate(
        "() => window.graphcrm.views.orgchart.expand(window.graphcrm.views.orgchart.data.roots[0])"
    )
    page.evaluate("q => window.graphcrm.views.orgchart.find(q)", search)
    page.evaluate("id => window.graphcrm.views.influence.grow(id)", grow_from)
    page.wait_for_timeout(1500)
    tasks: list[dict[str, float]] = page.evaluate("() => window.__longtasks")
    after = [t["duration"] for t in tasks if t["start"] >= first]
    before = [t["duration"] for t in tasks if t["start"] < first]
    sizes: dict[str, float] = page.evaluate(
        "() => { const nav = performance.getEntriesByType('navigation')[0];"
        " const res = performance.getEntriesByType('resource');"
        " return {html: nav.decodedBodySize, server: nav.responseStart,"
        " total: nav.decodedBodySize + res.reduce((s, r) => s + r.decodedBodySize, 0)}; }"
    )
    return PageFigures(
        first_view_ms=first,
        server_ms=float(sizes["server"]),
        longest_task_ms=max(after, default=0.0),
        longest_task_before_ms=max(before, default=0.0),
        html_bytes=int(sizes["html"]),
        total_bytes=int(sizes["total"]),
    )


def screenshots(browser: Any, base: str, key: str, store_url: str, out: Path) -> list[Path]:
    """The org chart, the influence map and the deal page of the demo's riskiest open deal,
    in English and Turkish."""
    from graphcrm.domain import AccountId
    from graphcrm.domain.base import as_of_instant
    from graphcrm.services.deals import read_account
    from graphcrm.services.params import AnalyticsParams
    from graphcrm.services.risk import assess_open_deals
    from graphcrm.store import open_store

    written: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    account = AccountId("A000008")
    store = open_store(store_url)
    try:
        snap = read_account(store, account, at=as_of_instant(AS_OF), params=AnalyticsParams())
        deals = assess_open_deals(store, snap, params=AnalyticsParams())
        deal_id = deals[0].deal.id if deals else None
    finally:
        store.close()
    for lang in ("en", "tr"):
        context = browser.new_context(
            viewport={"width": 1440, "height": 1000},
            extra_http_headers={"X-API-Key": key},
            device_scale_factor=1,
        )
        blocked: list[str] = []
        block_outside(context, base, blocked)
        page = context.new_page()
        page.goto(f"{base}/pages/accounts/{account}?as_of={AS_OF}&lang={lang}", wait_until="load")
        wait_drawn(page, "orgchart", "influence")
        for view in ("orgchart", "influence"):
            path = out / f"{view}-{lang}.png"
            page.locator(f"#{view}-section").screenshot(path=str(path))
            written.append(path)
        if deal_id is not None:
            page.goto(f"{base}/pages/deals/{deal_id}?as_of={AS_OF}&lang={lang}", wait_until="load")
            wait_drawn(page, "deal")
            path = out / f"deal-{lang}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
        if blocked:
            raise RuntimeError(f"requests left the server: {blocked}")
        context.close()
    return written


def _line(label: str, f: PageFigures) -> str:
    return (
        f"{label}: first view {f.first_view_ms:.0f} ms (server {f.server_ms:.0f} ms), longest"
        f" task after it {f.longest_task_ms:.0f} ms (before it {f.longest_task_before_ms:.0f}"
        f" ms), page {f.html_bytes / 1024:.0f} KiB HTML, {f.total_bytes / 1024:.0f} KiB with"
        " scripts and styles"
    )


def _median(label: str, runs: list[PageFigures]) -> str:
    def med(field: str) -> float:
        return statistics.median(float(getattr(f, field)) for f in runs)

    return _line(
        f"median of {len(runs)}, {label}",
        PageFigures(
            first_view_ms=med("first_view_ms"),
            server_ms=med("server_ms"),
            longest_task_ms=med("longest_task_ms"),
            longest_task_before_ms=med("longest_task_before_ms"),
            html_bytes=int(med("html_bytes")),
            total_bytes=int(med("total_bytes")),
        ),
    )


def main(argv: list[str] | None = None) -> None:
    from playwright.sync_api import sync_playwright

    from graphcrm.generator.large import LARGE

    parser = argparse.ArgumentParser(prog="python -m bench pages")
    parser.add_argument("--size", type=int, default=5000, help="people in the large account")
    parser.add_argument("--ties", type=int, default=6000, help="influence ties in it")
    parser.add_argument("--repeat", type=int, default=5, help="runs, each on a fresh server")
    parser.add_argument("--screenshots", action="store_true", help="also write docs/img/*.png")
    args = parser.parse_args(argv)
    print(f"load average before: {load_average()}")
    runs: dict[str, list[PageFigures]] = {"cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp, sync_playwright() as p:
        started = time.perf_counter()
        store_url, key = seed(Path(tmp), size=args.size, ties=args.ties)
        print(f"seeded the store in {time.perf_counter() - started:.1f} s")
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for run in range(1, args.repeat + 1):
                with serve(store_url, Path(tmp) / "keys.sqlite3") as base:
                    url = f"{base}/pages/accounts/{LARGE}?as_of={AS_OF}"
                    for label, figures in runs.items():
                        context = browser.new_context(
                            viewport={"width": 1440, "height": 1000},
                            extra_http_headers={"X-API-Key": key},
                        )
                        blocked: list[str] = []
                        block_outside(context, base, blocked)
                        f = measure_account(
                            context.new_page(), url, search="Kişi 4321", grow_from="BIG-0009"
                        )
                        context.close()
                        assert not blocked, blocked
                        figures.append(f)
                        print(_line(f"run {run}, {args.size} people, {args.ties} ties, {label}", f))
                    if args.screenshots and run == args.repeat:
                        for path in screenshots(browser, base, key, store_url, DOCS_IMG):
                            print(f"wrote {path.relative_to(ROOT)}")
        finally:
            browser.close()
    for label, figures in runs.items():
        print(_median(f"{label} server", figures))
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
