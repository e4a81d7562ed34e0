"""A realignment through the CLI reaches the API at once: keys of the old territory
lose the account from their next request, the new territory's keys gain it, in every
worker, cached analytics included; the old territory keeps its history as of before.

Two apps on one store stand for two workers (tests/api/test_workers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from graphcrm.cli import main
from tests.api.conftest import make_settings, seed

READS = ("/v1/accounts/M1", "/v1/accounts/M1/health", "/v1/deals/M1-D1/risk")
THEN = ("/v1/contacts/M1-C1", "/v1/contacts?account_id=M1")
"""Reads as of an instant that follow the account's territory then."""


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient, dict[str, str], str]]:
    settings = make_settings(tmp_path, api_cache_ttl_seconds=600)
    keys = seed(settings)
    with TestClient(create_app(settings)) as a, TestClient(create_app(settings)) as b:
        yield a, b, keys, settings.store.get_secret_value()


def _codes(
    client: TestClient, key: str, *, as_of: str | None = None, paths: tuple[str, ...] = READS
) -> list[int]:
    tail = f"as_of={as_of}" if as_of else ""
    urls = [f"{p}{'&' if '?' in p else '?'}{tail}" if tail else p for p in paths]
    return [client.get(u, headers={"X-API-Key": key}).status_code for u in urls]


def _listed(client: TestClient, key: str) -> set[str]:
    body = client.get("/v1/accounts", headers={"X-API-Key": key}).json()
    return {a["id"] for a in body["data"]}


def test_a_move_by_the_cli_moves_access_at_once_in_every_worker(
    workers: tuple[TestClient, TestClient, dict[str, str], str],
) -> None:
    a, b, keys, store_url = workers
    marmara, ege = keys["marmara"], keys["ege"]
    before = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    for client in (a, b):  # each worker has the answers cached
        assert _codes(client, marmara) == [200, 200, 200]
        assert _codes(client, marmara) == [200, 200, 200]
        assert _codes(client, ege) == [404, 404, 404]
        assert _listed(client, marmara) == {"M1", "M2"}
    moved = CliRunner().invoke(
        main, ["--store", store_url, "territories", "move", "M1", "Ege"], catch_exceptions=False
    )
    assert moved.exit_code == 0, moved.output
    for client in (a, b):
        assert _codes(client, marmara) == [404, 404, 404]
        assert _codes(client, ege) == [200, 200, 200]
        assert _listed(client, marmara) == {"M2"}
        assert _listed(client, ege) == {"E1", "M1"}
        # As of yesterday the account was Marmara's: its history stays with Marmara.
        assert _codes(client, marmara, as_of=before, paths=THEN) == [200, 200]
        assert _codes(client, ege, as_of=before, paths=THEN) == [404, 404]
        assert _codes(client, marmara, paths=THEN) == [404, 404]
        assert _codes(client, ege, paths=THEN) == [200, 200]


AS_OF_READS = (
    "/v1/accounts/M1",
    "/v1/accounts/M1/health",
    "/v1/deals/M1-D1/risk",
    "/v1/accounts/M1/orgchart",
    "/v1/deals/M1-D1/win",
    "/v1/accounts/M1/influence",
    "/v1/accounts/M1/hidden-influencers",
    "/v1/accounts/M1/contacts",
    "/v1/accounts/M1/reporting-lines",
)
"""Reads of one account (or its deal) that take ``as_of``."""


def test_as_of_reads_follow_the_territory_in_force_then(
    workers: tuple[TestClient, TestClient, dict[str, str], str],
) -> None:
    a, b, keys, store_url = workers
    marmara, ege = keys["marmara"], keys["ege"]
    before = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    # Cached as of before the move, in both workers, while M1 is Marmara's.
    for client in (a, b):
        assert set(_codes(client, marmara, as_of=before, paths=AS_OF_READS)) == {200}
        assert set(_codes(client, ege, as_of=before, paths=AS_OF_READS)) == {404}
    moved = CliRunner().invoke(
        main, ["--store", store_url, "territories", "move", "M1", "Ege"], catch_exceptions=False
    )
    assert moved.exit_code == 0, moved.output
    after = (datetime.now(UTC) + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    for client in (a, b):
        # As of before the move: Marmara's history, hidden from Ege.
        assert set(_codes(client, marmara, as_of=before, paths=AS_OF_READS)) == {200}
        assert set(_codes(client, ege, as_of=before, paths=AS_OF_READS)) == {404}
        # As of after the move (and now): the reverse.
        assert set(_codes(client, marmara, as_of=after, paths=AS_OF_READS)) == {404}
        assert set(_codes(client, ege, as_of=after, paths=AS_OF_READS)) == {200}
        assert set(_codes(client, marmara, paths=AS_OF_READS)) == {404}
        assert set(_codes(client, ege, paths=AS_OF_READS)) == {200}
    # The body as of before names the account, read by the Marmara key.
    body = a.get(f"/v1/accounts/M1?as_of={before}", headers={"X-API-Key": marmara}).json()
    assert body["account"]["id"] == "M1"
