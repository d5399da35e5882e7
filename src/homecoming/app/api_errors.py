"""The API's one error shape: its schema, the error answers every operation documents, and the errors
that happen before an API view runs (no such path, method not allowed) rewritten into it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from pydantic import BaseModel, ConfigDict, Field

from homecoming.errors import Problem, ValidationError


class ProblemOut(BaseModel):
    """One problem of an input: the field (or row), what is wrong, the refused value, how to fix it."""

    model_config = ConfigDict(title="Problem")
    field: str
    message: str
    value: Any = Field(description="the refused value (any JSON value), or null")
    hint: str
    row: int | None = Field(description="the row of an imported file, or null")


class ErrorBody(BaseModel):
    model_config = ConfigDict(title="ErrorBody")
    code: str = Field(description="machine-readable: validation_failed, not_found, edit_conflict, …")
    message: str
    field: str | None
    value: Any = Field(description="the refused value (any JSON value), or null")
    hint: str
    problems: list[ProblemOut]


class ErrorOut(BaseModel):
    """Every error answer of the API, whatever its status."""

    model_config = ConfigDict(title="Error")
    error: ErrorBody


# The error answers an operation documents, and when they apply (see ``document_errors``).
ERROR_STATUSES: dict[int, str] = {
    400: "Bad request: the body is not JSON, or not of the declared content type.",
    401: "Not authenticated: no API token, or one that is unknown, revoked or of an inactive user.",
    403: "Forbidden: the token's role does not allow this operation (the permission is named).",
    404: "Not found: no object with the id or key of the path, or named by a field of the body "
    "(the field and value are named).",
    409: "Conflict: the object is not in a state that allows this, or someone else saved first "
    "(code edit_conflict: reload, redo the change, send the new version).",
    422: "Invalid input: every field that fails its rules is listed in problems, with the value and the fix. "
    "No text, in the query or the body, may hold a NUL character (U+0000).",
    429: "Too many requests for this token: wait the seconds of the Retry-After header, then retry.",
    503: "Busy: the database is locked by another write (SQLite); nothing was saved. Retry after the "
    "seconds of the Retry-After header.",
}


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an OpenAPI operation can answer with.

    Every operation needs a token (401, 429) and a permission (403), and can refuse its parameters or
    body (422; a query parameter it ignores is still checked for NUL characters); one with an object in
    its path or a body (which may name objects) can find none (404); one with a body can be sent
    something that is not JSON (400); one that writes can meet a state that does not allow it or a
    newer version (409), or a database busy with another write (503; reads never write).
    """
    statuses = [401, 403, 422, 429]
    params = operation.get("parameters", [])
    if any(p.get("in") == "path" for p in params) or "requestBody" in operation:
        statuses.append(404)
    if "requestBody" in operation:
        statuses.append(400)
    if method.lower() in ("post", "put", "patch", "delete"):
        statuses += [409, 503]
    return sorted(statuses)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error shape (``Error``) and each operation's error answers to an OpenAPI schema."""
    definition = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definition.pop("$defs", {}))
    components["Error"] = definition
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation):
                responses.setdefault(status, {"description": ERROR_STATUSES[status], "content": ref})
    return schema


API_PREFIX = "/api/"
_CODES = {404: "not_found", 405: "method_not_allowed"}


def _nul_in(value: Any, where: str) -> tuple[str, str] | None:
    """The first text in a JSON value that holds a NUL character: (its place, the text)."""
    if isinstance(value, str):
        return (where, value) if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return (f"{where}.{key}".strip("."), key)
        found = _nul_in(item, f"{where}.{key}".strip("."))
        if found:
            return found
    return None


def refuse_nul_characters(request: HttpRequest) -> None:
    """Refuse a request whose query or JSON body holds a NUL character in any text (PostgreSQL cannot
    store one, and no field needs one): ValidationError naming the parameter or field."""
    found = _nul_in({k: "".join(request.GET.getlist(k)) for k in request.GET}, "")
    if found is None and request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None  # not JSON: the API's own parsing refuses it (400)
        found = _nul_in(body, "")
    if found is not None:
        place, text = found
        place = place or "body"
        raise ValidationError.from_problems(
            [
                Problem(
                    place,
                    "holds a NUL character (U+0000), which no text may hold",
                    text[:80].replace("\x00", "\\x00"),
                    "remove the NUL characters",
                )
            ]
        )


class ApiErrorShapeMiddleware:
    """Rewrite a non-JSON error response under /api/ (Django's own 404 and 405) into the error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        allowed = response.get("Allow", "")
        if status == 405:
            message = f"{request.method} is not allowed on {request.path}"
            hint = f"use one of: {allowed}" if allowed else "see /api/v1/openapi.json"
        else:
            message = f"no API endpoint at {request.path}" if status == 404 else f"HTTP {status}"
            hint = "see /api/v1/openapi.json for the endpoints"
        body = {
            "error": {
                "code": _CODES.get(status, f"http_{status}"),
                "message": message,
                "field": "path" if status == 404 else "method" if status == 405 else None,
                "value": request.path if status == 404 else request.method,
                "hint": hint,
                "problems": [],
            }
        }
        new = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        if allowed:
            new["Allow"] = allowed
        return new
