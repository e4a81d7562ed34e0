"""Exports: GraphML and GEXF read back with networkx, CSV columns and escaping."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealRole,
    Influence,
    InfluenceKind,
    LineKind,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Stage,
)
from graphcrm.errors import NotFoundError
from graphcrm.io.export import build_graph, export, snapshot
from graphcrm.io.importing import COLLECTIONS
from graphcrm.store.port import GraphStore

NASTY = "Ali \"Veli\" <script>alert('x')</script> & Şürekası İĞÜŞÖÇ"
T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def small(store: GraphStore) -> GraphStore:
    """Two accounts (parent and child), four contacts, every kind of edge."""
    a, b = AccountId("A-1"), AccountId("A-2")
    c = [ContactId(f"C-{i}") for i in range(1, 5)]
    store.apply(
        ChangeSet(
            reps=(Rep(id=RepId("R-1"), name="Deniz Çakır", territory="Marmara"),),
            accounts=(
                Account(id=a, name="Anadolu Holding", territory="Marmara", owner_id=RepId("R-1")),
                Account(id=b, name=NASTY, parent_id=a, country="TR"),
            ),
            contacts=(
                Contact(id=c[0], account_id=b, name="Şule Öz", title="Genel Müdür"),
                Contact(id=c[1], account_id=b, name=NASTY, title="CFO\x07"),
                Contact(id=c[2], account_id=b, name="İlker Ünal"),
                Contact(id=c[3], account_id=a, name="Ayla Işık"),
            ),
            reports_to=(
                ReportsTo(contact_id=c[1], manager_id=c[0], valid_from=T0),
                ReportsTo(contact_id=c[2], manager_id=c[0], kind=LineKind.DOTTED, valid_from=T0),
            ),
            influences=(
                Influence(
                    influencer_id=c[0],
                    influenced_id=c[2],
                    kind=InfluenceKind.ADVISES,
                    strength=0.75,
                    valid_from=T0,
                ),
            ),
            rep_knows=(RepKnows(rep_id=RepId("R-1"), contact_id=c[0], strength=0.5),),
            deals=(
                Deal(
                    id=DealId("D-1"),
                    account_id=b,
                    name="Bulut – Faz 1",
                    amount=Decimal("1234567.89"),
                    stage=Stage.NEGOTIATION,
                    owner_id=RepId("R-1"),
                ),
            ),
            deal_roles=(
                DealRole(
                    deal_id=DealId("D-1"),
                    contact_id=c[0],
                    roles=frozenset({Role.ECONOMIC_BUYER, Role.CHAMPION}),
                    is_primary=True,
                    stance=2,
                    valid_from=T0,
                ),
            ),
        ),
        actor="test",
        at=T0,
    )
    return store


EXPECTED_NODES = 2 + 4 + 1 + 1  # accounts, contacts, rep, deal
EXPECTED_EDGES = 4 + 2 + 1 + 1 + 1 + 1 + 1 + 2  # works_at, lines, influence, knows, deal_of,
# deal_role, parent, owns (account and deal)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_read_back_with_the_same_nodes_edges_and_attributes(
    small: GraphStore, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"g.{fmt}"
    report = export(small, fmt, out)
    assert (report.nodes, report.edges) == (EXPECTED_NODES, EXPECTED_EDGES)
    # the readers return a multigraph only when a pair of nodes has parallel edges
    g = nx.read_graphml(out, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(out)
    assert g.is_directed()
    assert (g.number_of_nodes(), g.number_of_edges()) == (EXPECTED_NODES, EXPECTED_EDGES)
    written = build_graph(snapshot(small))
    assert set(g.nodes) == set(written.nodes)
    nasty = g.nodes["contact:C-2"]
    assert nasty["name"] == NASTY  # quotes, markup and Turkish survive
    assert nasty["title"] == "CFO\ufffd"  # a control character XML cannot hold
    assert nasty["kind"] == "contact"
    assert nasty["seniority"] == "individual_contributor"
    assert g.nodes["account:A-2"]["name"] == NASTY
    assert g.nodes["contact:C-1"]["territory"] == ""
    assert g.nodes["contact:C-4"]["territory"] == "Marmara"
    assert g.nodes["deal:D-1"]["amount"] == pytest.approx(1234567.89)
    relations = sorted(d["relation"] for _, _, d in g.edges(data=True))
    assert relations == sorted(d["relation"] for _, _, d in written.edges(data=True))
    (influence,) = [d for _, _, d in g.edges(data=True) if d["relation"] == "influence"]
    assert influence["influence"] == "advises"
    assert influence["strength"] == pytest.approx(0.75)
    (role,) = [d for _, _, d in g.edges(data=True) if d["relation"] == "deal_role"]
    assert role["roles"] == "champion;economic_buyer"
    assert role["is_primary"] in (True, "true")
    assert int(role["stance"]) == 2
    lines = {d["line"] for _, _, d in g.edges(data=True) if d["relation"] == "reports_to"}
    assert lines == {"solid", "dotted"}


def test_graphml_escapes_markup(small: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    export(small, "graphml", out)
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "Şürekası İĞÜŞÖÇ" in text


def test_csv_has_one_file_per_collection_in_field_order(small: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    report = export(small, "csv", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in COLLECTIONS)
    assert report.rows["contacts"] == 4
    with (out / "contacts.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(Contact.model_fields)
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_id["C-2"]["name"] == NASTY
    assert by_id["C-2"]["email"] == ""
    with (out / "deal_roles.csv").open(encoding="utf-8", newline="") as f:
        (header, role) = list(csv.reader(f))
    assert dict(zip(header, role, strict=True))["roles"] == "champion;economic_buyer"
    with (out / "deals.csv").open(encoding="utf-8", newline="") as f:
        (header, deal) = list(csv.reader(f))
    assert dict(zip(header, deal, strict=True))["amount"] == "1234567.89"


def test_csv_to_a_stream_is_a_zip(small: GraphStore) -> None:
    buffer = io.BytesIO()
    export(small, "csv", buffer)
    with zipfile.ZipFile(buffer) as z:
        assert sorted(z.namelist()) == sorted(f"{n}.csv" for n in COLLECTIONS)
        rows = list(csv.reader(io.StringIO(z.read("accounts.csv").decode("utf-8"))))
    assert rows[2][1] == NASTY


def test_selected_account_brings_its_ancestors_rows_only(small: GraphStore) -> None:
    batches = list(snapshot(small, account_ids=[AccountId("A-2")]))
    accounts = [a.id for cs in batches for a in cs.accounts]
    assert accounts == ["A-1", "A-2"]  # parent first
    contacts = {c.id for cs in batches for c in cs.contacts}
    assert contacts == {"C-1", "C-2", "C-3"}  # not the parent's contact


def test_as_of_reads_the_graph_at_a_date(small: GraphStore) -> None:
    before = list(snapshot(small, as_of=datetime(2024, 6, 1, tzinfo=UTC)))
    assert sum(len(cs.reports_to) + len(cs.deals) for cs in before) == 0


def test_unknown_account_is_not_found(small: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        export(small, "json", tmp_path / "x.jsonl", account_ids=[AccountId("YOK")])
