"""Generator + load: rows/s and memory for a generated portfolio.

    ./dev bench load --accounts 10000                       # embedded SQLite
    ./dev bench load --accounts 10000 --store bolt://127.0.0.1:7687
    ./dev bench load --accounts 2000 --generate-only         # the generator alone

Prints rows/s (all rows and relationship rows), the time split between
generating and storing, and the process RSS at 10 %, 50 % and 100 % of the
run, which shows whether memory grows with the portfolio.
"""

from __future__ import annotations

import argparse
import time

from bench.common import fresh_store, peak_rss_mb, rss_mb
from graphcrm.domain import ChangeSet
from graphcrm.generator import GeneratorConfig, generate_portfolio

RELATIONSHIP_KINDS = ("reports_to", "influences", "rep_knows", "deal_roles")


def _relationships(batch: ChangeSet) -> int:
    """Edges of the graph: ties, roles, and touchpoint participations."""
    ties = sum(len(getattr(batch, kind)) for kind in RELATIONSHIP_KINDS)
    ties += sum(len(t.contact_ids) + len(t.rep_ids) for t in batch.touchpoints)
    return ties + sum(1 for c in batch.contacts)  # contact -> account


def run(accounts: int, seed: int, store_url: str, generate_only: bool) -> None:
    config = GeneratorConfig(accounts=accounts, seed=seed)
    rows = rels = done = 0
    gen_s = store_s = 0.0
    checkpoints = {max(1, accounts // 10): "10%", max(1, accounts // 2): "50%"}
    rss_at: dict[str, float] = {}
    wall = time.perf_counter()
    with fresh_store(store_url) as store:
        batches = generate_portfolio(config)
        while True:
            t0 = time.perf_counter()
            batch = next(batches, None)
            t1 = time.perf_counter()
            gen_s += t1 - t0
            if batch is None:
                break
            if not generate_only:
                store.apply(batch, actor="bench")
                store_s += time.perf_counter() - t1
            rows += batch.size()
            rels += _relationships(batch)
            before = done
            done += len(batch.accounts)
            for mark, label in checkpoints.items():
                if before < mark <= done:
                    rss_at[label] = rss_mb()
        total = time.perf_counter() - wall
        counts = store.stats().counts if not generate_only else {}
    rss_at["100%"] = rss_mb()
    print(f"accounts={accounts:,} seed={seed} store={'-' if generate_only else store_url}")
    print(f"rows={rows:,} relationships={rels:,} contacts={counts.get('contact', 0):,}")
    print(f"wall {total:.1f} s: generate {gen_s:.1f} s, store {store_s:.1f} s")
    print(f"end to end: {rows / total:,.0f} rows/s, {rels / total:,.0f} relationships/s")
    print(f"generator alone: {rows / gen_s:,.0f} rows/s")
    if not generate_only:
        print(f"store alone: {rows / store_s:,.0f} rows/s, {rels / store_s:,.0f} relationships/s")
    marks = ", ".join(f"{k} {v:.0f} MiB" for k, v in rss_at.items())
    print(f"RSS at {marks}; peak {peak_rss_mb():.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench load", description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", default="sqlite:///tmp/graphcrm-bench/load.sqlite3")
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args(argv)
    run(args.accounts, args.seed, args.store, args.generate_only)
