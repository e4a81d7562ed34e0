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


# Full JIT and a larger heap: the launcher's defaults favour start-up time. The heap
# is fixed (no resizing), and the metaspace starts above the ~40 MB Neo4j's generated
# query classes reach: from the launcher's default the JVM stopped twice a run for a
# "Metadata GC Threshold" full collection (serial GC), 65-300 ms each on two shared
# cores. The young generation is sized apart: the default share of a 2 GB heap (or
# 512 MB) made each young pause (copying the survivors) 40-160 ms; 128 MB keeps them
# under ~50 ms, about one every 2 s while recomputing.
BENCH_JAVA_OPTS = "-XX:TieredStopAtLevel=4 -Xms2g -Xmx2g -Xmn128m -XX:MetaspaceSize=128m"


@contextmanager
def fresh_store(url: str) -> Iterator[GraphStore]:
    """Open the store at ``url``: a fresh SQLite file, or, for ``neo4j-dev``, a new
    development Neo4j (empty, tuned for throughput) that is stopped afterwards."""
    if url == "neo4j-dev":
        from graphcrm.devserver import Neo4jDevServer

        with Neo4jDevServer(pagecache="1g", java_opts=BENCH_JAVA_OPTS) as server:
            store = open_store(parse_store_url(server.uri))
            try:
                yield store
            finally:
                store.close()
        return
    parsed = parse_store_url(url)
    if parsed.scheme == "sqlite" and parsed.path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(parsed.path) + suffix).unlink(missing_ok=True)
        parsed.path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(parsed)
    try:
        yield store
    finally:
        store.close()
