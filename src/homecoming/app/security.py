"""HTTP hardening Django 5.2 does not ship: a Content-Security-Policy; 503 (never 500) on a busy database.

* ``ContentSecurityPolicyMiddleware`` sends ``settings.CONTENT_SECURITY_POLICY`` on every response that
  does not set its own: scripts only from this site's static files (no inline script, no ``eval``, no
  other origin), no framing, forms post only here. The templates keep no inline script: behaviour lives
  in ``static/homecoming/site.js``, wired by ``data-`` attributes.
* ``DatabaseBusyMiddleware`` answers a request whose write found the database locked (SQLite while a long
  import holds the write lock, after the busy wait of ``HOMECOMING_SQLITE_BUSY_SECONDS``) with 503 and
  ``Retry-After`` — in the API's error shape under ``/api/``, as a short page elsewhere. Nothing was
  written: the request's transaction was rolled back.
* ``csrf_failure`` (``CSRF_FAILURE_VIEW``): a form whose CSRF check failed (it expired with its session,
  was opened in another browser, or cookies are off) gets a translated 403 page saying so and to reload
  and try again — in the family portal's style under ``/family/``, the staff site's elsewhere — never
  Django's technical page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from homecoming.errors import Busy

API_PREFIX = "/api/"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = str(getattr(settings, "CONTENT_SECURITY_POLICY", ""))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


def is_busy(exc: BaseException) -> bool:
    """True for the database's "locked"/"busy" error (SQLite), whatever layer wrapped it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OperationalError) or type(current).__name__ == "OperationalError":
            text = str(current).lower()
            if "database is locked" in text or "database table is locked" in text or "busy" in text:
                return True
        current = current.__cause__ or current.__context__
    return False


def busy_error() -> Busy:
    return Busy(
        "the database is busy with another change (for example a long import); nothing was changed",
        hint=f"send the same request again in {Busy.retry_after_seconds} seconds",
    )


def busy_response(request: HttpRequest) -> HttpResponse:
    error = busy_error()
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"error": error.as_dict()}, status=error.http_status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = render(
            request,
            "busy.html",
            {"retry_after": Busy.retry_after_seconds},
            status=error.http_status,
        )
    response["Retry-After"] = str(Busy.retry_after_seconds)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_busy(exception):
            return busy_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a busy database found outside a view (a middleware's write) is a 503 too; anything
    else is the 500 page of ``error_pages``."""
    import sys

    from homecoming.app.error_pages import server_error as error_page

    exc = sys.exc_info()[1]
    if exc is not None and is_busy(exc):
        return busy_response(request)
    return error_page(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form expired; reload and try again (403). ``reason`` is Django's
    technical explanation: kept out of the page (it is for developers, in English)."""
    from django.urls import Resolver404, resolve, reverse

    family = reverse("family:home")
    if not request.path.startswith(family):
        return render(request, "csrf_failed.html", status=403)
    try:
        match = resolve(request.path)
        again = request.path if match.url_name in {"request", "status"} else family
    except Resolver404:
        again = family
    return render(request, "tracing/family/csrf_failed.html", {"again": again}, status=403)
