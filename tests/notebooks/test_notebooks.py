"""Every notebook runs top to bottom against a fresh embedded store, and none is
committed with outputs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT_SECONDS = 300


def test_the_three_notebooks_exist() -> None:
    assert {p.stem for p in NOTEBOOKS} >= {
        "influence_exploration",
        "portfolio_risk_review",
        "krackhardt_walkthrough",
        "strategist_review",
    }


def _code(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


QUERY_LANGUAGE = re.compile(
    # Cypher's clauses as written in upper case, SQL in any case, and the drivers' calls
    r"\b(?:MATCH|MERGE|OPTIONAL MATCH|UNWIND)\s*\(|\bRETURN\b"
    r"|(?i:\bselect\b.+\bfrom\b|\binsert\s+into\b|\bupdate\b.+\bset\b)"
    r"|\.execute\(|\.run\(|\bsqlite3\b|\bneo4j\b"
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_holds_no_query_language(path: Path) -> None:
    """Notebooks go through graphcrm's Python API, never Cypher or SQL of their own."""
    assert QUERY_LANGUAGE.findall(_code(path)) == []


def test_query_language_check_catches_cypher_and_sql() -> None:
    assert QUERY_LANGUAGE.search('session.run("MATCH (c:Contact) RETURN c")')
    assert QUERY_LANGUAGE.search("conn.execute('select id from contact')")
    assert not QUERY_LANGUAGE.search("store.list_deals(PageRequest(limit=10))")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_defaults_to_today(path: Path) -> None:
    """The as-of date is today unless GRAPHCRM_AS_OF names one."""
    assert 'os.environ.get("GRAPHCRM_AS_OF") or date.today().isoformat()' in _code(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs"
        assert cell.get("execution_count") is None, f"{path.name} cell {i} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHCRM_STORE", f"sqlite://{tmp_path / 'notebook.sqlite3'}")
    monkeypatch.setenv("GRAPHCRM_KRACKHARDT", str(ROOT / "tests" / "data" / "krackhardt-hightech"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=dict(os.environ))
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert errors == []
