"""Shared benchmark plumbing: timing, memory, stores, printing."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from graphcrm.config import parse_store_url
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore


def rss_mb() -> float:
    """Current resident set size of this process, in MiB (Linux)."""
    with Path("/proc/self/statm").open() as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarize_ms(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"median {statistics.median(ms):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
        f"min {min(ms):.1f} ms (n={len(ms)})"
    )


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


@contextmanager
def fresh_store(url: str) -> Iterator[GraphStore]:
    """Open the store at ``url`` (a fresh SQLite file, or an emptied Neo4j database)."""
    parsed = parse_store_url(url)
    if parsed.scheme == "sqlite" and parsed.path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(parsed.path) + suffix).unlink(missing_ok=True)
        parsed.path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(parsed)
    try:
        wipe = getattr(store, "wipe", None)
        if parsed.scheme != "sqlite" and callable(wipe):
            wipe()
        yield store
    finally:
        store.close()
