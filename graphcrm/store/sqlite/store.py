"""The embedded SQLite adapter of the :class:`~graphcrm.store.port.GraphStore` port."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Collection, Iterator, Sequence, Set
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from graphcrm.collector import gc_paused
from graphcrm.domain import (
    Account,
    AccountId,
    AccountRollup,
    AccountScoreSet,
    ApplyResult,
    ChangeLogEntry,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealView,
    EntityKind,
    Page,
    PageRequest,
    Rep,
    RepId,
    ScoreRun,
    Stage,
    StakeholderGraph,
    StoreStats,
    TerritorySpan,
    Touchpoint,
    WinModelCard,
)
from graphcrm.domain.keys import KeyRecord, Watermark
from graphcrm.errors import ConflictError, StoreUnavailableError
from graphcrm.store.codec import aware, encode_score_run, encode_win_model
from graphcrm.store.sqlite import graph, reads, territories
from graphcrm.store.sqlite import keys as _keys
from graphcrm.store.sqlite import scores as _scores
from graphcrm.store.sqlite import winmodels as _winmodels
from graphcrm.store.sqlite.lookup import SqliteLookup
from graphcrm.store.sqlite.readahead import read_ahead
from graphcrm.store.sqlite.schema import migrate
from graphcrm.store.sqlite.writer import write_batch
from graphcrm.store.validation import validate

BUSY_TIMEOUT_MS = 5000
"""How long a statement waits for another connection's lock before "database is locked"."""

