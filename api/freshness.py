"""How a worker learns of writes made elsewhere: the store's watermark, once per request.

Every worker of every host keeps the last :class:`~graphcrm.domain.keys.Watermark`
it has seen: the latest change-log sequence and the count of key writes. Before
a request is authenticated, :meth:`Freshness.sync` reads the store's watermark
(SQLite: ``PRAGMA data_version`` of a connection of its own, a query only when
another connection committed; Neo4j: one statement, two index seeks) and, when
it moved on:

- keys: forgets the remembered principals (:class:`~api.keycache.KeyCache`),
  so a key revoked through any worker or host is refused from the next request;
- changes: reads the change-log entries after the last sequence seen, finds
  the accounts they concern (:func:`graphcrm.services.feed.concerns`) and drops
  the cached results of those accounts, their families and the portfolio lists.
  A rep's change, an entry that cannot be placed, or more than
  :data:`MAX_ENTRIES` new entries (a bulk load) drop the whole cache.

Writes made anywhere (another worker, another host, the CLI) are in the change
log, so a read that starts after a write's response sees it, whichever worker
or host serves either. This replaces the invalidation journal of earlier
versions (a SQLite file beside the keys): nothing is on local disk.
"""

from __future__ import annotations

import threading
import time
from typing import Final

from graphcrm.domain import PageRequest
from graphcrm.domain.keys import Watermark
from graphcrm.services.feed import concerns
from graphcrm.store.port import GraphStore

from .cache import AnalyticsCache
from .keycache import KeyCache
from .territory import family

MAX_ENTRIES: Final = 1000
"""New entries read at most; beyond that the whole cache goes."""

PORTFOLIO_TAG: Final = "portfolio"


class Freshness:
    """The watermark this worker has seen, and what to drop when the store's moves on.

    Thread-safe: one thread at a time applies a change, and the others wait for it,
    so no request reads the cache between the watermark's move and the drop.
    """

    def __init__(
        self,
        store: GraphStore,
        cache: AnalyticsCache,
        keys: KeyCache,
        *,
        blocking: bool,
        staleness: float = 0.0,
    ) -> None:
        self._store = store
        self._cache = cache
        self._keys = keys
        self._lock = threading.Lock()
        self._flight = threading.Condition()
        self._reading = False
        self._answered_since = float("-inf")
        """When the last finished read of the watermark started (time.monotonic)."""
        self._seen = store.watermark()
        self.blocking = blocking
        """Whether reading the watermark is I/O (Neo4j): then :meth:`sync` runs in a thread."""
        self.staleness = staleness
        """Seconds a read of the watermark answers for after it started
        (``GRAPHCRM_API_FRESHNESS_SECONDS``; 0: only requests that arrived before it)."""

    @property
    def seen(self) -> Watermark:
        return self._seen

    def quick(self) -> bool:
        """Whether nothing moved on (for a store whose watermark is cheap to read)."""
        return self._store.watermark() == self._seen

    def recent(self) -> bool:
        """Whether the last read of the watermark started less than :attr:`staleness`
        seconds ago, so a request may skip :meth:`sync` (never with staleness 0)."""
        return self._answered_since > time.monotonic() - self.staleness

    def sync(self) -> None:
        """Apply what moved on since the request arrived (module docs).

        Requests share reads of the watermark: one that arrives while another read is
        in flight waits for it and then for the next one, and a read that *started*
        after a request arrived answers for that request too. So a read after a
        write's response still sees the write, and under load a worker reads the
        watermark once per burst of requests rather than once per request. With a
        :attr:`staleness`, a read that started up to that many seconds before a
        request arrived answers for it too.
        """
        arrived = time.monotonic() - self.staleness
        with self._flight:
            while self._answered_since < arrived:
                if not self._reading:
                    self._reading = True
                    break
                self._flight.wait()
            else:
                return
        started = time.monotonic()
        try:
            self._apply(self._store.watermark())
        finally:
            with self._flight:
                self._reading = False
                self._answered_since = max(self._answered_since, started)
                self._flight.notify_all()

    def _apply(self, mark: Watermark) -> None:
        if mark == self._seen:
            return
        with self._lock:
            seen = self._seen
            if mark.keys > seen.keys:
                self._keys.forget()
            if mark.changes > seen.changes:
                self._drop(seen.changes, mark.changes)
            self._seen = Watermark(
                changes=max(mark.changes, seen.changes), keys=max(mark.keys, seen.keys)
            )

    def _drop(self, after: int, last: int) -> None:
        if last - after > MAX_ENTRIES:
            self._cache.clear()
            return
        entries = self._store.change_log(PageRequest(limit=MAX_ENTRIES), since_seq=after).items
        entries = tuple(e for e in entries if e.seq <= last)
        accounts: set[str] = set()
        for concern in concerns(self._store, entries):
            if concern.is_rep or not concern.known:
                self._cache.clear()
                return
            accounts.update(concern.accounts)
        tags = {f"account:{a}" for a in family(self._store, accounts)}
        tags.add(PORTFOLIO_TAG)
        self._cache.invalidate(tags)
