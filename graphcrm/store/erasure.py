"""Erasing a person (KVKK, GDPR), shared by the store adapters. Pure: no I/O.

What an erasure removes (``docs/operations.md#erasure``):

- from the contact: the name (replaced by :func:`anonymous_name`, so the node
  and every tie, role and interval stay and the account's history holds
  together), the email, the phone and the LinkedIn URL;
- the summaries of every touchpoint the person took part in (they are notes of
  conversations with them), emptied;
- every other occurrence of the erased name, email, phone or URL in free text
  (touchpoint summaries, deal loss reasons), replaced by :data:`ERASED`;
- the same values from every change-log payload: the contact's own entries get
  the anonymous name and no email, phone or URL, the entries of the
  touchpoints above an empty summary, and every other string in any payload
  the values replaced by :data:`ERASED`.

Kept: the contact's id (ids are system keys, not personal data, see
``docs/data-model.md#ids``), title, department, seniority, status history,
ties and roles, and the scores (numbers keyed by id).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import pydantic_core

from graphcrm.domain import ChangeOp, Contact, EntityKind
from graphcrm.domain.personal import ERASED_FIELDS
from graphcrm.store.codec import LogRecord

ERASED = "[erased]"
"""What an erased value is replaced by inside other free text."""

ANONYMOUS_PREFIX = "erased contact "


def anonymous_name(contact_id: str) -> str:
    """The name an erased contact keeps: not derived from anything erased, stable.

    >>> anonymous_name("C-1")
    'erased contact 07e9a969'
    """
    return ANONYMOUS_PREFIX + hashlib.sha256(contact_id.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class ErasurePlan:
    """What to remove for one contact: ``values`` are the erased texts searched for
    elsewhere (longest first), ``touchpoints`` the ids whose summary is emptied."""

    contact_id: str
    name: str
    values: tuple[str, ...]
    touchpoints: frozenset[str]

    @property
    def needles(self) -> tuple[str, ...]:
        """The values as they appear inside stored JSON text (quotes and backslashes
        escaped as pydantic writes them), for a store to find candidate payloads."""
        return tuple(json.dumps(v, ensure_ascii=False)[1:-1] for v in self.values)


def plan_erasure(contact: Contact, touchpoints: Iterable[str]) -> ErasurePlan:
    """The plan for ``contact`` (as stored now) and the ids of its touchpoints."""
    name = anonymous_name(contact.id)
    found = {contact.name, contact.email, contact.phone, contact.linkedin_url}
    values = sorted(
        (v for v in found if v and len(v) >= 2 and v != name), key=lambda v: (-len(v), v)
    )
    return ErasurePlan(contact.id, name, tuple(values), frozenset(touchpoints))


def anonymised(contact: Contact, plan: ErasurePlan) -> Contact:
    """The contact with its personal fields removed and the anonymous name."""
    return contact.model_copy(
        update={"name": plan.name, "email": None, "phone": None, "linkedin_url": None}
    )


def _pattern(values: Collection[str]) -> re.Pattern[str] | None:
    if not values:
        return None
    # Whole words only where the value starts or ends with a word character: "Ali"
    # goes from "Ali said" but "Alişan" stays.
    parts = [
        (r"(?<!\w)" if v[0].isalnum() else "")
        + re.escape(v)
        + (r"(?!\w)" if v[-1].isalnum() else "")
        for v in values
    ]
    return re.compile("|".join(parts))


def scrub_text(text: str, plan: ErasurePlan) -> str:
    """``text`` with every erased value replaced by :data:`ERASED`.

    >>> plan = ErasurePlan("C-1", "erased contact x", ("Ayşe Yılmaz", "Ali"), frozenset())
    >>> scrub_text("Ayşe Yılmaz and Ali met Alişan", plan)
    '[erased] and [erased] met Alişan'
    """
    pattern = _pattern(plan.values)
    return text if pattern is None else pattern.sub(ERASED, text)


def _walk(value: Any, plan: ErasurePlan) -> Any:
    if isinstance(value, str):
        return scrub_text(value, plan)
    if isinstance(value, list):
        return [_walk(v, plan) for v in value]
    if isinstance(value, dict):
        return {k: _walk(v, plan) for k, v in value.items()}
    return value


def scrub_payload(entity: str, key: str, text: str | None, plan: ErasurePlan) -> str | None:
    """A change-log payload (stored JSON text) without the erased values; the same
    text when nothing in it is erased."""
    if text is None:
        return None
    values = json.loads(text)
    if entity == EntityKind.CONTACT.value and key == plan.contact_id:
        for field in ERASED_FIELDS:
            if field in values:
                values[field] = plan.name if field == "name" else None
    if entity == EntityKind.TOUCHPOINT.value and key in plan.touchpoints and "summary" in values:
        values["summary"] = ""
    scrubbed: bytes = pydantic_core.to_json(_walk(values, plan))
    out = scrubbed.decode()
    return text if json.loads(out) == json.loads(text) else out


def erasure_record(
    plan: ErasurePlan, *, at: str, actor: str, touchpoints: int, texts: int, changes: int
) -> LogRecord:
    """The change-log entry of the erasure itself: what went and how much, no values."""
    after = {
        "name": plan.name,
        "erased": list(ERASED_FIELDS),
        "touchpoints": touchpoints,
        "texts": texts,
        "changes": changes,
    }
    raw: bytes = pydantic_core.to_json(after)
    return (
        at,
        actor,
        EntityKind.CONTACT.value,
        plan.contact_id,
        ChangeOp.ERASE.value,
        None,
        raw.decode(),
    )
