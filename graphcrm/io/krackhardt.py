"""Import the Krackhardt high-tech managers data set as one account.

The data set (Krackhardt 1987; Wasserman & Faust 1994) is one company's
management team: 21 managers, their org chart and two survey networks. It
comes as four CSV files in one directory:

``managers.csv`` (``ID,AGE,TENURE,LEVEL,DEPT``)
    One contact per manager, id ``<account>-M<ID>`` (``KHT-M07``), named
    ``Manager <ID>``. ``LEVEL`` gives the seniority (1 CEO -> ``c_level``,
    2 vice president -> ``vp``, 3 manager -> ``manager``) and the title;
    ``DEPT`` the department (``Department 1`` .. ``Department 4``; the CEO's
    ``DEPT 0`` is ``Executive``).
``reports_to.csv`` (``from,to``)
    A solid reporting line: ``from`` reports to ``to``.
``advice.csv`` (``from,to``)
    ``from`` goes to ``to`` for advice, read as "``to`` influences ``from``":
    ``Influence(influencer=to, influenced=from, kind=advises)`` with strength
    :data:`ADVICE_STRENGTH` (1.0: the survey records a tie, not its weight).
``friendship.csv`` (``from,to``)
    ``from`` names ``to`` as a friend. We read a friend as someone trusted:
    ``Influence(influencer=to, influenced=from, kind=trusts)``, with the
    lower strength :data:`FRIENDSHIP_STRENGTH` (0.5), because a friendship
    says less about whose word counts in a decision than an advice tie does.
    Ties are directed and kept as named (not symmetrised).

All influence edges carry ``source=imported``. Every row is built through the
domain models' validation; bad input raises :class:`~graphcrm.errors.InvalidError`
with one problem per bad row, naming the file and the line (``advice.csv
line 17``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from graphcrm.domain import (
    Account,
    ChangeSet,
    Contact,
    ContactId,
    Influence,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    ReportsTo,
    Seniority,
)
from graphcrm.domain.ids import AccountId
from graphcrm.errors import InvalidError, Problem
from graphcrm.io.sources import SourceFile, Table, csv_reader

ADVICE_STRENGTH: Final = 1.0
FRIENDSHIP_STRENGTH: Final = 0.5

MANAGERS, REPORTS_TO, ADVICE, FRIENDSHIP = (
    "managers.csv",
    "reports_to.csv",
    "advice.csv",
    "friendship.csv",
)
_MANAGER_COLUMNS: Final = ("ID", "AGE", "TENURE", "LEVEL", "DEPT")
_EDGE_COLUMNS: Final = ("from", "to")
_LEVELS: Final = {
    1: (Seniority.C_LEVEL, "Chief Executive Officer"),
    2: (Seniority.VP, "Vice President"),
    3: (Seniority.MANAGER, "Manager"),
}
_DEPARTMENTS: Final = range(5)


@dataclass(frozen=True, slots=True)
class _Row:
    where: str
    values: dict[str, str]


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, where: str, field: str, message: str) -> None:
        self.items.append(Problem(where, field, message))

    @contextmanager
    def building(self, where: str) -> Iterator[None]:
        """Turn the validation errors of the rows built inside into problems at ``where``."""
        try:
            yield
        except ValidationError as e:
            for err in e.errors(include_url=False):
                self.add(where, ".".join(str(p) for p in err["loc"]), err["msg"])


def _rows(path: Path, columns: tuple[str, ...], problems: _Problems) -> Iterator[_Row]:
    """The data rows of a CSV file whose header must be exactly ``columns``.

    The file is first checked whole, as the CRM imports check theirs: UTF-8, and
    every record readable as CSV (:meth:`~graphcrm.io.sources.Table.check`).
    """
    name = path.name
    if not path.is_file():
        problems.add(name, "", f"missing file {path}")
        return
    file = SourceFile(name, path)
    _, unreadable = file.scan()
    if unreadable is None:
        table = Table(file, {c: i for i, c in enumerate(columns)}, len(columns))
        unreadable = table.check()
    if unreadable is not None:
        problems.add(unreadable.where, unreadable.field, unreadable.message)
        return
    with file.open_text() as f:
        reader = csv_reader(f)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != columns:
            problems.add(
                f"{name} line 1", "", f"expected the header {','.join(columns)}, got {header}"
            )
            return
        for row in reader:
            where = f"{name} line {reader.line_num}"
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                problems.add(where, "", f"expected {len(columns)} values, got {len(row)}")
                continue
            yield _Row(where, {c: v.strip() for c, v in zip(columns, row, strict=True)})


def _int(row: _Row, column: str, problems: _Problems, allowed: range | None = None) -> int | None:
    text = row.values[column]
    try:
        value = int(text)
    except ValueError:
        problems.add(row.where, column, f"expected an integer, got {text!r}")
        return None
    if allowed is not None and value not in allowed:
        problems.add(
            row.where, column, f"{value} is out of range {allowed.start}..{allowed.stop - 1}"
        )
        return None
    return value


def _number(row: _Row, column: str, problems: _Problems) -> None:
    text = row.values[column]
    try:
        value = float(text)
    except ValueError:
        problems.add(row.where, column, f"expected a number, got {text!r}")
        return
    if not value >= 0:
        problems.add(row.where, column, f"expected a non-negative number, got {text!r}")


def load_krackhardt(
    directory: Path,
    *,
    account_id: str = "KHT",
    account_name: str = "Krackhardt High-Tech Managers",
    valid_from: datetime | None = None,
) -> ChangeSet:
    """Read the data set in ``directory`` into one account's :class:`ChangeSet`.

    Parameters
    ----------
    directory
        The directory holding ``managers.csv``, ``reports_to.csv``,
        ``advice.csv`` and ``friendship.csv``.
    account_id, account_name
        The account the managers belong to; contact ids are ``<account_id>-M<ID>``.
    valid_from
        Start of the reporting lines and influence edges, and of the contacts'
        status; ``None`` leaves it to the store (the time of the write).

    Raises
    ------
    InvalidError
        One problem per bad row, naming the file and line.
    """
    problems = _Problems()
    accounts: list[Account] = []
    with problems.building("account"):
        accounts.append(
            Account(
                id=AccountId(account_id),
                name=account_name,
                sector="manufacturing",
                country="US",
                territory="US",
            )
        )

    def cid(n: int) -> ContactId:
        return _contact_id(account_id, n)

    contacts, seen = _managers(directory, account_id, valid_from, problems)
    reports = _reports(
        _edges(directory, REPORTS_TO, seen, problems), account_id, valid_from, problems
    )

    influences: list[Influence] = []
    for name, kind, strength in (
        (ADVICE, InfluenceKind.ADVISES, ADVICE_STRENGTH),
        (FRIENDSHIP, InfluenceKind.TRUSTS, FRIENDSHIP_STRENGTH),
    ):
        for row, a, b in _edges(directory, name, seen, problems):
            with problems.building(row.where):
                influences.append(
                    Influence(
                        influencer_id=cid(b),
                        influenced_id=cid(a),
                        kind=kind,
                        strength=strength,
                        source=InfluenceSource.IMPORTED,
                        valid_from=valid_from,
                    )
                )

    if problems.items:
        raise InvalidError(problems.items)
    return ChangeSet(
        accounts=tuple(accounts),
        contacts=tuple(contacts),
        reports_to=tuple(reports),
        influences=tuple(influences),
    )


def _contact_id(account_id: str, n: int) -> ContactId:
    return ContactId(f"{account_id}-M{n:02d}")


def _managers(
    directory: Path, account_id: str, valid_from: datetime | None, problems: _Problems
) -> tuple[list[Contact], dict[int, str]]:
    """The managers of ``managers.csv`` as contacts, and where each id was read."""
    contacts: list[Contact] = []
    seen: dict[int, str] = {}
    for row in _rows(directory / MANAGERS, _MANAGER_COLUMNS, problems):
        ident = _int(row, "ID", problems, range(1, 10_000))
        _number(row, "AGE", problems)
        _number(row, "TENURE", problems)
        level = _int(row, "LEVEL", problems, range(1, 4))
        dept = _int(row, "DEPT", problems, _DEPARTMENTS)
        if ident is None or level is None or dept is None:
            continue
        if ident in seen:
            problems.add(
                row.where, "ID", f"manager {ident} is listed twice (first at {seen[ident]})"
            )
            continue
        seen[ident] = row.where
        seniority, title = _LEVELS[level]
        department = "Executive" if dept == 0 else f"Department {dept}"
        with problems.building(row.where):
            contacts.append(
                Contact(
                    id=_contact_id(account_id, ident),
                    account_id=AccountId(account_id),
                    name=f"Manager {ident}",
                    title=title,
                    department=department,
                    seniority=seniority,
                    status_from=valid_from,
                )
            )
    return contacts, seen


def _edges(
    directory: Path, name: str, seen: Mapping[int, str], problems: _Problems
) -> Iterator[tuple[_Row, int, int]]:
    """The ties of file ``name`` between known managers, each pair once."""
    pairs: dict[tuple[int, int], str] = {}
    for row in _rows(directory / name, _EDGE_COLUMNS, problems):
        a = _int(row, "from", problems)
        b = _int(row, "to", problems)
        if a is None or b is None:
            continue
        bad = False
        for column, value in (("from", a), ("to", b)):
            if value not in seen:
                problems.add(row.where, column, f"unknown manager {value}")
                bad = True
        if bad:
            continue
        if (a, b) in pairs:
            problems.add(row.where, "", f"duplicate tie {a} -> {b} (first at {pairs[a, b]})")
            continue
        pairs[a, b] = row.where
        yield row, a, b


def _reports(
    ties: Iterable[tuple[_Row, int, int]],
    account_id: str,
    valid_from: datetime | None,
    problems: _Problems,
) -> list[ReportsTo]:
    """Solid reporting lines, manager ``a`` -> ``b``; at most one line for each manager."""
    reports: list[ReportsTo] = []
    managed: dict[int, str] = {}
    for row, a, b in ties:
        if a in managed:
            problems.add(
                row.where, "from", f"manager {a} already reports to someone ({managed[a]})"
            )
            continue
        managed[a] = row.where
        with problems.building(row.where):
            reports.append(
                ReportsTo(
                    contact_id=_contact_id(account_id, a),
                    manager_id=_contact_id(account_id, b),
                    kind=LineKind.SOLID,
                    valid_from=valid_from,
                )
            )
    return reports
