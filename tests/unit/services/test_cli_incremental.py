"""``graphcrm score --incremental`` end to end on a temporary embedded store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from graphcrm.cli import main
from graphcrm.domain import ChangeSet, PageRequest
from graphcrm.store import open_store


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'x.sqlite3'}"


def _invoke(store_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", store_url, *args], env={"COLUMNS": "200"})


def _row(out: str, measure: str) -> str:
    found = re.search(rf"│ {re.escape(measure)}\s*│\s*(.*?)\s*│", out)
    assert found is not None, out
    return found[1]


def test_incremental_scores_the_changed_account_and_says_so(store_url: str) -> None:
    assert _invoke(store_url, "generate", "--accounts", "6", "--seed", "5").exit_code == 0
    first = _invoke(store_url, "score", "--incremental", "--as-of", "2026-11-01")
    assert first.exit_code == 0, first.output
    assert _row(first.output, "run") == "full"
    assert _row(first.output, "because") == "no scoring run is recorded yet"
    assert _row(first.output, "accounts scored") == "6"

    store = open_store(store_url)
    try:
        account = store.list_accounts(PageRequest(limit=1)).items[0]
        store.apply(
            ChangeSet(accounts=(account.model_copy(update={"name": "Yeni Ad"}),)), actor="t"
        )
    finally:
        store.close()
    again = _invoke(store_url, "score", "--incremental", "--as-of", "2026-11-02")
    assert again.exit_code == 0, again.output
    assert _row(again.output, "run") == "incremental"
    assert _row(again.output, "accounts scored") == "1"
    assert _row(again.output, "other accounts' scores as of") == "2026-11-01T23:59+00:00 or later"

    earlier = _invoke(store_url, "score", "--incremental", "--as-of", "2026-10-01")
    assert earlier.exit_code == 2
    assert "--as-of" in earlier.output
    assert "before the latest run's as-of" in earlier.output
