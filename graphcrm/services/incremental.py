"""Incremental scoring: after writes, score again only the accounts whose inputs changed.

Every scoring run of the portfolio that writes its scores leaves a record
(:class:`~graphcrm.domain.ScoreRun`, :meth:`GraphStore.put_score_run`) of
the change log's latest sequence number when it started (its reads saw every
entry up to it). An incremental run starts from the recorded run with the
latest as-of (the *base*), reads the change-log entries after the base's
sequence number up to the store's latest, maps each to the accounts whose
score inputs it changed (:func:`affected_accounts`), and scores those
accounts, and only those, as of its own instant. Every other account keeps
its latest score set, as of the earlier instant it was scored at.

What a run guarantees (``docs/operations.md``, "Incremental scoring"): after
it, every account's latest score set is what a full run as of that set's
as-of computes from the store as it is now. Scores that depend on time alone
(days of silence, touches in the last 30 days) are therefore as of the
set's instant: an account untouched for a week keeps scores as of the last
run that scored it, at most as old as the last full run (``oldest_as_of``).

An incremental run is a full one when it cannot keep that promise: no run is
recorded yet; the base was scored with other parameters or another seed; the
change log is behind the base (a restored store); the win model in force
changed since the base (every open deal's risk reads it); or an entry names
an id the store cannot place. An as-of earlier than the base's is refused:
those scores would sit under the base's later ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from graphcrm.domain import (
    Account,
    AccountId,
    ChangeLogEntry,
    ChangeOp,
    EntityKind,
    PageRequest,
    ScoreRun,
)
from graphcrm.domain.views import MAX_PAGE_SIZE
from graphcrm.errors import InvalidError, Problem
from graphcrm.services.clock import instant, utc_now
from graphcrm.services.executors import Executor, StoreOpener
from graphcrm.services.feed import Resolver, concerns
from graphcrm.services.params import AnalyticsParams
from graphcrm.services.portfolio import AccountReport, Kept, Progress, score_portfolio, whole
from graphcrm.services.training import current_card
from graphcrm.store.port import GraphStore

NO_SCORE_INPUT = frozenset({EntityKind.REP})
"""Kinds whose entries change no account's scores: a rep's own row (name, email,
territory) is read by no score; which reps know, touch or own an account's
contacts and deals is in the entries of those ties."""


@dataclass(frozen=True, slots=True)
class Affected:
    """The accounts a stretch of the change log changed the score inputs of."""

    accounts: frozenset[AccountId]
    entries: int
    """Entries read."""
    unplaced: int
    """Entries whose accounts could not be told (an id the store no longer resolves)."""


def affected_accounts(store: GraphStore, *, after: int, upto: int) -> Affected:
    """The accounts whose score inputs the entries with ``after < seq <= upto`` changed.

    An account's scores (``docs/scoring.md``) are computed from its own
    stakeholder graph as of an instant and its open deals' histories: its own
    row, its contacts and their statuses, the reporting lines, influence ties
    and deal roles among them, its deals and their stage and close-date
    changes, the reps who know its contacts, and the touchpoints its contacts
    took part in. Neither its parent's or children's rows nor other accounts'
    are read. So an entry concerns:

    - an account's own entry: that account (not its parents before and after);
    - a contact's, status's, reporting line's, influence tie's, rep tie's, deal
      role's, deal's, stage or close-date change's entry: the accounts, now, of
      the contacts and deals it names, both sides of a change (a contact or deal
      moved from A to B concerns A and B; a tie between contacts of A and B
      concerns both) (:func:`graphcrm.services.feed.concerns`);
    - a touchpoint's entry: its account, its deal's, and the accounts of every
      contact that took part, before and after the change (their engagement
      counts it);
    - a rep's own entry and an erasure (names and free text, which no score
      reads): no account.
    """
    resolver = Resolver(store)
    accounts: set[str] = set()
    entries = unplaced = 0
    for page in _entries(store, after=after, upto=upto):
        entries += len(page)
        kept = [e for e in page if e.entity not in NO_SCORE_INPUT and e.op is not ChangeOp.ERASE]
        for e, concern in zip(kept, concerns(store, kept, resolver=resolver), strict=True):
            if e.entity is EntityKind.ACCOUNT:
                accounts.add(e.key)
                continue
            found = set(concern.accounts)
            known = concern.known
            if e.entity is EntityKind.TOUCHPOINT:
                participants = _participants((e.before, e.after))
                known = known and (e.after is not None or e.before is not None)
                for cid in participants:
                    owner = resolver.contact(cid)
                    known = known and owner is not None
                    found |= {owner} if owner is not None else set()
            accounts |= found
            unplaced += not known
    return Affected(frozenset(AccountId(a) for a in accounts), entries, unplaced)


def _entries(store: GraphStore, *, after: int, upto: int) -> Iterator[list[ChangeLogEntry]]:
    """The change log's entries with ``after < seq <= upto``, a page at a time."""
    since = after
    while since < upto:
        page = store.change_log(PageRequest(limit=MAX_PAGE_SIZE, offset=0), since_seq=since)
        items = [e for e in page.items if e.seq <= upto]
        if items:
            yield items
        if len(items) < len(page.items) or not page.items:
            return
        since = page.items[-1].seq


