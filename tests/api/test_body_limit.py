"""The body-size limit through a real ``graphcrm serve``: a body sent chunked (no
Content-Length) gets the 413 problem a body of declared length gets, on every endpoint,
and nothing is written."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graphcrm.config import Settings
from graphcrm.domain import PageRequest
from graphcrm.store import open_store
from tests.api.conftest import make_settings, seed, served
from tests.api.test_errors_and_auth import assert_problem

LIMIT = 4096


@dataclass
class Served:
    client: httpx.Client
    keys: dict[str, str]
    settings: Settings
    log: Path

    def h(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("body-limit")
    settings = make_settings(tmp, api_max_body_bytes=LIMIT)
    keys = seed(settings)
    log = tmp / "serve.log"
    env = {"GRAPHCRM_API_MAX_BODY_BYTES": str(LIMIT)}
    with served(settings, env=env, log=log) as base, httpx.Client(base_url=base) as client:
        yield Served(client, keys, settings, log)


def pieces(body: bytes, size: int = 1000) -> Iterator[bytes]:
    """``body`` as an iterator: httpx sends it chunked, without a Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def batch_of_reps(count: int) -> bytes:
    reps = [{"id": f"R-NEW{i}", "name": "x" * 50, "territory": "Marmara"} for i in range(count)]
    return json.dumps({"reps": reps}).encode()


def account_csv_upload(count: int) -> tuple[bytes, str]:
    """A Salesforce import of ``count`` new accounts: the multipart body and its content type."""
    rows = "".join(f"NEW-{i},New Account {i},,,,\n" for i in range(count))
    request = httpx.Request(
        "POST",
        "http://upload/v1/imports",
        files=[("files", ("Account.csv", f"{ACCOUNT_HEADER}\n{rows}".encode(), "text/csv"))],
        data={"format": "salesforce"},
    )
    return request.read(), request.headers["content-type"]


ACCOUNT_HEADER = "Id,Name,ParentId,Industry,BillingCountry,OwnerId"


def stored(settings: Settings) -> tuple[int, dict[str, int]]:
    """What the store holds: the length of its change log and its row counts."""
    store = open_store(settings.store.get_secret_value())
    try:
        return store.change_log(PageRequest(limit=1)).total, store.stats().counts
    finally:
        store.close()


def logged(server: Served, response: httpx.Response) -> dict[str, object]:
    """The request-log line of ``response`` (by its request id), once the server wrote it."""
    request_id = response.headers["x-request-id"]
    deadline = time.monotonic() + 10
    while True:
        for line in server.log.read_text().splitlines():
            if request_id in line:
                entry = json.loads(line)
                assert isinstance(entry, dict)
                return entry
        assert time.monotonic() < deadline, f"request {request_id} not logged"
        time.sleep(0.05)


def over_the_limit(server: Served, endpoint: str) -> tuple[str, str, bytes, dict[str, str]]:
    """(method, path, body, headers) of a request over the limit to ``endpoint``."""
    if endpoint == "json":
        return "POST", "/v1/batch", batch_of_reps(2000), {"content-type": "application/json"}
    if endpoint == "upload":
        upload, upload_type = account_csv_upload(200)
        return "POST", "/v1/imports", upload, {"content-type": upload_type}
    # An endpoint that reads no body: revoking the ``ege`` key.
    return "DELETE", f"/v1/keys/{server.keys['ege'].split('_')[1]}", b"x" * 2 * LIMIT, {}


@pytest.mark.parametrize("endpoint", ["json", "upload", "no-body"])
def test_a_chunked_body_over_the_limit_gets_the_413_of_a_declared_length(
    server: Served, endpoint: str
) -> None:
    before = stored(server.settings)
    method, path, body, headers = over_the_limit(server, endpoint)
    assert len(body) > LIMIT
    h = {**server.h("admin"), **headers}
    declared = server.client.request(method, path, content=body, headers=h)
    chunked = server.client.request(method, path, content=pieces(body), headers=h)
    assert chunked.request.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in chunked.request.headers
    problem = assert_problem(chunked, 413)
    assert problem == assert_problem(declared, 413)
    assert problem["type"] == "/problems/too-large"
    assert problem["title"] == "Content Too Large"
    assert problem["detail"] == "the request body is over the limit of 4,096 bytes"
    assert logged(server, chunked)["status"] == 413
    assert stored(server.settings) == before
    assert server.client.get("/v1/accounts", headers=server.h("ege")).status_code == 200
    log = server.log.read_text()
    assert "Traceback" not in log
    assert "ERROR" not in log


def test_a_chunked_body_under_the_limit_is_read_whole(server: Served) -> None:
    h = server.h("marmara")
    body = batch_of_reps(1)
    json_headers = {**h, "content-type": "application/json"}
    r = server.client.post("/v1/batch", content=pieces(body, 10), headers=json_headers)
    assert r.status_code == 200, r.text
    assert server.client.get("/v1/reps/R-NEW0", headers=h).status_code == 200
    upload, upload_type = account_csv_upload(1)
    assert len(upload) < LIMIT
    headers = {**h, "content-type": upload_type}
    r = server.client.post("/v1/imports", content=pieces(upload, 50), headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["committed"]["accounts"] == 1
    assert server.client.get("/v1/accounts/NEW-0", headers=h).status_code == 200
