"""The cyclic garbage collector paused around a bounded piece of scoring work, and the
heap frozen while forked workers score."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the block runs (as it was, after).

    Scoring allocates many short-lived objects that reference counting frees;
    the collector's passes over them find nothing to free and cost more than
    the 10 % that keeps a speed-up (``./dev bench speedups`` for a chunk of the
    portfolio, ``./dev bench pages`` for a page's first read of an account;
    docs/benchmarks.md). Callers pause it around bounded work only (a chunk of
    :data:`graphcrm.services.portfolio.CHUNK` accounts, one account read and
    scored), so what is left behind for the collector's next pass is bounded.
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
    Python's documentation recommends it before ``fork()``:
    :class:`~graphcrm.services.executors.LocalProcesses` starts its workers
    inside this block, so a worker's full collections walk neither the
    modules, schemas and pages of accounts it inherited nor, by writing their
    collector fields, make the kernel copy those pages; and the parent's full
    collections, which the reports it receives set off, walk only what came
    after. The plain version is no freeze: more CPU an account with two
    processes (``./dev bench speedups``; docs/benchmarks.md, "Bulk loads and a
    whole CRM").
    """
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()
