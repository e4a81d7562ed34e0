"""`graphcrm keys create|list|revoke`: the key is printed once and works against the API."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from graphcrm.cli import main
from graphcrm.errors import NotFoundError
from tests.api.conftest import make_settings, seed


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = ["--store", settings.store.get_secret_value()]
    env = {"GRAPHCRM_KEYS_PATH": settings.keys_path}
    runner = CliRunner()
    created = runner.invoke(
        main,
        [*store, "keys", "create", "--name", "ci", "--scope", "read", "--territory", "Marmara"],
        env=env,
        catch_exceptions=False,
    )
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith("gcrm_")
    key_id = secret.split("_")[1]
    listed = runner.invoke(main, [*store, "keys", "list"], env=env, catch_exceptions=False)
    assert key_id in listed.output
    assert secret.split("_", 2)[2] not in listed.output
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/accounts", headers={"X-API-Key": secret}).status_code == 200
        revoked = runner.invoke(main, [*store, "keys", "revoke", key_id], env=env)
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/v1/accounts", headers={"X-API-Key": secret}).status_code == 401


OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    scopes      TEXT NOT NULL,
    territories TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
)
"""


def _old_key_file(path: Path) -> tuple[str, str]:
    """A keys file as earlier versions wrote it: one live key, one revoked; returns
    the live key's full secret and the revoked one's."""
    secrets = {"0a0a0a0a0a0a": "live-secret-Z9_x", "0b0b0b0b0b0b": "gone-secret"}
    conn = sqlite3.connect(path)
    conn.execute(OLD_SCHEMA)
    for (key_id, secret), revoked in zip(
        secrets.items(), (None, "2026-01-02T00:00:00+00:00"), strict=True
    ):
        conn.execute(
            "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                key_id,
                f"eski {key_id}",
                hashlib.sha256(secret.encode()).digest(),
                "read,write",
                "Marmara",
                "2026-01-01T00:00:00+00:00",
                revoked,
            ),
        )
    conn.commit()
    conn.close()
    return tuple(f"gcrm_{k}_{s}" for k, s in secrets.items())  # type: ignore[return-value]


def test_keys_of_an_old_keys_file_move_into_the_store_once(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    seed(settings)
    live, gone = _old_key_file(Path(settings.keys_path))
    store = ["--store", settings.store.get_secret_value()]
    env = {"GRAPHCRM_KEYS_PATH": settings.keys_path}
    runner = CliRunner()
    moved = runner.invoke(main, [*store, "keys", "import-file"], env=env)
    assert moved.exit_code == 0, moved.output
    assert "Imported 2 key(s)" in moved.output
    assert not Path(settings.keys_path).exists()
    assert Path(settings.keys_path + ".imported").exists()
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/accounts", headers={"X-API-Key": live}).status_code == 200
        assert client.get("/v1/accounts", headers={"X-API-Key": gone}).status_code == 401
        got = client.get("/v1/accounts", headers={"X-API-Key": live[:-1]})
        assert got.status_code == 401
    again = runner.invoke(main, [*store, "keys", "import-file"], env=env)
    # read once: no file any more (``graphcrm`` prints this as one error line, exit 1)
    assert isinstance(again.exception, NotFoundError)
    assert settings.keys_path in str(again.exception)
