"""Input files for the importers: a directory on disk or in-memory uploads, read as CSV.

The CLI passes a directory; the HTTP API passes the uploaded files as a
mapping from file name to ``bytes`` or a seekable binary file object. Names
are matched case-insensitively (``account.csv`` is ``Account.csv``).

CSV files are UTF-8 (a byte-order mark is allowed) in the dialect Excel,
Salesforce and HubSpot write. Headers are matched case-insensitively and with
runs of white space collapsed; columns the importer does not know are
ignored. Every data row carries its :class:`Origin`: the file and the 1-based
line where the row starts (the header is line 1).

A field holds at most :data:`MAX_FIELD_CHARS` characters, in any column, read
or ignored, and quotes are read strictly (:func:`csv_reader`). :meth:`Table.check`
reads the whole file once before the import writes anything, so a longer field,
a quote never closed or text after a closing quote stops the import with a
problem naming file, line and column and nothing written.

>>> files = source_files({"Contact.csv": "Id,Email\\nC-1,a@b.co\\n".encode()})
>>> table = open_table(files["contact.csv"], required=("Id",), optional=("Email", "Title"))
>>> [(str(r.origin), r.values) for r in table.rows() if isinstance(r, CsvRow)]
[('Contact.csv line 2', {'Id': 'C-1', 'Email': 'a@b.co', 'Title': ''})]
"""

from __future__ import annotations

import _csv
import csv
import io
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, TextIO, TypeVar

from pydantic import ValidationError

from graphcrm.domain import EntityKind, Model
from graphcrm.errors import InvalidError, Problem

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MAX_FIELD_CHARS: Final = 1_048_576
"""The longest CSV field read, in characters (1 MiB of ASCII text). The csv module's own
limit, 131,072, is below what a CRM's long text (an email body, a note) can hold."""

Upload = bytes | BinaryIO
"""One uploaded file: its bytes, or a seekable binary file object (read twice at most)."""

Files = Path | Mapping[str, Upload]
"""A directory, or uploaded files by name."""

Columns = Mapping[str, str]
"""Model field -> the source's column holding it."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a row came from: ``file`` and 1-based ``line`` (header = line 1).

    ``part`` names a row inside the line when one line holds several rows
    (a JSON line holds a whole batch: ``contacts[3]``).
    """

    file: str
    line: int
    part: str = ""

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}"
        return f"{where} {self.part}" if self.part else where


@dataclass(frozen=True, slots=True)
class Rejected:
    """A source row that will not be imported, with every problem found in it.

    ``entity`` names the object the row would have created (``(EntityKind.CONTACT,
    "C-1")``) so that rows referring to it are dropped too; ``None`` when the
    row created nothing of its own or its id is already taken by an earlier row.
    """

    origin: Origin
    problems: tuple[Problem, ...]
    entity: tuple[EntityKind, str] | None = None


