"""Personal data (KVKK/GDPR): forget a contact, and report what is stored about one
(docs/operations.md#erasure)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from graphcrm.cli.base import console, err_console, opened_store


@click.command()
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
    with opened_store(ctx) as store:
        result = erase(store, ContactId(contact), actor=actor)
    console.print(
        f"Erased contact {escape(contact)}: now {result.name!r}; {result.touchpoints} touchpoint "
        f"summaries emptied, {result.texts} other texts and {result.changes} change-log "
        f"entries cleaned (logged as entry {result.seq})"
    )


@click.command(name="subject-access")
@click.argument("contact")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.pass_context
def subject_access(ctx: click.Context, contact: str, out: Path | None) -> None:
    """Everything stored about CONTACT, as JSON (to OUT, else standard output)."""
    from graphcrm.domain import ContactId
    from graphcrm.services.personal import subject_access as gather

    with opened_store(ctx) as store:
        report = gather(store, ContactId(contact))
    text = report.model_dump_json(indent=2)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        err_console.print(f"Wrote {out}")
