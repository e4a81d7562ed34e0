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

Keys live in the graph store, behind its port (``put_key``, ``revoke_key``,
...): SQLite or Neo4j, nothing on the API host's disk, so every worker and
host of one store shares them. Earlier versions kept them in a SQLite file of
their own (``GRAPHCRM_KEYS_PATH``, :func:`keys_path`); :func:`import_key_file`
(``graphcrm keys import-file``) moves such a file's keys into the store once.

Territories: a principal sees the accounts whose territory is in its set, and
everything under them. ``*`` means every territory, accounts without one
included.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

from pydantic import Field

from graphcrm.config import Settings, StoreURL, default_sqlite_path, parse_store_url
from graphcrm.domain import Model, UtcDatetime
from graphcrm.domain.keys import KeyRecord
from graphcrm.errors import InvalidError, NotFoundError, Problem, StoreUnavailableError

if TYPE_CHECKING:
    from graphcrm.store.port import GraphStore

ALL_TERRITORIES: Final = "*"
PREFIX: Final = "gcrm_"
_KEY_ID_HEX: Final = 12
_HEX_ID: Final = re.compile(r"[0-9a-f]{12}")


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
    """Where earlier versions kept the keys file, which :func:`import_key_file` reads:
    ``GRAPHCRM_KEYS_PATH``, else beside the SQLite store (``<store>.keys.sqlite3``),
    else beside the default store (for Neo4j).

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
    """API keys in the graph store (:meth:`~graphcrm.store.port.GraphStore.put_key` and
    the rest): nothing on local disk, shared by every worker and host of the store."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store

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
        self._store.put_key(_record(key, _hash(secret)))
        return CreatedKey(key=key, secret=f"{PREFIX}{key_id}_{secret}")

    def _row(self, key_id: str) -> tuple[ApiKey, bytes] | None:
        try:
            record = self._store.get_key(key_id)
        except NotFoundError:
            return None
        return _from_record(record), bytes.fromhex(record.secret_hash)

    def authenticate(self, presented: str) -> Principal | None:
        """The principal of a valid, unrevoked key; None otherwise (never says why)."""
        if not presented.startswith(PREFIX):
            return None
        key_id, sep, secret = presented[len(PREFIX) :].partition("_")
        if not sep or len(key_id) != _KEY_ID_HEX or not _HEX_ID.fullmatch(key_id) or not secret:
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
        return tuple(_from_record(r) for r in self._store.list_keys())

    def get(self, key_id: str) -> ApiKey:
        found = self._row(key_id)
        if found is None:
            raise NotFoundError("key", key_id)
        return found[0]

    def revoke(self, key_id: str, *, now: datetime | None = None) -> ApiKey:
        """Revoke a key (idempotent); raises NotFoundError for an unknown id."""
        at = (now or datetime.now(UTC)).astimezone(UTC)
        return _from_record(self._store.revoke_key(key_id, at=at))


def _record(key: ApiKey, secret_hash: bytes) -> KeyRecord:
    return KeyRecord(
        id=key.id,
        name=key.name,
        secret_hash=secret_hash.hex(),
        scopes=tuple(sorted(key.scopes)),
        territories=tuple(sorted(key.territories)),
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def _from_record(record: KeyRecord) -> ApiKey:
    return ApiKey(
        id=record.id,
        name=record.name,
        scopes=frozenset(Scope(s) for s in record.scopes),
        territories=frozenset(record.territories),
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


# --- the keys file of earlier versions --------------------------------------------


class KeyFileImport(Model):
    """What :func:`import_key_file` did."""

    path: str
    imported: int
    """Keys put into the store."""
    present: int
    """Keys the store held already (an earlier import), left as they are."""
    moved_to: str
    """Where the file went, so that it is read once."""


def import_key_file(store: GraphStore, path: Path) -> KeyFileImport:
    """Move the keys of an earlier version's keys file (``GRAPHCRM_KEYS_PATH``, by
    default ``<store>.keys.sqlite3``) into the store, hashes and revocations as they
    are, then rename the file to ``<name>.imported`` so that it is read once.

    Keys the store holds already are left alone (a second run after an interrupted
    one imports the rest). Raises NotFoundError when there is no file at ``path``.
    """
    if not path.is_file():
        raise NotFoundError("keys file", str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT id, name, secret_hash, scopes, territories, created_at, revoked_at"
                " FROM api_keys ORDER BY created_at, id"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise StoreUnavailableError(f"cannot read keys file {path}: {e}") from e
    imported = present = 0
    for row in rows:
        key = _decode(row)
        try:
            store.get_key(key.id)
        except NotFoundError:
            store.put_key(_record(key, bytes(row[2])))
            imported += 1
        else:
            present += 1
    target = path.with_name(f"{path.name}.imported")
    path.replace(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(target.with_name(target.name + suffix))
    return KeyFileImport(path=str(path), imported=imported, present=present, moved_to=str(target))


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
