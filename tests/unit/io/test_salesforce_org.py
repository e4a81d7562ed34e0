"""The Salesforce import of a whole org's export: activity, history, times, picklists.

The export is ``tests/data/salesforce-org`` (written by its ``make.py``): the org
as it stood (``older/``) and three weeks later (``newer/``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from graphcrm.analytics import SignalCode as RiskCode
from graphcrm.domain import (
    AccountId,
    ContactId,
    ContactStatus,
    DealId,
    Direction,
    EntityKind,
    PageRequest,
    RepId,
    Role,
    Stage,
    Touchpoint,
    TouchpointKind,
)
from graphcrm.errors import InvalidError
from graphcrm.io.importing import ImportReport
from graphcrm.io.mapping import CrmMapping
from graphcrm.io.salesforce import import_salesforce
from graphcrm.io.values import salesforce_id18
from graphcrm.services.risk import assess_deal
from graphcrm.services.scoring import score_account
from graphcrm.store.port import GraphStore

ORG = Path(__file__).resolve().parents[2] / "data" / "salesforce-org"
OLDER, NEWER = ORG / "older", ORG / "newer"
MAPPING = CrmMapping.load(ORG / "mapping.toml")


def sf(id15: str) -> str:
    return salesforce_id18(id15)


HOLDING, EGE = AccountId(sf("0015g0000Xy0001")), AccountId(sf("0015g0000Xy0002"))
MEHMET, AYSE, ISMAIL, SULE, GOKHAN, OMER, ZEYNEP = (
    ContactId(sf(f"0035g0000Xy{n:04d}")) for n in range(1, 8)
)
ERP, DEPO, BAKIM = (DealId(sf(f"0065g0000Xy{n:04d}")) for n in range(1, 4))
AYSE_REP, CAN_REP = RepId(sf("0055g0000Xy0001")), RepId(sf("0055g0000Xy0002"))


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def load(store: GraphStore, directory: Path = OLDER, **kw: object) -> ImportReport:
    return import_salesforce(store, directory, actor="test", mapping=MAPPING, **kw)  # type: ignore[arg-type]


def test_the_fixture_is_what_make_py_writes(tmp_path: Path) -> None:
    """The committed files are the script's output (edit make.py, not the CSVs)."""
    import runpy

    script = runpy.run_path(str(ORG / "make.py"))
    script["org"](tmp_path / "older", newer=False)
    for f in sorted(OLDER.iterdir()):
        assert (tmp_path / "older" / f.name).read_bytes() == f.read_bytes(), f.name
    assert OLDER.joinpath("Task.csv").read_bytes().startswith(b"\xef\xbb\xbfId,")


def test_a_whole_org_imports_with_its_problems_named(store: GraphStore) -> None:
    report = load(store)
    assert report.rows_read["Task.csv"] == 9
    assert report.rows_read["Event.csv"] == 2
    # IsDeleted rows: Gökhan, the maintenance deal, a role and a task
    assert report.skipped == {
        "Contact.csv": 1,
        "Opportunity.csv": 1,
        "OpportunityContactRole.csv": 1,
        "Task.csv": 1,
    }
    problems = {(p.where, p.field): p.message for p in report.problems}
    assert set(problems) == {
        ("OpportunityHistory.csv line 10", "OpportunityId"),
        ("Task.csv line 9", "WhoId"),
        ("Task.csv line 10", "ActivityDate"),
    }
    assert "not in Opportunity.csv" in problems[("OpportunityHistory.csv line 10", "OpportunityId")]
    assert "unknown contact" in problems[("Task.csv line 9", "WhoId")]
    assert "'30.09.2025'" in problems[("Task.csv line 10", "ActivityDate")]
    assert report.committed == {
        "reps": 2,
        "accounts": 2,
        "contacts": 6,
        "reports_to": 4,
        "deals": 2,
        "stage_changes": 8,
        "close_date_changes": 4,
        "deal_roles": 6,
        "touchpoints": 6,
    }
    warnings = " | ".join(p.message for p in report.warnings)
    assert "unknown role 'Sponsor Adayı' read as 'other'" in warnings
    assert "status 'Not Started': a planned task, skipped" in warnings
    assert "a lead, not a contact" in warnings
    with pytest.raises(Exception, match=r"not found|unknown|no "):
        store.get_contact(GOKHAN)  # deleted before we ever saw him: skipped
    with pytest.raises(Exception, match=r"not found|unknown|no "):
        store.get_deal(BAKIM)


def test_users_name_the_reps(store: GraphStore) -> None:
    load(store)
    rep = store.get_rep(AYSE_REP)
    assert (rep.name, rep.email) == ("Ayşe Kaya", "ayse.kaya@satici.com.tr")


