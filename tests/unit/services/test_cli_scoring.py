"""The scoring commands of the CLI, end to end on a temporary embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graphcrm.cli import main
from graphcrm.domain import PageRequest, Stage
from graphcrm.errors import InvalidError, NotFoundError
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


def test_risk_prints_every_factor_with_its_evidence(store_url: str) -> None:
    _run(store_url, "generate", "--accounts", "6", "--seed", "5")
    deal_id, name = _open_deal(store_url)
    # the terminal may wrap the title of a long deal name: compare words
    out = " ".join(_run(store_url, "risk", deal_id, "--as-of", AS_OF).split())
    assert f"Deal risk: {name} ({deal_id})" in out
    assert "/100 as of 2026-11-01T23:59+00:00" in out
    assert "points" in out or "No risk factor fires" in out


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
