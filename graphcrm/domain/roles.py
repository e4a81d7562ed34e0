"""The canonical buying-committee roles and the mappings from CRM vocabularies.

A contact may hold several roles on one deal. Salesforce's
``OpportunityContactRole.Role`` and HubSpot's buying roles both map onto the
canonical vocabulary; a source value that maps to two canonical roles (e.g.
Salesforce's "Economic Decision Maker") yields both.

>>> sorted(r.value for r in from_salesforce("Economic Decision Maker"))
['decision_maker', 'economic_buyer']
>>> [r.value for r in from_hubspot("BUDGET_HOLDER")]
['economic_buyer']
"""

from __future__ import annotations

from enum import StrEnum

from graphcrm.errors import InvalidError, Problem


class Role(StrEnum):
    ECONOMIC_BUYER = "economic_buyer"
    DECISION_MAKER = "decision_maker"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    CHAMPION = "champion"
    INFLUENCER = "influencer"
    TECHNICAL_BUYER = "technical_buyer"
    EVALUATOR = "evaluator"
    BUSINESS_USER = "business_user"
    LEGAL_AND_COMPLIANCE = "legal_and_compliance"
    BLOCKER = "blocker"
    OTHER = "other"


R = Role

SALESFORCE_ROLES: dict[str, frozenset[Role]] = {
    "Business User": frozenset({R.BUSINESS_USER}),
    "Decision Maker": frozenset({R.DECISION_MAKER}),
    "Economic Buyer": frozenset({R.ECONOMIC_BUYER}),
    "Economic Decision Maker": frozenset({R.ECONOMIC_BUYER, R.DECISION_MAKER}),
    "Evaluator": frozenset({R.EVALUATOR}),
    "Executive Sponsor": frozenset({R.EXECUTIVE_SPONSOR}),
    "Influencer": frozenset({R.INFLUENCER}),
    "Technical Buyer": frozenset({R.TECHNICAL_BUYER}),
    "Other": frozenset({R.OTHER}),
}

HUBSPOT_ROLES: dict[str, frozenset[Role]] = {
    "BLOCKER": frozenset({R.BLOCKER}),
    "BUDGET_HOLDER": frozenset({R.ECONOMIC_BUYER}),
    "CHAMPION": frozenset({R.CHAMPION}),
    "DECISION_MAKER": frozenset({R.DECISION_MAKER}),
    "END_USER": frozenset({R.BUSINESS_USER}),
    "EXECUTIVE_SPONSOR": frozenset({R.EXECUTIVE_SPONSOR}),
    "INFLUENCER": frozenset({R.INFLUENCER}),
    "LEGAL_AND_COMPLIANCE": frozenset({R.LEGAL_AND_COMPLIANCE}),
    "OTHER": frozenset({R.OTHER}),
}


def _lookup(table: dict[str, frozenset[Role]], value: str, source: str) -> frozenset[Role]:
    roles = table.get(value.strip())
    if roles is None:
        allowed = ", ".join(sorted(table))
        raise InvalidError([Problem(source, "role", f"unknown role {value!r}; one of: {allowed}")])
    return roles


def from_salesforce(value: str) -> frozenset[Role]:
    """Canonical roles for a Salesforce ``OpportunityContactRole.Role`` value."""
    return _lookup(SALESFORCE_ROLES, value, "salesforce")


def from_hubspot(value: str) -> frozenset[Role]:
    """Canonical roles for a HubSpot buying-role value (``;``-separated lists allowed)."""
    roles: set[Role] = set()
    for part in value.split(";"):
        if part.strip():
            roles |= _lookup(HUBSPOT_ROLES, part, "hubspot")
    return frozenset(roles)
