"""A whole CRM end to end: generate a portfolio, load it, score it with ``graphcrm score``.

    ./dev bench whole --accounts 100000                  # issue #19's run (~20-30 min)
    ./dev bench whole --accounts 2000                    # while developing
    ./dev bench whole --accounts 2000 --skip-load        # score the file loaded before

Phase 1 streams the generated portfolio into a fresh SQLite file
(:func:`bench.load.load`: rows/s end to end and store alone, this process's
peak RSS). Phase 2 runs ``graphcrm score`` on that file in a child process, as
a user would (its worker processes included), and samples the resident memory
of the whole process tree every :data:`SAMPLE_S` seconds: the peak of that sum
is the scoring's peak memory. Each phase prints its wall time and the load
average before and after it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import load_average, peak_rss_mb
from bench.load import load
from graphcrm.generator import GeneratorConfig
from graphcrm.store.sqlite import SqliteStore

SAMPLE_S = 0.5
"""How often the scoring's process tree is measured."""


def _children() -> dict[int, list[int]]:
    """Each running process's children, from /proc (Linux)."""
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def tree_rss_mb(root: int) -> float:
    """The summed resident memory of ``root`` and every descendant, in MiB."""
    children = _children()
    total, todo = 0, [root]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except OSError:
            continue
    return total / 2**20


def score(path: Path, as_of: str) -> tuple[float, float, str]:
    """Run ``graphcrm score`` as of ``as_of`` on the file: wall s, peak tree MiB, output."""
    env = {**os.environ, "GRAPHCRM_STORE": f"sqlite://{path}"}
    cmd = [sys.executable, "-m", "graphcrm", "score", "--as-of", as_of, "--top", "3"]
    peak = 0.0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    done = threading.Event()
    chunks: list[bytes] = []

    def drain() -> None:
        assert proc.stdout is not None
        chunks.append(proc.stdout.read())
        done.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        done.wait(SAMPLE_S)
    wall = time.perf_counter() - start
    reader.join()
    text = b"".join(chunks).decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"graphcrm score failed ({proc.returncode}):\n{text}")
    return wall, peak, text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench whole", description="generate, load, score")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size-max", type=int, default=3000, help="largest account")
    parser.add_argument("--path", type=Path, default=Path("/tmp/graphcrm-bench/whole.sqlite3"))
    parser.add_argument("--skip-load", action="store_true", help="score the file as it is")
    args = parser.parse_args(argv)
    path: Path = args.path
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed, size_max=args.size_max)
    print(f"accounts={args.accounts:,} seed={args.seed} size_max={args.size_max} file={path}")
    if not args.skip_load:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        print(f"load: load average {load_average()}")
        store = SqliteStore.open(path)
        try:
            run = load(store, config)
        finally:
            store.close()
        print(
            f"load: {run.rows:,} rows, {sum(run.sizes.values()):,} contacts in {run.wall_s:.1f} s "
            f"(generate {run.generate_s:.1f} s, store {run.store_s:.1f} s): "
            f"{run.rows / run.wall_s:,.0f} rows/s end to end, "
            f"{run.rows / run.store_s:,.0f} store alone; peak RSS {peak_rss_mb():.0f} MiB"
        )
    print(f"score: load average {load_average()}")
    wall, peak, text = score(path, config.now.isoformat())
    scored = next(
        (line for line in text.splitlines() if "accounts/s" in line or "scored" in line), ""
    )
    print(
        f"score: {args.accounts:,} accounts in {wall:.1f} s = {args.accounts / wall:,.0f} "
        f"accounts/s (process start and summary included); peak RSS of the process tree "
        f"{peak:,.0f} MiB"
    )
    if scored:
        print(f"score: graphcrm says: {scored.strip()}")
    print(f"done: load average {load_average()}")


if __name__ == "__main__":
    main()
