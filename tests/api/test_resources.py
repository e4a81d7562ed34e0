"""Resources through HTTP: create, ETags and If-Match, as_of reads, history, cache invalidation."""

from __future__ import annotations

import pytest

from tests.api.conftest import Env


def test_create_then_conflict(env: Env) -> None:
    acc = {"id": "M5", "name": "Boğaziçi Lojistik", "territory": "Marmara", "country": "TR"}
    r = env.client.post("/v1/accounts", headers=env.h("marmara"), json=acc)
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == "/v1/accounts/M5"
    again = env.client.post("/v1/accounts", headers=env.h("marmara"), json=acc)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/conflict"


def test_etag_if_match_412_and_428(env: Env) -> None:
    h = env.h("marmara")
    got = env.client.get("/v1/accounts/M1", headers=h)
    tag = got.headers["ETag"]
    missing = env.client.patch("/v1/accounts/M1", headers=h, json={"sector": "retail"})
    assert missing.status_code == 428
    ok = env.client.patch(
        "/v1/accounts/M1", headers={**h, "If-Match": tag}, json={"sector": "retail"}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["sector"] == "retail"
    assert ok.headers["ETag"] != tag
    stale = env.client.patch(
        "/v1/accounts/M1", headers={**h, "If-Match": tag}, json={"sector": "energy"}
    )
    assert stale.status_code == 412
    assert env.client.get("/v1/accounts/M1", headers=h).json()["account"]["sector"] == "retail"
    bad = env.client.patch(
        "/v1/accounts/M1", headers={**h, "If-Match": ok.headers["ETag"]}, json={"country": "tr"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.country"


def test_contact_patch_and_status_as_of(env: Env) -> None:
    h = env.h("marmara")
    tag = env.client.get("/v1/contacts/M1-C2", headers=h).headers["ETag"]
    left = env.client.patch(
        "/v1/contacts/M1-C2",
        headers={**h, "If-Match": tag},
        json={"status": "left_company", "status_from": "2026-01-01T00:00:00Z"},
    )
    assert left.status_code == 200, left.text
    assert left.json()["status"] == "left_company"
    before = env.client.get("/v1/contacts/M1-C2?as_of=2025-06-01", headers=h).json()
    assert before["status"] == "active"


def test_deal_stage_changes_are_history_and_as_of_reads_it(env: Env) -> None:
    h = env.h("marmara")
    tag = env.client.get("/v1/deals/M1-D1", headers=h).headers["ETag"]
    moved = env.client.patch(
        "/v1/deals/M1-D1", headers={**h, "If-Match": tag}, json={"stage": "negotiation"}
    )
    assert moved.status_code == 200, moved.text
    history = moved.json()["stage_history"]
    assert [c["to_stage"] for c in history] == ["proposal", "negotiation"]
    old = env.client.get("/v1/deals/M1-D1?as_of=2025-06-01", headers=h).json()
    assert old["deal"]["stage"] == "proposal"
    assert len(old["stage_history"]) == 1
    assert env.client.get("/v1/deals/M1-D1?as_of=2024-06-01", headers=h).status_code == 404
    listed = env.client.get("/v1/deals?stage=negotiation", headers=h).json()
    assert [d["id"] for d in listed["data"]] == ["M1-D1"]


def test_as_of_before_everything_reads_an_empty_graph(env: Env) -> None:
    h = env.h("marmara")
    for path in ("reporting-lines", "influences"):
        r = env.client.get(f"/v1/accounts/M1/{path}?as_of=2024-12-31", headers=h).json()
        assert r["count"] == 0
        assert env.client.get(f"/v1/accounts/M1/{path}", headers=h).json()["count"] > 0
    chart = env.client.get("/v1/accounts/M1/orgchart?as_of=2024-12-31", headers=h).json()
    assert chart["roots"] == []


def test_org_chart_has_dotted_lines(env: Env) -> None:
    chart = env.client.get("/v1/accounts/M1/orgchart", headers=env.h("marmara")).json()
    nodes = []
    stack = list(chart["roots"])
    while stack:
        n = stack.pop()
        nodes.append(n)
        stack.extend(n["reports"])
    assert len(nodes) == 6
    dotted = {n["contact"]["id"]: n["dotted_managers"] for n in nodes if n["dotted_managers"]}
    assert dotted == {"M1-C6": ["M1-C5"]}


def test_a_write_invalidates_the_cached_risk(env: Env) -> None:
    h = env.h("marmara")
    first = env.client.get("/v1/deals/M1-D1/risk", headers=h).json()
    again = env.client.get("/v1/deals/M1-D1/risk", headers=h).json()
    assert again == first  # served from the cache (same instant)
    # the champion leaves: the risk must change on the next read
    tag = env.client.get("/v1/contacts/M1-C3", headers=h).headers["ETag"]
    r = env.client.patch(
        "/v1/contacts/M1-C3", headers={**h, "If-Match": tag}, json={"status": "left_company"}
    )
    assert r.status_code == 200, r.text
    after = env.client.get("/v1/deals/M1-D1/risk", headers=h).json()
    assert after["risk"]["score"] > first["risk"]["score"]
    codes = {f["code"] for f in after["risk"]["signals"]}
    assert "champion_left" in codes


def test_what_if_reports_the_delta(env: Env) -> None:
    body = {"edits": [{"op": "remove_contact", "contact_id": "M1-C3"}]}
    r = env.client.post("/v1/deals/M1-D1/what-if", headers=env.h("marmara"), json=body)
    assert r.status_code == 200, r.text
    w = r.json()
    # the champion leaves: under the same model the probability falls and the risk rises
    assert w["after"]["score"] > w["before"]["score"]
    assert w["delta"] == round(w["after"]["score"] - w["before"]["score"], 2)
    assert w["probability_delta"] == pytest.approx(
        w["after"]["probability"] - w["before"]["probability"]
    )
    assert w["probability_delta"] < 0
    assert w["after"]["score"] == round(100 * (1 - w["after"]["probability"]), 2)
    assert w["after"]["baseline"] == w["before"]["baseline"]  # the stage stays
    groups = {f["group"]: f for f in w["factors"]}
    assert groups["champion"]["delta"] > 0
    assert w["delta"] == pytest.approx(sum(f["delta"] for f in w["factors"]), abs=0.011)
    assert "champion_left" in {s["code"] for s in w["after"]["signals"]}


def test_health_has_a_trend(env: Env) -> None:
    r = env.client.get("/v1/accounts/M1/health?trend_days=30", headers=env.h("marmara")).json()
    assert r["trend"] in {"improving", "steady", "declining"}
    assert set(r["contact_trends"]) == {"improving", "steady", "declining"}
    assert r["delta"] == r["health"]["score"] - r["previous"]["score"]


def test_batch_is_idempotent(env: Env) -> None:
    batch = {
        "reps": [{"id": "R-2", "name": "İkinci", "territory": "Marmara"}],
        "rep_knows": [{"rep_id": "R-2", "contact_id": "M1-C1", "strength": 0.7}],
    }
    first = env.client.post("/v1/batch", headers=env.h("marmara"), json=batch).json()
    assert first["changed"] is True
    assert first["rows"] == 2
    second = env.client.post("/v1/batch", headers=env.h("marmara"), json=batch).json()
    assert second["changed"] is False
