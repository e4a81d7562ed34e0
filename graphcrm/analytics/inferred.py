"""Influence ties inferred from co-attendance and reporting lines, at read time.

A CRM export (Salesforce, HubSpot) holds contacts, reporting lines, deals,
roles and dated touchpoints, but no influence ties: the support view, and so
PageRank, would be empty. :func:`infer_influences` derives ties, with
``source = inferred``, from what the read does hold, as of one instant:

- **co-attendance** (:class:`~graphcrm.domain.ContactTie`: two contacts in the
  same touchpoints, ``shared`` of them, the last at ``last_at``): a ``trusts``
  tie **each way** (the evidence has no direction: people who keep meeting
  rely on each other), of strength ::

      co_attendance_strength * (1 - exp(-shared / saturation))
                             * 2 ** (-(as_of - last_at) / half_life_days)

- **a reporting line in force at** ``as_of``: the manager ``advises`` the
  report (``manager -> report``, the way advice and direction flow down a
  line), at ``solid_line_strength`` or ``dotted_line_strength``, over the
  line's own interval.

No tie weaker than ``min_strength`` is inferred, none touches a contact who
left, and none is inferred for a pair and direction that already has a tie
of any kind (manual, observed, imported). With ``scope="account"`` (the
default) nothing is inferred in an account that has any influence tie in
force: inference stands in for missing influence data, it does not add to
it. Inferred ties are never stored: they are derived at each read, so they
decay as of any date and are never stale.

:func:`~graphcrm.analytics.build_network` puts them in the ``support`` view
only, the one that lacks this evidence: the lines are already in
``authority``, the co-attendance in ``interaction``, and both in ``reach``
and ``ties`` (``docs/scoring.md`` §1a).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime

from graphcrm.analytics.params import InferenceParams
from graphcrm.domain import (
    Contact,
    ContactStatus,
    ContactTie,
    Influence,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    ReportsTo,
    StakeholderGraph,
)
from graphcrm.domain.construct import construct
from graphcrm.errors import InvalidError, Problem

DAY_SECONDS = 86_400.0


def co_attendance_strength(shared: int, age_days: float, params: InferenceParams) -> float:
    """The strength of the ``trusts`` ties inferred from ``shared`` touchpoints, the
    last ``age_days`` before the read (before the ``min_strength`` cut).

    >>> p = InferenceParams()
    >>> round(co_attendance_strength(3, 0.0, p), 4)   # 0.5 * (1 - e^-1)
    0.3161
    >>> round(co_attendance_strength(3, 180.0, p), 4)  # one half-life later
    0.158
    """
    if shared <= 0:
        return 0.0
    saturation = 1.0 - math.exp(-shared / params.saturation)
    decay: float = 0.5 ** (max(age_days, 0.0) / params.half_life_days)
    return params.co_attendance_strength * saturation * decay


def _resolve_as_of(sg: StakeholderGraph, as_of: datetime | None) -> datetime:
    at = as_of if as_of is not None else sg.as_of
    if at is None:
        raise InvalidError([Problem("infer_influences", "as_of", "give as_of: ties decay")])
    if at.tzinfo is None:
        raise InvalidError([Problem("infer_influences", "as_of", "as_of must be time-zone aware")])
    return at.astimezone(UTC)


def infer_influences(
    sg: StakeholderGraph,
    *,
    as_of: datetime | None = None,
    params: InferenceParams | None = None,
) -> tuple[Influence, ...]:
    """The influence ties ``sg`` implies at ``as_of`` (see the module docs).

    Parameters
    ----------
    sg : StakeholderGraph
        An account as the store read it, as of ``as_of`` (its contact ties
        count the touchpoints up to then).
    as_of : datetime, optional
        The instant the ties decay to; defaults to ``sg.as_of``. A contact
        tie last seen after it is future evidence and is ignored.
    params : InferenceParams, optional
        Strengths, decay, threshold, scope and the switch.

    Returns
    -------
    tuple of Influence
        ``source = inferred``, sorted by (influencer, influenced, kind); empty
        when ``params.enabled`` is false.

    Raises
    ------
    InvalidError
        No instant, a naive instant, or (when an account is open to inference)
        a contact tie or reporting line that names an unknown contact.

    Examples
    --------
    Ayşe and Bora met in three touchpoints, the last one today; nobody
    recorded an influence tie:

    >>> from datetime import UTC, datetime
    >>> from graphcrm.domain import Contact, ContactTie, StakeholderGraph
    >>> now = datetime(2025, 6, 1, tzinfo=UTC)
    >>> sg = StakeholderGraph(as_of=now, accounts=(), reports_to=(), influences=(),
    ...     contacts=tuple(Contact(id=i, account_id="A", name=i) for i in ("ayse", "bora")),
    ...     deals=(), deal_roles=(), reps=(), rep_knows=(), engagement=(), rep_ties=(),
    ...     contact_ties=(ContactTie(contact_a="ayse", contact_b="bora", shared=3,
    ...                              last_at=now),))
    >>> [(i.influencer_id, i.influenced_id, i.kind.value, round(i.strength, 4))
    ...  for i in infer_influences(sg)]
    [('ayse', 'bora', 'trusts', 0.3161), ('bora', 'ayse', 'trusts', 0.3161)]
    """
    p = params or InferenceParams()
    at = _resolve_as_of(sg, as_of)
    if not p.enabled:
        return ()
    contacts: dict[str, Contact] = {c.id: c for c in sg.contacts}
    silent_accounts: set[str] | None = None
    if p.scope == "account":
        silent_accounts = _silent_accounts(sg, at, contacts)
        if not silent_accounts:
            return ()  # every account has influence data of its own
    taken = {(i.influencer_id, i.influenced_id) for i in sg.influences if i.holds_at(at)}
    inference = _Inference(contacts, taken, silent_accounts, p)
    inference.from_lines(sg.reports_to, at)
    inference.from_ties(sg.contact_ties, at)
    out = inference.out
    return tuple(out[k] for k in sorted(out, key=lambda k: (k[0], k[1], k[2].value)))


@dataclass(slots=True)
class _Inference:
    """The ties inferred so far for one account, and which pairs may get one."""

    contacts: dict[str, Contact]
    taken: Set[tuple[str, str]]
    """Pairs with a recorded influence in force: nothing is inferred for them."""
    silent_accounts: set[str] | None
    """With the ``account`` scope, the accounts open to inference (None: every one)."""
    p: InferenceParams
    out: dict[tuple[str, str, InfluenceKind], Influence] = field(default_factory=dict)

    def known(self, where: str, *ids: str) -> None:
        missing = [x for x in ids if x not in self.contacts]
        if missing:
            raise InvalidError([Problem(where, "", f"unknown contact {x!r}") for x in missing])

    def eligible(self, u: str, v: str) -> bool:
        cu, cv = self.contacts[u], self.contacts[v]
        if cu.status is ContactStatus.LEFT_COMPANY or cv.status is ContactStatus.LEFT_COMPANY:
            return False
        if self.silent_accounts is not None and not (
            cu.account_id in self.silent_accounts and cv.account_id in self.silent_accounts
        ):
            return False
        return (u, v) not in self.taken

    def add(
        self,
        u: str,
        v: str,
        kind: InfluenceKind,
        strength: float,
        start: datetime | None,
        end: datetime | None,
    ) -> None:
        if strength < self.p.min_strength or not self.eligible(u, v):
            return
        key = (u, v, kind)
        seen = self.out.get(key)
        if seen is not None and seen.strength >= strength:
            return
        # trusted values: ids of known contacts, strength in [min_strength, 1], ordered interval
        self.out[key] = construct(
            Influence,
            {
                "valid_from": start,
                "valid_to": end,
                "influencer_id": u,
                "influenced_id": v,
                "kind": kind,
                "strength": strength,
                "source": InfluenceSource.INFERRED,
            },
        )

    def from_lines(self, lines: Iterable[ReportsTo], at: datetime) -> None:
        """A manager advises each report of a line in force at ``at``."""
        p = self.p
        for line in lines:
            self.known(
                f"reports_to[{line.contact_id} -> {line.manager_id}]",
                line.contact_id,
                line.manager_id,
            )
            if not line.holds_at(at):
                continue
            solid = line.kind is LineKind.SOLID
            strength = p.solid_line_strength if solid else p.dotted_line_strength
            self.add(
                line.manager_id,
                line.contact_id,
                InfluenceKind.ADVISES,
                strength,
                line.valid_from,
                line.valid_to,
            )

    def from_ties(self, ties: Iterable[ContactTie], at: datetime) -> None:
        """Contacts who met trust each other, by their touchpoints' count and age at ``at``."""
        for tie in ties:
            a, b = tie.contact_a, tie.contact_b
            self.known(f"contact_ties[{a} -- {b}]", a, b)
            if tie.last_at > at:
                continue  # seen after the read: future evidence
            age = (at - tie.last_at).total_seconds() / DAY_SECONDS
            strength = co_attendance_strength(tie.shared, age, self.p)
            self.add(a, b, InfluenceKind.TRUSTS, strength, tie.last_at, None)
            self.add(b, a, InfluenceKind.TRUSTS, strength, tie.last_at, None)


