"""Requests share reads of the store's watermark without losing read-after-write."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import ValidationError

from api.cache import AnalyticsCache
from api.freshness import Freshness
from api.keycache import KeyCache
from graphcrm.auth import KeyStore
from graphcrm.config import Settings
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


def test_with_a_staleness_a_recent_read_answers_and_an_older_one_does_not(
    tmp_path: Path,
) -> None:
    store = SlowWatermark.open(tmp_path / "stale.sqlite3")
    fresh = Freshness(
        store,
        AnalyticsCache(ttl=60, max_entries=10),
        KeyCache(KeyStore(store)),
        blocking=True,
        staleness=0.3,
    )
    exact = Freshness(
        store,
        AnalyticsCache(ttl=60, max_entries=10),
        KeyCache(KeyStore(store)),
        blocking=True,
    )
    assert not fresh.recent()  # nothing read yet
    SlowWatermark.started = []
    fresh.sync()
    assert len(SlowWatermark.started) == 1
    assert fresh.recent()
    fresh.sync()  # within 0.3 s of the first read's start: no read
    assert len(SlowWatermark.started) == 1
    time.sleep(0.3)
    assert not fresh.recent()
    fresh.sync()
    assert len(SlowWatermark.started) == 2
    # without a staleness every request after a read's start reads again
    exact.sync()
    assert not exact.recent()
    exact.sync()
    assert len(SlowWatermark.started) == 4
    store.close()


def test_a_staleness_over_half_a_second_is_refused() -> None:
    with pytest.raises(ValidationError, match="api_freshness_seconds"):
        Settings(api_freshness_seconds=0.6)
