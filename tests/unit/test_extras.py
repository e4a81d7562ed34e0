"""The product runs without the Neo4j driver (pyproject's ``neo4j`` extra), and a Neo4j URL
without it says which extra to install. The driver is blocked in a subprocess (``None`` in
``sys.modules`` makes ``import neo4j`` fail as if it were not installed), so nothing is
uninstalled from the environment the suite runs in."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_WITHOUT_DRIVER = "import sys\nsys.modules['neo4j'] = None\n"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_DRIVER + code],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )


def test_a_neo4j_url_without_the_driver_names_the_extra() -> None:
    done = _run(
        "from graphcrm.errors import StoreUnavailableError\n"
        "from graphcrm.store import open_store\n"
        "try:\n"
        "    open_store('neo4j://neo4j:s3cret@localhost:7687')\n"
        "except StoreUnavailableError as e:\n"
        "    print(e)\n"
    )
    assert done.returncode == 0, done.stderr
    message = done.stdout.strip()
    assert "pip install 'graphcrm[neo4j]'" in message
    assert "the Neo4j driver (neo4j is not installed)" in message
    assert "s3cret" not in message


def test_the_product_imports_and_opens_sqlite_without_the_driver(tmp_path: Path) -> None:
    done = _run(
        "import graphcrm.cli, api.app\n"
        "from graphcrm.store import open_store\n"
        f"store = open_store('sqlite:///{tmp_path / 'g.db'}')\n"
        "loaded = [m for m, v in sys.modules.items() if m.startswith('neo4j') and v]\n"
        "print(type(store).__name__, loaded)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["SqliteStore", "[]"]


def test_the_image_compose_serves_against_neo4j_has_the_driver() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert re.search(r"GRAPHCRM_STORE: *[\"']?neo4j://", compose)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    installs = re.findall(r"^RUN pip install .*$", dockerfile, flags=re.MULTILINE)
    assert installs == ['RUN pip install --no-cache-dir ".[neo4j]"']
