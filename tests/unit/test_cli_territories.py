"""`graphcrm territories move|assign` on a SQLite store, and the forecast by territory
before and after a realignment (worked by hand).

A-1 "İzmir Liman" (TR, logistics, Ege) holds D-1, 1,000 TRY; A-2 "Bursa Tekstil" (TR,
textiles, Marmara) holds D-2, 250 TRY; both close in 2026-Q2. On 2 March A-1 moves
to Akdeniz.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.domain import Account, AccountId, ChangeSet, Deal, DealId, PageRequest
from graphcrm.errors import InvalidError
from graphcrm.store.sqlite import SqliteStore

JAN = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    path = tmp_path / "t.sqlite3"
    store = SqliteStore.open(path)
    try:
        store.apply(
            ChangeSet(
                accounts=(
                    Account(
                        id=AccountId("A-1"),
                        name="İzmir Liman",
                        country="TR",
                        sector="logistics",
                        territory="Ege",
                    ),
                    Account(
                        id=AccountId("A-2"),
                        name="Bursa Tekstil",
                        country="TR",
                        sector="textiles",
                        territory="Marmara",
                    ),
                ),
                deals=(
                    Deal(
                        id=DealId("D-1"),
                        account_id=AccountId("A-1"),
                        name="Liman ERP",
                        amount=Decimal("1000"),
                        expected_close=date(2026, 6, 15),
                    ),
                    Deal(
                        id=DealId("D-2"),
                        account_id=AccountId("A-2"),
                        name="Dokuma MES",
                        amount=Decimal("250"),
                        expected_close=date(2026, 6, 30),
                    ),
                ),
            ),
            actor="t",
            at=JAN,
        )
    finally:
        store.close()
    return f"sqlite://{path}"


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _rows(out: str, *keys: str) -> dict[str, str]:
    """The forecast table's first columns (key, open deals, pipeline) of ``keys``."""
    found = {}
    for line in out.splitlines():
        cells = line.split()
        if cells and cells[0] in keys:
            found[cells[0]] = " ".join(cells[1:3])
    return found


def test_a_move_and_the_forecast_before_and_after(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = _run("--store", store_url, "territories", "move", "A-1", "Akdeniz", "--at", "2026-03-02")
    assert "Moved 1 account(s)" in out
    for word in ("İzmir Liman", "Ege", "Akdeniz"):
        assert word in out
    again = _run("--store", store_url, "territories", "move", "A-1", "Akdeniz")
    assert "Nothing to move" in again

    def forecast(as_of: str) -> dict[str, str]:
        out = _run(
            "--store", store_url, "forecast", "--quarter", "2026-Q2", "--by", "territory",
            "--as-of", as_of,
        )  # fmt: skip
        return _rows(out, "Ege", "Akdeniz", "Marmara")

    assert forecast("2026-02-01") == {"Ege": "1 1.0k", "Marmara": "1 250"}
    assert forecast("2026-03-15") == {"Akdeniz": "1 1.0k", "Marmara": "1 250"}
    store = SqliteStore.open(store_url.removeprefix("sqlite://"))
    try:
        spans = store.territory_history([AccountId("A-1")])
        entries = store.change_log(PageRequest(limit=100), entity=None, key="A-1").items
    finally:
        store.close()
    assert [(s.territory, s.valid_from.date()) for s in spans if s.valid_from] == [
        ("Ege", date(2026, 1, 5)),
        ("Akdeniz", date(2026, 3, 2)),
    ]
    assert entries[-1].actor == "cli"


def test_assign_dry_run_lists_then_applies(store_url: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nname = "Tekstil"\nterritory = "Marmara"\nsector = "TEXTILES"\n\n'
        '[[rule]]\nname = "Türkiye"\nterritory = "İç Anadolu"\ncountry = "TR"\n',
        encoding="utf-8",
    )
    dry = _run("--store", store_url, "territories", "assign", "--rules", str(rules), "--dry-run")
    assert "Would move 1 account(s)" in dry
    for word in ("İzmir Liman", "İç Anadolu", "Türkiye"):
        assert word in dry
    assert "Bursa" not in dry  # matched "Tekstil", already in Marmara
    store = SqliteStore.open(store_url.removeprefix("sqlite://"))
    try:
        assert store.get_account(AccountId("A-1")).territory == "Ege"
    finally:
        store.close()
    done = _run("--store", store_url, "territories", "assign", "--rules", str(rules))
    assert "Moved 1 account(s)" in done
    store = SqliteStore.open(store_url.removeprefix("sqlite://"))
    try:
        assert store.get_account(AccountId("A-1")).territory == "İç Anadolu"
    finally:
        store.close()
    assert "Nothing to move" in _run(
        "--store", store_url, "territories", "assign", "--rules", str(rules)
    )


def test_bad_input_is_one_clear_error(store_url: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "graphcrm", "--store", store_url, "territories", *args],
            capture_output=True,
            text=True,
            check=False,
        )

    rules = tmp_path / "bad.toml"
    rules.write_text('[[rule]]\nterritory = "Ege"\ntown = "İzmir"\n', encoding="utf-8")
    bad = cli("assign", "--rules", str(rules), "--dry-run")
    assert bad.returncode == 2
    assert "bad.toml.rule.1.town: unknown key" in bad.stderr
    missing = cli("move", "A-404", "Ege")
    assert missing.returncode == 1
    assert "account 'A-404' not found" in missing.stderr
    future = cli("move", "A-1", "Akdeniz", "--at", "2999-01-01")
    assert future.returncode == 2
    assert "at: a move cannot be dated in the future" in future.stderr
    bad_date = cli("move", "A-1", "Akdeniz", "--at", "2 March")
    assert bad_date.returncode == 2
    assert "neither a date" in bad_date.stderr
    for proc in (bad, missing, future, bad_date):
        assert "Traceback" not in proc.stderr


