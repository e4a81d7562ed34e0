"""The Neo4j schema: constraints and indexes, and the version of the stored shapes.

On open, :func:`ensure_schema` creates every constraint and index of
:data:`SCHEMA` that is missing (``IF NOT EXISTS``), waits for them, then
brings the data to :data:`VERSION` by running the :data:`MIGRATIONS` it has
not had yet. The version lives in ``(:GraphCRMSchema {name: 'graphcrm',
version})``; a database without that node was written by a graphcrm from
before versioning: version 1 (an empty database is one too, and its
migrations have nothing to move). A database of a newer version is refused.

Each migration runs in short transactions, each of which first takes the
version node's write lock and checks the version again, so two processes
opening one database at once migrate it once, and a migration interrupted
half-way is picked up where it stopped by the next open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import neo4j
from neo4j import ManagedTransaction

from graphcrm.errors import StoreUnavailableError
from graphcrm.store.codec import LOG_FIELDS, LogRecord, ts
from graphcrm.store.cypher import query
from graphcrm.store.dump import EARLIEST
from graphcrm.store.neo4j import changelog
from graphcrm.store.neo4j.queries import fetch_one, rows, write

SCHEMA: tuple[str, ...] = (
    "schema/create_constraint_schema_name",
    "schema/create_constraint_account_id",
    "schema/create_constraint_contact_id",
    "schema/create_constraint_rep_id",
    "schema/create_constraint_deal_id",
    "schema/create_constraint_touchpoint_id",
    "schema/create_constraint_stage_change_key",
    "schema/create_constraint_close_date_change_key",
    "schema/create_constraint_change_page_seq",
    "schema/create_index_change_keys_bucket",
    "schema/create_index_account_territory",
    "schema/create_index_account_territory_span",
    "schema/create_constraint_counter_name",
    "schema/create_constraint_score_set_key",
    "schema/create_constraint_win_model_fitted_at",
    "schema/create_constraint_score_run_scored_at",
    "schema/create_constraint_api_key_id",
)
"""Constraints and indexes, created idempotently (``IF NOT EXISTS``) on open.

Reads start from a constrained id and follow relationships (``WORKS_AT``,
``CHILD_OF``, ``OF_ACCOUNT``, ``HAD_STAGE``, ...), so the uniqueness
constraints' indexes serve them; the change log is read by page ``seq``
(ranges, and the page holding an entry) and its key index by ``bucket``.
A territory-scoped list (accounts, contacts, deals) starts from the accounts
of its territories, an ``IN`` seek of the ``account_territory`` index.
Paginated lists sort every match, as SQLite does.
"""

VERSION = 4
"""The shape of the stored data this graphcrm reads and writes."""

INDEX_WAIT_SECONDS = 300

MIGRATION_BATCH = 20_000
"""Change-log entries moved per transaction (version 2)."""

SCORE_SET_BATCH = 1_000
"""Score sets moved per transaction (version 3); a set holds up to thousands of contacts."""

TERRITORY_BATCH = 5_000
"""Accounts given their territory interval per transaction (version 4)."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: ``apply`` moves the data from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[neo4j.Session], None]


def ensure_schema(session: neo4j.Session, *, where: str) -> int:
    """Create what :data:`SCHEMA` lacks, then migrate to :data:`VERSION`; return the
    version found before migrating (1 for a database from before versioning)."""
    for name in SCHEMA:
        _command(session, name)
    session.run(query("schema/await_indexes"), {"seconds": INDEX_WAIT_SECONDS}).consume()
    found = read_version(session)
    if found > VERSION:
        raise StoreUnavailableError(
            f"neo4j store {where} has schema version {found}, newer than the {VERSION} "
            "this graphcrm knows: upgrade graphcrm"
        )
    for step in MIGRATIONS:
        if step.version > found:
            step.apply(session)
    return found


def _command(session: neo4j.Session, name: str) -> None:
    """Run the schema command ``name`` in a transaction of its own, retried on transient
    errors: two processes creating or dropping indexes at once can deadlock on the
    server's schema locks, and one of them is then told to try again."""

    def work(tx: ManagedTransaction) -> None:
        tx.run(query(name)).consume()

    session.execute_write(work)


def read_version(session: neo4j.Session) -> int:
    """The stored schema version; 1 when the database has no version node."""
    record = session.run(query("schema/read_schema_version")).single(strict=False)
    version = record["version"] if record is not None else None
    return int(version) if version is not None else 1


