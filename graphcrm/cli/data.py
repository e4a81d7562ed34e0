"""Data in and out: generate, import, export, backup, restore and migrate
(docs/import-export.md, docs/operations.md#backup)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table

from graphcrm.cli.base import AsOf, apply_stream, console, err_console, opened_store, progress_bar
from graphcrm.config import get_settings, parse_store_url
from graphcrm.domain import AccountId, ChangeSet
from graphcrm.errors import Problem
from graphcrm.store import open_store

if TYPE_CHECKING:
    from graphcrm.io.importing import ImportReport
    from graphcrm.services.backup import BackupHeader


@click.command()
@click.option("--accounts", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--export",
    "export_to",
    type=(click.Choice(["salesforce"]), click.Path(file_okay=False, path_type=Path)),
    default=None,
    metavar="salesforce DIR",
    help="Write the portfolio as Salesforce CSV files (and mapping.toml) into DIR "
    "instead of the store; see docs/import-export.md.",
)
@click.pass_context
def generate(
    ctx: click.Context, accounts: int, seed: int, export_to: tuple[str, Path] | None
) -> None:
    """Fill the store with a generated, sector-aware portfolio (or export it)."""
    from graphcrm.generator import GeneratorConfig, generate_portfolio

    batches = generate_portfolio(GeneratorConfig(accounts=accounts, seed=seed))
    if export_to is not None:
        _export_generated(batches, export_to[1], total=accounts)
        return
    with opened_store(ctx) as store:
        rows = apply_stream(
            store,
            batches,
            total=accounts,
            label="generating",
            actor=get_settings().actor,
        )
    console.print(f"Generated {accounts:,} accounts ({rows:,} rows) into {ctx.obj['store_url']}")


def _export_generated(batches: Iterator[ChangeSet], directory: Path, *, total: int) -> None:
    """``generate --export salesforce DIR``: the files, never the store."""
    from graphcrm.io.sfexport import write_salesforce_export

    with progress_bar() as progress:
        task = progress.add_task("exporting", total=total, rows=0)

        def counted() -> Iterator[ChangeSet]:
            rows = 0
            for batch in batches:
                yield batch
                rows += batch.size()
                progress.update(task, advance=len(batch.accounts), rows=rows)

        summary = write_salesforce_export(counted(), directory)
    rows = sum(summary.rows.values())
    per_file = ", ".join(f"{name} {n:,}" for name, n in summary.rows.items())
    console.print(
        f"Exported {total:,} generated accounts to {escape(str(directory))} (salesforce): "
        f"{len(summary.files)} files, {rows:,} rows ({per_file})",
        soft_wrap=True,
    )
    if summary.dropped:
        dropped = ", ".join(f"{n:,} {kind}" for kind, n in summary.dropped.items())
        err_console.print(
            f"[yellow]not carried[/yellow] (no Salesforce object): {dropped}", soft_wrap=True
        )


@click.command(name="import")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["salesforce", "hubspot", "json", "krackhardt"]),
    required=True,
    help="Input format.",
)
@click.option(
    "--all-or-nothing",
    is_flag=True,
    help="Commit nothing if any row is bad (default: commit the valid rows).",
)
@click.option(
    "--territory",
    default=None,
    help="Territory of the new accounts whose rows carry none (Salesforce and HubSpot "
    "exports carry none); stored accounts keep theirs.",
)
@click.option(
    "--territory-rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A territory rules file (docs/territories.md): each new account gets the "
    "territory of the first rule it matches; stored accounts keep theirs.",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A TOML file mapping the org's custom roles, stages and pipelines onto "
    "graphcrm's (Salesforce and HubSpot; see docs/import-export.md).",
)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.pass_context
def import_(
    ctx: click.Context,
    fmt: str,
    all_or_nothing: bool,
    territory: str | None,
    rules_file: Path | None,
    mapping_file: Path | None,
    path: Path,
) -> None:
    """Import data from PATH: a directory of CSV exports, or a JSON-lines file.

    Exits with code 2 when rows were rejected; every rejected row is listed
    with its file, line and column. See docs/import-export.md.
    """
    if fmt == "krackhardt":
        from graphcrm.io.krackhardt import load_krackhardt

        changes = load_krackhardt(path)
        with opened_store(ctx) as store:
            result = store.apply(changes, actor=get_settings().actor)
        console.print(
            f"Imported {changes.size():,} rows from {path} ({fmt}); changed: {result.changed}"
        )
        return
    from graphcrm.io.formats import import_data
    from graphcrm.io.importing import NewTerritory
    from graphcrm.io.mapping import CrmMapping
    from graphcrm.services.territories import TerritoryRules, rules_assigner

    if territory is not None and rules_file is not None:
        raise click.UsageError("give --territory or --territory-rules, not both")
    mapping = CrmMapping.load(mapping_file) if mapping_file is not None else None
    new_territory: NewTerritory = territory
    if rules_file is not None:
        new_territory = rules_assigner(TerritoryRules.load(rules_file))
    with opened_store(ctx) as store, progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def advance(label: str, done: int, total: int | None) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total, rows=0)
            bar.update(tasks[label], completed=done, total=total, rows=done)

        report = import_data(
            store,
            fmt,
            path,
            all_or_nothing=all_or_nothing,
            actor=get_settings().actor,
            progress=advance,
            territory=new_territory,
            mapping=mapping,
        )
    _print_import_report(report, path)
    if not report.ok:
        ctx.exit(2)


def _problem_line(problem: Problem) -> str:
    """``contacts.csv line 17, Email: ...``"""
    field = f", {problem.field}" if problem.field else ""
    return f"{problem.where}{field}: {problem.message}"


def _print_import_report(report: ImportReport, path: Path) -> None:
    table = Table(title=f"Imported {path} ({report.format})")
    table.add_column("rows")
    table.add_column("count", justify="right")
    for name, n in report.rows_read.items():
        table.add_row(f"read from {name}", f"{n:,}")
    for name, n in report.skipped.items():
        table.add_row(f"skipped in {name} (deleted)", f"{n:,}")
    for name, n in report.committed.items():
        table.add_row(f"committed {name}", f"{n:,}")
    for t in report.territories:
        table.add_row(f"new accounts to {t.territory} ({t.rule})", f"{t.accounts:,}")
    table.add_row("rejected rows", f"{report.rejected_rows:,}")
    console.print(table)
    for warning in report.warnings[:20]:
        err_console.print(f"[yellow]warning:[/yellow] {_problem_line(warning)}")
    if len(report.warnings) > 20:
        err_console.print(f"[yellow]… and {len(report.warnings) - 20} more warnings[/yellow]")
    for problem in report.problems[:50]:
        err_console.print(f"[red]rejected:[/red] {_problem_line(problem)}")
    if report.problem_count > 50:
        err_console.print(f"[red]… and {report.problem_count - 50} more problems[/red]")
    if report.all_or_nothing and not report.ok:
        console.print("Nothing was committed (--all-or-nothing).")
    console.print(f"changed: {report.changed}")


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "csv", "json"]),
    required=True,
    help="Output format.",
)
@click.option(
    "--account",
    "accounts",
    multiple=True,
    help="External id of an account to export (repeatable; default: every account).",
)
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.argument("out", type=click.Path(path_type=Path))
@click.pass_context
def export_(
    ctx: click.Context, fmt: str, accounts: tuple[str, ...], as_of: datetime | None, out: Path
) -> None:
    """Export stakeholder graphs to OUT (a file; a directory for csv). See docs/import-export.md."""
    from graphcrm.io.export import export

    with opened_store(ctx) as store, progress_bar() as bar:
        task = bar.add_task("exporting", total=None, rows=0)

        def advance(label: str, done: int, total: int | None) -> None:
            bar.update(task, description=f"exporting {label}", completed=done, total=total)

        report = export(
            store,
            fmt,
            out,
            account_ids=[AccountId(a) for a in accounts] or None,
            as_of=as_of,
            progress=advance,
        )
    rows = sum(report.rows.values())
    graph = f", {report.nodes:,} nodes, {report.edges:,} edges" if report.nodes is not None else ""
    console.print(f"Exported {report.accounts:,} accounts ({rows:,} rows{graph}) to {out} ({fmt})")
    for kind, n in report.skipped.items():
        err_console.print(f"[yellow]warning:[/yellow] left out {n:,} {kind} (outside the export)")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, file: Path) -> None:
    """Back the store up to FILE while it serves (see docs/operations.md#backup)."""
    from graphcrm.services.backup import backup as back_up

    with opened_store(ctx) as store, console.status("backing up"):
        header = back_up(store, file)
    _print_backup(f"Backed up to {file}", header)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete the store's data first (one transaction).")
@click.pass_context
def restore(ctx: click.Context, file: Path, replace: bool) -> None:
    """Restore FILE into the store; an empty store unless --replace."""
    from graphcrm.services.backup import restore as restore_into

    with opened_store(ctx) as store, console.status("restoring"):
        header = restore_into(store, file, replace=replace)
    _print_backup(
        f"Restored {file} ({header.source}, {header.created_at:%Y-%m-%d %H:%M} UTC)", header
    )


@click.command()
@click.option("--from", "source", required=True, help="Store URL to copy from.")
@click.option("--to", "target", required=True, help="Store URL to copy into.")
@click.option("--replace", is_flag=True, help="Delete the target's data first (one transaction).")
def migrate(source: str, target: str, replace: bool) -> None:
    """Copy a whole store into another, of either kind, and check the copy."""
    from graphcrm.services.backup import migrate as copy

    origin = open_store(parse_store_url(source))
    try:
        destination = open_store(parse_store_url(target))
        try:
            with console.status("copying"):
                header = copy(origin, destination, replace=replace)
        finally:
            destination.close()
    finally:
        origin.close()
    _print_backup(
        f"Copied {parse_store_url(source).redacted} to {parse_store_url(target).redacted}", header
    )


def _print_backup(title: str, header: BackupHeader) -> None:
    rows = sum(header.counts.values())
    console.print(f"{title}: {rows:,} rows, fingerprint {header.fingerprint[:16]}")
    for kind, n in header.counts.items():
        if n:
            console.print(f"  {kind}: {n:,}")
