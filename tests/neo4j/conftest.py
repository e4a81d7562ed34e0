"""Fixtures of the Neo4j-specific tests: a fresh store on the session server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graphcrm.store.neo4j import Neo4jStore
from tests.neo4j.support import fresh_store


@pytest.fixture
def neo_store(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """An open, emptied store on the session server (auth off)."""
    store = fresh_store(neo4j_uri)
    try:
        yield store
    finally:
        store.close()
