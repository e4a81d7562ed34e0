"""The HubSpot import, on the hand-made export in ``tests/data/hubspot``.

The export is of two Turkish accounts' records and activity in 2025: UTF-8
files, some with a BOM and CRLF line ends, times in HubSpot's ``2025-02-11
09:30`` form and in ISO 8601 with a zone, a note body over two lines, a deal
that moved backwards and one in a custom pipeline ("Kurumsal Satış") whose
stages ``tests/data/hubspot-mapping.toml`` maps.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from graphcrm.analytics import SignalCode as RiskCode
from graphcrm.domain import (
    AccountId,
    ContactId,
    ContactStatus,
    DealId,
    Direction,
    PageRequest,
    RepId,
    Role,
    Seniority,
    Stage,
    Touchpoint,
    TouchpointKind,
)
from graphcrm.errors import InvalidError
from graphcrm.io.hubspot import import_hubspot
from graphcrm.io.importing import ImportReport
from graphcrm.io.mapping import CrmMapping
from graphcrm.services.risk import assess_deal
from graphcrm.services.scoring import score_account
from graphcrm.store.port import GraphStore

DATA = Path(__file__).resolve().parents[2] / "data" / "hubspot"
MAPPING = CrmMapping.load(DATA.parent / "hubspot-mapping.toml")
ROLES = (DATA / "buying_roles.csv").read_text(encoding="utf-8")
CONTACTS = (DATA / "contacts.csv").read_text(encoding="utf-8-sig")
DEALS = (DATA / "deals.csv").read_text(encoding="utf-8")
CALLS = (DATA / "calls.csv").read_text(encoding="utf-8-sig")
KARADENIZ, MARMARA = AccountId("9001"), AccountId("9003")
HUSEYIN, SULE, TOLGA, NAZLI, BARIS = (ContactId(str(n)) for n in range(501, 506))
SANTIYE, MAGAZA, DEPO, ERP = (DealId(str(n)) for n in range(7001, 7005))

State = tuple[dict[str, int], int]


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def load(store: GraphStore, directory: Path = DATA, **kw: object) -> ImportReport:
    """Import with the fixture's mapping file (deal 7004 is in a custom pipeline)."""
    return import_hubspot(store, directory, actor="test", mapping=MAPPING, **kw)  # type: ignore[arg-type]


def test_happy_path(store: GraphStore) -> None:
    report = load(store)
    assert report.ok
    assert report.changed
    assert report.committed == {
        "reps": 2, "accounts": 3, "contacts": 5, "deals": 4, "deal_roles": 6,
        "stage_changes": 12, "close_date_changes": 4, "touchpoints": 10,
    }  # fmt: skip
    yapi = store.get_account(AccountId("9002"))
    assert (yapi.parent_id, yapi.country, yapi.sector) == ("9001", "TR", "construction")
    assert store.get_account(AccountId("9003")).sector == "textile_retail"
    assert store.get_rep(RepId("Zeynep Arslan")).name == "Zeynep Arslan"
    sule = store.get_contact(ContactId("502"))
    assert (sule.name, sule.seniority) == ("Şule Erdoğan", Seniority.DIRECTOR)
    baris = store.get_contact(ContactId("505"))
    assert baris.title == 'CFO, "Finans" & Yatırım'
    assert baris.seniority is Seniority.C_LEVEL
    deal = store.get_deal(DealId("7002")).deal
    assert (deal.stage, deal.amount, deal.owner_id) == (
        Stage.NEEDS_ANALYSIS, Decimal("640000.25"), "Emre Koç"
    )  # fmt: skip
    assert deal.expected_close is not None
    assert deal.expected_close.isoformat() == "2026-05-15"
    assert store.get_deal(DealId("7001")).deal.stage is Stage.PRESENTATION
    graph = store.stakeholder_graph(AccountId("9001"), include_family=True)
    roles = {(str(r.deal_id), str(r.contact_id)): r.roles for r in graph.deal_roles}
    assert roles[("7001", "501")] == {Role.DECISION_MAKER, Role.ECONOMIC_BUYER}
    assert roles[("7001", "503")] == roles[("7003", "503")] == {Role.BLOCKER, Role.INFLUENCER}
    marmara = store.stakeholder_graph(AccountId("9003"))
    assert {(r.contact_id, r.roles) for r in marmara.deal_roles} == {
        ("504", frozenset({Role.CHAMPION, Role.BUSINESS_USER}))  # labels read too
    }
    several = [w for w in report.warnings if w.where.startswith("contacts.csv")]
    assert [(w.where, w.field) for w in several] == [
        ("contacts.csv line 4", "Associated Company IDs")
    ]


