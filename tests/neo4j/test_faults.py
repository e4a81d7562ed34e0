"""Faults: the Neo4j server killed in the middle of a load and started again; two writers
creating one object at once.

The test runs a server of its own on a data directory of its own (the shared
test server is never stopped), kills it (``SIGKILL``: no shutdown, as a crash
or a lost host) while a batch's transaction has written every row and waits to
commit, and starts it again on the same directory and port. A batch is never
half-written: after the restart the store holds exactly the batches before it.
A store that stays down answers :class:`StoreUnavailableError` once the
driver's retry window has passed, and the API a 503 problem, never a 500; when
the server comes back within the window, the driver retries the whole batch
and it succeeds by itself. Loading the portfolio again from its first batch
then completes, and every count, the change log's included, equals a clean
load's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import neo4j
import pytest
from fastapi.testclient import TestClient
from neo4j import GraphDatabase
from pydantic import SecretStr

from api.app import create_app
from graphcrm.auth import KeyStore, Scope
from graphcrm.config import Settings, parse_store_url
from graphcrm.devserver import Neo4jDevServer
from graphcrm.domain import AccountId, ChangeSet
from graphcrm.errors import ConflictError, StoreUnavailableError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store.neo4j import Neo4jStore
from graphcrm.store.port import GraphStore
from graphcrm.store.sqlite import SqliteStore
from tests.neo4j.support import driver, fresh_store

pytestmark = pytest.mark.neo4j

PORTFOLIO = GeneratorConfig(accounts=6, chunk_accounts=2, seed=13, size_max=60)

LOCK_CHANGE_LOG = (
    "MERGE (k:Counter {name: 'change_log'}) ON CREATE SET k.value = 0 SET k.value = k.value"
)
"""Takes the change-log counter's write lock: a batch reserves its sequence numbers
there after sending every write, so it waits, fully written and uncommitted."""

BLOCKED = "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n"


def _counts(store: GraphStore) -> dict[str, int]:
    return dict(store.stats().counts)


def _clean_counts(batches: list[ChangeSet], tmp_path: Path) -> list[dict[str, int]]:
    """The counts of a clean load (SQLite) after each prefix of ``batches``: [0] is empty."""
    store = SqliteStore.open(tmp_path / "clean.sqlite3")
    try:
        out = [_counts(store)]
        for b in batches:
            store.apply(b, actor="load")
            out.append(_counts(store))
    finally:
        store.close()
    return out


def _store(uri: str, retry_seconds: float) -> Neo4jStore:
    """A store whose driver retries a transaction for ``retry_seconds`` at most."""
    url = parse_store_url(uri)
    store = Neo4jStore(
        GraphDatabase.driver(
            url.server_uri,
            max_transaction_retry_time=retry_seconds,
            notifications_min_severity="OFF",
        ),
        url,
    )
    store.ensure_schema()
    return store


class Server:
    """The test's own Neo4j on ``data``, killed and started again on the same port."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.dev = Neo4jDevServer(data_dir=data)
        self.uri = self.dev.start()
        self.port = int(self.uri.rsplit(":", 1)[1])

    def kill_while_a_batch_waits(self, apply: Callable[[], object]) -> list[BaseException]:
        """Run ``apply`` in a thread; once its transaction is fully written and waits on
        the change-log counter, kill the server. Returns the thread's errors (joined
        later by :meth:`join`)."""
        errors: list[BaseException] = []
        with GraphDatabase.driver(self.uri) as d, d.session() as blocker:
            tx = blocker.begin_transaction()
            tx.run(LOCK_CHANGE_LOG).consume()
            self.thread = _in_thread(apply, errors)
            _wait_blocked(d, 1)
            self.dev.kill()
        return errors

    def join(self) -> None:
        self.thread.join(timeout=180)
        assert not self.thread.is_alive()

    def start_again(self) -> None:
        self.dev = Neo4jDevServer(port=self.port, data_dir=self.data)
        assert self.dev.start() == self.uri

    def stop(self) -> None:
        self.dev.stop()


