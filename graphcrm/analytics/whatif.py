"""What-if: edit the stakeholder graph, score the deal again under the same win model,
explain the delta (probability and risk, ``docs/scoring.md`` §5).

Edits apply to the :class:`~graphcrm.domain.StakeholderGraph`, not to the
networkx graphs, so every derived view and score is rebuilt consistently:

- :class:`RemoveContact` -- the contact leaves: status ``left_company`` from
  ``as_of`` (their deal roles stay, so a departed champion counts as one who
  left) and a ``departed`` :class:`~.signals.StakeholderChange`;
- :class:`AddInfluence` / :class:`RemoveInfluence` -- an influence tie;
- :class:`AddRepKnows` / :class:`RemoveRepKnows` -- one of our reps' ties.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from graphcrm.analytics.graph import build_network
from graphcrm.analytics.inferred import with_inferred
from graphcrm.analytics.params import RiskParams
from graphcrm.analytics.risk import DealRisk, deal_risk
from graphcrm.analytics.signals import ChangeKind, StakeholderChange
from graphcrm.domain import (
    Contact,
    ContactStatus,
    DealView,
    Influence,
    InfluenceKind,
    Model,
    RepKnows,
    StakeholderGraph,
)
from graphcrm.domain.winmodel import WinModel
from graphcrm.errors import InvalidError, NotFoundError, Problem


class RemoveContact(Model):
    contact_id: str


class AddInfluence(Model):
    influence: Influence


class RemoveInfluence(Model):
    influencer_id: str
    influenced_id: str
    kind: InfluenceKind


class AddRepKnows(Model):
    tie: RepKnows


class RemoveRepKnows(Model):
    rep_id: str
    contact_id: str


Edit = RemoveContact | AddInfluence | RemoveInfluence | AddRepKnows | RemoveRepKnows


class FactorDelta(Model):
    """One group's points of risk before and after the edits."""

    group: str
    before: float
    after: float
    delta: float


class WhatIf(Model):
    """The deal under the same model before and after the edits: the risk, the win
    probability, and the change of every group of factors that moved.

    The stage is not an edit, so the baseline stays and ``delta`` (points of risk,
    ``after.score - before.score``) is the sum of the factors' deltas.
    """

    before: DealRisk
    after: DealRisk
    delta: float
    probability_delta: float
    """``after.probability - before.probability``."""
    factors: tuple[FactorDelta, ...]


def apply_edits(
    sg: StakeholderGraph, edits: Sequence[Edit], *, as_of: datetime
) -> tuple[StakeholderGraph, list[StakeholderChange]]:
    """The edited graph and the stakeholder changes the edits imply.

    Raises
    ------
    NotFoundError
        An edit names a contact, rep or tie that is not there.
    """
    contacts: dict[str, Contact] = {c.id: c for c in sg.contacts}
    influences = list(sg.influences)
    knows = list(sg.rep_knows)
    changes: list[StakeholderChange] = []
    for edit in edits:
        if isinstance(edit, RemoveContact):
            if edit.contact_id not in contacts:
                raise NotFoundError("contact", edit.contact_id)
            contacts[edit.contact_id] = contacts[edit.contact_id].model_copy(
                update={"status": ContactStatus.LEFT_COMPANY, "status_from": as_of}
            )
            changes.append(
                StakeholderChange(
                    contact_id=edit.contact_id, at=as_of, kind=ChangeKind.DEPARTED, detail="what-if"
                )
            )
        elif isinstance(edit, AddInfluence):
            i = edit.influence
            influences = [
                x
                for x in influences
                if (x.influencer_id, x.influenced_id, x.kind)
                != (i.influencer_id, i.influenced_id, i.kind)
            ]
            influences.append(i)
        elif isinstance(edit, RemoveInfluence):
            key = (edit.influencer_id, edit.influenced_id, edit.kind)
            kept = [x for x in influences if (x.influencer_id, x.influenced_id, x.kind) != key]
            if len(kept) == len(influences):
                raise NotFoundError("influence", " -> ".join(key))
            influences = kept
        elif isinstance(edit, AddRepKnows):
            t = edit.tie
            knows = [k for k in knows if (k.rep_id, k.contact_id) != (t.rep_id, t.contact_id)]
            knows.append(t)
        else:
            kept_k = [
                k for k in knows if (k.rep_id, k.contact_id) != (edit.rep_id, edit.contact_id)
            ]
            if len(kept_k) == len(knows):
                raise NotFoundError("rep_knows", f"{edit.rep_id} -> {edit.contact_id}")
            knows = kept_k
    edited = sg.model_copy(
        update={
            "contacts": tuple(contacts[c.id] for c in sg.contacts),
            "influences": tuple(influences),
            "rep_knows": tuple(knows),
        }
    )
    return edited, changes


def what_if(
    sg: StakeholderGraph,
    deal_id: str,
    edits: Sequence[Edit],
    *,
    model: WinModel,
    history: DealView,
    as_of: datetime | None = None,
    changes: Sequence[StakeholderChange] = (),
    params: RiskParams | None = None,
    seed: int = 0,
) -> WhatIf:
    """The deal's risk and win probability under ``model`` before and after ``edits``,
    with per-group deltas (:func:`.risk.deal_risk` on both graphs).

    ``sg`` is the graph as read, without inferred ties: they are inferred
    (``params.scoring.inference``) before and again after the edits, as a read
    after saving the edits would (a removed tie may leave its pair to an
    inferred one; an added tie blocks it).

    Raises
    ------
    InvalidError
        No edits, or the deal is closed (it has an outcome, not a risk).
    NotFoundError
        The deal, or something an edit names, is not there.
    """
    if not edits:
        raise InvalidError([Problem("what_if", "edits", "give at least one edit")])
    p = params or RiskParams()
    infer = p.scoring.inference
    before_net = build_network(
        with_inferred(sg, as_of=as_of, params=infer), as_of=as_of, params=p.scoring.graph
    )
    before = deal_risk(
        before_net, deal_id, model=model, history=history, changes=changes, params=p, seed=seed
    )
    at = before_net.as_of
    edited, implied = apply_edits(sg, edits, as_of=at)
    after_net = build_network(
        with_inferred(edited, as_of=at, params=infer), as_of=at, params=p.scoring.graph
    )
    after = deal_risk(
        after_net,
        deal_id,
        model=model,
        history=history,
        changes=[*changes, *implied],
        params=p,
        seed=seed,
    )
    groups = sorted({f.group for f in before.factors} | {f.group for f in after.factors})
    deltas = [
        FactorDelta(
            group=g,
            before=before.points(g),
            after=after.points(g),
            delta=round(after.points(g) - before.points(g), 2),
        )
        for g in groups
        if after.points(g) != before.points(g)
    ]
    deltas.sort(key=lambda d: (-abs(d.delta), d.group))
    return WhatIf(
        before=before,
        after=after,
        delta=round(after.score - before.score, 2),
        probability_delta=after.probability - before.probability,
        factors=tuple(deltas),
    )