def test_reimport_changes_nothing(
    store: GraphStore, store_state: Callable[[GraphStore], State]
) -> None:
    load(store)
    before = store_state(store)
    assert load(store).changed is False
    assert store_state(store) == before


def test_unknown_buying_role_and_stage_are_named(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    roles = ROLES.replace("CHAMPION,7001", "ŞAMPİYON,7001")
    deals = DEALS.replace("Closed Lost", "Kaybedildi")
    report = load(store, variant(DATA, {"buying_roles.csv": roles, "deals.csv": deals}))
    problems = {(p.where, p.field): p.message for p in report.problems}
    # an unknown role is read as 'other', with one warning counting its rows
    warnings = {(p.where, p.field): p.message for p in report.warnings}
    role_warning = warnings[("buying_roles.csv line 3", "Buying Role")]
    assert "unknown role 'ŞAMPİYON' read as 'other'" in role_warning
    assert "(1 row, first at line 3)" in role_warning
    assert ("buying_roles.csv line 3", "Buying Role") not in problems
    stage_problem = problems[("deals.csv line 4", "Deal Stage")]
    assert "unknown stage 'Kaybedildi' of pipeline 'Sales Pipeline'" in stage_problem
    assert '[pipelines."Sales Pipeline".stages] "Kaybedildi" = ' in stage_problem
    # Tolga's row names the rejected deal 7003: the whole row goes
    assert problems[("buying_roles.csv line 4", "Associated Deal IDs")] == (
        "deal '7003' was rejected (deals.csv line 4)"
    )
    assert report.committed["deal_roles"] == 4  # Hüseyin's two (7004 is new), Şule's, Nazlı's


def test_contact_without_company_is_rejected(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    contacts = CONTACTS.replace(",9003,lead", ",,lead", 1)
    report = load(store, variant(DATA, {"contacts.csv": contacts}))
    (p,) = [p for p in report.problems if p.where == "contacts.csv line 5"]
    assert p.field == "Associated Company IDs"
    assert report.committed["contacts"] == 4


def test_missing_required_column_names_file_and_column(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    roles = ROLES.replace("Associated Deal IDs", "Deals")
    with pytest.raises(InvalidError) as e:
        load(store, variant(DATA, {"buying_roles.csv": roles}))
    (p,) = e.value.problems
    assert (p.where, p.field) == ("buying_roles.csv line 1", "Associated Deal IDs")
    assert store.stats().counts["account"] == 0


# --- activities -----------------------------------------------------------------


def test_activities_become_touchpoints(store: GraphStore) -> None:
    report = load(store)
    assert report.rows_read == {
        "companies.csv": 3, "contacts.csv": 5, "deals.csv": 4, "buying_roles.csv": 5,
        "calls.csv": 4, "meetings.csv": 3, "emails.csv": 4, "notes.csv": 3,
    }  # fmt: skip
    page = store.list_touchpoints(PageRequest(limit=100))
    tps: dict[str, Touchpoint] = {tp.id: tp for tp in page.items}
    seen = {i: (tp.kind, tp.direction, tp.at, tp.contact_ids, tp.deal_id) for i, tp in tps.items()}
    call, meeting, email, note = (
        TouchpointKind.CALL,
        TouchpointKind.MEETING,
        TouchpointKind.EMAIL,
        TouchpointKind.OTHER,
    )
    inbound, outbound, both = Direction.INBOUND, Direction.OUTBOUND, Direction.TWO_WAY
    assert seen == {
        # HubSpot's "2025-03-12 10:30" form, read as UTC
        "81001": (call, outbound, t("2025-03-12T10:30"), (HUSEYIN,), SANTIYE),
        # +03:00 converted; every associated contact takes part
        "81002": (call, inbound, t("2025-05-20T11:05"), (SULE, TOLGA), SANTIYE),
        # 81003 "No answer": reached nobody
        "81004": (call, outbound, t("2025-04-23T09:00"), (NAZLI,), MAGAZA),  # left voicemail
        "82001": (meeting, both, t("2025-04-16T07:00"), (HUSEYIN, SULE, TOLGA), SANTIYE),
        # 82002 canceled; 82003 has no start time: its Activity date
        "82003": (meeting, both, t("2025-04-28T15:00"), (NAZLI, BARIS), MAGAZA),
        "83001": (email, outbound, t("2025-05-22T07:45"), (HUSEYIN,), SANTIYE),  # EMAIL
        "83002": (email, inbound, t("2025-05-23T16:20"), (HUSEYIN,), SANTIYE),  # INCOMING_EMAIL
        # 83003 bounced; a forwarded email is one a rep received
        "83004": (email, inbound, t("2025-05-02T08:10"), (BARIS,), MAGAZA),
        "84001": (note, outbound, t("2025-06-10T11:00"), (TOLGA,), SANTIYE),
        # 84002 is on no contact; 84003's deal 7999 is neither in deals.csv nor stored
        "84003": (note, outbound, t("2025-06-18T16:00"), (NAZLI,), None),
    }
    assert {tp.account_id for tp in tps.values() if tp.deal_id == SANTIYE} == {KARADENIZ}
    assert tps["82001"].rep_ids == (RepId("Zeynep Arslan"),)  # "HubSpot owner" accepted too
    assert tps["81004"].rep_ids == (RepId("Emre Koç"),)
    # the title, else the body without its HTML, on one line
    assert tps["81004"].summary == "Mağaza analitiği için geri arama rica edildi."
    assert tps["84001"].summary == (
        "Tolga Bey ile şantiyede ayaküstü görüştük. Depo projesinde fiyat konusunda "
        '"çekinceleri" var; rakipten teklif almışlar & karşılaştırıyorlar.'
    )
    warnings = {(w.where, w.field): w.message for w in report.warnings}
    # lines are physical: 82001's description spans lines 2-4
    assert warnings[("meetings.csv line 5", "Meeting outcome")].startswith(
        "meeting 'Canceled': did not take place, skipped (1 row"
    )
    assert ("calls.csv line 4", "Call outcome") in warnings
    assert ("emails.csv line 4", "Email status") in warnings
    assert ("notes.csv line 4", "Associated Contact IDs") in warnings
    assert ("notes.csv line 5", "Associated Deal IDs") in warnings


def test_bad_activity_rows_are_named_and_the_rest_goes_on(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    done, owner = "Connected,Completed,,Zeynep Arslan", "9001,7001,,"
    calls = CALLS + (
        f"81005,Yanlış kişi,2025-05-26 10:00,Outbound,{done},599,{owner}\r\n"
        f"81006,Tarih bozuk,26.05.2025 10:00,Outbound,{done},501,{owner}\r\n"
        f"81007,Yön bozuk,2025-05-27 10:00,Sideways,{done},501,{owner}\r\n"
    )
    notes = (DATA / "notes.csv").read_text(encoding="utf-8-sig").replace("84003,", "81001,")
    report = load(store, variant(DATA, {"calls.csv": calls, "notes.csv": notes}))
    problems = {(p.where, p.field): p.message for p in report.problems}
    assert problems == {
        ("calls.csv line 6", "Associated Contact IDs"): (
            "unknown contact '599': not in the batch and not stored"
        ),
        ("calls.csv line 7", "Activity date"): (
            "'26.05.2025 10:00' is not an ISO 8601 time (e.g. 2026-03-01T09:30:00.000Z)"
        ),
        ("calls.csv line 8", "Call direction"): (
            "unknown call direction 'Sideways'; one of Inbound, Outbound"
        ),
        ("notes.csv line 5", "Record ID"): "duplicate id '81001' (first at calls.csv line 2)",
    }
    assert report.rejected_rows == 4
    assert report.committed["touchpoints"] == 9  # the fixture's ten less 84003
    assert store.get_deal(SANTIYE).deal.stage is Stage.PRESENTATION


def test_all_or_nothing_writes_nothing_on_a_bad_row(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    calls = CALLS.replace("2025-05-21 09:00,Outbound", "21/05/2025,Outbound")
    calls = calls.replace("No answer", "Connected")  # so that the bad row is read
    report = load(store, variant(DATA, {"calls.csv": calls}), all_or_nothing=True)
    ((where, field),) = [(p.where, p.field) for p in report.problems]
    assert (where, field) == ("calls.csv line 4", "Activity date")
    assert not report.changed
    assert not any(store.stats().counts.values())


# --- stage history ----------------------------------------------------------------


def test_date_entered_columns_are_the_stage_history(store: GraphStore) -> None:
    load(store)
    santiye = store.get_deal(SANTIYE)
    # entered Presentation Scheduled on 1 April, then Decision on 15 April and back to
    # Presentation on 6 May: HubSpot keeps the last entry only, so the first is lost
    assert [(c.at, c.from_stage, c.to_stage) for c in santiye.stage_history] == [
        (t("2025-02-20T10:00"), None, Stage.PROSPECTING),
        (t("2025-03-10T09:00"), Stage.PROSPECTING, Stage.NEEDS_ANALYSIS),
        (t("2025-04-15T14:00"), Stage.NEEDS_ANALYSIS, Stage.DECISION),
        (t("2025-05-06T08:00"), Stage.DECISION, Stage.PRESENTATION),  # +03:00; backwards
    ]
    assert [(c.at, c.to_date) for c in santiye.close_date_history] == [
        (t("2025-02-20T10:00"), santiye.deal.expected_close)
    ]
    depo = store.get_deal(DEPO)
    assert [(c.at, c.to_stage) for c in depo.stage_history] == [
        (t("2025-02-25T09:00"), Stage.PROSPECTING),
        (t("2025-03-20T10:00"), Stage.NEEDS_ANALYSIS),
        (t("2025-06-30T17:00"), Stage.CLOSED_LOST),
    ]
    erp = store.get_deal(ERP)  # pipeline "Kurumsal Satış", through the mapping file
    assert erp.deal.stage is Stage.PROPOSAL
    assert [(c.at, c.to_stage) for c in erp.stage_history] == [
        (t("2025-05-12T09:00"), Stage.PROSPECTING),  # "Keşif"
        (t("2025-06-03T14:00"), Stage.NEEDS_ANALYSIS),  # "İhtiyaç Analizi"
        (t("2025-07-01T10:30"), Stage.PROPOSAL),  # "Teklif Hazırlığı"
    ]
    # as of a day, the deal is in the stage it had entered then
    may = store.stakeholder_graph(KARADENIZ, as_of=t("2025-05-01T00:00"))
    assert {d.id: d.stage for d in may.deals} == {SANTIYE: Stage.DECISION}


def test_older_labels_and_an_unmapped_stage_column(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    header, rest = DEALS.split("\n", 1)
    older = header.replace('""', "'")  # Date entered 'Appointment Scheduled (Sales Pipeline)'
    mapping = CrmMapping.from_toml(
        '[pipelines."Kurumsal Satış".stages]\n'
        '"İhtiyaç Analizi" = "needs_analysis"\n"Teklif Hazırlığı" = "proposal"\n'
    )
    report = import_hubspot(
        store, variant(DATA, {"deals.csv": f"{older}\n{rest}"}), actor="test", mapping=mapping
    )
    assert report.ok
    assert [c.to_stage for c in store.get_deal(SANTIYE).stage_history] == [
        Stage.PROSPECTING, Stage.NEEDS_ANALYSIS, Stage.DECISION, Stage.PRESENTATION
    ]  # fmt: skip
    # "Keşif" is not mapped: ERP's history starts at its next stage, and a warning says so
    assert [c.to_stage for c in store.get_deal(ERP).stage_history] == [
        Stage.NEEDS_ANALYSIS, Stage.PROPOSAL
    ]  # fmt: skip
    (unmapped,) = [w for w in report.warnings if "Keşif" in w.field]
    assert (unmapped.where, unmapped.field) == (
        "deals.csv line 5", "Date entered 'Keşif (Kurumsal Satış)'"
    )  # fmt: skip
    assert unmapped.message.startswith("unknown stage 'Keşif' of pipeline 'Kurumsal Satış'")
    assert '[pipelines."Kurumsal Satış".stages] "Keşif" = ' in unmapped.message


def test_date_exited_is_checked(store: GraphStore, variant: Callable[..., Path]) -> None:
    # Depo left Qualified To Buy (for Closed Lost) before it entered it
    deals = DEALS.replace(
        "2025-03-20 10:00,2025-06-30 17:00", "2025-03-20 10:00,2025-03-01 17:00", 1
    )
    report = load(store, variant(DATA, {"deals.csv": deals}))
    assert report.ok
    (w,) = [w for w in report.warnings if w.field.startswith("Date exited")]
    assert (w.where, w.field) == (
        "deals.csv line 4",
        'Date exited "Qualified To Buy (Sales Pipeline)"',
    )
    assert "left a stage before entering it" in w.message
    # Şantiye's current stage was left (15 April) before it was entered again (6 May): fine


def test_without_the_mapping_the_custom_stage_says_how_to_map_it(store: GraphStore) -> None:
    report = import_hubspot(store, DATA, actor="test")
    problems = {(p.where, p.field): p.message for p in report.problems}
    message = problems.pop(("deals.csv line 5", "Deal Stage"))
    assert "unknown stage 'Teklif Hazırlığı' of pipeline 'Kurumsal Satış'" in message
    assert '[pipelines."Kurumsal Satış".stages] "Teklif Hazırlığı" = ' in message
    # Hüseyin's buying roles name the rejected deal: the row goes
    assert problems == {
        ("buying_roles.csv line 2", "Associated Deal IDs"): (
            "deal '7004' was rejected (deals.csv line 5)"
        )
    }


# --- times ------------------------------------------------------------------------


def test_times_come_from_the_export(store: GraphStore) -> None:
    load(store)
    sule = store.get_contact(SULE)
    assert (sule.status, sule.status_from) == (ContactStatus.ACTIVE, t("2025-04-14T05:15"))
    assert store.get_contact(HUSEYIN).status_from == t("2025-02-11T09:30")
    # before Şule's Create Date she is not in the graph, nor is her buying role
    april = store.stakeholder_graph(KARADENIZ, as_of=t("2025-04-01T00:00"))
    assert {c.id for c in april.contacts} == {HUSEYIN, TOLGA}
    assert {(r.deal_id, r.contact_id) for r in april.deal_roles} == {
        (SANTIYE, HUSEYIN),
        (SANTIYE, TOLGA),
    }
    # a buying role starts when the later of its deal and its contact was created
    roles = {
        (r.deal_id, r.contact_id): r.valid_from
        for r in store.stakeholder_graph(KARADENIZ).deal_roles
    }
    assert roles[(SANTIYE, SULE)] == t("2025-04-14T05:15")
    assert roles[(ERP, HUSEYIN)] == t("2025-05-12T09:00")
    # before anything was created there is nothing
    before = store.stakeholder_graph(KARADENIZ, as_of=t("2025-02-01T00:00"))
    assert (before.contacts, before.deals, before.engagement) == ((), (), ())


def test_the_analytics_have_something_to_work_from(store: GraphStore) -> None:
    load(store)
    at = t("2025-06-15T00:00")
    assert score_account(store, KARADENIZ, as_of=at).health.score > 0
    risk = assess_deal(store, SANTIYE, as_of=at).risk
    assert risk is not None
    factors = risk.signals
    codes = [f.code for f in factors]
    assert RiskCode.STALE_ENGAGEMENT not in codes  # Tolga's note five days before
    assert RiskCode.STAGE_REGRESSION in codes  # decision -> presentation, from the columns
    assert not factors[0].message.startswith("no touchpoint")


def test_a_contact_whose_company_changed_has_left(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    load(store)
    moved = CONTACTS.replace(
        "customer,2025-04-14T08:15:00.000+03:00,2025-05-20T11:05:00.000+03:00",
        "customer,2025-04-14T08:15:00.000+03:00,2025-09-01 10:00",
    ).replace(
        "sule.erdogan@karadenizinsaat.com.tr,,9001,", "sule.erdogan@karadenizinsaat.com.tr,,9003,"
    )
    report = load(store, variant(DATA, {"contacts.csv": moved}))
    assert report.changed
    sule = store.get_contact(SULE)
    assert (sule.status, sule.status_from, sule.account_id) == (
        ContactStatus.LEFT_COMPANY,
        t("2025-09-01T10:00"),  # the row's Last Modified Date
        KARADENIZ,  # graphcrm never moves or deletes a person
    )
    assert any("moved from account '9001' to '9003'" in w.message for w in report.warnings)
    august = store.stakeholder_graph(KARADENIZ, as_of=t("2025-08-01T00:00"))
    assert SULE in {c.id for c in august.contacts}
    assert not load(store, variant(DATA, {"contacts.csv": moved})).changed


def test_a_newer_export_keeps_the_stage_entries_it_no_longer_has(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    load(store)
    # in July Şantiye went back to Qualified To Buy (HubSpot overwrites that stage's
    # Date entered, 10 March, with the new entry) and its close date slipped
    rows = list(csv.DictReader(io.StringIO(DEALS)))
    rows[0] |= {
        "Deal Stage": "Qualified To Buy",
        "Close Date": "2026-09-30",
        "Last Modified Date": "2025-07-01 12:05",
        'Date entered "Qualified To Buy (Sales Pipeline)"': "2025-07-01 12:00",
        'Date exited "Presentation Scheduled (Sales Pipeline)"': "2025-07-01 12:00",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    newer = out.getvalue()
    report = load(store, variant(DATA, {"deals.csv": newer}))
    assert report.ok
    moves = [(c.at, c.from_stage, c.to_stage) for c in store.get_deal(SANTIYE).stage_history]
    assert moves == [
        (t("2025-02-20T10:00"), None, Stage.PROSPECTING),
        (t("2025-03-10T09:00"), Stage.PROSPECTING, Stage.NEEDS_ANALYSIS),  # kept
        (t("2025-04-15T14:00"), Stage.NEEDS_ANALYSIS, Stage.DECISION),
        (t("2025-05-06T08:00"), Stage.DECISION, Stage.PRESENTATION),
        (t("2025-07-01T12:00"), Stage.PRESENTATION, Stage.NEEDS_ANALYSIS),
    ]
    closes = [(c.at, c.to_date) for c in store.get_deal(SANTIYE).close_date_history]
    assert closes == [
        (t("2025-02-20T10:00"), date(2026, 7, 31)),
        (t("2025-07-01T12:05"), date(2026, 9, 30)),  # at Last Modified Date
    ]
    assert not load(store, variant(DATA, {"deals.csv": newer})).changed
