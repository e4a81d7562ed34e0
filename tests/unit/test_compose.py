"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine). What is
checked is what would make them fail, not their values: every name they refer to
exists (services, volumes, the store URL's host, the proxy's upstreams), every
GRAPHCRM_ variable it sets is a setting graphcrm reads (the settings ignore unknown
names, so a misspelt one would be dropped without a word), the image holds every path
the wheel is built from, and the API replicas keep nothing on disk
(docs/operations.md: "hosts need no shared volume")."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from graphcrm.config import Settings, parse_store_url

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_name_the_compose_file_refers_to_exists() -> None:
    compose = _compose()
    services = compose["services"]
    for name, service in services.items():
        for other, how in service.get("depends_on", {}).items():
            assert other in services, (name, other)
            if how["condition"] == "service_healthy":
                assert "healthcheck" in services[other], (name, other)
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in compose["volumes"], (name, source)
        store = service.get("environment", {}).get("GRAPHCRM_STORE")
        if store:
            assert urlsplit(store).hostname in services, (name, store)
    upstreams = re.findall(r"server ([\w-]+):\d+", compose["configs"]["nginx"]["content"])
    assert upstreams
    assert set(upstreams) <= set(services)


def test_every_graphcrm_variable_the_compose_file_sets_is_a_setting() -> None:
    prefix = Settings.model_config.get("env_prefix", "")
    known = {prefix + name for name in Settings.model_fields}
    seen = 0
    for name, service in _compose()["services"].items():
        env = service.get("environment", {})
        for var in env:
            if var.startswith(prefix):
                seen += 1
                assert var.upper() in {k.upper() for k in known}, (name, var)
        if f"{prefix}STORE" in env:
            # the URL, with compose's ${VAR:-default} substituted, parses as a store URL
            url = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", env[f"{prefix}STORE"])
            assert parse_store_url(url).scheme.startswith("neo4j"), (name, url)
    assert seen


def test_the_api_replicas_keep_nothing_on_disk() -> None:
    services = _compose()["services"]
    replicas = [s for s in services.values() if s.get("command", [""])[0] == "serve"]
    assert len(replicas) >= 2
    for app in replicas:
        assert urlsplit(app["environment"]["GRAPHCRM_STORE"]).scheme.startswith("neo4j")
        assert "volumes" not in app
        assert "GRAPHCRM_KEYS_PATH" not in app["environment"]


def test_the_image_holds_every_path_the_wheel_is_built_from() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied: set[str] = set()
    for sources in re.findall(r"^COPY (.+) \S+$", dockerfile, flags=re.M):
        copied.update(sources.split())
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"][
        "build"
    ]["targets"]["wheel"]
    needed = {"pyproject.toml", "README.md", *wheel["packages"], *wheel["force-include"]}
    assert needed <= copied, needed - copied
    assert all((ROOT / path).exists() for path in copied)
