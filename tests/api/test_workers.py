"""Several workers: cache invalidations and key revocations learnt from the store,
the cache-warm path's territory check, and the bytes the cache serves.

Two apps on one store stand for two workers (each has its own connections, as
two processes do); one test runs `graphcrm serve --workers 2` for real.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import freshness
from api.app import create_app
from api.deps import AppState
from api.serve import _tcp
from graphcrm.auth import KeyStore, Scope
from graphcrm.config import Settings
from graphcrm.domain import AccountId, ChangeSet, ContactId, ContactStatus, DealId
from graphcrm.domain.base import as_of_instant
from graphcrm.services.orgchart import org_chart
from graphcrm.services.risk import assess_deal
from graphcrm.store import open_store
from tests.api.conftest import make_settings, seed, served

RISK = "/v1/deals/M1-D1/risk"


def state_of(client: TestClient) -> AppState:
    app = client.app
    assert isinstance(app, FastAPI)
    state = app.state.graphcrm
    assert isinstance(state, AppState)
    return state


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient, dict[str, str]]]:
    settings = make_settings(tmp_path, api_cache_ttl_seconds=600)
    keys = seed(settings)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        yield a, b, keys


def _champion_leaves(client: TestClient, key: str) -> None:
    h = {"X-API-Key": key}
    tag = client.get("/v1/contacts/M1-C3", headers=h).headers["ETag"]
    r = client.patch(
        "/v1/contacts/M1-C3", headers={**h, "If-Match": tag}, json={"status": "left_company"}
    )
    assert r.status_code == 200, r.text


def test_a_write_through_one_worker_drops_the_cached_answer_of_another(
    two: tuple[TestClient, TestClient, dict[str, str]],
) -> None:
    a, b, keys = two
    h = {"X-API-Key": keys["marmara"]}
    first = b.get(RISK, headers=h).json()
    assert b.get(RISK, headers=h).json() == first  # cached in b
    other = b.get("/v1/accounts/M2/health", headers=h)
    assert other.status_code == 200
    _champion_leaves(a, keys["marmara"])
    after = b.get(RISK, headers=h).json()
    assert after["risk"]["score"] > first["risk"]["score"]
    assert "champion_left" in {f["code"] for f in after["risk"]["signals"]}
    # only M1's results went: M2's is still served from b's cache
    hits = state_of(b).cache.hits
    assert b.get("/v1/accounts/M2/health", headers=h).content == other.content
    assert state_of(b).cache.hits > hits


def test_a_territory_change_through_another_worker_applies_to_cached_answers(
    two: tuple[TestClient, TestClient, dict[str, str]],
) -> None:
    a, b, keys = two
    marmara, ege = {"X-API-Key": keys["marmara"]}, {"X-API-Key": keys["ege"]}
    assert b.get(RISK, headers=marmara).status_code == 200
    assert b.get("/v1/accounts/M1/health", headers=marmara).status_code == 200
    missing = b.get("/v1/deals/NO-SUCH-DEAL/risk", headers=ege).json()
    outside = b.get(RISK, headers=ege)  # the placement is cached: the event loop answers
    assert outside.status_code == 404
    assert outside.json() == {**missing, "detail": "deal 'M1-D1' not found", "instance": RISK}
    admin = {"X-API-Key": keys["admin"]}
    tag = a.get("/v1/accounts/M1", headers=admin).headers["ETag"]
    moved = a.patch(
        "/v1/accounts/M1", headers={**admin, "If-Match": tag}, json={"territory": "Ege"}
    )
    assert moved.status_code == 200, moved.text
    assert b.get(RISK, headers=marmara).status_code == 404
    assert b.get("/v1/accounts/M1/health", headers=marmara).status_code == 404
    assert b.get(RISK, headers=ege).status_code == 200
    assert b.get("/v1/accounts/M1/health", headers=ege).status_code == 200


def test_a_key_revoked_through_one_worker_is_refused_by_another(
    two: tuple[TestClient, TestClient, dict[str, str]],
) -> None:
    a, b, keys = two
    h = {"X-API-Key": keys["marmara"]}
    assert b.get(RISK, headers=h).status_code == 200  # b knows the key now
    key_id = keys["marmara"].split("_")[1]
    assert a.delete(f"/v1/keys/{key_id}", headers={"X-API-Key": keys["admin"]}).status_code == 200
    assert b.get(RISK, headers=h).status_code == 401


def test_served_bytes_are_the_models_json(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_cache_ttl_seconds=600)
    keys = seed(settings)
    day = datetime.now(UTC).date().isoformat()
    at = as_of_instant(day)
    store = open_store(settings.store.get_secret_value())
    try:
        risk = assess_deal(store, DealId("M1-D1"), as_of=at).model_dump_json().encode()
        chart = org_chart(store, AccountId("M1"), as_of=at).model_dump_json().encode()
    finally:
        store.close()
    h = {"X-API-Key": keys["marmara"]}
    with TestClient(create_app(settings)) as client:
        for path, expected in (
            (f"{RISK}?as_of={day}", risk),
            (f"/v1/accounts/M1/orgchart?as_of={day}", chart),
        ):
            computed = client.get(path, headers=h)
            cached = client.get(path, headers=h)
            assert computed.headers["content-type"] == "application/json"
            assert computed.content == expected
            assert cached.content == expected


def test_without_a_cache_every_request_checks_the_store(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_cache_ttl_seconds=0)
    keys = seed(settings)
    marmara, ege = {"X-API-Key": keys["marmara"]}, {"X-API-Key": keys["ege"]}
    with TestClient(create_app(settings)) as client:
        first = client.get(RISK, headers=marmara)
        assert first.status_code == 200
        assert client.get(RISK, headers=ege).status_code == 404
        assert client.get("/v1/accounts/M1/health", headers=ege).status_code == 404
        _champion_leaves(client, keys["marmara"])
        after = client.get(RISK, headers=marmara).json()
        assert after["risk"]["score"] > first.json()["risk"]["score"]
        assert len(state_of(client).cache) == 0


# --- the change log as the workers' invalidation feed ------------------------------


def test_a_write_outside_the_api_drops_the_cached_answer_from_the_next_request(
    two: tuple[TestClient, TestClient, dict[str, str]],
) -> None:
    a, _, keys = two
    h = {"X-API-Key": keys["marmara"]}
    first = a.get(RISK, headers=h).json()
    other = a.get("/v1/accounts/M2/health", headers=h)
    store = open_store(state_of(a).settings.store.get_secret_value())
    try:  # as the CLI would: another connection, no API involved
        contact = store.get_contact(ContactId("M1-C3"))
        left = contact.model_copy(update={"status": ContactStatus.LEFT_COMPANY})
        store.apply(ChangeSet(contacts=(left,)), actor="cli")
    finally:
        store.close()
    after = a.get(RISK, headers=h).json()
    assert after["risk"]["score"] > first["risk"]["score"]
    hits = state_of(a).cache.hits
    assert a.get("/v1/accounts/M2/health", headers=h).content == other.content
    assert state_of(a).cache.hits > hits  # M2 was not M1's family: still cached


def test_more_new_entries_than_read_at_once_drop_every_cached_answer(
    two: tuple[TestClient, TestClient, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, keys = two
    h = {"X-API-Key": keys["marmara"]}
    assert b.get("/v1/accounts/M2/health", headers=h).status_code == 200
    assert len(state_of(b).cache) > 0
    monkeypatch.setattr(freshness, "MAX_ENTRIES", 1)
    _champion_leaves(a, keys["marmara"])  # two entries: the contact and its status
    assert b.get("/v1/reps", headers=h).status_code == 200
    assert len(state_of(b).cache) == 0


def test_a_key_created_elsewhere_works_at_once(
    two: tuple[TestClient, TestClient, dict[str, str]],
) -> None:
    a, _, _ = two
    store = open_store(state_of(a).settings.store.get_secret_value())
    try:
        made = KeyStore(store).create("late", [Scope.READ], ["Marmara"])
    finally:
        store.close()
    assert a.get(RISK, headers={"X-API-Key": made.secret}).status_code == 200


def _accepted_nodelay(listening: socket.socket) -> int:
    """``TCP_NODELAY`` of a connection asyncio accepts on ``listening``."""

    async def nodelay() -> int:
        got: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                got.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        _, writer = await asyncio.open_connection(*listening.getsockname()[:2])
        try:
            return await asyncio.wait_for(got, 5)
        finally:
            writer.close()
            server.close()

    return asyncio.run(nodelay())


def test_served_connections_answer_without_waiting_for_delayed_acks() -> None:
    # The plain version first: a socket opened as uvicorn opens it (protocol 0) gets
    # connections without TCP_NODELAY. When this stops holding, api.serve._tcp can go.
    plain = socket.socket(socket.AF_INET)
    plain.bind(("127.0.0.1", 0))
    assert _accepted_nodelay(plain) == 0
    raw = socket.socket(socket.AF_INET)
    raw.bind(("127.0.0.1", 0))
    listening = _tcp(raw)
    assert listening.proto == socket.IPPROTO_TCP
    assert _accepted_nodelay(listening) != 0


# --- real processes -----------------------------------------------------------------


def test_graphcrm_serve_with_two_workers_shares_invalidations(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path)
    keys = seed(settings)
    env = {"GRAPHCRM_API_CACHE_TTL_SECONDS": "600"}
    h = {"X-API-Key": keys["marmara"]}
    clients: list[httpx.Client] = []
    with served(settings, workers=2, env=env) as base:
        try:
            # New connections (one per client, each kept open) until both workers have
            # answered one: the request ids of a worker share its prefix.
            workers: set[str] = set()
            while len(workers) < 2:
                assert len(clients) < 200, "every connection went to one worker"
                client = httpx.Client(base_url=base, headers=h)
                clients.append(client)
                r = client.get(RISK)
                assert r.status_code == 200, r.text
                workers.add(r.headers["x-request-id"][:8])
            before = [c.get(RISK).json()["risk"]["score"] for c in clients]
            assert len(set(before)) == 1
            tag = clients[0].get("/v1/contacts/M1-C3").headers["ETag"]
            r = clients[0].patch(
                "/v1/contacts/M1-C3", headers={"If-Match": tag}, json={"status": "left_company"}
            )
            assert r.status_code == 200, r.text
            for c in clients:  # both workers, at once: no stale answer anywhere
                after = c.get(RISK).json()["risk"]
                assert after["score"] > before[0]
                assert "champion_left" in {f["code"] for f in after["signals"]}
        finally:
            for c in clients:
                c.close()
