"""``as_of`` at the edges of time: outside 1900-01-01 .. 9999-12-30 (UTC) every endpoint and
page that takes it answers a 422 naming ``query.as_of``, never a 500; inside, no 5xx."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Env

IDS = {
    "{account_id}": "M1",
    "{deal_id}": "M1-D1",
    "{contact_id}": "M1-C1",
    "{rep_id}": "R-M",
}
PAGES = ("/pages/accounts", "/pages/accounts/M1", "/pages/deals/M1-D1", "/pages/forecast")

RANGE = "1900-01-01 .. 9999-12-30"
"""How the problem states the range (docs/api.md, "As of a date")."""
OUTSIDE = (
    "0001-01-01",
    "0001-01-02",
    "1899-12-31",
    "9999-12-31",
    "0001-01-01T00:00:00+03:00",
    "1900-01-01T01:00:00+03:00",
    "9999-12-31T23:00:00-03:00",
)
REQUIRED = {
    "/v1/contacts": {"account_id": "M1"},
    "/v1/touchpoints": {"account_id": "M1"},
    "/v1/followups": {"rep_id": "R-M"},
}
"""The other parameters some of them require."""
EDGES = ("1900-01-01", "1900-01-01T00:00:00Z", "9999-12-30", "9999-12-30T23:59:59.999999Z")


def _with_as_of(env: Env) -> list[str]:
    """Every GET operation of the API that takes ``as_of``, with the seed's ids filled in."""
    spec: dict[str, Any] = env.client.get("/openapi.json").json()
    paths = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get is None or not any(p["name"] == "as_of" for p in get.get("parameters", [])):
            continue
        for name, value in IDS.items():
            path = path.replace(name, value)
        paths.append(path)
    return sorted(paths)


def test_every_as_of_endpoint_is_found(env: Env) -> None:
    paths = _with_as_of(env)
    for wanted in (
        "/v1/deals/M1-D1/risk",
        "/v1/deals/M1-D1/win",
        "/v1/accounts/M1/health",
        "/v1/accounts/M1/influence",
        "/v1/accounts/M1/orgchart",
        "/v1/followups",
        "/v1/exports",
        "/v1/forecast",
        "/v1/forecast/trend",
    ):
        assert wanted in paths


@pytest.mark.parametrize("as_of", OUTSIDE)
def test_as_of_outside_the_range_is_a_422_naming_as_of(env: Env, as_of: str) -> None:
    for path in _with_as_of(env):
        params = {**REQUIRED.get(path, {}), "as_of": as_of}
        r = env.client.get(path, params=params, headers=env.h("admin"))
        assert r.status_code == 422, (path, r.status_code, r.text)
        problem = r.json()
        assert [e["field"] for e in problem["errors"]] == ["query.as_of"], (path, problem)
        assert RANGE in problem["errors"][0]["message"]


@pytest.mark.parametrize("as_of", OUTSIDE[:2])
def test_pages_refuse_as_of_outside_the_range(env: Env, as_of: str) -> None:
    for path in PAGES:
        r = env.client.get(path, params={"as_of": as_of}, headers=env.h("admin"))
        assert r.status_code == 422, (path, r.status_code)
        assert "as_of" in r.text
        assert RANGE in r.text
    r = env.client.post(
        "/pages/deals/M1-D1/what-if",
        params={"as_of": as_of},
        data={"contact_id": "M1-C1"},
        headers=env.h("admin"),
    )
    assert r.status_code == 422


@pytest.mark.parametrize("as_of", EDGES)
def test_as_of_at_the_edges_of_the_range_is_answered(env: Env, as_of: str) -> None:
    for path in (*_with_as_of(env), *PAGES):
        params = {**REQUIRED.get(path, {}), "as_of": as_of}
        r = env.client.get(path, params=params, headers=env.h("admin"))
        assert r.status_code < 500, (path, r.status_code, r.text)
        assert RANGE not in r.text, path  # a deal that did not exist yet is another 422


def test_since_and_until_beyond_the_calendar_in_utc_are_422(env: Env) -> None:
    for name, value in (
        ("since", "0001-01-01T00:00:00+03:00"),
        ("until", "9999-12-31T23:00-03:00"),
    ):
        r = env.client.get(
            "/v1/touchpoints", params={"account_id": "M1", name: value}, headers=env.h("admin")
        )
        assert r.status_code == 422, r.text
        assert [e["field"] for e in r.json()["errors"]] == [f"query.{name}"]


def test_a_time_beyond_the_calendar_in_utc_in_a_body_is_422(env: Env) -> None:
    row = {
        "id": "T-early",
        "account_id": "M1",
        "kind": "email",
        "direction": "outbound",
        "at": "0001-01-01T00:00:00+03:00",
        "contact_ids": ["M1-C1"],
    }
    r = env.client.post("/v1/batch", json={"touchpoints": [row]}, headers=env.h("admin"))
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["body.touchpoints[0].at"]
