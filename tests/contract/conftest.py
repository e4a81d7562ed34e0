"""The contract suite's fixtures: every test runs once per registered store adapter.

Adding an adapter
-----------------
Register a factory that returns a fresh, empty store::

    @register_store("neo4j", marks=(pytest.mark.neo4j,))
    def _neo4j_store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
        uri = request.getfixturevalue("neo4j_uri")  # session server, tests/conftest.py
        store = Neo4jStore.open(parse_store_url(uri))
        store.wipe_for_tests()  # whatever gives an empty database
        return store

The factory gets the pytest request (to pull in session fixtures such as a
server) and a per-test temporary directory. The ``store`` fixture closes the
store after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _pytest.mark.structures import MarkDecorator

from graphcrm.domain import ChangeLogEntry, PageRequest, StoreStats
from graphcrm.store import GraphStore
from graphcrm.store.sqlite import SqliteStore
from tests.neo4j.support import fresh_store

StoreFactory = Callable[[pytest.FixtureRequest, Path], GraphStore]

STORE_FACTORIES: dict[str, tuple[StoreFactory, tuple[MarkDecorator, ...]]] = {}


def register_store(
    name: str, *, marks: tuple[MarkDecorator, ...] = ()
) -> Callable[[StoreFactory], StoreFactory]:
    """Add an adapter to the suite under ``name`` (the test id suffix)."""

    def decorate(factory: StoreFactory) -> StoreFactory:
        STORE_FACTORIES[name] = (factory, marks)
        return factory

    return decorate


@register_store("sqlite")
def _sqlite_store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    return SqliteStore.open(tmp_path / "contract.sqlite3")


# --- the neo4j hook: register it here (see the module docstring) -----------------


@register_store("neo4j", marks=(pytest.mark.neo4j,))
def _neo4j_store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    # A fresh store per test: the session server (never skipped), emptied.
    return fresh_store(request.getfixturevalue("neo4j_uri"))


@pytest.fixture(
    params=[pytest.param(name, marks=marks) for name, (_, marks) in STORE_FACTORIES.items()]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh, empty store of each registered adapter."""
    factory, _ = STORE_FACTORIES[request.param]
    s = factory(request, tmp_path)
    try:
        yield s
    finally:
        s.close()


# --- helpers shared by the suite ------------------------------------------------------


Snapshot = tuple[StoreStats, tuple[ChangeLogEntry, ...]]


def snapshot(s: GraphStore) -> Snapshot:
    """Stats and the whole change log: equal snapshots mean nothing was written."""
    log: list[ChangeLogEntry] = []
    offset = 0
    while True:
        page = s.change_log(PageRequest(limit=1000, offset=offset))
        log.extend(page.items)
        offset += len(page.items)
        if offset >= page.total:
            return s.stats(), tuple(log)


@pytest.fixture
def snap() -> Callable[[GraphStore], Snapshot]:
    """``snap(store)``: stats and change log, to assert a failed write changed nothing."""
    return snapshot
