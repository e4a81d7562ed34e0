"""The cyclic garbage collector paused around a bounded piece of work."""

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
