"""Requests share reads of the store's watermark without losing read-after-write."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

from api.cache import AnalyticsCache
from api.freshness import Freshness
from api.keycache import KeyCache
from graphcrm.auth import KeyStore
from graphcrm.domain.keys import Watermark
from graphcrm.store.sqlite import SqliteStore


class SlowWatermark(SqliteStore):
    """The embedded store, with a watermark read that takes 50 ms, as a remote one may."""

    started: ClassVar[list[float]] = []

    def watermark(self) -> Watermark:
        SlowWatermark.started.append(time.monotonic())
        time.sleep(0.05)
        return super().watermark()


def test_a_burst_of_requests_shares_reads_and_each_is_answered_by_a_later_one(
    tmp_path: Path,
) -> None:
    store = SlowWatermark.open(tmp_path / "fresh.sqlite3")
    fresh = Freshness(
        store,
        AnalyticsCache(ttl=60, max_entries=10),
        KeyCache(KeyStore(store)),
        blocking=True,
    )
    SlowWatermark.started = []

    def request() -> float:
        arrived = time.monotonic()
        fresh.sync()
        return arrived

    with ThreadPoolExecutor(16) as pool:
        arrived = list(pool.map(lambda _: request(), range(16)))
    # 16 requests, far fewer reads: at most one in flight, one more for the late comers
    assert 1 <= len(SlowWatermark.started) <= 3
    # and each request was answered by a read that started after it arrived
    assert all(any(s >= a for s in SlowWatermark.started) for a in arrived)
    store.close()
