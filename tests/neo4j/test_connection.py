"""Connecting: auth, unreachable servers, schema on open, error translation, closing."""

from __future__ import annotations

import importlib
import re
import socket
from urllib.parse import quote

import pytest
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    ServiceUnavailable,
    SessionExpired,
)

from graphcrm.config import parse_store_url
from graphcrm.domain import AccountId, ChangeSet
from graphcrm.errors import ConflictError, NotFoundError, StoreUnavailableError
from graphcrm.store import open_store
from graphcrm.store.cypher import query
from graphcrm.store.neo4j import Neo4jStore
from graphcrm.store.neo4j.queries import Runner
from graphcrm.store.neo4j.schema import SCHEMA
from graphcrm.store.neo4j.store import READ_ATTEMPTS, _translated
from tests.conftest import NEO4J_TEST_PASSWORD
from tests.neo4j.support import driver

pytestmark = pytest.mark.neo4j

WRONG_PASSWORD = "yanlış-Şifre-42"


def _with_credentials(uri: str, password: str) -> str:
    """``bolt://host:port`` with user neo4j and ``password`` (URL-quoted) in it."""
    scheme, rest = uri.split("://", 1)
    return f"{scheme}://neo4j:{quote(password, safe='')}@{rest}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_the_rust_packing_extension_is_installed() -> None:
    assert importlib.import_module("neo4j._rust") is not None


def test_the_right_password_connects(neo4j_auth_uri: str) -> None:
    store = open_store(_with_credentials(neo4j_auth_uri, NEO4J_TEST_PASSWORD))
    try:
        assert isinstance(store, Neo4jStore)
        assert store.stats().counts["account"] >= 0
        assert NEO4J_TEST_PASSWORD not in repr(store)
    finally:
        store.close()


def test_a_wrong_password_is_unavailable_and_never_shown(neo4j_auth_uri: str) -> None:
    url = parse_store_url(_with_credentials(neo4j_auth_uri, WRONG_PASSWORD))
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore.open(url)
    message = str(caught.value)
    assert url.redacted in message
    assert "neo4j:***@" in message
    assert WRONG_PASSWORD not in message
    assert quote(WRONG_PASSWORD, safe="") not in message
    assert NEO4J_TEST_PASSWORD not in message
    assert isinstance(caught.value.__cause__, AuthError)


def test_an_unreachable_server_is_unavailable_naming_the_redacted_url() -> None:
    raw = f"neo4j://ops:gizli-Parola@127.0.0.1:{_free_port()}/crm"
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(raw)
    message = str(caught.value)
    assert parse_store_url(raw).redacted in message
    assert "gizli-Parola" not in message
    assert isinstance(caught.value.__cause__, ServiceUnavailable)


def test_open_creates_every_constraint_and_opening_twice_is_fine(neo4j_uri: str) -> None:
    first = Neo4jStore.open(parse_store_url(neo4j_uri))
    second = Neo4jStore.open(parse_store_url(neo4j_uri))  # while the first is open
    try:
        first.apply(
            ChangeSet.model_validate({"accounts": [{"id": "twice", "name": "İki kez"}]}),
            actor="t",
        )
        assert second.get_account(AccountId("twice")).name == "İki kez"
    finally:
        first.close()
        second.close()
    expected = {
        match.group(1)
        for name in SCHEMA
        if (match := re.match(r"CREATE CONSTRAINT (\w+) IF NOT EXISTS", query(name)))
    }
    assert len(expected) >= 9
    with driver(neo4j_uri) as d, d.session() as session:
        found = {r["name"] for r in session.run(query("schema/read_constraints"))}
    assert expected <= found


def test_a_closed_store_is_unavailable_and_closing_is_idempotent(neo4j_uri: str) -> None:
    store = Neo4jStore.open(parse_store_url(neo4j_uri))
    store.close()
    store.close()
    with pytest.raises(StoreUnavailableError, match="closed"):
        store.get_account(AccountId("x"))


def test_not_found_is_not_found(neo4j_uri: str) -> None:
    store = Neo4jStore.open(parse_store_url(neo4j_uri))
    try:
        with pytest.raises(NotFoundError):
            store.get_account(AccountId("no such account"))
        with pytest.raises(NotFoundError):
            store.stakeholder_graph(AccountId("no such account"))
    finally:
        store.close()


def test_driver_errors_are_translated_with_the_redacted_url() -> None:
    url = parse_store_url("bolt://neo4j:s3cret-İ@db.example:7687/crm")
    with pytest.raises(ConflictError) as conflict, _translated(url):
        raise ConstraintError("Node(7) already exists with id 's3cret-İ'")
    assert url.redacted in str(conflict.value)
    assert "s3cret-İ" not in str(conflict.value)
    assert isinstance(conflict.value.__cause__, ConstraintError)
    with pytest.raises(StoreUnavailableError) as down, _translated(url):
        raise ServiceUnavailable("connection refused")
    assert url.redacted in str(down.value)


def test_one_statement_reads_retry_retryable_errors_and_translate_the_rest(
    neo_store: Neo4jStore,
) -> None:
    calls: list[str] = []

    def flaky(run: Runner) -> int:
        calls.append("try")
        if len(calls) == 1:
            raise SessionExpired("the pooled connection went away")
        record = run.run("RETURN 41 + 1 AS n").single(strict=True)
        return int(record["n"])

    assert neo_store._read_one(flaky) == 42
    assert calls == ["try", "try"]

    def broken(run: Runner) -> int:
        calls.append("broken")
        raise ClientError("Neo.ClientError.Statement.SyntaxError")

    calls.clear()
    with pytest.raises(StoreUnavailableError) as down:
        neo_store._read_one(broken)
    assert calls == ["broken"]  # not retryable: tried once
    assert isinstance(down.value.__cause__, ClientError)

    def gone(run: Runner) -> int:
        calls.append("gone")
        raise ServiceUnavailable("connection refused")

    calls.clear()
    with pytest.raises(StoreUnavailableError):
        neo_store._read_one(gone)
    assert calls == ["gone"] * READ_ATTEMPTS
