"""The problem shape, authentication, scopes and limits, through HTTP."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import Env, make_settings, seed

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "errors"}


def assert_problem(response: object, status: int) -> dict[str, object]:
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert str(body["type"]).startswith("/problems/")
    assert body["instance"] == response.request.url.path
    return dict(body)


def test_problem_shape_of_a_404(env: Env) -> None:
    body = assert_problem(env.client.get("/v1/accounts/NOPE", headers=env.h("marmara")), 404)
    assert body == {
        "type": "/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "account 'NOPE' not found",
        "instance": "/v1/accounts/NOPE",
        "errors": [],
    }


def test_422_names_the_field_path_for_request_and_domain_validation(env: Env) -> None:
    bad_body = env.client.post(
        "/v1/batch",
        headers=env.h("marmara"),
        json={"accounts": [{"id": "M9", "name": "", "territory": "Marmara"}]},
    )
    body = assert_problem(bad_body, 422)
    fields = [e["field"] for e in body["errors"]]  # type: ignore[attr-defined]
    assert "body.accounts[0].name" in fields
    bad_query = env.client.get("/v1/accounts?limit=0", headers=env.h("marmara"))
    assert [e["field"] for e in assert_problem(bad_query, 422)["errors"]] == ["query.limit"]  # type: ignore[attr-defined]
    unknown_ref = env.client.post(
        "/v1/batch",
        headers=env.h("marmara"),
        json={"contacts": [{"id": "X-1", "account_id": "NOPE", "name": "X"}]},
    )
    errors = assert_problem(unknown_ref, 422)["errors"]
    assert errors == [
        {
            "field": "contacts[X-1].account_id",
            "message": "unknown account 'NOPE': not in the batch and not stored",
        }
    ]


def test_bad_as_of_is_a_422_on_the_query(env: Env) -> None:
    r = env.client.get("/v1/accounts/M1?as_of=dün", headers=env.h("marmara"))
    assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["query.as_of"]  # type: ignore[attr-defined]


def test_no_key_bad_key_revoked_key_are_401(env: Env) -> None:
    assert_problem(env.client.get("/v1/accounts"), 401)
    assert_problem(env.client.get("/v1/accounts", headers={"X-API-Key": "gcrm_nope"}), 401)
    forged = env.keys["marmara"][:-4] + "AAAA"
    assert_problem(env.client.get("/v1/accounts", headers={"X-API-Key": forged}), 401)
    bearer = {"Authorization": f"Bearer {env.keys['marmara']}"}
    assert env.client.get("/v1/accounts", headers=bearer).status_code == 200
    key_id = env.keys["marmara"].split("_")[1]
    revoked = env.client.delete(f"/v1/keys/{key_id}", headers=env.h("admin"))
    assert revoked.status_code == 200
    assert revoked.json()["key"]["revoked_at"] is not None
    assert_problem(env.client.get("/v1/accounts", headers=env.h("marmara")), 401)


def test_scopes_are_403(env: Env) -> None:
    assert_problem(env.client.get("/v1/accounts", headers=env.h("writer_only")), 403)
    write = env.client.post(
        "/v1/reps", headers=env.h("reader"), json={"id": "R-X", "name": "X", "territory": "Marmara"}
    )
    assert_problem(write, 403)
    assert_problem(env.client.get("/v1/keys", headers=env.h("marmara")), 403)


def test_health_endpoints_need_no_key(env: Env) -> None:
    assert env.client.get("/healthz").json() == {"status": "ok"}
    assert env.client.get("/readyz").json()["status"] == "ready"


def test_unknown_route_and_method_are_problems(env: Env) -> None:
    assert_problem(env.client.get("/v1/nothing-here"), 404)
    assert_problem(env.client.delete("/v1/accounts", headers=env.h("marmara")), 405)


def test_body_size_limit_is_413(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_max_body_bytes=2048)
    keys = seed(settings)
    with TestClient(create_app(settings)) as client:
        big = {
            "reps": [{"id": f"R{i}", "name": "x" * 50, "territory": "Marmara"} for i in range(100)]
        }
        r = client.post("/v1/batch", headers={"X-API-Key": keys["marmara"]}, json=big)
        assert "2,048 bytes" in str(assert_problem(r, 413)["detail"])


def test_batch_and_page_size_limits(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_max_batch_rows=2, api_max_page_size=3)
    keys = seed(settings)
    h = {"X-API-Key": keys["marmara"]}
    with TestClient(create_app(settings)) as client:
        reps = [{"id": f"R{i}", "name": "x", "territory": "Marmara"} for i in range(3)]
        r = client.post("/v1/batch", headers=h, json={"reps": reps})
        assert "the limit is 2 rows" in str(assert_problem(r, 413)["detail"])
        page = client.get("/v1/accounts?limit=4", headers=h)
        assert assert_problem(page, 422)["errors"] == [
            {"field": "query.limit", "message": "at most 3 per page (got 4)"}
        ]


def test_request_logs_are_json_without_secrets(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    import json

    with caplog.at_level(logging.INFO, logger="graphcrm.api.access"):
        env.client.get("/v1/accounts?q=x", headers=env.h("marmara"))
        env.client.get("/v1/accounts", headers={"Authorization": f"Bearer {env.keys['ege']}"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "graphcrm.api.access"]
    assert [line["principal"] for line in lines] == ["marmara", "ege"]
    assert lines[0]["path"] == "/v1/accounts"
    assert lines[0]["status"] == 200
    text = caplog.text
    for secret in env.keys.values():
        assert secret not in text
        assert secret.split("_", 2)[2] not in text
