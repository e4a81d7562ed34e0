"""Incremental scoring on every store: the accounts a write changed are found from the
change log (worked out by hand below) and scored again, and the scores then stored
equal a full run's, as of the same instants; when that cannot hold the run is full."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graphcrm.domain import (
    Account,
    AccountId,
    AccountScoreSet,
    ChangeSet,
    Contact,
    ContactId,
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
    Stage,
    Touchpoint,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.errors import InvalidError
from graphcrm.services.incremental import affected_accounts, plan_run, run_planned
from graphcrm.services.portfolio import score_portfolio
from graphcrm.services.training import prior_card
from graphcrm.store import GraphStore

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
"""When the portfolio was loaded (every fact holds from then)."""
T1 = datetime(2026, 2, 1, 12, tzinfo=UTC)
"""The full run's instant."""
W = datetime(2026, 2, 1, 20, tzinfo=UTC)
"""The nightly sync's write."""
T2 = datetime(2026, 2, 2, 2, tzinfo=UTC)
"""The incremental run's instant."""
EARLIER = datetime(2026, 1, 20, tzinfo=UTC)
"""When the synced facts began: before T1, so a fresh run as of T1 sees them too (an
account the incremental run wrongly skipped would differ from it)."""

NAMES = "ABCDEFGHIJ"


def _c(account: str, n: int) -> ContactId:
    return ContactId(f"{account.lower()}{n}")


def _load(store: GraphStore) -> None:
    """Ten accounts A..J, each with three contacts (1 and 2 report to 0), a rep who
    knows contact 0, a touchpoint with contacts 0 and 1; A has an open deal."""
    accounts = tuple(Account(id=AccountId(a), name=f"Hesap {a}") for a in NAMES)
    contacts = tuple(
        Contact(id=_c(a, n), account_id=AccountId(a), name=f"Kişi {a}{n}")
        for a in NAMES
        for n in range(3)
    )
    lines = tuple(
        ReportsTo(contact_id=_c(a, n), manager_id=_c(a, 0)) for a in NAMES for n in (1, 2)
    )
    touches = tuple(
        Touchpoint(
            id=TouchpointId(f"t-{a}"),
            account_id=AccountId(a),
            kind=TouchpointKind.MEETING,
            direction=Direction.OUTBOUND,
            at=T0 + timedelta(days=1),
            contact_ids=(_c(a, 0), _c(a, 1)),
            rep_ids=(RepId("r1"),),
            sentiment=0.5,
        )
        for a in NAMES
    )
    store.apply(
        ChangeSet(
            accounts=accounts,
            contacts=contacts,
            reps=(Rep(id=RepId("r1"), name="Satışçı"),),
            reports_to=lines,
            rep_knows=tuple(
                RepKnows(rep_id=RepId("r1"), contact_id=_c(a, 0), strength=0.8) for a in NAMES
            ),
            deals=(
                Deal(
                    id=DealId("dA"),
                    account_id=AccountId("A"),
                    name="Yenileme",
                    stage=Stage.PROPOSAL,
                ),
            ),
            deal_roles=(
                DealRole(
                    deal_id=DealId("dA"),
                    contact_id=_c("A", 0),
                    roles=frozenset({Role.DECISION_MAKER}),
                    stance=1,
                ),
            ),
            touchpoints=touches,
        ),
        actor="load",
        at=T0,
    )


def _sync(store: GraphStore) -> None:
    """The night's changes, and the accounts each concerns (worked out by hand):

    - a2 (of A) starts to influence b1 (of B): A and B;
    - c2 moves from C to D: C and D (its line to c0 stays, now across accounts);
    - a touchpoint of F with f1 and g1: F and G (g1's engagement counts it);
    - H gets I as its parent: H (I's scores read nothing of H);
    - the rep is renamed: no account.

    E, I and J are untouched.
    """
    store.apply(
        ChangeSet(
            accounts=(Account(id=AccountId("H"), name="Hesap H", parent_id=AccountId("I")),),
            contacts=(Contact(id=_c("C", 2), account_id=AccountId("D"), name="Kişi C2"),),
            reps=(Rep(id=RepId("r1"), name="Satışçı Ayşe"),),
            influences=(
                Influence(
                    influencer_id=_c("A", 2),
                    influenced_id=_c("B", 1),
                    kind=InfluenceKind.ADVISES,
                    strength=0.9,
                    valid_from=EARLIER,
                ),
            ),
            touchpoints=(
                Touchpoint(
                    id=TouchpointId("t-FG"),
                    account_id=AccountId("F"),
                    kind=TouchpointKind.CALL,
                    direction=Direction.INBOUND,
                    at=EARLIER,
                    contact_ids=(_c("F", 1), _c("G", 1)),
                    sentiment=-0.5,
                ),
            ),
        ),
        actor="sync",
        at=W,
    )


