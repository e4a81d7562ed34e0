"""The OpenAPI document: FastAPI's, made exact enough for generated clients.

FastAPI derives the document from the routes; what it cannot know is added
here, in one place, so that ``openapi-python-client`` and
``openapi-typescript`` generate typed clients without warnings
(``tests/api/test_openapi_clients.py``) and schemathesis finds no mismatch
between the document and the behaviour (``./dev bench contract``):

- **operation ids** are the endpoint functions' names in camelCase
  (``getAccount``, ``updateDeal``), never FastAPI's 70-character defaults;
- **one schema per model**: a model FastAPI splits into ``X-Input`` and
  ``X-Output`` (a ``Decimal`` serialises as a string, so the two differ) is
  ``X`` for what the server sends and ``XInput`` for what it accepts, each
  with its own title;
- **headers**: ``ETag`` on the responses that carry one, ``Location`` on
  ``201``, and ``If-Match`` declared required where an update needs it (a
  missing one still answers ``428``, as documented);
- **scopes**: each operation names the key scope it needs
  (``x-required-scope`` and a sentence in its description) and the security
  schemes it accepts;
- **errors**: every error response is a problem document
  (:func:`api.errors.problem_openapi`), and an operation with a body
  documents ``400`` (a body that is not JSON);
- **parameters as the server checks them**: ``as_of`` with the pattern of
  the dates and datetimes it accepts, ``limit`` at most the configured page
  size (on the lists paged by ``api.deps.get_page``).
"""

from __future__ import annotations

import re
from typing import Any, Final

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from .deps import ScopeCheck, get_page
from .errors import PROBLEM_JSON, problem_openapi

AS_OF_PATTERN: Final = (
    r"^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?$"
)
"""A subset of what ``as_of`` accepts that is valid on every calendar: days 1-28 of
every month of 1900-9999, optionally with a time and a zone. The server also
accepts days 29-31 where the month has them (a pattern that knew the calendar
would be unreadable); a generated client only needs to know the shape."""

QUARTER_PATTERN: Final = r"^(19[0-9]{2}|[2-9][0-9]{3})-Q[1-4]$"
"""A quarter, ``YYYY-Qn``, in the years ``as_of`` accepts."""

ETAG_OPERATIONS: Final = frozenset(
    {
        "getAccount",
        "createAccount",
        "updateAccount",
        "getContact",
        "createContact",
        "updateContact",
        "getDeal",
        "createDeal",
        "updateDeal",
    }
)
"""Operations whose success response carries the object's ``ETag``
(``api.writes.set_etag``; ``tests/api/test_openapi.py`` checks it against
the responses)."""

_HEADER_ETAG: Final = {
    "description": "The strong ETag of the object's representation; send it back as "
    "If-Match to update it.",
    "schema": {"type": "string"},
}
_HEADER_LOCATION: Final = {
    "description": "The URL of the created object.",
    "schema": {"type": "string"},
}


