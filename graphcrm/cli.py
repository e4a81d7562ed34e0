"""The ``graphcrm`` command line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from graphcrm.auth import ALL_TERRITORIES, KeyStore, Scope, import_key_file, keys_path
from graphcrm.config import Settings, get_settings, parse_store_url
from graphcrm.domain import AccountId, ChangeSet, PageRequest
from graphcrm.domain.base import as_of_instant
from graphcrm.errors import GraphCRMError, InvalidError, Problem
from graphcrm.services.orgchart import OrgChart, OrgNode, org_chart
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

if TYPE_CHECKING:
    from graphcrm.analytics.signals import Evidence
    from graphcrm.domain import Deal, Stage
    from graphcrm.io.importing import ImportReport
    from graphcrm.services.backup import BackupHeader
    from graphcrm.services.forecast import Forecast, ForecastRow, ForecastTrend
    from graphcrm.services.risk import DealAssessment
    from graphcrm.services.territories import Move
    from graphcrm.services.winprob import DealWin, ModelSummary

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
    ctx.obj["store_raw"] = store_url


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
    with _store(ctx) as store:
        rows = _apply_stream(
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

    with _progress() as progress:
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


@main.command(name="import")
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
        with _store(ctx) as store:
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
    with _store(ctx) as store, _progress() as bar:
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


@main.command(name="export")
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

    with _store(ctx) as store, _progress() as bar:
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


def _render_node(node: OrgNode, tree: Tree, depth: int, max_depth: int | None) -> None:
    c = node.contact
    label = f"[bold]{escape(c.name)}[/bold] — {escape(c.title or c.seniority.value)}"
    label += f" [dim]({escape(c.id)})[/dim]"
    if c.status.value != "active":
        label = f"[strike dim]{escape(c.name)}[/strike dim] — {escape(c.title)}"
        label += f" [dim]({escape(c.id)}, left)[/dim]"
    if node.dotted_managers:
        label += f" [cyan]⋯ dotted to {escape(', '.join(node.dotted_managers))}[/cyan]"
    branch = tree.add(label)
    if max_depth is not None and depth >= max_depth and node.reports:
        below = sum(child.size() for child in node.reports)
        branch.add(f"[dim]… {below} more below (use --depth)[/dim]")
        return
    for child in node.reports:
        _render_node(child, branch, depth + 1, max_depth)


def _print_org_chart(chart: OrgChart, title: str, *, max_depth: int | None = None) -> None:
    """Print the tree. People who left and have nobody under them are counted,
    not listed, so that the current organisation stays readable."""
    when = chart.as_of.date().isoformat() if chart.as_of else "now"
    tree = Tree(f"[bold]{escape(title)}[/bold] — org chart as of {when} ({chart.size()} people)")
    gone = [r for r in chart.roots if r.contact.status.value != "active" and not r.reports]
    for root in chart.roots:
        if root not in gone:
            _render_node(root, tree, 1, max_depth)
    if gone:
        names = ", ".join(r.contact.name for r in gone[:5])
        more = f" and {len(gone) - 5} more" if len(gone) > 5 else ""
        tree.add(f"[dim]{len(gone)} people have left the company: {escape(names)}{more}[/dim]")
    console.print(tree)


@main.command()
@click.argument("account")
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.option("--depth", type=click.IntRange(min=1), default=None, help="Levels to show.")
@click.pass_context
def orgchart(ctx: click.Context, account: str, as_of: datetime | None, depth: int | None) -> None:
    """Print the org chart of ACCOUNT (its external id)."""
    with _store(ctx) as store:
        acc = store.get_account(AccountId(account))
        chart = org_chart(store, acc.id, as_of=as_of)
    _print_org_chart(chart, f"{acc.name} ({acc.id})", max_depth=depth)


@main.command()
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--no-serve", is_flag=True, help="Only print; do not create a key and serve.")
@click.option("--host", default=None, help="Address to serve on (default: GRAPHCRM_API_HOST).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port to serve on.")
@click.pass_context
def demo(ctx: click.Context, seed: int, no_serve: bool, host: str | None, port: int | None) -> None:
    """Generate a demo portfolio on an empty store, show what graphcrm sees, then create a
    demo API key and serve the API (unless --no-serve)."""
    _demo_show(ctx, seed)
    if not no_serve:
        _demo_serve(ctx, host=host, port=port)


def _demo_show(ctx: click.Context, seed: int) -> None:
    from graphcrm.generator import demo_portfolio

    with _store(ctx) as store:
        if store.list_accounts(PageRequest(limit=1)).total == 0:
            # The demo's history ends today (midnight UTC), so it looks current
            # whenever it is run; the same seed on the same day gives the same data.
            today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            batches = list(demo_portfolio(seed, now=today))
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
        _print_org_chart(chart, f"{store.get_account(first).name} ({first})", max_depth=3)
        _print_riskiest_open_deal(store, first)


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


def _riskiest_open_deal(store: GraphStore, account_id: AccountId) -> DealAssessment | None:
    """The riskiest deal open now of ``account_id``, else of the largest account with an
    open deal (saying so), else None: what the demo names and then links."""
    from graphcrm.services.risk import open_deal_risks

    deals = open_deal_risks(store, account_id)
    if not deals:
        fallback = _largest_account_with_open_deal(store)
        if fallback is None:
            console.print(f"[dim]{account_id} has no open deal, nor has any other account.[/dim]")
            return None
        console.print(
            f"[dim]{account_id} has no open deal; showing {fallback}, "
            "the largest account with one.[/dim]"
        )
        deals = open_deal_risks(store, fallback)
    return deals[0]


def _print_riskiest_open_deal(store: GraphStore, account_id: AccountId) -> None:
    riskiest = _riskiest_open_deal(store, account_id)
    if riskiest is not None:
        _print_deal_risk(riskiest, title="Riskiest open deal")


def _largest_account_with_open_deal(store: GraphStore) -> AccountId | None:
    """Among the first page of accounts, the one with the most contacts and an open deal."""
    by_size = sorted(
        store.list_accounts(PageRequest(limit=100)).items,
        key=lambda a: (-store.list_contacts(PageRequest(limit=1), account_id=a.id).total, a.id),
    )
    for account in by_size:
        deals = store.list_deals(PageRequest(limit=1000), account_id=account.id).items
        if any(not d.stage.is_closed for d in deals):
            return account.id
    return None


def _evidence_text(names: dict[str, str], ev: Evidence) -> str:
    people = [names.get(c, c) for c in ev.contact_ids]
    extra = len(ev.edges) + len(ev.touchpoint_ids)
    return ", ".join(people) + (f" (+{extra} ties/touchpoints)" if extra else "") or "-"


def _model_text(model: ModelSummary) -> str:
    return (
        f"fitted on this store's {model.deals:,} closed deals"
        if model.source.value == "store"
        else "the shipped prior (too few closed deals of its own: run graphcrm train)"
    )


def _print_closed(deal: Deal, when: str, outcome: Stage | None, loss_reason: str | None) -> None:
    reason = f", loss reason: {loss_reason}" if loss_reason else ""
    shown = outcome.value if outcome else deal.stage.value
    console.print(f"[bold]{deal.name}[/bold] ({deal.id}) closed as of {when}: {shown}{reason}")


def _print_deal_risk(assessment: DealAssessment, *, title: str = "Deal risk") -> None:
    deal, risk = assessment.deal, assessment.risk
    when = assessment.as_of.isoformat(timespec="minutes")
    if risk is None:
        _print_closed(deal, when, assessment.outcome, assessment.loss_reason)
        return
    console.print(
        f"[bold]{title}:[/bold] {deal.name} ({deal.id}), {deal.stage.value}, "
        f"account {deal.account_id} — risk [bold]{risk.score:.0f}[/bold]/100 as of {when} "
        f"= 100 × (1 − P(win) {risk.probability:.0%}); the stage alone: {risk.baseline:.0f} "
        f"(model {_model_text(assessment.model)})"
    )
    if risk.factors:
        table = Table(title="risk = the stage's risk + these points")
        table.add_column("points", justify="right")
        table.add_column("factor")
        table.add_column("what the graph says")
        table.add_column("evidence")
        for f in risk.factors:
            table.add_row(
                f"{f.points:+.1f}", f.group, f.facts, _evidence_text(assessment.names, f.evidence)
            )
        console.print(table)
    if not risk.signals:
        console.print("[green]No warning signal.[/green]")
        return
    signals = Table(title="what was seen (signals explain; they add no points)")
    signals.add_column("signal")
    signals.add_column("why")
    signals.add_column("evidence")
    for sg in risk.signals:
        signals.add_row(sg.code.value, sg.message, _evidence_text(assessment.names, sg.evidence))
    console.print(signals)


@main.command()
@click.argument("deal")
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.pass_context
def risk(ctx: click.Context, deal: str, as_of: datetime | None) -> None:
    """Print the risk of DEAL (its external id): 100 × (1 − its win probability), the
    stage's share and every factor's points with its evidence, and the signals seen; a
    closed deal prints its outcome and loss reason."""
    from graphcrm.domain import DealId
    from graphcrm.services.risk import assess_deal

    with _store(ctx) as store:
        assessment = assess_deal(store, DealId(deal), as_of=as_of)
    _print_deal_risk(assessment)


def _print_deal_win(win: DealWin) -> None:
    deal, model = win.deal, win.model
    when = win.as_of.isoformat(timespec="minutes")
    fitted = _model_text(model)
    if win.probability is None or win.stage_probability is None:
        _print_closed(deal, when, win.outcome, win.loss_reason)
        return
    console.print(
        f"[bold]Win probability:[/bold] {deal.name} ({deal.id}), {deal.stage.value} — "
        f"[bold]{win.probability:.0%}[/bold] as of {when} "
        f"(the stage alone: {win.stage_probability:.0%}; model {fitted})"
    )
    if not win.contributions:
        return
    table = Table()
    table.add_column("points", justify="right")
    table.add_column("factor")
    table.add_column("what the graph says")
    table.add_column("evidence")
    for c in win.contributions:
        evidence = _evidence_text(win.names, c.evidence)
        table.add_row(f"{100 * c.points:+.1f}", c.group, c.facts, evidence)
    console.print(table)


@main.command()
@click.argument("deal")
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.pass_context
def win(ctx: click.Context, deal: str, as_of: datetime | None) -> None:
    """Print the win probability of DEAL with each factor's contribution and evidence."""
    from graphcrm.domain import DealId
    from graphcrm.services.winprob import deal_win

    with _store(ctx) as store:
        result = deal_win(store, DealId(deal), as_of=as_of)
    _print_deal_win(result)


