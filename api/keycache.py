"""API keys checked once per key, until a key is written anywhere.

:meth:`graphcrm.auth.KeyStore.authenticate` reads the key from the store on
every call. :class:`KeyCache` remembers the principal of each valid key it has
checked (by the key's SHA-256, never the key itself) and forgets them all as
soon as the store's count of key writes moves on (:mod:`api.freshness` looks
once per request, before authenticating). So a key revoked through any worker,
any host or ``graphcrm keys`` gets 401 from the next request on.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Final

from graphcrm.auth import KeyStore, Principal

MAX_KEYS: Final = 10_000
"""Principals remembered at most (then the memory starts over)."""


class KeyCache:
    """:meth:`KeyStore.authenticate`, memoised until keys change. Thread-safe."""

    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys
        self._lock = threading.Lock()
        self._known: dict[bytes, Principal] = {}
        self._generation = 0

    def forget(self) -> None:
        """Forget every remembered principal (a key was written somewhere)."""
        with self._lock:
            self._known.clear()
            self._generation += 1

    def cached(self, presented: str) -> tuple[Principal | None, int, bytes]:
        """(the remembered principal or None, the memory's generation, the key's digest)."""
        digest = hashlib.sha256(presented.encode("utf-8")).digest()
        with self._lock:
            return self._known.get(digest), self._generation, digest

    def check(self, presented: str, generation: int, digest: bytes) -> Principal | None:
        """Authenticate through the store; remember a valid key's principal unless keys
        changed since ``generation`` was read (then the next call looks again)."""
        principal = self._keys.authenticate(presented)
        if principal is not None:
            with self._lock:
                if self._generation == generation:
                    if len(self._known) >= MAX_KEYS:
                        self._known.clear()
                    self._known[digest] = principal
        return principal

    def authenticate(self, presented: str) -> Principal | None:
        """The principal of a valid, unrevoked key; None otherwise."""
        found, generation, digest = self.cached(presented)
        return found if found is not None else self.check(presented, generation, digest)

    def close(self) -> None:
        self.forget()
