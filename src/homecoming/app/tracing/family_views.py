"""The family portal (``/family/``): public pages, no log-in, in Ukrainian, Russian and English.

* ``home``: what the portal is for, the two doors.
* ``request_form``: the tracing request; on success the code and secret go to the session and the
  browser is sent to ``request_done``, which shows them once (printable) and forgets them.
* ``status_form``: the family POSTs code and secret; a right pair puts the request's id in the session
  (half an hour) and the browser is sent to the same address, which then shows the status. A wrong code
  and a wrong secret get the same page, word for word. Nothing personal is ever in a URL.

Rate limits (``settings.TRACING_SUBMIT_RATE_LIMIT`` per address for requests,
``settings.TRACING_STATUS_RATE_LIMIT`` per address and per code for look-ups) answer 429 with a
translated page and ``Retry-After``.
"""

from __future__ import annotations

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


def _limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    minutes = max(1, (exc.retry_after + 59) // 60)
    response = render(request, "tracing/family/limited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


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
    try:
        ratelimit.check_public(
            scope="portal_submit", key=_address(request), limit=settings.TRACING_SUBMIT_RATE_LIMIT
        )
    except RateLimited as exc:
        return _limited(request, exc)
    form = RequestForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submitted = portal.submit(
                data=form.cleaned_data,
                photos=form.cleaned_data.get("photos") or [],
                language=(get_language() or "uk")[:2],
            )
        except ValidationError as exc:
            show_problems(form, exc)
        else:
            status_url = request.build_absolute_uri(reverse("family:status"))
            emailed = portal.send_code(submitted, status_url=status_url)
            request.session[NEW] = {
                "code": portal.grouped(submitted.request.code),
                "secret": portal.grouped(submitted.secret, 4),
                "emailed": emailed,
            }
            return redirect("family:request_done")
    form.describe()
    return render(request, "tracing/family/request_form.html", {"form": form})


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
    try:
        ratelimit.check_public(
            scope="portal_status_address", key=_address(request), limit=settings.TRACING_STATUS_RATE_LIMIT
        )
        if code:
            ratelimit.check_public(
                scope="portal_status_code", key=code, limit=settings.TRACING_STATUS_RATE_LIMIT
            )
    except RateLimited as exc:
        return _limited(request, exc)
    found = portal.find(code, request.POST.get("secret", "")) if form.is_valid() else None
    if found is None:
        # the same page for an unknown code, a wrong secret and an empty field: nothing to tell them apart
        blank = StatusForm(initial={"code": request.POST.get("code", "")[:40]})
        blank.describe()
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
