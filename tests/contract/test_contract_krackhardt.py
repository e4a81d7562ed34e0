"""Real data through the public code path: the Krackhardt high-tech managers,
imported as one account, read back as an org chart and an influence graph."""

from __future__ import annotations

from pathlib import Path

from graphcrm.domain import AccountId, ContactId, InfluenceKind
from graphcrm.io.krackhardt import load_krackhardt
from graphcrm.services.orgchart import OrgNode, org_chart
from graphcrm.store import GraphStore

DATA = Path(__file__).resolve().parents[1] / "data" / "krackhardt-hightech"
VPS = {2, 14, 18, 21}


def _m(n: int) -> ContactId:
    return ContactId(f"KHT-M{n:02d}")


def test_krackhardt_loads_as_one_account_with_ceo_vps_and_managers(store: GraphStore) -> None:
    store.apply(load_krackhardt(DATA), actor="test")
    chart = org_chart(store, AccountId("KHT"))
    assert [root.contact.id for root in chart.roots] == [_m(7)]
    ceo = chart.roots[0]
    assert {node.contact.id for node in ceo.reports} == {_m(v) for v in VPS}

    def under(node: OrgNode) -> set[ContactId]:
        return {n.contact.id for n in node.reports}

    managers: set[ContactId] = set()
    for vp in ceo.reports:
        # every manager sits directly under a VP, and has nobody under them
        assert all(not m.reports for m in vp.reports)
        managers |= under(vp)
    assert managers == {_m(n) for n in range(1, 22)} - {_m(7)} - {_m(v) for v in VPS}
    assert chart.size() == 21

    graph = store.stakeholder_graph(AccountId("KHT"))
    advice = [i for i in graph.influences if i.kind is InfluenceKind.ADVISES]
    assert len(advice) == 190
    # advice.csv's first row is "1,2": manager 1 goes to manager 2 for advice
    assert any(i.influencer_id == _m(2) and i.influenced_id == _m(1) for i in advice)
