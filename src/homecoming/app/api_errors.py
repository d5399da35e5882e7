"""Errors that happen before an API view runs (no such path, method not allowed) in the API's one shape."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
_CODES = {404: "not_found", 405: "method_not_allowed"}


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
