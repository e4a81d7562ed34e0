"""What each view draws, on the sample account whose answers are known."""

from __future__ import annotations

import time
from pathlib import Path

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
from graphcrm.viz.layout import LEVEL
from graphcrm.viz.style import (
    DEPARTED_FILL,
    DOTTED_LINE,
    KIND_COLOURS,
    PATH_LINE,
    SOLID_LINE,
    STANCE_COLOURS,
    STANCE_TINTS,
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


def test_org_chart_is_a_tree_of_cards_laid_out_here_with_physics_off(
    snapshot_at: SnapshotAt,
) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    view = org_chart_view(snap.net, ACCOUNT, scores=snap.scores)
    assert view.options["physics"] == {"enabled": False}
    assert view.options["layout"]["hierarchical"]["enabled"] is False
    assert view.options["interaction"]["zoomView"] is False  # Ctrl + wheel, via the script
    nodes = _by_id(view.nodes)
    assert set(nodes) == set(CONTACTS)
    assert all(n["shape"] == "box" for n in nodes.values())
    assert [nodes[c]["level"] for c in (CEO, VP, ENG, OPS, GONE)] == [0, 1, 2, 1, 1]
    # the CEO's reports: VP has a report of their own, so they go in a row one level down
    assert {nodes[c]["y"] for c in (VP, OPS, GONE)} == {LEVEL}
    assert nodes[CEO]["y"] == 0.0
    assert nodes[ENG]["attach"] == "col"  # the VP's one report hangs in a column
    assert len(view.edges) == len(SOLID_LINES) + len(DOTTED_LINES)
    assert view.collapse_depth is None  # small charts open expanded
    assert view.initial_nodes == view.nodes


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


def test_card_fill_follows_stance_on_the_deal_and_the_legend_only_what_is_there(
    snapshot_at: SnapshotAt,
) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    view = org_chart_view(snap.net, ACCOUNT, scores=snap.scores, deal_id=DEAL)
    nodes = _by_id(view.nodes)
    colour = {c: nodes[c]["color"]["background"] for c in CONTACTS}  # type: ignore[index]
    assert colour[VP] == STANCE_TINTS[2]
    assert colour[CEO] == STANCE_TINTS[1]
    assert colour[OPS] == STANCE_TINTS[-2]
    assert colour[ENG] == STANCE_TINTS[None]
    assert nodes[OPS]["color"]["border"] == STANCE_COLOURS[-2]  # type: ignore[index]
    legend = [item.label for item in view.legend]
    # stances 2, 1, -2 and "no seat" are on the chart; 0 and -1 are not
    assert legend == [
        "Solid reporting line",
        "Dotted reporting line",
        "Champions",
        "Supportive",
        "Opposes",
        "Not on the deal",
    ]


def test_card_lines_name_title_roles_stance_health_and_last_touch(snapshot_at: SnapshotAt) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    en = _by_id(org_chart_view(snap.net, ACCOUNT, deal_id=DEAL, scores=snap.scores).nodes)
    tr = _by_id(org_chart_view(snap.net, ACCOUNT, deal_id=DEAL, lang="tr").nodes)
    ceo = str(en[CEO]["label"]).split("\n")
    assert ceo[:3] == ["Ayşe Öztürk", "CEO", "Economic Buyer · Decision…"]
    health = snap.scores.health[CEO].score
    assert ceo[3].startswith(f"Health {health:.0f} · ")
    assert str(tr[OPS]["label"]).split("\n")[2] == "Engelleyici · Karşı"
    assert str(en[ENG]["label"]).split("\n")[:3] == ["Emre Işık", "Engineer", "Not on the deal"]


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
    assert view.options["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n for n in view.nodes)
    edges = {(e["from"], e["to"], e["kind"]): e for e in view.edges}
    assert set(edges) == {(a, b, k.value) for a, b, k, _ in INFLUENCES} | {(REP, VP, "knows")}
    assert edges[(REP, VP, "knows")]["title"] == f"Deniz Satış knows {XSS_NAME} (0.90)"
    for a, b, k, s in INFLUENCES:
        e = edges[(a, b, k.value)]
        assert e["width"] == pytest.approx(1 + 6 * s)
        assert e["color"]["color"] == KIND_COLOURS[k]
    assert edges[(OPS, VP, "opposes")]["color"]["color"] == "#d62728"
    nodes = _by_id(view.nodes)
    assert nodes[ENG]["shape"] == "star"
    assert "Hidden influencer" in str(nodes[ENG]["label"])
    assert nodes[CEO]["shape"] == "dot"
    assert nodes[REP]["category"] == "rep"


def test_influence_map_stance_colours_tie_sentences_and_legend(snapshot_at: SnapshotAt) -> None:
    snap = snapshot_at(BEFORE_LEAVING)
    view = influence_map_view(snap.net, ACCOUNT, scores=snap.scores, deal_id=DEAL)
    nodes = _by_id(view.nodes)
    colour = {c: nodes[c]["color"]["background"] for c in (VP, CEO, OPS, ENG)}  # type: ignore[index]
    assert colour == {
        VP: STANCE_COLOURS[2],
        CEO: STANCE_COLOURS[1],
        OPS: STANCE_COLOURS[-2],
        ENG: STANCE_COLOURS[None],
    }
    edges = {(e["from"], e["to"], e["kind"]): e for e in view.edges}
    a, b, kind, strength = INFLUENCES[0]
    names = snap.net.name
    sentence = {
        "advises": f"{names(a)} advises {names(b)} ({strength:.2f})",
        "trusts": f"{names(b)} trusts {names(a)} ({strength:.2f})",
        "sponsors": f"{names(a)} sponsors {names(b)} ({strength:.2f})",
        "opposes": f"{names(a)} opposes {names(b)} ({strength:.2f})",
    }[kind.value]
    assert edges[(a, b, kind.value)]["title"] == sentence
    legend = [item.label for item in view.legend]
    kinds = {k.value for _, _, k, _ in INFLUENCES}
    assert [x for x in legend if x in {"advises", "is trusted by", "sponsors", "opposes"}] == [
        label
        for k, label in (
            ("advises", "advises"),
            ("trusts", "is trusted by"),
            ("sponsors", "sponsors"),
            ("opposes", "opposes"),
        )
        if k in kinds
    ]
    assert "Hidden influencer" not in legend  # none passed
    assert "Our rep" in legend
    tr = influence_map_view(snap.net, ACCOUNT, deal_id=DEAL, lang="tr")
    assert all("," in str(e["title"]) for e in tr.edges)


def test_a_large_map_opens_on_the_committee_and_two_steps(tmp_path: Path) -> None:
    from graphcrm.generator.large import LARGE_DEAL, LARGE_FROM, large_account
    from graphcrm.store import open_store

    store = open_store(f"sqlite://{tmp_path / 'large.sqlite3'}")
    store.apply(large_account(600, ties=700), actor="tests", at=LARGE_FROM)
    sg = store.stakeholder_graph(AccountId("BIG"), as_of=BEFORE_LEAVING)
    store.close()
    net = build_network(sg, as_of=BEFORE_LEAVING)
    view = influence_map_view(net, "BIG", deal_id=LARGE_DEAL, embed="shown", endpoint="/x")
    assert view.initial is not None
    committee = set(net.roles[LARGE_DEAL])
    assert committee <= set(view.initial)
    assert len([c for c in view.initial if c in net.contacts]) <= 120
    assert {n["id"] for n in view.nodes} == set(view.initial)
    assert view.endpoint == "/x"
    org = org_chart_view(net, "BIG", deal_id=LARGE_DEAL, embed="shown", endpoint="/y")
    shown = {n["id"] for n in org.nodes}
    assert committee <= shown  # the managers above every member are open
    assert org.directory is not None
    assert len(org.directory) == 600


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
