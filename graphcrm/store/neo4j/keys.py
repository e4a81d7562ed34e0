"""API keys, the watermark and the write lock of the Neo4j store.

Keys are ``(:ApiKey {id, name, secret_hash, scopes, territories, created_at,
revoked_at})`` nodes, unique on ``id``, standing alone: the SHA-256 of each
secret, never the secret; times as :func:`~graphcrm.store.codec.ts` text.
Every key write bumps ``(:Counter {name: 'api_keys'})`` in the same
transaction, which :func:`watermark` reads together with the latest change-log
sequence (the last ``ChangeLogPage``, an index seek backwards): one statement.

The write lock across processes and hosts (:func:`exclusive`) is the write
lock of ``(:Counter {name: 'api_write_lock'})``, taken by an explicit
transaction that bumps it and stays open for the block: every other holder
waits on that node until the transaction ends. The holding thread's writes
run in that transaction (:func:`held`), so they commit with the block or not
at all, as on SQLite; a store error inside rolls the whole block back (Neo4j
has no savepoints). Only code that asks for the lock takes it (the API's
writes); :meth:`~graphcrm.store.neo4j.store.Neo4jStore.apply` alone does not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

import neo4j
from neo4j import ManagedTransaction

from graphcrm.domain.keys import KeyRecord, Watermark
from graphcrm.errors import NotFoundError
from graphcrm.store.codec import parse_ts, ts
from graphcrm.store.cypher import query
from graphcrm.store.neo4j.queries import Runner, fetch_one


def _decode(found: dict[str, Any]) -> KeyRecord:
    revoked = found.get("revoked_at")
    return KeyRecord(
        id=found["id"],
        name=found["name"],
        secret_hash=found["secret_hash"],
        scopes=tuple(found["scopes"]),
        territories=tuple(found["territories"]),
        created_at=parse_ts(found["created_at"]),
        revoked_at=parse_ts(revoked) if revoked else None,
    )


def put_key(tx: ManagedTransaction, key: KeyRecord) -> None:
    """Create a key node (a taken id breaks the constraint: ConflictError upstream)."""
    params: dict[str, Any] = {
        "id": key.id,
        "name": key.name,
        "secret_hash": key.secret_hash,
        "scopes": list(key.scopes),
        "territories": list(key.territories),
        "created_at": ts(key.created_at),
        "revoked_at": ts(key.revoked_at) if key.revoked_at is not None else None,
    }
    tx.run(query("keys/create_key"), params).consume()


def get_key(tx: Runner, key_id: str) -> KeyRecord:
    record = fetch_one(tx, "keys/read_key", id=key_id)
    if record is None:
        raise NotFoundError("key", key_id)
    return _decode(record["key"])


def list_keys(tx: Runner) -> tuple[KeyRecord, ...]:
    return tuple(_decode(r["key"]) for r in tx.run(query("keys/list_keys")))


def revoke_key(tx: ManagedTransaction, key_id: str, at: datetime) -> KeyRecord:
    """Revoke a key; an already revoked one is left as it is. NotFoundError when unknown."""
    get_key(tx, key_id)
    fetch_one(tx, "keys/revoke_key", id=key_id, at=ts(at))
    return get_key(tx, key_id)


def watermark(tx: Runner) -> Watermark:
    record = fetch_one(tx, "keys/read_watermark")
    if record is None:  # pragma: no cover - the statement always returns one row
        return Watermark(changes=0, keys=0)
    return Watermark(changes=int(record["changes"]), keys=int(record["keys"]))


def held(holder: threading.local) -> ManagedTransaction | None:
    """The lock's transaction when the calling thread holds :func:`exclusive`."""
    tx = getattr(holder, "tx", None)
    # An explicit transaction runs statements as a managed one does; the work
    # functions only call ``run``.
    return cast(ManagedTransaction, tx) if tx is not None else None


@contextmanager
def exclusive(session: neo4j.Session, holder: threading.local) -> Iterator[None]:
    """Hold the lock node's write lock for the block (module docs); the lock's
    transaction commits when the block ends and rolls back when it raises."""
    if getattr(holder, "tx", None) is not None:
        raise RuntimeError("exclusive() is not re-entrant")
    tx = session.begin_transaction()
    try:
        tx.run(query("keys/lock_writes")).consume()
    except BaseException:
        tx.close()
        raise
    holder.tx = tx
    try:
        yield
    except BaseException:
        tx.rollback()
        raise
    else:
        tx.commit()
    finally:
        holder.tx = None
        tx.close()
