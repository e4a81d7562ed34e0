"""Contacts: people at an account, with their status as of a date."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Path, Query, Response, status

from graphcrm.domain import AccountId, ChangeSet, Contact, ContactId
from graphcrm.domain.personal import Erasure, SubjectAccess
from graphcrm.errors import NotFoundError
from graphcrm.services.personal import forget, subject_access

from ..deps import AdminDep, AsOfDep, PageDep, ReaderDep, StateDep, StoreDep, WriterDep
from ..errors import NOT_FOUND, UPDATE, WRITE, responses
from ..schemas import ContactCreate, ContactsPublic, ContactUpdate
from ..territory import id_taken, visible_account, visible_contact
from ..writes import PartialUpdate, apply_changes, set_etag

router = APIRouter(prefix="/v1/contacts", tags=["contacts"])

ContactPath = Annotated[str, Path(description="The contact's external id.", max_length=128)]
IfMatch = Annotated[
    str | None, Header(description="The ETag from the last GET (required for updates).")
]


@router.get("", summary="List contacts of an account", responses=responses(NOT_FOUND))
def list_contacts(
    store: StoreDep,
    who: ReaderDep,
    page: PageDep,
    as_of: AsOfDep,
    account_id: Annotated[str, Query(max_length=128, description="The account (required).")],
    q: Annotated[
        str | None, Query(max_length=200, description="Name contains (Turkish case folding).")
    ] = None,
) -> ContactsPublic:
    """Contacts of one account, by name (Turkish collation) then id, status as of ``as_of``;
    visible by the account's territory then (as :func:`~api.territory.visible_account`)."""
    visible_account(store, who, account_id, as_of=as_of)
    result = store.list_contacts(
        page, account_id=AccountId(account_id), name_contains=q, as_of=as_of
    )
    return ContactsPublic(data=list(result.items), count=result.total)


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Create a contact", responses=responses(WRITE)
)
def create_contact(
    state: StateDep, who: WriterDep, body: ContactCreate, response: Response
) -> Contact:
    """Create one contact; 409 if the id is taken (update it with PATCH)."""

    def must_be_new() -> None:
        try:
            state.store.get_contact(body.id)
        except NotFoundError:
            return
        raise id_taken("contact", body.id)

    apply_changes(state, who, ChangeSet(contacts=(body,)), precheck=must_be_new)
    stored = state.store.get_contact(body.id)
    set_etag(response, stored)
    response.headers["Location"] = f"/v1/contacts/{quote(body.id, safe='')}"
    return stored


@router.get("/{contact_id}", summary="Get a contact", responses=responses(NOT_FOUND))
def get_contact(
    store: StoreDep, who: ReaderDep, contact_id: ContactPath, as_of: AsOfDep, response: Response
) -> Contact:
    """The contact with its status as of ``as_of``; ``ETag`` when reading the present."""
    contact = visible_contact(store, who, contact_id, as_of=as_of)
    if as_of is None:
        set_etag(response, contact)
    return contact


@router.patch(
    "/{contact_id}", summary="Update a contact", responses=responses(NOT_FOUND, WRITE, UPDATE)
)
def update_contact(
    state: StateDep,
    who: WriterDep,
    contact_id: ContactPath,
    body: ContactUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> Contact:
    """Change some fields. Needs ``If-Match`` (412 when stale, 428 when missing).

    A changed ``status`` opens a new status interval at ``status_from`` (default: now).
    """
    changes = body.model_dump(exclude_unset=True)
    if "status" in changes and "status_from" not in changes:
        changes["status_from"] = None
    update = PartialUpdate(
        Contact,
        "contacts",
        lambda: visible_contact(state.store, who, contact_id),
        changes,
        if_match,
    )
    apply_changes(state, who, update)
    stored = state.store.get_contact(ContactId(contact_id))
    set_etag(response, stored)
    return stored


@router.post(
    "/{contact_id}/erase",
    summary="Erase a person's personal data",
    responses=responses(NOT_FOUND),
)
def erase_contact(state: StateDep, who: AdminDep, contact_id: ContactPath) -> Erasure:
    """KVKK/GDPR erasure (``admin`` scope; the contact in the key's territories): the
    name becomes anonymous, email, phone, LinkedIn URL and the person's touchpoint
    summaries go, from the contact, other free text and every change-log payload; the
    erasure is logged without the values (docs/operations.md, "Personal data")."""
    visible_contact(state.store, who, contact_id)
    with state.writing():
        result = forget(state.store, ContactId(contact_id), actor=who.name)
        # Rare, and its texts may sit in any account's cached results: drop them all.
        state.cache.clear()
    return result


@router.get(
    "/{contact_id}/subject-access",
    summary="Everything stored about a person",
    responses=responses(NOT_FOUND),
)
def get_subject_access(store: StoreDep, who: AdminDep, contact_id: ContactPath) -> SubjectAccess:
    """The contact, its status intervals, the ties, roles and touchpoints naming it, its
    stored scores and every change-log entry about them (``admin`` scope; reads the
    whole store)."""
    visible_contact(store, who, contact_id)
    return subject_access(store, ContactId(contact_id))
