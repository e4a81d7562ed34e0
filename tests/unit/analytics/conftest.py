"""Builders of StakeholderGraph domain objects for the analytics tests.

``committee()`` is the 6-person buying committee of ``docs/scoring.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from graphcrm.domain import (
    AccountId,
    Contact,
    ContactEngagement,
    ContactId,
    ContactStatus,
    ContactTie,
    Deal,
    DealId,
    DealRole,
    DealTouch,
    Influence,
    InfluenceKind,
    LineKind,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    RepTie,
    Role,
    Seniority,
    Stage,
    StakeholderGraph,
    TouchpointId,
)

AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ACCOUNT = "ACC-1"


@dataclass
class GraphBuilder:
    """Mutable lists that :meth:`build` freezes into a StakeholderGraph."""

    as_of: datetime = AS_OF
    contacts: dict[str, Contact] = field(default_factory=dict)
    reports_to: list[ReportsTo] = field(default_factory=list)
    influences: list[Influence] = field(default_factory=list)
    deals: dict[str, Deal] = field(default_factory=dict)
    roles: dict[tuple[str, str], DealRole] = field(default_factory=dict)
    reps: dict[str, Rep] = field(default_factory=dict)
    knows: dict[tuple[str, str], RepKnows] = field(default_factory=dict)
    engagement: dict[str, ContactEngagement] = field(default_factory=dict)
    deal_touches: dict[tuple[str, str], DealTouch] = field(default_factory=dict)
    contact_ties: list[ContactTie] = field(default_factory=list)
    rep_ties: list[RepTie] = field(default_factory=list)

    def contact(
        self,
        cid: str,
        name: str | None = None,
        *,
        seniority: Seniority = Seniority.INDIVIDUAL_CONTRIBUTOR,
        title: str = "",
        account: str = ACCOUNT,
        left_days_ago: float | None = None,
    ) -> GraphBuilder:
        left = left_days_ago is not None
        self.contacts[cid] = Contact(
            id=ContactId(cid),
            account_id=AccountId(account),
            name=name or cid,
            title=title,
            seniority=seniority,
            status=ContactStatus.LEFT_COMPANY if left else ContactStatus.ACTIVE,
            status_from=self.as_of - timedelta(days=left_days_ago) if left_days_ago else None,
        )
        return self

    def leave(self, cid: str, days_ago: float = 1.0) -> GraphBuilder:
        c = self.contacts[cid]
        self.contacts[cid] = c.model_copy(
            update={
                "status": ContactStatus.LEFT_COMPANY,
                "status_from": self.as_of - timedelta(days=days_ago),
            }
        )
        return self

    def reports(self, report: str, manager: str, line: LineKind = LineKind.SOLID) -> GraphBuilder:
        self.reports_to.append(
            ReportsTo(
                contact_id=ContactId(report),
                manager_id=ContactId(manager),
                kind=line,
                valid_from=self.as_of - timedelta(days=400),
            )
        )
        return self

    def drop_reports(self, report: str) -> GraphBuilder:
        self.reports_to = [r for r in self.reports_to if r.contact_id != report]
        return self

    def influence(
        self, u: str, v: str, strength: float = 1.0, kind: InfluenceKind = InfluenceKind.ADVISES
    ) -> GraphBuilder:
        self.influences.append(
            Influence(
                influencer_id=ContactId(u),
                influenced_id=ContactId(v),
                kind=kind,
                strength=strength,
                valid_from=self.as_of - timedelta(days=200),
            )
        )
        return self

    def drop_influence(self, u: str, v: str) -> GraphBuilder:
        self.influences = [
            i for i in self.influences if (i.influencer_id, i.influenced_id) != (u, v)
        ]
        return self

    def deal(
        self,
        did: str,
        stage: Stage = Stage.NEGOTIATION,
        name: str | None = None,
        account: str = ACCOUNT,
    ) -> GraphBuilder:
        self.deals[did] = Deal(
            id=DealId(did),
            account_id=AccountId(account),
            name=name or did,
            stage=stage,
            expected_close=date(2025, 7, 31),
        )
        return self

    def role(
        self, did: str, cid: str, *roles: Role, stance: int = 0, primary: bool = False
    ) -> GraphBuilder:
        self.roles[(did, cid)] = DealRole(
            deal_id=DealId(did),
            contact_id=ContactId(cid),
            roles=frozenset(roles),
            stance=stance,
            is_primary=primary,
            valid_from=self.as_of - timedelta(days=100),
        )
        return self

    def rep(self, rid: str, name: str | None = None) -> GraphBuilder:
        self.reps[rid] = Rep(id=RepId(rid), name=name or rid)
        return self

    def know(self, rid: str, cid: str, strength: float) -> GraphBuilder:
        self.knows[(rid, cid)] = RepKnows(
            rep_id=RepId(rid), contact_id=ContactId(cid), strength=strength
        )
        return self

    def engage(
        self,
        cid: str,
        *,
        days_ago: float,
        touchpoints: int,
        two_way: int = 0,
        inbound: int = 0,
        outbound: int = 0,
        sentiment: float = 0.0,
        t30: int = 0,
        t90: int = 0,
        deal: str | None = None,
    ) -> GraphBuilder:
        """The contact's touchpoints (replacing any before), all linked to ``deal``
        (None: to no deal)."""
        last = self.as_of - timedelta(days=days_ago)
        for key in [k for k in self.deal_touches if k[1] == cid]:
            del self.deal_touches[key]
        self.deal_touches[(deal or "", cid)] = DealTouch(
            deal_id=DealId(deal) if deal else None,
            contact_id=ContactId(cid),
            touchpoints=touchpoints,
            touches_90d=t90,
            last_at=last,
            last_touchpoint_id=TouchpointId(f"tp-{cid}"),
        )
        self.engagement[cid] = ContactEngagement(
            contact_id=ContactId(cid),
            touchpoints=touchpoints,
            inbound=inbound,
            outbound=outbound,
            two_way=two_way,
            first_at=last - timedelta(days=300),
            last_at=last,
            last_touchpoint_id=TouchpointId(f"tp-{cid}"),
            sentiment_mean=sentiment,
            touches_30d=t30,
            touches_90d=t90,
        )
        return self

    def tie(self, a: str, b: str, shared: int) -> GraphBuilder:
        a, b = min(a, b), max(a, b)
        self.contact_ties.append(
            ContactTie(
                contact_a=ContactId(a), contact_b=ContactId(b), shared=shared, last_at=self.as_of
            )
        )
        return self

    def rep_tie(self, rid: str, cid: str, shared: int) -> GraphBuilder:
        self.rep_ties.append(
            RepTie(rep_id=RepId(rid), contact_id=ContactId(cid), shared=shared, last_at=self.as_of)
        )
        return self

    def build(self) -> StakeholderGraph:
        return StakeholderGraph(
            as_of=self.as_of,
            accounts=(),
            contacts=tuple(self.contacts[k] for k in sorted(self.contacts)),
            reports_to=tuple(sorted(self.reports_to, key=lambda r: (r.contact_id, r.manager_id))),
            influences=tuple(
                sorted(
                    self.influences, key=lambda i: (i.influencer_id, i.influenced_id, i.kind.value)
                )
            ),
            deals=tuple(self.deals[k] for k in sorted(self.deals)),
            deal_roles=tuple(self.roles[k] for k in sorted(self.roles)),
            reps=tuple(self.reps[k] for k in sorted(self.reps)),
            rep_knows=tuple(self.knows[k] for k in sorted(self.knows)),
            engagement=tuple(self.engagement[k] for k in sorted(self.engagement)),
            contact_ties=tuple(sorted(self.contact_ties, key=lambda t: (t.contact_a, t.contact_b))),
            rep_ties=tuple(sorted(self.rep_ties, key=lambda t: (t.rep_id, t.contact_id))),
            deal_touches=tuple(self.deal_touches[k] for k in sorted(self.deal_touches)),
        )


def committee() -> GraphBuilder:
    """The worked example of docs/scoring.md: a 6-person committee on one deal.

    Org chart (solid lines)::

        mehmet (CFO, C-level)
        ├── selin (VP IT)
        │   └── ayse (IT Director)
        │       └── deniz (senior engineer)
        └── can (procurement manager)
            └── emre (analyst)
    """
    S, R, K = Seniority, Role, InfluenceKind
    b = GraphBuilder()
    b.contact("mehmet", "Mehmet Öz", seniority=S.C_LEVEL, title="CFO")
    b.contact("selin", "Selin Kaya", seniority=S.VP, title="VP IT")
    b.contact("ayse", "Ayşe Yılmaz", seniority=S.DIRECTOR, title="IT Director")
    b.contact("deniz", "Deniz Arslan", title="Senior Engineer")
    b.contact("can", "Can Demir", seniority=S.MANAGER, title="Procurement Manager")
    b.contact("emre", "Emre Çelik", title="Analyst")
    b.reports("selin", "mehmet").reports("ayse", "selin").reports("deniz", "ayse")
    b.reports("can", "mehmet").reports("emre", "can")
    b.influence("deniz", "ayse", 0.8).influence("deniz", "selin", 0.6)
    b.influence("selin", "mehmet", 0.8, K.TRUSTS).influence("ayse", "selin", 0.5)
    b.influence("can", "mehmet", 0.4).influence("emre", "can", 0.5)
    b.deal("D1", Stage.NEGOTIATION, "ERP Renewal")
    b.role("D1", "mehmet", R.ECONOMIC_BUYER, stance=1)
    b.role("D1", "selin", R.DECISION_MAKER, stance=1)
    b.role("D1", "ayse", R.CHAMPION, stance=2, primary=True)
    b.role("D1", "deniz", R.TECHNICAL_BUYER, stance=1)
    b.role("D1", "can", R.INFLUENCER, stance=0)
    b.role("D1", "emre", R.BUSINESS_USER, stance=0)
    b.rep("R1", "Burak Şahin").rep("R2", "Zeynep Aydın")
    b.know("R1", "ayse", 0.9).know("R1", "mehmet", 0.7).know("R1", "selin", 0.6)
    b.know("R1", "deniz", 0.5).know("R2", "can", 0.4)
    b.engage("ayse", days_ago=2, touchpoints=10, two_way=8, inbound=2, sentiment=0.6, t30=4, t90=9)
    b.engage(
        "mehmet", days_ago=5, touchpoints=4, two_way=3, outbound=1, sentiment=0.2, t30=2, t90=3
    )
    b.engage(
        "selin",
        days_ago=6,
        touchpoints=5,
        two_way=3,
        inbound=1,
        outbound=1,
        sentiment=0.4,
        t30=2,
        t90=4,
    )
    b.engage("deniz", days_ago=3, touchpoints=6, two_way=5, inbound=1, sentiment=0.5, t30=3, t90=5)
    b.engage("can", days_ago=20, touchpoints=2, outbound=2, sentiment=0.0, t30=1, t90=2)
    return b


@pytest.fixture
def builder() -> GraphBuilder:
    return GraphBuilder()


@pytest.fixture
def six() -> GraphBuilder:
    return committee()
