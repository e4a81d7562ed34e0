"""The cyclic garbage collector paused around one batch written to a store."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the block runs (as it was, after).

    Validating and writing a batch allocates tens of thousands of objects
    (encoded rows, change-log records, interval plans) that reference
    counting frees; the collector's full passes over the process's objects
    find nothing of theirs to free and were about a sixth of a SQLite bulk
    load's CPU (docs/benchmarks.md, "Set-based validation, 2026-12-05").
    What the block leaves behind waits for the collector's next pass, so
    callers pause it around one batch only. The same pause as
    :func:`graphcrm.services.collector.gc_paused` around scoring, kept in the
    store layer so that adapters may use it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
