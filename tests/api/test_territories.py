"""Two keys of different territories: neither reads or changes the other's objects, by id,
by list, by batch or through an analytics endpoint; outside answers exactly like missing."""

from __future__ import annotations

import pytest

from tests.api.conftest import Env

BY_ID = [
    "/v1/accounts/{a}",
    "/v1/accounts/{a}/contacts",
    "/v1/accounts/{a}/reporting-lines",
    "/v1/accounts/{a}/influences",
    "/v1/accounts/{a}/rep-knows",
    "/v1/contacts/{a}-C1",
    "/v1/deals/{a}-D1",
    "/v1/deals/{a}-D1/roles",
    "/v1/contacts?account_id={a}",
    "/v1/touchpoints?account_id={a}",
    "/v1/touchpoints?contact_id={a}-C3",
    "/v1/deals?account_id={a}",
    # analytics
    "/v1/accounts/{a}/orgchart",
    "/v1/accounts/{a}/influence",
    "/v1/accounts/{a}/health",
    "/v1/accounts/{a}/hidden-influencers",
    "/v1/deals/{a}-D1/risk",
    "/v1/contacts/{a}-C1/warm-paths",
]


@pytest.mark.parametrize("template", BY_ID)
def test_outside_answers_exactly_like_missing(env: Env, template: str) -> None:
    own = env.client.get(template.format(a="M1"), headers=env.h("marmara"))
    assert own.status_code == 200, own.text
    outside = env.client.get(template.format(a="E1"), headers=env.h("marmara"))
    missing = env.client.get(template.format(a="E9"), headers=env.h("marmara"))
    assert outside.status_code == missing.status_code == 404
    strip = template.format(a="E1"), template.format(a="E9")
    outside_body = outside.json()
    missing_body = missing.json()
    for body in (outside_body, missing_body):
        body["detail"] = body["detail"].replace("E1", "X").replace("E9", "X")
        body["instance"] = body["instance"].replace("E1", "X").replace("E9", "X")
    assert outside_body == missing_body, strip
    # and the other key sees its own
    assert env.client.get(template.format(a="E1"), headers=env.h("ege")).status_code == 200


def test_lists_hold_only_the_keys_territories(env: Env) -> None:
    def ids(path: str, who: str) -> list[str]:
        r = env.client.get(path, headers=env.h(who))
        assert r.status_code == 200, r.text
        return [d["id"] for d in r.json()["data"]]

    assert ids("/v1/accounts", "marmara") == ["M1", "M2"]
    assert ids("/v1/accounts", "ege") == ["E1"]
    assert ids("/v1/accounts?territory=Ege", "marmara") == []
    assert ids("/v1/deals", "ege") == ["E1-D1"]
    assert ids("/v1/deals?territory=Ege", "marmara") == []
    assert ids("/v1/accounts", "admin") == ["E1", "M1", "M2"]
    assert env.client.get("/v1/accounts", headers=env.h("ege")).json()["count"] == 1


def test_a_multi_territory_list_pages_in_one_stable_order(env: Env) -> None:
    created = env.client.post(
        "/v1/keys",
        headers=env.h("admin"),
        json={"name": "both", "scopes": ["read"], "territories": ["Marmara", "Ege"]},
    )
    assert created.status_code == 201, created.text
    h = {"X-API-Key": created.json()["secret"]}
    pages = [env.client.get(f"/v1/accounts?limit=1&offset={i}", headers=h).json() for i in range(3)]
    assert [p["data"][0]["id"] for p in pages] == ["E1", "M1", "M2"]
    assert {p["count"] for p in pages} == {3}


def test_writes_into_another_territory_are_refused_and_nothing_is_written(env: Env) -> None:
    batch = {
        "reps": [{"id": "R-NEW", "name": "New", "territory": "Marmara"}],
        "contacts": [
            {"id": "M1-C9", "account_id": "M1", "name": "Fine"},
            {"id": "E1-C9", "account_id": "E1", "name": "Sneaky"},
        ],
        "influences": [
            {"influencer_id": "M1-C1", "influenced_id": "E1-C1", "kind": "advises", "strength": 1}
        ],
        "accounts": [{"id": "M7", "name": "Moved", "territory": "Ege"}],
    }
    r = env.client.post("/v1/batch", headers=env.h("marmara"), json=batch)
    assert r.status_code == 422, r.text
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert fields["contacts[E1-C9].account_id"] == (
        "unknown account 'E1': not in the batch and not stored"
    )
    assert "influences[M1-C1 -> E1-C1 (advises)].influenced_id" in fields
    assert "accounts[M7].territory" in fields
    # nothing was written, not even the valid rows
    assert env.client.get("/v1/contacts/M1-C9", headers=env.h("marmara")).status_code == 404
    assert env.client.get("/v1/reps/R-NEW", headers=env.h("marmara")).status_code == 404


def test_overwriting_another_territorys_object_by_id_is_refused(env: Env) -> None:
    r = env.client.post(
        "/v1/batch",
        headers=env.h("marmara"),
        json={"contacts": [{"id": "E1-C1", "account_id": "M1", "name": "Stolen"}]},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "contacts[E1-C1].id"
    assert env.client.get("/v1/contacts/E1-C1", headers=env.h("ege")).json()["name"] != "Stolen"
    patch = env.client.patch(
        "/v1/accounts/E1", headers={**env.h("marmara"), "If-Match": "*"}, json={"name": "x"}
    )
    assert patch.status_code == 404


def test_what_if_and_followups_respect_territories(env: Env) -> None:
    body = {"edits": [{"op": "remove_contact", "contact_id": "E1-C3"}]}
    assert (
        env.client.post("/v1/deals/E1-D1/what-if", headers=env.h("marmara"), json=body).status_code
        == 404
    )
    assert (
        env.client.get("/v1/followups?territory=Ege", headers=env.h("marmara")).status_code == 404
    )
    rep = env.client.get("/v1/followups?rep_id=R-E", headers=env.h("marmara"))
    assert rep.status_code == 200
    assert rep.json()["count"] == 0
    own = env.client.get("/v1/followups?rep_id=R-E", headers=env.h("ege")).json()
    assert own["count"] > 0
    assert {i["account_id"] for i in own["data"]} == {"E1"}


def test_admin_keys_cannot_grant_territories_they_lack(env: Env) -> None:
    created = env.client.post(
        "/v1/keys",
        headers=env.h("admin"),
        json={"name": "m-admin", "scopes": ["admin", "read"], "territories": ["Marmara"]},
    ).json()
    h = {"X-API-Key": created["secret"]}
    r = env.client.post(
        "/v1/keys", headers=h, json={"name": "x", "scopes": ["read"], "territories": ["Ege"]}
    )
    assert r.status_code == 422
    listed = env.client.get("/v1/keys", headers=h).json()
    assert all(set(k["territories"]) <= {"Marmara"} for k in listed["data"])
    assert "secret" not in str(listed) or all("secret_hash" not in k for k in listed["data"])
