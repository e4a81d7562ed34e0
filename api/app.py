"""The app factory: ``create_app(settings)`` with a lifespan that opens and closes the store."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI

from graphcrm.auth import KeyStore
from graphcrm.config import Settings, get_settings, parse_store_url
from graphcrm.store import open_store

from . import docs, errors
from .cache import AnalyticsCache
from .deps import AppState, single_query_values
from .freshness import Freshness
from .keycache import KeyCache
from .middleware import BodyLimit, RequestLog, install_limits, log_requests_to_stderr
from .openapi import document, operation_id
from .routers import (
    accounts,
    alerts,
    analytics,
    batch,
    changes,
    contacts,
    deals,
    forecast,
    health,
    keys,
    page_edits,
    pages,
    reps,
    territories,
    ties,
    touchpoints,
    transfer,
)

ROUTERS: list[APIRouter] = [
    health.router,
    accounts.router,
    contacts.router,
    ties.router,
    deals.router,
    touchpoints.router,
    reps.router,
    territories.router,
    batch.router,
    analytics.router,
    forecast.router,
    alerts.router,
    transfer.router,
    changes.router,
    keys.router,
    pages.router,
    page_edits.router,
]
"""Every router, in the order the docs show them. Add a module's ``router`` here
(HTML pages: ``api.routers.pages.router``), or pass ``extra_routers``."""

DESCRIPTION = """\
Relationship health, deal risk and the stakeholder graph of graphcrm over HTTP.

Authenticate with `X-API-Key: <key>` or `Authorization: Bearer <key>`
(`graphcrm keys create`). Every error is an RFC 9457 `application/problem+json`
document. See `docs/api.md`.
"""


def create_app(
    settings: Settings | None = None, *, extra_routers: list[APIRouter] | None = None
) -> FastAPI:
    """Build the API. Nothing is opened until the app starts (its lifespan)."""
    cfg = settings if settings is not None else get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            url = cfg.store.get_secret_value()
            store = open_store(url)
            stack.callback(store.close)
            key_store = KeyStore(store)
            known_keys = KeyCache(key_store)
            stack.callback(known_keys.close)
            cache = AnalyticsCache(
                ttl=cfg.api_cache_ttl_seconds, max_entries=cfg.api_cache_max_entries
            )
            freshness = Freshness(
                store,
                cache,
                known_keys,
                blocking=parse_store_url(url).scheme != "sqlite",
                staleness=cfg.api_freshness_seconds,
            )
            app.state.graphcrm = AppState(
                settings=cfg,
                store=store,
                keys=key_store,
                known_keys=known_keys,
                cache=cache,
                freshness=freshness,
            )
            yield

    app = FastAPI(
        title="graphcrm API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        dependencies=[Depends(single_query_values)],
    )
    errors.install(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app, max_page_size=cfg.api_max_page_size)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    docs.install(app)
    for router in [*ROUTERS, *(extra_routers or [])]:
        app.include_router(router)
    install_limits(app, cfg)
    app.add_middleware(BodyLimit, max_bytes=cfg.api_max_body_bytes)
    app.add_middleware(RequestLog)
    return app


def serve_app() -> FastAPI:
    """The app one ``graphcrm serve`` worker runs (uvicorn's factory for ``--workers``):
    settings from the environment, request logs on stderr."""
    log_requests_to_stderr()
    app = create_app(get_settings())
    freeze_imports()
    return app


def freeze_imports() -> None:
    """Move everything alive now (the imported modules, the app) out of the cyclic
    garbage collector's sight, once, in a server process that is about to serve.

    Every full (generation 2) collection walks every container object alive;
    after the imports (fastapi, pydantic, networkx, numpy, the driver) that is
    a few hundred thousand objects that never die, and a full collection came
    every second or so during recomputes, stopping the worker (GIL) for
    100-370 ms on two shared cores: the bulk of the p99 of a read after a write.
    Frozen, they are not walked (:func:`gc.freeze`); what requests allocate is
    collected as before.
    """
    gc.collect()
    gc.freeze()
