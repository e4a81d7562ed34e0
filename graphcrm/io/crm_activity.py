"""What the CRM importers read about an activity: the words of its type and direction, the
direction when the export gives none, and the activity as the export gives it (:class:`Activity`),
before the touchpoint's participants are checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from graphcrm.domain import Direction, TouchpointKind
from graphcrm.io.sources import Origin

KIND_WORDS: Final[dict[str, TouchpointKind]] = {
    "call": TouchpointKind.CALL,
    "email": TouchpointKind.EMAIL,
    "listemail": TouchpointKind.EMAIL,
    "linkedin": TouchpointKind.LINKEDIN,
    "meeting": TouchpointKind.MEETING,
    "demo": TouchpointKind.DEMO,
    "poc": TouchpointKind.POC,
    "note": TouchpointKind.OTHER,
    "task": TouchpointKind.OTHER,
    "other": TouchpointKind.OTHER,
}
"""Activity type words of the exports (folded like stages) -> touchpoint kinds."""

DIRECTION_WORDS: Final[dict[str, Direction]] = {
    "inbound": Direction.INBOUND,
    "incoming": Direction.INBOUND,
    "outbound": Direction.OUTBOUND,
    "outgoing": Direction.OUTBOUND,
    "twoway": Direction.TWO_WAY,
}
"""Direction words of the exports (folded like stages) -> directions."""


def default_direction(kind: TouchpointKind) -> Direction:
    """A touchpoint's direction when the export does not say: meetings, demos and POCs
    take both sides; an email, call or note is our own outreach."""
    if kind in (TouchpointKind.MEETING, TouchpointKind.DEMO, TouchpointKind.POC):
        return Direction.TWO_WAY
    return Direction.OUTBOUND


@dataclass(slots=True)
class Activity:
    """A touchpoint as an export gives it, before its participants are checked."""

    id: str
    origin: Origin
    columns: Mapping[str, str]
    kind: TouchpointKind
    direction: Direction
    at: datetime
    contacts: list[str] = field(default_factory=list)
    reps: list[str] = field(default_factory=list)
    account: str | None = None
    deal: str | None = None
    sentiment: float = 0.0
    summary: str = ""
