"""Storage: the :class:`~graphcrm.store.port.GraphStore` port and its adapters."""

from __future__ import annotations

import importlib

from graphcrm.config import NEO4J_SCHEMES, StoreURL, get_settings, parse_store_url
from graphcrm.errors import StoreUnavailableError
from graphcrm.store.port import GraphStore

__all__ = ["GraphStore", "open_store"]


def open_store(url: str | StoreURL | None = None) -> GraphStore:
    """Open the store named by ``url``.

    ``None`` reads the ``GRAPHCRM_STORE`` setting; an empty setting means the
    embedded SQLite store at the default path (parent directories are
    created). ``neo4j://`` and ``bolt://`` URLs open the Neo4j adapter, which
    is imported only then.
    """
    if url is None:
        url = get_settings().store.get_secret_value()
    parsed = parse_store_url(url) if isinstance(url, str) else url
    if parsed.scheme == "sqlite":
        from graphcrm.store.sqlite import SqliteStore

        if parsed.path is None:
            raise StoreUnavailableError(f"{parsed.redacted}: no database path")
        return SqliteStore.open(parsed.path)
    if parsed.scheme in NEO4J_SCHEMES:
        return _open_neo4j(parsed)
    raise StoreUnavailableError(f"no store adapter for {parsed.redacted}")


def _open_neo4j(url: StoreURL) -> GraphStore:
    try:
        module = importlib.import_module("graphcrm.store.neo4j")
    except ImportError as e:
        if (e.name or "").partition(".")[0] == "neo4j":  # the driver, pyproject's neo4j extra
            raise StoreUnavailableError(
                f"{url.redacted} needs the Neo4j driver ({e.name} is not installed): "
                "install graphcrm's neo4j extra, pip install 'graphcrm[neo4j]'"
            ) from e
        raise StoreUnavailableError(
            f"the Neo4j adapter (graphcrm.store.neo4j) is not available for {url.redacted}: {e}"
        ) from e
    store: GraphStore = module.Neo4jStore.open(url)
    return store
