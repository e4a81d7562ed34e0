"""GRAPHCRM_TERRITORY_BLOCK_CONFLICTS: a write that would create a blocked territory
conflict is refused with a 409 problem naming it, and nothing is written; conflicts
already there, writes that create none, and unblocked kinds pass.

On the seed (tests/api/seed.py): M1 and M2 "Marmara Holding A.Ş." in Marmara with
open deals of R-M (Marmara), E1 "Ege Holding A.Ş." in Ege with one of R-E (Ege).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from graphcrm.cli import main
from graphcrm.domain import AccountId, ChangeSet
from graphcrm.errors import TerritoryConflictError
from graphcrm.store import open_store
from tests.api.conftest import Env, make_settings, seed

KINDS = frozenset({"split_group", "rival_deals", "duplicate", "touchpoint"})
CONFLICT = "/problems/territory-conflict"


@pytest.fixture
def blocking(tmp_path: Path) -> Iterator[Env]:
    settings = make_settings(tmp_path, territory_block_conflicts=KINDS)
    keys = seed(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Env(client, keys, settings)


def _missing(env: Env, path: str) -> bool:
    code: int = env.client.get(path, headers=env.h("admin")).status_code
    return code == 404


def test_a_child_in_another_territory_is_refused(blocking: Env) -> None:
    env = blocking
    child = {"id": "M1-SUB", "name": "Marmara Lojistik", "parent_id": "M1", "territory": "Ege"}
    r = env.client.post("/v1/accounts", json=child, headers=env.h("admin"))
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["type"].endswith(CONFLICT)
    assert "split_group" in body["detail"]
    assert "M1, M1-SUB" in body["detail"]
    assert "territories Ege, Marmara" in body["detail"]
    assert _missing(env, "/v1/accounts/M1-SUB")
    # The same child in its parent's territory creates no conflict.
    child["territory"] = "Marmara"
    assert env.client.post("/v1/accounts", json=child, headers=env.h("admin")).status_code == 201


def test_an_open_deal_by_a_rep_of_another_territory_is_refused(blocking: Env) -> None:
    env = blocking
    deal = {"id": "M1-D9", "account_id": "M1", "name": "İkinci teklif", "owner_id": "R-E"}
    r = env.client.post("/v1/deals", json=deal, headers=env.h("admin"))
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert "rival_deals" in detail
    assert "reps R-E, R-M" in detail
    assert _missing(env, "/v1/deals/M1-D9")
    # A closed deal, or one by the account's own territory's rep, passes.
    deal["owner_id"] = "R-M"
    assert env.client.post("/v1/deals", json=deal, headers=env.h("admin")).status_code == 201


def test_a_territory_key_is_told_the_conflict_without_other_territories_ids(
    blocking: Env,
) -> None:
    env = blocking
    dup = {"id": "E3", "name": "MARMARA HOLDİNG A.Ş", "country": "TR", "territory": "Ege"}
    r = env.client.post("/v1/accounts", json=dup, headers=env.h("ege"))
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert "duplicate" in detail
    assert "accounts E3 and 2 of other territories" in detail
    assert "M1" not in detail
    assert "M2" not in detail
    assert _missing(env, "/v1/accounts/E3")


def test_without_the_setting_conflicts_are_only_reported(env: Env) -> None:
    child = {"id": "M1-SUB", "name": "Marmara Lojistik", "parent_id": "M1", "territory": "Ege"}
    assert env.client.post("/v1/accounts", json=child, headers=env.h("admin")).status_code == 201
    kinds = [
        c["kind"]
        for c in env.client.get("/v1/territories/conflicts", headers=env.h("admin")).json()["data"]
    ]
    assert kinds == ["split_group"]


def test_a_write_that_leaves_an_existing_conflict_as_it_was_passes(blocking: Env) -> None:
    env = blocking
    url = env.settings.store.get_secret_value()
    store = open_store(url)
    try:  # the conflict predates the setting: written behind the API's back
        m2 = store.get_account(AccountId("M2"))
        store.apply(ChangeSet(accounts=(m2.model_copy(update={"parent_id": "E1"}),)), actor="t")
    finally:
        store.close()
    r = env.client.get("/v1/accounts/M2", headers=env.h("admin"))
    patch = env.client.patch(
        "/v1/accounts/M2",
        json={"sector": "textile_retail"},
        headers={**env.h("admin"), "If-Match": r.headers["ETag"]},
    )
    assert patch.status_code == 200, patch.text


def test_the_cli_move_is_refused_and_writes_nothing(blocking: Env) -> None:
    env = blocking
    url = env.settings.store.get_secret_value()
    store = open_store(url)
    try:
        m2 = store.get_account(AccountId("M2"))
        store.apply(ChangeSet(accounts=(m2.model_copy(update={"parent_id": "M1"}),)), actor="t")
    finally:
        store.close()
    out = CliRunner().invoke(
        main,
        ["--store", url, "territories", "move", "M1", "Ege"],
        env={"GRAPHCRM_TERRITORY_BLOCK_CONFLICTS": '["split_group"]', "COLUMNS": "200"},
    )
    # `graphcrm` (graphcrm.cli.run) prints the error as one line and exits 1.
    assert isinstance(out.exception, TerritoryConflictError)
    assert "split_group" in str(out.exception)
    assert "M1, M2" in str(out.exception)
    store = open_store(url)
    try:
        assert store.get_account(AccountId("M1")).territory == "Marmara"
        assert len(store.territory_history([AccountId("M1")])) == 1
    finally:
        store.close()
    # Moving the whole group creates no split: it passes.
    out = CliRunner().invoke(
        main,
        ["--store", url, "territories", "move", "M1", "M2", "Ege"],
        env={"GRAPHCRM_TERRITORY_BLOCK_CONFLICTS": '["split_group"]', "COLUMNS": "200"},
    )
    assert out.exit_code == 0, out.output


def test_a_touchpoint_by_a_rep_of_another_territory_is_refused(blocking: Env) -> None:
    env = blocking
    touch = {
        "id": "E1-TX",
        "account_id": "E1",
        "kind": "call",
        "direction": "outbound",
        "at": "2026-01-10T09:00:00Z",
        "contact_ids": ["E1-C1"],
        "rep_ids": ["R-M"],
    }
    r = env.client.post("/v1/touchpoints", json=touch, headers=env.h("admin"))
    assert r.status_code == 409, r.text
    assert "touchpoint: 1 touchpoint(s) by Marmara Rep (Marmara)" in r.json()["detail"]
    listed = env.client.get("/v1/touchpoints?account_id=E1", headers=env.h("admin")).json()
    assert "E1-TX" not in {t["id"] for t in listed["data"]}
    touch["rep_ids"] = ["R-E"]
    assert env.client.post("/v1/touchpoints", json=touch, headers=env.h("admin")).status_code == 200
