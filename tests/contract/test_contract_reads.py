"""Contract: hierarchy, rollups, the stakeholder graph, lists, Turkish collation, NotFound."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    CloseDateChange,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealRole,
    EntityKind,
    Influence,
    InfluenceKind,
    PageRequest,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Stage,
    StageChange,
    Touchpoint,
    TouchpointId,
)
from graphcrm.domain.enums import Direction, TouchpointKind
from graphcrm.errors import NotFoundError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store import GraphStore
from graphcrm.store.port import NOT_COMMITTEE

JAN = datetime(2025, 1, 1, tzinfo=UTC)
ALL = PageRequest(limit=1000)


def day(n: int) -> datetime:
    return JAN + timedelta(days=n)


@pytest.fixture
def family(store: GraphStore) -> GraphStore:
    """Holding -> (İstanbul, Ankara); İstanbul -> İzmir. Deals in several stages."""
    deals = (
        Deal(
            id=DealId("D-1"),
            account_id=AccountId("A-H"),
            name="Çatı",
            amount=Decimal("100.00"),
            stage=Stage.PROPOSAL,
        ),
        Deal(
            id=DealId("D-2"),
            account_id=AccountId("A-IST"),
            name="Depo",
            amount=Decimal("200.50"),
            stage=Stage.PROPOSAL,
        ),
        Deal(
            id=DealId("D-3"),
            account_id=AccountId("A-IZM"),
            name="Liman",
            amount=Decimal("300"),
            stage=Stage.NEGOTIATION,
            currency="USD",
        ),
        Deal(
            id=DealId("D-4"),
            account_id=AccountId("A-IZM"),
            name="Kazanılan",
            amount=Decimal("999"),
            stage=Stage.CLOSED_WON,
        ),
        Deal(
            id=DealId("D-5"),
            account_id=AccountId("A-ANK"),
            name="Kaybedilen",
            amount=Decimal("5"),
            stage=Stage.CLOSED_LOST,
        ),
        Deal(
            id=DealId("D-6"),
            account_id=AccountId("A-OTHER"),
            name="Başka",
            amount=Decimal("7"),
            stage=Stage.PROPOSAL,
        ),
    )
    store.apply(
        ChangeSet(
            reps=(
                Rep(id=RepId("R-1"), name="Çağrı Öztürk", territory="marmara"),
                Rep(id=RepId("R-2"), name="Can Demir", territory="ege"),
                Rep(id=RepId("R-3"), name="Ümit Aydın", territory="marmara"),
            ),
            accounts=(
                Account(
                    id=AccountId("A-H"),
                    name="Yıldız Holding",
                    sector="holding",
                    owner_id=RepId("R-1"),
                ),
                Account(
                    id=AccountId("A-IST"),
                    name="İSTANBUL Lojistik",
                    parent_id=AccountId("A-H"),
                    territory="marmara",
                    sector="lojistik",
                ),
                Account(
                    id=AccountId("A-ANK"),
                    name="Ankara Depo",
                    parent_id=AccountId("A-H"),
                    territory="ic_anadolu",
                    sector="lojistik",
                ),
                Account(
                    id=AccountId("A-IZM"),
                    name="İzmir Liman",
                    parent_id=AccountId("A-IST"),
                    territory="ege",
                ),
                Account(id=AccountId("A-OTHER"), name="Istanbul Gıda", territory="marmara"),
            ),
            contacts=(
                Contact(id=ContactId("C-1"), account_id=AccountId("A-IST"), name="Ayşe Yılmaz"),
                Contact(id=ContactId("C-2"), account_id=AccountId("A-IST"), name="İsmail Işık"),
                Contact(id=ContactId("C-3"), account_id=AccountId("A-IST"), name="Ismail Isik"),
                Contact(id=ContactId("C-4"), account_id=AccountId("A-IST"), name="Çağrı Öztürk"),
                Contact(id=ContactId("C-5"), account_id=AccountId("A-IZM"), name="Zeynep Kaya"),
                Contact(id=ContactId("C-6"), account_id=AccountId("A-H"), name="Ilgaz Şahin"),
            ),
            deals=deals,
        ),
        actor="seed",
        at=JAN,
    )
    return store


def test_ancestors_nearest_first(family: GraphStore) -> None:
    assert [a.id for a in family.account_ancestors(AccountId("A-IZM"))] == ["A-IST", "A-H"]
    assert family.account_ancestors(AccountId("A-H")) == ()


def test_descendants_breadth_first_then_turkish_name(family: GraphStore) -> None:
    # depth 1: Ankara Depo, İSTANBUL Lojistik (A < İ); depth 2: İzmir Liman
    assert [a.id for a in family.account_descendants(AccountId("A-H"))] == [
        "A-ANK",
        "A-IST",
        "A-IZM",
    ]
    assert family.account_descendants(AccountId("A-IZM")) == ()


def test_rollup_counts_subtree_and_open_pipeline_by_stage(family: GraphStore) -> None:
    rollup = family.account_rollup(AccountId("A-H"))
    assert (rollup.accounts, rollup.contacts, rollup.open_deals) == (4, 6, 3)
    assert [(b.stage, b.currency, b.deals, b.amount) for b in rollup.pipeline] == [
        (Stage.PROPOSAL, "TRY", 2, Decimal("300.50")),
        (Stage.NEGOTIATION, "USD", 1, Decimal("300")),
    ]
    sub = family.account_rollup(AccountId("A-IST"))
    assert (sub.accounts, sub.contacts, sub.open_deals) == (2, 5, 2)


def test_rollup_as_of_uses_the_stage_then(family: GraphStore) -> None:
    won = Deal(
        id=DealId("D-2"),
        account_id=AccountId("A-IST"),
        name="Depo",
        amount=Decimal("200.50"),
        stage=Stage.CLOSED_WON,
    )
    family.apply(ChangeSet(deals=(won,)), actor="t", at=day(10))
    assert family.account_rollup(AccountId("A-IST")).open_deals == 1
    before = family.account_rollup(AccountId("A-IST"), as_of=day(5))
    assert before.open_deals == 2
    assert before.as_of == day(5)
    assert family.account_rollup(AccountId("A-IST"), as_of=JAN - timedelta(days=1)).open_deals == 0


def test_stakeholder_graph_family(family: GraphStore) -> None:
    alone = family.stakeholder_graph(AccountId("A-IST"))
    assert [a.id for a in alone.accounts] == ["A-IST"]
    assert [c.id for c in alone.contacts] == ["C-1", "C-2", "C-3", "C-4"]
    assert [d.id for d in alone.deals] == ["D-2"]
    wide = family.stakeholder_graph(AccountId("A-IST"), include_family=True)
    assert [a.id for a in wide.accounts] == ["A-H", "A-IST", "A-IZM"]
    assert [c.id for c in wide.contacts] == ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"]
    assert [d.id for d in wide.deals] == ["D-1", "D-2", "D-3", "D-4"]


def test_stakeholder_graph_engagement_and_ties(family: GraphStore) -> None:
    as_of = day(100)

    def tp(
        i: int,
        days_before: int,
        direction: Direction,
        contacts: tuple[str, ...],
        reps: tuple[str, ...],
        sentiment: float,
    ) -> Touchpoint:
        return Touchpoint(
            id=TouchpointId(f"T-{i}"),
            account_id=AccountId("A-IST"),
            kind=TouchpointKind.MEETING,
            direction=direction,
            at=as_of - timedelta(days=days_before),
            contact_ids=tuple(ContactId(c) for c in contacts),
            rep_ids=tuple(RepId(r) for r in reps),
            sentiment=sentiment,
        )

    family.apply(
        ChangeSet(
            touchpoints=(
                tp(1, 95, Direction.OUTBOUND, ("C-1", "C-2"), ("R-1",), 0.5),
                tp(2, 40, Direction.INBOUND, ("C-1",), ("R-1", "R-2"), -0.5),
                tp(3, 10, Direction.TWO_WAY, ("C-2", "C-1", "C-3"), ("R-1",), 1.0),
                tp(4, -5, Direction.TWO_WAY, ("C-1",), (), 1.0),  # after as_of
            ),
            rep_knows=(RepKnows(rep_id=RepId("R-3"), contact_id=ContactId("C-4"), strength=0.9),),
            influences=(
                Influence(
                    influencer_id=ContactId("C-1"),
                    influenced_id=ContactId("C-2"),
                    kind=InfluenceKind.TRUSTS,
                    strength=0.4,
                ),
                Influence(
                    influencer_id=ContactId("C-1"),
                    influenced_id=ContactId("C-5"),
                    kind=InfluenceKind.TRUSTS,
                    strength=0.4,
                ),
            ),
            reports_to=(ReportsTo(contact_id=ContactId("C-2"), manager_id=ContactId("C-1")),),
            deal_roles=(
                DealRole(
                    deal_id=DealId("D-2"),
                    contact_id=ContactId("C-1"),
                    roles=frozenset({Role.CHAMPION}),
                    is_primary=True,
                ),
            ),
        ),
        actor="t",
        at=JAN,
    )
    g = family.stakeholder_graph(AccountId("A-IST"), as_of=as_of)
    eng = {str(e.contact_id): e for e in g.engagement}
    c1 = eng["C-1"]
    assert (c1.touchpoints, c1.inbound, c1.outbound, c1.two_way) == (3, 1, 1, 1)
    assert (c1.first_at, c1.last_at, c1.last_touchpoint_id) == (day(5), day(90), "T-3")
    assert c1.sentiment_mean == pytest.approx(1.0 / 3)
    assert (c1.touches_30d, c1.touches_90d) == (1, 2)
    assert set(eng) == {"C-1", "C-2", "C-3"}
    assert [(t.contact_a, t.contact_b, t.shared) for t in g.contact_ties] == [
        ("C-1", "C-2", 2),
        ("C-1", "C-3", 1),
        ("C-2", "C-3", 1),
    ]
    assert g.contact_ties[0].last_at == day(90)
    assert [(t.rep_id, t.contact_id, t.shared) for t in g.rep_ties] == [
        ("R-1", "C-1", 3),
        ("R-1", "C-2", 2),
        ("R-1", "C-3", 1),
        ("R-2", "C-1", 1),
    ]
    assert [r.id for r in g.reps] == ["R-1", "R-2", "R-3"]
    assert [(k.rep_id, k.contact_id) for k in g.rep_knows] == [("R-3", "C-4")]
    # the influence to C-5 (another account) is outside this graph
    assert [(i.influencer_id, i.influenced_id) for i in g.influences] == [("C-1", "C-2")]
    assert len(g.reports_to) == 1
    assert len(g.deal_roles) == 1
    assert family.stakeholder_graph(AccountId("A-IST")).engagement[0].touchpoints == 4


def test_contacts_did_not_exist_before_they_were_written(family: GraphStore) -> None:
    assert (
        family.stakeholder_graph(AccountId("A-IST"), as_of=JAN - timedelta(seconds=1)).contacts
        == ()
    )
    with pytest.raises(NotFoundError):
        family.get_contact(ContactId("C-1"), as_of=JAN - timedelta(seconds=1))


def test_turkish_search(family: GraphStore) -> None:
    def names(**kw: str) -> list[str]:
        return [a.name for a in family.list_accounts(ALL, **kw).items]  # type: ignore[arg-type]

    assert names(name_contains="istanbul") == ["İSTANBUL Lojistik"]
    assert names(name_contains="İSTANBUL") == ["İSTANBUL Lojistik"]
    assert names(name_contains="ıstanbul") == ["Istanbul Gıda"]
    people = family.list_contacts(ALL, name_contains="ışık").items
    assert [c.id for c in people] == ["C-2"]
    assert [c.id for c in family.list_contacts(ALL, name_contains="isik").items] == []
    assert [c.id for c in family.list_contacts(ALL, name_contains="ISİK").items] == ["C-3"]


def test_turkish_sort_order_and_pagination(family: GraphStore) -> None:
    everyone = family.list_contacts(ALL)
    assert [c.name for c in everyone.items] == [
        "Ayşe Yılmaz",
        "Çağrı Öztürk",
        "Ilgaz Şahin",
        "Ismail Isik",
        "İsmail Işık",
        "Zeynep Kaya",
    ]
    pages = [family.list_contacts(PageRequest(limit=4, offset=o)) for o in (0, 4, 8)]
    assert [p.total for p in pages] == [6, 6, 6]
    assert [len(p.items) for p in pages] == [4, 2, 0]
    assert tuple(c for p in pages for c in p.items) == everyone.items
    assert [a.name for a in family.list_accounts(ALL).items] == [
        "Ankara Depo",
        "Istanbul Gıda",
        "İSTANBUL Lojistik",
        "İzmir Liman",
        "Yıldız Holding",
    ]
    assert [r.name for r in family.list_reps(ALL).items] == [
        "Can Demir",
        "Çağrı Öztürk",
        "Ümit Aydın",
    ]


def test_list_filters(family: GraphStore) -> None:
    marmara = family.list_accounts(ALL, territories={"marmara"})
    assert (marmara.total, [a.id for a in marmara.items]) == (2, ["A-OTHER", "A-IST"])
    assert family.list_accounts(ALL, sector="lojistik").total == 2
    assert [a.id for a in family.list_accounts(ALL, owner_id=RepId("R-1")).items] == ["A-H"]
    assert family.list_accounts(PageRequest(limit=1), territories={"marmara"}).total == 2
    assert family.list_contacts(ALL, account_id=AccountId("A-IZM")).total == 1
    assert [r.id for r in family.list_reps(ALL, territory="marmara").items] == ["R-1", "R-3"]
    deals = family.list_deals(ALL)
    assert [d.name for d in deals.items] == [
        "Başka",
        "Çatı",
        "Depo",
        "Kaybedilen",
        "Kazanılan",
        "Liman",
    ]
    assert [d.id for d in family.list_deals(ALL, stage=Stage.PROPOSAL).items] == [
        "D-6",
        "D-1",
        "D-2",
    ]
    assert [d.id for d in family.list_deals(ALL, account_id=AccountId("A-IZM")).items] == [
        "D-4",
        "D-3",
    ]
    assert [d.id for d in family.list_deals(ALL, territories={"marmara"}).items] == ["D-6", "D-2"]


def test_lists_limited_to_a_set_of_territories(family: GraphStore) -> None:
    """One list over several territories: Turkish order across them, exact totals and
    pages; accounts without a territory only in the unlimited list."""
    three = {"ic_anadolu", "marmara", "ege"}
    # Ankara Depo (ic_anadolu), Istanbul Gıda, İSTANBUL Lojistik (marmara), İzmir Liman (ege)
    accounts = family.list_accounts(ALL, territories=three)
    assert (accounts.total, [a.id for a in accounts.items]) == (
        4,
        ["A-ANK", "A-OTHER", "A-IST", "A-IZM"],
    )
    middle = family.list_accounts(PageRequest(limit=2, offset=1), territories=three)
    assert (middle.total, [a.id for a in middle.items]) == (4, ["A-OTHER", "A-IST"])
    assert family.list_accounts(ALL, territories=frozenset()).total == 0
    assert family.list_accounts(ALL, territories={"nowhere"}).total == 0
    assert [
        a.id for a in family.list_accounts(ALL, territories=three, sector="lojistik").items
    ] == [
        "A-ANK",
        "A-IST",
    ]
    assert [
        a.id for a in family.list_accounts(ALL, territories=three, name_contains="İstanbul").items
    ] == ["A-IST"]

    # Ayşe Yılmaz, Çağrı Öztürk, Ismail Isik, İsmail Işık (A-IST, marmara); Zeynep Kaya (ege)
    two = {"marmara", "ege"}
    contacts = family.list_contacts(ALL, territories=two)
    assert (contacts.total, [c.id for c in contacts.items]) == (
        5,
        ["C-1", "C-4", "C-3", "C-2", "C-5"],
    )
    tail = family.list_contacts(PageRequest(limit=2, offset=3), territories=two)
    assert (tail.total, [c.id for c in tail.items]) == (5, ["C-2", "C-5"])
    assert [c.id for c in family.list_contacts(ALL, territories={"ege"}).items] == ["C-5"]
    assert family.list_contacts(ALL, territories=frozenset()).total == 0
    ist = AccountId("A-IST")
    assert family.list_contacts(ALL, account_id=ist, territories={"marmara"}).total == 4
    assert family.list_contacts(ALL, account_id=ist, territories={"ege"}).total == 0
    assert [
        c.id for c in family.list_contacts(ALL, territories={"marmara"}, name_contains="ışık").items
    ] == ["C-2"]

    # Başka (marmara), Depo (marmara), Kaybedilen (ic_anadolu), Kazanılan, Liman (ege)
    deals = family.list_deals(ALL, territories=three)
    assert (deals.total, [d.id for d in deals.items]) == (5, ["D-6", "D-2", "D-5", "D-4", "D-3"])
    page = family.list_deals(PageRequest(limit=2, offset=2), territories=three)
    assert (page.total, [d.id for d in page.items]) == (5, ["D-5", "D-4"])
    assert [d.id for d in family.list_deals(ALL, territories=two, stage=Stage.PROPOSAL).items] == [
        "D-6",
        "D-2",
    ]
    izm = AccountId("A-IZM")
    assert [d.id for d in family.list_deals(ALL, account_id=izm, territories={"ege"}).items] == [
        "D-4",
        "D-3",
    ]
    assert family.list_deals(ALL, account_id=izm, territories={"marmara"}).total == 0
    assert family.list_deals(ALL, territories=frozenset()).total == 0
    assert family.list_deals(ALL).total == 6


def test_touchpoints_newest_first_within_window(family: GraphStore) -> None:
    tps = tuple(
        Touchpoint(
            id=TouchpointId(f"T-{i}"),
            account_id=AccountId("A-IST"),
            kind=TouchpointKind.EMAIL,
            direction=Direction.OUTBOUND,
            at=day(i // 2),
            contact_ids=(ContactId("C-1"),),
        )
        for i in range(6)
    )
    family.apply(ChangeSet(touchpoints=tps), actor="t", at=JAN)
    page = family.list_touchpoints(ALL, since=day(1), until=day(2))
    assert [t.id for t in page.items] == ["T-4", "T-5", "T-2", "T-3"]
    assert family.list_touchpoints(PageRequest(limit=2), account_id=AccountId("A-IST")).total == 6
    assert family.list_touchpoints(ALL, account_id=AccountId("A-H")).total == 0


def test_change_log_filters(family: GraphStore) -> None:
    accounts = family.change_log(ALL, entity=EntityKind.ACCOUNT)
    assert accounts.total == 5
    assert family.change_log(ALL, key="A-IZM").total == 1
    last = family.change_log(ALL).items[-1].seq
    assert family.change_log(ALL, since_seq=last).total == 0
    assert family.change_log(PageRequest(limit=3, offset=3)).items[0].seq == 4


def test_not_found(family: GraphStore) -> None:
    for call in (
        lambda: family.get_account(AccountId("A-404")),
        lambda: family.get_contact(ContactId("C-404")),
        lambda: family.get_rep(RepId("R-404")),
        lambda: family.get_deal(DealId("D-404")),
        lambda: family.get_deals([DealId("D-404")]),
        lambda: family.account_ancestors(AccountId("A-404")),
        lambda: family.account_descendants(AccountId("A-404")),
        lambda: family.account_rollup(AccountId("A-404")),
        lambda: family.stakeholder_graph(AccountId("A-404")),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_get_deals_reads_many_histories_in_the_given_order(family: GraphStore) -> None:
    # D-2 (created in proposal at JAN) goes to negotiation and back; its close date moves
    # twice. The rows are written latest first: each history comes back oldest first.
    d2 = DealId("D-2")
    family.apply(
        ChangeSet(
            stage_changes=(
                StageChange(
                    deal_id=d2, at=day(9), from_stage=Stage.NEGOTIATION, to_stage=Stage.PROPOSAL
                ),
                StageChange(
                    deal_id=d2, at=day(4), from_stage=Stage.PROPOSAL, to_stage=Stage.NEGOTIATION
                ),
            ),
            close_date_changes=(
                CloseDateChange(
                    deal_id=d2, at=day(8), from_date=date(2025, 3, 1), to_date=date(2025, 4, 1)
                ),
                CloseDateChange(deal_id=d2, at=day(3), from_date=None, to_date=date(2025, 3, 1)),
            ),
        ),
        actor="t",
        at=day(10),
    )
    views = family.get_deals([DealId("D-4"), d2, DealId("D-4")])
    assert [v.deal.id for v in views] == ["D-4", "D-2", "D-4"]
    assert [(c.at, c.from_stage, c.to_stage) for c in views[1].stage_history] == [
        (JAN, None, Stage.PROPOSAL),
        (day(4), Stage.PROPOSAL, Stage.NEGOTIATION),
        (day(9), Stage.NEGOTIATION, Stage.PROPOSAL),
    ]
    assert [(c.at, c.to_date) for c in views[1].close_date_history] == [
        (day(3), date(2025, 3, 1)),
        (day(8), date(2025, 4, 1)),
    ]
    assert [c.to_stage for c in views[0].stage_history] == [Stage.CLOSED_WON]
    assert views[0].close_date_history == ()
    assert views == (family.get_deal(DealId("D-4")), family.get_deal(d2), views[0])
    assert family.get_deals([]) == ()
    with pytest.raises(NotFoundError) as caught:
        family.get_deals([DealId("D-1"), DealId("D-404"), DealId("D-405")])
    assert caught.value.key == "D-404"


def test_stats_and_close_is_idempotent(family: GraphStore) -> None:
    counts = family.stats().counts
    assert (counts["account"], counts["contact"], counts["deal"], counts["rep"]) == (5, 6, 6, 3)
    assert counts["stage_change"] == 6
    family.close()
    family.close()


def test_stakeholder_graphs_read_together_equal_one_by_one(family: GraphStore) -> None:
    # Ties across accounts (a touchpoint, a reporting line, an influence, a seat)
    # belong to neither account's graph, read alone or together.
    family.apply(
        ChangeSet(
            touchpoints=(
                Touchpoint(
                    id=TouchpointId("T-X"),
                    account_id=AccountId("A-IST"),
                    kind=TouchpointKind.MEETING,
                    direction=Direction.TWO_WAY,
                    at=day(3),
                    contact_ids=(ContactId("C-1"), ContactId("C-5"), ContactId("C-2")),
                    rep_ids=(RepId("R-2"),),
                    sentiment=0.5,
                ),
            ),
            reports_to=(ReportsTo(contact_id=ContactId("C-5"), manager_id=ContactId("C-1")),),
            influences=(
                Influence(
                    influencer_id=ContactId("C-6"),
                    influenced_id=ContactId("C-1"),
                    kind=InfluenceKind.ADVISES,
                    strength=0.7,
                ),
            ),
            deal_roles=(
                DealRole(
                    deal_id=DealId("D-3"),
                    contact_id=ContactId("C-1"),
                    roles=frozenset({Role.CHAMPION}),
                ),
                DealRole(
                    deal_id=DealId("D-3"),
                    contact_id=ContactId("C-5"),
                    roles=frozenset({Role.ECONOMIC_BUYER}),
                ),
            ),
        ),
        actor="t",
        at=day(2),
    )
    ids = [AccountId(a) for a in ("A-IZM", "A-OTHER", "A-IST", "A-H", "A-ANK", "A-IST")]
    for as_of in (None, JAN, day(1), day(10)):
        together = family.stakeholder_graphs(ids, as_of=as_of)
        assert together == tuple(family.stakeholder_graph(a, as_of=as_of) for a in ids)
    now = family.stakeholder_graphs(ids)
    assert [c.id for c in now[0].contacts] == ["C-5"]
    assert [(r.deal_id, r.contact_id) for r in now[0].deal_roles] == [("D-3", "C-5")]
    assert now[2].reports_to == ()
    assert now[2].influences == ()
    assert [(t.contact_a, t.contact_b) for t in now[2].contact_ties] == [("C-1", "C-2")]
    assert family.stakeholder_graphs([]) == ()
    with pytest.raises(NotFoundError):
        family.stakeholder_graphs([AccountId("A-IST"), AccountId("A-NOPE")])


def test_stakeholder_graphs_of_a_generated_portfolio(store: GraphStore) -> None:
    config = GeneratorConfig(accounts=4, seed=5, size_min=8, size_max=40)
    for batch in generate_portfolio(config):
        store.apply(batch, actor="gen")
    ids = [a.id for a in store.list_accounts(ALL).items]
    for as_of in (config.now, config.now - timedelta(days=90)):
        together = store.stakeholder_graphs(ids, as_of=as_of)
        assert together == tuple(store.stakeholder_graph(a, as_of=as_of) for a in ids)
        assert sum(len(g.contacts) for g in together) > 0


@pytest.mark.parametrize("generated", [False, True])
def test_committee_only_graphs_are_the_full_graphs_without_the_other_parts(
    family: GraphStore, generated: bool
) -> None:
    instants: list[datetime | None]
    if generated:
        config = GeneratorConfig(accounts=4, seed=5, size_min=8, size_max=40)
        for batch in generate_portfolio(config):
            family.apply(batch, actor="gen")
        instants = [config.now, config.now - timedelta(days=90), config.now - timedelta(days=400)]
    else:
        family.apply(
            ChangeSet(
                touchpoints=(
                    Touchpoint(
                        id=TouchpointId("T-C"),
                        account_id=AccountId("A-IST"),
                        kind=TouchpointKind.MEETING,
                        direction=Direction.INBOUND,
                        at=day(3),
                        contact_ids=(ContactId("C-1"), ContactId("C-2")),
                        rep_ids=(RepId("R-2"),),
                        sentiment=0.25,
                    ),
                ),
                influences=(
                    Influence(
                        influencer_id=ContactId("C-2"),
                        influenced_id=ContactId("C-1"),
                        kind=InfluenceKind.ADVISES,
                        strength=0.6,
                    ),
                ),
                rep_knows=(
                    RepKnows(rep_id=RepId("R-1"), contact_id=ContactId("C-1"), strength=0.5),
                ),
            ),
            actor="t",
            at=day(2),
        )
        instants = [None, JAN, day(1), day(10)]
    ids = [a.id for a in family.list_accounts(ALL).items]
    left_out = 0
    for as_of in instants:
        full = family.stakeholder_graphs(ids, as_of=as_of)
        committee = family.stakeholder_graphs(ids, as_of=as_of, committee_only=True)
        empty = dict.fromkeys(NOT_COMMITTEE, ())
        assert committee == tuple(g.model_copy(update=empty) for g in full)
        assert all(getattr(g, part) == () for g in committee for part in NOT_COMMITTEE)
        left_out += sum(len(getattr(g, part)) for g in full for part in NOT_COMMITTEE)
    assert left_out > 0
    assert family.stakeholder_graphs([], committee_only=True) == ()
    with pytest.raises(NotFoundError):
        family.stakeholder_graphs([AccountId("A-NOPE")], committee_only=True)


def test_stakeholder_graph_touches_per_deal(family: GraphStore) -> None:
    """Touches per deal and contact: a deal's own, those of no deal, none of another deal."""
    as_of = day(100)
    other = Deal(
        id=DealId("D-9"),
        account_id=AccountId("A-IST"),
        name="Şube ağı",
        amount=Decimal("10.00"),
        stage=Stage.NEEDS_ANALYSIS,
    )

    def tp(i: int, days_before: int, contacts: tuple[str, ...], deal: str | None) -> Touchpoint:
        return Touchpoint(
            id=TouchpointId(f"T-{i}"),
            account_id=AccountId("A-IST"),
            kind=TouchpointKind.MEETING,
            direction=Direction.TWO_WAY,
            at=as_of - timedelta(days=days_before),
            contact_ids=tuple(ContactId(c) for c in contacts),
            deal_id=DealId(deal) if deal else None,
        )

    family.apply(ChangeSet(deals=(other,)), actor="t", at=JAN)
    family.apply(
        ChangeSet(
            touchpoints=(
                tp(1, 95, ("C-1", "C-2"), "D-2"),
                tp(2, 40, ("C-1",), None),
                tp(3, 10, ("C-2", "C-1"), "D-2"),
                tp(4, 20, ("C-3",), "D-9"),
                tp(5, -5, ("C-1",), "D-2"),  # after as_of
            ),
        ),
        actor="t",
        at=JAN,
    )
    g = family.stakeholder_graph(AccountId("A-IST"), as_of=as_of)
    assert [
        (t.deal_id, t.contact_id, t.touchpoints, t.touches_90d, t.last_at, t.last_touchpoint_id)
        for t in g.deal_touches
    ] == [
        (None, "C-1", 1, 1, day(60), "T-2"),
        ("D-2", "C-1", 2, 1, day(90), "T-3"),
        ("D-2", "C-2", 2, 1, day(90), "T-3"),
        ("D-9", "C-3", 1, 1, day(80), "T-4"),
    ]
    (batch,) = family.stakeholder_graphs([AccountId("A-IST")], as_of=as_of)
    assert batch.deal_touches == g.deal_touches
    (committee,) = family.stakeholder_graphs([AccountId("A-IST")], as_of=as_of, committee_only=True)
    assert committee.deal_touches == ()
