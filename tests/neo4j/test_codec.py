"""The Neo4j codec: decoding without validation yields exactly what validation would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from graphcrm.domain import Contact, Model
from graphcrm.store.codec import ts
from graphcrm.store.intervals import ContactStatusSpan
from graphcrm.store.neo4j import codec
from tests.neo4j.support import FEB, JAN, NASTY, scenario


def _rows() -> list[tuple[str, Model]]:
    first, second, third = (changes for changes, _, _ in scenario(NASTY)[:3])
    out: list[tuple[str, Model]] = []
    for cs in (first, second, third):
        for name in type(cs).model_fields:
            out.extend((name, row) for row in getattr(cs, name))
    out.append(
        (
            "statuses",
            ContactStatusSpan.model_validate(
                {"contact_id": "C", "status": "active", "valid_from": JAN, "valid_to": FEB}
            ),
        )
    )
    return out


CODECS: dict[str, tuple[Callable[[Any], dict[str, Any]], Callable[[Any], Model]]] = {
    "accounts": (codec.encode_account, codec.decode_account),
    "reps": (codec.encode_rep, codec.decode_rep),
    "contacts": (codec.encode_contact, codec.decode_contact),
    "deals": (codec.encode_deal, codec.decode_deal),
    "stage_changes": (codec.encode_stage_change, codec.decode_stage_change),
    "close_date_changes": (codec.encode_close_date_change, codec.decode_close_date_change),
    "rep_knows": (codec.encode_rep_knows, codec.decode_rep_knows),
    "touchpoints": (codec.encode_touchpoint, codec.decode_touchpoint),
    "reports_to": (codec.encode_reports_to, codec.decode_reports_to),
    "influences": (codec.encode_influence, codec.decode_influence),
    "deal_roles": (codec.encode_deal_role, codec.decode_deal_role),
    "statuses": (codec.encode_status, codec.decode_status),
}


@pytest.mark.parametrize(("collection", "row"), _rows())
def test_decode_of_encode_is_what_validation_gives(collection: str, row: Model) -> None:
    encode, decode = CODECS[collection]
    if getattr(row, "valid_from", "-") is None:
        row = row.model_copy(update={"valid_from": JAN})
    # Neo4j drops null properties: decoders must treat a missing key as null.
    stored = {k: v for k, v in encode(row).items() if v is not None}
    decoded = decode(stored)
    validated = type(row).model_validate(decoded.model_dump())
    assert decoded == validated
    assert list(decoded.__dict__) == list(validated.__dict__)
    assert decoded.model_dump_json() == validated.model_dump_json()
    assert decoded == row or collection in ("contacts", "deals")  # status / amount scale


def test_a_contact_takes_its_status_from_the_interval() -> None:
    contact = next(r for c, r in _rows() if isinstance(r, Contact))
    decoded = codec.decode_contact(codec.encode_contact(contact), "left_company", ts(FEB))
    assert decoded.status.value == "left_company"
    assert decoded.status_from == FEB


def test_sort_keys_order_like_code_points() -> None:
    words = ["\ufffd", "\U0001f600", "a", "İ", "ı", "\u2000", "z\U0001f600", "z\uffff"]
    assert sorted(words) == sorted(words, key=codec.ord_key)
    assert sorted(words) != sorted(words, key=lambda w: w.encode("utf-16-be"))
