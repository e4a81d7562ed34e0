"""Shared benchmark plumbing: timing, memory, stores, printing."""

from __future__ import annotations

import gc
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graphcrm.config import parse_store_url
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

if TYPE_CHECKING:
    from graphcrm.devserver import Neo4jDevServer


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


READ_WARMUP = 20
"""Reads of an account before its timed reads: a fresh server (a new JVM) compiles the
read path over its first reads, as a running one has long done."""


def settle() -> None:
    """Collect, then move every object alive out of the cyclic collector's sight, as the
    API server does after start-up (``api.app.freeze_imports``): otherwise a full
    collection walks everything graphcrm imported (20-50 ms in a bench process) every
    few dozen reads, and that, not the store, is the p99."""
    gc.collect()
    gc.freeze()


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


# Full JIT and a larger heap: the launcher's defaults favour start-up time. The heap
# is fixed (no resizing); the metaspace starts above what Neo4j's generated query
# classes reach, so no "Metadata GC Threshold" full collection stops a run; the young
# generation is small, so each young pause (copying the survivors) stays short. The
# pauses measured with and without these are in docs/benchmarks.md.
BENCH_JAVA_OPTS = "-XX:TieredStopAtLevel=4 -Xms2g -Xmx2g -Xmn128m -XX:MetaspaceSize=128m"


def process_peak_rss_mb(pid: int) -> float:
    """Peak resident set size (``VmHWM``) of another process, in MiB (Linux)."""
    with Path(f"/proc/{pid}/status").open() as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise ValueError(f"no VmHWM for process {pid}")


def own_cpu_s(*, children: bool = False) -> float:
    """CPU seconds (user and system) this process has used so far; with ``children``,
    and its child processes that have ended (and been waited for)."""
    t = os.times()
    total = t.user + t.system
    return total + t.children_user + t.children_system if children else total


def process_cpu_s(pid: int | None) -> float:
    """CPU seconds (user and system) another process has used so far (Linux)."""
    if pid is None:
        raise ValueError("no process id")
    with Path(f"/proc/{pid}/stat").open() as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_s(pid: int | None) -> dict[str, float]:
    """CPU seconds of another process's threads so far, summed by thread name (Linux;
    digits dropped, so a pool's threads add up: ``C2 CompilerThread``, ``neo4j.BoltWorker``)."""
    if pid is None:
        raise ValueError("no process id")
    out: dict[str, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip().rstrip("0123456789-").strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf(
            "SC_CLK_TCK"
        )
    return out


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as ``uptime`` prints them."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


@dataclass
class DevNeo4j:
    """A fresh development Neo4j started for a benchmark, and a store open on it."""

    server: Neo4jDevServer
    store: GraphStore

    @property
    def url(self) -> str:
        return self.server.uri

    def peak_rss_mb(self) -> float:
        """The server process's peak RSS so far (heap, page cache, everything)."""
        pid = self.server.pid
        if pid is None:
            raise RuntimeError("the Neo4j dev server is not running")
        return process_peak_rss_mb(pid)


@contextmanager
def dev_neo4j(*, java_opts: str = "", config: dict[str, str] | None = None) -> Iterator[DevNeo4j]:
    """A new development Neo4j (empty, tuned for throughput: 1 GiB page cache,
    :data:`BENCH_JAVA_OPTS`, then ``java_opts``; ``config``: more ``neo4j.conf``
    settings) with a store open on it; both are stopped afterwards."""
    from graphcrm.devserver import Neo4jDevServer

    opts = f"{BENCH_JAVA_OPTS} {java_opts}".strip()
    with Neo4jDevServer(pagecache="1g", java_opts=opts, config=config) as server:
        store = open_store(parse_store_url(server.uri))
        try:
            yield DevNeo4j(server, store)
        finally:
            store.close()


@contextmanager
def fresh_store(url: str) -> Iterator[GraphStore]:
    """Open the store at ``url``: a fresh SQLite file, or, for ``neo4j-dev``, a new
    development Neo4j (:func:`dev_neo4j`) that is stopped afterwards."""
    if url == "neo4j-dev":
        with dev_neo4j() as dev:
            yield dev.store
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
