"""Running catalog queries inside a transaction: fetching rows and batched writes.

Queries that return many rows return them as one list (``RETURN collect(...) AS
rows``): one Bolt record instead of thousands, which streams far faster.

A read of one statement may run on a :class:`Runner` that is a session (an
auto-commit transaction: ``RUN`` and ``PULL`` in one round trip, no ``BEGIN``
nor ``COMMIT``) as well as on a managed transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, LiteralString, Protocol, TypeVar

from neo4j import ManagedTransaction, Record, Result

from graphcrm.domain import Page, PageRequest
from graphcrm.store.cypher import query

X = TypeVar("X")

WRITE_CHUNK = 5_000
"""Rows per ``UNWIND $rows`` statement."""

READ_CHUNK = 10_000
"""Ids per ``UNWIND $ids`` lookup."""


def chunks(items: Sequence[X], size: int) -> Iterator[Sequence[X]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Runner(Protocol):
    """What runs a statement: a managed transaction, or a session (auto-commit)."""

    def run(self, query: LiteralString, parameters: dict[str, Any] | None = None, /) -> Result: ...


def fetch_one(tx: Runner, name: str, **params: Any) -> Record | None:
    """The single record of ``name``, or None when it returns no rows."""
    return tx.run(query(name), params).single(strict=False)


def fetch_page(
    tx: Runner, name: str, page: PageRequest, decode: Callable[[Any], X], **params: Any
) -> Page[X]:
    """One page of a list query taking ``$offset`` and ``$limit`` and returning ``total``
    (every match) and ``items`` (the page), each item decoded."""
    record = fetch_one(tx, name, offset=page.offset, limit=page.limit, **params)
    total, items = (record["total"], record["items"]) if record is not None else (0, [])
    return Page[X](
        items=tuple(decode(i) for i in items), total=total, limit=page.limit, offset=page.offset
    )


def rows(tx: Runner, name: str, **params: Any) -> list[Any]:
    """The ``rows`` list of a query that collects its result into one record."""
    record = tx.run(query(name), params).single(strict=True)
    found: list[Any] = record["rows"]
    return found


def rows_by_ids(tx: ManagedTransaction, name: str, ids: Sequence[str], **params: Any) -> list[Any]:
    """:func:`rows` of a lookup taking ``$ids``, asked in chunks of :data:`READ_CHUNK`."""
    out: list[Any] = []
    for part in chunks(ids, READ_CHUNK):
        out.extend(rows(tx, name, **params, ids=list(part)))
    return out


def write(tx: ManagedTransaction, name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Send the ``UNWIND $rows`` write ``name`` over ``rows``, :data:`WRITE_CHUNK` at a time,
    without waiting for it to finish.

    The statements of a transaction run in order on the server, so while it
    runs this one the client prepares the next (a bulk load keeps both cores
    busy). The driver reads each outcome when the next statement is answered or
    at commit, and raises the first error there: the transaction fails whole.
    """
    for part in chunks(rows, WRITE_CHUNK):
        tx.run(query(name), {"rows": list(part)})
