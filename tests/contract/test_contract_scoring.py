"""The scoring use cases on every store: a small account written through the store,
read back by the services, with risk signals and, under hand-written win models stored
in the store, risks worked out by hand.

The account (as of ``T``)::

    Mehmet Öz (CEO)          economic buyer, stance +1
    └── Selin Kaya (VP)      decision maker, stance +1
        └── Ayşe Yılmaz      champion, stance +2 (primary)
            └── Deniz Arslan technical buyer, stance +1
    Can Demir                (no seat, reports to Selin)

Deal D1 "ERP Renewal" was created 120 days before ``T`` and is in negotiation
(norm 7 days) since ``T - 60d``. Rep Burak touched everyone two days before
``T``. Each test changes one thing through the store and checks the signal it
should fire, or the risk a hand-written model gives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from graphcrm.analytics import RemoveContact, RiskSignal, SignalCode, Trend
from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    CloseDateChange,
    Contact,
    ContactId,
    ContactStatus,
    Deal,
    DealId,
    DealRole,
    Direction,
    Influence,
    InfluenceKind,
    Rep,
    RepId,
    RepKnows,
    ReportsTo,
    Role,
    Seniority,
    Stage,
    StageChange,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.domain.winmodel import ModelSource, WinModel, WinModelCard
from graphcrm.errors import InvalidError, NotFoundError
from graphcrm.services.paths import warm_paths_to
from graphcrm.services.portfolio import score_portfolio
from graphcrm.services.risk import DealAssessment, assess_deal, open_deal_risks, what_if_deal
from graphcrm.services.scoring import score_account
from graphcrm.services.winprob import deal_win
from graphcrm.store import GraphStore

T = datetime(2026, 3, 1, 12, tzinfo=UTC)
START = T - timedelta(days=500)
CREATED = T - timedelta(days=120)
A = AccountId("A1")
D1 = DealId("D1")
R = SignalCode


def ago(days: float) -> datetime:
    return T - timedelta(days=days)


def _c(cid: str, name: str, seniority: Seniority, account: AccountId = A) -> Contact:
    return Contact(
        id=ContactId(cid), account_id=account, name=name, seniority=seniority, status_from=START
    )


def _line(report: str, manager: str, start: datetime = START) -> ReportsTo:
    return ReportsTo(contact_id=ContactId(report), manager_id=ContactId(manager), valid_from=start)


def _seat(
    cid: str, *roles: Role, stance: int = 1, primary: bool = False, end: datetime | None = None
) -> DealRole:
    return DealRole(
        deal_id=D1,
        contact_id=ContactId(cid),
        roles=frozenset(roles),
        stance=stance,
        is_primary=primary,
        valid_from=CREATED,
        valid_to=end,
    )


def _touch(n: int, days: float, *cids: str, deal: bool = True) -> Touchpoint:
    return Touchpoint(
        id=TouchpointId(f"TP{n}"),
        account_id=A,
        kind=TouchpointKind.MEETING,
        direction=Direction.TWO_WAY,
        at=ago(days),
        contact_ids=tuple(ContactId(c) for c in cids),
        rep_ids=(RepId("R1"),),
        deal_id=D1 if deal else None,
        sentiment=0.6,
    )


def _stages(*moves: tuple[float, Stage | None, Stage]) -> tuple[StageChange, ...]:
    return tuple(
        StageChange(deal_id=D1, at=ago(days), from_stage=a, to_stage=b) for days, a, b in moves
    )


STAGES = (
    (120, None, Stage.PROSPECTING),
    (100, Stage.PROSPECTING, Stage.NEEDS_ANALYSIS),
    (80, Stage.NEEDS_ANALYSIS, Stage.PROPOSAL),
    (60, Stage.PROPOSAL, Stage.NEGOTIATION),
)


def account(
    *,
    champion_leaves: datetime | None = None,
    stages: Sequence[tuple[float, Stage | None, Stage]] = STAGES,
    close_dates: Sequence[tuple[float, date | None, date]] = ((120, None, date(2026, 4, 30)),),
    loss_reason: str | None = None,
) -> ChangeSet:
    """The account of the module docstring; the champion's seat closes when she leaves."""
    S, K = Seniority, InfluenceKind
    touches = [
        _touch(1, 30, "mehmet", "selin", "ayse", "deniz"),
        _touch(2, 12, "ayse", "deniz"),
        _touch(3, 2, "mehmet", "selin", "deniz", "can"),
    ]
    if champion_leaves is None:
        touches.append(_touch(4, 2, "ayse"))
    last_stage = stages[-1][2]
    return ChangeSet(
        accounts=(
            Account(id=A, name="Anadolu Makina", sector="manufacturing", country="TR"),
            Account(id=AccountId("A2"), name="Boğaziçi Tekstil", sector="textile", country="TR"),
        ),
        contacts=(
            _c("mehmet", "Mehmet Öz", S.C_LEVEL),
            _c("selin", "Selin Kaya", S.VP),
            _c("ayse", "Ayşe Yılmaz", S.DIRECTOR),
            _c("deniz", "Deniz Arslan", S.INDIVIDUAL_CONTRIBUTOR),
            _c("can", "Can Demir", S.MANAGER),
            _c("zeynep", "Zeynep Aydın", S.C_LEVEL, AccountId("A2")),
        ),
        reps=(Rep(id=RepId("R1"), name="Burak Şahin"),),
        reports_to=(
            _line("selin", "mehmet"),
            _line("ayse", "selin"),
            _line("deniz", "ayse"),
            _line("can", "selin"),
        ),
        influences=tuple(
            Influence(
                influencer_id=ContactId(u),
                influenced_id=ContactId(v),
                kind=k,
                strength=w,
                valid_from=START,
            )
            for u, v, k, w in (
                ("deniz", "ayse", K.ADVISES, 0.8),
                ("ayse", "selin", K.ADVISES, 0.6),
                ("selin", "mehmet", K.TRUSTS, 0.8),
            )
        ),
        rep_knows=(
            RepKnows(rep_id=RepId("R1"), contact_id=ContactId("mehmet"), strength=0.8),
            RepKnows(rep_id=RepId("R1"), contact_id=ContactId("ayse"), strength=0.9),
        ),
        deals=(
            Deal(
                id=D1,
                account_id=A,
                name="ERP Renewal",
                stage=last_stage,
                expected_close=close_dates[-1][2],
                loss_reason=loss_reason,
            ),
        ),
        stage_changes=_stages(*stages),
        close_date_changes=tuple(
            CloseDateChange(deal_id=D1, at=ago(days), from_date=a, to_date=b)
            for days, a, b in close_dates
        ),
        deal_roles=(
            _seat("mehmet", Role.ECONOMIC_BUYER),
            _seat("selin", Role.DECISION_MAKER),
            _seat("ayse", Role.CHAMPION, stance=2, primary=True, end=champion_leaves),
            _seat("deniz", Role.TECHNICAL_BUYER),
        ),
        touchpoints=tuple(touches),
    )


