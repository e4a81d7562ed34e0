"""One entry point per direction, by format name: what the CLI and the HTTP API call.

>>> sorted(f.value for f in ImportFormat)
['hubspot', 'json', 'salesforce']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from functools import partial
from pathlib import Path

from graphcrm.errors import InvalidError, Problem
from graphcrm.io.importing import ImportReport, NewTerritory, ProgressFn
from graphcrm.io.mapping import NO_MAPPING, CrmMapping
from graphcrm.io.sources import Files, Upload
from graphcrm.store.port import GraphStore


class ImportFormat(StrEnum):
    SALESFORCE = "salesforce"
    HUBSPOT = "hubspot"
    JSON = "json"


def import_data(
    store: GraphStore,
    fmt: ImportFormat | str,
    source: Files | Upload,
    *,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    progress: ProgressFn | None = None,
    territory: NewTerritory = None,
    mapping: CrmMapping | None = None,
    name: str | None = None,
) -> ImportReport:
    """Import ``source`` in format ``fmt``.

    ``source`` is, for ``salesforce`` and ``hubspot``, a directory or a
    mapping from file name to uploaded content; for ``json``, a file path or
    the uploaded content. See :func:`~graphcrm.io.salesforce.import_salesforce`,
    :func:`~graphcrm.io.hubspot.import_hubspot` and
    :func:`~graphcrm.io.jsonio.import_json`. ``mapping`` (custom roles, stages and
    pipelines, :mod:`graphcrm.io.mapping`) applies to ``salesforce`` and ``hubspot``;
    ``name`` is the file name a ``json`` upload's problems give (uploaded CSV files
    carry theirs in the mapping).

    Raises
    ------
    InvalidError
        The input cannot be read at all (missing files or columns, not
        UTF-8); nothing was written.
    TypeError
        ``source`` does not fit the format.
    """
    fmt = ImportFormat(fmt)
    run: Callable[..., ImportReport]
    if fmt is ImportFormat.JSON:
        from graphcrm.io.jsonio import import_json

        if isinstance(source, Mapping):
            raise TypeError("a JSON import reads one file: a path, bytes or a binary file")
        if mapping is not None:
            raise InvalidError(
                [Problem("mapping", "", "a mapping file applies to salesforce and hubspot imports")]
            )
        run = partial(import_json, store, source, name=name)
    else:
        from graphcrm.io.hubspot import import_hubspot
        from graphcrm.io.salesforce import import_salesforce

        if not isinstance(source, Path | Mapping):
            raise TypeError(f"a {fmt.value} import reads a directory or a mapping of named files")
        crm = import_salesforce if fmt is ImportFormat.SALESFORCE else import_hubspot
        run = partial(crm, store, source, mapping=mapping or NO_MAPPING)
    return run(
        all_or_nothing=all_or_nothing, actor=actor, at=at, progress=progress, territory=territory
    )
