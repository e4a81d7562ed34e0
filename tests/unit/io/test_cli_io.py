"""``graphcrm import`` and ``graphcrm export`` end to end on a temporary store."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.errors import InvalidError

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'cli.sqlite3'}"


def _run(store_url: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["--store", store_url, *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_import_salesforce_then_reimport_changes_nothing(store_url: str) -> None:
    out = _run(store_url, "import", "--format", "salesforce", str(DATA / "salesforce"))
    assert "changed: True" in out
    assert "unknown country 'Kuzey Kıbrıs'" in out
    again = _run(store_url, "import", "--format", "salesforce", str(DATA / "salesforce"))
    assert "changed: False" in again


def test_import_with_a_mapping_file(store_url: str, tmp_path: Path) -> None:
    org = DATA / "salesforce-org"
    out = _run(store_url, "import", "--format", "salesforce", str(org / "older"), code=2)
    assert "skipped in Task.csv (deleted)" in out
    assert "rejected: Task.csv line 10, ActivityDate:" in out
    flat = " ".join(out.split())  # the terminal wraps long lines
    assert "OpportunityHistory.csv line 8, StageName: unknown stage 'Teknik Değerlendirme'" in flat
    mapped = _run(
        store_url,
        "import",
        "--format",
        "salesforce",
        "--mapping",
        str(org / "mapping.toml"),
        str(org / "older"),
        code=2,
    )
    assert "Teknik Değerlendirme" not in mapped
    bad = tmp_path / "bad.toml"
    bad.write_text('[stages]\nDiscovery = "discovery"\n', encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "--store",
            store_url,
            "import",
            "--format",
            "salesforce",
            "--mapping",
            str(bad),
            str(org / "older"),
        ],
    )
    # graphcrm.cli.run prints an InvalidError as one line per problem, exit code 2
    assert isinstance(result.exception, InvalidError)
    assert [(p.where, p.field) for p in result.exception.problems] == [
        ("bad.toml", "stages.Discovery")
    ]


def test_rejected_rows_exit_2_and_are_listed(store_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "hubspot"
    shutil.copytree(DATA / "hubspot", bad)
    contacts = (bad / "contacts.csv").read_text(encoding="utf-8")
    (bad / "contacts.csv").write_text(contacts.replace("sule.erdogan@", "sule.erdogan"), "utf-8")
    out = _run(store_url, "import", "--format", "hubspot", str(bad), code=2)
    assert "contacts.csv line 3, Email:" in out
    aon = _run(store_url, "import", "--format", "hubspot", "--all-or-nothing", str(bad), code=2)
    assert "Nothing was committed" in aon


def test_export_every_format_and_import_the_json(store_url: str, tmp_path: Path) -> None:
    _run(store_url, "import", "--format", "salesforce", str(DATA / "salesforce"))
    for fmt in ("graphml", "gexf", "json"):
        out = _run(store_url, "export", "--format", fmt, str(tmp_path / f"all.{fmt}"))
        assert "Exported 4 accounts" in out
    graph = nx.read_graphml(tmp_path / "all.graphml")
    assert graph.nodes["contact:0035g00000Ctc00002"]["name"] == "Ayşe Yılmaz"
    out = _run(
        store_url, "export", "--format", "csv", "--account", "0015g00000EgeTks03",
        "--as-of", "2099-01-01", str(tmp_path / "csv"),
    )  # fmt: skip
    assert "Exported 1 accounts" in out
    assert (tmp_path / "csv" / "contacts.csv").read_text(encoding="utf-8").count("\n") == 3
    other = f"sqlite://{tmp_path / 'other.sqlite3'}"
    imported = _run(other, "import", "--format", "json", str(tmp_path / "all.json"))
    assert "changed: True" in imported
