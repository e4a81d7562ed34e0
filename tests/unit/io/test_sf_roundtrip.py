"""The round trip [2/8] trains on: a generated portfolio, written as a Salesforce export
and imported, scores as the same portfolio loaded directly.

The direct load is :func:`carried_by_salesforce` of each batch: what a Salesforce
export can hold. Against it the scores as of the portfolio's ``now`` agree exactly;
against the full portfolio they differ by what Salesforce cannot carry
(``docs/import-export.md``, "Round trip"). One such difference reaches today's
deal risks: the direct load sees the reporting line of a member who departed in the
churn window end (one more stakeholder change); the export holds today's lines only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphcrm.analytics import ChangeKind
from graphcrm.domain import AccountId, PageRequest
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.io.mapping import CrmMapping
from graphcrm.io.salesforce import import_salesforce
from graphcrm.io.sfexport import carried_by_salesforce, write_salesforce_export
from graphcrm.services.deals import read_account
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.risk import open_deal_risks
from graphcrm.services.scoring import score_account
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

CONFIG = GeneratorConfig(accounts=24, seed=5, size_max=200)


def _ended_lines_of_the_departed(store: GraphStore, account: AccountId, deal: str) -> int:
    """Manager changes in the churn window of committee members who departed in it."""
    snap = read_account(store, account, at=CONFIG.now, params=AnalyticsParams())
    changes = snap.changes.for_deal(deal)
    gone = {c.contact_id for c in changes if c.kind is ChangeKind.DEPARTED}
    return sum(1 for c in changes if c.kind is ChangeKind.MANAGER_CHANGED and c.contact_id in gone)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GraphStore, GraphStore]]:
    root = tmp_path_factory.mktemp("roundtrip")
    direct = open_store(f"sqlite:///{root / 'direct.sqlite3'}")
    imported = open_store(f"sqlite:///{root / 'imported.sqlite3'}")
    for cs in generate_portfolio(CONFIG):
        direct.apply(carried_by_salesforce(cs), actor="generator", at=CONFIG.now)
    export = root / "salesforce"
    write_salesforce_export(generate_portfolio(CONFIG), export)
    report = import_salesforce(
        imported,
        export,
        actor="import",
        at=CONFIG.now,
        mapping=CrmMapping.load(export / "mapping.toml"),
    )
    assert report.problems == ()
    try:
        yield direct, imported
    finally:
        direct.close()
        imported.close()


def test_the_import_holds_what_the_direct_load_holds(
    stores: tuple[GraphStore, GraphStore],
) -> None:
    direct, imported = stores
    a, b = direct.stats().counts, imported.stats().counts
    for kind in ("account", "contact", "contact_status", "deal", "stage_change",
                 "close_date_change", "deal_role", "touchpoint", "rep"):  # fmt: skip
        assert a[kind] == b[kind], kind
    # the export writes each contact's open solid line only (from its creation)
    assert b["reports_to"] <= a["reports_to"]


def test_scores_agree_as_of_now(stores: tuple[GraphStore, GraphStore]) -> None:
    direct, imported = stores
    accounts = [a.id for a in direct.list_accounts(PageRequest(limit=100)).items]
    assert len(accounts) == CONFIG.accounts
    deals = differing = 0
    for account in accounts:
        x = score_account(direct, account, as_of=CONFIG.now)
        y = score_account(imported, account, as_of=CONFIG.now)
        assert y.health.score == pytest.approx(x.health.score, abs=1e-9), account
        assert y.health.band == x.health.band
        assert [c.contact_id for c in y.contacts[:5]] == [c.contact_id for c in x.contacts[:5]]
        for cx, cy in zip(x.contacts, y.contacts, strict=True):
            assert cy.decision_maker == pytest.approx(cx.decision_maker, abs=1e-9)
            assert cy.influence == pytest.approx(cx.influence, abs=1e-9)
        rx = {d.deal.id: d.risk for d in open_deal_risks(direct, account, as_of=CONFIG.now)}
        ry = {d.deal.id: d.risk for d in open_deal_risks(imported, account, as_of=CONFIG.now)}
        assert rx.keys() == ry.keys()
        for deal, risk in rx.items():
            got = ry[deal]
            assert risk is not None
            assert got is not None
            # the direct load also sees a departed member's reporting line end (a
            # manager change in the churn window); the export holds only the lines
            # of today: the churn feature differs by those, the rest agrees
            extra = _ended_lines_of_the_departed(direct, account, deal)
            assert extra == _ended_lines_of_the_departed(imported, account, deal) + extra
            if extra:
                differing += 1
                continue
            assert got.score == pytest.approx(risk.score, abs=1e-9), deal
            assert [f.group for f in got.factors] == [f.group for f in risk.factors]
            assert [f.code for f in got.signals] == [f.code for f in risk.signals]
            deals += 1
    assert deals >= 8  # enough open deals to mean something (8 + 2 differing)
    assert differing <= 2


def test_closed_deals_keep_their_history_and_outcome(
    stores: tuple[GraphStore, GraphStore],
) -> None:
    direct, imported = stores
    page = direct.list_deals(PageRequest(limit=200))
    closed = [d for d in page.items if d.stage.is_closed]
    assert closed
    for deal in closed:
        x, y = direct.get_deal(deal.id), imported.get_deal(deal.id)
        assert y.deal == x.deal
        assert y.stage_history == x.stage_history
        assert y.close_date_history == x.close_date_history


def test_a_second_import_of_the_export_changes_nothing(
    stores: tuple[GraphStore, GraphStore], tmp_path: Path
) -> None:
    _, imported = stores
    export = tmp_path / "again"
    write_salesforce_export(generate_portfolio(CONFIG), export)
    report = import_salesforce(
        imported, export, actor="import", mapping=CrmMapping.load(export / "mapping.toml")
    )
    assert report.problems == ()
    assert not report.changed
