"""docker-compose.yml cannot run here (no Docker engine), so its shape is checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_neo4j_service_is_the_lts_community_image_with_healthcheck_and_volume() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    check = neo4j["healthcheck"]
    assert "cypher-shell" in " ".join(check["test"])
    assert {"interval", "timeout", "retries"} <= set(check)
    assert any(v.endswith(":/data") for v in neo4j["volumes"])
    assert "neo4j-data" in _compose()["volumes"]
    assert neo4j["environment"]["NEO4J_AUTH"].startswith("neo4j/")


def test_two_api_replicas_point_at_neo4j_with_no_volume_behind_a_proxy() -> None:
    services = _compose()["services"]
    for name in ("graphcrm", "graphcrm-2"):
        app = services[name]
        store = app["environment"]["GRAPHCRM_STORE"]
        assert store.startswith("neo4j://neo4j:")
        assert store.endswith("@neo4j:7687/neo4j")
        assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
        assert app["command"][0] == "serve"
        assert "/readyz" in " ".join(app["healthcheck"]["test"])
        assert "volumes" not in app  # nothing on local disk: keys and all are in Neo4j
        assert "GRAPHCRM_KEYS_PATH" not in app["environment"]
    proxy = services["proxy"]
    assert "8000:8000" in proxy["ports"]
    assert {proxy["depends_on"][n]["condition"] for n in ("graphcrm", "graphcrm-2")} == {
        "service_healthy"
    }
    conf = _compose()["configs"]["nginx"]["content"]
    assert "server graphcrm:8000" in conf
    assert "server graphcrm-2:8000" in conf
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY api ./api" in dockerfile
    assert "COPY cypher ./cypher" in dockerfile
