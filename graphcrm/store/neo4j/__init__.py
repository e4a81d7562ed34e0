"""The Neo4j store. All of graphcrm's Cypher lives in ``cypher/``, loaded by name."""

from graphcrm.store.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore"]