def test_tasks_and_events_become_touchpoints(store: GraphStore) -> None:
    load(store)
    page = store.list_touchpoints(PageRequest(limit=100), account_id=HOLDING)
    by_id: dict[str, Touchpoint] = {tp.id: tp for tp in page.items}
    call = by_id["00T1"]  # 15-character WhoId/WhatId in the file -> the 18-character records
    assert (call.kind, call.direction) == (TouchpointKind.CALL, Direction.OUTBOUND)
    assert call.contact_ids == (AYSE,)
    assert call.rep_ids == (AYSE_REP,)
    assert call.deal_id == ERP
    assert call.at == t("2025-10-20T11:00:00")  # CreatedDate falls on the ActivityDate
    email = by_id["00T3"]  # no AccountId: the contact's
    assert email.account_id == HOLDING
    assert email.kind is TouchpointKind.EMAIL
    assert email.at == t("2025-11-03T06:00:00")  # +0300 read as UTC
    assert email.direction is Direction.OUTBOUND  # an email the export does not direct
    meeting = by_id["00U1"]
    assert meeting.kind is TouchpointKind.MEETING
    assert meeting.direction is Direction.TWO_WAY
    assert meeting.contact_ids == (MEHMET, AYSE, SULE)  # WhoId, then EventRelation
    assert meeting.rep_ids == (AYSE_REP, CAN_REP)  # OwnerId, then the user in EventRelation
    assert meeting.at == t("2025-11-05T07:00:00")
    assert "00T4" not in by_id  # not started: a plan, not a touchpoint
    demo = store.list_touchpoints(PageRequest(limit=100), account_id=EGE).items
    kinds: dict[str, object] = {tp.id: (tp.kind, tp.direction, tp.contact_ids) for tp in demo}
    assert kinds["00U2"] == (TouchpointKind.DEMO, Direction.TWO_WAY, (OMER, ZEYNEP))
    calls = {tp.id: tp for tp in demo if tp.kind is TouchpointKind.CALL}
    assert [tp.direction for tp in calls.values()] == [Direction.INBOUND]  # CallType


def test_stage_history_with_a_backward_move_and_a_mapped_custom_stage(store: GraphStore) -> None:
    load(store)
    erp = store.get_deal(ERP)
    moves = [(c.at, c.from_stage, c.to_stage) for c in erp.stage_history]
    assert moves == [
        (t("2025-02-01T10:00:00"), None, Stage.PROSPECTING),
        (t("2025-03-01T10:00:00"), Stage.PROSPECTING, Stage.NEEDS_ANALYSIS),
        (t("2025-04-15T10:00:00"), Stage.NEEDS_ANALYSIS, Stage.NEGOTIATION),
        (t("2025-05-01T10:00:00"), Stage.NEGOTIATION, Stage.NEEDS_ANALYSIS),  # backwards
        (t("2025-06-10T12:00:00"), Stage.NEEDS_ANALYSIS, Stage.NEGOTIATION),
    ]
    assert [(c.at, c.to_date) for c in erp.close_date_history] == [
        (t("2025-02-01T10:00:00"), date(2025, 12, 15)),
        (t("2025-04-15T10:00:00"), date(2025, 12, 31)),
        (t("2025-06-10T12:00:00"), date(2025, 12, 15)),
    ]
    depo = store.get_deal(DEPO)
    assert [c.to_stage for c in depo.stage_history] == [
        Stage.PROSPECTING,
        Stage.PRESENTATION,  # "Teknik Değerlendirme", through mapping.toml
        Stage.CLOSED_LOST,
    ]
    assert depo.deal.loss_reason == "Fiyat: rakip %20 daha ucuz"
    assert depo.deal.currency == "EUR"


def test_roles_through_the_defaults_and_the_mapping_file(store: GraphStore) -> None:
    load(store)
    sg = store.stakeholder_graph(HOLDING)
    roles = {r.contact_id: r.roles for r in sg.deal_roles if r.deal_id == ERP}
    assert roles[AYSE] == {Role.CHAMPION}  # "Champion": a shipped default
    assert roles[ISMAIL] == {Role.TECHNICAL_BUYER, Role.EVALUATOR}  # the mapping file
    assert roles[MEHMET] == {Role.ECONOMIC_BUYER}
    ege = store.stakeholder_graph(EGE)
    assert {r.contact_id: r.roles for r in ege.deal_roles}[ZEYNEP] == {Role.OTHER}


