"""The speed-ups kept against the plain version they replace (docs/benchmarks.md,
"Speed-ups against the 10 % rule"): a speed-up stays only while it is worth more
than 10 % of the figure it serves.

``./dev bench speedups [--accounts 300] [--rounds 4]``: CPU time of one process
scoring a generated portfolio (``score_portfolio``, SQLite, after one warm-up
run), the variants alternated round by round:

- as shipped;
- the cyclic collector left on while a chunk is scored (``gc_paused`` off);
- the rows read with pydantic's ``model_construct`` instead of ``construct``;

and, with two processes (:class:`~graphcrm.services.executors.LocalProcesses`,
as ``graphcrm score`` runs; CPU time of both), as shipped and with the heap
not frozen while the worker is forked and the results come back
(``gc_frozen`` off); then ``construct`` against ``model_construct`` per row (``timeit``).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import resource
import statistics
import sys
import timeit
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import graphcrm.services.executors as executors
import graphcrm.services.portfolio as portfolio
from bench.generated import loaded_store
from graphcrm.domain import AccountId, Contact, ContactId, Influence, InfluenceKind, Model
from graphcrm.domain.construct import construct
from graphcrm.generator import GeneratorConfig
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore
from graphcrm.store.sqlite import SqliteStore


def _model_construct(cls: type[Model], values: dict[str, Any]) -> Model:
    return cls.model_construct(**values)


@contextlib.contextmanager
def _collector_on() -> Iterator[None]:
    yield


@contextlib.contextmanager
def _variant(name: str) -> Iterator[None]:
    """``name``'s plain version patched in for the ``with`` block."""
    if name == "collector on":
        with mock.patch.object(portfolio, "gc_paused", _collector_on):
            yield
        return
    if name.endswith("heap not frozen"):
        with mock.patch.object(executors, "gc_frozen", _collector_on):
            yield
        return
    users = [
        m
        for n, m in list(sys.modules.items())
        if n.startswith("graphcrm") and getattr(m, "construct", None) is construct
    ]
    if name == "model_construct rows":
        for m in users:
            m.construct = _model_construct  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for m in users:
            m.construct = construct  # type: ignore[attr-defined]


def _cpu(store: GraphStore, config: GeneratorConfig, workers: int = 1) -> float:
    """CPU seconds of one run: this process's, and its worker processes' (``workers > 1``)."""
    assert isinstance(store, SqliteStore)
    reopen = functools.partial(open_store, f"sqlite://{store.path}") if workers > 1 else None
    gc.collect()
    start = _process_tree_cpu()
    for _ in portfolio.score_portfolio(store, as_of=config.now, workers=workers, reopen=reopen):
        pass
    return _process_tree_cpu() - start


def _process_tree_cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _per_row() -> None:
    contact = Contact(id=ContactId("c1"), account_id=AccountId("A"), name="İlkay Şahin")
    tie = Influence(
        influencer_id=ContactId("a"),
        influenced_id=ContactId("b"),
        kind=InfluenceKind.OPPOSES,
        strength=0.4,
    )
    for row in (contact, tie):
        cls, values = type(row), dict(row.__dict__)
        a = _best_us(lambda: construct(cls, dict(values)))  # noqa: B023 (called in the loop)
        b = _best_us(lambda: _model_construct(cls, dict(values)))  # noqa: B023
        print(f"{cls.__name__}: construct {a:.2f} us, model_construct {b:.2f} us a row")


def _best_us(fn: Callable[[], object]) -> float:
    return min(timeit.repeat(fn, number=20_000, repeat=5)) / 20_000 * 1e6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench speedups")
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed)
    names = (
        "as shipped",
        "collector on",
        "model_construct rows",
        "2 processes",
        "2 processes, heap not frozen",
    )
    cpu: dict[str, list[float]] = {n: [] for n in names}
    print(f"== speed-ups: {args.accounts} generated accounts, seed {args.seed} ==")
    with loaded_store(config) as store:
        _cpu(store, config)  # warm-up
        for r in range(args.rounds):
            for name in names:
                with _variant(name):
                    cpu[name].append(_cpu(store, config, 2 if name.startswith("2 ") else 1))
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(f"round {r + 1}: " + ", ".join(f"{n} {cpu[n][-1]:.2f} s" for n in names), load)
    for name in names:
        base = statistics.median(cpu["2 processes" if name.startswith("2 ") else "as shipped"])
        median = statistics.median(cpu[name])
        print(f"{name:30s} median CPU {median:.2f} s ({median / base - 1:+.0%})")
    _per_row()


if __name__ == "__main__":
    main()