@main.command()
@click.option(
    "--every-days",
    type=click.IntRange(min=1, max=365),
    default=14,
    show_default=True,
    help="Read each closed deal at calendar dates this many days apart.",
)
@click.pass_context
def train(ctx: click.Context, every_days: int) -> None:
    """Fit the win-probability model on the store's closed deals and store it."""
    from graphcrm.services.clock import utc_now
    from graphcrm.services.training import closed_deals, enough
    from graphcrm.services.training import train as fit

    with _store(ctx) as store:
        deals = closed_deals(store)
        if not enough(deals):
            won = sum(1 for d in deals if d.won)
            console.print(
                f"Only {len(deals)} closed deals ({won} won): too few to fit a model; the "
                "shipped prior stays in use (docs/scoring.md §4a)."
            )
            return
        with console.status(f"reading {len(deals):,} closed deals at their snapshot dates"):
            card = fit(store, fitted_at=utc_now(), every_days=every_days)
    auc = f"{card.cv_auc:.3f}" if card.cv_auc is not None else "-"
    stage = f"{card.cv_auc_stage:.3f}" if card.cv_auc_stage is not None else "-"
    console.print(
        f"Fitted on {card.deals:,} closed deals ({card.won:,} won), {card.snapshots:,} "
        f"snapshots: cross-validated AUC {auc} (the stage alone: {stage}), Brier "
        f"{card.brier or 0:.3f}, calibration error {card.ece or 0:.3f}; stored as of "
        f"{card.fitted_at.isoformat(timespec='seconds')}."
    )


