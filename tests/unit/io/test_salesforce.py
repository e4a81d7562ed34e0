"""The Salesforce import, on the hand-made export in ``tests/data/salesforce``."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    ContactId,
    ContactStatus,
    DealId,
    LineKind,
    PageRequest,
    RepId,
    Role,
    Seniority,
    Stage,
)
from graphcrm.errors import InvalidError, Problem
from graphcrm.io.importing import ImportReport
from graphcrm.io.salesforce import SALESFORCE_STAGES, import_salesforce
from graphcrm.store.port import GraphStore

DATA = Path(__file__).resolve().parents[2] / "data" / "salesforce"
HOLDING, MAKINA = AccountId("0015g00000AnHld001"), AccountId("0015g00000AnMak002")
BOGAZICI = AccountId("0015g00000BgzYzl04")

ACCOUNTS = (DATA / "Account.csv").read_text(encoding="utf-8")
CONTACTS = (DATA / "Contact.csv").read_text(encoding="utf-8")
DEALS = (DATA / "Opportunity.csv").read_text(encoding="utf-8")

State = tuple[dict[str, int], int]


def _import(store: GraphStore, path: Path, *, all_or_nothing: bool = False) -> ImportReport:
    return import_salesforce(store, path, actor="test", all_or_nothing=all_or_nothing)


def _at(report: ImportReport, where: str) -> list[Problem]:
    return [p for p in report.problems if p.where == where]


def test_happy_path_reads_back_every_kind(store: GraphStore) -> None:
    report = _import(store, DATA)
    assert report.ok
    assert report.changed
    assert report.rows_read == {
        "Account.csv": 4,
        "Contact.csv": 8,
        "Opportunity.csv": 4,
        "OpportunityContactRole.csv": 7,
    }
    assert report.committed == {
        "accounts": 4,
        "reps": 2,
        "contacts": 8,
        "reports_to": 5,
        "deals": 4,
        "deal_roles": 6,
    }
    holding = store.get_account(HOLDING)
    assert (holding.name, holding.country, holding.sector) == (
        "Anadolu Holding A.Ş.", "TR", "manufacturing"
    )  # fmt: skip
    assert holding.owner_id == "0055g00000RepAyse"
    # the child came before its parent in the file
    assert store.get_account(MAKINA).parent_id == HOLDING
    assert store.get_account(BOGAZICI).name == 'Boğaziçi Yazılım "Bulut" A.Ş.'
    assert store.get_account(BOGAZICI).country is None
    assert store.get_rep(RepId("0055g00000RepAyse")).name == "0055g00000RepAyse"

    ayse = store.get_contact(ContactId("0035g00000Ctc00002"))
    assert ayse.name == "Ayşe Yılmaz"
    assert ayse.name.encode() == "Ayşe Yılmaz".encode()
    assert (ayse.title, ayse.department) == ("Mali İşler Direktörü", "Finans")
    assert ayse.seniority is Seniority.DIRECTOR
    assert store.get_contact(ContactId("0035g00000Ctc00001")).seniority is Seniority.C_LEVEL

    graph = store.stakeholder_graph(HOLDING)
    lines = {(r.contact_id, r.manager_id, r.kind) for r in graph.reports_to}
    assert lines == {
        ("0035g00000Ctc00002", "0035g00000Ctc00001", LineKind.SOLID),
        ("0035g00000Ctc00003", "0035g00000Ctc00002", LineKind.SOLID),
    }
    erp = store.get_deal(DealId("0065g00000Opp00001")).deal
    assert erp.amount == Decimal("1250000.50")
    assert (erp.currency, erp.stage) == ("TRY", Stage.NEGOTIATION)
    assert erp.expected_close is not None
    assert erp.expected_close.isoformat() == "2026-06-30"
    roles = {(r.contact_id, r.roles, r.is_primary) for r in graph.deal_roles}
    assert (
        "0035g00000Ctc00003",
        frozenset({Role.EVALUATOR, Role.TECHNICAL_BUYER}),
        False,
    ) in roles  # two rows merged
    assert (
        "0035g00000Ctc00001",
        frozenset({Role.ECONOMIC_BUYER, Role.DECISION_MAKER}),
        True,
    ) in roles
    assert [w.field for w in report.warnings] == ["BillingCountry"]
    assert report.warnings[0].where == "Account.csv line 5"


def test_script_in_a_title_is_kept_as_text(store: GraphStore) -> None:
    _import(store, DATA)
    ali = store.get_contact(ContactId("0035g00000Ctc00008"))
    assert ali.title == 'Baş Mimar & "Ekip" Lideri <script>alert(1)</script>'


def test_reimport_changes_nothing(
    store: GraphStore, store_state: Callable[[GraphStore], State]
) -> None:
    _import(store, DATA)
    before = store_state(store)
    again = _import(store, DATA)
    assert again.ok
    assert again.changed is False
    assert store_state(store) == before


def test_uploaded_contents_import_like_a_directory(
    store: GraphStore, other_store: GraphStore
) -> None:
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    from_dir = import_salesforce(store, DATA, actor="test", at=at)
    uploads: dict[str, bytes | BinaryIO] = {
        p.name.lower(): p.read_bytes() for p in DATA.iterdir() if p.name != "Contact.csv"
    }
    uploads["contact.csv"] = io.BytesIO((DATA / "Contact.csv").read_bytes())  # a stream
    from_upload = import_salesforce(other_store, uploads, actor="test", at=at)
    assert from_upload.committed == from_dir.committed
    assert store.stakeholder_graph(HOLDING).contacts == (
        other_store.stakeholder_graph(HOLDING).contacts
    )


def test_stage_table_keeps_the_order() -> None:
    orders = [stage.order for stage in SALESFORCE_STAGES.values()]
    assert orders == sorted(orders)


# --- problems name file, line and column -----------------------------------------


def test_bad_cells_are_reported_by_line_and_column(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    contacts = CONTACTS.replace("ayse.yilmaz@anadolu.com.tr", "ayse.yilmaz")
    deals = (
        DEALS.replace("Proposal/Price Quote", "Teklif Aşaması")
        .replace("320000", '"320.000,00"')
        .replace("2026-04-30", "30.04.2026")
    )
    report = _import(store, variant(DATA, {"Contact.csv": contacts, "Opportunity.csv": deals}))
    assert not report.ok
    (email,) = _at(report, "Contact.csv line 3")
    assert email.field == "Email"
    assert "'ayse.yilmaz'" in email.message
    (stage,) = _at(report, "Opportunity.csv line 2")
    assert stage.field == "StageName"
    assert "Teklif Aşaması" in stage.message
    (amount,) = _at(report, "Opportunity.csv line 4")
    assert amount.field == "Amount"
    assert "decimal separator" in amount.message
    (close,) = _at(report, "Opportunity.csv line 5")
    assert close.field == "CloseDate"
    # the rows that depend on the rejected ones are dropped and named too
    dependants = {(p.where, p.field) for p in report.problems if "was rejected" in p.message}
    # İsmail (line 4) is imported, but his line to Ayşe (rejected, line 3) is not
    (line,) = _at(report, "Contact.csv line 4")
    assert line.field == "ReportsToId"
    assert line.message == "contact '0035g00000Ctc00002' was rejected (Contact.csv line 3)"
    assert store.get_contact(ContactId("0035g00000Ctc00003")).name == "İsmail Çelik"
    assert ("OpportunityContactRole.csv line 2", "OpportunityId") in dependants
    assert ("OpportunityContactRole.csv line 3", "OpportunityId") in dependants
    # the valid rows are committed
    assert report.committed["contacts"] == 7
    assert report.committed["deals"] == 1
    assert store.get_contact(ContactId("0035g00000Ctc00001")).name == "Mehmet Öztürk"


def test_a_rejected_account_drops_its_children_and_contacts(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    accounts = ACCOUNTS.replace("Anadolu Holding A.Ş.", "")
    report = _import(store, variant(DATA, {"Account.csv": accounts}))
    (name,) = _at(report, "Account.csv line 3")
    assert (name.field, name.message) == ("Name", "required")
    (child,) = _at(report, "Account.csv line 2")
    assert child.field == "ParentId"
    assert child.message == "account '0015g00000AnHld001' was rejected (Account.csv line 3)"
    assert _at(report, "Contact.csv line 2")[0].field == "AccountId"
    assert report.committed["accounts"] == 2
    assert report.committed["contacts"] == 4
    # accounts, contacts, deals, roles (two rows merged into one role count once)
    assert report.rejected_rows == 2 + 4 + 2 + 3


def test_store_problems_map_back_to_lines(store: GraphStore, variant: Callable[..., Path]) -> None:
    contacts = CONTACTS.replace(
        "0035g00000Ctc00005,0015g00000EgeTks03", "0035g00000Ctc00005,0015g00000YOKYOK99"
    ).replace(  # Mehmet now reports to İsmail, who reports (via Ayşe) to him: a cycle
        "Genel Müdürlük,mehmet.ozturk@anadolu.com.tr,+90 212 555 01 01,,",
        "Genel Müdürlük,mehmet.ozturk@anadolu.com.tr,+90 212 555 01 01,0035g00000Ctc00003,",
    )
    report = _import(store, variant(DATA, {"Contact.csv": contacts}))
    (unknown,) = _at(report, "Contact.csv line 6")
    assert unknown.field == "AccountId"
    assert "unknown account '0015g00000YOKYOK99'" in unknown.message
    cycle = [p for p in report.problems if "cycle" in p.message]
    assert cycle
    assert {p.field for p in cycle} == {"ReportsToId"}
    assert all(p.where.startswith("Contact.csv line ") for p in cycle)
    assert report.committed["contacts"] == 7


def test_duplicate_ids_and_ragged_rows(store: GraphStore, variant: Callable[..., Path]) -> None:
    accounts = ACCOUNTS + "0015g00000EgeTks03,Ege Tekstil (kopya),,,,,\n" + "0015g00000X,kısa\n"
    report = _import(store, variant(DATA, {"Account.csv": accounts}))
    (dup,) = _at(report, "Account.csv line 6")
    assert dup.field == "Id"
    assert "first at line 4" in dup.message
    (ragged,) = _at(report, "Account.csv line 7")
    assert ragged.field == ""
    assert "expected 7 values, got 2" in ragged.message
    # the first Ege row stands, and its contacts were imported
    assert store.get_account(AccountId("0015g00000EgeTks03")).name.startswith("Ege Tekstil ve")
    assert report.committed["contacts"] == 8


def test_a_closed_custom_stage_is_read_from_is_closed_and_is_won(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    deals = DEALS.replace(
        "Closed Won,480000.00,2026-01-15,true,true", "Kazanıldı,480000.00,2026-01-15,true,true"
    )
    deals = deals.replace(
        "Qualification,320000,2026-09-01,false,false", "Closed Won,320000,2026-09-01,false,true"
    )
    report = _import(store, variant(DATA, {"Opportunity.csv": deals}))
    assert store.get_deal(DealId("0065g00000Opp00002")).deal.stage is Stage.CLOSED_WON
    (contradiction,) = _at(report, "Opportunity.csv line 4")
    assert contradiction.field == "IsClosed"


def test_currency_iso_code_column(store: GraphStore, variant: Callable[..., Path]) -> None:
    lines = DEALS.splitlines()
    deals = "\n".join(
        [lines[0] + ",CurrencyIsoCode"]
        + [line + (",USD" if i == 1 else ",") for i, line in enumerate(lines[1:], 1)]
    )
    _import(store, variant(DATA, {"Opportunity.csv": deals + "\n"}))
    assert store.get_deal(DealId("0065g00000Opp00001")).deal.currency == "USD"
    assert store.get_deal(DealId("0065g00000Opp00002")).deal.currency == "TRY"


def test_missing_column_and_bad_encoding_stop_before_writing(
    store: GraphStore,
    variant: Callable[..., Path],
    store_state: Callable[[GraphStore], State],
) -> None:
    before = store_state(store)
    no_last_name = CONTACTS.replace("LastName", "Soyadı", 1)
    with pytest.raises(InvalidError) as e:
        _import(store, variant(DATA, {"Contact.csv": no_last_name}))
    (p,) = e.value.problems
    assert (p.where, p.field) == ("Contact.csv line 1", "LastName")
    assert "missing required column" in p.message
    path = variant(DATA, {})
    (path / "Account.csv").write_bytes(ACCOUNTS.encode("cp1254"))
    with pytest.raises(InvalidError) as e:
        _import(store, path)
    assert e.value.problems[0].where == "Account.csv line 2"
    assert "not UTF-8" in e.value.problems[0].message
    assert store_state(store) == before


def test_no_salesforce_file_is_an_error(tmp_path: Path, store: GraphStore) -> None:
    (tmp_path / "notes.txt").write_text("boş", encoding="utf-8")
    with pytest.raises(InvalidError, match="no Salesforce file found"):
        _import(store, tmp_path)


def test_file_names_and_columns_match_case_insensitively(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "ACCOUNT.CSV").write_text(
        "ID, name ,billingcountry\n001A,Çukurova Un A.Ş.,türkiye\n", encoding="utf-8"
    )
    report = _import(store, tmp_path)
    assert report.ok
    assert store.get_account(AccountId("001A")).country == "TR"


# --- all or nothing ----------------------------------------------------------------


def test_all_or_nothing_leaves_the_store_unchanged(
    store: GraphStore,
    variant: Callable[..., Path],
    store_state: Callable[[GraphStore], State],
) -> None:
    before = store_state(store)
    contacts = CONTACTS.replace("ayse.yilmaz@anadolu.com.tr", "ayse.yilmaz")
    report = _import(store, variant(DATA, {"Contact.csv": contacts}), all_or_nothing=True)
    assert not report.ok
    assert report.committed == {}
    assert report.changed is False
    assert _at(report, "Contact.csv line 3")[0].field == "Email"
    assert store_state(store) == before


def test_all_or_nothing_reports_store_problems_and_writes_nothing(
    store: GraphStore,
    variant: Callable[..., Path],
    store_state: Callable[[GraphStore], State],
) -> None:
    before = store_state(store)
    contacts = CONTACTS.replace(
        "0035g00000Ctc00005,0015g00000EgeTks03", "0035g00000Ctc00005,0015g00000YOKYOK99"
    )
    report = _import(store, variant(DATA, {"Contact.csv": contacts}), all_or_nothing=True)
    (unknown,) = _at(report, "Contact.csv line 6")
    assert unknown.field == "AccountId"
    assert store_state(store) == before


def test_all_or_nothing_commits_a_clean_import(store: GraphStore) -> None:
    report = _import(store, DATA, all_or_nothing=True)
    assert report.ok
    assert report.changed
    assert report.committed["contacts"] == 8
    assert store.list_contacts(PageRequest()).total == 8


def test_reimport_keeps_what_the_export_cannot_say(store: GraphStore) -> None:
    """Fields without a column in the export keep what graphcrm recorded."""
    _import(store, DATA)
    holding = store.get_account(HOLDING)
    ayse = store.get_contact(ContactId("0035g00000Ctc00002"))
    deal = store.get_deal(DealId("0065g00000Opp00001")).deal
    store.apply(
        ChangeSet(
            accounts=(holding.model_copy(update={"territory": "TR-Marmara"}),),
            contacts=(
                ayse.model_copy(
                    update={
                        "status": ContactStatus.LEFT_COMPANY,
                        "linkedin_url": "https://www.linkedin.com/in/ayse",
                    }
                ),
            ),
            deals=(deal.model_copy(update={"competitors": ("SAP",), "currency": "EUR"}),),
        ),
        actor="test",
    )
    again = _import(store, DATA)
    assert again.ok
    assert again.changed is False
    assert store.get_account(HOLDING).territory == "TR-Marmara"
    ayse = store.get_contact(ContactId("0035g00000Ctc00002"))
    assert (ayse.status, ayse.linkedin_url) == (
        ContactStatus.LEFT_COMPANY,
        "https://www.linkedin.com/in/ayse",
    )
    deal = store.get_deal(DealId("0065g00000Opp00001")).deal
    assert (deal.competitors, deal.currency) == (("SAP",), "EUR")


def test_a_column_the_file_has_still_updates(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    _import(store, DATA)
    contacts = CONTACTS.replace("Mali İşler Direktörü", "Finans Başkan Yardımcısı (VP)")
    report = _import(store, variant(DATA, {"Contact.csv": contacts}))
    assert report.changed
    ayse = store.get_contact(ContactId("0035g00000Ctc00002"))
    assert ayse.title == "Finans Başkan Yardımcısı (VP)"
    assert ayse.seniority is Seniority.VP  # derived from the title, so it follows it


def test_a_file_without_an_optional_column_keeps_the_stored_values(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    _import(store, DATA)
    assert store.get_account(HOLDING).sector == "manufacturing"
    no_industry = "\n".join(
        ",".join(c for i, c in enumerate(line.split(",")) if i != 3)  # drop Industry
        for line in ACCOUNTS.splitlines()
    )
    assert "Industry" not in no_industry
    report = _import(store, variant(DATA, {"Account.csv": no_industry + "\n"}))
    assert report.ok
    assert store.get_account(HOLDING).sector == "manufacturing"


def test_territory_goes_to_new_accounts_only(store: GraphStore) -> None:
    store.apply(
        ChangeSet(accounts=(Account(id=HOLDING, name="Anadolu Holding", territory="TR-Ege"),)),
        actor="test",
    )
    report = import_salesforce(store, DATA, actor="test", territory="TR-Marmara")
    assert report.ok
    assert store.get_account(HOLDING).territory == "TR-Ege"  # stored: kept
    assert store.get_account(MAKINA).territory == "TR-Marmara"  # new: given
    assert store.get_account(BOGAZICI).territory == "TR-Marmara"


def test_an_id_outside_the_grammar_is_a_rejected_row_naming_the_column(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    accounts = ACCOUNTS + "001/Bölüm,Eğik Çizgi A.Ş.,,,,,\n" + "..,Üst Klasör A.Ş.,,,,,\n"
    report = _import(store, variant(DATA, {"Account.csv": accounts}))
    (slash,) = _at(report, "Account.csv line 6")
    (dots,) = _at(report, "Account.csv line 7")
    assert (slash.field, dots.field) == ("Id", "Id")
    assert slash.message.startswith("an id may not contain '/'"), slash.message
    assert dots.message.startswith("an id may not be '.' or '..'"), dots.message
    assert report.committed["accounts"] == 4  # the fixture's accounts all stand
