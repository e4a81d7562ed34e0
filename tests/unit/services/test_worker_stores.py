"""A worker process's store for a run: opened by the run's first task there, closed when
the run ends, and never closed under a task still running (a Dask run stopped early
cancels only the tasks not yet started)."""

from __future__ import annotations

import threading
from pathlib import Path

from graphcrm.services.executors import close_worker_store, on_worker_store
from graphcrm.store.port import GraphStore
from graphcrm.store.sqlite.store import SqliteStore


class _Recorded(SqliteStore):
    """A real SQLite store that notes when it is closed."""

    events: list[str]

    def close(self) -> None:
        self.events.append("closed")
        super().close()


def _opener(path: Path, events: list[str], opened: list[_Recorded]) -> _Recorded:
    store = _Recorded.open(path)
    assert isinstance(store, _Recorded)
    store.events = events
    opened.append(store)
    return store


def test_closing_a_run_waits_for_its_running_task(tmp_path: Path) -> None:
    events: list[str] = []
    opened: list[_Recorded] = []
    started, release = threading.Event(), threading.Event()

    def slow(store: GraphStore, item: int) -> int:
        started.set()
        release.wait(10)
        store.stats()  # the store is still open
        events.append(f"task {item} done")
        return item

    def reopen() -> _Recorded:
        return _opener(tmp_path / "w.sqlite3", events, opened)

    results: list[int] = []
    worker = threading.Thread(
        target=lambda: results.append(on_worker_store("run-1", reopen, slow, 7))
    )
    worker.start()
    assert started.wait(10)
    close_worker_store("run-1")  # the run ends while its task runs
    assert events == []
    release.set()
    worker.join(10)
    assert results == [7]
    assert events == ["task 7 done", "closed"]
    assert len(opened) == 1


def test_a_run_with_nothing_running_is_closed_at_once_and_only_once(
    tmp_path: Path,
) -> None:
    events: list[str] = []
    opened: list[_Recorded] = []

    def reopen() -> _Recorded:
        return _opener(tmp_path / "w.sqlite3", events, opened)

    def count(store: GraphStore, item: int) -> int:
        return store.stats().counts.get("accounts", 0) + item

    assert on_worker_store("run-2", reopen, count, 1) == 1
    assert on_worker_store("run-2", reopen, count, 2) == 2
    assert len(opened) == 1  # one store for the run's tasks
    close_worker_store("run-2")
    assert events == ["closed"]
    close_worker_store("run-2")  # again: nothing left to close
    assert events == ["closed"]
    close_worker_store("never-ran")
    assert events == ["closed"]