@main.command()
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes of the local executor (default: one per core, at most 4).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where accounts are scored: processes of this machine, or the workers of a Dask "
    "cluster (the distributed extra; each opens the store from --store).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler's address (tcp://host:8786), with --executor dask.",
)
@click.option(
    "--incremental",
    is_flag=True,
    help="Score only the accounts whose inputs changed since the last recorded run (from "
    "the change log), as of --as-of (default now, never before that run's); the others "
    "keep their scores as of when they were last scored. Full when that cannot be exact "
    "(no run yet, other parameters, a restored store, a new win model); "
    "docs/operations.md#incremental-scoring.",
)
@click.pass_context
def score(
    ctx: click.Context,
    as_of: datetime | None,
    top: int,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    incremental: bool,
) -> None:
    """Score every account (with --incremental, those changed since the last run) and
    its open deals, write the scores back to the store, record the run, and print a
    summary and the riskiest deals."""
    import functools
    import os
    import time
    from collections import Counter

    from graphcrm.services.executors import DaskCluster
    from graphcrm.services.incremental import plan_run, run_planned

    cluster: DaskCluster | None = None
    if executor == "dask":
        if scheduler is None:
            raise click.UsageError("--executor dask needs --scheduler ADDRESS")
        if workers is not None:
            raise click.UsageError("--workers is for --executor local (a cluster has its own)")
        try:
            cluster = DaskCluster.connect(scheduler)
        except InvalidError as e:
            problem = e.problems[0]
            raise click.BadParameter(problem.message, param_hint=f"--{problem.where}") from None
    elif scheduler is not None:
        raise click.UsageError("--scheduler is for --executor dask")

    bands: Counter[str] = Counter()
    riskiest: list[tuple[float, str, DealAssessment]] = []
    accounts = contacts = 0
    start = time.perf_counter()
    with (
        _store(ctx) as store,
        _progress() as progress,
        contextlib.closing(cluster) if cluster else contextlib.nullcontext(),
    ):
        try:
            plan = plan_run(store, incremental=incremental, as_of=as_of)
        except InvalidError as e:  # an --as-of before the last run's, for --incremental
            raise click.BadParameter(e.problems[0].message, param_hint="--as-of") from None
        task = progress.add_task("scoring", total=None, rows=0)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, rows=contacts)

        # Worker processes (by default one per core), each with its own connection to
        # the store; every account's scores are written back (GraphStore.put_scores).
        local = 1 if cluster else workers or max(1, min(os.cpu_count() or 1, 4))
        reopen = functools.partial(open_store, ctx.obj["store_url"])
        for report in run_planned(
            store, plan, progress=advance, workers=local, reopen=reopen, executor=cluster
        ):
            accounts += 1
            contacts += len(report.scores.contacts)
            bands[report.scores.health.band.value] += 1
            for a in report.open_deals:
                if a.risk is not None:
                    riskiest.append((a.risk.score, a.deal.id, a))
            riskiest = sorted(riskiest, key=lambda r: (-r[0], r[1]))[:top]
    elapsed = time.perf_counter() - start
    rate = accounts / elapsed if elapsed > 0 else 0.0
    summary = Table(title=f"Portfolio as of {plan.at.isoformat(timespec='minutes')}")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    summary.add_row("run", "full" if plan.full else "incremental")
    if incremental:
        summary.add_row("because" if plan.full else "from", plan.reason)
    if not plan.full and plan.base is not None:
        oldest = plan.base.oldest_as_of.isoformat(timespec="minutes")
        summary.add_row("other accounts' scores as of", f"{oldest} or later")
    summary.add_row("accounts scored", f"{accounts:,}")
    summary.add_row("contacts scored", f"{contacts:,}")
    summary.add_row("accounts/s", f"{rate:,.1f}")
    for band in ("good", "fair", "poor"):
        summary.add_row(f"health {band}", f"{bands[band]:,}")
    console.print(summary)
    deals = Table(
        title=f"Top {top} riskiest open deals" + ("" if plan.full else " of the accounts scored")
    )
    for name, justify in (("risk", "right"), ("deal", "left"), ("account", "left")):
        deals.add_column(name, justify=justify)  # type: ignore[arg-type]
    deals.add_column("stage")
    deals.add_column("what raises it most")
    for score_, _, a in riskiest:
        up = [f for f in a.risk.factors if f.points > 0] if a.risk is not None else []
        deals.add_row(
            f"{score_:.0f}",
            f"{a.deal.name} ({a.deal.id})",
            a.deal.account_id,
            a.deal.stage.value,
            f"{up[0].group} ({up[0].points:+.0f})" if up else "-",
        )
    console.print(deals)


