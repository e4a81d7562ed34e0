"""External ids. Every object is keyed by the id of the system it came from.

The grammar (docs/data-model.md, "Ids"): an id is 1 to :data:`ID_MAX_LENGTH`
characters, each a letter, mark, digit, punctuation mark or symbol of any
script (Unicode categories L, M, N, P, S) or the space, except ``/`` and
``\\``; it neither begins nor ends with a space and is not ``.`` or ``..``.
So an id is always one URL path segment, and ``/v1/accounts/{id}`` (the id
percent-encoded) reads back the object it names. Salesforce ids, HubSpot's
numbers, owner names (``Emre Koç``) and generated ids (``A000002-C0043``)
are all ids; an id with a slash, a control or invisible character, or an
edge space is refused with the reason (:func:`id_problem`).

>>> id_problem("0015g00000AnHld001") is None, id_problem("İstanbul Şubesi") is None
(True, True)
>>> id_problem("A/1")
"may not contain '/': an id is one segment of a URL path"
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Final, NewType

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

AccountId = NewType("AccountId", str)
ContactId = NewType("ContactId", str)
DealId = NewType("DealId", str)
RepId = NewType("RepId", str)
TouchpointId = NewType("TouchpointId", str)

ID_MAX_LENGTH: Final = 128

_PLAIN: Final = re.compile(r"(?!\.\.?\Z)[!-.0-\[\]-~](?:[ -.0-\[\]-~]*[!-.0-\[\]-~])?")
"""The ASCII ids of the grammar, checked at C speed: printable, no ``/`` or ``\\``, no edge
space, not ``.`` or ``..`` (length is checked apart)."""

_ALLOWED: Final = frozenset("LMNPS")
"""The Unicode major categories an id's characters come from (with the space, U+0020)."""

_SCHEMA_PATTERN: Final = (
    r"^(?:[^\x00-\x20\x7f/\\.]|\.[^\x00-\x20\x7f/\\.]|[^\x00-\x20\x7f/\\.][^\x00-\x20\x7f/\\]"
    r"|[^\x00-\x20\x7f/\\][^\x00-\x1f\x7f/\\]+[^\x00-\x20\x7f/\\])$"
)
"""The grammar's ASCII rules as the OpenAPI schema states them (without lookaround, which
JSON Schema's regular expressions lack); the character categories are checked in code."""


def id_problem(value: str) -> str | None:
    """Why ``value`` is not an id, or None if it is one."""
    if len(value) <= ID_MAX_LENGTH and _PLAIN.fullmatch(value) is not None:
        return None
    if not value:
        return "is empty"
    if len(value) > ID_MAX_LENGTH:
        return f"is {len(value)} characters long; at most {ID_MAX_LENGTH}"
    if value in (".", ".."):
        return "may not be '.' or '..': a URL path reads them as this folder or the one above"
    for ch in value:
        if ch in "/\\":
            return f"may not contain {ch!r}: an id is one segment of a URL path"
        if ch != " " and unicodedata.category(ch)[0] not in _ALLOWED:
            name = unicodedata.name(ch, unicodedata.category(ch))
            return (
                f"may not contain U+{ord(ch):04X} ({name}): only letters, marks, digits, "
                "punctuation, symbols and spaces"
            )
    if value[0] == " " or value[-1] == " ":
        return "may not begin or end with a space"
    return None


def _checked(value: str) -> str:
    problem = id_problem(value)
    if problem is not None:
        raise PydanticCustomError("id", "an id {problem}", {"problem": problem})
    return value


_ID = (
    Field(
        # stated for the schema only: _checked says what is wrong, length included
        json_schema_extra={"minLength": 1, "maxLength": ID_MAX_LENGTH, "pattern": _SCHEMA_PATTERN},
        description="An external id: 1 to 128 letters, marks, digits, punctuation, symbols "
        "or inner spaces; no '/' or '\\'; not '.' or '..' (docs/data-model.md).",
    ),
    AfterValidator(_checked),
)

AccountKey = Annotated[AccountId, *_ID]
ContactKey = Annotated[ContactId, *_ID]
DealKey = Annotated[DealId, *_ID]
RepKey = Annotated[RepId, *_ID]
TouchpointKey = Annotated[TouchpointId, *_ID]
