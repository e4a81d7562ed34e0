"""GET /v1/territories/conflicts and `graphcrm territories conflicts`: a key sees the
conflicts touching its territories, naming only its own accounts.

On the seed (M1, M2 "Marmara Holding A.Ş." in Marmara; E1 in Ege), E2 "MARMARA
HOLDİNG A.Ş." (TR) is added in Ege, and K1 "Karadeniz Çay" / K2 "KARADENİZ ÇAY" (TR)
in Karadeniz and Akdeniz: two likely-duplicate conflicts.
"""

from __future__ import annotations

import re

from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.domain import Account, AccountId, ChangeSet
from graphcrm.store import open_store
from tests.api.conftest import Env


def _add_duplicates(env: Env) -> str:
    url = env.settings.store.get_secret_value()
    store = open_store(url)
    try:
        store.apply(
            ChangeSet(
                accounts=(
                    Account(
                        id=AccountId("E2"),
                        name="MARMARA HOLDİNG A.Ş.",
                        country="TR",
                        territory="Ege",
                    ),
                    Account(
                        id=AccountId("K1"),
                        name="Karadeniz Çay",
                        country="TR",
                        territory="Karadeniz",
                    ),
                    Account(
                        id=AccountId("K2"), name="KARADENİZ ÇAY", country="TR", territory="Akdeniz"
                    ),
                )
            ),
            actor="t",
        )
    finally:
        store.close()
    return url


def _seen(env: Env, who: str) -> list[tuple[str, list[str], list[str], int]]:
    r = env.client.get("/v1/territories/conflicts", headers=env.h(who))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == len(body["data"])
    return [
        (c["kind"], c["territories"], c["accounts"], c["hidden_accounts"]) for c in body["data"]
    ]


def test_conflicts_are_scoped_to_the_keys_territories(env: Env) -> None:
    assert _seen(env, "admin") == []
    url = _add_duplicates(env)
    assert _seen(env, "admin") == [
        ("duplicate", ["Ege", "Marmara"], ["E2", "M1", "M2"], 0),
        ("duplicate", ["Akdeniz", "Karadeniz"], ["K1", "K2"], 0),
    ]
    assert _seen(env, "marmara") == [("duplicate", ["Ege", "Marmara"], ["M1", "M2"], 1)]
    assert _seen(env, "ege") == [("duplicate", ["Ege", "Marmara"], ["E2"], 2)]
    assert env.client.get("/v1/territories/conflicts").status_code == 401
    assert (
        env.client.get("/v1/territories/conflicts", headers=env.h("writer_only")).status_code == 403
    )
    out = CliRunner().invoke(
        main,
        ["--store", url, "territories", "conflicts"],
        catch_exceptions=False,
        env={"COLUMNS": "200"},
    )
    assert out.exit_code == 0, out.output
    assert "Territory conflicts (2)" in out.output
    assert "E2, M1, M2" in out.output
    assert "K1, K2" in out.output


TOUCH = {
    "id": "E1-TX",
    "account_id": "E1",
    "kind": "meeting",
    "direction": "two_way",
    "at": "2026-01-10T09:00:00Z",
    "contact_ids": ["E1-C1"],
    "rep_ids": ["R-M"],
}
"""A Marmara rep's meeting with a contact of E1 (Ege's since the seed's START)."""


def test_a_touchpoint_by_a_rep_outside_the_accounts_territory(env: Env) -> None:
    r = env.client.post("/v1/touchpoints", json=TOUCH, headers=env.h("admin"))
    assert r.status_code == 200, r.text
    touch = ("touchpoint", ["Ege", "Marmara"])
    assert _seen(env, "admin") == [(*touch, ["E1"], 0)]
    assert _seen(env, "ege") == [(*touch, ["E1"], 0)]
    assert _seen(env, "marmara") == [(*touch, [], 1)]
    body = env.client.get("/v1/territories/conflicts", headers=env.h("admin")).json()
    assert body["data"][0]["reps"] == ["R-M"]
    assert body["data"][0]["detail"].startswith("1 touchpoint(s) by Marmara Rep (Marmara)")
    out = CliRunner().invoke(
        main,
        ["--store", env.settings.store.get_secret_value(), "territories", "conflicts"],
        catch_exceptions=False,
        env={"COLUMNS": "200"},
    )
    assert out.exit_code == 0, out.output
    assert "touchpoint" in out.output
    assert "R-M" in out.output


def test_the_conflicts_page_in_english_and_turkish(env: Env) -> None:
    empty = env.client.get("/pages/territories/conflicts", headers=env.h("marmara"))
    assert empty.status_code == 200
    assert "No conflict between territories." in empty.text
    _add_duplicates(env)
    page = env.client.get("/pages/territories/conflicts", headers=env.h("marmara"))
    assert page.status_code == 200
    assert re.findall(r'<tr data-kind="([a-z_]+)"', page.text) == ["duplicate"]
    assert "Likely duplicate accounts in Ege, Marmara" in page.text
    assert 'href="/pages/accounts/M1' in page.text
    assert "and 1 of other territories" in page.text
    assert "/pages/accounts/E2" not in page.text
    assert "HOLDİNG" not in page.text  # E2's name is Ege's
    tr = env.client.get(
        "/pages/territories/conflicts", params={"lang": "tr"}, headers=env.h("marmara")
    )
    assert "Bölge çakışmaları" in tr.text
    assert "Olası mükerrer hesaplar, bölgeler: Ege, Marmara" in tr.text
    assert "ve diğer bölgelerden 1 hesap" in tr.text
    admin = env.client.get("/pages/territories/conflicts", headers=env.h("admin")).text
    assert re.findall(r'<tr data-kind="([a-z_]+)"', admin) == ["duplicate", "duplicate"]
    accounts = env.client.get("/pages/accounts", headers=env.h("marmara")).text
    assert 'id="conflicts-link"' in accounts
    assert env.client.get("/pages/territories/conflicts").status_code in {401, 303}
