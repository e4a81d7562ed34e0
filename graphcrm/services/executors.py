"""Where many units of work on the store run: worker processes, each on a store of its own.

An :class:`Executor` runs ``task(store, item)`` for every item in worker
processes and yields the results in the items' order. Each worker opens its
own store, once per run, with a :data:`StoreOpener` (a URL, never a
connection, crosses to the worker: ``functools.partial(open_store, url)``),
and keeps it for the run's later items. Two executors:

- :class:`LocalProcesses`: processes of this machine, this one among them
  (forked on Linux);
- :class:`DaskCluster`: the workers of a Dask distributed cluster, on this
  machine or others (the optional ``distributed`` extra;
  ``docs/operations.md``, "Scoring on several machines").

An error raised by a task is raised to the caller with its own type; the
items not yet started are cancelled.
"""

from __future__ import annotations

import functools
import multiprocessing
import queue
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

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
        ``reopen``) is raised here with its own type (at the latest in its
        item's turn); closing the iterator early cancels the items not yet
        started.
        """
        ...


@dataclass(frozen=True, slots=True)
class LocalProcesses:
    """``workers`` processes of this machine: this one and ``workers - 1`` started for
    the run (forked on Linux: they start in milliseconds; elsewhere spawned, and
    ``task``, ``items`` and ``reopen`` are pickled).

    Every process, this one included, takes the next item nobody has taken (a
    shared counter) whenever it is free, so the last items are shared out one
    at a time and no process idles while another has two to go. This process
    yields the results in order: it takes an item itself while the one it must
    yield next is being worked on elsewhere, and waits only when none is left;
    its own results are never pickled. It opens its own store with ``reopen``
    too. A worker that cannot open its store takes no item (this process and
    the other workers do them all).

    It stands in for a :class:`concurrent.futures.ProcessPoolExecutor` of
    ``workers`` processes (``bench/executors.py`` keeps that plain version),
    whose workers send every result back pickled while this process waits:
    more CPU an account and fewer accounts/s than the 10 % that keeps a
    speed-up (``./dev bench executors``; docs/benchmarks.md, "#19 scoring
    across machines").
    """

    workers: int

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise InvalidError([Problem("workers", "", "needs workers >= 1")])

    def map(
        self, task: Callable[[GraphStore, T], R], items: Sequence[T], reopen: StoreOpener
    ) -> Generator[R, None, None]:
        run = uuid.uuid4().hex
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        taken = context.Value("i", 0)
        results = context.Queue()
        procs = [
            context.Process(
                target=_worker, args=(run, reopen, task, items, taken, results), daemon=True
            )
            for _ in range(self.workers - 1)
        ]
        for proc in procs:
            proc.start()
        done: dict[int, R | BaseException] = {}
        try:
            for i in range(len(items)):
                _drain(results, done)
                while i not in done:
                    j = _take(taken, len(items))
                    if j is None:
                        _wait(results, done, procs)
                    else:
                        done[j] = on_worker_store(run, reopen, task, items[j])
                        _drain(results, done)
                out = done.pop(i)
                if isinstance(out, BaseException):
                    raise out
                yield out
        finally:
            _stop(taken, len(items), results, procs)
            close_worker_store(run)


def _take(taken: Synchronized[int], n: int) -> int | None:
    """The next item nobody has taken (None when all are), marked taken."""
    with taken.get_lock():
        i = int(taken.value)
        if i >= n:
            return None
        taken.value = i + 1
        return i


def _worker(
    run: str,
    reopen: StoreOpener,
    task: Callable[[GraphStore, T], R],
    items: Sequence[T],
    taken: Synchronized[int],
    results: Any,
) -> None:
    """A worker process: take items until none is left and send back each one's
    result (or the error that stopped it), on a store of its own."""
    store = reopen()
    try:
        while (i := _take(taken, len(items))) is not None:
            try:
                results.put((i, task(store, items[i])))
            except Exception as e:  # sent back, raised by the parent in its turn
                results.put((i, e))
                return
    finally:
        store.close()


def _drain(results: Any, done: dict[int, Any]) -> None:
    """Move every result the workers have sent so far into ``done``."""
    while True:
        try:
            i, out = results.get_nowait()
        except queue.Empty:
            return
        done[i] = out


def _wait(results: Any, done: dict[int, Any], procs: list[Any]) -> None:
    """Block until a worker sends a result; raise if every worker is gone."""
    while True:
        try:
            i, out = results.get(timeout=1.0)
        except queue.Empty:
            if not any(p.is_alive() for p in procs) and results.empty():
                raise StoreUnavailableError(
                    "a scoring worker process ended without sending its result"
                ) from None
            continue
        done[i] = out
        return


def _stop(taken: Synchronized[int], n: int, results: Any, procs: list[Any]) -> None:
    """Let the workers finish (no item is left to take), reading what they still
    send so that none blocks on a full pipe; end any still running after 5 s."""
    with taken.get_lock():
        taken.value = n
    deadline = time.monotonic() + 5.0
    for proc in procs:
        while proc.is_alive() and time.monotonic() < deadline:
            _drain(results, {})
            proc.join(0.05)
        if proc.is_alive():
            proc.terminate()
            proc.join()
    results.close()


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
_running: dict[str, int] = {}
"""Tasks of each run running now in this worker process (a Dask worker's threads)."""
_closing: set[str] = set()
"""Runs whose store the last of their running tasks closes (:func:`close_worker_store`)."""
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
        _running[run] = _running.get(run, 0) + 1
    try:
        return task(store, item)
    finally:
        with _stores_lock:
            _running[run] -= 1
            last = _running[run] == 0
            if last:
                del _running[run]
            close = last and run in _closing
            if close:
                _closing.discard(run)
                del _stores[run]
        if close:
            store.close()


def close_worker_store(run: str) -> None:
    """Close this worker process's store for ``run``, if it opened one. A run stopped
    early can still have tasks running here (Dask cancels only those not started):
    the store is then closed by the last of them as it ends, never under one."""
    with _stores_lock:
        if _running.get(run):
            _closing.add(run)
            return
        store = _stores.pop(run, None)
    if store is not None:
        store.close()
