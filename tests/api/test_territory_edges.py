"""Territory edges: a parent account in another territory, and ids taken in another one.

- A territory key reads a parent outside its territories as none: the account's
  ``parent_id`` is null for it, in reads, lists and exports, so its export
  re-imports into an empty store; writing the account back keeps the link.
- Ids are global: creating an object whose id is taken answers 409 with the same
  body whether the object is the key's or another territory's.
"""

from __future__ import annotations

from pathlib import Path

from graphcrm.io.formats import import_data
from graphcrm.store.sqlite import SqliteStore
from tests.api.conftest import Env

BRANCH = {
    "accounts": [{"id": "E2", "name": "Ege Şube", "territory": "Ege", "parent_id": "M1"}],
    "contacts": [{"id": "E2-C1", "account_id": "E2", "name": "Işıl Çağlar"}],
}


def _branch(env: Env) -> None:
    r = env.client.post("/v1/batch", headers=env.h("admin"), json=BRANCH)
    assert r.status_code == 200, r.text


def _parent(env: Env, who: str, account_id: str = "E2") -> str | None:
    r = env.client.get(f"/v1/accounts/{account_id}", headers=env.h(who))
    assert r.status_code == 200, r.text
    parent: str | None = r.json()["account"]["parent_id"]
    return parent


def test_a_parent_in_another_territory_reads_as_none(env: Env) -> None:
    _branch(env)
    assert _parent(env, "admin") == "M1"
    got = env.client.get("/v1/accounts/E2", headers=env.h("ege"))
    assert got.json()["account"]["parent_id"] is None
    assert got.json()["ancestors"] == []
    assert "M1" not in got.text
    listed = env.client.get("/v1/accounts", headers=env.h("ege")).json()["data"]
    assert {a["id"]: a["parent_id"] for a in listed} == {"E1": None, "E2": None}
    # the Marmara key sees its own account's child only as far as its territories go
    own = env.client.get("/v1/accounts/M1", headers=env.h("marmara")).json()
    assert own["descendants"] == []


def test_a_territory_export_reimports_into_an_empty_store(env: Env, tmp_path: Path) -> None:
    _branch(env)
    export = env.client.get("/v1/exports?format=json", headers=env.h("ege"))
    assert export.status_code == 200, export.text
    assert '"M1"' not in export.text
    assert "E2-C1" in export.text
    empty = SqliteStore.open(tmp_path / "empty.sqlite3")
    try:
        report = import_data(empty, "json", export.content, actor="t", name="ege.jsonl")
        assert (report.rejected_rows, report.problems) == (0, ())
        assert empty.get_account("E2").parent_id is None  # type: ignore[arg-type]
        assert empty.get_contact("E2-C1").name == "Işıl Çağlar"  # type: ignore[arg-type]
    finally:
        empty.close()
    # and back into the store it came from: nothing changes, the hidden link stays
    back = env.client.post(
        "/v1/imports",
        headers=env.h("ege"),
        files=[("files", ("ege.jsonl", export.content, "application/x-ndjson"))],
        data={"format": "json"},
    )
    assert back.status_code == 200, back.text
    assert back.json()["changed"] is False
    assert _parent(env, "admin") == "M1"


def test_writing_an_account_back_keeps_the_parent_it_was_not_shown(env: Env) -> None:
    _branch(env)
    got = env.client.get("/v1/accounts/E2", headers=env.h("ege"))
    for body in ({"name": "Ege Şubesi"}, {"parent_id": None}):
        etag = env.client.get("/v1/accounts/E2", headers=env.h("ege")).headers["ETag"]
        r = env.client.patch(
            "/v1/accounts/E2", headers={**env.h("ege"), "If-Match": etag}, json=body
        )
        assert r.status_code == 200, r.text
        assert r.json()["parent_id"] is None
        assert (
            r.headers["ETag"]
            == env.client.get("/v1/accounts/E2", headers=env.h("ege")).headers["ETag"]
        )
    assert got.headers["ETag"] != r.headers["ETag"]
    assert _parent(env, "admin") == "M1"
    assert (
        env.client.get("/v1/accounts/E2", headers=env.h("admin")).json()["account"]["name"]
        == "Ege Şubesi"
    )
    # a batch row without a parent keeps it too
    row = {"accounts": [{"id": "E2", "name": "Ege Şubesi", "territory": "Ege"}]}
    r = env.client.post("/v1/batch", headers=env.h("ege"), json=row)
    assert r.status_code == 200, r.text
    assert r.json()["changed"] is False
    assert _parent(env, "admin") == "M1"
    # an all-territory key still moves it
    r = env.client.post("/v1/batch", headers=env.h("admin"), json=row)
    assert r.json()["changed"] is True
    assert _parent(env, "admin") is None


CREATES = [
    ("/v1/accounts", {"name": "Yeni", "territory": "Marmara"}, "E1", "M1"),
    ("/v1/contacts", {"account_id": "M1", "name": "Yeni Kişi"}, "E1-C1", "M1-C1"),
    (
        "/v1/deals",
        {"account_id": "M1", "name": "Yeni İş", "amount": "10", "stage": "prospecting"},
        "E1-D1",
        "M1-D1",
    ),
]


def test_a_taken_id_is_refused_alike_in_every_territory(env: Env) -> None:
    for path, body, foreign, own in CREATES:
        answers = []
        for object_id in (foreign, own):
            r = env.client.post(path, headers=env.h("marmara"), json={**body, "id": object_id})
            assert r.status_code == 409, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            answers.append(r.json())
            assert "unique across every territory" in r.json()["detail"]
        stripped = [
            {k: str(v).replace(i, "X") for k, v in a.items()}
            for a, i in zip(answers, (foreign, own), strict=True)
        ]
        assert stripped[0] == stripped[1], path
        fresh = env.client.post(path, headers=env.h("marmara"), json={**body, "id": f"{own}-N"})
        assert fresh.status_code == 201, fresh.text
    # the foreign objects are untouched
    assert env.client.get("/v1/accounts/E1", headers=env.h("ege")).json()["account"]["name"] != (
        "Yeni"
    )
