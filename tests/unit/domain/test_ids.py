"""The id grammar (docs/data-model.md, "Ids"): what every system's ids look like is
accepted; what a URL path cannot carry as one segment is refused with a clear reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graphcrm.domain import Account, AccountId, Contact, ContactId
from graphcrm.domain.ids import ID_MAX_LENGTH, id_problem

ACCEPTED = (
    "0015g00000AnHld001",  # Salesforce, 18 characters
    "0015g00000AnHld",  # Salesforce, 15
    "9001",  # HubSpot
    "A000002-C0043",  # generated
    "İstanbul Şubesi",  # Turkish letters and an inner space
    "Emre Koç",  # a HubSpot owner named by name
    "ÇĞİÖŞÜçğıöşü",
    "ayse.yilmaz@anadolu.com.tr",
    "O'Brien & Co (TR)",
    "a.b",
    "...",
    ".x",
    "x.",
    "a%2Fb",  # a percent sign is a character like another: the URL quotes it
    "a?b#c;d=e+f",
    "日本-1",
    "x" * ID_MAX_LENGTH,
)

REFUSED = {
    "": "empty",
    "a/b": "'/'",
    "x/": "'/'",
    "/x": "'/'",
    "a\\b": "'\\\\'",
    ".": "'.' or '..'",
    "..": "'.' or '..'",
    " a": "space",
    "a ": "space",
    "x" * (ID_MAX_LENGTH + 1): "129 characters",
    "a\nb": "U+000A",
    "a\tb": "U+0009",
    "a\x7fb": "U+007F",
    "a\u200bb": "U+200B",  # zero width space
    "a\u00a0b": "U+00A0",  # no-break space
    "a\u2028b": "U+2028",  # line separator
    "a\x85b": "U+0085",
}


@pytest.mark.parametrize("value", ACCEPTED)
def test_ids_of_every_source_are_accepted(value: str) -> None:
    assert id_problem(value) is None
    assert Account(id=AccountId(value), name="x").id == value


@pytest.mark.parametrize(("value", "reason"), REFUSED.items())
def test_ids_outside_the_grammar_are_refused_with_the_reason(value: str, reason: str) -> None:
    problem = id_problem(value)
    assert problem is not None
    assert reason in problem, problem
    with pytest.raises(ValidationError) as info:
        Account(id=AccountId(value), name="x")
    (error,) = info.value.errors()
    assert error["loc"] == ("id",)
    assert reason in error["msg"]


def test_every_reference_is_held_to_the_grammar() -> None:
    with pytest.raises(ValidationError) as info:
        Contact(id=ContactId("C-1"), account_id=AccountId("A/1"), name="Ayşe")
    assert [e["loc"] for e in info.value.errors()] == [("account_id",)]
