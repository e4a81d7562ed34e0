"""Schemathesis against the app on a seeded store with a valid key, with positive and
negative data: no 5xx, every response matches the OpenAPI schema (status codes,
content types, headers, bodies), what the schema allows is accepted and what it
forbids is refused.

What the schema cannot say is a *semantic refusal* (``bench.contract.SEMANTIC``):
a 422 naming an id that is not stored, a tie of a contact to themselves, or a
combination of parameters; those are counted apart, never as acceptance. The
long run with every phase is ``./dev bench contract`` (docs/api.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from api.app import create_app
from bench.contract import CHECKS
from tests.api.conftest import make_settings, seed

MAX_EXAMPLES = 12
"""Per operation; the whole run stays well under two minutes on the 2-core machine."""


@pytest.fixture(scope="module")
def app_and_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    cfg = make_settings(tmp)
    keys = seed(cfg)
    app = create_app(cfg)
    with TestClient(app):  # runs the lifespan: the store and keys stay open meanwhile
        yield app, keys["admin"]


def test_api_conforms_to_its_schema(app_and_key: tuple[FastAPI, str]) -> None:
    app, key = app_and_key
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # Err raises: a bad schema fails
        operations += 1

        @given(
            case=operation.as_strategy(GenerationMode.POSITIVE)
            | operation.as_strategy(GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

        try:
            run()
        except Exception as e:  # collect every operation's failure, then fail once
            failures.append(f"{operation.label}: {type(e).__name__}: {str(e)[:2000]}")
    assert operations > 30
    assert not failures, "\n\n".join(failures)
