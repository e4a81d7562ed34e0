"""graphcrm's own format: JSON lines, one :class:`~graphcrm.domain.ChangeSet` per line.

Each line is one JSON object whose keys are ChangeSet collections
(``accounts``, ``contacts``, ``reps``, ``reports_to``, ``influences``,
``rep_knows``, ``deals``, ``stage_changes``, ``close_date_changes``,
``deal_roles``, ``touchpoints``) and whose values are lists of rows in the
models' JSON form (``Model.model_dump(mode="json")``: ISO dates and times,
amounts as decimal strings, enums by value). Empty collections may be left
out. A file holding a single line is a single document.

Export writes this shape (:func:`write_json`, lines in dependency order,
see :mod:`graphcrm.io.export`); import reads it (:func:`import_json`): each
line is applied as one batch, so rows may refer to rows of the same line or
of earlier lines. Text is UTF-8 and written as is (``Şule``, not ``\\u015e``);
role sets are sorted so that the same graph always gives the same bytes.

A bad row is reported as ``export.jsonl line 3 contacts[5]`` with its field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Final

from pydantic import ValidationError

from graphcrm.domain import ChangeSet, EntityKind, Model
from graphcrm.errors import InvalidError, Problem
from graphcrm.io.importing import (
    COLLECTIONS,
    FLUSH,
    Flush,
    ImportLog,
    ImportReport,
    Item,
    NewTerritory,
    Phase,
    ProgressFn,
    run_import,
)
from graphcrm.io.sources import Origin, Rejected, SourceFile, Upload
from graphcrm.store.port import GraphStore

_MODELS: Final[dict[str, type[Model]]] = {
    name: ChangeSet.model_fields[name].annotation.__args__[0]  # type: ignore[union-attr]
    for name in COLLECTIONS
}
_CREATES: Final[dict[str, EntityKind]] = {
    "accounts": EntityKind.ACCOUNT,
    "contacts": EntityKind.CONTACT,
    "reps": EntityKind.REP,
    "deals": EntityKind.DEAL,
    "touchpoints": EntityKind.TOUCHPOINT,
}


def changeset_json(changes: ChangeSet) -> bytes:
    """One line of the format (without the newline): compact, UTF-8, stable."""
    data: dict[str, Any] = {}
    for name, rows in changes.model_dump(mode="json").items():
        if not rows:
            continue
        if name == "deal_roles":
            for row in rows:
                row["roles"] = sorted(row["roles"])
        data[name] = rows
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_json(changesets: Iterable[ChangeSet], out: BinaryIO) -> int:
    """Write one line per ChangeSet to ``out``; returns the number of lines."""
    lines = 0
    for cs in changesets:
        out.write(changeset_json(cs))
        out.write(b"\n")
        lines += 1
    return lines


def _line_rows(text: str, line: int, file: str) -> Iterator[Item | Rejected]:
    origin = Origin(file, line)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield Rejected(
            origin, (Problem(str(origin), "", f"not JSON: {e.msg} at column {e.colno}"),)
        )
        return
    except RecursionError:  # the parser recurses once per level of [ and {
        message = "not a ChangeSet: arrays or objects nested too deeply to read"
        yield Rejected(origin, (Problem(str(origin), "", message),))
        return
    if not isinstance(data, dict):
        yield Rejected(origin, (Problem(str(origin), "", "expected a JSON object (a ChangeSet)"),))
        return
    unknown = [k for k in data if k not in _MODELS]
    if unknown:
        allowed = ", ".join(COLLECTIONS)
        yield Rejected(
            origin,
            tuple(
                Problem(str(origin), k, f"unknown collection; one of: {allowed}") for k in unknown
            ),
        )
    for name in COLLECTIONS:
        rows = data.get(name, [])
        if not isinstance(rows, list):
            yield Rejected(origin, (Problem(str(origin), name, "expected a list of rows"),))
            continue
        model = _MODELS[name]
        for i, raw in enumerate(rows):
            where = Origin(file, line, f"{name}[{i}]")
            try:
                row = model.model_validate(raw)
            except ValidationError as e:
                problems = tuple(
                    Problem(str(where), ".".join(str(p) for p in err["loc"]), err["msg"])
                    for err in e.errors(include_url=False)
                )
                key = raw.get("id") if isinstance(raw, dict) else None
                kind = _CREATES.get(name)
                entity = (kind, key) if kind is not None and isinstance(key, str) else None
                yield Rejected(where, problems, entity)
                continue
            yield Item(name, row, where)


def json_phases(file: SourceFile, *, log: ImportLog) -> list[Phase]:
    """The one phase of a JSON-lines import (the file is checked for UTF-8 now).

    Raises
    ------
    InvalidError
        The file is not UTF-8.
    """
    lines, problem = file.scan()
    if problem is not None:
        raise InvalidError([problem])

    def rows() -> Iterator[Item | Rejected | Flush]:
        with file.open_text() as f:
            for line, text in enumerate(f, 1):
                if not text.strip():
                    continue
                log.rows_read[file.name] += 1
                yield from _line_rows(text, line, file.name)
                yield FLUSH

    return [Phase(file.name, rows, lines, batch_size=None)]


def import_json(
    store: GraphStore,
    source: Path | Upload,
    *,
    name: str | None = None,
    all_or_nothing: bool = False,
    actor: str,
    at: datetime | None = None,
    progress: ProgressFn | None = None,
    territory: NewTerritory = None,
) -> ImportReport:
    """Import a JSON-lines file of ChangeSets (as :func:`write_json` writes).

    Parameters
    ----------
    source
        A file path, or the uploaded file (bytes or a seekable binary file).
    name
        The file name problems use for an upload (default ``upload.jsonl``).
    all_or_nothing, actor, at, progress, territory
        As for :func:`~graphcrm.io.salesforce.import_salesforce`. With
        ``all_or_nothing`` every line goes into one batch, so a row may
        appear only once in the file.

    ``rows_read`` counts lines; ``progress`` counts rows.

    Raises
    ------
    InvalidError
        The file is not UTF-8 (before anything is written).
    """
    label = source.name if isinstance(source, Path) else (name or "upload.jsonl")
    log = ImportLog()
    phases = json_phases(SourceFile(label, source), log=log)
    return run_import(
        store,
        phases,
        fmt="json",
        log=log,
        all_or_nothing=all_or_nothing,
        actor=actor,
        at=at,
        progress=progress,
        territory=territory,
    )