def load(store: GraphStore, changes: ChangeSet, *more: ChangeSet) -> None:
    store.apply(changes, actor="test", at=START)
    for batch in more:
        store.apply(batch, actor="test", at=T - timedelta(days=1))


def leaves(cid: str, name: str, seniority: Seniority, at: datetime) -> ChangeSet:
    gone = _c(cid, name, seniority).model_copy(
        update={"status": ContactStatus.LEFT_COMPANY, "status_from": at}
    )
    return ChangeSet(contacts=(gone,))


def risk_at(store: GraphStore, as_of: datetime = T) -> DealAssessment:
    a = assess_deal(store, D1, as_of=as_of)
    assert a.risk is not None
    return a


def codes(store: GraphStore, as_of: datetime = T) -> dict[SignalCode, RiskSignal]:
    risk = risk_at(store, as_of).risk
    assert risk is not None
    return {s.code: s for s in risk.signals}


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def store_model(store: GraphStore, *weights: tuple[str, float]) -> WinModelCard:
    """A hand-written model, stored as fitted before everything: logit = Σ weight × feature
    (intercept 0, means 0, scales 1)."""
    names = tuple(f for f, _ in weights)
    n = len(weights)
    model = WinModel(
        features=names,
        coefficients=tuple(w for _, w in weights),
        intercept=0.0,
        means=(0.0,) * n,
        scales=(1.0,) * n,
    )
    card = WinModelCard(
        fitted_at=START, source=ModelSource.STORE, model=model, stage_model=model, deals=40
    )
    store.put_win_model(card)
    return card


# --- deal risk: signals -----------------------------------------------------------------


