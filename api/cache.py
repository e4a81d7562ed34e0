"""The in-process cache of analytics results.

Entries are keyed by endpoint, ids, as-of and parameters, and tagged with the
accounts they were computed from (``account:<id>``) and, for portfolio-wide
lists, ``portfolio``. A write invalidates the tags of every account it touches
and of that account's ancestors and descendants, and ``portfolio``.

Writes made elsewhere (other workers, other hosts, the CLI) are learnt from
the store's change log once per request (:mod:`api.freshness`), which calls
:meth:`AnalyticsCache.invalidate` with their tags. Results about the present
(no ``as_of``) also expire after ``ttl`` seconds, because "now" moves on (days
since the last touchpoint grow). A computation that overlapped an invalidation
is returned but not stored.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(slots=True)
class _Entry:
    value: object
    tags: frozenset[str]
    expires: float | None


_DONE = threading.Event()
_DONE.set()


class AnalyticsCache:
    def __init__(
        self,
        *,
        ttl: float,
        max_entries: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self._inflight: dict[Hashable, threading.Event] = {}
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self._ttl > 0 and self._max > 0

    def get_or_compute(
        self,
        key: Hashable,
        tags: Iterable[str] | Callable[[T], Iterable[str]],
        compute: Callable[[], T],
        *,
        present: bool,
        kind: type[T],
    ) -> T:
        """The cached value for ``key``, or ``compute()`` stored under ``tags``
        (or under ``tags(value)``, when the tags depend on what was computed).

        Concurrent misses on one key compute once: the others wait for that
        result (single flight), so a burst after an invalidation costs one
        computation, not one per request.
        """
        if not self.enabled:
            return compute()
        for _ in range(2):
            found, leader, event, generation = self._lookup(key, kind)
            if found is not None:
                return found
            if leader:
                break
            event.wait(timeout=60)
        else:
            return compute()  # the leader failed or its result was not stored
        try:
            value = compute()
            tagged = frozenset(tags(value) if callable(tags) else tags)
            with self._lock:
                if generation == self._generation:
                    expires = self._clock() + self._ttl if present else None
                    self._entries[key] = _Entry(value, tagged, expires)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self._max:
                        self._entries.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._inflight.pop(key, None)
            event.set()

    def peek(self, key: Hashable, kind: type[T]) -> T | None:
        """The cached value for ``key``, or None; never computes nor waits.

        Memory only, so it may run on the event loop: the cache-warm path of an
        endpoint needs no thread.
        """
        if not self.enabled:
            return None
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if (
                entry is None
                or (entry.expires is not None and entry.expires <= now)
                or not isinstance(entry.value, kind)
            ):
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry.value

    def _lookup(self, key: Hashable, kind: type[T]) -> tuple[T | None, bool, threading.Event, int]:
        """(cached value, whether this caller computes, the in-flight event, generation)."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if (
                entry is not None
                and (entry.expires is None or entry.expires > now)
                and isinstance(entry.value, kind)
            ):
                self._entries.move_to_end(key)
                self.hits += 1
                return entry.value, False, _DONE, self._generation
            event = self._inflight.get(key)
            if event is not None:
                return None, False, event, self._generation
            self.misses += 1
            event = self._inflight[key] = threading.Event()
            return None, True, event, self._generation

    def invalidate(self, tags: Iterable[str]) -> int:
        """Drop every entry carrying one of ``tags``; returns how many went."""
        return self._drop(frozenset(tags))

    def clear(self) -> None:
        """Drop every entry."""
        self._drop_all()

    def _drop(self, wanted: frozenset[str]) -> int:
        with self._lock:
            self._generation += 1
            gone = [k for k, e in self._entries.items() if e.tags & wanted]
            for k in gone:
                del self._entries[k]
        return len(gone)

    def _drop_all(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
