"""The speed-ups kept against the plain version they replace (docs/benchmarks.md,
"Speed-ups against the 10 % rule"): a speed-up stays only while it is worth more
than 10 % of the figure it serves.

``./dev bench speedups [--accounts 300] [--rounds 4]``: CPU time of one process
scoring a generated portfolio (``score_portfolio``, SQLite, after one warm-up
run), the variants alternated round by round:

- as shipped;
- the cyclic collector left on while a chunk is scored (``gc_paused`` off);
- the rows read with pydantic's ``model_construct`` instead of ``construct``;

then ``construct`` against ``model_construct`` per row (``timeit``).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import sys
import time
import timeit
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import graphcrm.services.portfolio as portfolio
from bench.generated import loaded_store
from graphcrm.domain import AccountId, Contact, ContactId, Influence, InfluenceKind, Model
from graphcrm.domain.construct import construct
from graphcrm.generator import GeneratorConfig
from graphcrm.store.port import GraphStore


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


def _cpu(store: GraphStore, config: GeneratorConfig) -> float:
    gc.collect()
    start = time.process_time()
    for _ in portfolio.score_portfolio(store, as_of=config.now):
        pass
    return time.process_time() - start


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
    names = ("as shipped", "collector on", "model_construct rows")
    cpu: dict[str, list[float]] = {n: [] for n in names}
    print(f"== speed-ups: {args.accounts} generated accounts, seed {args.seed}, one process ==")
    with loaded_store(config) as store:
        _cpu(store, config)  # warm-up
        for r in range(args.rounds):
            for name in names:
                with _variant(name):
                    cpu[name].append(_cpu(store, config))
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(f"round {r + 1}: " + ", ".join(f"{n} {cpu[n][-1]:.2f} s" for n in names), load)
    base = statistics.median(cpu["as shipped"])
    for name in names:
        median = statistics.median(cpu[name])
        print(f"{name:22s} median CPU {median:.2f} s ({median / base - 1:+.0%})")
    _per_row()


if __name__ == "__main__":
    main()
