"""``graphcrm territories``: moves by hand or by rules, and conflicts
(docs/territories.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table

from graphcrm.cli.base import console, opened_store
from graphcrm.config import get_settings
from graphcrm.domain.base import as_of_instant

if TYPE_CHECKING:
    from graphcrm.services.territories import Move


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


@click.group()
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

    with opened_store(ctx) as store:
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
    with opened_store(ctx) as store:
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

    with opened_store(ctx) as store:
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
