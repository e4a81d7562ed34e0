"""API keys: who may call the API, with which scopes, over which territories.

A key is ``gcrm_<key id>_<secret>``: the key id (12 hex digits) is public and
names the row; the secret is 32 random bytes (``secrets.token_urlsafe``). The
full key is shown once, when it is created, and never stored: the store keeps
``sha256(secret)`` only, and a presented key is checked by recomputing that
hash and comparing it with :func:`hmac.compare_digest` (constant time).

Why SHA-256 and not scrypt/argon2: slow hashes protect *low-entropy* secrets
(passwords) against offline guessing. A 256-bit random secret cannot be
guessed whatever the hash costs, so a slow hash would only add tens of
milliseconds to every request. (GitHub, Stripe and PyPI tokens are checked the
same way.)

Keys live in a small SQLite file of their own (``GRAPHCRM_KEYS_PATH``,
:func:`keys_path`), independent of the graph store, so they work the same when
the graph is in Neo4j.

Territories: a principal sees the accounts whose territory is in its set, and
everything under them. ``*`` means every territory, accounts without one
included.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final

from pydantic import Field

from graphcrm.config import Settings, StoreURL, default_sqlite_path, parse_store_url
from graphcrm.domain import Model, UtcDatetime
from graphcrm.errors import InvalidError, NotFoundError, Problem, StoreUnavailableError

ALL_TERRITORIES: Final = "*"
PREFIX: Final = "gcrm_"
_KEY_ID_HEX: Final = 12


class Scope(StrEnum):
    """``read`` for GET, ``write`` for writes, ``admin`` for managing keys."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


Territory = Annotated[str, Field(min_length=1, max_length=200)]


class Principal(Model):
    """The caller behind a key."""

    key_id: str
    name: str
    scopes: frozenset[Scope]
    territories: frozenset[Territory]

    @property
    def all_territories(self) -> bool:
        return ALL_TERRITORIES in self.territories

    def sees(self, territory: str | None) -> bool:
        """Whether an account in ``territory`` is visible to this principal."""
        if self.all_territories:
            return True
        return territory is not None and territory in self.territories


class ApiKey(Model):
    """A stored key, without its secret."""

    id: str
    name: str
    scopes: frozenset[Scope]
    territories: frozenset[Territory]
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None

    def principal(self) -> Principal:
        return Principal(
            key_id=self.id, name=self.name, scopes=self.scopes, territories=self.territories
        )


class CreatedKey(Model):
    """A new key: ``secret`` is the full key, shown this once."""

    key: ApiKey
    secret: str


def keys_path(settings: Settings) -> Path:
    """Where the keys live: ``GRAPHCRM_KEYS_PATH``, else beside the SQLite store
    (``<store>.keys.sqlite3``), else beside the default store (for Neo4j).

    >>> from graphcrm.config import Settings
    >>> from pydantic import SecretStr
    >>> keys_path(Settings(store=SecretStr("sqlite:///data/crm.sqlite3"), keys_path=""))
    PosixPath('/data/crm.keys.sqlite3')
    """
    if settings.keys_path:
        return Path(settings.keys_path)
    return keys_path_for(parse_store_url(settings.store.get_secret_value()))


def keys_path_for(url: StoreURL) -> Path:
    """The default keys file for the store at ``url`` (see :func:`keys_path`)."""
    if url.scheme == "sqlite" and url.path is not None:
        return url.path.with_name(f"{url.path.stem}.keys.sqlite3")
    base = default_sqlite_path()
    return base.with_name(f"{base.stem}.keys.sqlite3")


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8")).digest()


