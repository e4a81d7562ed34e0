"""The HubSpot import, on the hand-made export in ``tests/data/hubspot``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from graphcrm.domain import AccountId, ContactId, DealId, RepId, Role, Seniority, Stage
from graphcrm.errors import InvalidError
from graphcrm.io.hubspot import import_hubspot
from graphcrm.store.port import GraphStore

DATA = Path(__file__).resolve().parents[2] / "data" / "hubspot"
ROLES = (DATA / "buying_roles.csv").read_text(encoding="utf-8")
CONTACTS = (DATA / "contacts.csv").read_text(encoding="utf-8")

State = tuple[dict[str, int], int]


def test_happy_path(store: GraphStore) -> None:
    report = import_hubspot(store, DATA, actor="test")
    assert report.ok
    assert report.changed
    assert report.committed == {
        "reps": 2, "accounts": 3, "contacts": 5, "deals": 3, "deal_roles": 5,
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
    (several,) = report.warnings
    assert (several.where, several.field) == ("contacts.csv line 4", "Associated Company IDs")


def test_reimport_changes_nothing(
    store: GraphStore, store_state: Callable[[GraphStore], State]
) -> None:
    import_hubspot(store, DATA, actor="test")
    before = store_state(store)
    assert import_hubspot(store, DATA, actor="test").changed is False
    assert store_state(store) == before


def test_unknown_buying_role_and_stage_are_named(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    roles = ROLES.replace("CHAMPION,7001", "ŞAMPİYON,7001")
    deals = (DATA / "deals.csv").read_text(encoding="utf-8").replace("Closed Lost", "Kaybedildi")
    report = import_hubspot(
        store, variant(DATA, {"buying_roles.csv": roles, "deals.csv": deals}), actor="test"
    )
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
    assert report.committed["deal_roles"] == 3


def test_contact_without_company_is_rejected(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    contacts = CONTACTS.replace(",9003,lead", ",,lead", 1)
    report = import_hubspot(store, variant(DATA, {"contacts.csv": contacts}), actor="test")
    (p,) = [p for p in report.problems if p.where == "contacts.csv line 5"]
    assert p.field == "Associated Company IDs"
    assert report.committed["contacts"] == 4


def test_missing_required_column_names_file_and_column(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    roles = ROLES.replace("Associated Deal IDs", "Deals")
    with pytest.raises(InvalidError) as e:
        import_hubspot(store, variant(DATA, {"buying_roles.csv": roles}), actor="test")
    (p,) = e.value.problems
    assert (p.where, p.field) == ("buying_roles.csv line 1", "Associated Deal IDs")
    assert store.stats().counts["account"] == 0
