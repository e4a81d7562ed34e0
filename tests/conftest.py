"""Session-wide fixtures: the real Neo4j server.

The Neo4j suites never skip: if the server cannot start, they fail. Set
``GRAPHCRM_TEST_NEO4J=bolt://host:port`` to use a running server (auth off)
instead of starting the dev launcher.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from graphcrm.devserver import Neo4jDevServer
from graphcrm.errors import StoreUnavailableError


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist's workers start with ``COLUMNS=80``, and Rich fixes a console's width
    from ``COLUMNS`` when the console is made (at the CLI's import): without it the CLI
    tests' own ``COLUMNS`` decide, as in a run without workers."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ.pop("COLUMNS", None)


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """Bolt URI of a real Neo4j server with auth off, started once per session."""
    external = os.environ.get("GRAPHCRM_TEST_NEO4J")
    if external:
        yield external
        return
    server = Neo4jDevServer()
    try:
        uri = server.start()
    except StoreUnavailableError as e:
        pytest.fail(f"the Neo4j test server could not start: {e}", pytrace=False)
    try:
        yield uri
    finally:
        server.stop()


NEO4J_TEST_PASSWORD = "graphcrm-test-Şifre-1"


@pytest.fixture(scope="session")
def neo4j_auth_uri() -> Iterator[str]:
    """Bolt URI of a second real Neo4j server with auth on (user neo4j)."""
    server = Neo4jDevServer(password=NEO4J_TEST_PASSWORD)
    try:
        uri = server.start()
    except StoreUnavailableError as e:
        pytest.fail(f"the Neo4j auth test server could not start: {e}", pytrace=False)
    try:
        yield uri
    finally:
        server.stop()
