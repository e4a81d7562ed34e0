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


# --- rules applied on import ---------------------------------------------------------

IMPORT_RULES = """
[regions]
Ege = ["İzmir", "Manisa"]

[[rule]]
name = "Grup"
territory = "Grup"
parent = "001000000000001AAA"

[[rule]]
name = "Büyük"
territory = "Kurumsal"
employees_min = 1000

[[rule]]
territory = "Ege"
region = "Ege"
"""

ACCOUNT_CSV = (
    "Id,Name,ParentId,BillingCity,NumberOfEmployees\n"
    "001000000000001AAA,Ana Holding,,İzmir,\n"  # stored in Eski: keeps it
    "001000000000002AAA,Liman,,İZMİR,40\n"  # Ege (rule 3)
    "001000000000003AAA,Büyük Fabrika,,İzmir,5000\n"  # Kurumsal (rule 2 first)
    "001000000000004AAA,Ana Holding Ege,001000000000001AAA,İzmir,\n"  # Grup (stored parent)
    "001000000000005AAA,Torun,001000000000004AAA,,\n"  # Grup (parent new in the import)
    "001000000000006AAA,Bilinmeyen,,,\n"  # no rule: no territory
)


def test_an_import_gives_new_accounts_the_rules_territory(
    store: GraphStore, tmp_path: Path
) -> None:
    from graphcrm.io.importing import TerritoryCount
    from graphcrm.io.salesforce import import_salesforce
    from graphcrm.services.territories import rules_assigner

    stored = Account(
        id=AccountId("001000000000001AAA"), name="Ana Holding", territory="Eski", city="İzmir"
    )
    store.apply(ChangeSet(accounts=(stored,)), actor="t")
    (tmp_path / "Account.csv").write_text(ACCOUNT_CSV, encoding="utf-8")
    give = rules_assigner(TerritoryRules.from_toml(IMPORT_RULES))
    report = import_salesforce(store, tmp_path, actor="t", territory=give)
    assert report.ok
    territories = {
        a.id[-4:-3]: a.territory
        for a in (store.get_account(AccountId(f"00100000000000{i}AAA")) for i in range(1, 7))
    }
    assert territories == {
        "1": "Eski",
        "2": "Ege",
        "3": "Kurumsal",
        "4": "Grup",
        "5": "Grup",
        "6": None,
    }
    assert report.territories == (
        TerritoryCount(territory="Ege", rule="rule 3", accounts=1),
        TerritoryCount(territory="Grup", rule="Grup", accounts=2),
        TerritoryCount(territory="Kurumsal", rule="Büyük", accounts=1),
    )
    # Created in their territory: one interval each, none before.
    [span] = store.territory_history([AccountId("001000000000002AAA")])
    assert (span.territory, span.valid_to) == ("Ege", None)
    # A second import of the same file moves nothing and assigns nothing.
    again = import_salesforce(store, tmp_path, actor="t", territory=give)
    assert again.territories == ()
    assert store.get_account(AccountId("001000000000006AAA")).territory is None
