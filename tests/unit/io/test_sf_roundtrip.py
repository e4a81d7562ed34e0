"""The round trip [2/8] trains on: a generated portfolio, written as a Salesforce export
and imported, scores as the same portfolio loaded directly.

The direct load is :func:`carried_by_salesforce` of each batch: what a Salesforce
export can hold. Against it the scores as of the portfolio's ``now`` agree exactly;
against the full portfolio they differ by what Salesforce cannot carry
(``docs/import-export.md``, "Round trip").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphcrm.domain import PageRequest
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.io.mapping import CrmMapping
from graphcrm.io.salesforce import import_salesforce
from graphcrm.io.sfexport import carried_by_salesforce, write_salesforce_export
from graphcrm.services.deals import open_deal_risks
from graphcrm.services.scoring import score_account
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

CONFIG = GeneratorConfig(accounts=24, seed=5, size_max=200)


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
    deals = 0
    for account in accounts:
        x = score_account(direct, account, as_of=CONFIG.now)
        y = score_account(imported, account, as_of=CONFIG.now)
        assert y.health.score == pytest.approx(x.health.score, abs=1e-9), account
        assert y.health.band == x.health.band
        assert [c.contact_id for c in y.contacts[:5]] == [c.contact_id for c in x.contacts[:5]]
        for cx, cy in zip(x.contacts, y.contacts, strict=True):
            assert cy.decision_maker == pytest.approx(cx.decision_maker, abs=1e-9)
            assert cy.influence == pytest.approx(cx.influence, abs=1e-9)
        rx = {d.risk.deal_id: d.risk for d in open_deal_risks(direct, account, as_of=CONFIG.now)}
        ry = {d.risk.deal_id: d.risk for d in open_deal_risks(imported, account, as_of=CONFIG.now)}
        assert rx.keys() == ry.keys()
        for deal, risk in rx.items():
            assert ry[deal].score == pytest.approx(risk.score, abs=1e-9), deal
            assert [f.code for f in ry[deal].factors] == [f.code for f in risk.factors]
            deals += 1
    assert deals >= 10  # enough open deals to mean something


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
