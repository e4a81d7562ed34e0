"""Import a Salesforce-shaped export: rows/s and memory.

    ./dev bench sfimport                        # about 1M rows (8,500 accounts)
    ./dev bench sfimport --accounts 300         # a quick one
    ./dev bench sfimport --dir /tmp/sf --keep   # keep the export for another run

A generated portfolio is first written as a Salesforce export
(``graphcrm.io.sfexport``) in a child process, so that this process's peak
memory is the import's alone; that step is timed apart and not counted. The
import then reads every file (User, Account, Contact, Opportunity,
OpportunityHistory, OpportunityFieldHistory, OpportunityContactRole, Task,
EventRelation, Event) into a fresh SQLite store with the mapping file the
export wrote. Printed: CSV data rows, wall time, rows/s, and the process RSS
when 10 %, 50 % and 100 % of the rows were read, which shows whether memory
grows with the export.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import time
from pathlib import Path

from bench.common import peak_rss_mb, rss_mb
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.io.mapping import CrmMapping
from graphcrm.io.salesforce import import_salesforce
from graphcrm.io.sfexport import write_salesforce_export
from graphcrm.store import open_store


def _export(config: GeneratorConfig, directory: Path) -> None:
    summary = write_salesforce_export(generate_portfolio(config), directory)
    print(f"exported {sum(summary.rows.values()):,} rows: {dict(summary.rows)}", flush=True)


def export(config: GeneratorConfig, directory: Path) -> float:
    """Write the export in a child process; its wall time."""
    start = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(target=_export, args=(config, directory))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"the export failed (exit code {child.exitcode})")
    return time.perf_counter() - start


def data_rows(directory: Path) -> int:
    """CSV data rows of the export (records, not lines: a quoted field may hold a break)."""
    import csv

    total = 0
    for path in directory.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            total += sum(1 for _ in csv.reader(f)) - 1
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench sfimport", description=__doc__)
    parser.add_argument("--accounts", type=int, default=8500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/graphcrm-bench/salesforce"))
    parser.add_argument("--store", type=Path, default=Path("/tmp/graphcrm-bench/sfimport.sqlite3"))
    parser.add_argument("--keep", action="store_true", help="reuse and keep the export")
    args = parser.parse_args(argv)

    config = GeneratorConfig(accounts=args.accounts, seed=args.seed)
    if not (args.keep and (args.dir / "Account.csv").exists()):
        shutil.rmtree(args.dir, ignore_errors=True)
        print(f"export of {args.accounts:,} accounts: {export(config, args.dir):.1f} s")
    total = data_rows(args.dir)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.store}{suffix}").unlink(missing_ok=True)
    args.store.parent.mkdir(parents=True, exist_ok=True)

    marks = {"10%": total // 10, "50%": total // 2}
    rss_at: dict[str, float] = {}
    phase = [""]
    read = {"rows": 0, "last": 0}

    def progress(label: str, done: int, _total: int | None) -> None:
        if label != phase[0]:
            phase[0], read["last"] = label, 0
        read["rows"] += done - read["last"]
        read["last"] = done
        for name, at in marks.items():
            if name not in rss_at and read["rows"] >= at:
                rss_at[name] = rss_mb()

    store = open_store(f"sqlite:///{args.store}")
    start = time.perf_counter()
    try:
        report = import_salesforce(
            store,
            args.dir,
            actor="bench",
            at=config.now,
            mapping=CrmMapping.load(args.dir / "mapping.toml"),
            progress=progress,
        )
    finally:
        store.close()
    wall = time.perf_counter() - start
    rss_at["100%"] = rss_mb()
    committed = sum(report.committed.values())
    print(f"rows={total:,} problems={report.problem_count} committed={committed:,}")
    load = os.getloadavg()[0]
    print(f"import wall {wall:.1f} s: {total / wall:,.0f} rows/s (load average {load:.2f})")
    memory = ", ".join(f"{k} {v:.0f} MiB" for k, v in rss_at.items())
    print(f"RSS at {memory}; peak {peak_rss_mb():.0f} MiB")
    if not args.keep:
        shutil.rmtree(args.dir, ignore_errors=True)
