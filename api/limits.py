"""Per-key limits on expensive requests (OWASP API4: unrestricted resource consumption).

What-if, warm paths, follow-ups, exports, imports, forecasts and forecast
trends each cost up to seconds of CPU or a large read. :class:`KeyLimits`
bounds them per API key with two limits, both from the settings:

- **concurrency**: at most ``GRAPHCRM_API_EXPENSIVE_CONCURRENT`` of them in
  flight at once for one key (the next answers 429 at once, never queues);
- **rate**: a token bucket per key holding at most
  ``GRAPHCRM_API_EXPENSIVE_BURST`` requests, refilled at
  ``GRAPHCRM_API_EXPENSIVE_PER_MINUTE`` a minute (spent when a request starts).

Over either, the answer is ``429`` with ``Retry-After`` (whole seconds) as a
problem document; other keys are unaffected. The state lives in the worker's
memory: the limits hold per key across the threads of one worker process, so
with N workers (or hosts) a key can reach N times each limit. A key is told
apart by the SHA-256 of the secret it presents (the secret is never kept); a
request without one is not limited here (it is refused with 401 anyway before
any work). The table :data:`EXPENSIVE` names the operations, and
:func:`document_429` adds the 429 answer to them in the OpenAPI document.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

EXPENSIVE: Final[tuple[tuple[str, str], ...]] = (
    ("post", "/v1/deals/{deal_id}/what-if"),
    ("get", "/v1/contacts/{contact_id}/warm-paths"),
    ("get", "/v1/followups"),
    ("get", "/v1/exports"),
    ("post", "/v1/imports"),
    ("get", "/v1/forecast"),
    ("get", "/v1/forecast/trend"),
    ("post", "/pages/deals/{deal_id}/what-if"),
    ("get", "/pages/forecast"),
)
"""The limited operations: method and path template (as in the OpenAPI document)."""

_PATTERNS: Final = tuple(
    (method.upper(), re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", path) + "$"))
    for method, path in EXPENSIVE
)

MAX_IDLE_KEYS: Final = 4096
"""Keys remembered before the idle ones (nothing in flight, bucket full) are dropped."""


def is_expensive(method: str, path: str) -> bool:
    """Whether ``method path`` is one of :data:`EXPENSIVE`."""
    return any(m == method and p.match(path) for m, p in _PATTERNS)


def key_identity(secret: str) -> str:
    """What the limits know of a key: a digest of its secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    in_flight: int = 0


class KeyLimits:
    """Concurrency and rate limits per key (see the module docstring); thread-safe.

    ``concurrent`` or ``per_minute`` of 0 turns that limit off. ``clock`` is
    the monotonic clock (tests pass their own).
    """

    def __init__(
        self,
        *,
        concurrent: int,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.concurrent, self.per_minute, self.burst = concurrent, per_minute, max(1, burst)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}

    def acquire(self, key: str) -> float | None:
        """Take a slot for ``key``: None when granted (call :meth:`release` after), else
        the seconds until a retry can succeed."""
        now = self._clock()
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                if len(self._buckets) >= MAX_IDLE_KEYS:
                    self._forget_idle(now)
                b = self._buckets[key] = _Bucket(tokens=float(self.burst), stamp=now)
            self._refill(b, now)
            if self.concurrent and b.in_flight >= self.concurrent:
                return 1.0
            if self.per_minute:
                if b.tokens < 1.0:
                    return (1.0 - b.tokens) * 60.0 / self.per_minute
                b.tokens -= 1.0
            b.in_flight += 1
            return None

    def release(self, key: str) -> None:
        with self._lock:
            b = self._buckets.get(key)
            if b is not None and b.in_flight > 0:
                b.in_flight -= 1

    def _refill(self, b: _Bucket, now: float) -> None:
        if self.per_minute:
            b.tokens = min(float(self.burst), b.tokens + (now - b.stamp) * self.per_minute / 60.0)
        b.stamp = now

    def _forget_idle(self, now: float) -> None:
        for key, b in list(self._buckets.items()):
            self._refill(b, now)
            if b.in_flight == 0 and b.tokens >= self.burst:
                del self._buckets[key]


def retry_after(seconds: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


TOO_MANY: Final[dict[str, Any]] = {
    "description": "Too many expensive requests from this key: over its concurrency or "
    "rate limit (GRAPHCRM_API_EXPENSIVE_*). Retry after the seconds of Retry-After.",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemModel"}}
    },
}


def document_429(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the 429 answer to the operations of :data:`EXPENSIVE` in an OpenAPI document."""
    paths = schema.get("paths", {})
    for method, path in EXPENSIVE:
        operation = paths.get(path, {}).get(method)
        if operation is not None:
            operation.setdefault("responses", {})["429"] = dict(TOO_MANY)
    return schema
