from __future__ import annotations

from pathlib import Path

import pytest

from graphcrm.config import default_sqlite_path, get_settings, parse_store_url
from graphcrm.errors import InvalidError


def test_empty_url_means_embedded_sqlite_at_the_default_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = parse_store_url("")
    assert url.scheme == "sqlite"
    assert url.path == tmp_path / "graphcrm" / "graphcrm.sqlite3" == default_sqlite_path()


def test_sqlite_paths() -> None:
    assert parse_store_url("sqlite:///var/lib/g.db").path == Path("/var/lib/g.db")
    assert parse_store_url("sqlite:data/g.db").path == Path("data/g.db")
    with pytest.raises(InvalidError, match=r"GRAPHCRM_STORE\.path"):
        parse_store_url("sqlite://")


@pytest.mark.parametrize("scheme", ["neo4j", "bolt", "neo4j+s"])
def test_neo4j_url_parts_and_the_password_never_shows(scheme: str) -> None:
    url = parse_store_url(f"{scheme}://neo4j:p%40ss%20w0rd@db.example.com:7687/crm")
    assert (url.scheme, url.host, url.port, url.user, url.database) == (
        scheme,
        "db.example.com",
        7687,
        "neo4j",
        "crm",
    )
    assert url.password is not None
    assert url.password.get_secret_value() == "p@ss w0rd"
    for text in (str(url), repr(url), url.redacted, url.server_uri):
        assert "p@ss" not in text
        assert "p%40ss" not in text
    assert url.server_uri == f"{scheme}://db.example.com:7687"


def test_unknown_scheme_is_rejected_with_the_setting_named() -> None:
    with pytest.raises(InvalidError, match=r"GRAPHCRM_STORE\.scheme: unsupported scheme 'mysql'"):
        parse_store_url("mysql://x")


def test_settings_read_the_environment_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHCRM_STORE", "bolt://u:secret@h:1")
    monkeypatch.setenv("GRAPHCRM_ACTOR", "ayşe")
    settings = get_settings()
    assert settings.store.get_secret_value() == "bolt://u:secret@h:1"
    assert "secret" not in repr(settings)
    assert settings.actor == "ayşe"
