"""``graphcrm demo``: a demo portfolio on an empty store, what graphcrm sees in it, then
a demo key and the API served."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click
from rich.table import Table

from graphcrm.auth import ALL_TERRITORIES, Scope
from graphcrm.cli.base import apply_stream, console, opened_store
from graphcrm.cli.orgchart import print_org_chart
from graphcrm.cli.scoring import print_deal_risk
from graphcrm.cli.serving import api_settings, opened_keys, serve_api
from graphcrm.domain import AccountId, PageRequest
from graphcrm.services.orgchart import org_chart
from graphcrm.store.port import GraphStore

if TYPE_CHECKING:
    from graphcrm.services.risk import DealAssessment


@click.command()
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

    with opened_store(ctx) as store:
        if store.list_accounts(PageRequest(limit=1)).total == 0:
            # The demo's history ends today (midnight UTC), so it looks current
            # whenever it is run; the same seed on the same day gives the same data.
            today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            batches = list(demo_portfolio(seed, now=today))
            apply_stream(
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
        print_org_chart(chart, f"{store.get_account(first).name} ({first})", max_depth=3)
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
        print_deal_risk(riskiest, title="Riskiest open deal")


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


def _demo_serve(ctx: click.Context, *, host: str | None, port: int | None) -> None:
    settings = api_settings(ctx)
    bind = host or settings.api_host
    at = port if port is not None else settings.api_port
    with opened_store(ctx) as store:
        account = _largest_account(store)
        # the deal the summary named: the riskiest open one, not any first deal
        riskiest = _riskiest_open_deal(store, account)
        deal = riskiest.deal.id if riskiest is not None else "DEAL-ID"
        if riskiest is not None:
            account = AccountId(riskiest.deal.account_id)
    with opened_keys(ctx) as key_store:
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
    serve_api(settings, bind, at)
