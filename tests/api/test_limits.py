"""Per-key limits on expensive requests (OWASP API4): concurrency and rate, 429 with
Retry-After as a problem document, other keys unaffected, 429 in the OpenAPI document."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.app import create_app
from api.limits import EXPENSIVE, KeyLimits, is_expensive
from api.middleware import ExpensiveLimit
from tests.api.conftest import Env, make_settings, seed


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_concurrency_slots_per_key() -> None:
    limits = KeyLimits(concurrent=2, per_minute=0, burst=1)
    assert limits.acquire("a") is None
    assert limits.acquire("a") is None
    assert limits.acquire("a") == 1.0  # a third in flight: retry in a second
    assert limits.acquire("b") is None  # another key has its own slots
    limits.release("a")
    assert limits.acquire("a") is None


def test_rate_is_a_token_bucket_per_key() -> None:
    clock = Clock()
    limits = KeyLimits(concurrent=0, per_minute=6, burst=2, clock=clock)  # one per 10 s
    for _ in range(2):
        assert limits.acquire("a") is None
        limits.release("a")
    assert limits.acquire("a") == pytest.approx(10.0)
    assert limits.acquire("b") is None
    clock.now += 4.0
    assert limits.acquire("a") == pytest.approx(6.0)
    clock.now += 6.0
    assert limits.acquire("a") is None
    assert limits.acquire("a") == pytest.approx(10.0)


def test_the_table_names_the_expensive_operations() -> None:
    assert is_expensive("POST", "/v1/deals/İ-ş 1/what-if")
    assert is_expensive("GET", "/v1/forecast/trend")
    assert not is_expensive("GET", "/v1/deals/D1/what-if")
    assert not is_expensive("GET", "/v1/forecast/trend/x")
    assert not is_expensive("GET", "/v1/accounts")


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Env]:
    settings = make_settings(
        tmp_path, api_expensive_per_minute=6, api_expensive_burst=2, api_expensive_concurrent=0
    )
    keys = seed(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Env(client, keys, settings)


def test_a_key_over_its_rate_gets_429_and_another_key_does_not(limited: Env) -> None:
    env = limited
    for _ in range(2):
        assert env.client.get("/v1/forecast", headers=env.h("ege")).status_code == 200
    over = env.client.get("/v1/forecast", headers=env.h("ege"))
    assert over.status_code == 429
    assert over.headers["content-type"].startswith("application/problem+json")
    assert over.headers["Retry-After"] == "10"
    body = over.json()
    assert (body["status"], body["type"], body["instance"]) == (
        429,
        "/problems/too-many-requests",
        "/v1/forecast",
    )
    # the same key on an export (also expensive) is refused too; a cheap read is not
    assert env.client.get("/v1/exports", headers=env.h("ege")).status_code == 429
    assert env.client.get("/v1/accounts", headers=env.h("ege")).status_code == 200
    # another key, and the bearer form of another key, are unaffected
    assert env.client.get("/v1/forecast", headers=env.h("marmara")).status_code == 200
    bearer = {"Authorization": f"Bearer {env.keys['admin']}"}
    assert env.client.get("/v1/forecast", headers=bearer).status_code == 200


def test_the_openapi_document_declares_429_on_the_expensive_operations(env: Env) -> None:
    doc = env.client.get("/openapi.json").json()
    for method, path in EXPENSIVE:
        if path.startswith("/pages"):
            assert path not in doc["paths"]
            continue
        answer = doc["paths"][path][method]["responses"]["429"]
        assert "Retry-After" in answer["headers"]
        assert "application/problem+json" in answer["content"]
    assert "429" not in doc["paths"]["/v1/accounts"]["get"]["responses"]


def test_concurrent_requests_of_one_key_across_threads() -> None:
    """Two requests of one key in flight (each in its own thread of the worker's pool):
    a third of that key gets 429 at once, another key's goes through."""
    release = threading.Event()
    started = threading.Semaphore(0)

    def slow(request: Request) -> PlainTextResponse:
        if request.headers.get("x-api-key") == "k1":
            started.release()
            release.wait(10)
        return PlainTextResponse("done")

    inner = Starlette(routes=[Route("/v1/followups", slow)])
    app = ExpensiveLimit(inner, limits=KeyLimits(concurrent=2, per_minute=0, burst=1))
    client = TestClient(app)
    answers: list[int] = []

    def call() -> None:
        answers.append(client.get("/v1/followups", headers={"X-API-Key": "k1"}).status_code)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in threads:
        assert started.acquire(timeout=10)
    third = client.get("/v1/followups", headers={"X-API-Key": "k1"})
    assert third.status_code == 429
    assert third.headers["Retry-After"] == "1"
    assert client.get("/v1/followups", headers={"X-API-Key": "k2"}).status_code == 200
    release.set()
    for t in threads:
        t.join(10)
    assert answers == [200, 200]
    assert client.get("/v1/followups", headers={"X-API-Key": "k1"}).status_code == 200