def operation_id(route: APIRoute) -> str:
    """``get_account`` -> ``getAccount``: the endpoint function's name in camelCase."""
    head, *rest = route.name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def document(app: FastAPI, *, max_page_size: int) -> dict[str, Any]:
    """The app's OpenAPI document (see the module docstring for what is added)."""
    schema = problem_openapi(
        get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
    )
    _one_schema_per_model(schema)
    _multipart_as_sent(schema)
    scopes = {
        operation_id(route): check.scope.value
        for context in iter_route_contexts(app.routes)
        if isinstance(route := context.original_route, APIRoute)
        for check in _scope_checks(route)
    }
    paged = {
        operation_id(route)
        for context in iter_route_contexts(app.routes)
        if isinstance(route := context.original_route, APIRoute)
        and any(dep.call is get_page for dep in _dependencies(route))
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            op_id = operation["operationId"]
            _refine(operation, scopes.get(op_id), max_page_size if op_id in paged else None)
    return schema


def _dependencies(route: APIRoute) -> list[Dependant]:
    found: list[Dependant] = []
    pending = list(route.dependant.dependencies)
    while pending:
        dep = pending.pop()
        found.append(dep)
        pending.extend(dep.dependencies)
    return found


def _scope_checks(route: APIRoute) -> list[ScopeCheck]:
    return [dep.call for dep in _dependencies(route) if isinstance(dep.call, ScopeCheck)]


def _refine(operation: dict[str, Any], scope: str | None, max_page_size: int | None) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    op_id = operation["operationId"]
    for code, response in responses.items():
        headers = response.setdefault("headers", {})
        if code.startswith("2") and op_id in ETAG_OPERATIONS:
            headers["ETag"] = _HEADER_ETAG
        if code == "201":
            headers["Location"] = _HEADER_LOCATION
        if not headers:
            del response["headers"]
    if "requestBody" in operation and "400" not in responses:
        responses["400"] = {
            "description": "The body is not JSON (or not the declared media type).",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemModel"}}},
        }
    for parameter in operation.get("parameters", []):
        name = parameter["name"].lower()
        if name == "if-match":
            parameter["required"] = True
            parameter["schema"] = {"type": "string", "title": "If-Match"}
            parameter["description"] = (
                "The ETag from the last GET, or `*`. Without it the update answers 428."
            )
        elif name == "as_of":
            parameter["schema"] = {
                "type": "string",
                "maxLength": 64,
                "pattern": AS_OF_PATTERN,
                "title": "As Of",
            }
        elif name == "quarter":
            parameter["schema"] = {"type": "string", "pattern": QUARTER_PATTERN, "title": "Quarter"}
        elif parameter["in"] == "query":
            _non_empty(parameter["schema"])
        if name == "limit" and parameter["in"] == "query" and max_page_size is not None:
            parameter["schema"]["maximum"] = max_page_size
    if scope is not None:
        operation["x-required-scope"] = scope
        operation["security"] = [{"APIKeyHeader": []}, {"HTTPBearer": []}]
        sentence = f"Needs a key with the `{scope}` scope."
        operation["description"] = f"{operation.get('description', '').rstrip()}\n\n{sentence}"
        operation["description"] = operation["description"].lstrip()


def _one_schema_per_model(schema: dict[str, Any]) -> None:
    """``X-Output`` -> ``X`` and ``X-Input`` -> ``XInput``, with every ``$ref`` rewritten."""
    components: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    renames: dict[str, str] = {}
    for name in list(components):
        match = re.fullmatch(r"(.+)-(Input|Output)", name)
        if match is None:
            continue
        base, side = match.groups()
        new = base if side == "Output" else f"{base}Input"
        if new in components:
            raise RuntimeError(f"OpenAPI: {name} would collide with {new}")
        renames[name] = new
    for old, new in renames.items():
        body = components.pop(old)
        body["title"] = new
        components[new] = body
    if renames:
        prefix = "#/components/schemas/"
        refs = {prefix + old: prefix + new for old, new in renames.items()}
        _rewrite_refs(schema, refs)


def _rewrite_refs(node: Any, refs: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in refs:
            node["$ref"] = refs[ref]
        for value in node.values():
            _rewrite_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _rewrite_refs(value, refs)


def _multipart_as_sent(schema: dict[str, Any]) -> None:
    """A form part is there or not: an optional part has no ``null`` (absent is the
    default), and a required list of files has at least one."""
    components: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("multipart/form-data", {}).get("schema", {}).get("$ref", "")
            body = components.get(ref.rsplit("/", 1)[-1]) if ref else None
            if body is None:
                continue
            required = set(body.get("required", ()))
            for name, prop in body.get("properties", {}).items():
                branches = prop.get("anyOf")
                if branches is not None:
                    kept = [b for b in branches if b.get("type") != "null"]
                    del prop["anyOf"]
                    if len(kept) == 1:
                        prop.update(kept[0])
                    else:
                        prop["anyOf"] = kept
                    if "default" in prop and prop["default"] is None:
                        del prop["default"]
                if name in required and prop.get("type") == "array":
                    prop.setdefault("minItems", 1)


def _non_empty(schema: dict[str, Any]) -> None:
    """A query string value of the API is never empty (``api.deps.single_query_values``
    refuses ``?x=``): every string in the parameter's schema has at least one character."""
    if schema.get("type") == "string":
        schema.setdefault("minLength", 1)
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            _non_empty(branch)
    if isinstance(schema.get("items"), dict):
        _non_empty(schema["items"])
