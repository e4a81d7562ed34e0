"""The errors cross process boundaries as themselves (a scoring worker sends them back)."""

from __future__ import annotations

import pickle

import pytest

from graphcrm.errors import (
    ConflictError,
    GraphCRMError,
    InvalidError,
    NotFoundError,
    Problem,
    StoreUnavailableError,
)


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError("account", "A-1"),
        InvalidError([Problem("contacts[2]", "influence", "must be at most 1")]),
        StoreUnavailableError("sqlite:///nowhere: cannot open"),
        ConflictError("account 'A-1' exists"),
    ],
)
def test_errors_pickle_to_the_same_type_message_and_fields(error: GraphCRMError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert vars(back) == vars(error)


def test_a_pickled_invalid_error_keeps_its_problems() -> None:
    problems = [Problem("rows[0]", "name", "is empty"), Problem("rows[3]", "", "duplicate id")]
    back = pickle.loads(pickle.dumps(InvalidError(problems)))
    assert back.problems == problems
    assert str(back) == "2 invalid input(s): rows[0].name: is empty; rows[3]: duplicate id"
    missing = pickle.loads(pickle.dumps(NotFoundError("deal", "D-9")))
    assert (missing.kind, missing.key, str(missing)) == ("deal", "D-9", "deal 'D-9' not found")