def _participants(payloads: Sequence[Mapping[str, object] | None]) -> set[str]:
    """The contact ids a touchpoint's payloads list."""
    out: set[str] = set()
    for p in payloads:
        ids = p.get("contact_ids") if p is not None else None
        if isinstance(ids, list):
            out |= {i for i in ids if isinstance(i, str)}
    return out


def settings_digest(params: AnalyticsParams, seed: int) -> str:
    """A digest of what, besides the store, a run's scores depend on.

    >>> settings_digest(AnalyticsParams(), 0) == settings_digest(AnalyticsParams(), 0)
    True
    >>> settings_digest(AnalyticsParams(), 0) == settings_digest(AnalyticsParams(), 1)
    False
    """
    text = f"{params.model_dump_json()}\nseed={seed}"
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What a scoring run will do (:func:`plan_run`)."""

    at: datetime
    """The instant every scored account is scored as of."""
    changes: int
    """The change log's latest sequence number when the plan was made."""
    settings: str
    base: ScoreRun | None
    """The run an incremental plan starts from."""
    accounts: tuple[Account, ...] | None
    """The accounts to score, by id (None: every account, a full run)."""
    reason: str
    """Why the run is full, or which entries it rescored for."""
    entries: int = 0
    """Change-log entries read to plan it."""

    @property
    def full(self) -> bool:
        return self.accounts is None


def plan_run(
    store: GraphStore,
    *,
    incremental: bool,
    as_of: datetime | None = None,
    params: AnalyticsParams | None = None,
    seed: int = 0,
) -> RunPlan:
    """Plan a scoring run as of ``as_of`` (default: now): full, or (``incremental``) only
    the accounts changed since the latest recorded run, when that is exact (module
    docstring).

    Raises
    ------
    InvalidError
        ``incremental`` and ``as_of`` earlier than the latest recorded run's.
    """
    params = params or AnalyticsParams()
    # The sequence number first, then every read of the run: an entry up to it is
    # seen by the run's reads; a later one is the next run's.
    changes = store.watermark().changes
    at = instant(as_of)
    settings = settings_digest(params, seed)
    base = store.latest_score_run() if incremental else None

    def full(reason: str, entries: int = 0) -> RunPlan:
        return RunPlan(at, changes, settings, base, None, reason, entries)

    if not incremental:
        return full("a full run was asked for")
    if base is None:
        return full("no scoring run is recorded yet")
    if at < base.as_of:
        raise InvalidError(
            [
                Problem(
                    "as_of",
                    "",
                    f"is before the latest run's as-of, {base.as_of.isoformat()}: an "
                    "incremental run scores as of that instant or later (score an earlier "
                    "instant with a full run)",
                )
            ]
        )
    if base.settings != settings:
        return full("the latest run was scored with other parameters or another seed")
    if base.changes > changes:
        return full("the change log is behind the latest run (a restored store)")
    if current_card(store, as_of=at).fitted_at != current_card(store, as_of=base.as_of).fitted_at:
        return full("the win model in force changed since the latest run")
    found = affected_accounts(store, after=base.changes, upto=changes)
    if found.unplaced:
        return full(f"{found.unplaced} change-log entries name ids the store cannot place")
    accounts = tuple(store.get_account(a) for a in sorted(found.accounts))
    return RunPlan(
        at,
        changes,
        settings,
        base,
        accounts,
        f"{found.entries} change-log entries since sequence {base.changes}",
        found.entries,
    )


def run_planned(
    store: GraphStore,
    plan: RunPlan,
    *,
    params: AnalyticsParams | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    workers: int = 1,
    reopen: StoreOpener | None = None,
    executor: Executor | None = None,
    keep: Callable[[AccountReport], Kept] = whole,  # type: ignore[assignment]  # Kept's default
) -> Iterator[Kept]:
    """Score what ``plan`` says (:func:`graphcrm.services.portfolio.score_portfolio`, its
    sets written) and, once every account is scored, record the run
    (:meth:`GraphStore.put_score_run`). ``params`` and ``seed`` must be the plan's;
    ``workers``, ``reopen``, ``executor`` and ``keep`` are ``score_portfolio``'s.

    Raises
    ------
    InvalidError
        ``params`` and ``seed`` are not those the plan was made with.
    """
    params = params or AnalyticsParams()
    if settings_digest(params, seed) != plan.settings:
        raise InvalidError([Problem("params", "", "differ from the plan's (plan_run)")])
    started = utc_now()
    scored = 0
    for report in score_portfolio(
        store,
        as_of=plan.at,
        params=params,
        seed=seed,
        progress=progress,
        workers=workers,
        reopen=reopen,
        executor=executor,
        accounts=plan.accounts,
        keep=keep,
    ):
        scored += 1
        yield report
    oldest = plan.at if plan.full or plan.base is None else plan.base.oldest_as_of
    store.put_score_run(
        ScoreRun(
            as_of=plan.at,
            scored_at=started,
            changes=plan.changes,
            accounts=scored,
            full=plan.full,
            oldest_as_of=oldest,
            settings=plan.settings,
        )
    )
