"""The import rules of docs/architecture.md, read from the source with ``ast``.

Every ``import`` and ``from ... import`` counts, at module level or inside a
function (a lazy import is still a dependency). A rule names, for a layer,
the graphcrm layers it may import and the outside packages it must not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

WEB = frozenset({"api", "graphcrm_api", "fastapi", "starlette", "uvicorn"})
DRIVERS = frozenset({"neo4j", "sqlite3"})

# layer -> (graphcrm layers it may import besides itself, outside packages it must not)
RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "domain": (frozenset({"errors"}), DRIVERS | WEB | {"networkx", "pyvis"}),
    "analytics": (frozenset({"domain", "errors"}), DRIVERS | WEB | {"pyvis"}),
    "generator": (frozenset({"domain", "errors"}), DRIVERS | WEB),
    "store": (frozenset({"domain", "errors", "config", "collector"}), WEB | {"networkx"}),
    "store.sqlite": (
        frozenset({"store", "domain", "errors", "config", "collector"}),
        WEB | {"neo4j"},
    ),
    "store.neo4j": (
        frozenset({"store", "domain", "errors", "config", "collector"}),
        WEB | {"sqlite3"},
    ),
    "services": (
        frozenset({"analytics", "store", "domain", "errors", "config", "collector"}),
        DRIVERS | WEB,
    ),
    "io": (frozenset({"store", "domain", "errors", "config"}), DRIVERS | WEB),
    "viz": (frozenset({"services", "analytics", "domain", "errors"}), DRIVERS | WEB),
}
STORE_FACTORY = "graphcrm.store"
"""The one module of the store layer that names its adapters: ``open_store``."""


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "graphcrm" or len(parts) == 1:
        return parts[0]
    if parts[1] == "store" and len(parts) > 2 and parts[2] in ("sqlite", "neo4j"):
        return f"store.{parts[2]}"
    return parts[1]


def _imports(module: str, source: str, *, package: bool = False) -> set[tuple[str, bool]]:
    """``(absolute name, written relatively)`` of every module ``source`` imports."""
    base = module.split(".") if package else module.split(".")[:-1]
    found: set[tuple[str, bool]] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update((a.name, False) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                up = base[: len(base) - node.level + 1]
                found.add((".".join([*up, *([node.module] if node.module else [])]), True))
            elif node.module is not None:
                found.add((node.module, False))
    return found


def _broken(module: str, source: str, *, package: bool = False) -> list[str]:
    """What ``module`` imports against :data:`RULES`; the web app never, from graphcrm."""
    layer = _layer(module)
    allowed, banned = RULES.get(layer, (None, frozenset()))
    out = []
    for name, _ in sorted(_imports(module, source, package=package)):
        top = name.split(".")[0]
        if top in ("api", "graphcrm_api"):
            out.append(f"{module} imports the web app ({name})")
        elif top in banned:
            out.append(f"{module} ({layer}) imports {name}")
        elif top == "graphcrm" and allowed is not None:
            target = _layer(name)
            if target in (layer, "graphcrm") or target in allowed:
                continue
            if module == STORE_FACTORY and target in ("store.sqlite", "store.neo4j"):
                continue
            out.append(f"{module} ({layer}) imports {name} ({target})")
    return out


def _sources(folder: str) -> list[tuple[str, str, bool]]:
    return [
        (_module(p), p.read_text(encoding="utf-8"), p.name == "__init__.py")
        for p in sorted((ROOT / folder).rglob("*.py"))
    ]


def test_the_layers_import_only_what_docs_architecture_allows() -> None:
    broken = [b for m, src, pkg in _sources("graphcrm") for b in _broken(m, src, package=pkg)]
    assert broken == []


def test_the_web_app_imports_itself_relatively_and_no_store_adapter() -> None:
    """``api/`` ships as ``graphcrm_api`` in the wheel: ``from api...`` would not resolve there."""
    broken = []
    for module, source, package in _sources("api"):
        for name, relative in _imports(module, source, package=package):
            if name.split(".")[0] == "api" and not relative:
                broken.append(f"{module} imports {name} by its absolute name")
            if _layer(name) in ("store.sqlite", "store.neo4j"):
                broken.append(f"{module} imports the store adapter {name}")
    assert sorted(broken) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import neo4j\n", ["graphcrm.analytics.x (analytics) imports neo4j"]),
        ("from api.app import app\n", ["graphcrm.analytics.x imports the web app (api.app)"]),
        ("import sqlite3\n", ["graphcrm.analytics.x (analytics) imports sqlite3"]),
        ("from fastapi import Query\n", ["graphcrm.analytics.x (analytics) imports fastapi"]),
        (
            "def f():\n    from graphcrm.services import risk\n",
            ["graphcrm.analytics.x (analytics) imports graphcrm.services (services)"],
        ),
        (
            "from ..store.sqlite import SqliteStore\n",
            ["graphcrm.analytics.x (analytics) imports graphcrm.store.sqlite (store.sqlite)"],
        ),
        ("from graphcrm.domain import Deal\nfrom .graph import build\nimport networkx\n", []),
    ],
)
def test_the_checker_finds_a_broken_rule(source: str, expected: list[str]) -> None:
    """The checker itself, on a module of the analytics layer written here."""
    assert _broken("graphcrm.analytics.x", source) == expected


def test_relative_imports_resolve_from_the_package() -> None:
    assert _imports("api.routers.deals", "from ..deps import X\nfrom . import keys\n") == {
        ("api.deps", True),
        ("api.routers", True),
    }
    assert _imports("api", "from .app import create_app\n", package=True) == {("api.app", True)}
