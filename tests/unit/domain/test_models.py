# These tests feed raw, often invalid, values to check runtime validation.
# mypy: disable-error-code="arg-type"
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from graphcrm.domain import (
    Account,
    Contact,
    Deal,
    DealRole,
    DealView,
    Influence,
    Model,
    RepKnows,
    ReportsTo,
    Role,
    Stage,
    StageChange,
    Touchpoint,
)
from graphcrm.domain.base import as_of_instant
from graphcrm.domain.roles import from_hubspot, from_salesforce
from graphcrm.errors import InvalidError

T0 = datetime(2026, 1, 1, tzinfo=UTC)

STRICT_ROWS: dict[str, tuple[type[Model], dict[str, object]]] = {
    "deal_role": (DealRole, {"deal_id": "D1", "contact_id": "C1", "roles": ["champion"]}),
    "influence": (
        Influence,
        {"influencer_id": "C1", "influenced_id": "C2", "kind": "advises", "strength": 0.5},
    ),
    "rep_knows": (RepKnows, {"rep_id": "R1", "contact_id": "C1", "strength": 0.5}),
    "touchpoint": (
        Touchpoint,
        {
            "id": "T1",
            "account_id": "A1",
            "kind": "call",
            "direction": "outbound",
            "at": "2026-01-01T00:00:00Z",
            "contact_ids": ["C1"],
        },
    ),
}


def _errors(exc: ValidationError) -> list[tuple[str, str]]:
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]


def test_strength_outside_unit_interval_is_rejected_naming_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        Influence(influencer_id="C1", influenced_id="C2", kind="advises", strength=1.01)
    assert _errors(info.value)[0][0] == "strength"


def test_self_edges_are_rejected_naming_the_contact() -> None:
    with pytest.raises(ValidationError, match="'C1' cannot report to themselves"):
        ReportsTo(contact_id="C1", manager_id="C1")
    with pytest.raises(ValidationError, match="'C1' cannot influence themselves"):
        Influence(influencer_id="C1", influenced_id="C1", kind="trusts", strength=0.5)
    with pytest.raises(ValidationError, match="'A1' cannot be its own parent"):
        Account(id="A1", name="Ayşe Holding", parent_id="A1")


def test_valid_to_before_valid_from_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"valid_to .* is before valid_from"):
        ReportsTo(contact_id="C1", manager_id="C2", valid_from=T0, valid_to=T0 - timedelta(days=1))
    # an empty interval (equal ends) is allowed
    ReportsTo(contact_id="C1", manager_id="C2", valid_from=T0, valid_to=T0)


def test_naive_datetimes_are_rejected_and_aware_ones_become_utc() -> None:
    with pytest.raises(ValidationError):
        ReportsTo(contact_id="C1", manager_id="C2", valid_from=datetime(2026, 1, 1))
    istanbul = timezone(timedelta(hours=3))
    line = ReportsTo(
        contact_id="C1", manager_id="C2", valid_from=datetime(2026, 1, 1, 3, tzinfo=istanbul)
    )
    assert line.valid_from == T0
    assert line.valid_from is not None
    assert line.valid_from.tzinfo is UTC


def test_unknown_fields_are_forbidden() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Contact.model_validate({"id": "C1", "account_id": "A1", "name": "x", "nickname": "y"})


def test_deal_amount_is_exact_and_currency_is_iso() -> None:
    deal = Deal(id="D1", account_id="A1", name="ERP", amount=Decimal("1234567.89"), currency="TRY")
    assert deal.amount == Decimal("1234567.89")
    with pytest.raises(ValidationError):
        Deal(id="D1", account_id="A1", name="ERP", currency="tl")
    with pytest.raises(ValidationError):
        Deal(id="D1", account_id="A1", name="ERP", amount=Decimal("1.234"))


def test_deal_role_needs_a_role_and_a_stance_in_range() -> None:
    with pytest.raises(ValidationError):
        DealRole(deal_id="D1", contact_id="C1", roles=frozenset())
    with pytest.raises(ValidationError):
        DealRole(deal_id="D1", contact_id="C1", roles=frozenset({Role.CHAMPION}), stance=3)


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("deal_role", "stance", True),
        ("deal_role", "stance", "1"),
        ("deal_role", "stance", 1.5),
        ("deal_role", "is_primary", 1),
        ("deal_role", "is_primary", "true"),
        ("influence", "strength", False),
        ("influence", "strength", "0.5"),
        ("rep_knows", "strength", True),
        ("touchpoint", "sentiment", True),
        ("touchpoint", "sentiment", "-0.5"),
    ],
)
def test_numbers_and_flags_are_read_strictly(model: str, field: str, value: object) -> None:
    """A boolean is no number (``true`` is no stance, ``false`` no strength 0.0), nor a
    number or a string a boolean: each is refused, in Python and in JSON."""
    cls, row = STRICT_ROWS[model]
    with pytest.raises(ValidationError) as info:
        cls.model_validate({**row, field: value})
    assert [loc for loc, _ in _errors(info.value)] == [field]
    with pytest.raises(ValidationError):
        cls.model_validate_json(json.dumps({**row, field: value}))
    cls.model_validate({**row})  # the row is fine without the bad value


