"""Changing a deal role and ending an influence tie with If-Match (issue 14, item 8).

Seeded (tests/api/seed.py): on M1-D1, M1-C3 is the champion with stance 2 and M1-C1
the primary economic buyer with stance 0; M1-C6 advises M1-C1 (0.9), all from START.
"""

from __future__ import annotations

from tests.api.conftest import Env

ROLE = "/v1/deals/M1-D1/roles/M1-C3"
TIE = "/v1/influences/M1-C6/M1-C1/advises"
EARLIER = {"as_of": "2025-06-01"}


def test_a_stance_round_trip_keeps_the_other_fields_and_the_history(env: Env) -> None:
    h = env.h("marmara")
    got = env.client.get(ROLE, headers=h)
    assert got.status_code == 200
    assert (got.json()["stance"], got.json()["roles"]) == (2, ["champion"])
    changed = env.client.patch(
        ROLE, headers={**h, "If-Match": got.headers["ETag"]}, json={"stance": -1}
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["stance"], body["roles"], body["is_primary"]) == (-1, ["champion"], False)
    assert changed.headers["ETag"] != got.headers["ETag"]
    again = env.client.get(ROLE, headers=h)
    assert again.json()["stance"] == -1
    assert again.headers["ETag"] == changed.headers["ETag"]
    # The role before the change still reads as of an earlier date.
    before = env.client.get("/v1/deals/M1-D1/roles", headers=h, params=EARLIER).json()["data"]
    assert {r["contact_id"]: r["stance"] for r in before} == {"M1-C1": 0, "M1-C3": 2}
    # Roles and the primary flag too; the stance sent before stays.
    roles = env.client.patch(
        ROLE,
        headers={**h, "If-Match": again.headers["ETag"]},
        json={"roles": ["champion", "influencer"]},
    )
    assert roles.status_code == 200, roles.text
    assert (sorted(roles.json()["roles"]), roles.json()["stance"]) == (
        ["champion", "influencer"],
        -1,
    )


def test_a_stale_or_missing_etag_changes_nothing(env: Env) -> None:
    h = env.h("marmara")
    tag = env.client.get(ROLE, headers=h).headers["ETag"]
    first = env.client.patch(ROLE, headers={**h, "If-Match": tag}, json={"stance": 1})
    assert first.status_code == 200
    stale = env.client.patch(ROLE, headers={**h, "If-Match": tag}, json={"stance": -2})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    missing = env.client.patch(ROLE, headers=h, json={"stance": -2})
    assert missing.status_code == 428
    assert env.client.get(ROLE, headers=h).json()["stance"] == 1


def test_bad_values_are_refused_naming_the_field(env: Env) -> None:
    h = env.h("marmara")
    tag = env.client.get(ROLE, headers=h).headers["ETag"]
    for body, field in (
        ({"stance": 3}, "stance"),
        ({"stance": True}, "stance"),
        ({"stance": "1"}, "stance"),
        ({"roles": []}, "roles"),
        ({"roles": ["kingmaker"]}, "roles"),
        ({"stance": None}, "stance"),
        ({"mood": "happy"}, "mood"),
    ):
        r = env.client.patch(ROLE, headers={**h, "If-Match": tag}, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in r.text
    # A second primary role on the deal is refused by the store's rule.
    two = env.client.patch(ROLE, headers={**h, "If-Match": tag}, json={"is_primary": True})
    assert two.status_code == 422, two.text
    assert env.client.get(ROLE, headers=h).json()["stance"] == 2


def test_scope_and_territory(env: Env) -> None:
    tag = env.client.get(ROLE, headers=env.h("reader")).headers["ETag"]
    refused = env.client.patch(
        ROLE, headers={**env.h("reader"), "If-Match": tag}, json={"stance": 0}
    )
    assert refused.status_code == 403
    # Another territory's deal reads and writes as missing.
    assert env.client.get(ROLE, headers=env.h("ege")).status_code == 404
    other = env.client.patch(ROLE, headers={**env.h("ege"), "If-Match": tag}, json={"stance": 0})
    assert other.status_code == 404
    assert env.client.get(TIE, headers=env.h("ege")).status_code == 404
    assert env.client.delete(TIE, headers={**env.h("ege"), "If-Match": "*"}).status_code == 404
    assert env.client.delete(TIE, headers={**env.h("reader"), "If-Match": "*"}).status_code == 403
    assert env.client.get(ROLE, headers=env.h("marmara")).json()["stance"] == 2
    assert env.client.get(TIE, headers=env.h("marmara")).status_code == 200
    # No such role or tie.
    assert (
        env.client.get("/v1/deals/M1-D1/roles/M1-C2", headers=env.h("marmara")).status_code == 404
    )
    assert (
        env.client.get("/v1/influences/M1-C1/M1-C6/advises", headers=env.h("marmara")).status_code
        == 404
    )
    assert (
        env.client.get("/v1/influences/M1-C6/M1-C1/likes", headers=env.h("marmara")).status_code
        == 422
    )


def test_ending_a_tie_closes_it_and_keeps_its_history(env: Env) -> None:
    h = env.h("marmara")
    got = env.client.get(TIE, headers=h)
    assert got.status_code == 200
    assert got.json()["strength"] == 0.9
    assert got.json()["valid_to"] is None
    assert env.client.delete(TIE, headers=h).status_code == 428
    assert env.client.delete(TIE, headers={**h, "If-Match": '"stale"'}).status_code == 412
    assert env.client.get(TIE, headers=h).status_code == 200
    ended = env.client.delete(TIE, headers={**h, "If-Match": got.headers["ETag"]})
    assert ended.status_code == 200, ended.text
    assert ended.json()["valid_to"] is not None
    assert ended.json()["valid_from"] == got.json()["valid_from"]
    assert env.client.get(TIE, headers=h).status_code == 404
    now = env.client.get("/v1/accounts/M1/influences", headers=h).json()["data"]
    assert all(t["influencer_id"] != "M1-C6" for t in now)
    then = env.client.get("/v1/accounts/M1/influences", headers=h, params=EARLIER).json()["data"]
    assert any(
        (t["influencer_id"], t["influenced_id"], t["kind"]) == ("M1-C6", "M1-C1", "advises")
        for t in then
    )
    # Ending it again: there is nothing in force.
    assert env.client.delete(TIE, headers={**h, "If-Match": "*"}).status_code == 404
