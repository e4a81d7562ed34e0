"""``graphcrm orgchart``: an account's org chart as a tree."""

from __future__ import annotations

from datetime import datetime

import click
from rich.markup import escape
from rich.tree import Tree

from graphcrm.cli.base import AsOf, console, opened_store
from graphcrm.domain import AccountId
from graphcrm.services.orgchart import OrgChart, OrgNode, org_chart


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


def print_org_chart(chart: OrgChart, title: str, *, max_depth: int | None = None) -> None:
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


@click.command()
@click.argument("account")
@click.option("--as-of", type=AsOf(), default=None, help="Date (YYYY-MM-DD) or ISO datetime.")
@click.option("--depth", type=click.IntRange(min=1), default=None, help="Levels to show.")
@click.pass_context
def orgchart(ctx: click.Context, account: str, as_of: datetime | None, depth: int | None) -> None:
    """Print the org chart of ACCOUNT (its external id)."""
    with opened_store(ctx) as store:
        acc = store.get_account(AccountId(account))
        chart = org_chart(store, acc.id, as_of=as_of)
    print_org_chart(chart, f"{acc.name} ({acc.id})", max_depth=depth)
