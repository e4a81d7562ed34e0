"""OpenAPI documents every endpoint's errors; /docs works offline; docs/api.md names every
endpoint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.openapi import AS_OF_PATTERN
from graphcrm.domain.base import as_of_instant
from tests.api.conftest import Env

ROOT = Path(__file__).resolve().parents[2]


def test_docs_page_references_no_external_url(env: Env) -> None:
    page = env.client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
    assert urls, page.text
    assert not [u for u in urls if "//" in u], urls
    assert "cdn" not in page.text.lower()
    for u in urls:
        assert env.client.get(u).status_code == 200, u
    assert "url: '/openapi.json'" in page.text or '"/openapi.json"' in page.text


def test_every_operation_documents_its_errors_as_problems(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), (method, path)
            codes = set(op["responses"])
            if path.startswith("/v1/"):
                assert {"401", "403", "422", "503"} <= codes, (method, path, codes)
                assert op.get("security"), (method, path)
            for code, response in op["responses"].items():
                if code.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"]


def test_docs_api_md_names_every_endpoint(env: Env) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    spec = env.client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method in ops:
            assert f"`{method.upper()} {path}`" in text, (method, path)


def test_operation_ids_are_short_unique_camel_case(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-zA-Z]{2,30}", i) for i in ids), ids
    assert spec["paths"]["/v1/accounts/{account_id}"]["patch"]["operationId"] == "updateAccount"


def test_one_schema_per_model_and_what_is_always_sent_is_required(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert not [name for name in schemas if "-" in name]
    assert all(body.get("title", name) == name for name, body in schemas.items())
    # the server sends every field of a deal, so a client may rely on each
    assert set(schemas["Deal"]["required"]) == set(schemas["Deal"]["properties"])
    # what a client sends keeps its defaults
    assert set(schemas["DealInput"]["required"]) == {"id", "account_id", "name"}
    deal = spec["paths"]["/v1/deals/{deal_id}"]["get"]["responses"]["200"]
    assert "DealView" in str(deal["content"])


def test_headers_and_scopes_are_declared_as_the_server_behaves(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    paths = spec["paths"]
    get_account = paths["/v1/accounts/{account_id}"]["get"]
    assert "ETag" in get_account["responses"]["200"]["headers"]
    assert env.client.get("/v1/accounts/M1", headers=env.h("admin")).headers["ETag"]
    created = paths["/v1/accounts"]["post"]["responses"]["201"]["headers"]
    assert {"ETag", "Location"} <= set(created)
    patch = paths["/v1/accounts/{account_id}"]["patch"]
    (if_match,) = [p for p in patch["parameters"] if p["name"].lower() == "if-match"]
    assert if_match["required"] is True
    assert "428" in patch["responses"]
    assert "ETag" not in str(paths["/v1/accounts"]["get"]["responses"]["200"])
    assert get_account["x-required-scope"] == "read"
    assert patch["x-required-scope"] == "write"
    assert paths["/v1/keys"]["post"]["x-required-scope"] == "admin"
    assert "Needs a key with the `admin` scope." in paths["/v1/keys"]["post"]["description"]
    assert "x-required-scope" not in paths["/healthz"]["get"]
    # a body that is not JSON is a documented 400
    assert "400" in patch["responses"]
    bad = env.client.post(
        "/v1/accounts",
        content=b"{not json",
        headers={**env.h("admin"), "Content-Type": "application/json"},
    )
    assert bad.status_code in (400, 422), bad.text


def test_page_size_in_the_schema_is_the_configured_one(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    (limit,) = [
        p for p in spec["paths"]["/v1/accounts"]["get"]["parameters"] if p["name"] == "limit"
    ]
    cap = env.settings.api_max_page_size
    assert limit["schema"]["maximum"] == cap
    ok = env.client.get(f"/v1/accounts?limit={cap}", headers=env.h("admin"))
    over = env.client.get(f"/v1/accounts?limit={cap + 1}", headers=env.h("admin"))
    assert (ok.status_code, over.status_code) == (200, 422)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/v1/deals/M1-D1", "GET, PATCH"),
        ("DELETE", "/v1/accounts", "GET, POST"),
        ("PUT", "/v1/keys/k1", "DELETE"),
    ],
)
def test_405_allow_lists_every_method_of_the_path(
    env: Env, method: str, path: str, allow: str
) -> None:
    r = env.client.request(method, path, headers=env.h("admin"))
    assert r.status_code == 405
    assert r.headers["Allow"] == allow
    assert r.headers["content-type"] == "application/problem+json"


@settings(max_examples=200, deadline=None)
@given(st.from_regex(AS_OF_PATTERN))
def test_every_as_of_the_schema_allows_is_read(text: str) -> None:
    assert as_of_instant(text) is not None


def test_patch_with_null_for_a_field_that_cannot_be_empty_is_refused(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    name = spec["components"]["schemas"]["AccountUpdate"]["properties"]["name"]
    assert name["type"] == "string"
    assert "anyOf" not in name
    assert "default" not in name
    country = spec["components"]["schemas"]["AccountUpdate"]["properties"]["country"]
    assert {"type": "null"} in country["anyOf"]  # an optional field may be cleared
    etag = env.client.get("/v1/accounts/M1", headers=env.h("admin")).headers["ETag"]
    r = env.client.patch(
        "/v1/accounts/M1", json={"name": None}, headers={**env.h("admin"), "If-Match": etag}
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["body.name"]
    # refused as such before the precondition: a stale If-Match does not hide it
    r = env.client.patch(
        "/v1/accounts/M1", json={"name": None}, headers={**env.h("admin"), "If-Match": '"x"'}
    )
    assert r.status_code == 422


def test_a_single_value_parameter_given_twice_is_refused(env: Env) -> None:
    r = env.client.get("/v1/alerts?owner=R-M&owner=R-E", headers=env.h("admin"))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["query.owner"]
    # a parameter that takes several values still does
    many = env.client.get(
        "/v1/exports?format=json&account_id=M1&account_id=E1", headers=env.h("admin")
    )
    assert many.status_code == 200


def test_only_paged_lists_are_capped_at_the_page_size(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    (limit,) = [
        p for p in spec["paths"]["/v1/changes"]["get"]["parameters"] if p["name"] == "limit"
    ]
    assert limit["schema"]["maximum"] == 1000
    r = env.client.get("/v1/changes?limit=1000", headers=env.h("admin"))
    assert r.status_code == 200


def test_an_empty_query_value_is_refused_and_declared_non_empty(env: Env) -> None:
    r = env.client.get("/v1/alerts?owner=", headers=env.h("admin"))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["query.owner"]
    spec = env.client.get("/openapi.json").json()
    (owner,) = [p for p in spec["paths"]["/v1/alerts"]["get"]["parameters"] if p["name"] == "owner"]
    assert {"type": "string", "maxLength": 128, "minLength": 1} in owner["schema"]["anyOf"]


def test_patch_sets_and_clears_an_accounts_city_and_size(env: Env) -> None:
    h = env.h("admin")
    etag = env.client.get("/v1/accounts/M1", headers=h).headers["ETag"]
    body = {"city": "İzmir", "employees": 250.0, "annual_revenue": "1250000.50"}
    r = env.client.patch("/v1/accounts/M1", json=body, headers={**h, "If-Match": etag})
    assert r.status_code == 200, r.text
    got = env.client.get("/v1/accounts/M1", headers=h)
    account = got.json()["account"]
    assert (account["city"], account["employees"], account["annual_revenue"]) == (
        "İzmir",
        250,
        "1250000.50",
    )
    r = env.client.patch(
        "/v1/accounts/M1", json={"city": None}, headers={**h, "If-Match": got.headers["ETag"]}
    )
    assert r.status_code == 200
    assert env.client.get("/v1/accounts/M1", headers=h).json()["account"]["city"] is None
    bad = env.client.patch(
        "/v1/accounts/M1", json={"employees": -1}, headers={**h, "If-Match": r.headers["ETag"]}
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["body.employees"]
