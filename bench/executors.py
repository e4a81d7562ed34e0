"""The portfolio's executors side by side (docs/benchmarks.md, "#19 scoring across
machines"): accounts/s of ``score_portfolio`` with its chunks scored

- in ``--workers`` local processes (:class:`LocalProcesses`, what ``graphcrm score``
  does: this process and ``--workers - 1`` forked workers taking chunks from a shared
  counter);
- in a :class:`concurrent.futures.ProcessPoolExecutor` of ``--workers`` processes
  (:class:`PlainPool` below, the plain version :class:`LocalProcesses` stands in for);
- on a local Dask cluster of ``--workers`` worker processes of one thread each
  (:class:`DaskCluster`, ``LocalCluster(processes=True)``; started once, before the
  rounds).

``./dev bench executors [--accounts 300] [--workers 2] [--rounds 5] [--store neo4j-dev]``:
one generated portfolio in a SQLite file (or a development Neo4j started for the run),
every worker on a store it opens from the store's URL,
scores written back; one warm-up run each, then the variants alternated round by round
(wall time, the load average printed each round), medians at the end; beside each
figure the CPU time of every process involved per account (this one, its forked
workers, the Dask workers; not a Neo4j server's), which the machine's other work
moves less.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import resource
import statistics
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from distributed import Client, LocalCluster

from bench.common import dev_neo4j
from bench.generated import loaded_store
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services.executors import DaskCluster, StoreOpener, on_worker_store
from graphcrm.services.portfolio import AccountReport, score_portfolio
from graphcrm.store import GraphStore, open_store

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class PlainPool:
    """The plain local executor: a ``concurrent.futures.ProcessPoolExecutor`` of
    ``workers`` forked processes, every result sent back pickled, this process
    waiting in order."""

    workers: int

    def map(
        self, task: Callable[[GraphStore, T], R], items: Sequence[T], reopen: StoreOpener
    ) -> Generator[R, None, None]:
        run = uuid.uuid4().hex
        pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        try:
            pending = deque(pool.submit(on_worker_store, run, reopen, task, i) for i in items)
            while pending:
                yield pending.popleft().result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _portfolio(kind: str, config: GeneratorConfig) -> Iterator[tuple[GraphStore, str]]:
    """A store of ``kind`` holding ``config``'s portfolio, and its URL."""
    if kind == "sqlite":
        with loaded_store(config) as store:
            yield store, f"sqlite://{store.path}"  # type: ignore[attr-defined]
        return
    with dev_neo4j() as dev:
        for batch in generate_portfolio(config):
            dev.store.apply(batch, actor="bench")
        yield dev.store, dev.url


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _cpu(client: Client) -> float:
    """CPU seconds used so far by this process (the Dask scheduler's thread too), its
    children that ended (the forked workers) and the Dask workers."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers: dict[str, float] = client.run(time.process_time)
    return time.process_time() + children.ru_utime + children.ru_stime + sum(workers.values())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench executors")
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--store",
        choices=("sqlite", "neo4j-dev"),
        default="sqlite",
        help="a SQLite file, or a development Neo4j started for the run (Java, Maven)",
    )
    args = parser.parse_args(argv)
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed)
    n = args.workers
    print(
        f"== executors: {args.accounts} generated accounts, seed {args.seed}, {args.store}, "
        f"{n} workers; load average {_load()} =="
    )
    with (
        _portfolio(args.store, config) as (store, url),
        LocalCluster(
            n_workers=n, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        reopen = functools.partial(open_store, url)

        at = config.now
        variants: dict[str, Callable[[], Iterator[AccountReport]]] = {
            f"local processes ({n})": lambda: score_portfolio(
                store, as_of=at, workers=n, reopen=reopen
            ),
            f"concurrent.futures pool ({n})": lambda: score_portfolio(
                store, as_of=at, executor=PlainPool(n), reopen=reopen
            ),
            f"Dask LocalCluster ({n})": lambda: score_portfolio(
                store, as_of=at, executor=DaskCluster(client), reopen=reopen
            ),
        }
        rates: dict[str, list[float]] = {name: [] for name in variants}
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        for run in variants.values():  # warm-up
            sum(1 for _ in run())
        for r in range(args.rounds):
            for name, run in variants.items():
                used = _cpu(client)
                start = time.perf_counter()
                done = sum(1 for _ in run())
                rates[name].append(done / (time.perf_counter() - start))
                cpu[name].append((_cpu(client) - used) / done * 1e3)
            figures = ", ".join(
                f"{name} {rates[name][-1]:.1f} ({cpu[name][-1]:.1f} ms)" for name in variants
            )
            print(f"round {r + 1}: {figures}; load average {_load()}")
    base = statistics.median(rates[f"local processes ({n})"])
    for name in variants:
        median = statistics.median(rates[name])
        print(
            f"{name:28s} median {median:6.1f} accounts/s ({median / base - 1:+.0%}), "
            f"CPU {statistics.median(cpu[name]):.1f} ms an account"
        )


if __name__ == "__main__":
    main()
