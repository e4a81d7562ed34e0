"""The API on a seeded SQLite store in tmp_path, with keys of two territories."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from graphcrm.auth import KeyStore, Scope
from graphcrm.config import Settings
from graphcrm.store.sqlite import SqliteStore
from tests.api.seed import START, seed_batches

R, W, A = Scope.READ, Scope.WRITE, Scope.ADMIN


@dataclass
class Env:
    client: TestClient
    keys: dict[str, str]
    settings: Settings

    def h(self, who: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who]}


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings of a test app on a SQLite store in ``tmp_path``. The per-key limits of
    expensive requests are off unless ``overrides`` set them (tests/api/test_limits.py):
    the suites send one key's requests faster than any client should."""
    values: dict[str, object] = {
        "store": SecretStr(f"sqlite://{tmp_path / 'api.sqlite3'}"),
        "keys_path": str(tmp_path / "keys.sqlite3"),
        "api_expensive_concurrent": 0,
        "api_expensive_per_minute": 0,
        **overrides,
    }
    return Settings.model_validate(values)


def seed(settings: Settings) -> dict[str, str]:
    url = settings.store.get_secret_value()
    store = SqliteStore.open(url.removeprefix("sqlite://"))
    try:
        for batch in seed_batches(datetime.now(UTC)):
            store.apply(batch, actor="seed", at=START)
        keys = KeyStore(store)
        made = {
            "marmara": keys.create("marmara", [R, W], ["Marmara"]),
            "ege": keys.create("ege", [R, W], ["Ege"]),
            "reader": keys.create("reader", [R], ["Marmara"]),
            "writer_only": keys.create("writer-only", [W], ["Marmara"]),
            "admin": keys.create("admin", [R, W, A], ["*"]),
        }
    finally:
        store.close()
    return {name: k.secret for name, k in made.items()}


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    settings = make_settings(tmp_path)
    keys = seed(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Env(client, keys, settings)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Return once ``base``/readyz answers 200; fail if ``proc`` stops or 60 s pass."""
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.poll() is None, "serve stopped"
        assert time.monotonic() < deadline, "serve did not start"
        time.sleep(0.2)


@contextlib.contextmanager
def served(
    settings: Settings,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    cwd: Path | None = None,
) -> Iterator[str]:
    """``graphcrm serve`` for real, in a process of its own on a free port, with the store and
    keys of ``settings`` and ``env`` added to the environment, in ``cwd`` (default: the
    tests'); yields its base URL once ``/readyz`` answers. Its stderr (the request log)
    goes to ``log``."""
    port = _free_port()
    store = settings.store.get_secret_value()
    cmd = [sys.executable, "-m", "graphcrm", "--store", store, "serve", "--port", str(port)]
    root = str(Path(__file__).resolve().parents[2])
    full_env = {
        **os.environ,
        "GRAPHCRM_KEYS_PATH": settings.keys_path,
        "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p),
        **(env or {}),
    }
    with contextlib.ExitStack() as stack:
        stderr = stack.enter_context(log.open("wb")) if log is not None else subprocess.DEVNULL
        proc = subprocess.Popen(
            [*cmd, "--workers", str(workers)],
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=cwd,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, proc)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)
