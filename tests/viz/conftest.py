"""A SQLite store holding the sample account (:mod:`tests.viz.sample`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from graphcrm.services.deals import AccountSnapshot, read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.store import GraphStore, open_store
from tests.viz.sample import ACCOUNT, batches


def seed(store: GraphStore) -> None:
    for changes, at in batches():
        store.apply(changes, actor="tests", at=at)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    path: Path = tmp_path_factory.mktemp("viz") / "viz.sqlite3"
    s = open_store(f"sqlite://{path}")
    seed(s)
    yield s
    s.close()


SnapshotAt = Callable[[datetime], AccountSnapshot]


@pytest.fixture
def snapshot_at(store: GraphStore) -> SnapshotAt:
    def read(at: datetime) -> AccountSnapshot:
        return read_account(store, ACCOUNT, at=at, params=AnalyticsParams())

    return read
