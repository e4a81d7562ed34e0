"""Closed vocabularies of the domain. Stores persist the ``.value`` strings."""

from __future__ import annotations

from enum import StrEnum


class Seniority(StrEnum):
    C_LEVEL = "c_level"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL_CONTRIBUTOR = "individual_contributor"

    @property
    def level(self) -> int:
        """1 for C-level down to 5 for an individual contributor."""
        return _LEVELS[self]


_LEVELS = {s: i for i, s in enumerate(Seniority, start=1)}


class ContactStatus(StrEnum):
    ACTIVE = "active"
    LEFT_COMPANY = "left_company"


class LineKind(StrEnum):
    """A reporting line: ``solid`` is the formal manager, ``dotted`` a secondary one."""

    SOLID = "solid"
    DOTTED = "dotted"


class InfluenceKind(StrEnum):
    """How the influencer acts on the influenced (see :class:`~graphcrm.domain.Influence`)."""

    ADVISES = "advises"
    TRUSTS = "trusts"
    SPONSORS = "sponsors"
    OPPOSES = "opposes"


class InfluenceSource(StrEnum):
    """Where an influence edge came from."""

    MANUAL = "manual"
    OBSERVED = "observed"
    IMPORTED = "imported"
    INFERRED = "inferred"


class Stage(StrEnum):
    """The 7 B2B stages, in order, and the two closed stages."""

    PROSPECTING = "prospecting"
    NEEDS_ANALYSIS = "needs_analysis"
    PROPOSAL = "proposal"
    PRESENTATION = "presentation"
    NEGOTIATION = "negotiation"
    DECISION = "decision"
    CLOSING = "closing"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"

    @property
    def is_closed(self) -> bool:
        return self in (Stage.CLOSED_WON, Stage.CLOSED_LOST)

    @property
    def order(self) -> int:
        """0 for prospecting up to 6 for closing; both closed stages are 7."""
        return min(list(Stage).index(self), 7)


OPEN_STAGES: tuple[Stage, ...] = tuple(s for s in Stage if not s.is_closed)


class TouchpointKind(StrEnum):
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    LINKEDIN = "linkedin"
    DEMO = "demo"
    POC = "poc"
    OTHER = "other"


class Direction(StrEnum):
    """``inbound``: the customer reached us; ``outbound``: we reached them;
    ``two_way``: both sides took part (a meeting, a call that was answered)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    TWO_WAY = "two_way"
