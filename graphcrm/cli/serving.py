"""Servers: the HTTP API (``serve``), its keys (``keys``), and a development Neo4j
(``neo4j-dev``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click
from rich.table import Table

from graphcrm.auth import ALL_TERRITORIES, KeyStore, Scope, import_key_file, keys_path
from graphcrm.cli.base import console, opened_store
from graphcrm.config import Settings, get_settings
from graphcrm.errors import GraphCRMError


def api_settings(ctx: click.Context) -> Settings:
    """The settings, with the store the command line names."""
    from pydantic import SecretStr

    settings = get_settings()
    raw = str(ctx.obj.get("store_raw", ""))
    return settings.model_copy(update={"store": SecretStr(raw)}) if raw else settings


@contextlib.contextmanager
def opened_keys(ctx: click.Context) -> Iterator[KeyStore]:
    with opened_store(ctx) as store:
        yield KeyStore(store)


@click.group()
def keys() -> None:
    """Manage API keys (stored hashed in the store, SQLite or Neo4j)."""


@keys.command(name="import-file")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.pass_context
def keys_import_file(ctx: click.Context, path: Path | None) -> None:
    """Move the keys of an earlier version's keys file into the store, once.

    PATH defaults to GRAPHCRM_KEYS_PATH, else <store>.keys.sqlite3 beside a SQLite
    store. The file is renamed to <name>.imported afterwards.
    """
    source = path if path is not None else keys_path(api_settings(ctx))
    with opened_store(ctx) as store:
        done = import_key_file(store, source)
    console.print(
        f"Imported {done.imported} key(s) from {done.path} ({done.present} already in the "
        f"store); the file is now {done.moved_to}."
    )


@keys.command(name="create")
@click.option("--name", required=True, help="Who the key is for (shown in request logs).")
@click.option(
    "--scope",
    "scopes",
    type=click.Choice([s.value for s in Scope]),
    multiple=True,
    required=True,
    help="read, write or admin; repeat for several.",
)
@click.option(
    "--territory",
    "territories",
    multiple=True,
    required=True,
    help=f"A territory the key may see; repeat for several; {ALL_TERRITORIES!r} for all.",
)
@click.pass_context
def keys_create(
    ctx: click.Context, name: str, scopes: tuple[str, ...], territories: tuple[str, ...]
) -> None:
    """Create a key and print it once (only its hash is kept)."""
    with opened_keys(ctx) as store:
        created = store.create(name, [Scope(s) for s in scopes], territories)
    console.print(f"Created key {created.key.id} for {name!r}. Copy it now; it is not shown again:")
    click.echo(created.secret)


@keys.command(name="list")
@click.pass_context
def keys_list(ctx: click.Context) -> None:
    """List keys (never their secrets)."""
    with opened_keys(ctx) as store:
        rows = store.list()
    table = Table(title=f"API keys ({len(rows)})")
    for column in ("id", "name", "scopes", "territories", "created", "revoked"):
        table.add_column(column)
    for k in rows:
        table.add_row(
            k.id,
            k.name,
            ",".join(sorted(k.scopes)),
            ", ".join(sorted(k.territories)),
            k.created_at.isoformat(timespec="seconds"),
            k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "-",
        )
    console.print(table)


@keys.command(name="revoke")
@click.argument("key_id")
@click.pass_context
def keys_revoke(ctx: click.Context, key_id: str) -> None:
    """Revoke the key KEY_ID; requests with it get 401 from then on."""
    with opened_keys(ctx) as store:
        key = store.revoke(key_id)
    console.print(f"Revoked key {key.id} ({key.name}).")


def serve_api(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import importlib

    web = importlib.import_module(f"{_web_package()}.serve")
    web.serve(settings, host, port, workers)


def _web_package() -> str:
    """The web app's package: ``graphcrm_api`` from a wheel, else the checkout's ``api/``.

    The core package never imports the web app at module level; ``serve`` and
    ``demo`` load it here.
    """
    from importlib.util import find_spec

    if find_spec("graphcrm_api") is not None:
        return "graphcrm_api"
    checkout = Path(__file__).resolve().parents[2] / "api"
    spec = find_spec("api")
    if (
        spec is not None
        and spec.origin is not None
        and Path(spec.origin).resolve().parent == checkout
    ):
        return "api"
    raise GraphCRMError(
        "the web app is not installed: install graphcrm from its wheel, or run from a checkout"
    )


@click.command()
@click.option("--host", default=None, help="Address to bind (default: GRAPHCRM_API_HOST).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port to bind.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; they learn of each other's writes from the store.",
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int) -> None:
    """Serve the HTTP API with uvicorn (docs at /docs)."""
    settings = api_settings(ctx)
    serve_api(
        settings,
        host or settings.api_host,
        port if port is not None else settings.api_port,
        workers,
    )


@click.command(name="neo4j-dev")
@click.option("--port", type=click.IntRange(0, 65535), default=7687, show_default=True)
@click.option("--password", default=None, help="Turn auth on for user neo4j with this password.")
@click.option("--data", type=click.Path(path_type=Path), default=None, help="Data directory.")
def neo4j_dev(port: int, password: str | None, data: Path | None) -> None:
    """Run a development Neo4j 5.26 (no Docker needed) until Ctrl-C.

    Needs Java 17 and Maven; works from a source checkout (tools/neo4j-dev).
    """
    from graphcrm.devserver import Neo4jDevServer

    server = Neo4jDevServer(port=port, password=password, data_dir=data)
    uri = server.start()
    user = f"neo4j:{'***'}@" if password else ""
    console.print(f"Neo4j is ready at {uri}")
    console.print(f"Point graphcrm at it: GRAPHCRM_STORE=neo4j://{user}{uri.split('://')[1]}")
    try:
        server.wait()
    except KeyboardInterrupt:
        server.stop()
