"""Every ``tests/...`` path cited in the code and the docs exists (and a cited
``file.py::name`` names a function or class of that file)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CITED = re.compile(r"(?<![\w/.-])" + "tests" + r"/[\w/.-]*\w(?:::\w+)?")
SUFFIXES = (".py", ".md", ".toml", ".yml", ".yaml", ".cfg", ".ipynb", ".sh")


def _cited_in(text: str) -> set[str]:
    return {m.group(0) for m in CITED.finditer(text)}


def _tracked() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / n for n in out.splitlines() if n.endswith(SUFFIXES) or "/" not in n]


def _missing(cite: str) -> bool:
    path, _, name = cite.partition("::")
    target = ROOT / path
    if not target.exists():
        return True
    if not name:
        return False
    return not re.search(rf"^\s*(def|class) {name}\b", target.read_text(encoding="utf-8"), re.M)


def test_every_cited_tests_path_exists() -> None:
    missing = []
    for file in _tracked():
        if not file.is_file():
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for cite in sorted(_cited_in(text)):
            if _missing(cite):
                missing.append(f"{file.relative_to(ROOT)}: {cite}")
    assert missing == []


def test_the_pattern_finds_paths_and_names() -> None:
    t = "tests"
    text = f"see {t}/unit/a.py::test_x, ``{t}/contract/`` and ({t}/e2e/b.py). Not my{t}/x.py"
    assert _cited_in(text) == {f"{t}/unit/a.py::test_x", f"{t}/contract", f"{t}/e2e/b.py"}
    assert (
        _missing(f"{t}/unit/test_cited_paths.py::test_the_pattern_finds_paths_and_names") is False
    )
    me = f"{t}/unit/test_cited_paths.py"
    assert _missing(f"{me}::test_the_pattern_finds_paths_and_names") is False
    assert _missing(f"{me}::no_such_test") is True
    assert _missing(f"{t}/unit/no_such_file.py") is True
