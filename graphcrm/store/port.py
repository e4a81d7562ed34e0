"""The GraphStore port: the one interface every storage backend implements.

Semantics every adapter must honour (the contract suite in ``tests/contract``
pins them):

Writes
    :meth:`GraphStore.apply` applies one :class:`~graphcrm.domain.ChangeSet`
    atomically: either every row is stored or, on any error, nothing is.
    Rows are upserts keyed by external id (edges by their endpoints, see each
    model). Applying the same batch again changes nothing and logs nothing.
    Time-stamped facts (reporting lines, influence edges, deal roles, contact
    status) are never overwritten: a changed fact closes the open interval at
    the new row's ``valid_from`` and opens a new one. ``at`` is the time of the
    write (default: now, UTC); it fills every missing ``valid_from`` and
    stamps the change log.

Validation
    Before anything is written, the whole batch is checked against itself and
    the stored data, and :class:`~graphcrm.errors.InvalidError` lists every
    problem by entity and id: duplicate keys within the batch, references to
    unknown ids, reporting cycles at any date, account-parent cycles, two
    primary roles on one deal, a back-dated change to an interval.

Scores
    :meth:`GraphStore.put_scores` stores derived data: each
    :class:`~graphcrm.domain.AccountScoreSet` is keyed by ``(account_id,
    as_of)``; storing one again for the same key replaces it whole (contacts
    and deals no longer in it are gone), other instants are kept. The batch is
    all or nothing; unknown account, contact or deal ids and a key repeated in
    the batch raise :class:`~graphcrm.errors.InvalidError`. Scores are not in
    the change log and not in :meth:`GraphStore.stats`.

Territories
    An account's territory is time-stamped membership: a write that changes
    ``Account.territory`` closes the open :class:`~graphcrm.domain.TerritorySpan`
    at the write's ``at`` and opens one for the new territory (None is "no
    territory"); an earlier ``at`` than the open interval's start is back-dated.
    ``Account.territory`` and the ``territories`` of present list reads are the
    present one. Reads as of an instant (the stakeholder graph's accounts,
    contacts listed by ``territories``) use the territory in force then. The
    intervals are not in the change log: the account's own entry shows the move.

Score runs
    :meth:`GraphStore.put_score_run` stores the record of a finished scoring run
    (:class:`~graphcrm.domain.ScoreRun`) whole, keyed by its ``scored_at``: a
    record of the same instant is replaced, others are kept.
    :meth:`GraphStore.latest_score_run` returns the one with the latest
    ``as_of``, then the latest ``scored_at`` (None when there is none): the run
    incremental scoring starts from (``graphcrm/services/incremental.py``).
    Records read back equal; they are derived data, not in the change log, not
    in :meth:`GraphStore.stats` or backups, and a restore that replaces the
    data deletes them.

Win models
    :meth:`GraphStore.put_win_model` stores a fitted
    :class:`~graphcrm.domain.WinModelCard` whole, keyed by its ``fitted_at``;
    storing a card again for the same instant replaces it, cards of other
    instants are kept (the model history). A card reads back equal to the one
    stored, field for field, floats exactly. The write is one short
    transaction of its own: a training run computes first and stores after, so
    it never holds a lock that reads wait on. :meth:`GraphStore.get_win_model`
    returns the card with the latest ``fitted_at`` at or before ``as_of`` (the
    latest of all when None) and raises :class:`~graphcrm.errors.NotFoundError`
    when there is none; :meth:`GraphStore.list_win_models` pages through them
    newest first. Cards are derived data: not in the change log and not in
    :meth:`GraphStore.stats`.

API keys and coordination
    :meth:`GraphStore.put_key` stores a new :class:`~graphcrm.domain.keys.KeyRecord`
    (the hash of its secret, never the secret; a taken id raises
    :class:`~graphcrm.errors.ConflictError`); :meth:`GraphStore.revoke_key`
    stamps ``revoked_at`` once (revoking again changes nothing). Keys are not
    in the change log. :meth:`GraphStore.watermark` returns the latest
    change-log sequence and a count of key writes, both only growing, in one
    cheap read (an adapter may answer from memory when it can tell that
    nothing committed since). The change log's sequence numbers are given in
    commit order: an entry with a lower ``seq`` than one already read never
    appears later, so a reader that remembers the last ``seq`` it saw misses
    nothing. :meth:`GraphStore.exclusive` holds the store's write lock across
    processes and hosts for a block (committed when it ends, rolled back when
    it raises): the calling thread's writes in it are part of the block, and
    no other holder gets the lock meanwhile, so a read, a check and a write
    inside one block are not interleaved with another's.

Reads
    Return domain objects only. ``as_of=None`` reads the present. The lists of
    accounts, contacts and deals take ``territories``, a set of account
    territories the list is limited to (None: no limit; an empty set: nothing),
    and page and count within it, so a territory-scoped caller reads its own
    territories only. Lists are paginated and ordered: accounts, contacts and
    reps by Turkish collation of the name, then id; deals by Turkish collation
    of the name, then id; the change log by sequence number. Times come back
    in UTC. A deal read as of an instant has its stage and expected close
    then, and the fields set at closing
    (:data:`~graphcrm.store.codec.SET_AT_CLOSING`) empty unless it was closed
    then.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence, Set
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol, runtime_checkable

from graphcrm.domain import (
    Account,
    AccountId,
    AccountRollup,
    AccountScoreSet,
    ApplyResult,
    ChangeLogEntry,
    ChangeSet,
    Contact,
    ContactId,
    Deal,
    DealId,
    DealView,
    EntityKind,
    Page,
    PageRequest,
    Rep,
    RepId,
    ScoreRun,
    Stage,
    StakeholderGraph,
    StoreStats,
    TerritorySpan,
    Touchpoint,
    WinModelCard,
)
from graphcrm.domain.keys import KeyRecord, Watermark

NOT_COMMITTEE = (
    "influences",
    "reps",
    "rep_knows",
    "engagement",
    "contact_ties",
    "rep_ties",
    "deal_touches",
)
"""The parts of a :class:`StakeholderGraph` a ``committee_only`` read leaves empty."""


@runtime_checkable
class GraphStore(Protocol):
    """Storage of the stakeholder graph. See the module docstring for the contract."""

    # --- writes -------------------------------------------------------------
    def apply(self, changes: ChangeSet, *, actor: str, at: datetime | None = None) -> ApplyResult:
        """Validate and apply one batch atomically."""
        ...

    def put_scores(self, scores: Sequence[AccountScoreSet]) -> int:
        """Store score sets (upsert by account and ``as_of``); return how many."""
        ...

    def put_win_model(self, card: WinModelCard) -> None:
        """Store a fitted model's card (upsert by ``fitted_at``)."""
        ...

    def put_score_run(self, run: ScoreRun) -> None:
        """Store the record of a finished scoring run (upsert by ``scored_at``)."""
        ...

    # --- accounts -----------------------------------------------------------
    def get_account(self, account_id: AccountId) -> Account:
        """One account; raises NotFoundError."""
        ...

    def list_accounts(
        self,
        page: PageRequest,
        *,
        territories: Set[str] | None = None,
        sector: str | None = None,
        owner_id: RepId | None = None,
        name_contains: str | None = None,
    ) -> Page[Account]:
        """Accounts whose territory is one of ``territories`` (None: every account, those
        without a territory too; an empty set: none), filtered by exact sector/owner and
        by a Turkish-folded substring of the name; ordered by Turkish collation of the
        name, then id."""
        ...

    def account_ancestors(self, account_id: AccountId) -> tuple[Account, ...]:
        """The parent, grandparent, ... of an account, nearest first."""
        ...

    def account_descendants(self, account_id: AccountId) -> tuple[Account, ...]:
        """All accounts below an account, breadth first; within one depth by
        Turkish collation of the name, then id."""
        ...

    def account_rollup(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountRollup:
        """Totals over the account's subtree: accounts, active contacts, and open
        pipeline by stage and currency (stage as of the date)."""
        ...

    def territory_history(
        self, account_ids: Collection[AccountId] | None = None
    ) -> tuple[TerritorySpan, ...]:
        """Every territory interval of the accounts (None: of every account), ordered
        by account id, then start; unknown ids have none."""
        ...

    # --- contacts and reps --------------------------------------------------
    def get_contact(self, contact_id: ContactId, *, as_of: datetime | None = None) -> Contact:
        """One contact with its status as of the date; raises NotFoundError."""
        ...

    def list_contacts(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        name_contains: str | None = None,
        as_of: datetime | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Contact]:
        """Contacts (of accounts whose territory is one of ``territories``; None: every
        account), ordered by Turkish collation of the name, then id."""
        ...

    def get_rep(self, rep_id: RepId) -> Rep: ...

    def list_reps(self, page: PageRequest, *, territory: str | None = None) -> Page[Rep]: ...

    # --- the stakeholder graph ----------------------------------------------
    def stakeholder_graph(
        self,
        account_id: AccountId,
        *,
        as_of: datetime | None = None,
        include_family: bool = False,
    ) -> StakeholderGraph:
        """The account's stakeholder subgraph as of the date; with
        ``include_family`` also its ancestors' and descendants'."""
        ...

    def stakeholder_graphs(
        self,
        account_ids: Sequence[AccountId],
        *,
        as_of: datetime | None = None,
        committee_only: bool = False,
    ) -> tuple[StakeholderGraph, ...]:
        """``stakeholder_graph(a, as_of=as_of)`` for each id, in the given order, read
        together (one snapshot; an adapter may read them in one pass). Raises
        NotFoundError for the first unknown id.

        With ``committee_only`` each graph holds only what a comparison of the
        buying committee at two instants needs: ``as_of``, ``accounts``,
        ``contacts``, ``reports_to``, ``deals`` and ``deal_roles`` exactly as
        the full read returns them, and the parts in :data:`NOT_COMMITTEE` empty
        (``()``). An adapter may skip reading the parts left out."""
        ...

    # --- deals and touchpoints ----------------------------------------------
    def get_deal(self, deal_id: DealId) -> DealView:
        """A deal with its stage and close-date history; raises NotFoundError."""
        ...

    def get_deals(self, deal_ids: Sequence[DealId]) -> tuple[DealView, ...]:
        """``get_deal(d)`` for each id, in the given order (an id given twice comes back
        twice), read together (one snapshot; an adapter may read them in one pass).
        Raises NotFoundError for the first unknown id."""
        ...

    def list_deals(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        stage: Stage | None = None,
        owner_id: RepId | None = None,
        territories: Set[str] | None = None,
    ) -> Page[Deal]:
        """Deals (current stage) of accounts whose territory is one of ``territories``
        (None: every account), ordered by Turkish collation of the name, then id."""
        ...

    def list_touchpoints(
        self,
        page: PageRequest,
        *,
        account_id: AccountId | None = None,
        contact_id: ContactId | None = None,
        deal_id: DealId | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Page[Touchpoint]:
        """Touchpoints with ``since <= at <= until``, newest first, then id."""
        ...

    def get_scores(
        self, account_id: AccountId, *, as_of: datetime | None = None
    ) -> AccountScoreSet:
        """The account's latest stored score set with ``as_of`` at or before the date
        (the latest of all when ``as_of`` is None), contacts and deals by id; raises
        NotFoundError when there is none."""
        ...

    def latest_score_run(self) -> ScoreRun | None:
        """The recorded run with the latest ``as_of`` (then ``scored_at``); None when none."""
        ...

    # --- win models ---------------------------------------------------------
    def get_win_model(self, *, as_of: datetime | None = None) -> WinModelCard:
        """The card with the latest ``fitted_at`` at or before the date (the latest of
        all when ``as_of`` is None); raises NotFoundError when there is none."""
        ...

    def list_win_models(self, page: PageRequest) -> Page[WinModelCard]:
        """Every stored card, newest ``fitted_at`` first."""
        ...

    # --- history and housekeeping -------------------------------------------
    def change_log(
        self,
        page: PageRequest,
        *,
        entity: EntityKind | None = None,
        key: str | None = None,
        since_seq: int | None = None,
    ) -> Page[ChangeLogEntry]:
        """The change log, oldest first (by ``seq``), optionally filtered."""
        ...

    def stats(self) -> StoreStats:
        """Row counts per kind."""
        ...

    # --- API keys and coordination ------------------------------------------
    def put_key(self, key: KeyRecord) -> None:
        """Store a new API key; raises ConflictError when its id is taken."""
        ...

    def get_key(self, key_id: str) -> KeyRecord:
        """One key; raises NotFoundError."""
        ...

    def list_keys(self) -> tuple[KeyRecord, ...]:
        """Every key, revoked ones too, oldest ``created_at`` first, then id."""
        ...

    def revoke_key(self, key_id: str, *, at: datetime) -> KeyRecord:
        """Revoke a key at ``at`` (a revoked key stays as it is); raises NotFoundError."""
        ...

    def watermark(self) -> Watermark:
        """The latest change-log sequence and the count of key writes."""
        ...

    def exclusive(self) -> AbstractContextManager[None]:
        """The store's write lock across processes and hosts, for one block."""
        ...

    def prefetch(self) -> None:
        """A hint that most of the store is about to be read (a full scoring run); returns
        at once. The embedded store reads its file into the operating system's page
        cache in the background when it fits in half the available memory
        (:mod:`graphcrm.store.sqlite.readahead`); a Neo4j server keeps its own page
        cache, and this does nothing."""
        ...

    def close(self) -> None:
        """Release connections. Idempotent."""
        ...
