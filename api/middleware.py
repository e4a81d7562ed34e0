"""ASGI middleware: the body-size limit and structured request logs.

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
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_response

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


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with a 413 problem, by Content-Length or as streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(path, scope, receive, send)
                    return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(path, scope, receive, send)

    async def _refuse(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            path,
            413,
            "too-large",
            "Content Too Large",
            f"the request body is over the limit of {self.max_bytes:,} bytes",
        )
        await response(scope, receive, send)


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
