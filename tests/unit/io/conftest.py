"""Fixtures of the import/export tests: a temporary SQLite store and the CRM fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphcrm.domain import PageRequest
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

DATA = Path(__file__).resolve().parents[2] / "data"
SALESFORCE = DATA / "salesforce"
HUBSPOT = DATA / "hubspot"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    s = open_store("sqlite:///" + str(tmp_path / "x.sqlite3"))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[GraphStore]:
    s = open_store("sqlite:///" + str(tmp_path / "y.sqlite3"))
    try:
        yield s
    finally:
        s.close()


Variant = Callable[..., Path]


@pytest.fixture
def variant(tmp_path: Path) -> Variant:
    """A copy of a fixture directory with some files replaced.

    ``variant(SALESFORCE, {"Contact.csv": text})``
    """

    def make(source: Path, files: dict[str, str]) -> Path:
        target = tmp_path / f"{source.name}-variant"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
        for name, text in files.items():
            (target / name).write_text(text, encoding="utf-8")
        return target

    return make


State = tuple[dict[str, int], int]


def state(store: GraphStore) -> State:
    """Row counts and change-log length: equal states mean nothing was written."""
    return store.stats().counts, store.change_log(PageRequest(limit=1)).total


@pytest.fixture
def store_state() -> Callable[[GraphStore], State]:
    return state
