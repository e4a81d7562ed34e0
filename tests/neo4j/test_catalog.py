"""The Cypher catalog: every file is named by code, every name has a file."""

from __future__ import annotations

import ast
import importlib.resources
import re
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from graphcrm.store import cypher

ROOT = Path(__file__).resolve().parents[2]
QUERY_NAME = re.compile(r"^[a-z0-9]+/[a-z]+_[a-z0-9_]+$")
"""What a query name looks like: ``<area>/<verb>_<noun>``."""


def _source_files() -> Iterator[Path]:
    for top in ("graphcrm", "tests"):
        yield from sorted((ROOT / top).rglob("*.py"))


def names_in_source() -> dict[str, list[str]]:
    """Every string literal that looks like a query name, with where it appears."""
    found: dict[str, list[str]] = {}
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and QUERY_NAME.match(node.value)
                and node.value.split("/", 1)[0] in AREAS
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


AREAS = {name.split("/", 1)[0] for name in cypher.names()}


def test_the_catalog_is_the_repository_cypher_directory() -> None:
    files = sorted(p.relative_to(ROOT / "cypher") for p in (ROOT / "cypher").rglob("*"))
    assert all(p.suffix == ".cypher" for p in files if p.is_file() or p.suffix)
    on_disk = {str(p.with_suffix("")) for p in files if p.suffix == ".cypher"}
    assert set(cypher.names()) == on_disk


@pytest.mark.parametrize("name", cypher.names())
def test_every_query_is_one_named_statement(name: str) -> None:
    assert QUERY_NAME.match(name), f"{name}: expected <area>/<verb>_<noun>"
    text = cypher.query(name)
    assert text == text.strip()
    assert ";" not in text, f"{name}: one statement per file"


def test_no_dead_query_and_no_query_without_a_file() -> None:
    used = names_in_source()
    dead = sorted(set(cypher.names()) - set(used))
    missing = {name: where for name, where in used.items() if name not in cypher.names()}
    assert not dead, f"queries no code names (delete them): {dead}"
    assert not missing, f"names with no cypher/ file: {missing}"


def test_unknown_and_malformed_names_are_refused() -> None:
    unknown = "accounts/" + "read_nothing"  # built, so the scan above does not see a name
    for bad in (unknown, "../pyproject", "accounts/../../x", "ACCOUNTS/x"):
        with pytest.raises(KeyError):
            cypher.query(bad)


def test_an_installed_wheel_loads_the_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "graphcrm"
    (package / "_cypher" / "demo").mkdir(parents=True)
    (package / "_cypher" / "demo" / "read_things.cypher").write_text("RETURN 1 AS one\n")

    def files(anchor: str) -> Traversable:
        assert anchor == "graphcrm"
        return package

    monkeypatch.setattr(importlib.resources, "files", files)
    cypher.query.cache_clear()
    try:
        assert cypher.names() == ("demo/read_things",)
        assert cypher.query("demo/read_things") == "RETURN 1 AS one"
    finally:
        monkeypatch.undo()
        cypher.query.cache_clear()
    assert "demo/read_things" not in cypher.names()
