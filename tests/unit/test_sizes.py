"""Modules of one purpose: no module of graphcrm/, api/ or bench/ over
:data:`MAX_MODULE_LINES` lines, no function or method over :data:`MAX_FUNCTION_LINES`
(from its ``def`` to its last line, docstring included). The allow-lists name what is
still over, each with why; they only shrink: an entry that is no longer over fails too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("graphcrm", "api", "bench")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

LONG_MODULES: dict[str, str] = {}
"""Modules over the limit, by path, with why they still are."""

LONG_FUNCTIONS: dict[str, str] = {}
"""Functions over the limit, as ``path::name``, with why they still are."""


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _long_functions(path: Path, root: Path = ROOT) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root).as_posix()
    return {
        f"{where}::{node.name}": node.end_lineno - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    }


def test_no_module_is_over_the_limit() -> None:
    long = {
        p.relative_to(ROOT).as_posix(): n for p in _modules() if (n := _lines(p)) > MAX_MODULE_LINES
    }
    assert {k: n for k, n in long.items() if k not in LONG_MODULES} == {}
    assert sorted(LONG_MODULES.keys() - long.keys()) == [], "under the limit now: unlist"


def test_no_function_is_over_the_limit() -> None:
    long: dict[str, int] = {}
    for path in _modules():
        long |= _long_functions(path)
    assert {k: n for k, n in long.items() if k not in LONG_FUNCTIONS} == {}
    assert sorted(LONG_FUNCTIONS.keys() - long.keys()) == [], "under the limit now: unlist"


def test_a_long_function_is_found(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    path = tmp_path / "probe.py"
    path.write_text(f"def short():\n    pass\n\n\ndef long():\n{body}", encoding="utf-8")
    assert _long_functions(path, tmp_path) == {"probe.py::long": MAX_FUNCTION_LINES + 1}