AFFECTED = {"A", "B", "C", "D", "F", "G", "H"}


def _sets(store: GraphStore, as_of: datetime | None = None) -> dict[str, AccountScoreSet]:
    return {a: store.get_scores(AccountId(a), as_of=as_of) for a in NAMES}


def _scores(s: AccountScoreSet) -> AccountScoreSet:
    """The set without its wall-clock stamp (the rest is what was computed)."""
    return s.model_copy(update={"scored_at": T0})


def _run(store: GraphStore, at: datetime, *, incremental: bool = True, seed: int = 0) -> set[str]:
    plan = plan_run(store, incremental=incremental, as_of=at, seed=seed)
    reports = list(run_planned(store, plan, seed=seed))
    return {r.account.id for r in reports}


def test_an_incremental_run_scores_the_changed_accounts_as_a_full_run_would(
    store: GraphStore,
) -> None:
    _load(store)
    assert _run(store, T1) == set(NAMES)  # no run recorded yet: a full one
    base = store.latest_score_run()
    assert base is not None
    assert base.full
    assert base.as_of == T1
    _sync(store)

    plan = plan_run(store, incremental=True, as_of=T2)
    assert not plan.full
    assert plan.accounts is not None
    assert {a.id for a in plan.accounts} == AFFECTED
    assert plan.entries == 5  # account H, contact c2, rep r1, the influence, the touchpoint
    assert {r.account.id for r in run_planned(store, plan)} == AFFECTED
    after = _sets(store)
    run = store.latest_score_run()
    assert run is not None
    assert (run.full, run.as_of, run.accounts, run.oldest_as_of) == (False, T2, 7, T1)
    assert run.changes == store.watermark().changes

    # What full runs as of each set's instant store, on the store as it is now.
    list(score_portfolio(store, as_of=T2))
    full_t2 = _sets(store, T2)
    list(score_portfolio(store, as_of=T1))
    full_t1 = _sets(store, T1)
    assert {a for a in NAMES if after[a].as_of == T2} == AFFECTED
    assert {a for a in NAMES if after[a].as_of == T1} == set(NAMES) - AFFECTED
    # Each set equals the full run's of its own instant: a skipped account would keep
    # its T1 set, which the synced facts (they hold from before T1) make differ.
    for a in NAMES:
        expected = full_t2[a] if after[a].as_of == T2 else full_t1[a]
        assert _scores(after[a]) == _scores(expected), a
    # the moved contact's scores left C for D
    assert "c2" not in {c.contact_id for c in after["C"].contacts}
    assert "c2" in {c.contact_id for c in after["D"].contacts}


def test_the_change_log_maps_to_the_accounts_by_hand(store: GraphStore) -> None:
    _load(store)
    before = store.watermark().changes
    _sync(store)
    found = affected_accounts(store, after=before, upto=store.watermark().changes)
    assert found.accounts == AFFECTED
    assert found.unplaced == 0
    # the entries after the bound are the next run's
    assert affected_accounts(store, after=before, upto=before).accounts == frozenset()


def test_nothing_changed_scores_nothing_and_keeps_the_oldest_instant(store: GraphStore) -> None:
    _load(store)
    _run(store, T1)
    assert _run(store, T2) == set()
    assert _run(store, T2 + timedelta(hours=1)) == set()
    run = store.latest_score_run()
    assert run is not None
    assert (run.full, run.accounts, run.as_of, run.oldest_as_of) == (
        False,
        0,
        T2 + timedelta(hours=1),
        T1,
    )
    assert {s.as_of for s in _sets(store).values()} == {T1}


def test_an_instant_before_the_latest_run_is_refused_by_name(store: GraphStore) -> None:
    _load(store)
    _run(store, T1)
    with pytest.raises(InvalidError) as e:
        plan_run(store, incremental=True, as_of=T1 - timedelta(seconds=1))
    assert e.value.problems[0].where == "as_of"


def test_another_seed_or_a_new_win_model_makes_the_run_full(store: GraphStore) -> None:
    _load(store)
    _run(store, T1)
    plan = plan_run(store, incremental=True, as_of=T2, seed=1)
    assert plan.full
    assert "seed" in plan.reason
    store.put_win_model(prior_card().model_copy(update={"fitted_at": T1 + timedelta(hours=1)}))
    plan = plan_run(store, incremental=True, as_of=T2)
    assert plan.full
    assert "win model" in plan.reason
    assert _run(store, T2) == set(NAMES)
    assert _run(store, T2) == set()  # the full run is the next one's base
