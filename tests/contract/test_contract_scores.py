"""Score sets written back to every store: round trips, upsert by instant, history,
validation, and the portfolio use case writing them."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from graphcrm.cli.scoring import summary
from graphcrm.domain import (
    Account,
    AccountId,
    AccountScoreSet,
    ChangeSet,
    Contact,
    ContactId,
    ContactScoreRecord,
    Deal,
    DealId,
    DealRiskRecord,
    Stage,
)
from graphcrm.errors import InvalidError, NotFoundError
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.portfolio import CHUNK, score_one, score_portfolio
from graphcrm.services.risk import assess_deal
from graphcrm.store import GraphStore
from graphcrm.store.sqlite import SqliteStore
from tests.contract.conftest import Snapshot
from tests.contract.test_contract_scoring import D1, A, T, account, load

T0 = datetime(2026, 1, 1, tzinfo=UTC)
RUN = datetime(2026, 1, 2, 8, 30, tzinfo=UTC)


def _world(store: GraphStore) -> None:
    store.apply(
        ChangeSet(
            accounts=(Account(id=AccountId("X1"), name="Ölçü A.Ş."),),
            contacts=tuple(
                Contact(id=ContactId(c), account_id=AccountId("X1"), name=c) for c in ("c1", "c2")
            ),
            deals=(
                Deal(
                    id=DealId("d1"),
                    account_id=AccountId("X1"),
                    name="Renewal",
                    amount=Decimal(1000),
                    stage=Stage.PROPOSAL,
                ),
            ),
        ),
        actor="test",
        at=T0 - timedelta(days=30),
    )


def _contact(cid: str, influence: float = 0.5, champion: float = 0.0) -> ContactScoreRecord:
    return ContactScoreRecord(
        contact_id=ContactId(cid),
        influence=influence,
        brokerage=0.25,
        authority=0.75,
        engagement=0.125,
        health=42.5,
        band="fair",
        decision_maker=0.625,
        champion=champion,
    )


def _set(
    as_of: datetime = T0,
    *,
    contacts: tuple[ContactScoreRecord, ...] = (_contact("c1"), _contact("c2", 0.5, -0.25)),
    deals: tuple[DealRiskRecord, ...] = (
        DealRiskRecord(
            deal_id=DealId("d1"),
            score=45.0,
            factors={"champion": -12.5, "silence": 20.25, "öncü_temas": 0.0},
        ),
    ),
    health: float = 61.25,
) -> AccountScoreSet:
    return AccountScoreSet(
        account_id=AccountId("X1"),
        as_of=as_of,
        scored_at=RUN,
        health=health,
        band="good" if health >= 60 else "fair",
        contacts=contacts,
        deals=deals,
    )


def test_a_score_set_round_trips(store: GraphStore) -> None:
    _world(store)
    stored = _set()
    assert store.put_scores([stored]) == 1
    assert store.get_scores(AccountId("X1")) == stored
    assert store.get_scores(AccountId("X1"), as_of=T0) == stored


def test_a_deals_factors_read_back_in_name_order(store: GraphStore) -> None:
    # the API's JSON of a stored set is the same whichever store holds it
    _world(store)
    risk = DealRiskRecord(
        deal_id=DealId("d1"), score=45.0, factors={"silence": 20.25, "economic_buyer": 3.0}
    )
    store.put_scores([_set(deals=(risk,))])
    (read,) = store.get_scores(AccountId("X1")).deals
    assert list(read.factors) == ["economic_buyer", "silence"]


def test_rescoring_the_same_instant_replaces_the_set(store: GraphStore) -> None:
    _world(store)
    store.put_scores([_set()])
    again = _set(contacts=(_contact("c2", 1.0),), deals=(), health=30.0)
    store.put_scores([again])
    store.put_scores([again])  # idempotent
    got = store.get_scores(AccountId("X1"), as_of=T0)
    assert got == again
    assert [c.contact_id for c in got.contacts] == ["c2"]
    assert got.deals == ()


def test_other_instants_are_kept_as_history(store: GraphStore) -> None:
    _world(store)
    later = T0 + timedelta(days=7)
    store.put_scores([_set(T0, health=20.0), _set(later, health=80.0)])
    assert store.get_scores(AccountId("X1")).health == 80.0
    assert store.get_scores(AccountId("X1"), as_of=later).health == 80.0
    assert store.get_scores(AccountId("X1"), as_of=later - timedelta(seconds=1)).health == 20.0
    # a non-UTC bound means the same instant
    plus3 = later.astimezone(timezone(timedelta(hours=3)))
    assert store.get_scores(AccountId("X1"), as_of=plus3).as_of == later
    with pytest.raises(NotFoundError):
        store.get_scores(AccountId("X1"), as_of=T0 - timedelta(microseconds=1))


def test_an_account_never_scored_is_not_found(store: GraphStore) -> None:
    _world(store)
    with pytest.raises(NotFoundError, match="X1"):
        store.get_scores(AccountId("X1"))


def test_unknown_ids_are_refused_and_nothing_is_written(
    store: GraphStore, snap: Callable[[GraphStore], Snapshot]
) -> None:
    _world(store)
    good = _set()
    bad = AccountScoreSet(
        account_id=AccountId("nope"), as_of=T0, scored_at=RUN, health=0.0, band="poor"
    )
    ghost = _set(T0 + timedelta(days=1), contacts=(_contact("ghost"),))
    before = snap(store)
    with pytest.raises(InvalidError) as e:
        store.put_scores([good, bad, ghost])
    text = str(e.value)
    assert "'nope'" in text
    assert "'ghost'" in text
    with pytest.raises(InvalidError, match="repeated"):
        store.put_scores([good, good])
    with pytest.raises(NotFoundError):
        store.get_scores(AccountId("X1"))
    assert snap(store) == before


def test_scores_are_not_in_the_change_log_or_the_stats(
    store: GraphStore, snap: Callable[[GraphStore], Snapshot]
) -> None:
    _world(store)
    before = snap(store)
    store.put_scores([_set()])
    assert snap(store) == before


def test_a_score_set_repeating_a_contact_is_invalid() -> None:
    with pytest.raises(ValueError, match="contact_id appears twice"):
        _set(contacts=(_contact("c1"), _contact("c1")))


def test_score_portfolio_writes_every_account_back(store: GraphStore) -> None:
    load(store, account())
    reports = {r.account.id: r for r in score_portfolio(store, as_of=T)}
    for account_id, report in reports.items():
        got = store.get_scores(account_id, as_of=T)
        assert got.as_of == T
        assert got.health == pytest.approx(report.scores.health.score)
        assert got.band == report.scores.health.band.value
        by_id = {c.contact_id: c for c in got.contacts}
        assert sorted(by_id) == sorted(c.contact_id for c in report.scores.contacts)
        for c in report.scores.contacts:
            assert by_id[c.contact_id].influence == pytest.approx(c.influence)
            assert by_id[c.contact_id].health == pytest.approx(c.health.score)
        assert [d.deal_id for d in got.deals] == sorted(a.deal.id for a in report.open_deals)
    # the stored risk is the win model's: its score and each group's points, which add up
    # to the score from the stage's baseline
    risk = {d.deal_id: d for d in store.get_scores(A).deals}[D1]
    assessed = reports[A].open_deals[0].risk
    assert assessed is not None
    assert assessed == assess_deal(store, D1, as_of=T).risk
    assert risk.score == assessed.score == round(100 * (1 - assessed.probability), 2)
    assert risk.factors == {f.group: f.points for f in assessed.factors}
    assert round(100 * (risk.score - sum(risk.factors.values()))) == round(100 * assessed.baseline)
    # the champion (stance +2, the only positive seat) has the largest champion strength
    top = max(store.get_scores(A).contacts, key=lambda c: c.champion)
    assert top.contact_id == "ayse"
    assert top.champion > 0
    # scoring again as of the same instant replaces, it does not add
    first = store.get_scores(A)
    list(score_portfolio(store, as_of=T))
    again = store.get_scores(A)
    assert again.model_copy(update={"scored_at": first.scored_at}) == first


def test_score_portfolio_can_leave_the_store_alone(store: GraphStore) -> None:
    load(store, account())
    list(score_portfolio(store, as_of=T, write=False))
    with pytest.raises(NotFoundError):
        store.get_scores(A)


def test_score_portfolio_needs_a_way_to_reopen_for_workers(store: GraphStore) -> None:
    with pytest.raises(InvalidError, match="reopen"):
        list(score_portfolio(store, as_of=T, workers=2))
    with pytest.raises(InvalidError, match="workers"):
        list(score_portfolio(store, as_of=T, workers=0))


def test_workers_score_and_write_the_same_as_one_process(tmp_path: Path) -> None:
    path = tmp_path / "workers.sqlite3"
    store = SqliteStore.open(path)
    try:
        load(store, account())
        serial = list(score_portfolio(store, as_of=T, write=False))
        done: list[tuple[int, int]] = []
        parallel = list(
            score_portfolio(
                store,
                as_of=T,
                workers=2,
                reopen=functools.partial(SqliteStore.open, path),
                progress=lambda d, n: done.append((d, n)),
            )
        )
        assert parallel == serial
        assert done == [(1, 2), (2, 2)]
        assert {s.account_id for s in (store.get_scores(r.account.id) for r in serial)} == {
            r.account.id for r in serial
        }
    finally:
        store.close()


def test_workers_send_back_only_what_keep_keeps(tmp_path: Path) -> None:
    # two chunks, so that the worker process scores one of them and pickles it back
    path = tmp_path / "keep.sqlite3"
    config = GeneratorConfig(accounts=CHUNK + 3, seed=7, size_min=8, size_max=30)
    store = SqliteStore.open(path)
    try:
        for batch in generate_portfolio(config):
            store.apply(batch, actor="gen")
        serial = list(score_portfolio(store, as_of=config.now, write=False))
        kept = list(
            score_portfolio(
                store,
                as_of=config.now,
                write=False,
                workers=2,
                reopen=functools.partial(SqliteStore.open, path),
                keep=summary,
            )
        )
    finally:
        store.close()
    assert kept == [summary(r) for r in serial]
    assert sum(k.contacts for k in kept) == sum(len(r.scores.contacts) for r in serial)
    assert any(k.deals for k in kept)


def test_score_portfolio_reads_by_chunk_as_one_account_at_a_time(store: GraphStore) -> None:
    # score_portfolio reads CHUNK accounts' graphs at once (and the churn window's
    # graphs of those with an open deal); every report is what score_one gives
    # reading that account alone.
    config = GeneratorConfig(accounts=CHUNK + 3, seed=7, size_min=8, size_max=30)
    for batch in generate_portfolio(config):
        store.apply(batch, actor="gen")
    params = AnalyticsParams()
    reports = list(score_portfolio(store, as_of=config.now, write=False))
    assert len(reports) == CHUNK + 3
    assert sum(len(r.open_deals) for r in reports) > 0
    for report in reports:
        assert report == score_one(store, report.account, at=config.now, params=params)


@contextmanager
def _generated(path: Path, config: GeneratorConfig) -> Iterator[SqliteStore]:
    """A SQLite store at ``path`` holding the portfolio ``config`` generates."""
    store = SqliteStore.open(path)
    try:
        for batch in generate_portfolio(config):
            store.apply(batch, actor="gen")
        yield store
    finally:
        store.close()


def test_workers_share_many_chunks_and_keep_the_order(tmp_path: Path) -> None:
    # More chunks than processes: every process takes the next chunk nobody has
    # taken; reports still come in account order, and every account's set is
    # written once, by whichever process scored it.
    path = tmp_path / "chunks.sqlite3"
    config = GeneratorConfig(accounts=3 * CHUNK + 5, seed=4, size_min=8, size_max=20)
    with _generated(path, config) as store:
        serial = list(score_portfolio(store, as_of=config.now, write=False))
        parallel = list(
            score_portfolio(
                store,
                as_of=config.now,
                workers=2,
                reopen=functools.partial(SqliteStore.open, path),
            )
        )
        assert parallel == serial
        for report in serial:
            stored = store.get_scores(report.account.id, as_of=config.now)
            assert stored.as_of == config.now
            assert stored.health == pytest.approx(report.scores.health.score)
            # the rows are built without validation (trusted floats): they pass it
            assert AccountScoreSet.model_validate(stored.model_dump()) == stored


def _no_store() -> GraphStore:
    raise OSError("the worker cannot open the store")


@dataclass(frozen=True)
class _OpensOnlyIn:
    """Opens the SQLite store at ``path`` in process ``pid`` only; elsewhere raises."""

    pid: int
    path: Path

    def __call__(self) -> GraphStore:
        if os.getpid() != self.pid:
            raise OSError("the worker cannot open the store")
        return SqliteStore.open(self.path)


def test_a_worker_that_cannot_open_the_store_leaves_its_chunks_to_this_process(
    tmp_path: Path,
) -> None:
    # Chunks are taken from a shared counter: a worker that dies before taking
    # any takes none, and this process scores them all, in order.
    path = tmp_path / "lonely.sqlite3"
    config = GeneratorConfig(accounts=2 * CHUNK + 1, seed=5, size_min=8, size_max=12)
    with _generated(path, config) as store:
        serial = list(score_portfolio(store, as_of=config.now, write=False))
        here_only = _OpensOnlyIn(os.getpid(), path)
        parallel = list(
            score_portfolio(store, as_of=config.now, write=False, workers=2, reopen=here_only)
        )
        assert parallel == serial
        # a store that no process can open is the caller's error, nothing scored
        with pytest.raises(OSError, match="the worker cannot open the store"):
            list(score_portfolio(store, as_of=config.now, workers=2, reopen=_no_store))
        with pytest.raises(NotFoundError):
            store.get_scores(serial[0].account.id)