def test_the_documented_example_parses_and_assigns() -> None:
    from graphcrm.services.territories import TerritoryRules, plan_assignment

    doc = (Path(__file__).resolve().parents[2] / "docs" / "territories.md").read_text("utf-8")
    [example] = [b.split("\n", 1)[1] for b in doc.split("```")[1::2] if b.startswith("toml")]
    rules = TerritoryRules.from_toml(example)
    assert len(rules.rule) == 12
    assert len(rules.regions) == 7

    def tr(id_: str, **fields: object) -> Account:
        return Account.model_validate({"id": id_, "name": id_, "country": "TR", **fields})

    accounts = [
        tr("A-KOC", city="İstanbul", employees=30_000),
        tr("A-1", city="Ankara", parent_id="A-KOC"),
        tr("A-2", sector="PUBLIC", city="Ankara"),
        Account(id=AccountId("A-3"), name="Acme", country="DE"),
        tr("A-4", city="İZMİR", employees=200),
        tr("A-5", city="İzmir", employees=5000),
        tr("A-6", city="GAZİANTEP"),
        tr("A-7", employees=20),
        tr("A-8", city="Trabzon", annual_revenue="2500000000"),
        tr("A-9", city="IĞDIR", employees=1000),
        Account(id=AccountId("A-10"), name="Acme SA", country="FR", territory="Ege", employees=20),
    ]
    moved = {m.account_id: (m.after, m.rule) for m in plan_assignment(rules, accounts)}
    assert moved == {
        "A-KOC": ("Marmara", "Koç grubu"),
        "A-1": ("Marmara", "Koç grubu"),
        "A-2": ("İç Anadolu", "Kamu"),
        "A-3": ("Yurt dışı", "Yurt dışı"),
        "A-4": ("Ege", "Ege"),
        "A-5": ("Kurumsal", "Kurumsal (1000+ çalışan)"),
        "A-6": ("Doğu ve Güneydoğu", "Doğu ve Güneydoğu"),
        "A-7": ("KOBİ", "KOBİ (50 çalışana kadar)"),
        "A-8": ("Kurumsal", "Kurumsal (1 milyar+ ciro)"),
        "A-9": ("Kurumsal", "Kurumsal (1000+ çalışan)"),
    }  # A-10 (FR) matches no rule and stays in Ege


def test_import_with_territory_rules(store_url: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[regions]\nEge = ["İzmir"]\n[[rule]]\nname = "Ege"\nterritory = "Ege"\nregion = "Ege"\n',
        encoding="utf-8",
    )
    export = tmp_path / "export"
    export.mkdir()
    (export / "Account.csv").write_text(
        "Id,Name,BillingCity\n001000000000009AAA,Liman,IZMIR\n", encoding="utf-8"
    )
    out = _run(
        "--store",
        store_url,
        "import",
        "--format",
        "salesforce",
        "--territory-rules",
        str(rules),
        str(export),
    )
    assert "new accounts to Ege (Ege)" in out
    store = SqliteStore.open(Path(store_url.removeprefix("sqlite://")))
    try:
        assert store.get_account(AccountId("001000000000009AAA")).territory == "Ege"
    finally:
        store.close()
    both = CliRunner().invoke(
        main,
        [
            "--store",
            store_url,
            "import",
            "--format",
            "salesforce",
            "--territory",
            "Ege",
            "--territory-rules",
            str(rules),
            str(export),
        ],
    )
    assert both.exit_code == 2
    assert "not both" in both.output
    rules.write_text('[[rule]]\nterritory = "X"\nregion = "Trakya"\n', encoding="utf-8")
    bad = CliRunner().invoke(
        main,
        [
            "--store",
            store_url,
            "import",
            "--format",
            "salesforce",
            "--territory-rules",
            str(rules),
            str(export),
        ],
    )
    # graphcrm.cli.run prints an InvalidError as one line and exits 2 (as for assign)
    assert isinstance(bad.exception, InvalidError)
    assert "rules.toml.rule.1.region: 'Trakya' is not in [regions]" in str(bad.exception)
