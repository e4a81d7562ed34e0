"""``GET /v1/changes``: the change log in sequence order, paged by ``after``, scoped to the
key's territories (seed: M1 and M2 in Marmara with rep R-M, E1 in Ege with rep R-E)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Env


def _all(env: Env, who: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Every page of the feed for ``who``; returns the entries and the number of pages."""
    out: list[dict[str, Any]] = []
    after, pages = 0, 0
    while True:
        r = env.client.get(f"/v1/changes?after={after}&limit={limit}", headers=env.h(who))
        assert r.status_code == 200, r.text
        body = r.json()
        out.extend(body["data"])
        pages += 1
        assert body["next_after"] >= after
        after = body["next_after"]
        if after >= body["last_seq"]:
            return out, pages


def test_an_all_territory_key_reads_the_whole_log_in_order_once(env: Env) -> None:
    one_page, _ = _all(env, "admin", 1000)
    seqs = [e["seq"] for e in one_page]
    assert seqs == list(range(1, len(seqs) + 1))  # every entry, in order, none twice
    assert {e["entity"] for e in one_page} >= {"account", "contact", "rep", "deal_role"}
    small_pages, pages = _all(env, "admin", 7)
    assert small_pages == one_page
    assert pages == -(-len(one_page) // 7)


def test_a_territory_key_sees_only_its_territories(env: Env) -> None:
    everything, _ = _all(env, "admin", 1000)
    mine, _ = _all(env, "marmara", 13)
    expected = [e for e in everything if "E1" not in e["key"] and "R-E" not in e["key"]]
    assert mine == expected
    assert any(e["key"] == "R-M" for e in mine)
    ege, _ = _all(env, "ege", 1000)
    assert {e["seq"] for e in ege}.isdisjoint({e["seq"] for e in mine})
    assert all("E1" in e["key"] or "R-E" in e["key"] for e in ege)


def test_a_move_to_another_territory_hides_the_account_from_the_old_one(env: Env) -> None:
    admin = env.h("admin")
    tag = env.client.get("/v1/accounts/M2", headers=admin).headers["ETag"]
    moved = env.client.patch(
        "/v1/accounts/M2", headers={**admin, "If-Match": tag}, json={"territory": "Ege"}
    )
    assert moved.status_code == 200, moved.text
    last = env.client.get("/v1/changes?after=0&limit=1000", headers=admin).json()["data"][-1]
    assert (last["entity"], last["key"]) == ("account", "M2")
    assert last["before"]["territory"] == "Marmara"
    assert last["after"]["territory"] == "Ege"
    marmara, _ = _all(env, "marmara", 1000)
    assert not any("M2" in e["key"] for e in marmara)  # M2 is Ege's now, history too
    ege, _ = _all(env, "ege", 1000)
    assert last in ege


def test_the_feed_starts_after_the_given_sequence(env: Env) -> None:
    r = env.client.get("/v1/changes?after=5&limit=3", headers=env.h("admin"))
    body = r.json()
    assert [e["seq"] for e in body["data"]] == [6, 7, 8]
    assert body["next_after"] == 8
    end = env.client.get(f"/v1/changes?after={body['last_seq']}", headers=env.h("admin"))
    assert end.json()["data"] == []
    assert end.json()["next_after"] == body["last_seq"]


def test_bad_parameters_are_named(env: Env) -> None:
    for query, name in (("after=-1", "after"), ("limit=0", "limit"), ("limit=1001", "limit")):
        r = env.client.get(f"/v1/changes?{query}", headers=env.h("admin"))
        assert r.status_code == 422, r.text
        assert name in r.text
    assert env.client.get("/v1/changes").status_code == 401
    assert env.client.get("/v1/changes", headers=env.h("writer_only")).status_code == 403