def test_the_baseline_fires_none_of_the_history_and_churn_signals(store: GraphStore) -> None:
    load(store, account())
    got = codes(store)
    for code in (
        R.NO_CHAMPION,
        R.CHAMPION_LEFT,
        R.STAKEHOLDER_CHURN,
        R.STAGE_REGRESSION,
        R.CLOSE_DATE_SLIPPED,
        R.STALE_ENGAGEMENT,
        R.ECONOMIC_BUYER_UNKNOWN,
    ):
        assert code not in got, code


def test_a_departed_champion_whose_seat_closed_fires_champion_left(store: GraphStore) -> None:
    left = ago(10)
    load(
        store,
        account(champion_leaves=left),
        leaves("ayse", "Ayşe Yılmaz", Seniority.DIRECTOR, left),
    )
    a = risk_at(store)
    got = codes(store)
    assert got[R.CHAMPION_LEFT].message == "the champion (Ayşe Yılmaz) left the company"
    assert got[R.CHAMPION_LEFT].evidence.contact_ids == ("ayse",)
    assert R.NO_CHAMPION not in got
    assert got[R.STAKEHOLDER_CHURN].message.startswith("1 stakeholder change in the last 90")
    assert "Ayşe Yılmaz left the company" in got[R.STAKEHOLDER_CHURN].message
    assert a.names["ayse"] == "Ayşe Yılmaz"
    assert a.deal.stage is Stage.NEGOTIATION
    # 100 days after she left, the departure is out of the window: no champion at all
    later = codes(store, as_of=left + timedelta(days=100))
    assert R.NO_CHAMPION in later
    assert R.CHAMPION_LEFT not in later
    assert R.STAKEHOLDER_CHURN not in later


def test_a_manager_change_of_a_committee_member_is_churn(store: GraphStore) -> None:
    load(store, account(), ChangeSet(reports_to=(_line("deniz", "selin", ago(15)),)))
    churn = codes(store)[R.STAKEHOLDER_CHURN]
    assert "Deniz Arslan changed manager" in churn.message
    assert churn.evidence.contact_ids == ("deniz",)
    # Can is not on the committee: his manager change does not count
    load(store, ChangeSet(reports_to=(_line("can", "mehmet", ago(14)),)))
    assert codes(store)[R.STAKEHOLDER_CHURN].evidence.contact_ids == ("deniz",)


SLIPPING = (
    (*STAGES, (30, Stage.NEGOTIATION, Stage.PROPOSAL), (20, Stage.PROPOSAL, Stage.NEGOTIATION)),
    (
        (120, None, date(2026, 4, 30)),
        (40, date(2026, 4, 30), date(2026, 5, 31)),
        (10, date(2026, 5, 31), date(2026, 6, 30)),
    ),
)


def test_stage_regression_and_close_date_slips_in_the_window(store: GraphStore) -> None:
    stages, slips = SLIPPING
    load(store, account(stages=stages, close_dates=slips))
    now = codes(store)
    assert R.STAGE_REGRESSION not in now  # back in negotiation 20 days ago: recovered
    assert now[R.CLOSE_DATE_SLIPPED].message.startswith("expected close slipped 2 time(s)")
    # as of 25 days ago the deal was still in proposal, after one slip
    mid = codes(store, as_of=ago(25))
    assert R.STAGE_REGRESSION in mid
    assert mid[R.CLOSE_DATE_SLIPPED].message.startswith("expected close slipped 1 time(s)")
    # as of 35 days ago only the first slip had happened: the history is cut at the instant
    before = codes(store, as_of=ago(35))
    assert R.STAGE_REGRESSION not in before
    assert before[R.CLOSE_DATE_SLIPPED].message.startswith("expected close slipped 1 time(s)")


def test_stale_engagement_after_30_days_of_silence(store: GraphStore) -> None:
    load(store, account())
    # 10 days on, the last touchpoint is 12 days old: not stale (<= 30 days, at any stage)
    assert R.STALE_ENGAGEMENT not in codes(store, as_of=T + timedelta(days=10))
    # 40 days on, it is 42 days old
    stale = codes(store, as_of=T + timedelta(days=40))[R.STALE_ENGAGEMENT]
    assert stale.message.startswith("engagement is stale: 42 days since the last touchpoint")


def test_a_deal_not_created_yet_or_unknown_is_a_clear_error(store: GraphStore) -> None:
    load(store, account())
    with pytest.raises(InvalidError, match="did not exist yet"):
        assess_deal(store, D1, as_of=CREATED - timedelta(days=1))
    with pytest.raises(NotFoundError):
        assess_deal(store, DealId("NOPE"), as_of=T)


# --- deal risk: the win model's numbers ---------------------------------------------------


