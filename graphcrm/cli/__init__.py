"""The ``graphcrm`` command line: the ``main`` group, and ``run``, the installed entry point.

Each command lives in the module of its purpose: ``data`` (generate, import, export,
backup, restore, migrate), ``personal`` (forget, subject-access), ``orgchart``,
``scoring`` (score, train, risk, win), ``forecast``, ``territories``, ``serving``
(serve, keys, neo4j-dev) and ``demo``; ``base`` holds what they share.
"""

from __future__ import annotations

import sys

import click

from graphcrm.cli import data, demo, forecast, orgchart, personal, scoring, serving, territories
from graphcrm.cli.base import err_console
from graphcrm.config import parse_store_url
from graphcrm.errors import GraphCRMError, InvalidError


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


for _command in (
    data.generate,
    data.import_,
    data.export_,
    data.backup,
    data.restore,
    data.migrate,
    personal.forget,
    personal.subject_access,
    orgchart.orgchart,
    scoring.score,
    scoring.train,
    scoring.risk,
    scoring.win,
    forecast.forecast,
    territories.territories,
    serving.serve,
    serving.keys,
    serving.neo4j_dev,
    demo.demo,
):
    main.add_command(_command)


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
