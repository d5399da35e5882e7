"""The 403, 404 and 500 pages: real pages of the site (its header and navigation), saying in plain words
what happened and where to go on (the dashboard, back, the search) — and, under ``/api/``, the API's
error shape in JSON, never a page.

The 500 page is drawn without the request's context processors first if need be: whatever broke (the
database, a context processor) may break again while drawing it. It tries the full page, then the page
without the user's navigation, then a fixed text.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from homecoming.errors import PermissionDenied

API_PREFIX = "/api/"
log = logging.getLogger("homecoming")

_PLAIN_500 = (
    "<!doctype html><html><head><meta charset='utf-8'><title>500 · Homecoming</title></head><body>"
    "<h1>Something went wrong on the server</h1><p>Nothing you did caused this. Try again in a minute; "
    "if it happens again, tell an administrator.</p><p><a href='/'>Dashboard</a></p></body></html>"
)


def _json(error: Any, status: int) -> JsonResponse:
    return JsonResponse({"error": error.as_dict()}, status=status, json_dumps_params={"ensure_ascii": False})


def _back(request: HttpRequest) -> str:
    """The page the user came from, if it is a page of this site (else nothing)."""
    referer = request.headers.get("referer", "")
    if not referer:
        return ""
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.get_host():
        return ""
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    return back if back.startswith("/") and back != request.path else ""


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """``handler403``: the user's role does not allow this page."""
    if request.path.startswith(API_PREFIX):
        perm = str(exception or "") if exception is not None else ""
        error = PermissionDenied(
            f"your role does not allow this{f' ({perm})' if perm else ''}",
            field="permission",
            value=perm or None,
            hint="ask an administrator for a role that has it",
        )
        return _json(error, 403)
    return render(request, "403.html", {"back": _back(request)}, status=403)


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """``handler404``: no page at this address (or no such record)."""
    if request.path.startswith(API_PREFIX):  # the API's error shape: ApiErrorShapeMiddleware writes it
        return HttpResponse(status=404, content_type="text/plain")
    from django.urls import reverse

    if request.path.startswith(reverse("family:home")):  # the family portal: its own look, no staff pages
        return render(request, "tracing/family/not_found.html", status=404)
    return render(request, "404.html", {"back": _back(request), "path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a bug. The page is drawn as fully as what still works allows."""
    rid = getattr(request, "request_id", "")
    if request.path.startswith(API_PREFIX):
        from homecoming.errors import HomecomingError

        error = HomecomingError(
            f"internal error (request {rid}); this is a bug",
            hint="report the request id to the administrators",
        )
        body = error.as_dict() | {"code": "internal_error"}
        return JsonResponse({"error": body}, status=500, json_dumps_params={"ensure_ascii": False})
    context = {"request_id": rid}
    try:
        return render(request, "500.html", context, status=500)
    except Exception:  # the database or a context processor failed again: no navigation then
        log.exception("the 500 page could not be drawn with the request's context")
    try:
        return HttpResponse(loader.get_template("500.html").render(context), status=500)
    except Exception:
        log.exception("the 500 page could not be drawn")
    return HttpResponse(_PLAIN_500, status=500)
