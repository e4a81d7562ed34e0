"""Buying committees and the outcome model they drive."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from statistics import mean

import pytest

from graphcrm.domain import Role
from graphcrm.generator import ClosedDeal, DealFeatures, closed_deals
from graphcrm.generator.outcome import MemberFacts, deal_features

from .conftest import Portfolio

DAY = 86_400.0


@pytest.fixture(scope="module")
def closed(sample: Portfolio) -> list[ClosedDeal]:
    return closed_deals(sample.batches)


def test_committees_average_about_six_point_eight_people(sample: Portfolio) -> None:
    sizes = [len({r.contact_id for r in rows}) for rows in sample.roles.values()]
    assert len(sizes) >= 300
    assert mean(sizes) == pytest.approx(6.8, abs=0.3)
    assert min(sizes) >= 3
    assert set(sample.roles) == set(sample.deals), "every deal has a committee"


def test_exactly_one_primary_per_deal_who_stays(sample: Portfolio) -> None:
    for deal_id, rows in sample.roles.items():
        primaries = [r for r in rows if r.is_primary]
        assert len(primaries) == 1, deal_id
        (primary,) = primaries
        assert primary.valid_to is None
        assert primary.contact_id not in sample.left_at


def test_committees_use_the_canonical_roles_and_stances(sample: Portfolio) -> None:
    roles: Counter[Role] = Counter()
    stances: Counter[int] = Counter()
    for rows in sample.roles.values():
        for r in rows:
            roles.update(r.roles)
            stances[r.stance] += 1
    for role in (
        Role.ECONOMIC_BUYER,
        Role.DECISION_MAKER,
        Role.CHAMPION,
        Role.TECHNICAL_BUYER,
        Role.EVALUATOR,
        Role.BUSINESS_USER,
        Role.INFLUENCER,
        Role.BLOCKER,
        Role.LEGAL_AND_COMPLIANCE,
        Role.EXECUTIVE_SPONSOR,
    ):
        assert roles[role] > 0, role
    assert set(stances) == {-2, -1, 0, 1, 2}
    deals_with_champion = sum(
        any(Role.CHAMPION in r.roles for r in rows) for rows in sample.roles.values()
    )
    assert 0.6 < deals_with_champion / len(sample.roles) < 0.9


def test_committees_follow_the_sector(sample: Portfolio) -> None:
    departments: dict[str, Counter[str]] = defaultdict(Counter)
    for rows in sample.roles.values():
        for r in rows:
            contact = sample.contacts[r.contact_id]
            departments[sample.accounts[contact.account_id].sector][contact.department] += 1
    assert {"Kalite", "Satın Alma", "Üretim", "Finans"} <= set(departments["manufacturing"])
    assert {"Merchandising", "Kategori Yönetimi"} <= set(departments["textile_retail"])
    assert {"Mimari Tasarım", "Mühendislik", "Yatırım", "İhale ve Sözleşmeler"} <= set(
        departments["construction"]
    )
    assert {"Bilgi Güvenliği", "Bilgi Teknolojileri"} <= set(departments["saas"])


def _won_rate(deals: list[ClosedDeal]) -> float:
    assert len(deals) >= 30, "too few deals to compare"
    return sum(d.won for d in deals) / len(deals)


def test_a_strong_engaged_champion_raises_the_win_rate(closed: list[ClosedDeal]) -> None:
    strong = [d for d in closed if d.features.champion >= 0.5]
    none = [d for d in closed if d.features.champion == 0.0]
    assert _won_rate(strong) > _won_rate(none) + 0.2


def test_a_high_influence_opponent_lowers_the_win_rate(closed: list[ClosedDeal]) -> None:
    opposed = [d for d in closed if d.features.opposition >= 0.8]
    unopposed = [d for d in closed if d.features.opposition == 0.0]
    assert _won_rate(opposed) < _won_rate(unopposed) - 0.2


def test_engaged_economic_buyer_and_multithreading_help_staleness_hurts(
    closed: list[ClosedDeal],
) -> None:
    engaged = [d for d in closed if d.features.economic_buyer == 1]
    absent = [d for d in closed if d.features.economic_buyer <= 0]
    assert _won_rate(engaged) > _won_rate(absent) + 0.1
    threaded = [d for d in closed if d.features.threading == 1.0]
    single = [d for d in closed if d.features.threading <= 0.25]
    assert _won_rate(threaded) > _won_rate(single)
    stale = [d for d in closed if d.features.stale]
    fresh = [d for d in closed if not d.features.stale]
    assert _won_rate(stale) < _won_rate(fresh)


def test_champions_leave_and_deals_suffer(closed: list[ClosedDeal], sample: Portfolio) -> None:
    left = [d for d in closed if d.features.champion_left]
    assert len(left) >= 10
    stayed = [d for d in closed if not d.features.champion_left and d.features.champion > 0]
    assert sum(d.won for d in left) / len(left) < _won_rate(stayed)
    reasons = Counter(sample.deals[d.deal_id].loss_reason for d in left if not d.won)
    assert reasons.most_common(1)[0][0] in (
        "Şampiyon şirketten ayrıldı",
        "Champion left the company",
    )


def test_outcomes_are_calibrated_to_the_documented_model(closed: list[ClosedDeal]) -> None:
    """Won rates per band of P(won), recomputed from the rows, match the model."""
    assert len(closed) >= 400
    bands: dict[int, list[ClosedDeal]] = defaultdict(list)
    for d in closed:
        bands[min(4, int(d.features.win_probability() * 5))].append(d)
    checked = 0
    for deals in bands.values():
        if len(deals) < 40:
            continue
        expected = mean(d.features.win_probability() for d in deals)
        assert _won_rate(deals) == pytest.approx(expected, abs=0.13)
        checked += 1
    assert checked >= 3
    overall = _won_rate(closed)
    assert 0.2 < overall < 0.55


def test_feature_arithmetic() -> None:
    def member(
        roles: set[Role], stance: int, influence: float, touches: int, left: bool = False
    ) -> MemberFacts:
        return MemberFacts(frozenset(roles), stance, influence, touches, left)

    members = [
        member({Role.DECISION_MAKER}, 1, 1.0, 3),
        member({Role.ECONOMIC_BUYER}, 0, 1.0, 1),
        member({Role.EVALUATOR, Role.CHAMPION}, 2, 0.8, 2, left=True),
        member({Role.BLOCKER}, -2, 0.6, 0),
        member({Role.BUSINESS_USER}, 0, 0.2, 1),
    ]
    # silences: 10, 10, 60 (> 45: stale) and 10 days
    f = deal_features(members, [10 * DAY, 20 * DAY, 80 * DAY], created=0.0, closed=90 * DAY)
    assert f.champion == pytest.approx(0.8 * 2 / 4)
    assert (f.champion_left, f.economic_buyer, f.opposition, f.stale) == (True, 1, 0.6, True)
    assert f.threading == pytest.approx((4 - 2) / 4)
    z = -1.5 + 2.4 * 0.4 + 0.8 * 1 + 1.0 * 0.5 - 1.8 * 0.6 - 1.6 - 1.0
    assert f.logit() == pytest.approx(z)
    assert f.win_probability() == pytest.approx(1 / (1 + math.exp(-z)))
    assert isinstance(f, DealFeatures)
