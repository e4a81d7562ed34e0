"""CSV records the reader cannot take stop an import before anything is written, with a
problem naming file, line and column; long fields up to the documented limit are read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graphcrm.domain import AccountId, ContactId
from graphcrm.errors import InvalidError
from graphcrm.io.salesforce import import_salesforce
from graphcrm.io.sources import MAX_FIELD_CHARS, SourceFile, open_table
from graphcrm.store.port import GraphStore

DATA = Path(__file__).resolve().parents[2] / "data" / "salesforce"
CONTACTS = (DATA / "Contact.csv").read_text(encoding="utf-8")
HEADER, FIRST, *REST = CONTACTS.splitlines(keepends=True)

State = tuple[dict[str, int], int]


def _with_lead_source(line: str, value: str) -> str:
    """A Contact.csv line with its last column, LeadSource (not read), set to ``value``."""
    return line.rstrip("\r\n").rsplit(",", 1)[0] + "," + value + "\n"


def test_a_long_field_in_an_ignored_column_is_read(
    store: GraphStore, variant: Callable[..., Path]
) -> None:
    long = "x" * 131_073  # over the csv module's own limit
    contacts = HEADER + _with_lead_source(FIRST, long) + "".join(REST)
    report = import_salesforce(store, variant(DATA, {"Contact.csv": contacts}), actor="test")
    assert report.ok, report.problems
    assert store.get_contact(ContactId("0035g00000Ctc00001")).name == "Mehmet Öztürk"


def test_a_field_of_the_limit_is_read_and_one_more_character_is_not() -> None:
    for size, ok in ((MAX_FIELD_CHARS, True), (MAX_FIELD_CHARS + 1, False)):
        data = f"Id,Notes\nC-1,{'ş' * size}\n".encode()
        table = open_table(SourceFile("Contact.csv", data), required=("Id",))
        problem = table.check()
        assert (problem is None) is ok, (size, problem)


def test_a_field_over_the_limit_stops_the_import_before_any_file_is_written(
    store: GraphStore,
    variant: Callable[..., Path],
    store_state: Callable[[GraphStore], State],
) -> None:
    before = store_state(store)
    too_long = "x" * (MAX_FIELD_CHARS + 1)
    contacts = HEADER + FIRST + _with_lead_source(REST[0], too_long) + "".join(REST[1:])
    with pytest.raises(InvalidError) as e:
        import_salesforce(store, variant(DATA, {"Contact.csv": contacts}), actor="test")
    (p,) = e.value.problems
    assert (p.where, p.field) == ("Contact.csv line 3", "LeadSource")
    assert f"longer than {MAX_FIELD_CHARS:,} characters" in p.message
    assert store_state(store) == before  # Account.csv, read first, was not written either
    with pytest.raises(Exception):  # noqa: B017 - whatever it raises, it is not stored
        store.get_account(AccountId("0015g00000AnHld001"))


def test_the_line_is_where_the_long_field_starts_and_the_column_is_the_header_s() -> None:
    too_long = "y" * (MAX_FIELD_CHARS + 1)
    data = (
        f'ID ,Title, lead   source\r\nC-1,"two\r\nlines",ok\r\nC-2,"a\nb","{too_long}"\r\n'
    ).encode()
    table = open_table(SourceFile("Contact.csv", data), required=("Id",), optional=("Title",))
    problem = table.check()
    assert problem is not None
    # C-2's record starts on line 4; its third field on line 5, after "a\nb",
    assert (problem.where, problem.field) == ("Contact.csv line 5", "lead source")


def test_a_header_over_the_limit_is_a_problem_on_line_1() -> None:
    data = f"Id,{'h' * (MAX_FIELD_CHARS + 1)}\nC-1,x\n".encode()
    with pytest.raises(InvalidError) as e:
        open_table(SourceFile("Contact.csv", data), required=("Id",))
    assert [p.where for p in e.value.problems] == ["Contact.csv line 1"]


def test_a_quote_never_closed_stops_the_import_naming_the_line_it_opens_on(
    store: GraphStore, tmp_path: Path, store_state: Callable[[GraphStore], State]
) -> None:
    before = store_state(store)
    (tmp_path / "Account.csv").write_bytes(b'Id,Name\r\nQ1,"never closed\r\nQ2,x')
    with pytest.raises(InvalidError) as e:
        import_salesforce(store, tmp_path, actor="test")
    (p,) = e.value.problems
    assert (p.where, p.field) == ("Account.csv line 2", "Name")
    assert "never closed" in p.message
    assert store_state(store) == before


@pytest.mark.parametrize(
    ("text", "where", "column", "message"),
    [
        # the quote opens on the second line of the record
        ('Id,Name,Notes\nA1,"x\ny","z\n\nw', "line 3", "Notes", "never closed"),
        ('Id,Name\nA1,"Kuzey" Ltd\nA2,x\n', "line 2", "Name", "more text after its closing"),
        ('Id,Name\nA1,ok\n\nA2,"a""b""\n', "line 4", "Name", "never closed"),
    ],
)
def test_a_record_that_does_not_read_as_csv_names_line_and_column(
    text: str, where: str, column: str, message: str
) -> None:
    table = open_table(SourceFile("Account.csv", text.encode()), required=("Id", "Name"))
    problem = table.check()
    assert problem is not None
    assert (problem.where, problem.field) == (f"Account.csv {where}", column)
    assert message in problem.message
