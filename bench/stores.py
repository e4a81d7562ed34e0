"""One generated portfolio in SQLite and in Neo4j, side by side, with ratios from one run.

    ./dev bench stores --accounts 300 --size-max 6000 --repeat 20
    ./dev bench stores --accounts 300 --size-max 6000 --skip-scoring

For each store in turn, on the same generated batches (SQLite: a fresh file in a
temporary directory; Neo4j: a fresh development server, ``bench/common.py``):

1. **load**: the portfolio applied batch by batch (``GraphStore.apply``); rows/s
   of the store alone (generation not counted);
2. **subgraph reads**: ``stakeholder_graph`` of the accounts whose sizes are
   nearest 50, 500 and 5,000 contacts: median and p99 of ``--repeat`` reads after
   ``READ_WARMUP`` reads, the process's objects frozen out of the garbage
   collector's sight first (``bench.common.settle``);
3. **chunked reads**: every account read as the portfolio scoring reads them,
   ``stakeholder_graphs`` of ``CHUNK`` accounts as of the portfolio's instant and
   then the buying committees of those with an open deal as of the start of the
   churn window; accounts/s;
4. **scoring**: ``score_portfolio`` (what ``graphcrm score`` runs: every account
   and open deal scored, scores written back) with ``--workers`` processes, each
   with its own connection; accounts/s, median of ``--score-repeat`` runs after
   one first run, whose rate is printed on its own line (as every other step
   here is timed after a warm-up: a server that has run for a while has
   compiled its read paths, and the first run on a new JVM pays for that). With
   both stores loaded, the runs alternate (SQLite, Neo4j, SQLite, ...), so that
   the two rates share the machine's load; beside them the CPU seconds per 100
   accounts (this process and its workers, and the Neo4j server's), which the
   load moves less.

It prints each figure for both stores and the ratio Neo4j / SQLite, the load
average before and after, the CPU seconds of the load (this process's; the
Neo4j server's, with its busiest threads: steadier than wall time on a shared
machine) and the Neo4j server's peak RSS (JVM heap, page cache and all). The
Neo4j server is started cold, as a new deployment is: its JIT
compiles during the load.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    READ_WARMUP,
    dev_neo4j,
    load_average,
    own_cpu_s,
    percentile,
    process_cpu_s,
    settle,
    thread_cpu_s,
    timed,
)
from bench.load import READ_SIZES, load
from graphcrm.domain import AccountId, PageRequest, StakeholderGraph
from graphcrm.generator import GeneratorConfig
from graphcrm.services.deals import churn_window_start
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.portfolio import CHUNK, score_portfolio
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

STORES = ("sqlite", "neo4j")


@dataclass
class Figures:
    """What one store measured, by name, and notes to print after the table."""

    values: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Opened:
    store: GraphStore
    url: str
    peak_rss_mb: Callable[[], float] | None
    server_pid: int | None = None


@contextmanager
def _open(kind: str, neo4j_url: str | None) -> Iterator[Opened]:
    if kind == "neo4j" and neo4j_url is not None:
        store = open_store(neo4j_url)
        try:
            yield Opened(store, neo4j_url, None)
        finally:
            store.close()
        return
    if kind == "neo4j":
        with dev_neo4j() as dev:
            yield Opened(dev.store, dev.url, dev.peak_rss_mb, dev.server.pid)
        return
    with tempfile.TemporaryDirectory(prefix="graphcrm-bench-stores-") as tmp:
        url = f"sqlite://{Path(tmp) / 'stores.sqlite3'}"
        store = open_store(url)
        try:
            yield Opened(store, url, None)
        finally:
            store.close()


def _has_open_deal(account_id: str, sg: StakeholderGraph) -> bool:
    return any(d.account_id == account_id and not d.stage.is_closed for d in sg.deals)


def chunked_reads(store: GraphStore, config: GeneratorConfig) -> float:
    """Seconds to read every account as ``score_portfolio`` does (see the module doc)."""
    ids = [a.id for a in store.list_accounts(PageRequest(limit=1000)).items]
    offset = len(ids)
    while True:
        page = store.list_accounts(PageRequest(limit=1000, offset=offset))
        if not page.items:
            break
        ids += [a.id for a in page.items]
        offset += len(page.items)
    since = churn_window_start(config.now, AnalyticsParams())
    start = time.perf_counter()
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        graphs = store.stakeholder_graphs(chunk, as_of=config.now)
        dealing = [a for a, g in zip(chunk, graphs, strict=True) if _has_open_deal(a, g)]
        if dealing:
            store.stakeholder_graphs(dealing, as_of=since, committee_only=True)
    return time.perf_counter() - start


def measure(
    kind: str, opened: Opened, config: GeneratorConfig, args: argparse.Namespace
) -> Figures:
    """Steps 1-3 of the module doc on one store (the scoring: :func:`score_in_turns`)."""
    out = Figures()
    store = opened.store
    pid = opened.server_pid
    before = (process_cpu_s(pid), thread_cpu_s(pid)) if pid is not None else None
    client = own_cpu_s()
    run = load(store, config)
    client = own_cpu_s() - client
    out.values["load rows/s (store alone)"] = run.rows / run.store_s
    out.notes.append(
        f"{kind}: {run.rows:,} rows in {run.store_s:.1f} s (store alone); "
        f"this process's CPU over the load {client:.1f} s"
    )
    if before is not None:
        total = process_cpu_s(pid) - before[0]
        out.notes.append(
            f"{kind}: server CPU over the load {total:.1f} s ({_busiest(pid, before[1])})"
        )
    if opened.peak_rss_mb is not None:
        peak = opened.peak_rss_mb()
        out.notes.append(f"{kind}: server peak RSS after the load {peak:.0f} MiB")
    settle()
    reading = thread_cpu_s(pid) if pid is not None else None
    for target in READ_SIZES:
        account, size = _nearest(run.sizes, target)
        aid = AccountId(account)
        timed(lambda: store.stakeholder_graph(aid), READ_WARMUP)  # noqa: B023
        ms = [s * 1000 for s in timed(lambda: store.stakeholder_graph(aid), args.repeat)]  # noqa: B023
        label = f"subgraph ~{target} ({size} contacts)"
        out.values[f"{label} median ms"] = statistics.median(ms)
        out.values[f"{label} p99 ms"] = percentile(ms, 99)
    if reading is not None:
        out.notes.append(f"{kind}: server CPU over the subgraph reads ({_busiest(pid, reading)})")
    accounts = len(run.sizes)
    chunked_reads(store, config)  # warm-up
    spent = statistics.median(chunked_reads(store, config) for _ in range(args.score_repeat))
    out.values["chunked reads accounts/s"] = accounts / spent
    return out


def score_in_turns(
    opened: dict[str, Opened],
    figures: dict[str, Figures],
    config: GeneratorConfig,
    args: argparse.Namespace,
) -> None:
    """Step 4: a first scoring of each store, then ``--score-repeat`` more, in turns;
    the first run's rate, and the medians of the others."""
    rates: dict[str, list[float]] = {kind: [] for kind in opened}
    cpu: dict[str, list[float]] = {kind: [] for kind in opened}
    server: dict[str, list[float]] = {kind: [] for kind in opened}
    for _ in range(1 + args.score_repeat):
        for kind, o in opened.items():
            reopen = functools.partial(open_store, o.url)
            pid = o.server_pid
            client, before = own_cpu_s(children=True), process_cpu_s(pid) if pid else 0.0
            start = time.perf_counter()
            n = sum(
                1
                for _ in score_portfolio(
                    o.store, as_of=config.now, workers=args.workers, reopen=reopen
                )
            )
            rates[kind].append(n / (time.perf_counter() - start))
            cpu[kind].append(100 * (own_cpu_s(children=True) - client) / n)
            server[kind].append(100 * (process_cpu_s(pid) - before) / n if pid else 0.0)
    name = f"scoring accounts/s ({args.workers} processes)"
    for kind in opened:
        values = figures[kind].values
        values[f"{name}, first run"] = rates[kind][0]
        values[name] = statistics.median(rates[kind][1:])
        values["scoring CPU s per 100 accounts: client"] = statistics.median(cpu[kind][1:])
        values["scoring CPU s per 100 accounts: client + server"] = statistics.median(
            c + s for c, s in zip(cpu[kind][1:], server[kind][1:], strict=True)
        )
        figures[kind].notes.append(
            f"{kind}: scoring runs, accounts/s in turn: "
            + ", ".join(f"{r:.1f}" for r in rates[kind])
        )


