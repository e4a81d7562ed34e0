from __future__ import annotations

from datetime import UTC, datetime

from graphcrm.domain import (
    Account,
    AccountId,
    Contact,
    ContactId,
    LineKind,
    ReportsTo,
    Seniority,
    StakeholderGraph,
)
from graphcrm.services.orgchart import build_org_chart

T = datetime(2026, 1, 1, tzinfo=UTC)


def _graph(contacts: list[Contact], lines: list[ReportsTo]) -> StakeholderGraph:
    return StakeholderGraph(
        as_of=T,
        accounts=(Account(id=AccountId("A"), name="Anadolu Makina"),),
        contacts=tuple(contacts),
        reports_to=tuple(lines),
        influences=(),
        deals=(),
        deal_roles=(),
        reps=(),
        rep_knows=(),
        engagement=(),
        contact_ties=(),
        rep_ties=(),
    )


def _c(cid: str, name: str, seniority: Seniority, account: str = "A") -> Contact:
    return Contact(id=ContactId(cid), account_id=AccountId(account), name=name, seniority=seniority)


def _line(contact: str, manager: str, kind: LineKind = LineKind.SOLID) -> ReportsTo:
    return ReportsTo(
        contact_id=ContactId(contact), manager_id=ContactId(manager), kind=kind, valid_from=T
    )


def test_tree_follows_solid_lines_orders_children_and_keeps_dotted_lines_aside() -> None:
    contacts = [
        _c("ceo", "Mehmet Öz", Seniority.C_LEVEL),
        _c("vp2", "Şule Kaya", Seniority.VP),
        _c("vp1", "Çağrı Işık", Seniority.VP),
        _c("dir", "Ayşe Yılmaz", Seniority.DIRECTOR),
        _c("ic", "İpek Demir", Seniority.INDIVIDUAL_CONTRIBUTOR),
        _c("other", "Yabancı", Seniority.VP, account="B"),
    ]
    lines = [
        _line("vp1", "ceo"),
        _line("vp2", "ceo"),
        _line("dir", "vp2"),
        _line("ic", "dir"),
        _line("ic", "vp1", LineKind.DOTTED),
        _line("vp2", "other", LineKind.DOTTED),
    ]
    chart = build_org_chart(_graph(contacts, lines), AccountId("A"))
    assert [r.contact.id for r in chart.roots] == ["ceo"]
    ceo = chart.roots[0]
    # Turkish order: Ç before Ş
    assert [n.contact.id for n in ceo.reports] == ["vp1", "vp2"]
    ic = ceo.reports[1].reports[0].reports[0]
    assert ic.contact.id == "ic"
    assert ic.dotted_managers == ("vp1",)
    # a dotted line to someone outside the account is not drawn
    assert ceo.reports[1].dotted_managers == ()
    assert chart.size() == 5


def test_contacts_without_a_manager_become_roots_in_seniority_order() -> None:
    contacts = [
        _c("ic", "Zeki", Seniority.INDIVIDUAL_CONTRIBUTOR),
        _c("ceo", "Ali", Seniority.C_LEVEL),
    ]
    chart = build_org_chart(_graph(contacts, []), AccountId("A"))
    assert [r.contact.id for r in chart.roots] == ["ceo", "ic"]
