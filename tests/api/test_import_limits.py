"""Imports over HTTP that once answered 500: each is a report or a 422 naming the file and
line, and nothing is half-committed."""

from __future__ import annotations

import json
from typing import Any

from graphcrm.io.sources import MAX_FIELD_CHARS
from tests.api.conftest import Env


def _import(env: Env, fmt: str, *files: tuple[str, bytes]) -> tuple[int, dict[str, Any]]:
    r = env.client.post(
        "/v1/imports",
        headers=env.h("admin"),
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data={"format": fmt},
    )
    return r.status_code, r.json()


def test_a_json_line_nested_too_deep_is_reported_and_the_other_lines_commit(env: Env) -> None:
    account = {"id": "J-1", "name": "Derin Yapı A.Ş.", "territory": "Marmara"}
    data = b"\n".join([json.dumps({"accounts": [account]}).encode(), b"[" * 100_000])
    status, report = _import(env, "json", ("derin.jsonl", data))
    assert status == 200, report
    assert report["committed"] == {"accounts": 1}
    (problem,) = report["problems"]
    assert (problem["where"], problem["field"]) == ("derin.jsonl line 2", "")
    assert "nested too deeply" in problem["message"]
    assert env.client.get("/v1/accounts/J-1", headers=env.h("admin")).status_code == 200


def test_a_csv_field_over_the_limit_is_a_422_and_no_file_is_written(env: Env) -> None:
    accounts = b"Id,Name\r\nA-LIM,Limit Lojistik A.S.\r\n"
    contacts = (
        "Id,AccountId,LastName,Notes\r\n"
        "C-LIM1,A-LIM,Kısa,ok\r\n"
        f"C-LIM2,A-LIM,Uzun,{'x' * (MAX_FIELD_CHARS + 1)}\r\n"
    ).encode()
    status, problem = _import(
        env, "salesforce", ("Account.csv", accounts), ("Contact.csv", contacts)
    )
    assert status == 422, problem
    assert [(e["field"], e["message"][:30]) for e in problem["errors"]] == [
        ("Contact.csv line 3.Notes", "a value longer than 1,048,576 ")
    ]
    assert env.client.get("/v1/accounts/A-LIM", headers=env.h("admin")).status_code == 404


def test_a_boolean_is_no_stance_or_strength_in_a_batch(env: Env) -> None:
    role = {"deal_id": "M1-D1", "contact_id": "M1-C1", "roles": ["champion"], "stance": True}
    tie = {"influencer_id": "M1-C1", "influenced_id": "M1-C2", "kind": "advises"}
    body = {"deal_roles": [role], "influences": [{**tie, "strength": False}]}
    r = env.client.post("/v1/batch", json=body, headers=env.h("admin"))
    assert r.status_code == 422, r.text
    assert sorted(e["field"] for e in r.json()["errors"]) == [
        "body.deal_roles[0].stance",
        "body.influences[0].strength",
    ]


def test_a_quote_never_closed_is_a_422_not_an_account_that_swallows_the_next_row(
    env: Env,
) -> None:
    status, problem = _import(
        env, "salesforce", ("Account.csv", b'Id,Name\r\nQ1,"never closed\r\nQ2,x')
    )
    assert status == 422, problem
    assert [e["field"] for e in problem["errors"]] == ["Account.csv line 2.Name"]
    assert env.client.get("/v1/accounts/Q1", headers=env.h("admin")).status_code == 404
