"""The family portal (``/family/``): public pages, no log-in, in Ukrainian, Russian and English.

* ``home``: what the portal is for, the two doors.
* ``request_form``: the tracing request; on success the code and secret go to the session and the
  browser is sent to ``request_done``, which shows them once (printable) and forgets them.
* ``status_form``: the family POSTs code and secret; a right pair puts the request's id in the session
  (half an hour) and the browser is sent to the same address, which then shows the status. A wrong code
  and a wrong secret get the same page, word for word. Nothing personal is ever in a URL.

Rate limits answer 429 with ``Retry-After`` and the same form again, filled in, with a translated
message: ``settings.TRACING_SUBMIT_RATE_LIMIT`` counts per address only the requests that passed every
check (counted after checking, before anything is written: a family correcting its mistakes is never
refused, and a refused request writes nothing); ``settings.TRACING_STATUS_RATE_LIMIT`` counts look-ups per
address and per code. A POST declaring a body larger than a valid request can be is refused with 413
before it is read (``PortalBodyLimitMiddleware``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from homecoming.app import ratelimit
from homecoming.app.forms import show_problems
from homecoming.app.tracing import portal
from homecoming.app.tracing.forms import RequestForm, StatusForm
from homecoming.app.tracing.models import TracingRequest
from homecoming.errors import RateLimited, ValidationError

NEW = "tracing_new_request"  # session: the code and secret of the request just submitted, shown once
SEEN = "tracing_request"  # session: the request whose status the family opened with its pair
STATUS_SECONDS = 30 * 60


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _minutes(exc: RateLimited) -> int:
    return max(1, (exc.retry_after + 59) // 60)


def _limited(response: HttpResponse, exc: RateLimited) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(exc.retry_after)
    return response


class PortalBodyLimitMiddleware:
    """Refuse a POST to the portal whose declared body (``Content-Length``) is larger than a valid request
    can be (``portal.MAX_BODY_BYTES``: every photo at its largest and a margin) with a translated 413
    page, before anything reads the body (the CSRF check reads the form: this runs before it) and with
    nothing written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path.startswith(reverse("family:home")):
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > portal.MAX_BODY_BYTES:
                ctx = {"mb": portal.MAX_BODY_BYTES // 2**20, "photo_mb": portal.MAX_PHOTO_BYTES // 2**20}
                return render(request, "tracing/family/too_large.html", ctx, status=413)
        return self.get_response(request)


@never_cache
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "tracing/family/home.html")


@never_cache
@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = RequestForm()
        form.describe()
        return render(request, "tracing/family/request_form.html", {"form": form})
    form = RequestForm(request.POST, request.FILES)
    ctx: dict[str, Any] = {"form": form}
    limited: RateLimited | None = None
    if form.is_valid():
        try:
            submitted = portal.submit(
                data=form.cleaned_data,
                photos=form.cleaned_data.get("photos") or [],
                language=(get_language() or "uk")[:2],
                before_write=lambda: ratelimit.check_public(
                    scope="portal_submit", key=_address(request), limit=settings.TRACING_SUBMIT_RATE_LIMIT
                ),
            )
        except ValidationError as exc:
            show_problems(form, exc)
        except RateLimited as exc:  # a valid request past the limit: nothing was written
            limited = exc
            ctx["limited_minutes"] = _minutes(exc)
        else:
            status_url = request.build_absolute_uri(reverse("family:status"))
            emailed = portal.send_code(submitted, status_url=status_url)
            request.session[NEW] = {
                "code": portal.grouped(submitted.request.code),
                "secret": portal.grouped(submitted.secret, 4),
                "emailed": emailed,
            }
            return redirect("family:request_done")
    # a browser never fills a file input again: the family must choose the photos once more
    ctx["photos_again"] = bool(request.FILES.getlist("photos"))
    form.describe(again="photos" if ctx["photos_again"] else None)
    response = render(request, "tracing/family/request_form.html", ctx)
    return _limited(response, limited) if limited is not None else response


@never_cache
def request_done(request: HttpRequest) -> HttpResponse:
    shown: dict[str, Any] | None = request.session.pop(NEW, None)
    return render(request, "tracing/family/request_done.html", {"new": shown})


@never_cache
@require_http_methods(["GET", "POST"])
def status_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _look_up(request)
    seen = request.session.get(SEEN)
    found = TracingRequest.objects.filter(pk=seen).first() if seen else None
    if found is None:
        form = StatusForm()
        form.describe()
        return render(request, "tracing/family/status_form.html", {"form": form})
    ctx = {"status": portal.status(found), "code": portal.grouped(found.code)}
    return render(request, "tracing/family/status.html", ctx)


def _look_up(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST)
    code = portal.normalise_code(request.POST.get("code", ""))
    # the code as typed comes back in the form; the secret never does
    blank = StatusForm(initial={"code": request.POST.get("code", "")[:40]})
    blank.describe()
    try:
        ratelimit.check_public(
            scope="portal_status_address", key=_address(request), limit=settings.TRACING_STATUS_RATE_LIMIT
        )
        if code:
            ratelimit.check_public(
                scope="portal_status_code", key=code, limit=settings.TRACING_STATUS_RATE_LIMIT
            )
    except RateLimited as exc:
        ctx = {"form": blank, "limited_minutes": _minutes(exc)}
        return _limited(render(request, "tracing/family/status_form.html", ctx), exc)
    found = portal.find(code, request.POST.get("secret", "")) if form.is_valid() else None
    if found is None:
        # the same page for an unknown code, a wrong secret and an empty field: nothing to tell them apart
        return render(request, "tracing/family/status_form.html", {"form": blank, "wrong": True})
    request.session.cycle_key()
    request.session[SEEN] = found.pk
    if not request.user.is_authenticated:  # a signed-in officer's session keeps its own lifetime
        request.session.set_expiry(STATUS_SECONDS)
    return redirect("family:status")


@require_POST
def status_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(SEEN, None)
    return redirect("family:home")
