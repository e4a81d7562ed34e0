"""ASGI middleware: the body-size limit, the per-key limits of expensive requests
(:mod:`api.limits`) and structured request logs.

The request log is one JSON object per request on the ``graphcrm.api.access``
logger: method, path, status, duration, the principal's *name* and a request
id. It never holds a header (so never the API key or ``Authorization``), a
query string or a body.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import problem_response
from .limits import KeyLimits, document_429, is_expensive, key_identity, retry_after

if TYPE_CHECKING:
    from fastapi import FastAPI

    from graphcrm.config import Settings

access_log = logging.getLogger("graphcrm.api.access")


class _StderrLog(logging.StreamHandler):  # type: ignore[type-arg]
    """The request log's handler on stderr (a class of its own: added once)."""


def log_requests_to_stderr() -> None:
    """Send the request log, one JSON object a line, to stderr (``graphcrm serve``)."""
    if any(isinstance(h, _StderrLog) for h in access_log.handlers):
        return
    handler = _StderrLog()
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with a 413 problem before the app sees the request.

    A body of declared length (Content-Length) is judged by that header: the server
    delivers no more than it declares. A body without one (``Transfer-Encoding:
    chunked``) is read here first, its bytes counted as they arrive: past the limit,
    reading stops and the same 413 is the answer; within it, the app is handed the
    messages as they came. So every endpoint refuses both alike, even one that never
    reads its body, and no endpoint starts on a body it could not have read whole. Such
    a body is held in memory until the app reads it: at most ``max_bytes``, as the app
    holds a body of declared length once read.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None:
            if declared > self.max_bytes:
                await self._refuse(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        messages: deque[Message] = deque()
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":  # http.disconnect: the app hears of it
                break
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.popleft() if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            str(scope.get("path", "")),
            413,
            "too-large",
            "Content Too Large",
            f"the request body is over the limit of {self.max_bytes:,} bytes",
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length of the body, or None when there is none (or it is not a number)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


PAGE_COOKIE = "graphcrm_key"
"""The pages' session cookie (``api.routers.page_support.COOKIE``): the key itself."""


def _presented_key(scope: Scope) -> str | None:
    """The API key a request presents (header, bearer token or the pages' cookie)."""
    cookie = ""
    for name, value in scope.get("headers", []):
        if name == b"x-api-key" and value:
            return str(value.decode("latin-1"))
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            token = str(value[7:].strip().decode("latin-1"))
            if token:
                return token
        if name == b"cookie":
            cookie = value.decode("latin-1")
    if cookie:
        return cookie_parser(cookie).get(PAGE_COOKIE) or None
    return None


class ExpensiveLimit:
    """Answer 429 (``Retry-After``, a problem document) to an expensive request
    (:data:`api.limits.EXPENSIVE`) of a key over its concurrency or rate limit; hold
    the key's concurrency slot while the request runs. See :mod:`api.limits`."""

    def __init__(self, app: ASGIApp, *, limits: KeyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_expensive(
            str(scope.get("method", "")), str(scope.get("path", ""))
        ):
            await self.app(scope, receive, send)
            return
        secret = _presented_key(scope)
        if secret is None:
            await self.app(scope, receive, send)
            return
        key = key_identity(secret)
        wait = self.limits.acquire(key)
        if wait is not None:
            response = problem_response(
                str(scope.get("path", "")),
                429,
                "too-many-requests",
                "Too Many Requests",
                "this key is over its limit of expensive requests "
                "(in flight at once, or per minute); retry after the seconds of Retry-After",
                headers={"Retry-After": retry_after(wait)},
            )
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.limits.release(key)


def install_limits(app: FastAPI, cfg: Settings) -> None:
    """Limit the app's expensive requests per key (:class:`ExpensiveLimit`, from the
    ``GRAPHCRM_API_EXPENSIVE_*`` settings) and declare their 429 in its OpenAPI
    document (:func:`api.limits.document_429`, on the document the app builds)."""
    limits = KeyLimits(
        concurrent=cfg.api_expensive_concurrent,
        per_minute=cfg.api_expensive_per_minute,
        burst=cfg.api_expensive_burst,
    )
    app.add_middleware(ExpensiveLimit, limits=limits)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        return document_429(build())  # idempotent on the app's cached document

    app.openapi = openapi  # type: ignore[method-assign]


class RequestLog:
    """One structured log line per request, without secrets; sets ``X-Request-ID``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Request ids: a random prefix per process and a counter (unique without
        # asking the kernel for randomness on every request).
        self._prefix = secrets.token_hex(4)
        self._count = itertools.count()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = f"{self._prefix}{next(self._count) & 0xFFFFFFFF:08x}"
        start = time.perf_counter()
        status = 500
        state: dict[str, Any] = scope.setdefault("state", {})

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_log.info(
                    json.dumps(
                        {
                            "event": "request",
                            "request_id": request_id,
                            "method": scope.get("method"),
                            "path": scope.get("path"),
                            "status": status,
                            "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                            "principal": state.get("principal"),
                            "client": client[0] if client else None,
                        },
                        ensure_ascii=False,
                    )
                )
