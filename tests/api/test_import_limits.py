"""Imports over HTTP that once answered 500: each is a report or a 422 naming the file and
line, and nothing is half-committed."""

from __future__ import annotations

import json
from typing import Any

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
