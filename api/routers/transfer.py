"""Import and export, through :mod:`graphcrm.io` (the same functions as ``graphcrm import``
and ``graphcrm export``), under the territory rule (:class:`api.scoped.ScopedStore`)."""

from __future__ import annotations

import io
from typing import Annotated, Final

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response

from graphcrm.domain import AccountId, PageRequest
from graphcrm.errors import InvalidError, Problem
from graphcrm.io.export import ExportFormat, export
from graphcrm.io.formats import ImportFormat, import_data
from graphcrm.io.importing import ImportReport
from graphcrm.io.mapping import CrmMapping

from ..deps import AsOfDep, ReaderDep, StateDep, WriterDep
from ..errors import NOT_FOUND, WRITE, responses
from ..scoped import ScopedStore

router = APIRouter(prefix="/v1", tags=["import-export"])

MEDIA: Final[dict[ExportFormat, tuple[str, str]]] = {
    ExportFormat.JSON: ("application/x-ndjson", "graphcrm.jsonl"),
    ExportFormat.CSV: ("application/zip", "graphcrm-csv.zip"),
    ExportFormat.GRAPHML: ("application/graphml+xml", "graphcrm.graphml"),
    ExportFormat.GEXF: ("application/gexf+xml", "graphcrm.gexf"),
}
MAX_FILES: Final = 16


ImportFiles = Annotated[
    list[UploadFile],
    File(
        description="Salesforce: User.csv, Account.csv, Contact.csv, Opportunity.csv, "
        "OpportunityHistory.csv, OpportunityFieldHistory.csv, OpportunityContactRole.csv, "
        "Task.csv, Event.csv, EventRelation.csv; HubSpot: companies.csv, contacts.csv, "
        "deals.csv, buying_roles.csv and the activity files (docs/import-export.md); "
        "json: one .jsonl file.",
        json_schema_extra={"maxItems": MAX_FILES},
    ),
]
ImportTerritory = Annotated[
    str | None,
    Form(
        description="The territory of new accounts whose rows carry none (Salesforce "
        "and HubSpot exports carry none); stored accounts keep theirs. Default: the "
        "key's territory, when it has exactly one.",
        min_length=1,
        max_length=100,
    ),
]
MappingFile = Annotated[
    UploadFile | None,
    File(
        description="A TOML mapping file of the org's custom roles, stages and "
        "pipelines (Salesforce and HubSpot; docs/import-export.md)."
    ),
]


@router.post(
    "/imports",
    summary="Import Salesforce, HubSpot or graphcrm JSON files",
    responses=responses(WRITE),
)
def post_import(
    state: StateDep,
    who: WriterDep,
    files: ImportFiles,
    format: Annotated[ImportFormat, Form(description="The files' format.")],
    all_or_nothing: Annotated[
        bool, Form(description="Commit nothing unless every row is valid.")
    ] = False,
    territory: ImportTerritory = None,
    mapping: MappingFile = None,
) -> ImportReport:
    """Valid rows are committed and every bad row is reported with its file, line, field
    and reason (``problems``); with ``all_or_nothing`` nothing is committed if any row is
    bad (and the answer is a 422 listing them). Re-importing the same files changes
    nothing. Rows under accounts outside the key's territories are rejected like rows
    naming a missing account."""
    if len(files) > MAX_FILES:
        raise InvalidError([Problem("body", "files", f"at most {MAX_FILES} files")])
    uploads: dict[str, bytes] = {}
    for f in files:
        name = f.filename or "upload"
        uploads[name] = f.file.read()
    if territory is None and len(who.territories) == 1 and not who.all_territories:
        territory = next(iter(who.territories))
    if territory is not None and not who.sees(territory):
        raise InvalidError([Problem("body", "territory", "not one of this key's territories")])
    crm_mapping = (
        CrmMapping.from_toml(mapping.file.read(), source=mapping.filename or "mapping")
        if mapping is not None
        else None
    )
    scoped = ScopedStore(state, who)
    actor = f"api:{who.name}"
    fmt = ImportFormat(format)
    if fmt is ImportFormat.JSON:
        if len(uploads) != 1:
            raise InvalidError([Problem("body", "files", "a json import takes exactly one file")])
        ((name, upload),) = uploads.items()
        report = import_data(
            scoped,
            fmt,
            upload,
            name=name,
            all_or_nothing=all_or_nothing,
            actor=actor,
            territory=territory,
            mapping=crm_mapping,
        )
    else:
        report = import_data(
            scoped,
            fmt,
            uploads,
            all_or_nothing=all_or_nothing,
            actor=actor,
            territory=territory,
            mapping=crm_mapping,
        )
    if all_or_nothing and report.problems:
        report.raise_for_problems()
    return report


@router.get(
    "/exports",
    summary="Export stakeholder graphs as JSON lines, CSV (zip), GraphML or GEXF",
    responses={
        **responses(NOT_FOUND),
        200: {
            "description": "The export file.",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media, _ in MEDIA.values()
            },
        },
    },
    response_class=Response,
)
def get_export(
    state: StateDep,
    who: ReaderDep,
    as_of: AsOfDep,
    format: Annotated[ExportFormat, Query(description="The file format.")] = ExportFormat.JSON,
    account_id: Annotated[
        list[str] | None,
        Query(description="Export these accounts (default: every visible one).", max_length=500),
    ] = None,
) -> Response:
    """GraphML and GEXF open in Gephi; JSON re-imports with ``format=json``."""
    scoped = ScopedStore(state, who)
    if account_id:
        ids: list[AccountId] | None = [AccountId(a) for a in account_id]
    elif who.all_territories:
        ids = None
    else:
        ids = []
        offset = 0
        while True:
            page = scoped.list_accounts(PageRequest(limit=1000, offset=offset))
            ids.extend(a.id for a in page.items)
            offset += len(page.items)
            if not page.items or offset >= page.total:
                break
    buffer = io.BytesIO()
    export(scoped, format, buffer, account_ids=ids, as_of=as_of)
    media, filename = MEDIA[ExportFormat(format)]
    return Response(
        content=buffer.getvalue(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
