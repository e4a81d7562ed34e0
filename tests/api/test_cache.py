"""The analytics cache: concurrent misses of one key compute once (single flight),
whatever the store; a computation that overlapped an invalidation is not kept.
The server processes' heap freeze (:func:`api.app.freeze_imports`)."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor

from api.app import freeze_imports
from api.cache import AnalyticsCache

CLIENTS = 16


def test_concurrent_misses_of_one_key_compute_once_and_all_get_its_value() -> None:
    cache = AnalyticsCache(ttl=600, max_entries=100)
    started = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        started.set()
        assert release.wait(10)
        return "risk"

    def ask() -> str:
        return cache.get_or_compute(("risk", "D1"), {"account:A1"}, compute, present=True, kind=str)

    with ThreadPoolExecutor(CLIENTS) as pool:
        leader = pool.submit(ask)
        assert started.wait(10)
        followers = [pool.submit(ask) for _ in range(CLIENTS - 1)]
        release.set()
        answers = [leader.result(10), *(f.result(10) for f in followers)]

    assert answers == ["risk"] * CLIENTS
    assert len(calls) == 1
    assert cache.misses == 1


def test_a_computation_that_overlapped_an_invalidation_is_returned_but_not_kept() -> None:
    cache = AnalyticsCache(ttl=600, max_entries=100)
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        if len(calls) == 1:
            cache.invalidate({"account:A1"})  # a write lands while this one computes
        return f"risk {len(calls)}"

    def ask() -> str:
        return cache.get_or_compute(("risk", "D1"), {"account:A1"}, compute, present=True, kind=str)

    assert ask() == "risk 1"
    assert ask() == "risk 2"  # computed again: the first answer may predate the write
    assert ask() == "risk 2"
    assert len(calls) == 2


def test_freeze_imports_takes_what_is_alive_out_of_the_collectors_sight() -> None:
    try:
        freeze_imports()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