_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    scopes      TEXT NOT NULL,
    territories TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
)
"""


def _validate(name: str, scopes: Iterable[Scope], territories: Iterable[str]) -> None:
    problems: list[Problem] = []
    if not name.strip() or len(name) > 200:
        problems.append(Problem("key", "name", "must be 1 to 200 characters"))
    if not list(scopes):
        problems.append(Problem("key", "scopes", "give at least one scope"))
    terr = list(territories)
    if not terr:
        problems.append(
            Problem("key", "territories", f"give at least one (or {ALL_TERRITORIES!r})")
        )
    for t in terr:
        if not t.strip() or len(t) > 200 or "," in t:
            problems.append(Problem("key", "territories", f"bad territory {t!r}"))
    if problems:
        raise InvalidError(problems)


class KeyStore:
    """API keys in one SQLite file. Thread-safe (one connection behind a lock)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._path = path
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path) -> KeyStore:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise StoreUnavailableError(f"cannot open keys store {path}: {e}") from e
        return cls(conn, path)

    @property
    def path(self) -> Path:
        return self._path

    def _c(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailableError(f"keys store {self._path} is closed")
        return self._conn

    def create(
        self,
        name: str,
        scopes: Iterable[Scope],
        territories: Iterable[str],
        *,
        now: datetime | None = None,
    ) -> CreatedKey:
        """Create a key; the returned ``secret`` is the only copy of the full key."""
        scopes, territories = frozenset(scopes), frozenset(territories)
        _validate(name, scopes, territories)
        key_id = secrets.token_hex(_KEY_ID_HEX // 2)
        secret = secrets.token_urlsafe(32)
        at = (now or datetime.now(UTC)).astimezone(UTC)
        key = ApiKey(id=key_id, name=name, scopes=scopes, territories=territories, created_at=at)
        try:
            with self._lock:
                self._c().execute(
                    "INSERT INTO api_keys (id, name, secret_hash, scopes, territories, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        key_id,
                        name,
                        _hash(secret),
                        ",".join(sorted(scopes)),
                        "\n".join(sorted(territories)),
                        at.isoformat(),
                    ),
                )
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"keys store {self._path}: {e}") from e
        return CreatedKey(key=key, secret=f"{PREFIX}{key_id}_{secret}")

    def _row(self, key_id: str) -> tuple[ApiKey, bytes] | None:
        try:
            with self._lock:
                row = (
                    self._c()
                    .execute(
                        "SELECT id, name, secret_hash, scopes, territories, created_at, revoked_at"
                        " FROM api_keys WHERE id = ?",
                        (key_id,),
                    )
                    .fetchone()
                )
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"keys store {self._path}: {e}") from e
        if row is None:
            return None
        return _decode(row), bytes(row[2])

    def authenticate(self, presented: str) -> Principal | None:
        """The principal of a valid, unrevoked key; None otherwise (never says why)."""
        if not presented.startswith(PREFIX):
            return None
        key_id, sep, secret = presented[len(PREFIX) :].partition("_")
        if not sep or len(key_id) != _KEY_ID_HEX or not secret:
            return None
        found = self._row(key_id)
        # Hash even when the id is unknown, so timing does not tell ids apart.
        stored = found[1] if found is not None else b"\0" * 32
        ok = hmac.compare_digest(stored, _hash(secret))
        if found is None or not ok or found[0].revoked_at is not None:
            return None
        return found[0].principal()

    def list(self) -> tuple[ApiKey, ...]:
        """Every key, oldest first (revoked ones too)."""
        try:
            with self._lock:
                rows = (
                    self._c()
                    .execute(
                        "SELECT id, name, secret_hash, scopes, territories, created_at, revoked_at"
                        " FROM api_keys ORDER BY created_at, id"
                    )
                    .fetchall()
                )
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"keys store {self._path}: {e}") from e
        return tuple(_decode(r) for r in rows)

    def get(self, key_id: str) -> ApiKey:
        found = self._row(key_id)
        if found is None:
            raise NotFoundError("key", key_id)
        return found[0]

    def revoke(self, key_id: str, *, now: datetime | None = None) -> ApiKey:
        """Revoke a key (idempotent); raises NotFoundError for an unknown id."""
        key = self.get(key_id)
        if key.revoked_at is not None:
            return key
        at = (now or datetime.now(UTC)).astimezone(UTC)
        try:
            with self._lock:
                self._c().execute(
                    "UPDATE api_keys SET revoked_at = ? WHERE id = ?", (at.isoformat(), key_id)
                )
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"keys store {self._path}: {e}") from e
        return key.model_copy(update={"revoked_at": at})

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _decode(row: tuple[object, ...]) -> ApiKey:
    key_id, name, _, scopes, territories, created, revoked = row
    return ApiKey(
        id=str(key_id),
        name=str(name),
        scopes=frozenset(Scope(s) for s in str(scopes).split(",") if s),
        territories=frozenset(t for t in str(territories).split("\n") if t),
        created_at=datetime.fromisoformat(str(created)),
        revoked_at=datetime.fromisoformat(str(revoked)) if revoked is not None else None,
    )
