"""``graphcrm forecast``: the quarter's open deals, by rep, territory, group or quarter."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from graphcrm.cli.base import AsOf, console, err_console, opened_store
from graphcrm.config import get_settings
from graphcrm.errors import InvalidError

if TYPE_CHECKING:
    from graphcrm.services.forecast import Forecast, ForecastRow, ForecastTrend


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
        f"else pipeline¹. P10-P90: {f.simulations:,} simulated outcomes (seed {f.seed}), "
        "each with one shock shared by every deal's P(win). "
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


@click.command()
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
    with opened_store(ctx) as store:
        with console.status("reading the quarter's open deals"):
            result = run_forecast(store, **options)
        _print_forecast(result)
        if trend:
            with console.status("the trend, week by week") as status:

                def advance(done: int, total: int) -> None:
                    status.update(f"the trend, week by week: {done} of {total} done")

                weekly = forecast_trend(store, progress=advance, **options)
            _print_trend(weekly)