def test_risk_is_100_times_one_minus_the_stored_models_probability(store: GraphStore) -> None:
    # logit = stage_negotiation - close_slips. As of T: negotiation, two slips:
    # z0 = 1 (P0 = 0.731059), z = -1 (P = 0.268941): risk 73.11, the stage's 26.89, and
    # the history's 46.22 points (46.2117, the only factor, takes all of 7311 - 2689)
    stages, slips = SLIPPING
    load(store, account(stages=stages, close_dates=slips))
    store_model(store, ("stage_negotiation", 1.0), ("close_slips", -1.0))
    a = risk_at(store)
    r = a.risk
    assert r is not None
    assert (r.score, r.baseline) == (73.11, 26.89)
    assert r.probability == pytest.approx(sigmoid(-1))
    assert r.stage_probability == pytest.approx(sigmoid(1))
    assert [(f.group, f.points) for f in r.factors] == [("history", 46.22)]
    assert r.factors[0].facts == (  # 2026-03-01 -> 2026-06-30, the date after two slips
        "1 backward stage move(s), 2 close-date slip(s), expected close in 121 days"
    )
    assert (a.model.source, a.model.deals) == (ModelSource.STORE, 40)
    # the same model and features as the win probability: its numbers in risk terms
    win = deal_win(store, D1, as_of=T)
    assert win.probability == r.probability
    assert win.stage_probability == r.stage_probability
    assert [(c.group, c.evidence) for c in win.contributions] == [
        (f.group, f.evidence) for f in r.factors
    ]
    for c, f in zip(win.contributions, r.factors, strict=True):
        assert f.points == pytest.approx(-100 * c.points, abs=0.01)
    # as of 35 days ago: negotiation, one slip so far: z = 0, P = 0.5, risk 50, of
    # which the history's 23.11 (23.1059)
    mid = risk_at(store, ago(35)).risk
    assert mid is not None
    assert (mid.score, mid.baseline) == (50.0, 26.89)
    assert [(f.group, f.points) for f in mid.factors] == [("history", 23.11)]


def test_a_closed_deal_shows_its_outcome_and_loss_reason(store: GraphStore) -> None:
    lost = (*STAGES, (5, Stage.NEGOTIATION, Stage.CLOSED_LOST))
    load(store, account(stages=lost, loss_reason="Rakip daha ucuz: fiyat"))
    a = assess_deal(store, D1, as_of=T)
    assert a.risk is None
    assert (a.outcome, a.loss_reason) == (Stage.CLOSED_LOST, "Rakip daha ucuz: fiyat")
    win = deal_win(store, D1, as_of=T)
    assert (win.outcome, win.loss_reason, win.probability) == (a.outcome, a.loss_reason, None)
    # before it closed it had a risk
    assert risk_at(store, ago(10)).risk is not None
    with pytest.raises(InvalidError, match="closed"):
        what_if_deal(store, D1, [RemoveContact(contact_id="ayse")], as_of=T)


def test_what_if_the_champion_left(store: GraphStore) -> None:
    # logit = stage_negotiation - 2 × champion_left - 0.5 × churn: before z = 1 (risk
    # 26.89, the stage's); Ayşe leaves: z = -1.5, risk 81.76, champion 43.89 and churn
    # 10.98 points (43.8906 and 10.9727, apportioned to add up to 54.87)
    load(store, account())
    store_model(store, ("stage_negotiation", 1.0), ("champion_left", -2.0), ("churn", -0.5))
    w = what_if_deal(store, D1, [RemoveContact(contact_id="ayse")], as_of=T)
    assert (w.before.score, w.before.factors) == (26.89, ())
    assert w.after.score == 81.76
    assert w.after.probability == pytest.approx(sigmoid(-1.5))
    assert [(d.group, d.delta) for d in w.factors] == [("champion", 43.89), ("churn", 10.98)]
    assert w.delta == 54.87
    assert w.probability_delta == pytest.approx(sigmoid(-1.5) - sigmoid(1))
    assert R.CHAMPION_LEFT in {s.code for s in w.after.signals}


def test_open_deal_risks_lists_only_deals_open_at_the_instant(store: GraphStore) -> None:
    won = (*STAGES, (5, Stage.NEGOTIATION, Stage.CLOSED_WON))
    load(store, account(stages=won))
    assert [a.deal.id for a in open_deal_risks(store, A, as_of=ago(10))] == ["D1"]
    assert open_deal_risks(store, A, as_of=T) == ()


