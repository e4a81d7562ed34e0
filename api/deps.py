"""Dependencies, as ``Annotated`` aliases: the store, the caller, pages, as-of.

The dependencies themselves are ``async def``: they only read the request and
do no blocking work (a known key is found in memory, :mod:`api.keycache`; an
unknown one is checked in the thread pool), so a request costs one hop to the
thread pool (its endpoint's), not one per dependency. The store's watermark
(:mod:`api.freshness`) is read first: on SQLite from memory unless another
connection committed; on Neo4j, a round trip, in the thread pool.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from graphcrm.auth import KeyStore, Principal, Scope
from graphcrm.config import Settings
from graphcrm.domain import PageRequest
from graphcrm.domain.base import as_of_instant
from graphcrm.errors import InvalidError, Problem
from graphcrm.store.port import GraphStore

from .cache import AnalyticsCache
from .errors import forbidden, unauthorized
from .freshness import Freshness
from .keycache import KeyCache


@dataclass(slots=True)
class AppState:
    """What the lifespan opens: the store, its keys, the cache and what keeps it fresh;
    and the write lock."""

    settings: Settings
    store: GraphStore
    keys: KeyStore
    known_keys: KeyCache
    cache: AnalyticsCache
    freshness: Freshness
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The write lock: of this process's threads, then the store's, across workers
        and hosts (:meth:`~graphcrm.store.port.GraphStore.exclusive`)."""
        with self.write_lock, self.store.exclusive():
            yield


async def get_state(request: Request) -> AppState:
    state = getattr(request.app.state, "graphcrm", None)
    if not isinstance(state, AppState):
        raise RuntimeError("the app was not started through its lifespan")
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_store(state: StateDep) -> GraphStore:
    return state.store


StoreDep = Annotated[GraphStore, Depends(get_store)]

_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (`graphcrm keys create`)."
)
_bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token.")


async def get_principal(
    request: Request,
    state: StateDep,
    api_key: Annotated[str | None, Security(_api_key)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    presented = api_key or (bearer.credentials if bearer is not None else None)
    if not presented:
        raise unauthorized()
    fresh = state.freshness
    if not fresh.recent() and (fresh.blocking or not fresh.quick()):
        await run_in_threadpool(fresh.sync)
    principal, version, digest = state.known_keys.cached(presented)
    if principal is None:
        principal = await run_in_threadpool(state.known_keys.check, presented, version, digest)
    if principal is None:
        raise unauthorized("the API key is invalid or revoked")
    request.state.principal = principal.name
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


class ScopeCheck:
    """The dependency that refuses a key without ``scope`` (403); the OpenAPI document
    names it on each operation (:mod:`api.openapi`)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    async def __call__(self, principal: PrincipalDep) -> Principal:
        if self.scope not in principal.scopes:
            raise forbidden(f"this key lacks the {self.scope.value!r} scope")
        return principal


ReaderDep = Annotated[Principal, Depends(ScopeCheck(Scope.READ))]
WriterDep = Annotated[Principal, Depends(ScopeCheck(Scope.WRITE))]
AdminDep = Annotated[Principal, Depends(ScopeCheck(Scope.ADMIN))]


async def get_as_of(
    as_of: Annotated[
        str | None,
        Query(
            description="Read the graph as it stood then: a date (end of that day, UTC) "
            "or an ISO 8601 datetime (UTC when it has no zone), from 1900-01-01 to "
            "9999-12-30 (UTC).",
            examples=["2026-03-01", "2026-03-01T10:00:00+03:00"],
            max_length=64,
        ),
    ] = None,
) -> datetime | None:
    if as_of is None:
        return None
    try:
        return as_of_instant(as_of)
    except ValueError as e:
        raise InvalidError([Problem("query", "as_of", str(e))]) from None


AsOfDep = Annotated[datetime | None, Depends(get_as_of)]


async def get_page(
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> PageRequest:
    cap = state.settings.api_max_page_size
    if limit > cap:
        raise InvalidError([Problem("query", "limit", f"at most {cap} per page (got {limit})")])
    return PageRequest(limit=limit, offset=offset)


PageDep = Annotated[PageRequest, Depends(get_page)]


async def single_query_values(request: Request) -> None:
    """Refuse, with a 422 naming it, a query parameter of the API (``/v1``) given twice
    where the operation takes one value (the framework would silently keep the last),
    or given empty (a filter of nothing; leave it out). Which parameters take several
    values, the OpenAPI document says (arrays); it declares the others non-empty."""
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    if path is None or not path.startswith("/v1/"):
        return
    counts: dict[str, int] = {}
    empty: set[str] = set()
    for name, value in request.query_params.multi_items():
        counts[name] = counts.get(name, 0) + 1
        if value == "":
            empty.add(name)
    repeated = {name for name, n in counts.items() if n > 1}
    if not repeated and not empty:
        return
    operation = request.app.openapi().get("paths", {}).get(path, {})
    operation = operation.get(request.method.lower(), {})
    declared = {p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "query"}
    several = {n for n, p in declared.items() if "array" in json.dumps(p.get("schema", {}))}
    problems = [
        Problem("query", name, "given more than once; it takes one value")
        for name in sorted(repeated - several)
        if name in declared
    ]
    problems += [
        Problem("query", name, "empty; leave the parameter out instead")
        for name in sorted(empty)
        if name in declared
    ]
    if problems:
        raise InvalidError(problems)
