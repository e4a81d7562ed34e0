"""One error shape for every error: RFC 9457 ``application/problem+json``.

:data:`PROBLEMS` is the one table from :class:`~graphcrm.errors.GraphCRMError`
subclasses to HTTP statuses. Errors that only HTTP knows (401, 403, 412, 413,
428) are :class:`ApiError`, raised inside ``api/`` only. FastAPI's request
validation errors become the same 422 problem as :class:`InvalidError`, with
the field path of every offending input (``body.accounts[3].name``,
``query.limit``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphcrm.errors import (
    ConflictError,
    GraphCRMError,
    InvalidError,
    NotFoundError,
    Problem,
    StoreUnavailableError,
    TerritoryConflictError,
)

PROBLEM_JSON: Final = "application/problem+json"
log = logging.getLogger("graphcrm.api")


class FieldError(BaseModel):
    """One offending input: its path and what is wrong with it."""

    field: str = Field(examples=["body.accounts[3].name"])
    message: str


class ProblemModel(BaseModel):
    """An RFC 9457 problem document. ``errors`` lists field errors (422), else it is empty."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "type": "/problems/not-found",
                "title": "Not Found",
                "status": 404,
                "detail": "deal 'D-42' not found",
                "instance": "/v1/deals/D-42",
                "errors": [],
            }
        }
    )

    type: str = Field(description="A URI reference naming the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The path of the request that failed.")
    errors: list[FieldError] = Field(default_factory=list)


class ApiError(Exception):
    """An HTTP-only error (auth, preconditions, limits). Never raised below ``api/``."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}


def unauthorized(detail: str = "a valid API key is required") -> ApiError:
    return ApiError(
        401, "unauthorized", "Unauthorized", detail, headers={"WWW-Authenticate": "Bearer"}
    )


def forbidden(detail: str) -> ApiError:
    return ApiError(403, "forbidden", "Forbidden", detail)


def precondition_failed(detail: str) -> ApiError:
    return ApiError(412, "precondition-failed", "Precondition Failed", detail)


def precondition_required(detail: str) -> ApiError:
    return ApiError(428, "precondition-required", "Precondition Required", detail)


def too_large(detail: str) -> ApiError:
    return ApiError(413, "too-large", "Content Too Large", detail)


# The one table: error class -> (status, slug, title). Looked up along the MRO.
PROBLEMS: Final[dict[type[GraphCRMError], tuple[int, str, str]]] = {
    NotFoundError: (404, "not-found", "Not Found"),
    TerritoryConflictError: (409, "territory-conflict", "Territory Conflict"),
    ConflictError: (409, "conflict", "Conflict"),
    InvalidError: (422, "invalid", "Invalid Input"),
    StoreUnavailableError: (503, "store-unavailable", "Store Unavailable"),
    GraphCRMError: (500, "internal", "Internal Error"),
}

# Documented on every endpoint (``responses=``) according to what it can raise.
COMMON: Final[dict[int | str, dict[str, Any]]] = {
    401: {"model": ProblemModel, "description": "No valid API key."},
    403: {"model": ProblemModel, "description": "The key lacks the scope."},
    422: {"model": ProblemModel, "description": "Invalid input; `errors` names each field."},
    503: {"model": ProblemModel, "description": "The store does not answer."},
}
NOT_FOUND: Final[dict[int | str, dict[str, Any]]] = {
    404: {
        "model": ProblemModel,
        "description": "No such object, or it is outside the key's territories.",
    }
}
WRITE: Final[dict[int | str, dict[str, Any]]] = {
    409: {"model": ProblemModel, "description": "The write conflicts with the stored state."},
    413: {"model": ProblemModel, "description": "Body or batch over the limit."},
}
UPDATE: Final[dict[int | str, dict[str, Any]]] = {
    412: {"model": ProblemModel, "description": "If-Match does not match the current ETag."},
    428: {"model": ProblemModel, "description": "If-Match is missing."},
}


def responses(*extra: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    out = dict(COMMON)
    for e in extra:
        out.update(e)
    return out


def problem_for(error: GraphCRMError) -> tuple[int, str, str]:
    for cls in type(error).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return PROBLEMS[GraphCRMError]


def field_path(where: str, field: str) -> str:
    return f"{where}.{field}" if where and field else where or field


def _loc_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problem_response(
    request_path: str,
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ProblemModel(
        type=f"/problems/{slug}",
        title=title,
        status=status,
        detail=detail,
        instance=request_path,
        errors=list(errors),
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def invalid_errors(problems: Sequence[Problem]) -> list[FieldError]:
    return [FieldError(field=field_path(p.where, p.field), message=p.message) for p in problems]


async def _graphcrm_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GraphCRMError)
    status, slug, title = problem_for(exc)
    errors = invalid_errors(exc.problems) if isinstance(exc, InvalidError) else []
    if status >= 500:
        log.error("graphcrm error on %s: %s", request.url.path, exc)
    detail = str(exc)
    if isinstance(exc, InvalidError):
        detail = f"{len(exc.problems)} invalid input(s); see errors"
    return problem_response(request.url.path, status, slug, title, detail, errors=errors)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem_response(
        request.url.path, exc.status, exc.slug, exc.title, exc.detail, headers=exc.headers
    )


def _follows_from_items(error: Any, errors: Sequence[Any]) -> bool:
    """pydantic counts a list's length after dropping its invalid items, so a list of
    one bad id also reports "should have at least 1 item": that error says nothing the
    item's own does not, and goes."""
    if error.get("type") != "too_short":
        return False
    loc = tuple(error.get("loc", ()))
    return any(
        len(other.get("loc", ())) > len(loc) and tuple(other["loc"][: len(loc)]) == loc
        for other in errors
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    errors = [
        FieldError(field=_loc_path(e.get("loc", ())), message=str(e.get("msg", "invalid")))
        for e in raw
        if not _follows_from_items(e, raw)
    ]
    return problem_response(
        request.url.path,
        422,
        "invalid",
        "Invalid Input",
        f"{len(errors)} invalid input(s); see errors",
        errors=errors,
    )


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document lists for the request's path.

    Starlette's 405 names only the methods of the first route whose path
    matched; FastAPI has one route per method, so that is one method."""
    path = request.url.path
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            return sorted(method.upper() for method in operations)
    return []


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    title = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, "HTTP Error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return problem_response(
        request.url.path,
        exc.status_code,
        slug,
        title,
        str(exc.detail),
        headers=headers,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return problem_response(
        request.url.path, 500, "internal", "Internal Error", "an unexpected error occurred"
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""
    app.add_exception_handler(GraphCRMError, _graphcrm_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


def problem_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Document every error response (4xx, 5xx) as ``application/problem+json`` with the
    :class:`ProblemModel` schema, FastAPI's own 422 included."""
    ref = {"$ref": "#/components/schemas/ProblemModel"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if code[:1] in ("4", "5"):
                    response["content"] = {PROBLEM_JSON: {"schema": ref}}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema
