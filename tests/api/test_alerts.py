"""``GET /v1/alerts``: champion left, economic buyer silent beyond the sector's norm, win
probability dropped; scoped by territory and owner like every other read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graphcrm.domain import (
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    ContactStatus,
    Direction,
    RepId,
    Seniority,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.store.sqlite import SqliteStore
from tests.api.conftest import Env, make_settings, seed
from tests.api.seed import START


def _kinds(body: dict[str, object]) -> list[tuple[str, str]]:
    data = body["data"]
    assert isinstance(data, list)
    return [(a["kind"], a["deal_id"]) for a in data]


def _write(env: Env, changes: ChangeSet) -> None:
    store = SqliteStore.open(env.settings.store.get_secret_value().removeprefix("sqlite://"))
    try:
        store.apply(changes, actor="tests")
    finally:
        store.close()


def _touch_eb(env: Env, days_ago: float) -> None:
    now = datetime.now(UTC)
    _write(
        env,
        ChangeSet(
            touchpoints=(
                Touchpoint(
                    id=TouchpointId("M1-TEB"),
                    account_id=AccountId("M1"),
                    kind=TouchpointKind.CALL,
                    direction=Direction.TWO_WAY,
                    at=now - timedelta(days=days_ago),
                    contact_ids=(ContactId("M1-C1"),),
                    rep_ids=(RepId("R-M"),),
                ),
            )
        ),
    )


def test_never_touched_economic_buyers_in_the_keys_territory(env: Env) -> None:
    # the seed never touches an economic buyer (C1): every open deal is an alert
    r = env.client.get("/v1/alerts", headers=env.h("marmara"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert _kinds(body) == [
        ("economic_buyer_silent", "M1-D1"),
        ("economic_buyer_silent", "M2-D1"),
    ]
    first = body["data"][0]
    assert first["days_silent"] is None
    assert first["norm_days"] == 45.0  # manufacturing
    assert first["names"] == {"M1-C1": "Marmara Kişi 1"}
    assert body["params"]["win_drop"] == 0.10
    everyone = env.client.get("/v1/alerts", headers=env.h("admin")).json()
    assert {d for _, d in _kinds(everyone)} == {"M1-D1", "M2-D1", "E1-D1"}
    ege_rep = env.client.get("/v1/alerts", params={"owner": "R-E"}, headers=env.h("admin"))
    assert _kinds(ege_rep.json()) == [("economic_buyer_silent", "E1-D1")]


def test_another_territory_is_a_404_and_an_unknown_owner_has_none(env: Env) -> None:
    r = env.client.get("/v1/alerts", params={"territory": "Ege"}, headers=env.h("marmara"))
    assert r.status_code == 404
    r = env.client.get("/v1/alerts", params={"owner": "R-E"}, headers=env.h("marmara"))
    assert r.status_code == 200
    assert r.json()["data"] == []
    assert env.client.get("/v1/alerts").status_code == 401
    assert env.client.get("/v1/alerts", headers=env.h("writer_only")).status_code == 403


def test_silence_is_measured_against_the_sectors_norm(env: Env) -> None:
    _touch_eb(env, 40)  # manufacturing: 45 days
    kinds = _kinds(env.client.get("/v1/alerts", headers=env.h("marmara")).json())
    assert ("economic_buyer_silent", "M1-D1") not in kinds
    _touch_eb(env, 50)
    body = env.client.get("/v1/alerts", headers=env.h("marmara")).json()
    m1 = next(a for a in body["data"] if a["deal_id"] == "M1-D1")
    assert m1["days_silent"] == pytest.approx(50, abs=0.01)
    assert m1["norm_days"] == 45.0


def test_the_sectors_norm_is_a_setting(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, alert_eb_silent_days={"manufacturing": 60})
    keys = seed(settings)
    env = Env(TestClient(create_app(settings)), keys, settings)
    with env.client:
        _touch_eb(env, 50)
        body = env.client.get("/v1/alerts", headers=env.h("marmara")).json()
        assert _kinds(body) == [("economic_buyer_silent", "M2-D1")]
        assert body["params"]["eb_silent_days"]["manufacturing"] == 60
        assert body["params"]["eb_silent_days"]["saas"] == 30


def test_a_champion_who_left_is_an_alert(tmp_path: Path) -> None:
    # The shipped prior gives M1-D1 about 0.10 before the champion leaves (0.100
    # since the prior was refitted with C = 1, 0.108 before), so the threshold here is
    # five points: the default ten would ask for more than the deal had.
    settings = make_settings(tmp_path, alert_win_drop=0.05)
    env = Env(TestClient(create_app(settings)), seed(settings), settings)
    with env.client:
        _champion_left(env)


def _champion_left(env: Env) -> None:
    now = datetime.now(UTC)
    _write(
        env,
        ChangeSet(
            contacts=(
                Contact(
                    id=ContactId("M1-C3"),
                    account_id=AccountId("M1"),
                    name="Marmara Kişi 3",
                    title="director",
                    seniority=Seniority.DIRECTOR,
                    status=ContactStatus.LEFT_COMPANY,
                    status_from=now - timedelta(days=2),
                ),
            )
        ),
    )
    body = env.client.get("/v1/alerts", headers=env.h("marmara")).json()
    kinds = _kinds(body)
    assert kinds[0] == ("champion_left", "M1-D1")
    assert body["data"][0]["contact_ids"] == ["M1-C3"]
    # losing the champion takes more than five points, and most of what the deal had
    drop = next(a for a in body["data"] if a["kind"] == "win_dropped")
    assert drop["deal_id"] == "M1-D1"
    assert drop["probability_before"] - drop["probability_after"] > 0.05
    assert drop["probability_after"] < 0.5 * drop["probability_before"]
    assert START < datetime.fromisoformat(body["since"]) < datetime.fromisoformat(body["as_of"])