def _quarter(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check ``--quarter`` (YYYY-Qn) when it is given."""
    from graphcrm.services.forecast import Quarter

    if value is None:
        return None
    try:
        return str(Quarter.parse(value))
    except InvalidError as e:
        raise click.BadParameter(e.problems[0].message) from None


def _money(x: float) -> str:
    """An amount in a narrow column: 950, 79.3k, 114.6M.

    >>> _money(950.4), _money(79_349.0), _money(114_620_000.0)
    ('950', '79.3k', '114.6M')
    """
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:,.1f}{suffix}"
    return f"{x:,.0f}"


def _print_forecast(f: Forecast) -> None:
    from graphcrm.analytics.forecast import Category

    when = f.as_of.isoformat(timespec="minutes")
    quarters = ", ".join(f.quarters)
    table = Table(
        title=f"Forecast {quarters} by {f.by} as of {when} ({f.currency})", box=box.SIMPLE_HEAD
    )
    table.add_column(f.by, overflow="fold")
    for name in ("deals", "pipeline", "expected", "commit", "best case", "pipeline¹"):
        table.add_column(name, justify="right", min_width=6)
    for name in ("P10", "P50", "P90", "won"):
        table.add_column(name, justify="right", min_width=6)

    def cells(row: ForecastRow) -> list[str]:
        amounts = {c.category: c.amount for c in row.categories}
        return [
            f"{row.deals:,}",
            _money(row.pipeline),
            _money(row.expected),
            _money(amounts[Category.COMMIT]),
            _money(amounts[Category.BEST_CASE]),
            _money(amounts[Category.PIPELINE]),
            _money(row.p10),
            _money(row.p50),
            _money(row.p90),
            _money(row.won),
        ]

    for row in f.rows:
        table.add_row(escape(row.label or row.key or "(none)"), *cells(row))
    table.add_section()
    table.add_row("[bold]total[/bold]", *cells(f.total))
    console.print(table)
    console.print(
        f"Categories by P(win): commit >= {f.commit_at:.0%}, best case >= {f.best_case_at:.0%}, "
        f"else pipeline¹. P10-P90: {f.simulations:,} simulated outcomes (seed {f.seed}). "
        "Won: closed won with the expected close in the quarter."
    )
    _print_rates(f.currency, f.rates, f.rates_as_of)
    source = (
        f"fitted on this store's {f.model.deals:,} closed deals"
        if f.model.source.value == "store"
        else "the shipped prior (run graphcrm train to fit one on this store)"
    )
    console.print(f"P(win): model {source}.")
    for problem in f.problems:
        err_console.print(f"[yellow]left out:[/yellow] {problem.deal_id}: {problem.message}")
    if not f.deals:
        return
    deals = Table(
        title=f"Open deals by expected value (top 15; amounts in {f.currency})",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
    )
    deals.add_column("deal", no_wrap=True, overflow="ellipsis", max_width=24)
    deals.add_column("owner", no_wrap=True, overflow="ellipsis", max_width=14)
    deals.add_column("stage", no_wrap=True, overflow="ellipsis", max_width=11)
    deals.add_column("close", no_wrap=True)
    deals.add_column("amount", justify="right", no_wrap=True)
    deals.add_column("P(win)", justify="right", no_wrap=True)
    deals.add_column("category", no_wrap=True, min_width=9)
    deals.add_column("expected", justify="right", no_wrap=True, min_width=6)
    for d in f.deals[:15]:
        deals.add_row(
            escape(f"{d.deal_id} {d.name}"),
            escape(d.owner_name or d.owner_id or "-"),
            d.stage.value,
            d.expected_close.isoformat(),
            _money(d.converted)
            if d.currency == f.currency
            else f"{_money(float(d.amount))} {d.currency} = {_money(d.converted)}",
            f"{d.probability:.0%}",
            d.category.value,
            _money(d.expected),
        )
    console.print(deals)


def _print_rates(currency: str, rates: dict[str, float], as_of: date | None) -> None:
    others = [f"1 {c} = {r:,.4g} {currency}" for c, r in rates.items() if c != currency]
    if not others:
        console.print(f"No exchange rates (GRAPHCRM_FX_RATES): only {currency} deals count.")
        return
    when = as_of.isoformat() if as_of else "(no date: set GRAPHCRM_FX_AS_OF)"
    console.print(f"Exchange rates as of {when}: {'; '.join(others)}.")


def _print_trend(trend: ForecastTrend) -> None:
    quarters = ", ".join(trend.quarters)
    table = Table(title=f"Forecast {quarters}: the trend ({trend.currency})", box=box.SIMPLE_HEAD)
    table.add_column("as of", no_wrap=True, min_width=10)
    for name in ("deals", "pipeline", "expected", "commit", "best case", "P10", "P90", "won"):
        table.add_column(name, justify="right", no_wrap=True)
    for p in trend.points:
        table.add_row(
            p.as_of.date().isoformat(),
            f"{p.deals:,}",
            _money(p.pipeline),
            _money(p.expected),
            _money(p.commit),
            _money(p.best_case),
            _money(p.p10),
            _money(p.p90),
            _money(p.won),
        )
    console.print(table)
    moved = Table(title="What moved the expected value, week by week", box=box.SIMPLE_HEAD)
    moved.add_column("as of", no_wrap=True, min_width=10)
    moved.add_column("deal", no_wrap=True, overflow="ellipsis", max_width=30)
    moved.add_column("why", no_wrap=True, min_width=11)
    for name in ("P before", "after", trend.currency, "change"):
        moved.add_column(name, justify="right", no_wrap=True, min_width=5)

    def pct(p: float | None) -> str:
        return "-" if p is None else f"{p:.0%}"

    for p in trend.points:
        for m in p.moves:
            moved.add_row(
                p.as_of.date().isoformat(),
                escape(f"{m.deal_id} {m.name}"),
                m.reason.value,
                pct(m.probability_before),
                pct(m.probability_after),
                _money(m.converted),
                ("+" if m.change > 0 else "") + _money(m.change),
            )
    console.print(moved)
    for problem in trend.problems:
        err_console.print(f"[yellow]left out:[/yellow] {problem.deal_id}: {problem.message}")


@main.command()
@click.option(
    "--quarter",
    default=None,
    callback=_quarter,
    help="YYYY-Qn, by expected close (default: the quarter of --as-of).",
)
@click.option(
    "--quarters",
    type=click.IntRange(1, 8),
    default=1,
    show_default=True,
    help="Consecutive quarters from --quarter.",
)
@click.option(
    "--by",
    type=click.Choice(["rep", "territory", "group", "quarter"]),
    default="rep",
    show_default=True,
)
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.option("--territory", "territories", multiple=True, help="Only these territories.")
@click.option("--trend", is_flag=True, help="Also the figures as of each week of the quarter.")
@click.pass_context
def forecast(
    ctx: click.Context,
    quarter: str | None,
    quarters: int,
    by: str,
    as_of: datetime | None,
    territories: tuple[str, ...],
    trend: bool,
) -> None:
    """Forecast the quarter's open deals by rep, territory, account group or quarter:
    pipeline, expected value, commit / best case / pipeline and a P10-P90 range, in
    GRAPHCRM_FX_CURRENCY at the rates of GRAPHCRM_FX_RATES."""
    from graphcrm.services.clock import instant
    from graphcrm.services.forecast import forecast as run_forecast
    from graphcrm.services.forecast import forecast_trend

    rates = get_settings().rates()
    at = instant(as_of)
    options: dict[str, Any] = {
        "as_of": at,
        "quarter": quarter,
        "quarters": quarters,
        "by": by,
        "territories": territories or None,
        "rates": rates,
    }
    with _store(ctx) as store:
        with console.status("reading the quarter's open deals"):
            result = run_forecast(store, **options)
        _print_forecast(result)
        if trend:
            with console.status("the trend, week by week") as status:

                def advance(done: int, total: int) -> None:
                    status.update(f"the trend, week by week: {done} of {total} done")

                weekly = forecast_trend(store, progress=advance, **options)
            _print_trend(weekly)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, file: Path) -> None:
    """Back the store up to FILE while it serves (see docs/operations.md#backup)."""
    from graphcrm.services.backup import backup as back_up

    with _store(ctx) as store, console.status("backing up"):
        header = back_up(store, file)
    _print_backup(f"Backed up to {file}", header)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Delete the store's data first (one transaction).")
@click.pass_context
def restore(ctx: click.Context, file: Path, replace: bool) -> None:
    """Restore FILE into the store; an empty store unless --replace."""
    from graphcrm.services.backup import restore as restore_into

    with _store(ctx) as store, console.status("restoring"):
        header = restore_into(store, file, replace=replace)
    _print_backup(
        f"Restored {file} ({header.source}, {header.created_at:%Y-%m-%d %H:%M} UTC)", header
    )


@main.command()
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


@main.command()
@click.argument("contact")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--actor", default="cli", show_default=True, help="Who asked (logged).")
@click.pass_context
def forget(ctx: click.Context, contact: str, yes: bool, actor: str) -> None:
    """Erase CONTACT's personal data (KVKK/GDPR); see docs/operations.md#erasure."""
    from graphcrm.domain import ContactId
    from graphcrm.services.personal import forget as erase

    if not yes:
        click.confirm(
            f"Erase the personal data of contact {contact!r}? This cannot be undone", abort=True
        )
    with _store(ctx) as store:
        result = erase(store, ContactId(contact), actor=actor)
    console.print(
        f"Erased contact {escape(contact)}: now {result.name!r}; {result.touchpoints} touchpoint "
        f"summaries emptied, {result.texts} other texts and {result.changes} change-log "
        f"entries cleaned (logged as entry {result.seq})"
    )


@main.command(name="subject-access")
@click.argument("contact")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.pass_context
def subject_access(ctx: click.Context, contact: str, out: Path | None) -> None:
    """Everything stored about CONTACT, as JSON (to OUT, else standard output)."""
    from graphcrm.domain import ContactId
    from graphcrm.services.personal import subject_access as gather

    with _store(ctx) as store:
        report = gather(store, ContactId(contact))
    text = report.model_dump_json(indent=2)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        err_console.print(f"Wrote {out}")


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


# --- the API: keys and serving -------------------------------------------------------


def _api_settings(ctx: click.Context) -> Settings:
    """The settings, with the store the command line names."""
    from pydantic import SecretStr

    settings = get_settings()
    raw = str(ctx.obj.get("store_raw", ""))
    return settings.model_copy(update={"store": SecretStr(raw)}) if raw else settings


@contextlib.contextmanager
def _keys(ctx: click.Context) -> Iterator[KeyStore]:
    with _store(ctx) as store:
        yield KeyStore(store)


@main.group()
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
    source = path if path is not None else keys_path(_api_settings(ctx))
    with _store(ctx) as store:
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
    with _keys(ctx) as store:
        created = store.create(name, [Scope(s) for s in scopes], territories)
    console.print(f"Created key {created.key.id} for {name!r}. Copy it now; it is not shown again:")
    click.echo(created.secret)


@keys.command(name="list")
@click.pass_context
def keys_list(ctx: click.Context) -> None:
    """List keys (never their secrets)."""
    with _keys(ctx) as store:
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
    with _keys(ctx) as store:
        key = store.revoke(key_id)
    console.print(f"Revoked key {key.id} ({key.name}).")


class MoveAt(click.ParamType[datetime, Any]):
    """A date (the start of that day, UTC) or an ISO 8601 datetime (UTC when no zone)."""

    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            if len(text) == 10:
                return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
            parsed = as_of_instant(text)
        except ValueError as e:
            self.fail(str(e).replace("as_of", "date"), param, ctx)
        return parsed


_AT_HELP = "When the move takes effect: a date (its start, UTC) or datetime; default now."


def _print_moves(moves: list[Move], title: str) -> None:
    table = Table(title=title)
    for column in ("account", "name", "from", "to", "why"):
        table.add_column(column)
    for m in moves:
        table.add_row(m.account_id, m.name, m.before or "-", m.after or "-", m.rule)
    console.print(table)


@main.group()
def territories() -> None:
    """Territory management: moves by hand or by rules (docs/territories.md)."""


@territories.command(name="move")
@click.argument("account", nargs=-1, required=True)
@click.argument("territory")
@click.option("--at", "at", type=MoveAt(), default=None, help=_AT_HELP)
@click.option("--actor", default="cli", show_default=True, help="Who asked (logged).")
@click.pass_context
def territories_move(
    ctx: click.Context,
    account: tuple[str, ...],
    territory: str,
    at: datetime | None,
    actor: str,
) -> None:
    """Move ACCOUNT ... into TERRITORY, as one batch in the change log; the old
    territory's keys lose the accounts and the new one's gain them at once."""
    from graphcrm.services.territories import apply_moves, hand_moves

    with _store(ctx) as store:
        moves = hand_moves(store, account, territory)
        if moves:
            block = get_settings().territory_block_conflicts
            apply_moves(store, moves, actor=actor, at=at, block=block)
    if not moves:
        console.print("Nothing to move: every account is there already.")
        return
    _print_moves(moves, f"Moved {len(moves)} account(s)")


@territories.command(name="assign")
@click.option(
    "--rules",
    "rules_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The ordered rules file (TOML); the first matching rule wins.",
)
@click.option("--dry-run", is_flag=True, help="List what would move and why; write nothing.")
@click.option("--at", "at", type=MoveAt(), default=None, help=_AT_HELP)
@click.option("--actor", default="cli", show_default=True, help="Who asked (logged).")
@click.pass_context
def territories_assign(
    ctx: click.Context, rules_file: Path, dry_run: bool, at: datetime | None, actor: str
) -> None:
    """Assign every account the territory of the first rule it matches."""
    from graphcrm.services.territories import TerritoryRules, apply_moves, assignment

    rules = TerritoryRules.load(rules_file)
    with _store(ctx) as store:
        moves = assignment(store, rules)
        if moves and not dry_run:
            block = get_settings().territory_block_conflicts
            apply_moves(store, moves, actor=actor, at=at, block=block)
    if not moves:
        console.print("Nothing to move: every account is where the rules put it.")
        return
    verb = "Would move" if dry_run else "Moved"
    _print_moves(moves, f"{verb} {len(moves)} account(s)")


@territories.command(name="conflicts")
@click.pass_context
def territories_conflicts(ctx: click.Context) -> None:
    """List split account groups, likely duplicates, rival deals and touchpoints outside
    the rep's territory."""
    from graphcrm.services.territories import conflicts

    with _store(ctx) as store:
        found = conflicts(store)
    if not found:
        console.print("No conflicts between territories.")
        return
    table = Table(title=f"Territory conflicts ({len(found)})")
    for column in ("kind", "territories", "accounts", "reps", "what"):
        table.add_column(column)
    for c in found:
        table.add_row(
            c.kind.value,
            ", ".join(c.territories),
            ", ".join(c.accounts),
            ", ".join(c.reps) or "-",
            escape(c.detail),
        )
    console.print(table)


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
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
    checkout = Path(__file__).resolve().parents[1] / "api"
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


@main.command()
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
    settings = _api_settings(ctx)
    _serve(
        settings,
        host or settings.api_host,
        port if port is not None else settings.api_port,
        workers,
    )


def _demo_serve(ctx: click.Context, *, host: str | None, port: int | None) -> None:
    settings = _api_settings(ctx)
    bind = host or settings.api_host
    at = port if port is not None else settings.api_port
    with _store(ctx) as store:
        account = _largest_account(store)
        # the deal the summary named: the riskiest open one, not any first deal
        riskiest = _riskiest_open_deal(store, account)
        deal = riskiest.deal.id if riskiest is not None else "DEAL-ID"
        if riskiest is not None:
            account = AccountId(riskiest.deal.account_id)
    with _keys(ctx) as key_store:
        created = key_store.create("demo", [Scope.READ, Scope.WRITE], [ALL_TERRITORIES])
    base = f"http://{bind}:{at}"
    console.print("\n[bold]Demo API key[/bold] (read+write, every territory; shown once):")
    click.echo(created.secret)
    console.print(f"API docs:  {base}/docs")
    console.print(f"Liveness:  {base}/healthz")
    console.print(f"Deal risk: {base}/v1/deals/{deal}/risk")
    click.echo(f"  curl -H 'X-API-Key: {created.secret}' {base}/v1/deals/{deal}/risk")
    console.print("[bold]Pages[/bold] (open the first link once; a cookie keeps the key):")
    click.echo(f"  Accounts:  {base}/pages/accounts?key={created.secret}")
    click.echo(f"  Account:   {base}/pages/accounts/{account}")
    click.echo(f"  Deal:      {base}/pages/deals/{deal}")
    click.echo(f"  In Turkish: {base}/pages/accounts?lang=tr")
    console.print("[dim]Ctrl-C stops the server.[/dim]")
    _serve(settings, bind, at)


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
