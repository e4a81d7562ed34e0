"""OpenAPI documents every endpoint's errors; /docs works offline; docs/api.md names every
endpoint."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.conftest import Env

ROOT = Path(__file__).resolve().parents[2]


def test_docs_page_references_no_external_url(env: Env) -> None:
    page = env.client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
    assert urls, page.text
    assert not [u for u in urls if "//" in u], urls
    assert "cdn" not in page.text.lower()
    for u in urls:
        assert env.client.get(u).status_code == 200, u
    assert "url: '/openapi.json'" in page.text or '"/openapi.json"' in page.text


def test_every_operation_documents_its_errors_as_problems(env: Env) -> None:
    spec = env.client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), (method, path)
            codes = set(op["responses"])
            if path.startswith("/v1/"):
                assert {"401", "403", "422", "503"} <= codes, (method, path, codes)
                assert op.get("security"), (method, path)
            for code, response in op["responses"].items():
                if code.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"]


def test_docs_api_md_names_every_endpoint(env: Env) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    spec = env.client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method in ops:
            assert f"`{method.upper()} {path}`" in text, (method, path)
