"""The embedded SQLite store: the default backend. All of graphcrm's SQL lives in this package."""

from graphcrm.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
