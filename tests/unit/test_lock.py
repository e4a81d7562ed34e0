"""The lock files (``requirements/``, made by ``./dev lock``) agree with pyproject.toml:
every requirement of the product and of the dev extra is pinned at a version it allows,
the product's lock pins what the dev lock pins, and the Neo4j driver stays out of the
product's lock (it is the ``neo4j`` extra). A requirement added to pyproject.toml without
``./dev lock`` fails here instead of on a fresh clone."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)


def _pins(name: str) -> dict[str, set[str]]:
    """Each locked distribution's versions (two where the lock forks by Python version)."""
    pins: dict[str, set[str]] = {}
    for project, version in _PIN.findall((ROOT / "requirements" / name).read_text()):
        pins.setdefault(canonicalize_name(project), set()).add(version)
    return pins


def _requirements(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    found: list[Requirement] = []
    for line in listed:
        requirement = Requirement(line)
        if canonicalize_name(requirement.name) == "graphcrm":  # the dev extra names others
            for other in sorted(requirement.extras):
                found += _requirements(other)
        else:
            found.append(requirement)
    return found


@pytest.mark.parametrize(("lock", "extras"), [("dev.txt", [None, "dev"]), ("product.txt", [None])])
def test_every_requirement_is_pinned_at_an_allowed_version(
    lock: str, extras: list[str | None]
) -> None:
    pins = _pins(lock)
    for extra in extras:
        for requirement in _requirements(extra):
            versions = pins.get(canonicalize_name(requirement.name))
            assert versions, f"{requirement.name} is not in requirements/{lock}: ./dev lock"
            for version in versions:
                assert requirement.specifier.contains(version, prereleases=True), (
                    f"requirements/{lock} pins {requirement.name}=={version}, "
                    f"pyproject.toml asks {requirement}: ./dev lock"
                )


def test_the_product_lock_pins_the_dev_locks_versions_without_the_driver() -> None:
    dev, product = _pins("dev.txt"), _pins("product.txt")
    assert {name: product[name] for name in product} == {name: dev[name] for name in product}
    assert "neo4j" in dev
    assert "neo4j" not in product
    assert "neo4j-rust-ext" not in product
