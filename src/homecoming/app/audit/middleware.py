"""Give every request an id, used by audit records and echoed in the X-Request-Id header."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from homecoming.app.audit.context import new_request_id, request_id


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = new_request_id("r-")
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            request_id.set("")
        response["X-Request-Id"] = rid
        return response
