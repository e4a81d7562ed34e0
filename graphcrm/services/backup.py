"""Backup, restore and migration between stores: the backup file format.

A backup is a gzip-compressed UTF-8 text file of JSON lines
(``docs/operations.md#backup-file-format``):

- line 1, the header: ``{"format": "graphcrm-backup", "format_version": 1,
  "source": "sqlite" | "neo4j", "schema_version": <the source store's>,
  "created_at": <UTC instant>, "counts": {<kind>: <rows>}, "fingerprint":
  <SHA-256 hex>}``;
- then one line per row: ``{"kind": <kind>, "row": <the row's JSON>}``, kinds in
  the order of :data:`graphcrm.store.dump.KINDS` (the order a restore writes
  them).

The rows are a :class:`~graphcrm.store.dump.StoreDump`, so a backup of one
kind of store restores into the other. Reading checks everything before the
store is touched: the header, each line (JSON, a known kind, the row's fields,
by line number), the counts against the header (a truncated file), the
references between rows and the fingerprint; a problem raises
:class:`~graphcrm.errors.InvalidError` naming the file, line and field.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import Field, ValidationError

from graphcrm.domain import Model
from graphcrm.domain.base import UtcDatetime
from graphcrm.errors import InvalidError, Problem
from graphcrm.store.dump import (
    KINDS,
    StoreDump,
    StoreKind,
    check_references,
    fingerprint,
    parse_row,
    row_json,
    with_territory_spans,
)
from graphcrm.store.maintenance import maintenance
from graphcrm.store.port import GraphStore

FORMAT: Final = "graphcrm-backup"
FORMAT_VERSION = 1
"""The version of the file format this graphcrm writes and the newest it reads."""

MAX_PROBLEMS = 50


class BackupHeader(Model):
    """The first line of a backup file."""

    format: Literal["graphcrm-backup"]
    format_version: Annotated[int, Field(ge=1)]
    source: StoreKind
    schema_version: int
    created_at: UtcDatetime
    counts: dict[str, Annotated[int, Field(ge=0)]]
    fingerprint: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def header_of(dump: StoreDump, *, created_at: datetime | None = None) -> BackupHeader:
    return BackupHeader(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        source=dump.source,
        schema_version=dump.schema_version,
        created_at=created_at or datetime.now(UTC),
        counts=dump.counts(),
        fingerprint=fingerprint(dump),
    )


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_dump(dump: StoreDump, path: Path) -> BackupHeader:
    """Write ``dump`` to ``path`` (through a temporary file beside it, renamed at the
    end, so ``path`` is never half-written)."""
    header = header_of(dump)
    tmp = path.with_name(path.name + ".partial")
    try:
        with gzip.open(tmp, "wt", encoding="utf-8") as out:
            out.write(_line(header.model_dump(mode="json")))
            for kind, row in dump.rows():
                out.write(_line({"kind": kind, "row": row_json(kind, row)}))
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InvalidError([Problem(str(path), "", f"cannot write the backup: {e}")]) from e
    return header


def backup(store: GraphStore, path: Path) -> BackupHeader:
    """Back ``store`` up to ``path`` (one snapshot, taken while the store serves)."""
    return write_dump(maintenance(store).dump(), path)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as f:
            yield from enumerate(f, start=1)
    except FileNotFoundError as e:
        raise InvalidError([Problem(str(path), "", "no such file")]) from e
    except (OSError, EOFError, zlib.error) as e:
        # gzip.BadGzipFile is an OSError; a file cut short ends in EOFError
        message = f"not a complete gzip file ({e})"
        raise InvalidError([Problem(str(path), "", message)]) from e
    except UnicodeDecodeError as e:
        raise InvalidError([Problem(str(path), "", f"not UTF-8 text: {e}")]) from e


def _header(path: Path, text: str) -> BackupHeader:
    where = f"{path} line 1"
    try:
        values = json.loads(text)
    except ValueError as e:
        raise InvalidError([Problem(where, "", f"not a graphcrm backup header: {e}")]) from e
    if not isinstance(values, dict) or values.get("format") != FORMAT:
        raise InvalidError([Problem(where, "format", f"not a graphcrm backup (no {FORMAT!r})")])
    version = values.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise InvalidError(
            [
                Problem(
                    where,
                    "format_version",
                    f"format version {version} was written by a newer graphcrm; "
                    f"this one reads up to {FORMAT_VERSION}: upgrade graphcrm",
                )
            ]
        )
    try:
        return BackupHeader.model_validate(values)
    except ValidationError as e:
        raise InvalidError(
            [
                Problem(where, ".".join(str(p) for p in err["loc"]), err["msg"])
                for err in e.errors(include_url=False)
            ]
        ) from None


def read_dump(path: Path) -> tuple[BackupHeader, StoreDump]:
    """The header and rows of the backup at ``path``, every check passed (see the
    module docstring); raises :class:`InvalidError` naming each problem."""
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        raise InvalidError([Problem(str(path), "", "empty file: not a graphcrm backup")])
    header = _header(path, first[1])
    rows: dict[str, list[Model]] = {kind: [] for kind in KINDS}
    problems: list[Problem] = []
    last_kind = 0
    for n, text in lines:
        where = f"{path} line {n}"
        try:
            item = json.loads(text)
            kind, values = item["kind"], item["row"]
        except (ValueError, KeyError, TypeError) as e:
            problems.append(Problem(where, "", f"not a backup row ({{kind, row}}): {e}"))
        else:
            if kind not in rows:
                problems.append(Problem(where, "kind", f"unknown kind {kind!r}"))
            else:
                order = KINDS.index(kind)
                if order < last_kind:
                    problems.append(Problem(where, "kind", f"{kind!r} rows out of order"))
                last_kind = order
                try:
                    rows[kind].append(parse_row(kind, values))
                except ValueError as e:
                    problems.append(Problem(where, kind, str(e)))
        if len(problems) >= MAX_PROBLEMS:
            raise InvalidError(problems)
    for kind in KINDS:
        expected, found = header.counts.get(kind, 0), len(rows[kind])
        if expected != found:
            problems.append(
                Problem(
                    str(path),
                    f"counts.{kind}",
                    f"the header says {expected} rows, the file holds {found} "
                    "(a truncated or altered file)",
                )
            )
    unknown = sorted(set(header.counts) - set(KINDS))
    if unknown:
        problems.append(Problem(str(path), "counts", f"unknown kinds {unknown}"))
    if problems:
        raise InvalidError(problems)
    dump = StoreDump(
        source=header.source,
        schema_version=header.schema_version,
        **{kind: tuple(found) for kind, found in rows.items()},  # type: ignore[arg-type]
    )
    check_references(dump)
    if fingerprint(dump) != header.fingerprint:
        raise InvalidError(
            [
                Problem(
                    str(path),
                    "fingerprint",
                    "the rows do not hash to the header's fingerprint (an altered file)",
                )
            ]
        )
    return header, with_territory_spans(dump)


def restore(store: GraphStore, path: Path, *, replace: bool = False) -> BackupHeader:
    """Check the backup at ``path`` whole, then write it into ``store`` in one
    transaction; a store holding data is refused unless ``replace``."""
    header, dump = read_dump(path)
    maintenance(store).restore(dump, replace=replace)
    return header


def migrate(source: GraphStore, target: GraphStore, *, replace: bool = False) -> BackupHeader:
    """Copy ``source`` into ``target`` (of either kind) and check the copy: the
    target's fingerprint must equal the source's."""
    dump = maintenance(source).dump()
    check_references(dump)
    header = header_of(dump)
    maintenance(target).restore(dump, replace=replace)
    copied = fingerprint(maintenance(target).dump())
    if copied != header.fingerprint:  # pragma: no cover - a bug in an adapter
        raise InvalidError(
            [
                Problem(
                    "migrate", "fingerprint", f"the copy differs: {copied} != {header.fingerprint}"
                )
            ]
        )
    return header
