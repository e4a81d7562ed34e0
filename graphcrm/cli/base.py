"""What the commands share: the consoles, progress bars, the store the command line
names (``--store``), and the ``--as-of`` type."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graphcrm.domain import ChangeSet
from graphcrm.domain.base import as_of_instant
from graphcrm.store import open_store
from graphcrm.store.port import GraphStore

console = Console()
err_console = Console(stderr=True)


def progress_bar() -> Progress:
    """A progress bar on standard error: the task, its count and rows, the time taken."""
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
def opened_store(ctx: click.Context) -> Iterator[GraphStore]:
    """The store ``--store`` names, open for the command and closed after it."""
    url = ctx.obj["store_url"]
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()


def apply_stream(
    store: GraphStore, batches: Iterator[ChangeSet], *, total: int | None, label: str, actor: str
) -> int:
    """Apply ``batches`` to ``store`` one by one behind a progress bar; the rows written."""
    rows = 0
    with progress_bar() as progress:
        task = progress.add_task(label, total=total, rows=0)
        for batch in batches:
            store.apply(batch, actor=actor)
            rows += batch.size()
            progress.update(task, advance=len(batch.accounts), rows=rows)
    return rows