# --- accounts, paths and the portfolio --------------------------------------------------


def test_score_account(store: GraphStore) -> None:
    load(store, account())
    s = score_account(store, A, as_of=T)
    assert s.as_of == T
    assert s.contacts[0].contact_id == "mehmet"  # economic buyer and CEO
    assert {c.contact_id for c in s.contacts} == {"mehmet", "selin", "ayse", "deniz", "can"}
    assert sum(c.influence for c in s.contacts) == pytest.approx(1.0)
    assert s.health.contacts == 5
    # Deniz advises the champion and sits at the bottom: the hidden influencer
    assert "deniz" in {h.contact_id for h in s.hidden_influencers}
    assert s.top("influence", 1)[0].contact_id in {"deniz", "mehmet"}
    with pytest.raises(ValueError, match="not a numeric"):
        s.top("name")
    with pytest.raises(NotFoundError):
        score_account(store, AccountId("NOPE"), as_of=T)


def test_contact_trends_are_the_change_in_health(store: GraphStore) -> None:
    # score_account reads the account again 30 days earlier and compares each contact's
    # health then, computed from what was known then, with its health now.
    load(store, account())
    trends = {str(c.contact_id): c.health.trend for c in score_account(store, A, as_of=T).contacts}
    assert trends["can"] is Trend.IMPROVING  # first touched two days ago; nothing before
    # 120 days on, nobody touched since: silent 118 days against 88 a month earlier.
    # Counted by activity rates (no touch in 30 days, none in the 60 before) it was steady.
    later = score_account(store, A, as_of=T + timedelta(days=120))
    assert {c.contact_id: c.health.trend for c in later.contacts} == dict.fromkeys(
        ("mehmet", "selin", "ayse", "deniz", "can"), Trend.DECLINING
    )
    # the portfolio run reads each account once: it leaves the trends out
    report = next(iter(score_portfolio(store, as_of=T, write=False)))
    assert {c.health.trend for c in report.scores.contacts} == {None}


def test_warm_paths_start_from_our_reps(store: GraphStore) -> None:
    load(store, account())
    w = warm_paths_to(store, ContactId("deniz"), as_of=T, k=2)
    assert w.paths[0].nodes[0] == "R1"
    assert w.paths[0].nodes[-1] == "deniz"
    assert w.names["R1"] == "Burak Şahin"
    assert [p.strength for p in w.paths] == sorted((p.strength for p in w.paths), reverse=True)


def test_score_portfolio_pages_through_every_account(store: GraphStore) -> None:
    load(store, account())
    seen: list[tuple[int, int]] = []
    reports = list(
        score_portfolio(store, as_of=T, page_size=1, progress=lambda d, n: seen.append((d, n)))
    )
    # store order: Turkish collation of the name (Anadolu before Boğaziçi)
    assert [r.account.id for r in reports] == ["A1", "A2"]
    assert seen == [(1, 2), (2, 2)]
    first, second = reports
    assert [a.deal.id for a in first.open_deals] == ["D1"]
    assert second.open_deals == ()
    assert second.scores.health.contacts == 1
    # the portfolio's account scores are the single-account use case's, but for the
    # contacts' trends: they need a second reading of the account, which it leaves out
    single = score_account(store, A, as_of=T)
    assert {c.health.trend for c in single.contacts} != {None}
    untrended = tuple(
        c.model_copy(update={"health": c.health.model_copy(update={"trend": None})})
        for c in single.contacts
    )
    assert first.scores == single.model_copy(update={"contacts": untrended})


class _Prefetches:
    """A store that counts its :meth:`GraphStore.prefetch` calls (everything else is the
    store's own)."""

    def __init__(self, store: GraphStore) -> None:
        self.store, self.prefetched = store, 0

    def prefetch(self) -> None:
        self.prefetched += 1
        self.store.prefetch()

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


def test_a_full_portfolio_run_reads_the_store_ahead_and_a_partial_one_does_not(
    store: GraphStore,
) -> None:
    load(store, account())
    counting = _Prefetches(store)
    every = list(score_portfolio(counting, as_of=T, write=False))  # type: ignore[arg-type]
    assert counting.prefetched == 1
    assert [r.account.id for r in every] == ["A1", "A2"]
    some = list(score_portfolio(counting, as_of=T, accounts=[every[1].account]))  # type: ignore[arg-type]
    assert counting.prefetched == 1
    assert [r.account.id for r in some] == ["A2"]
