"""A generated portfolio loaded into a throw-away embedded store, for the benchmarks."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore


@contextmanager
def loaded_store(config: GeneratorConfig) -> Iterator[GraphStore]:
    """A fresh SQLite store in a temporary directory holding ``config``'s portfolio."""
    with tempfile.TemporaryDirectory(prefix="graphcrm-bench-") as tmp:
        store = open_store(f"sqlite://{Path(tmp) / 'bench.sqlite3'}")
        try:
            for batch in generate_portfolio(config):
                store.apply(batch, actor="bench")
            yield store
        finally:
            store.close()
