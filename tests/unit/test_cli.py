"""The CLI, end to end on a temporary embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graphcrm.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "krackhardt-hightech"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'cli.sqlite3'}"


def _run(store_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", store_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_krackhardt_import_and_org_chart(store_url: str) -> None:
    out = _run(store_url, "import", "--format", "krackhardt", str(DATA))
    assert "changed: True" in out
    chart = _run(store_url, "orgchart", "KHT")
    lines = chart.splitlines()
    # the CEO (manager 7) is the one root: the line right after the title
    assert "Manager 7 " in lines[1]
    assert "(21 people)" in lines[0]
    # re-importing the same data changes nothing
    assert "changed: False" in _run(store_url, "import", "--format", "krackhardt", str(DATA))


def test_generate_is_idempotent_and_orgchart_reads_as_of(store_url: str) -> None:
    first = _run(store_url, "generate", "--accounts", "3", "--seed", "5")
    assert "Generated 3 accounts" in first
    _run(store_url, "generate", "--accounts", "3", "--seed", "5")
    today = _run(store_url, "orgchart", "A000001")
    assert "org chart as of now" in today
    past = _run(store_url, "orgchart", "A000001", "--as-of", "2000-01-01")
    assert "org chart as of 2000-01-01 (0 people)" in past


def test_demo_fills_an_empty_store_once(store_url: str) -> None:
    out = _run(store_url, "demo", "--no-serve")
    assert "Store contents" in out
    assert "org chart as of now" in out
    again = _run(store_url, "demo", "--no-serve")
    assert "already holds data" in again


def test_bad_as_of_and_unknown_account_are_clear_errors(store_url: str) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["--store", store_url, "orgchart", "X", "--as-of", "dün"])
    assert bad.exit_code == 2
    assert "neither a date" in bad.output
    missing = runner.invoke(main, ["--store", store_url, "orgchart", "NOPE"])
    assert missing.exit_code != 0
    assert "account 'NOPE' not found" in str(missing.exception)


def test_errors_exit_with_one_clear_line_not_a_traceback(store_url: str) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "graphcrm", "--store", store_url, "orgchart", "NOPE"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "error: account 'NOPE' not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_forecast_prints_the_rows_the_rates_date_and_the_trend(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("GRAPHCRM_FX_RATES", '{"EUR": 45, "USD": 41, "GBP": 53, "CHF": 48}')
    monkeypatch.setenv("GRAPHCRM_FX_AS_OF", "2026-10-30")
    _run(store_url, "generate", "--accounts", "12", "--seed", "5")
    out = _run(
        store_url, "forecast", "--quarter", "2026-q4", "--as-of", "2026-11-01", "--by", "territory"
    )
    assert "Forecast 2026-Q4 by territory as of 2026-11-01" in out
    assert "Exchange rates as of 2026-10-30: 1 CHF = 48 TRY" in out
    assert "commit >= 70%, best case >= 40%" in out
    assert "total" in out
    trend = _run(store_url, "forecast", "--as-of", "2026-10-20", "--trend")
    assert "Forecast 2026-Q4: the trend (TRY)" in trend
    assert "2026-10-12" in trend  # a Monday of the quarter
    bare = CliRunner().invoke(main, ["--store", store_url, "forecast", "--quarter", "2026-Q5"])
    assert bare.exit_code == 2
    assert "expected YYYY-Qn" in bare.output


@pytest.mark.parametrize(
    "args",
    [
        ("risk", "D-1"),
        ("win", "D-1"),
        ("orgchart", "A-1"),
        ("score",),
        ("forecast",),
        ("export", "--format", "json", "out.jsonl"),
    ],
)
@pytest.mark.parametrize("as_of", ["0001-01-01", "0001-01-02", "9999-12-31"])
def test_as_of_outside_the_supported_range_is_a_usage_error(
    store_url: str, args: tuple[str, ...], as_of: str
) -> None:
    result = CliRunner().invoke(main, ["--store", store_url, *args, "--as-of", as_of])
    assert result.exit_code == 2, result.output
    assert "--as-of" in result.output
    assert "1900-01-01 .. 9999-12-30" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_as_of_overflow_prints_no_traceback(store_url: str) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "graphcrm", "--store", store_url, "risk", "D-1"]
    proc = subprocess.run(
        [*command, "--as-of", "0001-01-01"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "--as-of" in proc.stderr
