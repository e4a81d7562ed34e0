"""Where many units of work on the store run: worker processes, each on a store of its own.

An :class:`Executor` runs ``task(store, item)`` for every item in worker
processes and yields the results in the items' order. Each worker opens its
own store, once per run, with a :data:`StoreOpener` (a URL, never a
connection, crosses to the worker: ``functools.partial(open_store, url)``),
and keeps it for the run's later items. Two executors:

- :class:`ProcessPool`: processes of this machine, a
  :class:`concurrent.futures.ProcessPoolExecutor` (forked on Linux);
- :class:`DaskCluster`: the workers of a Dask distributed cluster, on this
  machine or others (the optional ``distributed`` extra;
  ``docs/operations.md``, "Scoring on several machines").

An error raised by a task is raised to the caller, with its own type, when
its item's turn comes; the items after it are cancelled.
"""

from __future__ import annotations

import functools
import multiprocessing
import sys
import threading
import uuid
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from graphcrm.errors import InvalidError, Problem, StoreUnavailableError
from graphcrm.store.port import GraphStore

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

StoreOpener = Callable[[], GraphStore]
"""Opens a new connection to the same store (one per worker process); for a Dask
cluster it is pickled to the workers, so a module-level function or a
``functools.partial`` of one (``functools.partial(open_store, url)``)."""

DISTRIBUTED_EXTRA = "pip install 'graphcrm[distributed]'"
"""How to install what :class:`DaskCluster` needs (named by its errors)."""


class Executor(Protocol):
    """Runs ``task(store, item)`` for every item in worker processes."""

    def map(
        self, task: Callable[[GraphStore, T], R], items: Sequence[T], reopen: StoreOpener
    ) -> Generator[R, None, None]:
        """Yield ``task(store, item)`` for every item, in the items' order.

        Each worker process opens its store with ``reopen`` at its first item of
        the run and keeps it until the run ends. An error raised by a task (or by
        ``reopen``) is raised here, with its own type, in its item's turn; closing
        the iterator early cancels the items not yet started.
        """
        ...


@dataclass(frozen=True, slots=True)
class ProcessPool:
    """``workers`` processes of this machine, started for each run (forked on Linux:
    they start in milliseconds; elsewhere spawned, and ``reopen`` is pickled)."""

    workers: int

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise InvalidError([Problem("workers", "", "needs workers >= 1")])

    def map(
        self, task: Callable[[GraphStore, T], R], items: Sequence[T], reopen: StoreOpener
    ) -> Generator[R, None, None]:
        run = uuid.uuid4().hex
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        pool = ProcessPoolExecutor(self.workers, mp_context=context)
        try:
            pending = deque(pool.submit(on_worker_store, run, reopen, task, i) for i in items)
            while pending:
                yield _result(pending.popleft())
        finally:
            # The processes end with the pool; their stores' connections with them.
            pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[R]) -> R:
    try:
        return future.result()
    except BrokenProcessPool as e:
        raise StoreUnavailableError(
            "a scoring worker process ended without sending its result"
        ) from e


class DaskCluster:
    """The workers of a Dask distributed cluster, reached through ``client``
    (:meth:`connect` makes one from the scheduler's address).

    Every item is one Dask task; the scheduler gives each to a free worker, a
    worker that dies has its tasks run again elsewhere (a task must be safe to
    run twice: the portfolio's score sets are replaced, not added). Each worker
    process opens its store at its first task of the run and closes it when the
    run ends. Run the workers with one thread each (``--nthreads 1``): the
    tasks hold the GIL.
    """

    def __init__(self, client: Client) -> None:
        self._client = client

    @classmethod
    def connect(cls, address: str, *, timeout: float = 10.0) -> DaskCluster:
        """A client of the scheduler at ``address`` (``tcp://host:8786``).

        Raises
        ------
        InvalidError
            Dask distributed is not installed (the message says how to install
            it), or the address is not one Dask can read.
        StoreUnavailableError
            No scheduler answered at ``address`` within ``timeout`` seconds.
        """
        try:
            from distributed import Client
        except ImportError as e:
            raise InvalidError(
                [Problem("executor", "", f"dask needs Dask distributed: {DISTRIBUTED_EXTRA}")]
            ) from e
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (ValueError, TypeError) as e:
            raise InvalidError(
                [Problem("scheduler", "", f"{address!r} is not a Dask address: {e}")]
            ) from e
        except OSError as e:
            raise StoreUnavailableError(f"no Dask scheduler answered at {address}: {e}") from e
        return cls(client)

    def close(self) -> None:
        """Close the client (the cluster goes on)."""
        self._client.close()

    def map(
        self, task: Callable[[GraphStore, T], R], items: Sequence[T], reopen: StoreOpener
    ) -> Generator[R, None, None]:
        run = uuid.uuid4().hex
        client = self._client
        pending = deque(
            client.map(functools.partial(on_worker_store, run, reopen, task), items, pure=False)
        )
        try:
            while pending:
                yield pending.popleft().result()
        finally:
            client.cancel(list(pending))
            client.run(close_worker_store, run)


_stores: dict[str, GraphStore] = {}
"""The store each run opened in this worker process, by run."""
_stores_lock = threading.Lock()


def on_worker_store(
    run: str, reopen: StoreOpener, task: Callable[[GraphStore, T], R], item: T
) -> R:
    """``task(store, item)`` on this worker process's store for ``run`` (opened with
    ``reopen`` by the run's first item here)."""
    with _stores_lock:
        store = _stores.get(run)
        if store is None:
            store = _stores[run] = reopen()
    return task(store, item)


def close_worker_store(run: str) -> None:
    """Close this worker process's store for ``run``, if it opened one."""
    with _stores_lock:
        store = _stores.pop(run, None)
    if store is not None:
        store.close()
