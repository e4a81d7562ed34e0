"""Scores and the win model: score the portfolio, train the model, and explain one
deal's risk or win probability (docs/scoring.md)."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import click
from rich.table import Table

from graphcrm.cli.base import AsOf, console, opened_store, progress_bar
from graphcrm.errors import InvalidError
from graphcrm.store import open_store

if TYPE_CHECKING:
    from graphcrm.analytics.signals import Evidence
    from graphcrm.domain import Deal, Stage
    from graphcrm.services.executors import DaskCluster
    from graphcrm.services.incremental import RunPlan
    from graphcrm.services.portfolio import AccountReport
    from graphcrm.services.risk import DealAssessment
    from graphcrm.services.winprob import DealWin, ModelSummary


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


def print_deal_risk(assessment: DealAssessment, *, title: str = "Deal risk") -> None:
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


@click.command()
@click.argument("deal")
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.pass_context
def risk(ctx: click.Context, deal: str, as_of: datetime | None) -> None:
    """Print the risk of DEAL (its external id): 100 × (1 − its win probability), the
    stage's share and every factor's points with its evidence, and the signals seen; a
    closed deal prints its outcome and loss reason."""
    from graphcrm.domain import DealId
    from graphcrm.services.risk import assess_deal

    with opened_store(ctx) as store:
        assessment = assess_deal(store, DealId(deal), as_of=as_of)
    print_deal_risk(assessment)


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


@click.command()
@click.argument("deal")
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.pass_context
def win(ctx: click.Context, deal: str, as_of: datetime | None) -> None:
    """Print the win probability of DEAL with each factor's contribution and evidence."""
    from graphcrm.domain import DealId
    from graphcrm.services.winprob import deal_win

    with opened_store(ctx) as store:
        result = deal_win(store, DealId(deal), as_of=as_of)
    _print_deal_win(result)


@click.command()
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

    with opened_store(ctx) as store:
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


@click.command()
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
    import time

    from graphcrm.services.incremental import plan_run, run_planned

    cluster = _dask_cluster(executor, scheduler, workers)
    tally = _Tally(top)
    start = time.perf_counter()
    with (
        opened_store(ctx) as store,
        progress_bar() as progress,
        contextlib.closing(cluster) if cluster else contextlib.nullcontext(),
    ):
        try:
            plan = plan_run(store, incremental=incremental, as_of=as_of)
        except InvalidError as e:  # an --as-of before the last run's, for --incremental
            raise click.BadParameter(e.problems[0].message, param_hint="--as-of") from None
        task = progress.add_task("scoring", total=None, rows=0)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, rows=tally.contacts)

        # Worker processes (by default one per core), each with its own connection to
        # the store; every account's scores are written back (GraphStore.put_scores).
        local = 1 if cluster else workers or _default_workers()
        reopen = functools.partial(open_store, ctx.obj["store_url"])
        for line in run_planned(
            store,
            plan,
            progress=advance,
            workers=local,
            reopen=reopen,
            executor=cluster,
            keep=summary,
        ):
            tally.add(line)
    elapsed = time.perf_counter() - start
    _print_run_summary(plan, tally, elapsed, incremental=incremental)
    _print_riskiest_deals(plan, tally)


def _dask_cluster(executor: str, scheduler: str | None, workers: int | None) -> DaskCluster | None:
    """The cluster ``--executor dask --scheduler ADDRESS`` names, connected; None for
    ``--executor local``. Options that do not go with the executor are usage errors."""
    from graphcrm.services.executors import DaskCluster

    if executor != "dask":
        if scheduler is not None:
            raise click.UsageError("--scheduler is for --executor dask")
        return None
    if scheduler is None:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    if workers is not None:
        raise click.UsageError("--workers is for --executor local (a cluster has its own)")
    try:
        return DaskCluster.connect(scheduler)
    except InvalidError as e:
        problem = e.problems[0]
        raise click.BadParameter(problem.message, param_hint=f"--{problem.where}") from None


def _default_workers() -> int:
    """The local executor's processes when ``--workers`` is not given: one per core, at
    most 4."""
    import os

    return max(1, min(os.cpu_count() or 1, 4))


@dataclass(frozen=True, slots=True)
class Summary:
    """What ``score`` prints of one account's report: all that comes back from the worker
    that scored it (:func:`graphcrm.services.portfolio.score_portfolio`'s ``keep``)."""

    contacts: int
    band: str
    deals: tuple[tuple[float, str, DealAssessment], ...]
    """``(risk, deal id, assessment)`` of its open deals that have a risk."""


def summary(report: AccountReport) -> Summary:
    """The :class:`Summary` of an account's report."""
    return Summary(
        contacts=len(report.scores.contacts),
        band=report.scores.health.band.value,
        deals=tuple((a.risk.score, a.deal.id, a) for a in report.open_deals if a.risk is not None),
    )


@dataclass
class _Tally:
    """What ``score`` prints, counted as the accounts' summaries arrive: accounts, contacts,
    accounts per health band, and the ``top`` riskiest open deals (by risk, then id)."""

    top: int
    accounts: int = 0
    contacts: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    riskiest: list[tuple[float, str, DealAssessment]] = field(default_factory=list)

    def add(self, line: Summary) -> None:
        self.accounts += 1
        self.contacts += line.contacts
        self.bands[line.band] += 1
        ranked = sorted([*self.riskiest, *line.deals], key=lambda r: (-r[0], r[1]))
        self.riskiest = ranked[: self.top]


def _print_run_summary(plan: RunPlan, tally: _Tally, elapsed: float, *, incremental: bool) -> None:
    rate = tally.accounts / elapsed if elapsed > 0 else 0.0
    summary = Table(title=f"Portfolio as of {plan.at.isoformat(timespec='minutes')}")
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    summary.add_row("run", "full" if plan.full else "incremental")
    if incremental:
        summary.add_row("because" if plan.full else "from", plan.reason)
    if not plan.full and plan.base is not None:
        oldest = plan.base.oldest_as_of.isoformat(timespec="minutes")
        summary.add_row("other accounts' scores as of", f"{oldest} or later")
    summary.add_row("accounts scored", f"{tally.accounts:,}")
    summary.add_row("contacts scored", f"{tally.contacts:,}")
    summary.add_row("accounts/s", f"{rate:,.1f}")
    for band in ("good", "fair", "poor"):
        summary.add_row(f"health {band}", f"{tally.bands[band]:,}")
    console.print(summary)


def _print_riskiest_deals(plan: RunPlan, tally: _Tally) -> None:
    deals = Table(
        title=f"Top {tally.top} riskiest open deals"
        + ("" if plan.full else " of the accounts scored")
    )
    for name, justify in (("risk", "right"), ("deal", "left"), ("account", "left")):
        deals.add_column(name, justify=justify)  # type: ignore[arg-type]
    deals.add_column("stage")
    deals.add_column("what raises it most")
    for score_, _, a in tally.riskiest:
        up = [f for f in a.risk.factors if f.points > 0] if a.risk is not None else []
        deals.add_row(
            f"{score_:.0f}",
            f"{a.deal.name} ({a.deal.id})",
            a.deal.account_id,
            a.deal.stage.value,
            f"{up[0].group} ({up[0].points:+.0f})" if up else "-",
        )
    console.print(deals)
