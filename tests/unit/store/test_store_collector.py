"""The collector pause around a batch written to SQLite (docs/benchmarks.md, "Set-based
validation, 2026-12-05"): off inside, given back as it was found, also when the batch
is refused. The plain version (the collector on) writes the same rows: the contract
suite runs every write through the paused one, and the figures were checked by a
dump of every table against the commit before it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphcrm.collector import gc_paused
from graphcrm.domain import Account, AccountId, ChangeSet, Contact, ContactId
from graphcrm.errors import InvalidError
from graphcrm.store.sqlite.store import SqliteStore


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_off_inside_and_as_it_was_after() -> None:
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("a batch that fails")
    assert gc.isenabled()
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # off before: left off


@pytest.mark.usefixtures("collector_on")
def test_a_sqlite_write_gives_the_collector_back(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "s.sqlite3")
    try:
        store.apply(ChangeSet(accounts=(Account(id=AccountId("A-1"), name="Acme"),)), actor="t")
        assert gc.isenabled()
        stray = Contact(id=ContactId("C-1"), account_id=AccountId("A-404"), name="Ayşe")
        refused = ChangeSet(contacts=(stray,))
        with pytest.raises(InvalidError):
            store.apply(refused, actor="t")
        assert gc.isenabled()
    finally:
        store.close()