def test_a_whole_stance_written_with_a_point_is_the_same_number() -> None:
    """JSON does not tell 1 from 1.0 (JSON Schema's ``integer`` admits both), so a
    stance of ``-1.0`` is the stance -1; ``1.5`` is refused above."""
    _, row = STRICT_ROWS["deal_role"]
    role = DealRole.model_validate_json(json.dumps({**row, "stance": -1.0}))
    assert role.stance == -1
    assert type(role.stance) is int


def test_whole_numbers_are_strengths_and_sentiments() -> None:
    _, row = STRICT_ROWS["influence"]
    assert Influence.model_validate_json(json.dumps({**row, "strength": 1})).strength == 1.0
    _, row = STRICT_ROWS["touchpoint"]
    assert Touchpoint.model_validate({**row, "sentiment": -1}).sentiment == -1.0


def test_touchpoint_rejects_duplicate_participants() -> None:
    with pytest.raises(ValidationError, match="contact twice"):
        Touchpoint(
            id="T1",
            account_id="A1",
            kind="call",
            direction="outbound",
            at=T0,
            contact_ids=("C1", "C1"),
        )


def test_ids_reject_control_characters_and_empty() -> None:
    with pytest.raises(ValidationError):
        Account(id="", name="x")
    with pytest.raises(ValidationError):
        Account(id="A\n1", name="x")


def test_stage_order_and_backwards_moves() -> None:
    assert Stage.PROSPECTING.order == 0
    assert Stage.CLOSING.order == 6
    back = StageChange(deal_id="D1", at=T0, from_stage=Stage.NEGOTIATION, to_stage=Stage.PROPOSAL)
    fwd = StageChange(deal_id="D1", at=T0, from_stage=Stage.PROPOSAL, to_stage=Stage.NEGOTIATION)
    assert back.is_backwards
    assert not fwd.is_backwards


def test_deal_view_stage_at() -> None:
    deal = Deal(id="D1", account_id="A1", name="x", stage=Stage.PROPOSAL)
    history = (
        StageChange(deal_id="D1", at=T0, from_stage=None, to_stage=Stage.PROSPECTING),
        StageChange(
            deal_id="D1",
            at=T0 + timedelta(days=10),
            from_stage=Stage.PROSPECTING,
            to_stage=Stage.NEGOTIATION,
        ),
        StageChange(
            deal_id="D1",
            at=T0 + timedelta(days=20),
            from_stage=Stage.NEGOTIATION,
            to_stage=Stage.PROPOSAL,
        ),
    )
    view = DealView(deal=deal, stage_history=history, close_date_history=())
    assert view.stage_at(T0 - timedelta(seconds=1)) is None
    assert view.stage_at(T0 + timedelta(days=15)) is Stage.NEGOTIATION
    assert view.stage_at(T0 + timedelta(days=25)) is Stage.PROPOSAL


def test_role_mappings_cover_both_vocabularies() -> None:
    assert from_salesforce("Economic Decision Maker") == {Role.ECONOMIC_BUYER, Role.DECISION_MAKER}
    assert from_hubspot("CHAMPION;BUDGET_HOLDER") == {Role.CHAMPION, Role.ECONOMIC_BUYER}
    with pytest.raises(InvalidError, match="unknown role 'Chief Decider'"):
        from_salesforce("Chief Decider")


def test_as_of_instant() -> None:
    assert as_of_instant("2026-01-01") == T0 + timedelta(days=1) - timedelta(microseconds=1)
    assert as_of_instant("2026-01-01T00:00:00") == T0
    with pytest.raises(ValueError, match="neither a date"):
        as_of_instant("yesterday")


def test_models_pickle_to_equal_frozen_models_with_their_fields_set() -> None:
    # The portfolio's workers send their reports pickled: same values, same
    # fields-set (exclude_unset), still frozen, nested models and enums intact.
    import pickle

    from graphcrm.domain import Influence, InfluenceKind

    contact = Contact(id="c1", account_id="A", name="İlkay Şahin", title="Genel Müdür")
    back = pickle.loads(pickle.dumps(contact))
    assert back == contact
    assert type(back) is Contact
    assert (
        back.model_fields_set == contact.model_fields_set == {"id", "account_id", "name", "title"}
    )
    assert back.model_dump(exclude_unset=True) == contact.model_dump(exclude_unset=True)
    with pytest.raises(ValidationError):
        back.name = "x"  # type: ignore[misc]
    tie = Influence(influencer_id="a", influenced_id="b", kind=InfluenceKind.OPPOSES, strength=0.4)
    graph = pickle.loads(pickle.dumps((tie, [contact, tie])))
    assert graph == (tie, [contact, tie])
    assert graph[0].kind is InfluenceKind.OPPOSES
    # the same state as pydantic's own pickling (Model.__reduce__ is a shorter path)
    for model in (contact, tie, back):
        plain = BaseModel.__getstate__(model)
        again = pickle.loads(pickle.dumps(model))
        assert BaseModel.__getstate__(again) == plain
        assert again.__pydantic_fields_set__ == model.__pydantic_fields_set__