def _busiest(pid: int | None, before: dict[str, float]) -> str:
    """The server's four busiest threads since ``before`` (:func:`thread_cpu_s`)."""
    threads = {k: v - before.get(k, 0.0) for k, v in thread_cpu_s(pid).items()}
    busiest = sorted(threads.items(), key=lambda kv: -kv[1])[:4]
    return ", ".join(f"{k} {v:.2f} s" for k, v in busiest)


def _nearest(sizes: Counter[str], target: int) -> tuple[str, int]:
    return min(sizes.items(), key=lambda kv: (abs(kv[1] - target), kv[0]))


def report(figures: dict[str, Figures]) -> None:
    sqlite, neo4j = figures["sqlite"], figures["neo4j"]
    width = max(len(k) for k in sqlite.values)
    print(f"{'':{width}}  {'SQLite':>10}  {'Neo4j':>10}  Neo4j/SQLite")
    for key, a in sqlite.values.items():
        b = neo4j.values[key]
        print(f"{key:{width}}  {a:10,.1f}  {b:10,.1f}  {b / a:8.3g}")
    for f in (sqlite, neo4j):
        for note in f.notes:
            print(note)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench stores", description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size-max", type=int, default=6000, help="largest account")
    parser.add_argument("--repeat", type=int, default=20, help="reads per subgraph")
    parser.add_argument("--score-repeat", type=int, default=3, help="chunked reads and scorings")
    parser.add_argument("--workers", type=int, default=2, help="scoring processes")
    parser.add_argument("--skip-scoring", action="store_true")
    parser.add_argument(
        "--neo4j",
        metavar="URL",
        help="an empty running Neo4j to use instead of starting a development server",
    )
    args = parser.parse_args(argv)
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed, size_max=args.size_max)
    print(
        f"accounts={args.accounts:,} seed={args.seed} size_max={args.size_max}; "
        f"load average {load_average()}"
    )
    figures: dict[str, Figures] = {}
    with ExitStack() as stack:
        opened: dict[str, Opened] = {}
        for kind in STORES:  # one after the other; each stays open for the scoring
            opened[kind] = stack.enter_context(_open(kind, args.neo4j))
            figures[kind] = measure(kind, opened[kind], config, args)
        if not args.skip_scoring:
            score_in_turns(opened, figures, config, args)
        for kind, o in opened.items():
            if o.peak_rss_mb is not None:
                figures[kind].notes.append(
                    f"{kind}: server peak RSS at the end {o.peak_rss_mb():.0f} MiB"
                )
    report(figures)
    print(f"load average {load_average()}")
