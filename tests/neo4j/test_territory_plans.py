"""Territory-scoped lists start from an index seek, never from a scan of every node.

A key limited to some territories pages through its own accounts, contacts and
deals: the statements that serve it (:func:`graphcrm.store.neo4j.reads.list_accounts`
and its siblings) must find the territories' accounts by the ``account_territory``
index (or an account by its id) and reach the rest by relationships.
"""

from __future__ import annotations

from typing import Any, LiteralString

import pytest

from graphcrm.store import cypher
from graphcrm.store.neo4j import Neo4jStore
from tests.neo4j.support import driver

pytestmark = pytest.mark.neo4j

PARAMS: dict[str, Any] = {
    "territories": ["ege", "marmara"],
    "account_id": "A-1",
    "sector": None,
    "owner_id": None,
    "stage": None,
    "name_fold": None,
    "t": "2025-01-01T00:00:00.000000Z",
    "offset": 0,
    "limit": 10,
}

SEEKS = {
    "accounts/list_territory_accounts": "account_territory",
    "contacts/list_territory_contacts": "account_territory",
    "deals/list_territory_deals": "account_territory",
    "contacts/list_account_contacts": "account_id",
    "deals/list_account_deals": "account_id",
}


def _operators(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """Every operator of a plan with its details, depth first."""
    found = [(str(plan.get("operatorType", "")), str(plan.get("args", {}).get("Details", "")))]
    for child in plan.get("children", []):
        found.extend(_operators(child))
    return found


@pytest.mark.parametrize("name", sorted(SEEKS))
def test_territory_lists_seek_an_index(neo_store: Neo4jStore, neo4j_uri: str, name: str) -> None:
    text: LiteralString = "EXPLAIN " + cypher.query(name)
    with driver(neo4j_uri) as d, d.session() as session:
        plan = session.run(text, PARAMS).consume().plan
    assert plan is not None
    ops = _operators(plan)
    kinds = [kind.split("@")[0] for kind, _ in ops]
    assert not [k for k in kinds if k in {"AllNodesScan", "NodeByLabelScan"}], ops
    seeks = [details for kind, details in ops if "IndexSeek" in kind]
    assert any(SEEKS[name] in d or ":Account(" in d for d in seeks), ops
    if SEEKS[name] == "account_territory":
        assert any("territory" in d for d in seeks), ops


def test_the_territory_index_exists(neo_store: Neo4jStore, neo4j_uri: str) -> None:
    with driver(neo4j_uri) as d, d.session() as session:
        found = {
            r["name"]: (r["labelsOrTypes"], r["properties"])
            for r in session.run(cypher.query("schema/read_indexes"))
        }
    assert found["account_territory"] == (["Account"], ["territory"])