class SourceFile:
    """One input file, opened as often as the importer needs to stream it."""

    def __init__(self, name: str, data: Path | Upload) -> None:
        self.name = name
        self._data = data

    @contextmanager
    def open_binary(self) -> Iterator[BinaryIO]:
        data = self._data
        if isinstance(data, Path):
            with data.open("rb") as f:
                yield f
        elif isinstance(data, bytes):
            yield io.BytesIO(data)
        else:
            data.seek(0)
            yield data

    @contextmanager
    def open_text(self) -> Iterator[TextIO]:
        """The file as UTF-8 text (BOM stripped), with newlines left to the CSV reader."""
        with self.open_binary() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                yield text
            finally:
                text.detach()  # the caller (or open_binary) owns the binary stream

    def scan(self) -> tuple[int, Problem | None]:
        """The number of physical lines, and a problem if the file is not UTF-8.

        One fast pass over the bytes; importers run it before writing anything
        so an encoding error never leaves half a file imported.
        """
        lines = 0
        with self.open_binary() as f:
            for lines, raw in enumerate(f, 1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    return lines, Problem(
                        f"{self.name} line {lines}",
                        "",
                        f"not UTF-8 (byte {e.start + 1} of the line is {raw[e.start]:#04x}); "
                        "export or save the file as UTF-8",
                    )
        return lines, None


def source_files(files: Files) -> dict[str, SourceFile]:
    """The input files by lower-cased name.

    Raises
    ------
    InvalidError
        ``files`` is a path that is not a directory, or two files differ
        only in case.
    """
    found: dict[str, SourceFile] = {}
    if isinstance(files, Path):
        if not files.is_dir():
            raise InvalidError([Problem(str(files), "", "not a directory")])
        entries: list[tuple[str, Path | Upload]] = [
            (p.name, p) for p in sorted(files.iterdir()) if p.is_file()
        ]
    else:
        entries = list(files.items())
    for name, data in entries:
        key = name.lower()
        if key in found:
            raise InvalidError(
                [Problem(name, "", f"two files named {found[key].name!r} and {name!r}")]
            )
        found[key] = SourceFile(name, data)
    return found


def csv_reader(lines: Iterable[str]) -> _csv.Reader:
    """The rows of CSV text in the exports' dialect, fields up to :data:`MAX_FIELD_CHARS`.

    Strict: a quote left open at the end of the file, or text between a closing
    quote and the next comma, is an error rather than a value that runs on over
    the rows after it. The csv module's field limit is one setting for the whole
    process; every CSV source of graphcrm reads through here, so it is the same
    for all of them.

    >>> list(csv_reader(['Id,Name\\r\\n', 'Q1,"never closed\\r\\n', 'Q2,x']))
    Traceback (most recent call last):
    _csv.Error: unexpected end of data
    """
    csv.field_size_limit(MAX_FIELD_CHARS)
    return csv.reader(lines, strict=True)


_FIELD = re.compile(r'"[^"]*(?:""[^"]*)*"?[^,\r\n]*|[^,\r\n]*')
"""One field of a CSV record: quoted (closed or not) or plain."""


def _long_field(record: str, longer_than: int) -> tuple[int, int]:
    """``(column index, offset)`` of the first field of ``record`` (CSV text from the start
    of a record) with more than ``longer_than`` characters, else of its last field.

    >>> _long_field('a,"x""\\ny",dd', 3)
    (1, 2)
    >>> _long_field('a,"open', 100)
    (1, 2)
    """
    index, at = 0, 0
    while True:
        m = _FIELD.match(record, at)
        assert m is not None  # the pattern matches the empty string
        text = m.group()
        length = len(text) - text.count('"') + text.count('""')  # "" reads as one "
        if length > longer_than or m.end() >= len(record) or record[m.end()] != ",":
            return index, at
        index, at = index + 1, m.end() + 1


def _csv_problem(error: str) -> str:
    """What a csv module error means, for the person who wrote the file."""
    if "field larger than field limit" in error:
        return (
            f"a value longer than {MAX_FIELD_CHARS:,} characters, the most a field may hold "
            "(or a quote left open that runs on over the rows after it)"
        )
    if error == "unexpected end of data":
        return (
            "a quoted value that opens here is never closed: the rest of the file would "
            'be read as this one value (close it with ", and write a quote inside it as "")'
        )
    if "expected after" in error:
        return (
            "a quoted value has more text after its closing quote (quote the whole value "
            'and write a quote inside it as "")'
        )
    return f"not CSV: {error}"


def _norm(header: str) -> str:
    return " ".join(header.split()).casefold()


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: the value of every known column, stripped (``""`` when absent)."""

    origin: Origin
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV file whose header has been checked. :meth:`rows` streams its data rows."""

    file: SourceFile
    columns: dict[str, int | None]  # canonical column -> index in the row (None: absent)
    width: int

    def has(self, column: str) -> bool:
        return self.columns.get(column) is not None

    def check(self) -> Problem | None:
        """The first record the CSV reader cannot read (a field over
        :data:`MAX_FIELD_CHARS`, a quote never closed, text after a closing quote), as a
        problem naming the line where its bad field starts and the column; None if every
        record reads.

        One pass at the csv module's speed; importers run it before writing anything.
        """
        with self.file.open_text() as f:
            try:
                deque(csv_reader(f), maxlen=0)
            except csv.Error:
                pass
            else:
                return None
        return self._locate()

    def _locate(self) -> Problem:
        """Read the file again, row by row, to say where :meth:`check` failed and why."""
        with self.file.open_text() as f:
            reader = csv_reader(f)
            end = 0
            try:
                for _ in reader:
                    end = reader.line_num
            except csv.Error as e:
                failed, error = reader.line_num, str(e)
            else:  # the file changed since it was checked
                return Problem(f"{self.file.name} line {end + 1}", "", "the file changed")
        with self.file.open_text() as f:
            lines = list(itertools.islice(f, end, failed))
        index, at = _long_field("".join(lines), MAX_FIELD_CHARS)
        line = end + 1
        for text in lines:
            if at < len(text):
                break
            at -= len(text)
            line += 1
        header = self._header()
        column = header[index] if index < len(header) else f"column {index + 1}"
        return Problem(f"{self.file.name} line {line}", column, _csv_problem(error))

    def _header(self) -> list[str]:
        names = {i: c for c, i in self.columns.items() if i is not None}
        with self.file.open_text() as f:
            header = next(csv_reader(f), [])
        return [names.get(i, " ".join(h.split())) for i, h in enumerate(header)]

    def rows(self) -> Iterator[CsvRow | Rejected]:
        """Data rows in file order; blank lines are skipped.

        A row with the wrong number of values comes back as :class:`Rejected`.
        """
        name = self.file.name
        picks = list(self.columns.items())
        with self.file.open_text() as f:
            reader = csv_reader(f)
            next(reader, None)
            end = reader.line_num
            for row in reader:
                origin = Origin(name, end + 1)
                end = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != self.width and (
                    len(row) < self.width or any(c.strip() for c in row[self.width :])
                ):
                    problem = Problem(
                        str(origin), "", f"expected {self.width} values, got {len(row)}"
                    )
                    yield Rejected(origin, (problem,))
                    continue
                yield CsvRow(origin, {c: "" if i is None else row[i].strip() for c, i in picks})


def open_table(
    file: SourceFile,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    prefixes: Sequence[str] = (),
) -> Table:
    """Check the header of ``file``: every ``required`` column must be there.

    A header that starts with one of ``prefixes`` (matched as column names are)
    is kept too, named as the header writes it (white space collapsed): the
    columns an export names after its data, such as HubSpot's
    ``Date entered "Closed Won (Sales Pipeline)"``.

    >>> f = SourceFile("deals.csv", 'Id,Date entered "Won (P)",Other\\n'.encode())
    >>> list(open_table(f, required=("Id",), prefixes=("Date entered ",)).columns)
    ['Id', 'Date entered "Won (P)"']

    Raises
    ------
    InvalidError
        A required column is missing or named twice, the file is empty, or its
        header cannot be read as CSV; each problem names the file, line 1 and the
        column.
    """
    where = f"{file.name} line 1"
    with file.open_text() as f:
        try:
            header = next(csv_reader(f), None)
        except csv.Error as e:
            raise InvalidError([Problem(where, "", f"the header is not CSV: {e}")]) from None
    if not header:
        raise InvalidError([Problem(where, "", "the file is empty: expected a header row")])
    index: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        index.setdefault(_norm(h), []).append(i)
    problems: list[Problem] = []
    columns: dict[str, int | None] = {}
    known = {_norm(c) for c in (*required, *optional)}
    for column in (*required, *optional):
        at = index.get(_norm(column), [])
        if len(at) > 1:
            problems.append(Problem(where, column, f"column {column!r} appears {len(at)} times"))
        elif not at and column in required:
            shown = ", ".join(h.strip() for h in header)
            problems.append(
                Problem(
                    where, column, f"missing required column {column!r} (the header has: {shown})"
                )
            )
        columns[column] = at[0] if at else None
    starts = tuple(_norm(p) + (" " if p[-1:].isspace() else "") for p in prefixes)
    for norm, at in index.items():
        if not starts or not norm.startswith(starts) or norm in known:
            continue
        column = " ".join(header[at[0]].split())
        if len(at) > 1:
            problems.append(Problem(where, column, f"column {column!r} appears {len(at)} times"))
        columns[column] = at[0]
    if problems:
        raise InvalidError(problems)
    return Table(file, columns, len(header))


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A CSV file a source accepts: its documented name and its columns."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    """Further columns, named after the data: every header that starts with one of
    these is kept (see :func:`open_table`)."""


@dataclass(frozen=True, slots=True)
class OpenTable:
    table: Table
    total: int

    @property
    def name(self) -> str:
        return self.table.file.name


def open_tables(
    files: Files,
    specs: Mapping[str, TableSpec],
    *,
    fmt: str,
    warn: Callable[[str, str, str], None],
) -> dict[str, OpenTable]:
    """The source's files that are present, with checked headers and line counts.

    Every file is scanned (UTF-8, line count), its header checked and its
    records read through once (:meth:`Table.check`)
    before anything is written; files the format does not name are ignored
    with a warning, given to ``warn(file, column, message)``.

    Raises
    ------
    InvalidError
        No file of the format is present, a file is not UTF-8, a header
        lacks a required column, or a record cannot be read (a field over
        :data:`MAX_FIELD_CHARS` characters): every such
        problem, naming file, line and column.
    """
    found = source_files(files)
    wanted = {spec.name.lower(): key for key, spec in specs.items()}
    problems: list[Problem] = []
    tables: dict[str, OpenTable] = {}
    for lower, file in found.items():
        key = wanted.get(lower)
        if key is None:
            warn(file.name, "", f"ignored: not a {fmt} file name")
            continue
        lines, problem = file.scan()
        if problem is not None:
            problems.append(problem)
            continue
        spec = specs[key]
        try:
            table = open_table(
                file, required=spec.required, optional=spec.optional, prefixes=spec.prefixes
            )
        except InvalidError as e:
            problems += e.problems
            continue
        problem = table.check()
        if problem is not None:
            problems.append(problem)
            continue
        tables[key] = OpenTable(table, max(lines - 1, 0))
    if not tables and not problems:
        names = ", ".join(spec.name for spec in specs.values())
        problems.append(
            Problem(
                str(files) if isinstance(files, Path) else "upload",
                "",
                f"no {fmt} file found; expected one or more of: {names}",
            )
        )
    if problems:
        raise InvalidError(problems)
    return {key: tables[key] for key in specs if key in tables}


class RowReader:
    """Reads the cells of one CSV row into domain rows, collecting its problems."""

    def __init__(self, row: CsvRow) -> None:
        self.row = row
        self.origin = row.origin
        self.problems: list[Problem] = []

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(str(self.origin), column, message))

    def text(self, column: str) -> str:
        return self.row.values.get(column, "")

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.problem(column, "required")
        return value

    def optional(self, column: str) -> str | None:
        return self.text(column) or None

    def parse(self, column: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(self.text(column))
        except ValueError as e:
            self.problem(column, str(e))
            return None

    def build(self, cls: type[M], columns: Mapping[str, str], **values: object) -> M | None:
        """``cls(**values)`` through the model's validation; its errors name ``columns``."""
        try:
            return cls.model_validate(values)
        except ValidationError as e:
            failed = {p.field for p in self.problems}
            for err in e.errors(include_url=False):
                loc = err["loc"]
                name = str(loc[0]) if loc else ""
                if columns.get(name, name) in failed:
                    continue  # the cell's own problem is already reported
                message = err["msg"]
                value = err.get("input")
                if isinstance(value, str) and loc and len(value) <= 80:
                    message = f"{message}: {value!r}"
                self.problem(columns.get(name, name), message)
            return None

    def rejected(self, entity: tuple[EntityKind, str] | None) -> Rejected:
        return Rejected(self.origin, tuple(self.problems), entity)


class FirstSeen:
    """Ids already read from one file, to reject a second row with the same id."""

    def __init__(self) -> None:
        self._lines: dict[str, int] = {}

    def check(self, reader: RowReader, column: str, key: str) -> bool:
        """True if ``key`` is new; else a problem on ``reader`` naming the first line."""
        first = self._lines.setdefault(key, reader.origin.line)
        if first != reader.origin.line:
            reader.problem(column, f"duplicate id {key!r} (first at line {first})")
            return False
        return True
