"""The ``graphcrm`` command line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from graphcrm.config import get_settings, parse_store_url
from graphcrm.domain import AccountId, ChangeSet, PageRequest
from graphcrm.domain.base import as_of_instant
from graphcrm.errors import GraphCRMError, InvalidError
from graphcrm.services.orgchart import OrgChart, OrgNode, org_chart
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

console = Console()
err_console = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


class AsOf(click.ParamType[datetime, Any]):
    """A date (end of that day, UTC) or an ISO 8601 datetime."""

    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return as_of_instant(str(value))
        except ValueError as e:
            self.fail(str(e), param, ctx)


@contextlib.contextmanager
def _store(ctx: click.Context) -> Iterator[GraphStore]:
    url = ctx.obj["store_url"]
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


@click.group()
@click.option(
    "--store",
    "store_url",
    envvar="GRAPHCRM_STORE",
    default="",
    help="Store URL (default: GRAPHCRM_STORE, else the embedded SQLite store).",
)
@click.pass_context
def main(ctx: click.Context, store_url: str) -> None:
    """graphcrm: stakeholder and influence analytics for B2B sales."""
    ctx.ensure_object(dict)
    ctx.obj["store_url"] = parse_store_url(store_url)


def _apply_stream(
    store: GraphStore, batches: Iterator[ChangeSet], *, total: int | None, label: str, actor: str
) -> int:
    rows = 0
    with _progress() as progress:
        task = progress.add_task(label, total=total, rows=0)
        for batch in batches:
            store.apply(batch, actor=actor)
            rows += batch.size()
            progress.update(task, advance=len(batch.accounts), rows=rows)
    return rows


@main.command()
@click.option("--accounts", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.pass_context
def generate(ctx: click.Context, accounts: int, seed: int) -> None:
    """Fill the store with a generated, sector-aware portfolio."""
    from graphcrm.generator import GeneratorConfig, generate_portfolio

    with _store(ctx) as store:
        rows = _apply_stream(
            store,
            generate_portfolio(GeneratorConfig(accounts=accounts, seed=seed)),
            total=accounts,
            label="generating",
            actor=get_settings().actor,
        )
    console.print(f"Generated {accounts:,} accounts ({rows:,} rows) into {ctx.obj['store_url']}")


@main.command(name="import")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["krackhardt"]),
    required=True,
    help="Input format.",
)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, fmt: str, path: Path) -> None:
    """Import data from PATH."""
    from graphcrm.io.krackhardt import load_krackhardt

    changes = load_krackhardt(path)
    with _store(ctx) as store:
        result = store.apply(changes, actor=get_settings().actor)
    console.print(
        f"Imported {changes.size():,} rows from {path} ({fmt}); changed: {result.changed}"
    )


def _render_node(node: OrgNode, tree: Tree) -> None:
    c = node.contact
    label = f"[bold]{c.name}[/bold] — {c.title or c.seniority.value} [dim]({c.id})[/dim]"
    if c.status.value != "active":
        label = f"[strike dim]{c.name}[/strike dim] — {c.title} [dim]({c.id}, left)[/dim]"
    if node.dotted_managers:
        label += f" [cyan]⋯ dotted to {', '.join(node.dotted_managers)}[/cyan]"
    branch = tree.add(label)
    for child in node.reports:
        _render_node(child, branch)


def _print_org_chart(chart: OrgChart, title: str, *, max_roots: int | None = None) -> None:
    when = chart.as_of.date().isoformat() if chart.as_of else "now"
    tree = Tree(f"[bold]{title}[/bold] — org chart as of {when} ({chart.size()} people)")
    roots = chart.roots if max_roots is None else chart.roots[:max_roots]
    for root in roots:
        _render_node(root, tree)
    if max_roots is not None and len(chart.roots) > max_roots:
        tree.add(f"[dim]… {len(chart.roots) - max_roots} more people without a manager[/dim]")
    console.print(tree)


@main.command()
@click.argument("account")
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.pass_context
def orgchart(ctx: click.Context, account: str, as_of: datetime | None) -> None:
    """Print the org chart of ACCOUNT (its external id)."""
    with _store(ctx) as store:
        acc = store.get_account(AccountId(account))
        chart = org_chart(store, acc.id, as_of=as_of)
    _print_org_chart(chart, f"{acc.name} ({acc.id})")


@main.command()
@click.option("--seed", type=int, default=7, show_default=True)
@click.pass_context
def demo(ctx: click.Context, seed: int) -> None:
    """Generate a demo portfolio on an empty store, then show what graphcrm sees."""
    from graphcrm.generator import demo_portfolio

    with _store(ctx) as store:
        if store.list_accounts(PageRequest(limit=1)).total == 0:
            batches = list(demo_portfolio(seed))
            _apply_stream(
                store,
                iter(batches),
                total=sum(len(b.accounts) for b in batches),
                label="demo portfolio",
                actor="demo",
            )
        else:
            console.print(
                f"[dim]Store {ctx.obj['store_url']} already holds data; showing it.[/dim]"
            )
        _print_summary(store)
        first = _largest_account(store)
        chart = org_chart(store, first, as_of=None)
        _print_org_chart(chart, f"{store.get_account(first).name} ({first})")


def _print_summary(store: GraphStore) -> None:
    stats = store.stats()
    table = Table(title="Store contents")
    table.add_column("kind")
    table.add_column("rows", justify="right")
    for kind, n in sorted(stats.counts.items()):
        table.add_row(kind, f"{n:,}")
    console.print(table)


def _largest_account(store: GraphStore) -> AccountId:
    """The demo shows the account with the most contacts among the first page."""
    accounts = store.list_accounts(PageRequest(limit=100)).items
    best = max(
        accounts,
        key=lambda a: (store.list_contacts(PageRequest(limit=1), account_id=a.id).total, a.id),
    )
    return best.id


@main.command(name="neo4j-dev")
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


def run() -> None:
    """Entry point with graphcrm errors shown as one clear line, not a traceback."""
    try:
        main(standalone_mode=True)
    except InvalidError as e:
        err_console.print(f"[red]error:[/red] {e}")
        for problem in e.problems[:50]:
            err_console.print(f"  - {problem}")
        sys.exit(2)
    except GraphCRMError as e:
        err_console.print(f"[red]error:[/red] {e}")
        sys.exit(1)
