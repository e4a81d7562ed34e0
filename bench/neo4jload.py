"""Where a Neo4j load spends its time: the client's time per phase and per statement.

    ./dev bench neo4jload --accounts 300 --size-max 6000
    ./dev bench neo4jload --accounts 300 --size-max 6000 --profile

Generates the portfolio first (not timed), starts a fresh development Neo4j
(``bench/common.py``: the bench's heap and page cache) and applies the batches
as ``bench load`` does, timing inside each ``apply``:

- **validation**: the shared validation's lookups (``graphcrm.store.validation``);
- **write**: :func:`graphcrm.store.neo4j.writer.write_batch` without the change log;
- **change log**: reserving the sequence numbers and writing pages and key index;
- **commit**: what is left of ``apply`` (the driver's ``COMMIT`` and retries);

and the CPU seconds the server and this process spent over the load (steadier
than wall time on a shared machine);

and, within them, the round trips of each catalog statement by name (the time
from sending it to its last record, the server's work included), with rows sent.

With ``--profile``, it first stores the reps, then runs each write statement of
the first account batch under ``PROFILE``, inside transactions that are rolled
back, and prints the operators with their rows and database hits; the timed
load follows.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import dev_neo4j, load_average, own_cpu_s, process_cpu_s, thread_cpu_s
from graphcrm.domain import ChangeSet
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store import validation
from graphcrm.store.neo4j import changelog, lookup, queries, writer
from graphcrm.store.neo4j import store as neo4j_store

PHASES = ("validation", "write", "change log", "commit")


class Clock:
    """Seconds and calls by phase and by statement."""

    def __init__(self) -> None:
        self.phase: dict[str, float] = defaultdict(float)
        self.statement: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.rows: dict[str, int] = defaultdict(int)

    def add_statement(self, name: str, seconds: float, rows: int) -> None:
        self.statement[name] += seconds
        self.calls[name] += 1
        self.rows[name] += rows


@contextmanager
def _patched(module: object, attr: str, replacement: Any) -> Iterator[None]:
    original = getattr(module, attr)
    setattr(module, attr, replacement)
    try:
        yield
    finally:
        setattr(module, attr, original)


def _timed_statement(clock: Clock, fn: Callable[..., Any], rows_arg: int) -> Callable[..., Any]:
    """``fn(tx, name, <rows>, ...)`` timed under ``name``; ``rows_arg`` is the index of
    the argument whose length counts as rows sent (-1: none)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        n = len(args[rows_arg]) if 0 <= rows_arg < len(args) else 0
        clock.add_statement(args[1], time.perf_counter() - start, n)
        return out

    return wrapper


