"""What each view draws, on the sample account whose answers are known."""

from __future__ import annotations

import time

import pytest

from graphcrm.analytics import HiddenInfluencer, build_network, score_contacts
from graphcrm.domain import AccountId, ChangeSet, Contact, ContactId, ReportsTo, Seniority
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import assess
from graphcrm.store import GraphStore
from graphcrm.viz import (
    AUTO_DEPTH,
    deal_view,
    influence_map_view,
    org_chart_view,
)
from graphcrm.viz.style import (
    DEPARTED_FILL,
    DOTTED_LINE,
    KIND_COLOURS,
    PATH_LINE,
    SOLID_LINE,
    STANCE_COLOURS,
)
from tests.viz.conftest import SnapshotAt
from tests.viz.sample import (
    ACCOUNT,
    AFTER_LEAVING,
    BEFORE_LEAVING,
    CEO,
    CONTACTS,
    DEAL,
    DOTTED_LINES,
    ENG,
    GONE,
    INFLUENCES,
    OPS,
    REP,
    SOLID_LINES,
    VP,
    XSS_NAME,
)


def _by_id(items: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {i["id"]: i for i in items}


def test_org_chart_is_a_top_down_tree_with_physics_off(snapshot_at: SnapshotAt) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    view = org_chart_view(snap.net, ACCOUNT, scores=snap.scores)
    assert view.options["physics"] == {"enabled": False}
    assert view.options["layout"]["hierarchical"]["enabled"] is True
    assert view.options["layout"]["hierarchical"]["direction"] == "UD"
    nodes = _by_id(view.nodes)
    assert set(nodes) == set(CONTACTS)
    assert [nodes[c]["level"] for c in (CEO, VP, ENG, OPS, GONE)] == [0, 1, 2, 1, 1]
    assert len(view.edges) == len(SOLID_LINES) + len(DOTTED_LINES)
    assert view.collapse_depth is None  # small charts open expanded


def test_dotted_lines_are_dashed_and_coloured_apart_from_solid_ones(
    snapshot_at: SnapshotAt,
) -> None:
    view = org_chart_view(snapshot_at(BEFORE_LEAVING).net, ACCOUNT)
    solid = [e for e in view.edges if e["kind"] == "solid"]
    dotted = [e for e in view.edges if e["kind"] == "dotted"]
    assert {(e["to"], e["from"]) for e in solid} == set(SOLID_LINES)
    assert {(e["to"], e["from"]) for e in dotted} == set(DOTTED_LINES)
    assert all(e["dashes"] is False and e["color"] == {"color": SOLID_LINE} for e in solid)
    assert all(e["dashes"] and e["color"] == {"color": DOTTED_LINE} for e in dotted)


def test_size_follows_influence_and_colour_follows_stance_on_the_deal(
    snapshot_at: SnapshotAt,
) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    view = org_chart_view(snap.net, ACCOUNT, scores=snap.scores, deal_id=DEAL)
    nodes = _by_id(view.nodes)
    ranked = sorted(CONTACTS[:4], key=lambda c: snap.scores.influence_norm[c])
    sizes = [float(str(nodes[c]["size"])) for c in ranked]
    assert sizes == sorted(sizes)
    assert sizes[0] < sizes[-1]
    colour = {c: nodes[c]["color"]["background"] for c in CONTACTS}  # type: ignore[index]
    assert colour[VP] == STANCE_COLOURS[2]
    assert colour[CEO] == STANCE_COLOURS[1]
    assert colour[OPS] == STANCE_COLOURS[-2]
    assert colour[ENG] == STANCE_COLOURS[None]


def test_role_badges_are_in_the_label_in_the_chosen_language(snapshot_at: SnapshotAt) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    en = _by_id(org_chart_view(snap.net, ACCOUNT, deal_id=DEAL).nodes)
    tr = _by_id(org_chart_view(snap.net, ACCOUNT, deal_id=DEAL, lang="tr").nodes)
    assert en[CEO]["label"] == "Ayşe Öztürk\n[Economic Buyer · Decision Maker]"
    assert en[VP]["label"] == f"{XSS_NAME}\n[Champion]"
    assert tr[OPS]["label"] == "Oya Kaya\n[Engelleyici]"
    assert en[ENG]["label"] == "Emre Işık"


def test_every_view_is_as_of_its_date_and_people_who_left_are_grey(
    snapshot_at: SnapshotAt,
) -> None:
    before = _by_id(org_chart_view(snapshot_at(BEFORE_LEAVING).net, ACCOUNT).nodes)
    after_view = org_chart_view(snapshot_at(AFTER_LEAVING).net, ACCOUNT)
    after = _by_id(after_view.nodes)
    assert before[GONE]["color"]["background"] != DEPARTED_FILL  # type: ignore[index]
    assert after[GONE]["color"]["background"] == DEPARTED_FILL  # type: ignore[index]
    assert "left the company" in str(after[GONE]["label"])
    assert "2026-07-01" in after_view.title
    assert after_view.as_of.date().isoformat() == "2026-07-01"


def test_unknown_deal_is_refused(snapshot_at: SnapshotAt) -> None:
    with pytest.raises(KeyError, match="NOPE"):
        org_chart_view(snapshot_at(BEFORE_LEAVING).net, ACCOUNT, deal_id="NOPE")


def test_tooltips_are_plain_text_with_title_department_and_scores(
    snapshot_at: SnapshotAt,
) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    node = _by_id(org_chart_view(snap.net, ACCOUNT, scores=snap.scores).nodes)[ENG]
    lines = str(node["title"]).split("\n")
    assert lines[0] == "Emre Işık"
    assert "Title: Engineer" in lines
    assert "Department: R&D" in lines
    assert any(line.startswith("Influence: ") for line in lines)
    assert any(line.startswith("Health: ") for line in lines)
    assert node["info"]["rows"][0] == ["Title", "Engineer"]  # type: ignore[index]


def test_influence_map_widths_colours_and_hidden_influencers(snapshot_at: SnapshotAt) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    hidden = (HiddenInfluencer(contact_id=ENG, influence_percentile=1, formal_percentile=0, gap=1),)
    view = influence_map_view(snap.net, ACCOUNT, scores=snap.scores, hidden=hidden)
    assert view.options["physics"]["enabled"] is True
    edges = {(e["from"], e["to"], e["kind"]): e for e in view.edges}
    assert set(edges) == {(a, b, k.value) for a, b, k, _ in INFLUENCES}
    for a, b, k, s in INFLUENCES:
        e = edges[(a, b, k.value)]
        assert e["width"] == pytest.approx(1 + 6 * s)
        assert e["color"]["color"] == KIND_COLOURS[k]
    assert edges[(OPS, VP, "opposes")]["color"]["color"] == "#d62728"
    nodes = _by_id(view.nodes)
    assert nodes[ENG]["shape"] == "star"
    assert "Hidden influencer" in str(nodes[ENG]["label"])
    assert nodes[CEO]["shape"] == "dot"


def test_deal_view_shows_committee_reps_warm_path_and_signals(
    store: GraphStore, snapshot_at: SnapshotAt
) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    assessment = assess(store, snap, DEAL, params=AnalyticsParams())
    view = deal_view(snap.net, assessment, scores=snap.scores)
    nodes = _by_id(view.nodes)
    assert {CEO, VP, OPS, REP} <= set(nodes)
    assert nodes[REP]["info"]["kind"] == "rep"  # type: ignore[index]
    path = [e for e in view.edges if e["kind"] == "path"]
    assert path
    assert path[0]["from"] == REP
    assert path[-1]["to"] == CEO
    assert all(e["color"] == {"color": PATH_LINE} for e in path)
    assert any("Strongest warm path" in n for n in view.notes)
    assert assessment.risk is not None
    assert [s.code for s in view.signals] == [s.code.value for s in assessment.risk.signals]
    assert view.signals, "the sample deal shows what was seen"
    named = {cid for f in view.signals for cid, _ in f.people}
    named |= {c for f in assessment.risk.factors for c in f.evidence.contact_ids}
    assert named <= set(nodes), "every person a factor or signal names is on the graph"


def _big_account(n: int) -> ChangeSet:
    account = AccountId("BIG")
    contacts = [
        Contact(
            id=ContactId(f"B{i}"),
            account_id=account,
            name=f"Person {i}",
            seniority=Seniority.C_LEVEL if i == 0 else Seniority.MANAGER,
        )
        for i in range(n)
    ]
    lines = [
        ReportsTo(contact_id=ContactId(f"B{i}"), manager_id=ContactId(f"B{(i - 1) // 6}"))
        for i in range(1, n)
    ]
    from graphcrm.domain import Account

    return ChangeSet(
        accounts=(Account(id=account, name="Big Holding"),),
        contacts=tuple(contacts),
        reports_to=tuple(lines),
    )


def test_a_5000_person_org_chart_opens_collapsed_and_fast(store: GraphStore) -> None:
    from tests.viz.sample import START

    store.apply(_big_account(5000), actor="tests", at=START)
    sg = store.stakeholder_graph(AccountId("BIG"), as_of=BEFORE_LEAVING)
    net = build_network(sg, as_of=BEFORE_LEAVING)
    scores = score_contacts(net)
    started = time.perf_counter()
    view = org_chart_view(net, "BIG", scores=scores)
    elapsed = time.perf_counter() - started
    assert len(view.nodes) == 5000
    assert len(view.edges) == 4999
    assert view.collapse_depth == AUTO_DEPTH
    assert view.options["physics"] == {"enabled": False}
    # depth 0: 1, depth 1: 6, depth 2: 36 people
    assert len(view.initial_nodes) == 43
    assert len(view.initial_edges) == 42
    assert elapsed < 5.0, f"building the view took {elapsed:.1f}s"
    expanded = org_chart_view(net, "BIG", collapse_depth=None)
    assert expanded.initial_nodes == expanded.nodes
