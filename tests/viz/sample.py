"""A small account whose every answer is known, with a hostile contact in it.

``ACME`` (territory ``Marmara``): a CEO, a VP whose name, title and department are
HTML/script injections, two reports (one with a dotted line to the VP), a
person who leaves on :data:`LEFT_AT`, influence ties of every kind, one rep
and one open deal with an economic buyer, a champion and a blocker.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    Influence,
    InfluenceKind,
    LineKind,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
)

START = datetime(2026, 1, 1, tzinfo=UTC)
LEFT_AT = datetime(2026, 6, 1, tzinfo=UTC)
BEFORE_LEAVING = datetime(2026, 3, 1, tzinfo=UTC)
AFTER_LEAVING = datetime(2026, 7, 1, tzinfo=UTC)

XSS_NAME = "<script>alert(1)</script>"
XSS_TITLE = '<img src=x onerror="alert(2)">'
XSS_DEPARTMENT = "R&D </script><!-- -->"

ACCOUNT = AccountId("ACME")
CEO, VP, ENG, OPS, GONE = (ContactId(f"ACME-{n}") for n in ("CEO", "VP", "ENG", "OPS", "GONE"))
REP = RepId("R-1")
DEAL = DealId("ACME-D1")

CONTACTS = (CEO, VP, ENG, OPS, GONE)
SOLID_LINES = ((VP, CEO), (ENG, VP), (OPS, CEO), (GONE, CEO))
"""(report, manager) while everyone is there."""
DOTTED_LINES = ((OPS, VP),)
INFLUENCES = (
    (ENG, CEO, InfluenceKind.ADVISES, 0.9),
    (VP, CEO, InfluenceKind.TRUSTS, 0.5),
    (OPS, VP, InfluenceKind.OPPOSES, 0.7),
    (CEO, VP, InfluenceKind.SPONSORS, 0.3),
    (ENG, OPS, InfluenceKind.ADVISES, 0.4),
)


def _contact(
    cid: ContactId, name: str, seniority: Seniority, *, title: str, department: str
) -> Contact:
    return Contact(
        id=cid,
        account_id=ACCOUNT,
        name=name,
        seniority=seniority,
        title=title,
        department=department,
    )


def batches() -> list[tuple[ChangeSet, datetime]]:
    """The batches to apply, with the instant of each write."""
    first = ChangeSet(
        accounts=(
            Account(id=ACCOUNT, name="Acme Kimya A.Ş.", sector="chemicals", territory="Marmara"),
        ),
        reps=(Rep(id=REP, name="Deniz Satış", territory="Marmara"),),
        contacts=(
            _contact(CEO, "Ayşe Öztürk", Seniority.C_LEVEL, title="CEO", department="Yönetim"),
            _contact(VP, XSS_NAME, Seniority.VP, title=XSS_TITLE, department=XSS_DEPARTMENT),
            _contact(ENG, "Emre Işık", Seniority.MANAGER, title="Engineer", department="R&D"),
            _contact(OPS, "Oya Kaya", Seniority.DIRECTOR, title="Ops", department="Operations"),
            _contact(GONE, "Gizem Ayrılan", Seniority.DIRECTOR, title="CFO", department="Finance"),
        ),
        reports_to=tuple(
            ReportsTo(contact_id=r, manager_id=m, kind=LineKind.SOLID, valid_from=START)
            for r, m in SOLID_LINES
        )
        + tuple(
            ReportsTo(contact_id=r, manager_id=m, kind=LineKind.DOTTED, valid_from=START)
            for r, m in DOTTED_LINES
        ),
        influences=tuple(
            Influence(influencer_id=a, influenced_id=b, kind=k, strength=s, valid_from=START)
            for a, b, k, s in INFLUENCES
        ),
        rep_knows=(RepKnows(rep_id=REP, contact_id=VP, strength=0.9),),
        deals=(
            Deal(
                id=DEAL,
                account_id=ACCOUNT,
                name="Acme <b>pilot</b>",
                amount=Decimal("125000"),
                stage=Stage.PROPOSAL,
                owner_id=REP,
            ),
        ),
        deal_roles=(
            DealRole(
                deal_id=DEAL,
                contact_id=CEO,
                roles=frozenset({Role.ECONOMIC_BUYER, Role.DECISION_MAKER}),
                stance=1,
                valid_from=START,
            ),
            DealRole(
                deal_id=DEAL,
                contact_id=VP,
                roles=frozenset({Role.CHAMPION}),
                stance=2,
                is_primary=True,
                valid_from=START,
            ),
            DealRole(
                deal_id=DEAL,
                contact_id=OPS,
                roles=frozenset({Role.BLOCKER}),
                stance=-2,
                valid_from=START,
            ),
        ),
    )
    leaves = ChangeSet(
        contacts=(
            _contact(
                GONE,
                "Gizem Ayrılan",
                Seniority.DIRECTOR,
                title="CFO",
                department="Finance",
            ).model_copy(update={"status": ContactStatus.LEFT_COMPANY, "status_from": LEFT_AT}),
        ),
    )
    return [(first, START), (leaves, LEFT_AT)]
