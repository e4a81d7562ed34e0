"""The outcome of an import: what a source logs besides rows (:class:`ImportLog`) and the
report an import returns (:class:`ImportReport`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from pydantic import Field

from graphcrm.domain import EntityCounts, EntityKind, Model
from graphcrm.errors import InvalidError, Problem
from graphcrm.io.sources import Origin

MAX_PROBLEMS: Final = 10_000
"""Problems kept in a report; ``problem_count`` counts them all."""


@dataclass(slots=True)
class ImportLog:
    """What a source module reports besides rows: rows read and skipped per file, warnings.

    :meth:`tally` gathers a warning that many rows share (an unknown role
    value) into one, which :meth:`all_warnings` lists with its count.
    """

    rows_read: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[Problem] = field(default_factory=list)
    tallies: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)

    def warn(self, where: Origin | str, column: str, message: str) -> None:
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(Problem(str(where), column, message))

    def skip(self, origin: Origin) -> None:
        """Count a row left out on purpose (``IsDeleted`` true) under its file."""
        self.skipped[origin.file] += 1

    def tally(self, origin: Origin, column: str, message: str) -> None:
        """One more row of ``origin.file`` with this warning; the first line is kept."""
        key = (origin.file, column, message)
        seen = self.tallies.get(key)
        if seen is None:
            self.tallies[key] = [origin.line, 1]
        else:
            seen[1] += 1

    def all_warnings(self) -> tuple[Problem, ...]:
        """The warnings, then each tallied one: ``<message> (N rows, first at line L)``."""
        tallied = (
            Problem(
                f"{file} line {first}",
                column,
                f"{message} ({n:,} row{'s' if n != 1 else ''}, first at line {first})",
            )
            for (file, column, message), (first, n) in self.tallies.items()
        )
        return (*self.warnings, *tallied)


class TerritoryCount(Model):
    """New accounts an import's territory rules gave ``territory`` by ``rule``."""

    territory: str
    rule: str
    accounts: int


class ImportReport(Model):
    """The outcome of one import.

    ``rows_read`` counts data rows per source file and ``skipped`` those left
    out on purpose (rows the export marks deleted); ``committed`` counts
    rows per ChangeSet collection in batches the store accepted (rows it
    found unchanged included); ``counts`` is what the store did, per entity
    kind. ``problems`` has one entry per bad field of every rejected row
    (at most :data:`MAX_PROBLEMS`; ``problem_count`` counts all) and
    ``rejected_rows`` the source rows they fall on. ``warnings`` are values
    that were dropped or guessed without rejecting the row.
    """

    format: str
    all_or_nothing: bool
    rows_read: dict[str, int] = Field(default_factory=dict)
    skipped: dict[str, int] = Field(default_factory=dict)
    committed: dict[str, int] = Field(default_factory=dict)
    counts: dict[EntityKind, EntityCounts] = Field(default_factory=dict)
    rejected_rows: int = 0
    problem_count: int = 0
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    changed: bool = False
    territories: tuple[TerritoryCount, ...] = ()

    @property
    def ok(self) -> bool:
        """No row was rejected."""
        return self.rejected_rows == 0

    def raise_for_problems(self) -> None:
        """Raise :class:`~graphcrm.errors.InvalidError` with the problems, if any."""
        if self.problems:
            raise InvalidError(list(self.problems))