def _silent_accounts(sg: StakeholderGraph, at: datetime, contacts: dict[str, Contact]) -> set[str]:
    """The accounts of ``sg``'s contacts with no influence tie in force at ``at``."""
    silent: set[str] = {c.account_id for c in sg.contacts}
    for i in sg.influences:
        if i.holds_at(at):
            for x in (i.influencer_id, i.influenced_id):
                c = contacts.get(x)
                if c is not None:
                    silent.discard(c.account_id)
            if not silent:
                break
    return silent


def with_inferred(
    sg: StakeholderGraph,
    *,
    as_of: datetime | None = None,
    params: InferenceParams | None = None,
) -> StakeholderGraph:
    """``sg`` with :func:`infer_influences`'s ties added to its influences.

    Returns ``sg`` itself when nothing is inferred. Idempotent: an inferred
    tie already in ``sg`` blocks its own pair and direction.

    >>> from datetime import UTC, datetime
    >>> from graphcrm.domain import StakeholderGraph
    >>> empty = StakeholderGraph(as_of=datetime(2025, 6, 1, tzinfo=UTC), accounts=(),
    ...     contacts=(), reports_to=(), influences=(), deals=(), deal_roles=(), reps=(),
    ...     rep_knows=(), engagement=(), contact_ties=(), rep_ties=())
    >>> with_inferred(empty) is empty
    True
    """
    inferred = infer_influences(sg, as_of=as_of, params=params)
    if not inferred:
        return sg
    merged = sorted(
        (*sg.influences, *inferred),
        key=lambda i: (i.influencer_id, i.influenced_id, i.kind.value),
    )
    return sg.model_copy(update={"influences": tuple(merged)})
