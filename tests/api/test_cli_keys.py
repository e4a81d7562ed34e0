"""`graphcrm keys create|list|revoke`: the key is printed once and works against the API."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from graphcrm.cli import main
from tests.api.conftest import make_settings


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
