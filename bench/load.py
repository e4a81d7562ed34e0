"""Generator + load: rows/s and memory for a generated portfolio; then reads.

    ./dev bench load --accounts 10000                        # embedded SQLite
    ./dev bench load --accounts 10000 --store neo4j-dev      # a fresh dev Neo4j
    ./dev bench load --accounts 2000 --generate-only         # the generator alone
    ./dev bench load --accounts 10000 --size-max 6000 --reads
    ./dev bench load --accounts 300 --store neo4j-dev --no-rust   # pure-Python packstream

Prints rows/s (all rows and relationship rows), the time split between
generating and storing (the store's also in CPU seconds, which a busy machine
disturbs less than wall time), and the process RSS at 10 %, 50 % and 100 % of the
run, which shows whether memory grows with the portfolio; with ``neo4j-dev``,
also the server's peak RSS. ``./dev bench stores`` runs one portfolio through
both stores and prints the ratios.

With ``--ceiling`` (SQLite only), it then replays every stored row of the
loaded file into a fresh database with the same schema: one ``executemany`` of
a plain ``INSERT`` per table, in one transaction, with no validation, change
planning or encoding; then again without the change log. That is what SQLite
alone costs for the rows the load wrote, and so an upper bound on any load
through this schema. The store's rate is then printed as a fraction of the
ceiling's, by wall time and by CPU time (the figure #19 holds the store to).

With ``--reads``, it then times ``stakeholder_graph`` on the loaded store for
the accounts whose sizes are nearest 50, 500 and 5,000 contacts (median and
p99 over ``--repeat`` reads each, after ``READ_WARMUP`` reads and with the
process's objects frozen out of the garbage collector's sight,
``bench.common.settle``).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    READ_WARMUP,
    dev_neo4j,
    fresh_store,
    load_average,
    peak_rss_mb,
    rss_mb,
    settle,
    summarize_ms,
    timed,
)
from graphcrm.config import parse_store_url
from graphcrm.domain import AccountId, ChangeSet
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store.port import GraphStore
from graphcrm.store.sqlite.schema import migrate

RELATIONSHIP_KINDS = ("reports_to", "influences", "rep_knows", "deal_roles")
READ_SIZES = (50, 500, 5000)


def _relationships(batch: ChangeSet) -> int:
    """Edges of the graph: ties, roles, touchpoint participations, contact -> account."""
    ties = sum(len(getattr(batch, kind)) for kind in RELATIONSHIP_KINDS)
    ties += sum(len(t.contact_ids) + len(t.rep_ids) for t in batch.touchpoints)
    return ties + len(batch.contacts)


@dataclass
class LoadRun:
    rows: int = 0
    relationships: int = 0
    generate_s: float = 0.0
    store_s: float = 0.0
    store_cpu_s: float = 0.0
    wall_s: float = 0.0
    sizes: Counter[str] = field(default_factory=Counter)
    rss_at: dict[str, float] = field(default_factory=dict)


def load(store: GraphStore | None, config: GeneratorConfig) -> LoadRun:
    """Stream the portfolio into ``store`` (None: generate only) and time both sides."""
    out = LoadRun()
    marks = {max(1, config.accounts // 10): "10%", max(1, config.accounts // 2): "50%"}
    done = 0
    wall = time.perf_counter()
    batches = generate_portfolio(config)
    while True:
        t0 = time.perf_counter()
        batch = next(batches, None)
        t1 = time.perf_counter()
        out.generate_s += t1 - t0
        if batch is None:
            break
        if store is not None:
            cpu = time.process_time()
            store.apply(batch, actor="bench")
            out.store_cpu_s += time.process_time() - cpu
            out.store_s += time.perf_counter() - t1
        out.rows += batch.size()
        out.relationships += _relationships(batch)
        out.sizes.update(c.account_id for c in batch.contacts)
        before, done = done, done + len(batch.accounts)
        for mark, label in marks.items():
            if before < mark <= done:
                out.rss_at[label] = rss_mb()
    out.wall_s = time.perf_counter() - wall
    out.rss_at["100%"] = rss_mb()
    return out


def report(run: LoadRun) -> None:
    contacts = sum(run.sizes.values())
    print(f"rows={run.rows:,} relationships={run.relationships:,} contacts={contacts:,}")
    print(f"wall {run.wall_s:.1f} s: generate {run.generate_s:.1f} s, store {run.store_s:.1f} s")
    print(
        f"end to end: {run.rows / run.wall_s:,.0f} rows/s, "
        f"{run.relationships / run.wall_s:,.0f} relationships/s"
    )
    print(f"generator alone: {run.rows / run.generate_s:,.0f} rows/s")
    if run.store_s:
        print(
            f"store alone: {run.rows / run.store_s:,.0f} rows/s, "
            f"{run.relationships / run.store_s:,.0f} relationships/s; "
            f"CPU {run.store_cpu_s:.2f} s = {run.rows / run.store_cpu_s:,.0f} rows per CPU-second"
        )
    marks = ", ".join(f"{k} {v:.0f} MiB" for k, v in run.rss_at.items())
    print(f"RSS at {marks}; peak {peak_rss_mb():.0f} MiB")


def reads(store: GraphStore, sizes: Counter[str], repeat: int) -> None:
    settle()
    for target in READ_SIZES:
        account, size = min(sizes.items(), key=lambda kv: (abs(kv[1] - target), kv[0]))
        aid = AccountId(account)
        timed(lambda: store.stakeholder_graph(aid), READ_WARMUP)  # noqa: B023
        samples = timed(lambda: store.stakeholder_graph(aid), repeat)  # noqa: B023
        print(f"stakeholder_graph {account} ({size} contacts): {summarize_ms(samples)}")


def ceiling(path: Path, run: LoadRun) -> None:
    """Replay the stored rows of the SQLite file at ``path`` into fresh ones; time it.

    Twice: every table, then every table but the change log, to show its share;
    then the store's rate as a fraction of the first, by wall and by CPU time.
    """
    src = sqlite3.connect(path, isolation_level=None)
    try:
        # table names come from the file's own catalogue, never from user input
        names = src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid"
        ).fetchall()
        tables = {name: src.execute(f"SELECT * FROM {name}").fetchall() for (name,) in names}
    finally:
        src.close()
    input_rows, spent_on = run.rows, {}
    for label, skip in (("every table", ""), ("without the change log", "change_log")):
        stored, spent, cpu = _replay(path.with_name(path.stem + "-ceiling.sqlite3"), tables, skip)
        spent_on[label] = spent, cpu
        print(
            f"ceiling, {label}: {stored:,} stored rows ({stored / input_rows:.2f} per input row) "
            f"in {spent:.1f} s = {input_rows / spent:,.0f} input rows/s for SQLite alone; "
            f"CPU {cpu:.2f} s = {input_rows / cpu:,.0f} input rows per CPU-second"
        )
    spent, cpu = spent_on["every table"]
    print(
        f"store alone / ceiling (every table): {spent / run.store_s:.2f} by wall time, "
        f"{cpu / run.store_cpu_s:.2f} by CPU time"
    )


def _replay(
    target: Path, tables: dict[str, list[tuple[object, ...]]], skip: str
) -> tuple[int, float, float]:
    """Insert ``tables`` (but ``skip``) into a fresh file with the store's schema and pragmas;
    return the rows stored, the wall seconds and the CPU seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536"):
            dst.execute(f"PRAGMA {pragma}")
        migrate(dst)
        stored, start, cpu = 0, time.perf_counter(), time.process_time()
        dst.execute("BEGIN")
        for name, rows in tables.items():
            if rows and name != skip:
                marks = ", ".join("?" * len(rows[0]))
                dst.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
                stored += len(rows)
        dst.execute("COMMIT")
        return stored, time.perf_counter() - start, time.process_time() - cpu
    finally:
        dst.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)


