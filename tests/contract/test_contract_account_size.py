"""Contract: an account's city, employees and annual revenue round trip on every store,
and rules on them assign stored accounts (worked by hand).

========  =========  =========  ===========  ==========  ======================
id        city       employees  revenue      territory   by the rules
========  =========  =========  ===========  ==========  ======================
S-1       İstanbul   12 000     1234567.89   -           Kurumsal (employees)
S-2       BURSA      40         -            -           Marmara (region)
S-3       -          -          -            Ege         stays (nothing matches)
========  =========  =========  ===========  ==========  ======================
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from graphcrm.domain import Account, AccountId, ChangeSet
from graphcrm.io.export import export
from graphcrm.io.jsonio import import_json
from graphcrm.services.territories import TerritoryRules, assignment
from graphcrm.store import GraphStore
from graphcrm.store.maintenance import maintenance
from graphcrm.store.sqlite import SqliteStore

ROWS = (
    Account(
        id=AccountId("S-1"),
        name="Şişecam",
        country="TR",
        city="İstanbul",
        employees=12_000,
        annual_revenue=Decimal("1234567.89"),
    ),
    Account(id=AccountId("S-2"), name="Bursa Tekstil", country="TR", city="BURSA", employees=40),
    Account(id=AccountId("S-3"), name="Ege Liman", country="TR", territory="Ege"),
)


def test_city_employees_and_revenue_round_trip(store: GraphStore) -> None:
    store.apply(ChangeSet(accounts=ROWS), actor="t")
    assert tuple(store.get_account(a.id) for a in ROWS) == ROWS
    cleared = ROWS[0].model_copy(update={"city": None, "employees": None, "annual_revenue": None})
    store.apply(ChangeSet(accounts=(cleared,)), actor="t")
    assert store.get_account(AccountId("S-1")) == cleared


def test_backups_and_json_lines_carry_them(store: GraphStore, tmp_path: Path) -> None:
    store.apply(ChangeSet(accounts=ROWS), actor="t")
    dump = maintenance(store).dump()
    assert dump.accounts == tuple(sorted(ROWS, key=lambda a: a.id))
    restored = SqliteStore.open(tmp_path / "restored.sqlite3")
    imported = SqliteStore.open(tmp_path / "imported.sqlite3")
    try:
        maintenance(restored).restore(dump)
        assert tuple(restored.get_account(a.id) for a in ROWS) == ROWS
        export(store, "json", tmp_path / "out.jsonl")
        assert import_json(imported, tmp_path / "out.jsonl", actor="t").ok
        assert tuple(imported.get_account(a.id) for a in ROWS) == ROWS
    finally:
        restored.close()
        imported.close()


def test_rules_on_size_and_region_assign_stored_accounts(store: GraphStore) -> None:
    store.apply(ChangeSet(accounts=ROWS), actor="t")
    rules = TerritoryRules.from_toml(
        '[regions]\nMarmara = ["İstanbul", "Bursa"]\n'
        '[[rule]]\nname = "Büyük"\nterritory = "Kurumsal"\nemployees_min = 1000\n'
        '[[rule]]\nterritory = "Marmara"\nregion = "Marmara"\n'
    )
    moves = {m.account_id: (m.after, m.rule) for m in assignment(store, rules)}
    assert moves == {"S-1": ("Kurumsal", "Büyük"), "S-2": ("Marmara", "rule 2")}
