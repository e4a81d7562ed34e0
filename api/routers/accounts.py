"""Accounts: the hierarchy, roll-ups, and the ties of their contacts."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Path, Query, Response, status

from graphcrm.domain import Account, AccountId, ChangeSet, RepId
from graphcrm.errors import NotFoundError

from ..deps import AsOfDep, PageDep, ReaderDep, StateDep, StoreDep, WriterDep
from ..errors import NOT_FOUND, UPDATE, WRITE, responses
from ..schemas import (
    AccountCreate,
    AccountPublic,
    AccountsPublic,
    AccountUpdate,
    ContactsPublic,
    InfluencesPublic,
    RepKnowsPublic,
    ReportingLinesPublic,
)
from ..territory import id_taken, listed_territories, shown, visible_account
from ..writes import PartialUpdate, apply_changes, set_etag

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])

AccountPath = Annotated[str, Path(description="The account's external id.", max_length=128)]
IfMatch = Annotated[
    str | None, Header(description="The ETag from the last GET (required for updates).")
]


@router.get("", summary="List accounts", responses=responses())
def list_accounts(
    store: StoreDep,
    who: ReaderDep,
    page: PageDep,
    territory: Annotated[str | None, Query(max_length=200)] = None,
    sector: Annotated[str | None, Query(max_length=200)] = None,
    owner_id: Annotated[str | None, Query(max_length=128)] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Name contains (Turkish case folding).")
    ] = None,
) -> AccountsPublic:
    """Accounts in the key's territories, ordered by name (Turkish collation), then id."""
    result = store.list_accounts(
        page,
        territories=listed_territories(who, territory),
        sector=sector,
        owner_id=RepId(owner_id) if owner_id else None,
        name_contains=q,
    )
    return AccountsPublic(data=shown(store, who, result.items), count=result.total)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses=responses(WRITE),
)
def create_account(
    state: StateDep, who: WriterDep, body: AccountCreate, response: Response
) -> Account:
    """Create one account; 409 if the id is taken (update it with PATCH)."""

    def must_be_new() -> None:
        try:
            state.store.get_account(body.id)
        except NotFoundError:
            return
        raise id_taken("account", body.id)

    apply_changes(state, who, ChangeSet(accounts=(body,)), precheck=must_be_new)
    set_etag(response, body)
    response.headers["Location"] = f"/v1/accounts/{quote(body.id, safe='')}"
    return body


@router.get("/{account_id}", summary="Get an account", responses=responses(NOT_FOUND))
def get_account(
    store: StoreDep, who: ReaderDep, account_id: AccountPath, as_of: AsOfDep, response: Response
) -> AccountPublic:
    """The account, its visible ancestors (nearest first) and descendants, and the roll-up
    of its subtree as of ``as_of``. The ``ETag`` header is that of ``account``."""
    account = visible_account(store, who, account_id, as_of=as_of)
    aid = AccountId(account_id)
    ancestors = store.account_ancestors(aid)
    descendants = store.account_descendants(aid)
    whole = all(who.sees(a.territory) for a in descendants)
    rollup = store.account_rollup(aid, as_of=as_of) if whole else None
    set_etag(response, account)
    return AccountPublic(
        account=account,
        ancestors=shown(store, who, (a for a in ancestors if who.sees(a.territory))),
        descendants=shown(store, who, (a for a in descendants if who.sees(a.territory))),
        rollup=rollup,
    )


@router.patch(
    "/{account_id}",
    summary="Update an account",
    responses=responses(NOT_FOUND, WRITE, UPDATE),
)
def update_account(
    state: StateDep,
    who: WriterDep,
    account_id: AccountPath,
    body: AccountUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> Account:
    """Change some fields. Needs ``If-Match`` (412 when stale, 428 when missing)."""
    changes = body.model_dump(exclude_unset=True)
    update = PartialUpdate(
        Account,
        "accounts",
        lambda: visible_account(state.store, who, account_id),
        changes,
        if_match,
    )
    apply_changes(state, who, update)
    set_etag(response, update.result)
    return update.result


@router.get(
    "/{account_id}/contacts", summary="List an account's contacts", responses=responses(NOT_FOUND)
)
def account_contacts(
    store: StoreDep,
    who: ReaderDep,
    account_id: AccountPath,
    page: PageDep,
    as_of: AsOfDep,
) -> ContactsPublic:
    """Contacts of the account with their status as of ``as_of``, by name then id."""
    visible_account(store, who, account_id, as_of=as_of)
    result = store.list_contacts(page, account_id=AccountId(account_id), as_of=as_of)
    return ContactsPublic(data=list(result.items), count=result.total)


@router.get(
    "/{account_id}/reporting-lines",
    summary="Reporting lines in force",
    responses=responses(NOT_FOUND),
)
def reporting_lines(
    store: StoreDep, who: ReaderDep, account_id: AccountPath, page: PageDep, as_of: AsOfDep
) -> ReportingLinesPublic:
    """Solid and dotted reporting lines among the account's contacts, as of ``as_of``."""
    visible_account(store, who, account_id, as_of=as_of)
    rows = store.stakeholder_graph(AccountId(account_id), as_of=as_of).reports_to
    return ReportingLinesPublic(
        data=list(rows[page.offset : page.offset + page.limit]), count=len(rows)
    )


@router.get(
    "/{account_id}/influences", summary="Influence ties in force", responses=responses(NOT_FOUND)
)
def influences(
    store: StoreDep, who: ReaderDep, account_id: AccountPath, page: PageDep, as_of: AsOfDep
) -> InfluencesPublic:
    """Typed, weighted influence ties among the account's contacts, as of ``as_of``."""
    visible_account(store, who, account_id, as_of=as_of)
    rows = store.stakeholder_graph(AccountId(account_id), as_of=as_of).influences
    return InfluencesPublic(
        data=list(rows[page.offset : page.offset + page.limit]), count=len(rows)
    )


@router.get(
    "/{account_id}/rep-knows",
    summary="Our reps' ties to the account's contacts",
    responses=responses(NOT_FOUND),
)
def rep_knows(
    store: StoreDep, who: ReaderDep, account_id: AccountPath, page: PageDep, as_of: AsOfDep
) -> RepKnowsPublic:
    visible_account(store, who, account_id, as_of=as_of)
    rows = store.stakeholder_graph(AccountId(account_id), as_of=as_of).rep_knows
    return RepKnowsPublic(data=list(rows[page.offset : page.offset + page.limit]), count=len(rows))
