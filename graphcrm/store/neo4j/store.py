"""The Neo4j adapter of the :class:`~graphcrm.store.port.GraphStore` port."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence, Set
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError

from graphcrm.config import StoreURL
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
from graphcrm.store.neo4j import changelog, reads, schema, territories
from graphcrm.store.neo4j import keys as _keys
from graphcrm.store.neo4j import scores as _scores
from graphcrm.store.neo4j import winmodels as _winmodels
from graphcrm.store.neo4j.lookup import Neo4jLookup
from graphcrm.store.neo4j.queries import Runner
from graphcrm.store.neo4j.writer import write_batch
from graphcrm.store.validation import validate

R = TypeVar("R")

READ_ATTEMPTS = 3
"""Tries of an auto-commit read (:meth:`Neo4jStore._read_one`) on retryable errors."""


class Neo4jStore:
    """A :class:`~graphcrm.store.port.GraphStore` in a Neo4j 5 database.

    Every :meth:`apply` is one managed write transaction: validation reads, the
    batched ``UNWIND`` writes and the change log, retried as a whole on
    transient errors and rolled back as a whole on any error. Every read of
    several statements is one managed read transaction; the hot reads of one
    statement (an account, a deal, a stakeholder graph without its family) are
    auto-commit read transactions (:meth:`_read_one`). Driver errors become
    graphcrm errors whose messages name the store by its redacted URL, never
    its password.
    """

    def __init__(self, driver: Driver, url: StoreURL) -> None:
        self._driver: Driver | None = driver
        self._url = url
        self._lock = threading.Lock()
        self._holder = threading.local()

    @classmethod
    def open(cls, url: StoreURL) -> Neo4jStore:
        """Connect to the server of ``url``, check it answers, and create the schema."""
        auth: tuple[str, str] | None = None
        if url.user is not None:
            password = url.password.get_secret_value() if url.password is not None else ""
            auth = (url.user, password)
        store: Neo4jStore | None = None
        try:
            with _translated(url):
                driver = GraphDatabase.driver(
                    url.server_uri,
                    auth=auth,
                    notifications_min_severity="OFF",
                    user_agent="graphcrm",
                )
                store = cls(driver, url)
                driver.verify_connectivity()
                store.ensure_schema()
        except BaseException:
            if store is not None:
                store.close()
            raise
        return store

    @property
    def url(self) -> StoreURL:
        return self._url

    def ensure_schema(self) -> None:
        """Create every constraint and index that is missing, wait for them, and migrate
        the data to the current schema version (:mod:`graphcrm.store.neo4j.schema`)."""
        with _translated(self._url), self._session() as session:
            schema.ensure_schema(session, where=self._url.redacted)

    # --- plumbing ---------------------------------------------------------------

    def _session(self, access_mode: str = neo4j.WRITE_ACCESS) -> neo4j.Session:
        driver = self._driver
        if driver is None:
            raise StoreUnavailableError(f"neo4j store {self._url.redacted} is closed")
        return driver.session(database=self._url.database, default_access_mode=access_mode)

    def _read(self, work: Callable[[ManagedTransaction], R]) -> R:
        with _translated(self._url), self._session() as session:
            return session.execute_read(work)

    def _read_one(self, work: Callable[[Runner], R]) -> R:
        """A read of one statement as an auto-commit read transaction.

        ``RUN`` and ``PULL`` go in one round trip, where a managed transaction
        adds ``BEGIN`` and ``COMMIT``: 2-3 ms of a 5 ms point read, paid by
        every recompute after a write (its deal, its account, two graphs). One
        statement is atomic on its own; errors the driver calls retryable (a
        stale pooled connection, a transient error) are retried as
        :meth:`~neo4j.Session.execute_read` would, :data:`READ_ATTEMPTS` times.
        """
        with _translated(self._url):
            for attempt in range(1, READ_ATTEMPTS + 1):
                try:
                    with self._session(neo4j.READ_ACCESS) as session:
                        return work(session)
                except (Neo4jError, DriverError) as e:
                    if attempt == READ_ATTEMPTS or not e.is_retryable():
                        raise
                    time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _write(self, work: Callable[[ManagedTransaction], R]) -> R:
        held = _keys.held(self._holder)
        if held is not None:  # inside exclusive(): part of the lock's transaction
            with _translated(self._url):
                return work(held)
        with _translated(self._url), self._session() as session:
            return session.execute_write(work)

    # --- writes ---------------------------------------------------------------

    def apply(self, changes: ChangeSet, *, actor: str, at: datetime | None = None) -> ApplyResult:
        when = aware(at, "at") or datetime.now(UTC)

        def work(tx: ManagedTransaction) -> ApplyResult:
            lookup = Neo4jLookup(tx, changes)
            plan = validate(changes, lookup, at=when)
            return write_batch(tx, changes, plan, actor=actor, at=when, new=lookup.new)

        return self._write(work)

    def put_scores(self, scores: Sequence[AccountScoreSet]) -> int:
        return self._write(lambda tx: _scores.put_scores(tx, scores))

    def put_score_run(self, run: ScoreRun) -> None:
        row = encode_score_run(run)
        self._write(lambda tx: _scores.put_score_run(tx, row))

    def put_win_model(self, card: WinModelCard) -> None:
        row = encode_win_model(card)  # before the transaction: a retry only writes again
        self._write(lambda tx: _winmodels.put_win_model(tx, row))

    # --- accounts ---------------------------------------------------------------

    def get_account(self, account_id: AccountId) -> Account:
        return self._read_one(lambda run: reads.get_account(run, account_id))

    def list_accounts(
        self,
        page: PageRequest,
        *,
        territories: Set[str] | None = None,
        sector: str | None = None,
        owner_id: RepId | None = None,
        name_contains: str | None = None,
    ) -> Page[Account]:
        return self._read(
            lambda tx: reads.list_accounts(
                tx,
                page,
                territories=territories,
                sector=sector,
                owner_id=owner_id,
                name_contains=name_contains,
            )
        )

    def account_ancestors(self, account_id: AccountId) -> tuple[Account, ...]:
        return self._read(lambda tx: reads.ancestors(tx, account_id))

    def account_descendants(self, account_id: AccountId) -> tuple[Account, ...]:
        return self._read(lambda tx: reads.descendants(tx, account_id))

    def account_rollup(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountRollup:
        when = aware(as_of, "as_of")
        return self._read(lambda tx: reads.rollup(tx, account_id, as_of=when))

    def territory_history(
        self, account_ids: Collection[AccountId] | None = None
    ) -> tuple[TerritorySpan, ...]:
        return tuple(self._read(lambda tx: territories.territory_history(tx, account_ids)))

    # --- contacts and reps --------------------------------------------------------

    def get_contact(self, contact_id: ContactId, *, as_of: datetime | None = None) -> Contact:
        when = aware(as_of, "as_of")
        return self._read(lambda tx: reads.get_contact(tx, contact_id, as_of=when))

    def list_contacts(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        name_contains: str | None = None,
        as_of: datetime | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Contact]:
        when = aware(as_of, "as_of")
        return self._read(
            lambda tx: reads.list_contacts(
                tx,
                page,
                account_id=account_id,
                name_contains=name_contains,
                as_of=when,
                territories=territories,
            )
        )

    def get_rep(self, rep_id: RepId) -> Rep:
        return self._read(lambda tx: reads.get_rep(tx, rep_id))

    def list_reps(self, page: PageRequest, *, territory: str | None = None) -> Page[Rep]:
        return self._read(lambda tx: reads.list_reps(tx, page, territory=territory))

    # --- the stakeholder graph ------------------------------------------------------

    def stakeholder_graph(
        self,
        account_id: AccountId,
        *,
        as_of: datetime | None = None,
        include_family: bool = False,
    ) -> StakeholderGraph:
        when = aware(as_of, "as_of")
        if not include_family:  # one statement
            return self._read_one(
                lambda run: reads.stakeholder_graph(
                    run, account_id, as_of=when, include_family=False
                )
            )
        return self._read(
            lambda tx: reads.stakeholder_graph(tx, account_id, as_of=when, include_family=True)
        )

    def stakeholder_graphs(
        self,
        account_ids: Sequence[AccountId],
        *,
        as_of: datetime | None = None,
        committee_only: bool = False,
    ) -> tuple[StakeholderGraph, ...]:
        """See :meth:`graphcrm.store.port.GraphStore.stakeholder_graphs`: every graph
        by one statement; ``committee_only`` by a lighter one that reads no more than
        the committees need."""
        when = aware(as_of, "as_of")
        specs = reads._graph_specs(account_ids)
        # One statement (one snapshot), an auto-commit read.
        return self._read_one(
            lambda run: reads.stakeholder_graphs(
                run, specs, as_of=when, committee_only=committee_only
            )
        )

    # --- deals and touchpoints ---------------------------------------------------------

    def get_deal(self, deal_id: DealId) -> DealView:
        return self.get_deals([deal_id])[0]

    def get_deals(self, deal_ids: Sequence[DealId]) -> tuple[DealView, ...]:
        ids = list(deal_ids)
        return self._read_one(lambda run: reads.get_deals(run, ids))

    def list_deals(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        stage: Stage | None = None,
        owner_id: RepId | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Deal]:
        return self._read(
            lambda tx: reads.list_deals(
                tx,
                page,
                account_id=account_id,
                stage=stage,
                owner_id=owner_id,
                territories=territories,
            )
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
        lo, hi = aware(since, "since"), aware(until, "until")
        return self._read(
            lambda tx: reads.list_touchpoints(
                tx,
                page,
                account_id=account_id,
                contact_id=contact_id,
                deal_id=deal_id,
                since=lo,
                until=hi,
            )
        )

    def get_scores(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountScoreSet:
        when = aware(as_of, "as_of")
        return self._read(lambda tx: _scores.get_scores(tx, account_id, as_of=when))

    # --- win models -----------------------------------------------------------------------

    def latest_score_run(self) -> ScoreRun | None:
        return self._read_one(_scores.latest_score_run)

    def get_win_model(self, *, as_of: datetime | None = None) -> WinModelCard:
        when = aware(as_of, "as_of")
        return self._read_one(lambda run: _winmodels.get_win_model(run, as_of=when))

    def list_win_models(self, page: PageRequest) -> Page[WinModelCard]:
        return self._read_one(lambda run: _winmodels.list_win_models(run, page))

    # --- history and housekeeping ------------------------------------------------------

    def change_log(
        self,
        page: PageRequest,
        *,
        entity: EntityKind | None = None,
        key: str | None = None,
        since_seq: int | None = None,
    ) -> Page[ChangeLogEntry]:
        return self._read_one(
            lambda run: changelog.read(run, page, entity=entity, key=key, since_seq=since_seq)
        )

    def stats(self) -> StoreStats:
        return self._read(reads.stats)

    # --- API keys and coordination (graphcrm/store/neo4j/keys.py) ----------------------

    def put_key(self, key: KeyRecord) -> None:
        self._write(lambda tx: _keys.put_key(tx, key))

    def get_key(self, key_id: str) -> KeyRecord:
        return self._read_one(lambda run: _keys.get_key(run, key_id))

    def list_keys(self) -> tuple[KeyRecord, ...]:
        return self._read_one(_keys.list_keys)

    def revoke_key(self, key_id: str, *, at: datetime) -> KeyRecord:
        when = aware(at, "at") or datetime.now(UTC)
        return self._write(lambda tx: _keys.revoke_key(tx, key_id, when))

    def watermark(self) -> Watermark:
        return self._read_one(_keys.watermark)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with (
            _translated(self._url),
            self._session() as session,
            _keys.exclusive(session, self._holder),
        ):
            yield

    def exclusive(self) -> AbstractContextManager[None]:
        return self._exclusive()

    def prefetch(self) -> None:
        """The server's page cache is its own (nothing to do from a client)."""

    def close(self) -> None:
        with self._lock:
            driver, self._driver = self._driver, None
        if driver is not None:
            driver.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self._url.redacted!r})"


@contextmanager
def _translated(url: StoreURL) -> Iterator[None]:
    """Turn driver errors into graphcrm errors naming the redacted URL."""
    where = url.redacted
    try:
        yield
    except ConstraintError as e:
        raise ConflictError(_scrub(f"neo4j store {where}: {_message(e)}", url)) from e
    except (Neo4jError, DriverError) as e:
        raise StoreUnavailableError(_scrub(f"neo4j store {where}: {_message(e)}", url)) from e
    except OSError as e:
        raise StoreUnavailableError(_scrub(f"neo4j store {where}: {e}", url)) from e


def _message(error: Exception) -> str:
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"


def _scrub(text: str, url: StoreURL) -> str:
    """Belt and braces: never let the password through, whatever the driver said."""
    if url.password is not None:
        secret = url.password.get_secret_value()
        if secret:
            text = text.replace(secret, "***")
    return text
