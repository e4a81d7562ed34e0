"""The SQLite schema, as an ordered list of migrations keyed by ``PRAGMA user_version``.

Each :class:`Migration` moves the database from ``version - 1`` to
``version``. :func:`migrate` runs the missing steps on open, each in its own
transaction together with the version bump, and refuses a database written by
a newer graphcrm.

``touchpoint_contacts`` repeats each touchpoint's ``at``, ``direction`` and
``sentiment`` so engagement reads touch one index range per contact.

Conventions: times are fixed-width UTC strings (``2025-01-31T09:30:00.000000Z``),
so text order is time order; dates are ``YYYY-MM-DD``; amounts are integer minor
units (cents); ``valid_to IS NULL`` marks an open interval; ``*_fold`` and
``*_key`` columns hold :func:`~graphcrm.domain.text.tr_fold` and
:func:`~graphcrm.domain.text.tr_sort_key` of the name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from graphcrm.errors import StoreUnavailableError


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: ``apply`` runs inside the transaction that sets ``version``."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _run(statements: tuple[str, ...]) -> Callable[[sqlite3.Connection], None]:
    def apply(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return apply


_FK = "DEFERRABLE INITIALLY DEFERRED"

V1_TABLES: tuple[str, ...] = (
    """CREATE TABLE reps (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL, name_fold TEXT NOT NULL, name_key TEXT NOT NULL,
        email TEXT, territory TEXT
    ) WITHOUT ROWID""",
    f"""CREATE TABLE accounts (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL, name_fold TEXT NOT NULL, name_key TEXT NOT NULL,
        sector TEXT NOT NULL, country TEXT, territory TEXT,
        owner_id TEXT REFERENCES reps(id) {_FK},
        parent_id TEXT REFERENCES accounts(id) {_FK}
    ) WITHOUT ROWID""",
    f"""CREATE TABLE contacts (
        id TEXT PRIMARY KEY NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id) {_FK},
        name TEXT NOT NULL, name_fold TEXT NOT NULL, name_key TEXT NOT NULL,
        title TEXT NOT NULL, department TEXT NOT NULL, seniority TEXT NOT NULL,
        email TEXT, phone TEXT, linkedin_url TEXT
    ) WITHOUT ROWID""",
    f"""CREATE TABLE contact_status (
        id INTEGER PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        status TEXT NOT NULL,
        valid_from TEXT NOT NULL, valid_to TEXT
    )""",
    "CREATE INDEX contact_status_by_contact ON contact_status (contact_id, valid_from)",
    f"""CREATE TABLE reports_to (
        id INTEGER PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        manager_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        kind TEXT NOT NULL,
        valid_from TEXT NOT NULL, valid_to TEXT
    )""",
    "CREATE INDEX reports_to_by_contact ON reports_to (contact_id, valid_from)",
    f"""CREATE TABLE influences (
        id INTEGER PRIMARY KEY,
        influencer_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        influenced_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        kind TEXT NOT NULL, strength REAL NOT NULL, source TEXT NOT NULL,
        valid_from TEXT NOT NULL, valid_to TEXT
    )""",
    "CREATE INDEX influences_by_influencer ON influences (influencer_id, valid_from)",
    f"""CREATE TABLE rep_knows (
        rep_id TEXT NOT NULL REFERENCES reps(id) {_FK},
        contact_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        strength REAL NOT NULL,
        PRIMARY KEY (rep_id, contact_id)
    ) WITHOUT ROWID""",
    f"""CREATE TABLE deals (
        id TEXT PRIMARY KEY NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id) {_FK},
        name TEXT NOT NULL, name_fold TEXT NOT NULL, name_key TEXT NOT NULL,
        amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, stage TEXT NOT NULL,
        expected_close TEXT, competitors TEXT NOT NULL, loss_reason TEXT,
        owner_id TEXT REFERENCES reps(id) {_FK}
    ) WITHOUT ROWID""",
    f"""CREATE TABLE stage_changes (
        deal_id TEXT NOT NULL REFERENCES deals(id) {_FK},
        at TEXT NOT NULL, from_stage TEXT, to_stage TEXT NOT NULL,
        PRIMARY KEY (deal_id, at)
    ) WITHOUT ROWID""",
    f"""CREATE TABLE close_date_changes (
        deal_id TEXT NOT NULL REFERENCES deals(id) {_FK},
        at TEXT NOT NULL, from_date TEXT, to_date TEXT,
        PRIMARY KEY (deal_id, at)
    ) WITHOUT ROWID""",
    f"""CREATE TABLE deal_roles (
        id INTEGER PRIMARY KEY,
        deal_id TEXT NOT NULL REFERENCES deals(id) {_FK},
        contact_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        roles TEXT NOT NULL, is_primary INTEGER NOT NULL, stance INTEGER NOT NULL,
        valid_from TEXT NOT NULL, valid_to TEXT
    )""",
    "CREATE INDEX deal_roles_by_deal ON deal_roles (deal_id, contact_id, valid_from)",
    f"""CREATE TABLE touchpoints (
        id TEXT PRIMARY KEY NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id) {_FK},
        kind TEXT NOT NULL, direction TEXT NOT NULL, at TEXT NOT NULL,
        contact_ids TEXT NOT NULL, rep_ids TEXT NOT NULL,
        deal_id TEXT REFERENCES deals(id) {_FK},
        sentiment REAL NOT NULL, summary TEXT NOT NULL
    ) WITHOUT ROWID""",
    f"""CREATE TABLE touchpoint_contacts (
        contact_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        touchpoint_id TEXT NOT NULL REFERENCES touchpoints(id) {_FK},
        at TEXT NOT NULL, direction TEXT NOT NULL, sentiment REAL NOT NULL,
        PRIMARY KEY (contact_id, touchpoint_id)
    ) WITHOUT ROWID""",
    f"""CREATE TABLE touchpoint_reps (
        touchpoint_id TEXT NOT NULL REFERENCES touchpoints(id) {_FK},
        rep_id TEXT NOT NULL REFERENCES reps(id) {_FK},
        PRIMARY KEY (touchpoint_id, rep_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL, actor TEXT NOT NULL, entity TEXT NOT NULL,
        key TEXT NOT NULL, op TEXT NOT NULL, before TEXT, after TEXT
    )""",
)

V2_READ_INDEXES: tuple[str, ...] = (
    "CREATE INDEX accounts_by_parent ON accounts (parent_id)",
    "CREATE INDEX accounts_by_name ON accounts (name_key, id)",
    "CREATE INDEX contacts_by_account ON contacts (account_id, name_key, id)",
    "CREATE INDEX contacts_by_name ON contacts (name_key, id)",
    "CREATE INDEX reps_by_name ON reps (name_key, id)",
    "CREATE INDEX reports_to_by_manager ON reports_to (manager_id)",
    "CREATE INDEX influences_by_influenced ON influences (influenced_id)",
    "CREATE INDEX rep_knows_by_contact ON rep_knows (contact_id)",
    "CREATE INDEX deals_by_account ON deals (account_id)",
    "CREATE INDEX deals_by_name ON deals (name_key, id)",
    "CREATE INDEX deal_roles_by_contact ON deal_roles (contact_id)",
    "CREATE INDEX touchpoints_by_account ON touchpoints (account_id, at)",
    "CREATE INDEX touchpoints_by_deal ON touchpoints (deal_id, at)",
    "CREATE INDEX touchpoints_by_at ON touchpoints (at)",
    "CREATE INDEX touchpoint_contacts_by_touchpoint ON touchpoint_contacts (touchpoint_id)",
    "CREATE INDEX change_log_by_key ON change_log (key, seq)",
)

V3_SCORES: tuple[str, ...] = (
    # Derived data written back by scoring (graphcrm/store/sqlite/scores.py), keyed by
    # (account_id, as_of); not in the change log.
    f"""CREATE TABLE account_scores (
        account_id TEXT NOT NULL REFERENCES accounts(id) {_FK},
        as_of TEXT NOT NULL, scored_at TEXT NOT NULL,
        health REAL NOT NULL, band TEXT NOT NULL,
        PRIMARY KEY (account_id, as_of)
    ) WITHOUT ROWID""",
    f"""CREATE TABLE contact_scores (
        account_id TEXT NOT NULL, as_of TEXT NOT NULL,
        contact_id TEXT NOT NULL REFERENCES contacts(id) {_FK},
        influence REAL NOT NULL, brokerage REAL NOT NULL, authority REAL NOT NULL,
        engagement REAL NOT NULL, health REAL NOT NULL, band TEXT NOT NULL,
        decision_maker REAL NOT NULL, champion REAL NOT NULL,
        PRIMARY KEY (account_id, as_of, contact_id),
        FOREIGN KEY (account_id, as_of) REFERENCES account_scores (account_id, as_of) {_FK}
    ) WITHOUT ROWID""",
    f"""CREATE TABLE deal_risks (
        account_id TEXT NOT NULL, as_of TEXT NOT NULL,
        deal_id TEXT NOT NULL REFERENCES deals(id) {_FK},
        score REAL NOT NULL, factors TEXT NOT NULL,
        PRIMARY KEY (account_id, as_of, deal_id),
        FOREIGN KEY (account_id, as_of) REFERENCES account_scores (account_id, as_of) {_FK}
    ) WITHOUT ROWID""",
)

V4_COVERING_INDEXES: tuple[str, ...] = (
    # The stakeholder graph reads these intervals by contact in force at an instant
    # and ordered by the other end: the indexes hold every column it selects, in
    # that order, so the read neither visits the table nor sorts. They replace the
    # (contact, valid_from) indexes of version 1, which are prefixes of them in use.
    "CREATE INDEX contact_status_covering "
    "ON contact_status (contact_id, valid_from, valid_to, status)",
    "CREATE INDEX reports_to_covering "
    "ON reports_to (contact_id, manager_id, kind, valid_from, valid_to)",
    "CREATE INDEX influences_covering ON influences "
    "(influencer_id, influenced_id, kind, valid_from, valid_to, strength, source)",
    "DROP INDEX contact_status_by_contact",
    "DROP INDEX reports_to_by_contact",
    "DROP INDEX influences_by_influencer",
)

V5_WIN_MODELS: tuple[str, ...] = (
    # Fitted win-probability models (graphcrm/store/sqlite/winmodels.py): each card
    # whole, as the JSON of WinModelCard, keyed by fitted_at; not in the change log.
    # A rowid table: a card is a few kilobytes, too large a row for WITHOUT ROWID.
    """CREATE TABLE win_models (
        fitted_at TEXT PRIMARY KEY NOT NULL,
        card TEXT NOT NULL
    )""",
)

V6_API_KEYS: tuple[str, ...] = (
    # API keys (graphcrm/store/sqlite/keys.py): the SHA-256 of each secret, never the
    # secret; scopes and territories as newline-joined sorted text. Not in the change
    # log. ``counters`` holds ``api_keys``, the number of key writes (the watermark).
    """CREATE TABLE api_keys (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL, secret_hash TEXT NOT NULL,
        scopes TEXT NOT NULL, territories TEXT NOT NULL,
        created_at TEXT NOT NULL, revoked_at TEXT
    ) WITHOUT ROWID""",
    """CREATE TABLE counters (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
    ) WITHOUT ROWID""",
)

V7_TERRITORY_SPANS: tuple[str, ...] = (
    # An account's territory as time-stamped membership (graphcrm.store.intervals.
    # TerritorySpan): accounts.territory stays the present one, this table holds every
    # interval, NULL territory meaning none then. Existing accounts get one open
    # interval from their first change-log entry (their creation), or from the
    # earliest instant when the log holds none.
    f"""CREATE TABLE account_territory (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id) {_FK},
        territory TEXT,
        valid_from TEXT NOT NULL, valid_to TEXT
    )""",
    "CREATE INDEX account_territory_by_account "
    "ON account_territory (account_id, valid_from, valid_to, territory)",
    "CREATE INDEX account_territory_by_territory "
    "ON account_territory (territory, valid_from, valid_to, account_id)",
    """INSERT INTO account_territory (account_id, territory, valid_from, valid_to)
       SELECT a.id, a.territory,
              coalesce((SELECT min(l.at) FROM change_log l
                        WHERE l.key = a.id AND l.entity = 'account'),
                       '0001-01-01T00:00:00.000000Z'),
              NULL
       FROM accounts a""",
)

V8_ACCOUNT_SIZE: tuple[str, ...] = (
    # An account's city, employee count and annual revenue (integer minor units, as
    # deal amounts), which territory rules match on; NULL where not known, as for
    # every account before this version.
    "ALTER TABLE accounts ADD COLUMN city TEXT",
    "ALTER TABLE accounts ADD COLUMN employees INTEGER",
    "ALTER TABLE accounts ADD COLUMN revenue_minor INTEGER",
)

V9_SCORE_RUNS: tuple[str, ...] = (
    # The record of each finished scoring run (graphcrm.domain.ScoreRun, as JSON),
    # keyed by its wall-clock time; incremental scoring starts from the run with the
    # latest as_of (graphcrm/services/incremental.py). Derived data: not in the change
    # log, not in backups (a restore deletes them, so the next run is a full one).
    """CREATE TABLE score_runs (
        scored_at TEXT PRIMARY KEY NOT NULL,
        as_of TEXT NOT NULL,
        run TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX score_runs_by_as_of ON score_runs (as_of, scored_at)",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "tables", _run(V1_TABLES)),
    Migration(2, "read indexes", _run(V2_READ_INDEXES)),
    Migration(3, "score sets", _run(V3_SCORES)),
    Migration(4, "covering indexes for the stakeholder graph", _run(V4_COVERING_INDEXES)),
    Migration(5, "win models", _run(V5_WIN_MODELS)),
    Migration(6, "API keys", _run(V6_API_KEYS)),
    Migration(7, "account territories as intervals", _run(V7_TERRITORY_SPANS)),
    Migration(8, "account city, employees and annual revenue", _run(V8_ACCOUNT_SIZE)),
    Migration(9, "score runs", _run(V9_SCORE_RUNS)),
)

LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's ``PRAGMA user_version`` (0 for a new file)."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection, *, target: int = LATEST_VERSION, where: str = "") -> int:
    """Bring the schema up to ``target``; return the version found before.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Raises
    :class:`StoreUnavailableError` for a database newer than this code knows.
    Each step checks the version again under the write lock, so processes
    opening the same new file at once run every step exactly once.
    """
    found = schema_version(conn)
    if found > LATEST_VERSION:
        raise StoreUnavailableError(
            f"sqlite store {where}has schema version {found}, newer than the {LATEST_VERSION} "
            "this graphcrm knows; upgrade graphcrm to open it"
        )
    for step in MIGRATIONS:
        if found < step.version <= target:
            conn.execute("BEGIN IMMEDIATE")
            if schema_version(conn) >= step.version:
                # Another process (a second API worker opening a new file) ran this
                # step between our first look and our write lock.
                conn.execute("COMMIT")
                continue
            try:
                step.apply(conn)
                # PRAGMA takes no parameters; the version is an int from MIGRATIONS.
                conn.execute(f"PRAGMA user_version = {int(step.version)}")
            except sqlite3.Error:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    return found
