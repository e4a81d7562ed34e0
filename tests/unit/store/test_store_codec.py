"""The value encodings and change-log records both adapters share (``graphcrm.store.codec``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from graphcrm.domain import AccountId, Contact, ContactId, ContactStatus, DealId, DealRole, Role
from graphcrm.store.codec import FAR_FUTURE, TS_WIDTH, log_json, parse_ts, ts

T0 = datetime(2025, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)
ALL_ROLES = frozenset(Role)
D1, C1 = DealId("D-1"), ContactId("C-1")


def test_times_are_fixed_width_utc_strings_in_time_order() -> None:
    istanbul = T0.astimezone(timezone(timedelta(hours=3)))
    assert ts(istanbul) == ts(T0) == "2025-03-01T09:30:00.123456Z"
    assert len(ts(T0.replace(microsecond=0))) == TS_WIDTH == len(FAR_FUTURE)
    assert ts(T0) < ts(T0 + timedelta(microseconds=1)) < FAR_FUTURE
    assert parse_ts(ts(istanbul)) == T0


def test_a_deal_roles_roles_are_logged_sorted() -> None:
    role = DealRole(deal_id=D1, contact_id=C1, roles=ALL_ROLES, valid_from=T0)
    logged = log_json(role)
    assert json.loads(logged)["roles"] == sorted(r.value for r in Role)
    assert logged == role.model_dump_json().replace(
        json.dumps([r.value for r in role.roles], separators=(",", ":")),
        json.dumps(sorted(r.value for r in Role), separators=(",", ":")),
    )


def test_a_missing_start_is_filled_in_and_field_order_kept() -> None:
    role = DealRole(deal_id=D1, contact_id=C1, roles=ALL_ROLES)
    started = json.loads(log_json(role, T0))
    assert list(started) == list(DealRole.model_fields)
    assert started["valid_from"] == "2025-03-01T09:30:00.123456Z"
    assert started["roles"] == sorted(r.value for r in Role)
    dated = role.model_copy(update={"valid_from": T0})
    assert log_json(role, T0) == log_json(dated) == log_json(dated, T0 + timedelta(days=1))


def test_a_contact_is_logged_without_its_status() -> None:
    contact = Contact(
        id=C1,
        account_id=AccountId("A-1"),
        name="Ayşe",
        status=ContactStatus.LEFT_COMPANY,
        status_from=T0,
    )
    assert log_json(contact) == contact.model_dump_json(exclude={"status", "status_from"})