def _in_thread(apply: Callable[[], object], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            apply()
        except BaseException as e:  # handed to the test to assert on
            errors.append(e)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_blocked(d: neo4j.Driver, n: int) -> None:
    """Wait until ``n`` transactions wait on a lock."""
    with d.session() as watcher:
        deadline = time.monotonic() + 60
        while watcher.run(BLOCKED).single(strict=True)["n"] < n:
            assert time.monotonic() < deadline, "the batches never reached their locks"
            time.sleep(0.05)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path / "neo4j")
    try:
        yield s
    finally:
        s.stop()


def test_a_server_killed_mid_batch_loses_the_whole_batch_and_a_reload_completes(
    server: Server, tmp_path: Path
) -> None:
    batches = list(generate_portfolio(PORTFOLIO))
    k = len(batches) // 2
    assert 2 <= k < len(batches) - 1
    clean = _clean_counts(batches, tmp_path)

    impatient = _store(server.uri, retry_seconds=1.0)
    patient = _store(server.uri, retry_seconds=120.0)
    keys = KeyStore(impatient)
    admin = keys.create("admin", [Scope.READ, Scope.WRITE, Scope.ADMIN], ["*"]).secret
    settings = Settings(store=SecretStr(server.uri), keys_path=str(tmp_path / "keys.sqlite3"))
    try:
        for b in batches[:k]:
            impatient.apply(b, actor="load")
        some_account = batches[1].accounts[0].id
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            headers = {"X-API-Key": admin}
            assert client.get(f"/v1/accounts/{some_account}", headers=headers).status_code == 200

            # Killed, and down past the driver's window: the batch fails whole.
            errors = server.kill_while_a_batch_waits(
                lambda: impatient.apply(batches[k], actor="load")
            )
            server.join()
            assert len(errors) == 1, errors
            assert isinstance(errors[0], StoreUnavailableError), errors
            assert server.uri.split("://")[1] in str(errors[0])

            # The API, meanwhile: a 503 problem, never a 500.
            down = client.get(f"/v1/accounts/{some_account}", headers=headers)
            assert down.status_code == 503, down.text
            assert down.headers["content-type"].startswith("application/problem+json")
            assert down.json()["status"] == 503

            server.start_again()
            assert _counts(patient) == clean[k]  # nothing of batch k

        # Killed, and back within the driver's window: the batch is retried whole.
        errors = server.kill_while_a_batch_waits(lambda: patient.apply(batches[k], actor="load"))
        server.start_again()
        server.join()
        assert errors == []
        assert _counts(patient) == clean[k + 1]

        # The load run again from its first batch completes, as a clean load.
        for b in batches:
            patient.apply(b, actor="load")
        assert _counts(patient) == clean[-1]
    finally:
        impatient.close()
        patient.close()


def test_two_writers_creating_one_object_store_it_once_and_the_other_batch_is_a_conflict(
    neo4j_uri: str,
) -> None:
    """Writes are sent without waiting for each (``queries.write``): a write that fails
    on the server still fails its batch whole, with its own error. Both batches find
    the account new; the first holds its uniqueness until it commits, the second's
    ``CREATE`` waits on it and then breaks the constraint."""
    batch = ChangeSet.model_validate(
        {
            "accounts": [{"id": "ikiz", "name": "İkiz Şirket"}],
            "contacts": [{"id": "ikiz-1", "account_id": "ikiz", "name": "Ayşe Çınar"}],
        }
    )
    first, second = fresh_store(neo4j_uri), Neo4jStore.open(parse_store_url(neo4j_uri))
    errors: list[BaseException] = []
    try:
        with driver(neo4j_uri) as d, d.session() as blocker:
            tx = blocker.begin_transaction()
            tx.run(LOCK_CHANGE_LOG).consume()
            one = _in_thread(lambda: first.apply(batch, actor="one"), errors)
            _wait_blocked(d, 1)  # the first waits on the counter, everything written
            two = _in_thread(lambda: second.apply(batch, actor="two"), errors)
            _wait_blocked(d, 2)  # the second waits on the first's new account
            tx.rollback()
        one.join(timeout=60)
        two.join(timeout=60)
        assert len(errors) == 1, errors
        assert isinstance(errors[0], ConflictError), errors
        counts = first.stats().counts
        assert (counts["account"], counts["contact"], counts["contact_status"]) == (1, 1, 1)
        assert counts["change_log"] == 3
        assert first.get_account(AccountId("ikiz")).name == "İkiz Şirket"
    finally:
        first.close()
        second.close()
