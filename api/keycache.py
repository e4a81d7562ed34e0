"""API keys checked once per key, until the keys file changes.

:meth:`graphcrm.auth.KeyStore.authenticate` reads the keys file and decodes a
row on every call. :class:`KeyCache` remembers the principal of each valid key
it has checked (by the key's SHA-256, never the key itself) and forgets them
all as soon as anything commits to the keys file: before every lookup it asks
SQLite, on a connection of its own, whether another connection (``graphcrm
keys``, ``POST``/``DELETE /v1/keys`` in any worker) committed since it last
looked (``PRAGMA data_version``: a read of shared memory, no query). So a
revoked key gets 401 from the next request on, as without the cache.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from typing import Final

from graphcrm.auth import KeyStore, Principal
from graphcrm.errors import StoreUnavailableError

MAX_KEYS: Final = 10_000
"""Principals remembered at most (then the memory starts over)."""


class KeyCache:
    """:meth:`KeyStore.authenticate`, memoised until the keys file changes. Thread-safe."""

    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys
        self._lock = threading.Lock()
        self._known: dict[bytes, Principal] = {}
        try:
            self._watch: sqlite3.Connection | None = sqlite3.connect(
                keys.path, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"cannot open keys store {keys.path}: {e}") from e
        self._version = self._data_version()

    def _data_version(self) -> int:
        if self._watch is None:
            raise StoreUnavailableError(f"keys store {self._keys.path} is closed")
        try:
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"keys store {self._keys.path}: {e}") from e

    def cached(self, presented: str) -> tuple[Principal | None, int, bytes]:
        """(the remembered principal or None, the keys file's version, the key's digest)."""
        digest = hashlib.sha256(presented.encode("utf-8")).digest()
        with self._lock:
            version = self._data_version()
            if version != self._version:
                self._known.clear()
                self._version = version
            return self._known.get(digest), version, digest

    def check(self, presented: str, version: int, digest: bytes) -> Principal | None:
        """Authenticate through the keys file; remember a valid key's principal unless
        the file changed since ``version`` was read (then the next call looks again)."""
        principal = self._keys.authenticate(presented)
        if principal is not None:
            with self._lock:
                if self._version == version:
                    if len(self._known) >= MAX_KEYS:
                        self._known.clear()
                    self._known[digest] = principal
        return principal

    def authenticate(self, presented: str) -> Principal | None:
        """The principal of a valid, unrevoked key; None otherwise."""
        found, version, digest = self.cached(presented)
        return found if found is not None else self.check(presented, version, digest)

    def close(self) -> None:
        with self._lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            self._known.clear()
