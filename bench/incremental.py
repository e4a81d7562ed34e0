"""Incremental scoring against a full run (#19.4): a nightly sync's changes rescored.

    ./dev bench incremental --accounts 3000 --changed 300      # a few minutes
    ./dev bench incremental --accounts 100000 --changed 1000   # issue #19's figure
    ./dev bench incremental --skip-load ...                    # the file loaded before

A generated portfolio is loaded into a fresh SQLite file (:func:`bench.load.load`)
and scored in full as of the generator's ``now`` (:func:`plan_run` and
:func:`run_planned`, as ``graphcrm score`` runs them, in ``--workers``
processes), which records the run. Then, ``--rounds`` times: a sync touches
``--changed`` accounts picked at random (seeded) — each gets a touchpoint
with two of its contacts, and every tenth also a contact moved in from
another changed account — written an hour after the previous instant, and
``graphcrm score --incremental``'s work runs an hour later: planning (the
change log read and mapped to accounts) and scoring. It prints each round's
times and the median, beside the full run's wall time.

The equality check: every account's latest stored set is then compared with
what full runs store as of the same instants (a full run as of the last
round's instant for the accounts it rescored, one as of the set's own instant
for the others); any difference is printed and fails the run. The synced
touchpoints took place the day before the full run's instant, so an account
an incremental run wrongly skipped keeps a set that differs from a fresh one. The load
average is printed before and after each phase.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import load_average
from bench.load import load
from graphcrm.domain import (
    AccountId,
    AccountScoreSet,
    ChangeSet,
    Contact,
    Direction,
    PageRequest,
    TouchpointId,
    TouchpointKind,
)
from graphcrm.domain.sales import Touchpoint
from graphcrm.generator import GeneratorConfig
from graphcrm.services.incremental import plan_run, run_planned
from graphcrm.store import GraphStore, open_store
from graphcrm.store.sqlite import SqliteStore


def _account_ids(store: GraphStore) -> list[AccountId]:
    out: list[AccountId] = []
    while True:
        page = store.list_accounts(PageRequest(limit=1000, offset=len(out)))
        out += [a.id for a in page.items]
        if not page.items or len(out) >= page.total:
            return sorted(out)


def _sync(
    store: GraphStore, changed: list[AccountId], at: datetime, touched: datetime, tag: str
) -> None:
    """One night's changes to ``changed`` (module docstring), written at ``at``; the
    touchpoints took place at ``touched``."""
    contacts = {
        a: list(store.list_contacts(PageRequest(limit=2, offset=0), account_id=a).items)
        for a in changed
    }
    touches = [
        Touchpoint(
            id=TouchpointId(f"sync-{tag}-{a}"),
            account_id=a,
            kind=TouchpointKind.MEETING,
            direction=Direction.OUTBOUND,
            at=touched,
            contact_ids=tuple(c.id for c in contacts[a]),
            sentiment=0.5,
        )
        for a in changed
        if contacts[a]
    ]
    moved: list[Contact] = []
    for i in range(0, len(changed) - 1, 10):
        source, target = changed[i], changed[i + 1]
        if len(contacts[source]) == 2:  # the second contact moves; the first took part above
            moved.append(contacts[source][1].model_copy(update={"account_id": target}))
            touches[i] = touches[i].model_copy(update={"contact_ids": (contacts[source][0].id,)})
    store.apply(ChangeSet(contacts=tuple(moved), touchpoints=tuple(touches)), actor="sync", at=at)


def _latest(
    store: GraphStore, ids: list[AccountId], as_of: datetime | None = None
) -> dict[AccountId, AccountScoreSet]:
    return {a: store.get_scores(a, as_of=as_of) for a in ids}


def _same(a: AccountScoreSet, b: AccountScoreSet) -> bool:
    return a.model_copy(update={"scored_at": b.scored_at}) == b


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench incremental", description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--changed", type=int, default=300, help="accounts changed per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="scoring processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size-max", type=int, default=3000, help="largest account")
    parser.add_argument(
        "--path", type=Path, default=Path("/tmp/graphcrm-bench/incremental.sqlite3")
    )
    parser.add_argument("--skip-load", action="store_true", help="use the file as it is")
    parser.add_argument("--no-check", action="store_true", help="skip the equality check")
    return parser.parse_args(argv)


def _check(
    store: GraphStore,
    ids: list[AccountId],
    at: datetime,
    rescored: set[AccountId],
    workers: dict[str, Any],
) -> None:
    """Each account's latest score set against a full run as of its own instant; exits 1
    when one differs."""
    stored = _latest(store, ids)
    instants = sorted({s.as_of for s in stored.values()})
    differ: list[str] = []
    for instant in instants:
        mine = [a for a in ids if stored[a].as_of == instant]
        plan = plan_run(store, incremental=False, as_of=instant)
        sum(1 for _ in run_planned(store, plan, **workers))
        fresh_sets = _latest(store, mine, instant)
        differ += [a for a in mine if not _same(stored[a], fresh_sets[a])]
    last = sum(1 for a in ids if stored[a].as_of == at)
    print(
        f"check: {len(ids):,} accounts' latest sets against full runs as of "
        f"{len(instants)} instants ({last:,} rescored as of the last round's, "
        f"{len(rescored):,} in it): {len(differ)} differ"
        + (f": {', '.join(differ[:10])}" if differ else "")
    )
    print(f"done: load average {load_average()}")
    if differ:
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    path: Path = args.path
    config = GeneratorConfig(accounts=args.accounts, seed=args.seed, size_max=args.size_max)
    print(
        f"accounts={args.accounts:,} changed={args.changed:,} rounds={args.rounds} "
        f"workers={args.workers} seed={args.seed} size_max={args.size_max} file={path}"
    )
    if not args.skip_load:
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        print(f"load: load average {load_average()}")
        fresh = SqliteStore.open(path)
        try:
            run = load(fresh, config)
        finally:
            fresh.close()
        print(f"load: {run.rows:,} rows in {run.wall_s:.1f} s")
    url = f"sqlite://{path}"
    reopen = functools.partial(open_store, url)
    workers = {"workers": args.workers, "reopen": reopen if args.workers > 1 else None}
    store = open_store(url)
    try:
        ids = _account_ids(store)
        # after any run a --skip-load file holds: the full run must be the latest
        previous = store.latest_score_run()
        at = max(config.now, previous.as_of + timedelta(hours=1) if previous else config.now)
        print(f"full: load average {load_average()}")
        start = time.perf_counter()
        plan = plan_run(store, incremental=False, as_of=at)
        reports = [len(r.scores.contacts) for r in run_planned(store, plan, **workers)]
        full_s = time.perf_counter() - start
        print(
            f"full: {len(reports):,} accounts ({sum(reports):,} contacts) in {full_s:.2f} s "
            f"({len(reports) / full_s:,.0f} accounts/s, {sum(reports) / full_s:,.0f} contacts/s)"
        )
        rng = random.Random(args.seed)
        plans, scores, totals, rescored = [], [], [], set()
        print(f"rounds: load average {load_average()}")
        for r in range(1, args.rounds + 1):
            changed = sorted(rng.sample(ids, min(args.changed, len(ids))))
            tag = str(store.watermark().changes)  # new touchpoints on a --skip-load file too
            _sync(store, changed, at + timedelta(hours=1), config.now - timedelta(days=1), tag)
            at += timedelta(hours=2)
            t0 = time.perf_counter()
            plan = plan_run(store, incremental=True, as_of=at)
            t1 = time.perf_counter()
            sizes = [len(r.scores.contacts) for r in run_planned(store, plan, **workers)]
            t2 = time.perf_counter()
            if plan.full:
                raise SystemExit(f"round {r}: the run fell back to a full one: {plan.reason}")
            assert plan.accounts is not None
            rescored = {a.id for a in plan.accounts}
            plans.append(t1 - t0)
            scores.append(t2 - t1)
            totals.append(t2 - t0)
            print(
                f"round {r}: {len(changed):,} accounts changed, {plan.entries:,} change-log "
                f"entries, {len(sizes):,} accounts ({sum(sizes):,} contacts) rescored; plan "
                f"{t1 - t0:.2f} s + score {t2 - t1:.2f} s = {t2 - t0:.2f} s "
                f"({sum(sizes) / (t2 - t1):,.0f} contacts/s)"
            )
        med = statistics.median(totals)
        print(
            f"incremental: median of {len(totals)} rounds {med:.2f} s (plan "
            f"{statistics.median(plans):.2f} s, score {statistics.median(scores):.2f} s) "
            f"against the full run's {full_s:.2f} s: {full_s / med:.1f}x faster"
        )
        print(f"rounds done: load average {load_average()}")
        if args.no_check:
            return
        _check(store, ids, at, rescored, workers)
    finally:
        store.close()


if __name__ == "__main__":
    main()
