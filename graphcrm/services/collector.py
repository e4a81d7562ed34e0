"""The cyclic garbage collector paused around a bounded piece of scoring work."""

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
