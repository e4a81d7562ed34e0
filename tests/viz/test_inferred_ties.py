"""An account imported from a CRM (no influence ties): the ties inferred at read
time are scored, drawn dashed and named "inferred" in the influence map, and
never written to the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    Direction,
    InfluenceSource,
    Rep,
    RepId,
    ReportsTo,
    Seniority,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.services.deals import read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.scoring import score_account
from graphcrm.store import GraphStore, open_store
from graphcrm.viz import influence_map_view, render_html

START = datetime(2026, 1, 1, tzinfo=UTC)
MET = datetime(2026, 3, 1, tzinfo=UTC)
ACCOUNT = AccountId("IMP")
BOSS, ALI, BEN = (ContactId(f"IMP-{n}") for n in ("BOSS", "ALI", "BEN"))


def _batch() -> ChangeSet:
    def person(cid: ContactId, name: str, seniority: Seniority) -> Contact:
        return Contact(id=cid, account_id=ACCOUNT, name=name, seniority=seniority)

    return ChangeSet(
        accounts=(Account(id=ACCOUNT, name="Imported A.Ş."),),
        reps=(Rep(id=RepId("R-9"), name="Rep"),),
        contacts=(
            person(BOSS, "Bora Başkan", Seniority.VP),
            person(ALI, "Ali Ak", Seniority.MANAGER),
            person(BEN, "Ben Bey", Seniority.MANAGER),
        ),
        reports_to=(
            ReportsTo(contact_id=ALI, manager_id=BOSS, valid_from=START),
            ReportsTo(contact_id=BEN, manager_id=BOSS, valid_from=START),
        ),
        touchpoints=tuple(
            Touchpoint(
                id=TouchpointId(f"IMP-T{k}"),
                account_id=ACCOUNT,
                kind=TouchpointKind.MEETING,
                direction=Direction.TWO_WAY,
                at=MET + timedelta(days=k),
                contact_ids=(ALI, BEN),
                rep_ids=(RepId("R-9"),),
            )
            for k in range(3)
        ),
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    path: Path = tmp_path_factory.mktemp("inferred") / "imported.sqlite3"
    s = open_store(f"sqlite://{path}")
    s.apply(_batch(), actor="tests", at=START)
    yield s
    s.close()


def _edges(store: GraphStore, at: datetime) -> dict[tuple[str, str, str], dict[str, object]]:
    snap = read_account(store, ACCOUNT, at=at, params=AnalyticsParams())
    view = influence_map_view(snap.net, ACCOUNT, scores=snap.scores)
    return {(str(e["from"]), str(e["to"]), str(e["kind"])): e for e in view.edges}


def test_the_influence_map_labels_inferred_ties(store: GraphStore) -> None:
    at = MET + timedelta(days=2)
    snap = read_account(store, ACCOUNT, at=at, params=AnalyticsParams())
    assert snap.graph.influences == ()  # the read itself holds none
    assert {i.source for i in snap.net.source.influences} == {InfluenceSource.INFERRED}
    view = influence_map_view(snap.net, ACCOUNT, scores=snap.scores)
    edges = {(e["from"], e["to"], e["kind"]): e for e in view.edges if e["kind"] != "knows"}
    assert set(edges) == {
        (BOSS, ALI, "advises"),
        (BOSS, BEN, "advises"),
        (ALI, BEN, "trusts"),
        (BEN, ALI, "trusts"),
    }
    for e in edges.values():
        assert e["inferred"] is True
        assert e["dashes"] == [6, 6]
        assert e["color"]["opacity"] == 0.45
        assert str(e["title"]).startswith("inferred · ")
    boss, ali = snap.net.name(BOSS), snap.net.name(ALI)
    assert edges[(BOSS, ALI, "advises")]["title"] == f"inferred · {boss} advises {ali} (0.30)"
    legend = [item.label for item in view.legend]
    assert "Inferred tie (shared touchpoints, reporting lines)" in legend
    page = render_html(view)
    assert "Inferred tie (shared touchpoints, reporting lines)" in page
    turkish = influence_map_view(snap.net, ACCOUNT, scores=snap.scores, lang="tr")
    assert all(
        str(e["title"]).startswith("çıkarsanan · ") for e in turkish.edges if e["kind"] != "knows"
    )
    assert any(item.label.startswith("Çıkarsanan bağ") for item in turkish.legend)


def test_a_read_before_the_meetings_sees_only_the_lines(store: GraphStore) -> None:
    assert set(_edges(store, MET - timedelta(days=1))) == {
        (BOSS, ALI, "advises"),
        (BOSS, BEN, "advises"),
    }
    assert set(_edges(store, START - timedelta(days=1))) == set()


def test_scores_use_them_and_the_store_never_holds_them(store: GraphStore) -> None:
    at = MET + timedelta(days=2)
    scores = score_account(store, ACCOUNT, as_of=at)
    influence = {c.contact_id: c.influence for c in scores.contacts}
    assert influence[BOSS] > influence[ALI] == pytest.approx(influence[BEN])
    assert store.stakeholder_graph(ACCOUNT, as_of=at).influences == ()
    off = AnalyticsParams.model_validate({"risk": {"scoring": {"inference": {"enabled": False}}}})
    flat = score_account(store, ACCOUNT, as_of=at, params=off)
    assert [c.influence for c in flat.contacts] == pytest.approx([1 / 3] * 3)
