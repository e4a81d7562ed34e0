"""Personal data (KVKK, GDPR): erasing a person and answering a subject-access request.

:func:`forget` erases a contact's personal data everywhere in the store
(:mod:`graphcrm.store.erasure` says what goes and what stays).
:func:`subject_access` gathers everything stored about one person: it reads
the whole store (:meth:`~graphcrm.store.maintenance.Maintenance.dump`, one
snapshot) and keeps what names them, so it costs about what a backup does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from graphcrm.domain import ContactId, EntityKind
from graphcrm.domain.personal import Erasure, ScoreOfPerson, StatusSpan, SubjectAccess
from graphcrm.store.codec import change_entry, plain_key
from graphcrm.store.intervals import change_key
from graphcrm.store.maintenance import maintenance
from graphcrm.store.port import GraphStore


def forget(store: GraphStore, contact_id: ContactId, *, actor: str) -> Erasure:
    """Erase the contact's personal data; raises NotFoundError for an unknown contact."""
    return maintenance(store).erase_contact(contact_id, actor=actor)


def subject_access(store: GraphStore, contact_id: ContactId) -> SubjectAccess:
    """Everything stored about the contact (see :class:`SubjectAccess`); raises
    NotFoundError for an unknown contact."""
    contact = store.get_contact(contact_id)
    d = maintenance(store).dump()
    c = contact_id
    contact_epoch = datetime.min.replace(tzinfo=UTC)  # stored intervals always start
    statuses = tuple(s for s in d.contact_statuses if s.contact_id == c)
    reports_to = tuple(r for r in d.reports_to if c in (r.contact_id, r.manager_id))
    influences = tuple(i for i in d.influences if c in (i.influencer_id, i.influenced_id))
    deal_roles = tuple(r for r in d.deal_roles if r.contact_id == c)
    rep_knows = tuple(k for k in d.rep_knows if k.contact_id == c)
    touchpoints = tuple(t for t in d.touchpoints if c in t.contact_ids)
    keys = {
        (EntityKind.CONTACT, c),
        (EntityKind.CONTACT_STATUS, c),
        *((EntityKind.REPORTS_TO, change_key(r)) for r in reports_to),
        *((EntityKind.INFLUENCE, change_key(i)) for i in influences),
        *((EntityKind.DEAL_ROLE, change_key(r)) for r in deal_roles),
        *((EntityKind.REP_KNOWS, plain_key(k)) for k in rep_knows),
        *((EntityKind.TOUCHPOINT, t.id) for t in touchpoints),
    }
    changes = tuple(
        change_entry(e.seq, e.at, e.actor, e.entity.value, e.key, e.op.value, e.before, e.after)
        for e in d.changes
        if (e.entity, e.key) in keys
    )
    return SubjectAccess(
        contact=contact,
        statuses=tuple(
            StatusSpan(
                status=s.status.value, valid_from=s.valid_from or contact_epoch, valid_to=s.valid_to
            )
            for s in sorted(statuses, key=lambda s: s.valid_from or contact_epoch)
        ),
        reports_to=reports_to,
        influences=influences,
        deal_roles=deal_roles,
        rep_knows=rep_knows,
        touchpoints=tuple(sorted(touchpoints, key=lambda t: (t.at, t.id))),
        scores=tuple(
            ScoreOfPerson(account_id=s.account_id, as_of=s.as_of, scores=r)
            for s in sorted(d.score_sets, key=lambda s: (s.account_id, s.as_of))
            for r in s.contacts
            if r.contact_id == c
        ),
        changes=changes,
    )