def _lock(tx: ManagedTransaction) -> int:
    """Take the version node's write lock (creating it at version 1); return the version."""
    record = fetch_one(tx, "schema/lock_schema_version", now=ts(datetime.now(UTC)))
    if record is None:  # pragma: no cover - MERGE ... RETURN always returns a row
        raise RuntimeError("schema/lock_schema_version returned no row")
    return int(record["version"])


def _set_version(session: neo4j.Session, version: int) -> None:
    def work(tx: ManagedTransaction) -> None:
        if _lock(tx) == version - 1:
            tx.run(query("schema/write_schema_version"), {"version": version}).consume()

    session.execute_write(work)


# --- 2: the change log in pages -------------------------------------------------------


def _runs(entries: list[dict[str, Any]]) -> list[tuple[int, list[LogRecord]]]:
    """Split entries (ordered by seq) into runs of consecutive seqs sharing at and actor."""
    out: list[tuple[int, list[LogRecord]]] = []
    previous: dict[str, Any] | None = None
    for e in entries:
        record: LogRecord = tuple(e[f] for f in LOG_FIELDS)
        if (
            previous is None
            or e["seq"] != previous["seq"] + 1
            or (e["at"], e["actor"]) != (previous["at"], previous["actor"])
        ):
            out.append((e["seq"], []))
        out[-1][1].append(record)
        previous = e
    return out


def _pages_from_entries(session: neo4j.Session) -> None:
    """Version 2: the change log moves from one ``(:ChangeLog)`` node per entry (unique
    ``seq``, indexed ``key``) to ``(:ChangeLogPage)`` pages and the ``(:ChangeLogKeys)``
    key index (:mod:`graphcrm.store.neo4j.changelog`); same entries, same ``seq``."""

    def move(tx: ManagedTransaction) -> bool:
        if _lock(tx) >= 2:
            return False
        found = rows(tx, "migrations/read_v1_changes", limit=MIGRATION_BATCH)
        if not found:
            return False
        page_rows: list[dict[str, Any]] = []
        for first, records in _runs(found):
            page_rows.extend(changelog.pages(records, first))
        changelog.write_entries(tx, page_rows, changelog.keys((e["key"], e["seq"]) for e in found))
        write(tx, "migrations/delete_v1_changes", [{"seq": e["seq"]} for e in found])
        return True

    while session.execute_write(move):
        pass
    _set_version(session, 2)
    # Schema commands run in transactions of their own, after the data has moved.
    _command(session, "migrations/drop_v1_index_changelog_key")
    _command(session, "migrations/drop_v1_constraint_changelog_seq")


# --- 3: score sets as lists on their node ------------------------------------------------


def _score_lists(session: neo4j.Session) -> None:
    """Version 3: a score set's contacts and deals move from ``SCORED`` and ``RISK``
    relationships into aligned lists on the ``(:ScoreSet)`` node, by id
    (:mod:`graphcrm.store.neo4j.scores`)."""

    def move(tx: ManagedTransaction) -> bool:
        if _lock(tx) >= 3:
            return False
        record = fetch_one(tx, "migrations/move_v2_score_relationships", limit=SCORE_SET_BATCH)
        return record is not None and int(record["moved"]) > 0

    while session.execute_write(move):
        pass
    _set_version(session, 3)


# --- 4: account territories as intervals ----------------------------------------------


def _territory_spans(session: neo4j.Session) -> None:
    """Version 4: each account gets one open ``(:AccountTerritory)`` interval of its
    territory (``HAD_TERRITORY``), from its first change-log entry (its creation), or
    from :data:`~graphcrm.store.dump.EARLIEST` when the log holds none; as the SQLite
    store's version 7 does."""

    def move(tx: ManagedTransaction) -> bool:
        if _lock(tx) >= 4:
            return False
        ids = rows(tx, "migrations/read_v3_accounts_without_territory", limit=TERRITORY_BATCH)
        if not ids:
            return False
        tx.run(
            query("migrations/create_v4_account_territories"),
            {
                "rows": [{"id": i, "bucket": changelog.bucket(i)} for i in ids],
                "earliest": ts(EARLIEST),
            },
        ).consume()
        return True

    while session.execute_write(move):
        pass
    _set_version(session, 4)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(2, "the change log in pages, with a hashed key index", _pages_from_entries),
    Migration(3, "score sets as lists on their node", _score_lists),
    Migration(4, "account territories as intervals", _territory_spans),
)
