"""The wheel: what it installs, and ``graphcrm serve`` run from it alone.

The web app is the checkout's ``api/`` folder; the wheel installs it as
``graphcrm_api`` (``pyproject.toml``, ``[tool.hatch.build.targets.wheel.sources]``),
so it cannot collide with another distribution's top-level ``api``. The served
test runs the unpacked wheel with the checkout taken off ``sys.path``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import _free_port, make_settings, seed, wait_ready

ROOT = Path(__file__).resolve().parents[2]

# Runs graphcrm from the unpacked wheel only: the checkout (on sys.path through the
# editable install) is taken off, and the web app must be found as graphcrm_api.
BOOT = """
import sys
from importlib.util import find_spec
from pathlib import Path

root, site = sys.argv[1], sys.argv[2]
sys.path[:] = [site, *(p for p in sys.path if p and Path(p).resolve() != Path(root))]
assert find_spec("api") is None, "a top-level api is importable"
import graphcrm, graphcrm_api
print(Path(graphcrm.__file__).parent.parent, Path(graphcrm_api.__file__).parent.parent, flush=True)
from graphcrm.cli import run
sys.argv = ["graphcrm", *sys.argv[3:]]
run()
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("graphcrm-*.whl")
    return built


def test_the_wheel_installs_graphcrm_and_graphcrm_api_and_no_top_level_api(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
        assert tops == {"graphcrm", "graphcrm_api"}
        assert "graphcrm_api/app.py" in names
        assert "graphcrm_api/routers/pages.py" in names
        assert any(n.startswith("graphcrm_api/templates/") for n in names)
        assert any(n.startswith("graphcrm/_cypher/") and n.endswith(".cypher") for n in names)
        for name in names:
            if name.startswith("graphcrm_api/") and name.endswith(".py"):
                text = z.read(name).decode()
                assert not re.search(r"^\s*(from api[ .]|import api\b)", text, re.M), name


@pytest.fixture
def unpacked(wheel: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    return site


@pytest.mark.parametrize("workers", [1, 2])
def test_graphcrm_serve_runs_from_the_wheel_alone(
    unpacked: Path, tmp_path: Path, workers: int
) -> None:
    settings = make_settings(tmp_path)
    keys = seed(settings)
    port = _free_port()
    store = settings.store.get_secret_value()
    args = ["--store", store, "serve", "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, "GRAPHCRM_KEYS_PATH": settings.keys_path, "PYTHONPATH": str(unpacked)}
    with _running([sys.executable, "-c", BOOT, str(ROOT), str(unpacked), *args], env) as proc:
        assert proc.stdout is not None
        where = proc.stdout.readline().split()
        assert where == [str(unpacked), str(unpacked)]
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, proc)
        r = httpx.get(f"{base}/v1/accounts/M1", headers={"X-API-Key": keys["marmara"]})
        assert r.status_code == 200, r.text
        assert r.json()["account"]["name"] == "Marmara Holding A.Ş."
        page = httpx.get(f"{base}/pages/accounts/M1", headers={"X-API-Key": keys["marmara"]})
        assert page.status_code == 200
        assert "<html" in page.text.lower()


class _running:
    """A process that is terminated (then killed) on leaving the block."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )

    def __enter__(self) -> subprocess.Popen[str]:
        return self.proc

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