def _timed_phase(clock: Clock, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            clock.phase[phase] += time.perf_counter() - start

    return wrapper


@contextmanager
def instrumented(clock: Clock) -> Iterator[None]:
    """Time the Neo4j adapter's statements and phases into ``clock``."""
    timed_write = _timed_statement(clock, queries.write, 2)
    timed_rows_by_ids = _timed_statement(clock, queries.rows_by_ids, 2)
    timed_fetch_one = _timed_statement(clock, queries.fetch_one, -1)
    write_batch = writer.write_batch
    append = changelog.append
    with (
        _patched(writer, "write", timed_write),
        _patched(writer, "rows_by_ids", timed_rows_by_ids),
        _patched(lookup, "rows_by_ids", timed_rows_by_ids),
        _patched(changelog, "write", timed_write),
        _patched(changelog, "fetch_one", timed_fetch_one),
        _patched(changelog, "append", _timed_phase(clock, "change log", append)),
        _patched(neo4j_store, "validate", _timed_phase(clock, "validation", validation.validate)),
        _patched(neo4j_store, "write_batch", _timed_phase(clock, "write", write_batch)),
    ):
        yield


def _report(clock: Clock, rows: int, applied_s: float) -> None:
    # write_batch's time includes the change log's: take it out.
    clock.phase["write"] -= clock.phase["change log"]
    clock.phase["commit"] = applied_s - sum(clock.phase[p] for p in PHASES if p != "commit")
    print(f"{rows:,} rows in {applied_s:.1f} s: {rows / applied_s:,.0f} rows/s (store alone)")
    for p in PHASES:
        s = clock.phase[p]
        print(f"  {p:<12} {s:7.2f} s  {100 * s / applied_s:5.1f} %")
    print("statements (round trip incl. server work), by time:")
    for name, s in sorted(clock.statement.items(), key=lambda kv: -kv[1]):
        print(
            f"  {name:<42} {s:7.2f} s  {100 * s / applied_s:5.1f} %  "
            f"{clock.calls[name]:4d} calls  {clock.rows[name]:8,d} rows"
        )


def _profile(uri: str, batch: ChangeSet) -> None:
    """PROFILE each write of ``batch``, validated and planned as ``apply`` does, in
    order in one transaction that is rolled back."""
    from datetime import UTC, datetime

    from neo4j import GraphDatabase, ManagedTransaction

    from graphcrm.store.cypher import query
    from graphcrm.store.neo4j.lookup import Neo4jLookup
    from graphcrm.store.validation import validate

    def profiled(tx: Any, name: str, rows: Any) -> None:
        for part in queries.chunks(rows, queries.WRITE_CHUNK):
            start = time.perf_counter()
            text = "PROFILE " + query(name)
            summary = tx.run(text, {"rows": list(part)}).consume()
            spent = time.perf_counter() - start
            print(f"\n{name}: {len(part):,} rows, {spent * 1000:.0f} ms")
            _print_plan(summary.profile, 1)

    with (
        GraphDatabase.driver(uri, notifications_min_severity="OFF") as driver,
        driver.session() as session,
    ):

        def work(tx: ManagedTransaction) -> None:
            with _patched(writer, "write", profiled), _patched(changelog, "write", profiled):
                now = datetime.now(UTC)
                plan = validate(batch, Neo4jLookup(tx), at=now)
                writer.write_batch(tx, batch, plan, actor="profile", at=now)
            raise _RolledBack

        with contextlib.suppress(_RolledBack):
            session.execute_write(work)


WARM_UP = GeneratorConfig(accounts=12, chunk_accounts=1, seed=99, size_max=60)
"""The portfolio of :func:`warm_up`: a dozen small batches, rolled back."""


def warm_up(uri: str, config: GeneratorConfig = WARM_UP) -> int:
    """Run every write of a small portfolio's batches in a transaction that is rolled
    back, so a fresh server has compiled the load's statements (twice: Cypher
    compiles a statement again, with generated code, once it is hot) and its JIT has
    seen them, as on a server that has long been running. Leaves the database as it
    was; returns the rows sent."""
    from datetime import UTC, datetime

    from neo4j import GraphDatabase, ManagedTransaction

    from graphcrm.store.neo4j.lookup import Neo4jLookup
    from graphcrm.store.validation import validate

    # One transaction: the batches refer to earlier ones (reps, parent accounts,
    # departed contacts), and nothing stays between transactions.
    groups = [list(generate_portfolio(config))]
    with (
        GraphDatabase.driver(uri, notifications_min_severity="OFF") as driver,
        driver.session() as session,
    ):
        for group in groups:

            def work(tx: ManagedTransaction, group: list[ChangeSet] = group) -> None:
                now = datetime.now(UTC)
                for batch in group:
                    lookup = Neo4jLookup(tx, batch)
                    plan = validate(batch, lookup, at=now)
                    writer.write_batch(tx, batch, plan, actor="warm-up", at=now, new=lookup.new)
                raise _RolledBack

            with contextlib.suppress(_RolledBack):
                session.execute_write(work)
    return sum(b.size() for g in groups for b in g)


class _RolledBack(Exception):
    """Raised to roll the profiled transaction back."""


def _print_plan(plan: dict[str, Any] | None, depth: int) -> None:
    if not plan:
        return
    args = plan.get("args", {})
    print(
        f"{'  ' * depth}{plan.get('operatorType')}: rows {plan.get('rows')}, "
        f"db hits {plan.get('dbHits')}, time {args.get('Time', '-')} "
        f"{args.get('Details', '')[:90]}"
    )
    for child in plan.get("children", []):
        _print_plan(child, depth + 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench neo4jload", description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size-max", type=int, default=6000)
    parser.add_argument("--profile", action="store_true", help="PROFILE each write once")
    parser.add_argument(
        "--warm", action="store_true", help="warm the server up first (warm_up) and time after"
    )
    parser.add_argument("--java-opts", default="", help="more JVM options for the server")
    parser.add_argument(
        "--config", action="append", default=[], metavar="KEY=VALUE", help="a neo4j.conf setting"
    )
    args = parser.parse_args(argv)
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed, size_max=args.size_max)
    batches = list(generate_portfolio(config))
    rows = sum(b.size() for b in batches)
    print(f"accounts={args.accounts:,} rows={rows:,}; load average {load_average()}")
    clock = Clock()
    settings = dict(c.split("=", 1) for c in args.config)
    with dev_neo4j(java_opts=args.java_opts, config=settings) as dev:
        if args.warm:
            start = time.perf_counter()
            n = warm_up(dev.url)
            print(f"warm-up: {n:,} rows rolled back in {time.perf_counter() - start:.1f} s")
        if args.profile:
            dev.store.apply(batches[0], actor="bench")
            _profile(dev.url, batches[1])
            rows -= batches[0].size()
            batches = batches[1:]
        applied = 0.0
        server_cpu, client_cpu = process_cpu_s(dev.server.pid), own_cpu_s()
        threads = thread_cpu_s(dev.server.pid)
        with instrumented(clock):
            for b in batches:
                start = time.perf_counter()
                dev.store.apply(b, actor="bench")
                applied += time.perf_counter() - start
        server_cpu = process_cpu_s(dev.server.pid) - server_cpu
        client_cpu = own_cpu_s() - client_cpu
        after = thread_cpu_s(dev.server.pid)
        spent = {k: v - threads.get(k, 0.0) for k, v in after.items()}
        _report(clock, rows, applied)
        print(f"CPU: server {server_cpu:.1f} s, client {client_cpu:.1f} s; wall {applied:.1f} s")
        busiest = sorted(spent.items(), key=lambda kv: -kv[1])[:6]
        print("  server threads: " + ", ".join(f"{k} {v:.1f} s" for k, v in busiest))
        print(f"server peak RSS {dev.peak_rss_mb():.0f} MiB")
    print(f"load average {load_average()}")