def test_without_the_mapping_an_unknown_open_stage_says_how_to_map_it(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    text = (OLDER / "Opportunity.csv").read_text(encoding="utf-8-sig")
    text = text.replace("Negotiation/Review", "Teknik Değerlendirme")
    report = import_salesforce(store, variant(OLDER, {"Opportunity.csv": text}), actor="test")
    (problem,) = [p for p in report.problems if p.where == "Opportunity.csv line 2"]
    assert problem.field == "StageName"
    assert "unknown stage 'Teknik Değerlendirme'" in problem.message
    assert '[stages] "Teknik Değerlendirme" = "negotiation"' in problem.message
    assert report.committed["deals"] == 1


def test_times_come_from_the_export(store: GraphStore) -> None:
    """As of a date, the org reads as the CRM recorded it then (not as of the import)."""
    load(store)
    may = t("2025-05-15T00:00:00")
    sg = store.stakeholder_graph(HOLDING, as_of=may)
    assert {c.id for c in sg.contacts} == {MEHMET, AYSE, ISMAIL}  # Şule joined in June
    assert {(r.contact_id, r.manager_id) for r in sg.reports_to} == {
        (AYSE, MEHMET),
        (ISMAIL, AYSE),
    }
    (deal,) = sg.deals
    assert deal.stage is Stage.NEEDS_ANALYSIS  # after the backward move of 1 May
    assert {r.contact_id for r in sg.deal_roles} == {MEHMET, AYSE, ISMAIL}
    ismail = store.get_contact(ISMAIL)
    assert ismail.status_from == t("2025-01-12T06:00:00")  # CreatedDate, +0300
    before = store.stakeholder_graph(HOLDING, as_of=t("2025-01-09T00:00:00"))
    assert before.contacts == ()
    assert before.deals == ()


def test_the_analytics_have_something_to_work_from(store: GraphStore) -> None:
    load(store)
    at = t("2025-11-10T00:00:00")
    scores = score_account(store, HOLDING, as_of=at)
    assert scores.health.score > 0
    risk = assess_deal(store, ERP, as_of=at).risk
    assert risk is not None
    codes = {f.code for f in risk.signals}
    assert RiskCode.STALE_ENGAGEMENT not in codes  # touched in the last weeks
    assert RiskCode.NO_CHAMPION not in codes  # Ayşe's "Champion" role
    assert RiskCode.ECONOMIC_BUYER_NOT_ENGAGED not in codes  # Mehmet emailed and met
    # without activity, the same deal as of the same day had nothing to show
    early = assess_deal(store, ERP, as_of=t("2025-07-01T00:00:00")).risk
    assert early is not None
    assert RiskCode.STALE_ENGAGEMENT in {f.code for f in early.signals}


def test_a_second_identical_import_changes_nothing(store: GraphStore) -> None:
    load(store)
    seq = store.change_log(PageRequest(limit=1000)).total
    again = load(store)
    assert not again.changed
    assert store.change_log(PageRequest(limit=1000)).total == seq


def test_a_newer_export_adds_only_what_changed(store: GraphStore) -> None:
    load(store)
    seq = store.change_log(PageRequest(limit=1000)).total
    report = load(store, NEWER)
    assert report.changed
    log = store.change_log(PageRequest(limit=1000), since_seq=seq).items
    changed = sorted((e.entity.value, e.key, e.op.value) for e in log)
    kinds = {e.entity for e in log}
    assert kinds <= {
        EntityKind.CONTACT_STATUS,
        EntityKind.DEAL,
        EntityKind.STAGE_CHANGE,
        EntityKind.CLOSE_DATE_CHANGE,
        EntityKind.TOUCHPOINT,
    }, changed
    assert (EntityKind.TOUCHPOINT.value, "00TA", "create") in changed
    erp = store.get_deal(ERP)
    assert erp.deal.stage is Stage.CLOSED_WON
    assert erp.stage_history[-1].at == t("2025-11-28T15:00:00")
    # Ayşe was deleted, İsmail moved to Ege: both left, at their LastModifiedDate, never deleted
    ayse, ismail = store.get_contact(AYSE), store.get_contact(ISMAIL)
    assert (ayse.status, ayse.status_from) == (
        ContactStatus.LEFT_COMPANY,
        t("2025-11-20T10:00:00"),
    )
    assert (ismail.status, ismail.status_from, ismail.account_id) == (
        ContactStatus.LEFT_COMPANY,
        t("2025-11-21T08:00:00"),
        HOLDING,
    )
    assert any("moved from account" in w.message for w in report.warnings)
    # as of before they left, they are still there
    sg = store.stakeholder_graph(HOLDING, as_of=t("2025-11-01T00:00:00"))
    assert {AYSE, ISMAIL} <= {c.id for c in sg.contacts}
    assert not load(store, NEWER).changed


def test_all_or_nothing_writes_nothing_on_a_bad_row(store: GraphStore) -> None:
    report = load(store, all_or_nothing=True)
    # the bad cells are found while reading; the store is then never asked
    assert report.problem_count == 2
    assert not report.changed
    assert not any(store.stats().counts.values())


def test_a_mapping_file_that_names_no_role_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "m.toml"
    bad.write_text('[roles]\n"Coach" = "mentor"\n[stagez]\n', encoding="utf-8")
    with pytest.raises(InvalidError) as e:
        CrmMapping.load(bad)
    fields = {p.field for p in e.value.problems}
    assert "stagez" in fields
    assert any(f.startswith("roles.Coach") for f in fields)
