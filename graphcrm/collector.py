"""The cyclic garbage collector paused around a bounded piece of work, and the heap
frozen while a portfolio is scored."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the block runs (as it was, after).

    Scoring an account and validating and writing a batch allocate many
    short-lived objects (graphs, scores, encoded rows, change-log records,
    interval plans) that reference counting frees; the collector's passes
    over them find nothing to free and cost more than the 10 % that keeps a
    speed-up: a chunk of the portfolio (``./dev bench speedups``), a page's
    first read of an account (``./dev bench pages``), about a sixth of a
    SQLite bulk load's store CPU (docs/benchmarks.md). Callers pause it
    around bounded work only (a chunk of
    :data:`graphcrm.services.portfolio.CHUNK` accounts, one account read and
    scored, one batch written), so what is left behind for the collector's
    next pass is bounded.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def gc_frozen() -> Iterator[None]:
    """Every object alive on entry out of the collector's reach while the block runs.

    :func:`gc.freeze` moves them to the permanent generation, which the
    collector never walks; on exit :func:`gc.unfreeze` gives them back (unless
    something had frozen objects before: then they stay frozen, as it wanted).
    :func:`graphcrm.services.portfolio.score_portfolio` scores inside this
    block: the full collections that the run's allocations set off, in this
    process and in the workers :class:`~graphcrm.services.executors.LocalProcesses`
    forks (Python's documentation recommends freezing before ``fork()``), walk
    what the run made, not every module, schema and cached page loaded before
    it. The plain version is no freeze: more CPU an account, in one process
    and more with two (docs/benchmarks.md, #19).
    """
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()