def _packer() -> str:
    from neo4j._codec.packstream import v1

    return "rust (neo4j-rust-ext)" if getattr(v1, "_rust_pack", None) else "pure Python"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench load", description="generator + load")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", default="sqlite:///tmp/graphcrm-bench/load.sqlite3")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--size-max", type=int, default=3000, help="largest account")
    parser.add_argument("--reads", action="store_true", help="then time subgraph reads")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="then replay the stored rows into a fresh SQLite file: SQLite's own cost",
    )
    parser.add_argument(
        "--no-rust",
        action="store_true",
        help="hide neo4j-rust-ext so the driver packs in pure Python (for the comparison)",
    )
    args = parser.parse_args(argv)
    sqlite_path = None
    if args.ceiling:
        parsed = parse_store_url(args.store) if args.store != "neo4j-dev" else None
        if parsed is None or parsed.scheme != "sqlite" or parsed.path is None:
            parser.error("--ceiling replays a SQLite store: give --store sqlite:///...")
        sqlite_path = parsed.path
    if args.no_rust:
        # The driver imports its packer from neo4j._rust and falls back to pure
        # Python on ImportError; a None entry in sys.modules makes that import fail.
        sys.modules["neo4j._rust"] = None  # type: ignore[assignment]
    print(f"neo4j packstream: {_packer()}")
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed, size_max=args.size_max)
    print(
        f"accounts={args.accounts:,} seed={args.seed} size_max={args.size_max} "
        f"store={'-' if args.generate_only else args.store}"
    )
    if args.generate_only:
        report(load(None, config))
        return
    print(f"load average {load_average()}")
    if args.store == "neo4j-dev":
        with dev_neo4j() as dev:
            run = load(dev.store, config)
            report(run)
            print(f"Neo4j server peak RSS {dev.peak_rss_mb():.0f} MiB (JVM heap, page cache, all)")
            if args.reads:
                reads(dev.store, run.sizes, args.repeat)
    else:
        with fresh_store(args.store) as store:
            run = load(store, config)
            report(run)
            if args.reads:
                reads(store, run.sizes, args.repeat)
    print(f"load average {load_average()}")
    if sqlite_path is not None:
        ceiling(sqlite_path, run)
