"""The change log in Neo4j: pages of entries and a hashed key index.

A change-log entry is not a node of its own. The entries of one
:meth:`~graphcrm.store.port.GraphStore.apply` are appended, in order, to
``(:ChangeLogPage)`` nodes of at most :data:`PAGE` entries each: ``seq`` is
the sequence number of the page's first entry, ``n`` the number of entries,
``at`` and ``actor`` those of the batch (every entry of a batch shares them)
and ``entity``, ``key``, ``op``, ``before`` and ``after`` are lists, entry
``i`` being ``seq + i``. A missing ``before`` or ``after`` is stored as ``""``
(Neo4j lists hold no nulls; no JSON text is empty).

Reading an object's history (``change_log(key=...)``) goes through
``(:ChangeLogKeys {bucket, key, seq})`` nodes: per batch, one node per
:func:`bucket` its keys fall in, holding those keys and their sequence
numbers as two aligned lists. A lookup seeks the bucket's nodes by index,
keeps the sequence numbers of its key and reads those entries from their
pages.

Why: one node per entry, with a unique ``seq`` and an indexed ``key``, was the
largest single cost of a bulk load (``docs/benchmarks.md``); a page costs
about what one such node did. Sequence numbers still come from the
``(:Counter {name: 'change_log'})`` node, reserved once per batch at its end,
so concurrent writers wait on it only for their last statements and commit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from neo4j import ManagedTransaction

from graphcrm.domain import ChangeLogEntry, EntityKind, Page, PageRequest
from graphcrm.store.codec import LogRecord, change_entry
from graphcrm.store.neo4j.queries import Runner, chunks, fetch_one, write

PAGE = 1000
"""Entries per ``ChangeLogPage`` node (the last page of a batch holds the rest)."""

KEY_BUCKETS = 4096
"""How many buckets the key index hashes keys into. Changing it re-buckets every
stored key: it needs a schema migration (:mod:`graphcrm.store.neo4j.schema`)."""

PAGES_PER_STATEMENT = 20
"""Pages per ``UNWIND`` statement: about 20,000 entries, a few MB of parameters."""


def bucket(key: str) -> int:
    """The key-index bucket of a change-log key: CRC-32 of its UTF-8, modulo
    :data:`KEY_BUCKETS` (stable across processes and Python versions).

    >>> bucket("C-1"), bucket("C-1") == bucket("C-2")
    (94, False)
    """
    return zlib.crc32(key.encode("utf-8")) % KEY_BUCKETS


def pages(records: Sequence[LogRecord], first_seq: int) -> list[dict[str, Any]]:
    """The ``create_change_pages`` rows of consecutive ``records`` numbered from
    ``first_seq``, :data:`PAGE` entries a page. The records must share ``at``
    and ``actor`` (every record of one batch does): a page stores them once."""
    out: list[dict[str, Any]] = []
    for start in range(0, len(records), PAGE):
        part = records[start : start + PAGE]
        at, actor = part[0][0], part[0][1]
        if any(r[0] != at or r[1] != actor for r in part):
            raise ValueError("the records of one change-log page must share at and actor")
        out.append(
            {
                "seq": first_seq + start,
                "n": len(part),
                "at": at,
                "actor": actor,
                "entity": [r[2] for r in part],
                "key": [r[3] for r in part],
                "op": [r[4] for r in part],
                "before": [r[5] or "" for r in part],
                "after": [r[6] or "" for r in part],
            }
        )
    return out


def keys(entries: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    """The ``create_change_keys`` rows of ``(key, seq)`` pairs: one per bucket."""
    by_bucket: dict[int, tuple[list[str], list[int]]] = {}
    for key, seq in entries:
        ks, seqs = by_bucket.setdefault(bucket(key), ([], []))
        ks.append(key)
        seqs.append(seq)
    return [{"bucket": b, "key": k, "seq": s} for b, (k, s) in sorted(by_bucket.items())]


def write_entries(
    tx: ManagedTransaction, page_rows: Sequence[dict[str, Any]], key_rows: Sequence[dict[str, Any]]
) -> None:
    """Create pages and key-index nodes (rows of :func:`pages` and :func:`keys`)."""
    for part in chunks(page_rows, PAGES_PER_STATEMENT):
        write(tx, "changelog/create_change_pages", part)
    write(tx, "changelog/create_change_keys", key_rows)


def append(tx: ManagedTransaction, records: Sequence[LogRecord]) -> None:
    """Append a batch's records: reserve their sequence numbers, then write pages and keys."""
    if not records:
        return
    reserved = fetch_one(tx, "changelog/reserve_changes", count=len(records))
    if reserved is None:  # pragma: no cover - MERGE ... RETURN always returns a row
        raise RuntimeError("changelog/reserve_changes returned no row")
    first = int(reserved["last"]) + 1
    write_entries(
        tx,
        pages(records, first),
        keys((r[3], first + i) for i, r in enumerate(records)),
    )


# --- reads -------------------------------------------------------------------------


def _entries(found: Sequence[Any]) -> list[ChangeLogEntry]:
    """Entries, by ``seq``, from rows ``{seq, at, actor, entity, key, op, before, after}``
    of one page each, whose ``seq`` and later fields are aligned lists."""
    out: list[ChangeLogEntry] = []
    for r in found:
        at, actor = r["at"], r["actor"]
        for seq, entity, key, op, before, after in zip(
            r["seq"], r["entity"], r["key"], r["op"], r["before"], r["after"], strict=True
        ):
            out.append(change_entry(seq, at, actor, entity, key, op, before or None, after or None))
    out.sort(key=lambda e: e.seq)
    return out


def read(
    tx: Runner,
    page: PageRequest,
    *,
    entity: EntityKind | None,
    key: str | None,
    since_seq: int | None,
) -> Page[ChangeLogEntry]:
    """One page of the change log, oldest first; see
    :meth:`~graphcrm.store.port.GraphStore.change_log`."""
    after = since_seq if since_seq is not None else 0
    params: dict[str, Any] = {"since_seq": after, "offset": page.offset, "limit": page.limit}
    if key is not None:
        name = "changelog/list_key_changes"
        params |= {"bucket": bucket(key), "key": key, "entity": _value(entity)}
    elif entity is not None:
        name = "changelog/list_entity_changes"
        params |= {"entity": entity.value}
    else:
        name = "changelog/list_changes"
    record = fetch_one(tx, name, **params)
    total, items = (record["total"], record["items"]) if record is not None else (0, [])
    return Page[ChangeLogEntry](
        items=tuple(_entries(items)), total=total, limit=page.limit, offset=page.offset
    )


def _value(entity: EntityKind | None) -> str | None:
    return entity.value if entity is not None else None
