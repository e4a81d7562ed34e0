"""The Cypher catalog: every query graphcrm runs, loaded by name from ``cypher/``.

Queries live one statement per file as ``cypher/<area>/<verb>_<noun>.cypher`` and
are named by their path without the suffix (``"accounts/upsert_accounts"``). In
an installed wheel the directory ships as ``graphcrm/_cypher``; in a source
checkout it is the repository's ``cypher/``. No query text is ever built at run
time: values travel as parameters.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import LiteralString

SUFFIX = ".cypher"
_NAME = re.compile(r"^[a-z0-9_]+/[a-z0-9_]+$")


def _root() -> Traversable:
    """The packaged ``graphcrm/_cypher`` if present, else the checkout's ``cypher/``."""
    packaged = resources.files("graphcrm").joinpath("_cypher")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "cypher"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"no Cypher catalog: neither {packaged} nor {checkout} exists")


@cache
def query(name: str) -> LiteralString:
    """The text of the query called ``name`` (``"<area>/<verb>_<noun>"``).

    >>> query("schema/create_constraint_account_id").startswith("CREATE CONSTRAINT")
    True
    """
    if not _NAME.match(name):
        raise KeyError(f"bad Cypher query name {name!r}: expected '<area>/<verb>_<noun>'")
    area, stem = name.split("/")
    path = _root().joinpath(area).joinpath(stem + SUFFIX)
    if not path.is_file():
        raise KeyError(f"no Cypher query named {name!r}")
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise KeyError(f"the Cypher query {name!r} is empty")
    # The catalog's files are part of graphcrm, written by its developers: they are
    # the one source of query text that may pass the driver's LiteralString guard.
    literal: LiteralString = text  # type: ignore[assignment,unused-ignore]
    return literal


def names() -> tuple[str, ...]:
    """Every query name in the catalog, sorted."""
    root = _root()
    found: list[str] = []
    for area in root.iterdir():
        if not area.is_dir():
            continue
        found.extend(
            f"{area.name}/{entry.name[: -len(SUFFIX)]}"
            for entry in area.iterdir()
            if entry.is_file() and entry.name.endswith(SUFFIX)
        )
    return tuple(sorted(found))