_PRAGMAS = (
    # The schema declares its foreign keys, but SQLite does not enforce them here:
    # :func:`~graphcrm.store.validation.validate` rejects every reference to an id
    # neither in the batch nor stored, and nothing is ever deleted, so enforcement
    # only repeated that check with one index probe per reference (its cost on a
    # bulk load: docs/benchmarks.md). tests/unit/store/test_sqlite_trusted_reads.py
    # runs ``PRAGMA foreign_key_check`` after loads and updates to keep that true.
    "PRAGMA foreign_keys = OFF",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -65536",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA mmap_size = 268435456",
)
"""Set after the busy timeout and the switch to WAL (:meth:`SqliteStore.open`)."""


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to write-ahead logging, waiting for other connections opening the same file.

    Switching a new file to WAL needs an exclusive lock, and SQLite answers
    "database is locked" at once, without the busy handler, when another
    connection opening the same new file holds a lock at that moment (about 1
    time in 12 with three threads at once). Retried every 10 ms for up to
    :data:`BUSY_TIMEOUT_MS`.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class SqliteStore:
    """A :class:`~graphcrm.store.port.GraphStore` in one SQLite file.

    One connection, guarded by a lock, in autocommit mode: every :meth:`apply`
    is one ``BEGIN IMMEDIATE ... COMMIT`` (rolled back on any error) and every
    multi-query read runs in one read transaction, so it sees one snapshot.
    The present (``as_of=None``) means the open intervals and current stages.
    ``change_log(since_seq=n)`` returns entries with ``seq > n``.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._path = path
        self._lock = threading.RLock()
        self._coord = _keys.SqliteCoordination(path)

    @classmethod
    def open(cls, path: str | Path) -> SqliteStore:
        """Open (creating and migrating as needed) the store at ``path``."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as e:
            raise StoreUnavailableError(f"cannot open sqlite store {path}: {e}") from e
        try:
            # The busy timeout first, so that the switch to WAL, the pragmas and the
            # migrations wait for a process opening the same file at the same time.
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _wal(conn)
            for pragma in _PRAGMAS:
                conn.execute(pragma)
            migrate(conn, where=f"{path} ")
        except sqlite3.Error as e:
            conn.close()
            raise StoreUnavailableError(f"cannot prepare sqlite store {path}: {e}") from e
        except StoreUnavailableError:
            conn.close()
            raise
        return cls(conn, path)

    @property
    def path(self) -> Path:
        return self._path

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailableError(f"sqlite store {self._path} is closed")
        return self._conn

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    conn.execute("COMMIT")
            except sqlite3.Error as e:
                raise StoreUnavailableError(f"sqlite store {self._path}: {e}") from e

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write: a savepoint of :meth:`exclusive`'s transaction when
        this thread holds it, else ``BEGIN IMMEDIATE ... COMMIT`` on the store's connection."""
        held = self._coord.held()
        try:
            if held is not None:
                with self._coord.savepoint(held):
                    yield held
                return
            with self._lock:
                conn = self._connection()
                committed = False
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    yield conn
                    conn.execute("COMMIT")
                    committed = True
                finally:
                    if not committed and conn.in_transaction:
                        conn.execute("ROLLBACK")
        except sqlite3.IntegrityError as e:
            raise ConflictError(f"sqlite store {self._path}: {e}") from e
        except sqlite3.Error as e:
            raise StoreUnavailableError(f"sqlite store {self._path}: {e}") from e

    # --- writes ---------------------------------------------------------------

    def apply(self, changes: ChangeSet, *, actor: str, at: datetime | None = None) -> ApplyResult:
        when = aware(at, "at") or datetime.now(UTC)
        with self._write() as conn, gc_paused():
            plan = validate(changes, SqliteLookup(conn), at=when)
            return write_batch(conn, changes, plan, actor=actor, at=when)

    def put_scores(self, scores: Sequence[AccountScoreSet]) -> int:
        with self._lock:
            return _scores.put_scores(self._connection(), scores, where=self._path)

    def put_score_run(self, run: ScoreRun) -> None:
        row = encode_score_run(run)
        with self._write() as conn:
            _scores.put_score_run(conn, row)

    def put_win_model(self, card: WinModelCard) -> None:
        row = encode_win_model(card)  # before the lock: the write holds it for one upsert
        with self._lock:
            _winmodels.put_win_model(self._connection(), row, where=self._path)

    # --- accounts ---------------------------------------------------------------

    def get_account(self, account_id: AccountId) -> Account:
        with self._read() as conn:
            return reads.get_account(conn, account_id)

    def list_accounts(
        self,
        page: PageRequest,
        *,
        territories: Set[str] | None = None,
        sector: str | None = None,
        owner_id: RepId | None = None,
        name_contains: str | None = None,
    ) -> Page[Account]:
        with self._read() as conn:
            return reads.list_accounts(
                conn,
                page,
                territories=territories,
                sector=sector,
                owner_id=owner_id,
                name_contains=name_contains,
            )

    def account_ancestors(self, account_id: AccountId) -> tuple[Account, ...]:
        with self._read() as conn:
            return graph.ancestors(conn, account_id)

    def account_descendants(self, account_id: AccountId) -> tuple[Account, ...]:
        with self._read() as conn:
            return graph.descendants(conn, account_id)

    def account_rollup(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountRollup:
        as_of = aware(as_of, "as_of")
        with self._read() as conn:
            return graph.rollup(conn, account_id, as_of=as_of)

    def territory_history(
        self, account_ids: Collection[AccountId] | None = None
    ) -> tuple[TerritorySpan, ...]:
        with self._read() as conn:
            return tuple(territories.history(conn, account_ids))

    # --- contacts and reps --------------------------------------------------------

    def get_contact(self, contact_id: ContactId, *, as_of: datetime | None = None) -> Contact:
        as_of = aware(as_of, "as_of")
        with self._read() as conn:
            return reads.get_contact(conn, contact_id, as_of=as_of)

    def list_contacts(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        name_contains: str | None = None,
        as_of: datetime | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Contact]:
        as_of = aware(as_of, "as_of")
        with self._read() as conn:
            return reads.list_contacts(
                conn,
                page,
                account_id=account_id,
                name_contains=name_contains,
                as_of=as_of,
                territories=territories,
            )

    def get_rep(self, rep_id: RepId) -> Rep:
        with self._read() as conn:
            return reads.get_rep(conn, rep_id)

    def list_reps(self, page: PageRequest, *, territory: str | None = None) -> Page[Rep]:
        with self._read() as conn:
            return reads.list_reps(conn, page, territory=territory)

    # --- the stakeholder graph ------------------------------------------------------

    def stakeholder_graph(
        self,
        account_id: AccountId,
        *,
        as_of: datetime | None = None,
        include_family: bool = False,
    ) -> StakeholderGraph:
        as_of = aware(as_of, "as_of")
        with self._read() as conn:
            return graph.stakeholder_graph(
                conn, account_id, as_of=as_of, include_family=include_family
            )

    def stakeholder_graphs(
        self,
        account_ids: Sequence[AccountId],
        *,
        as_of: datetime | None = None,
        committee_only: bool = False,
    ) -> tuple[StakeholderGraph, ...]:
        as_of = aware(as_of, "as_of")
        with self._read() as conn:
            return graph.stakeholder_graphs(
                conn, account_ids, as_of=as_of, committee_only=committee_only
            )

    # --- deals and touchpoints ---------------------------------------------------------

    def get_deal(self, deal_id: DealId) -> DealView:
        return self.get_deals([deal_id])[0]

    def get_deals(self, deal_ids: Sequence[DealId]) -> tuple[DealView, ...]:
        with self._read() as conn:
            return reads.get_deals(conn, deal_ids)

    def list_deals(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        stage: Stage | None = None,
        owner_id: RepId | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Deal]:
        with self._read() as conn:
            return reads.list_deals(
                conn,
                page,
                account_id=account_id,
                stage=stage,
                owner_id=owner_id,
                territories=territories,
            )

    def list_touchpoints(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        contact_id: ContactId | None = None,
        deal_id: DealId | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[Touchpoint]:
        since, until = aware(since, "since"), aware(until, "until")
        with self._read() as conn:
            return reads.list_touchpoints(
                conn,
                page,
                account_id=account_id,
                contact_id=contact_id,
                deal_id=deal_id,
                since=since,
                until=until,
            )

    def get_scores(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountScoreSet:
        as_of = aware(as_of, "as_of")
        with self._read() as conn:
            return _scores.get_scores(conn, account_id, as_of=as_of)

    # --- win models -----------------------------------------------------------------------

    def latest_score_run(self) -> ScoreRun | None:
        with self._read() as conn:
            return _scores.latest_score_run(conn)

    def get_win_model(self, *, as_of: datetime | None = None) -> WinModelCard:
        as_of = aware(as_of, "as_of")
        with self._read() as conn:
            return _winmodels.get_win_model(conn, as_of=as_of)

    def list_win_models(self, page: PageRequest) -> Page[WinModelCard]:
        with self._read() as conn:
            return _winmodels.list_win_models(conn, page)

    # --- history and housekeeping ------------------------------------------------------

    def change_log(
        self,
        page: PageRequest,
        *,
        entity: EntityKind | None = None,
        key: str | None = None,
        since_seq: int | None = None,
    ) -> Page[ChangeLogEntry]:
        with self._read() as conn:
            return reads.change_log(conn, page, entity=entity, key=key, since_seq=since_seq)

    def stats(self) -> StoreStats:
        with self._read() as conn:
            return reads.stats(conn)

    # --- API keys and coordination (graphcrm/store/sqlite/keys.py) ---------------------

    def put_key(self, key: KeyRecord) -> None:
        with self._write() as conn:
            _keys.put_key(conn, key)

    def get_key(self, key_id: str) -> KeyRecord:
        with self._read() as conn:
            return _keys.get_key(conn, key_id)

    def list_keys(self) -> tuple[KeyRecord, ...]:
        with self._read() as conn:
            return _keys.list_keys(conn)

    def revoke_key(self, key_id: str, *, at: datetime) -> KeyRecord:
        when = aware(at, "at") or datetime.now(UTC)
        with self._write() as conn:
            return _keys.revoke_key(conn, key_id, when)

    def watermark(self) -> Watermark:
        return self._coord.watermark()

    def exclusive(self) -> AbstractContextManager[None]:
        return self._coord.exclusive()

    def prefetch(self) -> None:
        read_ahead(self._path)

    def close(self) -> None:
        self._coord.close()
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
