"""The docs are part of the product: every setting and CLI command is documented,
and the README's commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

import click

from graphcrm.cli import main
from graphcrm.config import Settings

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"`GRAPHCRM_{name.upper()}`" in OPERATIONS, name


def test_every_cli_command_is_documented() -> None:
    assert isinstance(main, click.Group)
    for name in main.commands:
        assert f"`graphcrm {name}" in OPERATIONS, name


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec ./dev test" in ci
    assert "./dev test" in README
    assert "./dev demo" in README
