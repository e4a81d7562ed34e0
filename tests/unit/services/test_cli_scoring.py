"""The scoring commands of the CLI, end to end on a temporary embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graphcrm.cli import main
from graphcrm.domain import DealId, PageRequest, Stage
from graphcrm.domain.base import as_of_instant
from graphcrm.errors import InvalidError, NotFoundError
from graphcrm.services.risk import assess_deal
from graphcrm.store import open_store

AS_OF = "2026-11-01"  # the generator's default "now"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'x.sqlite3'}"


def _invoke(store_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", store_url, *args], env={"COLUMNS": "200"})


def _run(store_url: str, *args: str) -> str:
    result = _invoke(store_url, *args)
    assert result.exit_code == 0, result.output
    return result.output


def _open_deal(store_url: str) -> tuple[str, str]:
    store = open_store(store_url)
    try:
        deals = store.list_deals(PageRequest(limit=1000)).items
        deal = next(d for d in deals if not d.stage.is_closed)
        return deal.id, deal.name
    finally:
        store.close()


def test_score_prints_the_summary_and_the_riskiest_deals(store_url: str) -> None:
    _run(store_url, "generate", "--accounts", "6", "--seed", "5")
    out = _run(store_url, "score", "--as-of", AS_OF, "--top", "3")
    assert "Portfolio as of" in out
    assert "2026-11-01T23:59+00:00" in out
    assert "accounts scored" in out
    for band in ("health good", "health fair", "health poor"):
        assert band in out
    assert "Top 3 riskiest open deals" in out


def test_risk_prints_the_win_models_risk_with_its_factors_and_signals(store_url: str) -> None:
    _run(store_url, "generate", "--accounts", "6", "--seed", "5")
    deal_id, name = _open_deal(store_url)
    store = open_store(store_url)
    try:
        a = assess_deal(store, DealId(deal_id), as_of=as_of_instant(AS_OF))
    finally:
        store.close()
    risk = a.risk
    assert risk is not None
    # the terminal may wrap the title of a long deal name: compare words
    out = " ".join(_run(store_url, "risk", deal_id, "--as-of", AS_OF).split())
    assert f"Deal risk: {name} ({deal_id})" in out
    assert (
        f"risk {risk.score:.0f}/100 as of 2026-11-01T23:59+00:00 = 100 × (1 − P(win) "
        f"{risk.probability:.0%}); the stage alone: {risk.baseline:.0f}"
    ) in out
    assert "the shipped prior" in out  # generated stores hold no model of their own
    for f in risk.factors:
        assert f"{f.points:+.1f} │ {f.group}" in out
    assert all(s.code.value in out for s in risk.signals)
    assert "they add no points" in out or "No warning signal." in out


def test_risk_of_a_closed_deal_prints_its_outcome_and_loss_reason(store_url: str) -> None:
    _run(store_url, "generate", "--accounts", "6", "--seed", "5")
    store = open_store(store_url)
    try:
        deals = store.list_deals(PageRequest(limit=1000)).items
        lost = next(d for d in deals if d.stage is Stage.CLOSED_LOST and d.loss_reason)
    finally:
        store.close()
    out = " ".join(_run(store_url, "risk", lost.id).split())
    assert f"({lost.id}) closed as of" in out
    assert f"closed_lost, loss reason: {lost.loss_reason}" in out
    assert "/100" not in out


def test_risk_errors_are_graphcrm_errors(store_url: str) -> None:
    _run(store_url, "generate", "--accounts", "2", "--seed", "5")
    missing = _invoke(store_url, "risk", "NOPE")
    assert isinstance(missing.exception, NotFoundError)
    deal_id, _ = _open_deal(store_url)
    early = _invoke(store_url, "risk", deal_id, "--as-of", "2000-01-01")
    assert isinstance(early.exception, InvalidError)
    assert "did not exist yet" in str(early.exception)


def test_demo_shows_the_riskiest_open_deal_of_the_largest_account(store_url: str) -> None:
    out = _run(store_url, "demo", "--no-serve")
    assert "org chart as of now" in out
    # the largest account may have no open deal: then the largest one that has
    assert "Riskiest open deal:" in out
    header = out.split("Riskiest open deal:")[1].split("\n")[0]
    assert not any(stage.value in header for stage in (Stage.CLOSED_WON, Stage.CLOSED_LOST))
    assert "/100 as of" in out


def test_demo_links_the_deal_it_names(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deal page the demo links is the riskiest open deal its summary named."""
    import graphcrm.cli.demo

    served: list[int] = []
    monkeypatch.setattr(
        graphcrm.cli.demo, "serve_api", lambda settings, host, port: served.append(port)
    )
    monkeypatch.setenv("GRAPHCRM_KEYS_PATH", str(tmp_path / "keys.json"))
    out = _run(store_url, "demo", "--port", "8765")
    assert served == [8765]
    named = out.split("Riskiest open deal:")[1].split("\n")[0]
    linked = out.split("Deal:      ")[1].split("\n")[0].rsplit("/", 1)[1]
    assert f"({linked})" in named
    store = open_store(store_url)
    try:
        assert not store.get_deal(DealId(linked)).deal.stage.is_closed
    finally:
        store.close()
