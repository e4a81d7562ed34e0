"""Settings, read from ``GRAPHCRM_*`` environment variables when asked for.

Nothing here runs at import time: call :func:`get_settings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from graphcrm.errors import InvalidError, Problem


def default_sqlite_path() -> Path:
    """``$XDG_DATA_HOME/graphcrm/graphcrm.sqlite3`` (``~/.local/share`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "graphcrm" / "graphcrm.sqlite3"


class Settings(BaseSettings):
    """graphcrm's settings. Every field is documented in ``docs/operations.md``."""

    model_config = SettingsConfigDict(env_prefix="GRAPHCRM_", extra="ignore")

    store: SecretStr = Field(
        default=SecretStr(""),
        description="Store URL: sqlite:///path, neo4j://user:password@host:7687/db or bolt://...; "
        "empty means the embedded SQLite store at the default path.",
    )
    actor: str = Field(default="cli", description="Name recorded in the change log for CLI writes.")
    keys_path: str = Field(
        default="",
        description="SQLite file of the API keys; empty means beside the SQLite store "
        "(<store>.keys.sqlite3), or beside the default store when the graph is in Neo4j.",
    )
    api_host: str = Field(default="127.0.0.1", description="Address `graphcrm serve` binds.")
    api_port: int = Field(default=8000, ge=0, le=65535, description="Port `graphcrm serve` binds.")
    api_max_body_bytes: int = Field(
        default=10 * 2**20, ge=1024, description="Largest request body the API accepts (413)."
    )
    api_max_batch_rows: int = Field(
        default=5000,
        ge=1,
        description="Most rows one write request (/v1/batch, ...) may carry (413).",
    )
    api_max_page_size: int = Field(
        default=500, ge=1, le=1000, description="Largest `limit` a list endpoint accepts (422)."
    )
    api_cache_ttl_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long an analytics result about the present stays cached "
        "(results for a past as_of stay until a write invalidates them); 0 turns caching off.",
    )
    api_cache_max_entries: int = Field(
        default=2048, ge=0, description="Most analytics results kept in the in-process cache."
    )


def get_settings() -> Settings:
    return Settings()


@dataclass(frozen=True, slots=True)
class StoreURL:
    """A parsed store URL. ``str()`` and ``redacted`` never show the password."""

    scheme: str
    path: Path | None = None
    host: str = ""
    port: int | None = None
    user: str | None = None
    password: SecretStr | None = None
    database: str | None = None

    @property
    def redacted(self) -> str:
        if self.scheme == "sqlite":
            return f"sqlite:///{self.path}"
        auth = f"{self.user}:***@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        db = f"/{self.database}" if self.database else ""
        return f"{self.scheme}://{auth}{self.host}{port}{db}"

    @property
    def server_uri(self) -> str:
        """The URI without credentials or database, as the driver wants it."""
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{self.host}{port}"

    def __str__(self) -> str:
        return self.redacted

    __repr__ = __str__


NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def parse_store_url(raw: str) -> StoreURL:
    """Parse ``GRAPHCRM_STORE``.

    >>> parse_store_url("sqlite:///tmp/x.db").path
    PosixPath('/tmp/x.db')
    >>> parse_store_url("sqlite:var/x.db").path
    PosixPath('var/x.db')
    >>> str(parse_store_url("neo4j://neo4j:s3cret@db.example:7687/crm"))
    'neo4j://neo4j:***@db.example:7687/crm'
    """
    if not raw:
        return StoreURL(scheme="sqlite", path=default_sqlite_path())
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///abs/path.db is absolute (like file:// URLs); sqlite:rel/path.db is relative.
        path = unquote(parts.path)
        if parts.netloc or not path.strip("/"):
            raise InvalidError(
                [
                    Problem(
                        "GRAPHCRM_STORE",
                        "path",
                        "expected sqlite:///absolute/path or sqlite:rel/path",
                    )
                ]
            )
        return StoreURL(scheme="sqlite", path=Path(path))
    if scheme in NEO4J_SCHEMES:
        try:
            port = parts.port
        except ValueError as e:
            raise InvalidError([Problem("GRAPHCRM_STORE", "port", str(e))]) from None
        if not parts.hostname:
            raise InvalidError([Problem("GRAPHCRM_STORE", "host", "missing host name")])
        database = parts.path.strip("/") or None
        return StoreURL(
            scheme=scheme,
            host=parts.hostname,
            port=port,
            user=unquote(parts.username) if parts.username else None,
            password=SecretStr(unquote(parts.password)) if parts.password is not None else None,
            database=database,
        )
    raise InvalidError(
        [
            Problem(
                "GRAPHCRM_STORE",
                "scheme",
                f"unsupported scheme {scheme!r}; use sqlite, neo4j or bolt",
            )
        ]
    )
