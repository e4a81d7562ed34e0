"""Clients generated from ``/openapi.json`` work: openapi-python-client and
openapi-typescript generate without a warning, and every documented operation's
success response has a type (no ``Any``, no ``unknown``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.api.conftest import Env

OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0"

PYTHON_CLIENT_CONFIG = """\
post_hooks: []
content_type_overrides:
  application/x-ndjson: application/octet-stream
  application/zip: application/octet-stream
  application/graphml+xml: application/octet-stream
  application/gexf+xml: application/octet-stream
"""
"""The export's file types are bytes to a client (the generator's documented mapping)."""


def _spec(env: Env, tmp_path: Path) -> tuple[dict[str, Any], Path]:
    spec = env.client.get("/openapi.json").json()
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return spec, path


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_python_client_types_every_operation(env: Env, tmp_path: Path) -> None:
    spec, path = _spec(env, tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(PYTHON_CLIENT_CONFIG, encoding="utf-8")
    out = tmp_path / "client"
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            f"--path={path}",
            f"--config={config}",
            "--meta=none",
            f"--output-path={out}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    modules = {p.stem: p for p in (out / "api").rglob("*.py")}
    for ops in spec["paths"].values():
        for op in ops.values():
            module = modules[_snake(op["operationId"])]
            (returns,) = re.findall(
                r"def _parse_response\(.*?\) -> (.+?):\n", module.read_text(), re.S
            )
            kinds = {t.strip() for t in returns.split("|")} - {"None", "ProblemModel"}
            assert kinds, (op["operationId"], returns)
            assert "Any" not in kinds, (op["operationId"], returns)


def test_typescript_types_every_success_response(env: Env, tmp_path: Path) -> None:
    spec, path = _spec(env, tmp_path)
    out = tmp_path / "api.ts"
    run = subprocess.run(
        ["npm", "exec", "--yes", "--", OPENAPI_TYPESCRIPT, str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warn" not in output.lower(), output
    text = out.read_text(encoding="utf-8")
    operations = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    for operation_id in operations:
        block = re.search(rf"\n    {operation_id}: \{{\n(.*?)\n    \}};\n", text, re.S)
        assert block is not None, operation_id
        success = re.search(r"\n            (20\d): \{\n(.*?)\n            \};", block[1], re.S)
        assert success is not None, (operation_id, block[1][:500])
        body = success[2]
        assert "content:" in body, (operation_id, body)
        assert ": unknown;" not in body.replace("[name: string]: unknown;", ""), (
            operation_id,
            body,
        )
