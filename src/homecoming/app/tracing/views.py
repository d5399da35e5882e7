"""The liaison officer's pages: the queue of tracing requests and a request with its candidates and actions.

The queue and the request need ``tracing.view_tracingrequest``; the family's contacts and the casework
notes (calls, what the family said) only show with ``tracing.view_requestcontacts``, photos with
``view_requestphoto`` (each view of contacts and notes audited); every
action needs ``tracing.change_tracingrequest`` (releases ``tracing.add_release``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.lookup import by_id
from homecoming.app.permissions import may, page_requires
from homecoming.app.registry.models import MissingCase, Person
from homecoming.app.registry.numbers import normalise_number
from homecoming.app.tracing import confirmations, display, matching, portal, services
from homecoming.app.tracing.forms import (
    AssignForm,
    LinkForm,
    MergeForm,
    NoteForm,
    ReleaseForm,
    TransitionForm,
)
from homecoming.app.tracing.models import (
    INFORMED_METHODS,
    STATE_CHOICES,
    RequestNameKey,
    RequestPhoto,
    TracingRequest,
)
from homecoming.errors import HomecomingError, NotFound
from homecoming.linkage.names import query_key_sets

VIEW = "tracing.view_tracingrequest"
CHANGE = "tracing.change_tracingrequest"
CONTACTS = "tracing.view_requestcontacts"
PHOTOS = "tracing.view_requestphoto"
RELEASE = "tracing.add_release"
QUEUE_ROWS = 200  # a page of the queue


def due(req: TracingRequest) -> Any:
    return req.received_at + timedelta(days=settings.TRACING_FIRST_ANSWER_DAYS)


def _search(rows: QuerySet[TracingRequest], text: str) -> QuerySet[TracingRequest]:
    """The requests whose reference (TR-…) or service number is ``text``, or whose sought person's names
    share a key with every word of it (``linkage.names``: any script, given-name equivalents)."""
    text = text.strip()
    found = Q(reference__iexact=text) | Q(service_number=normalise_number(text))
    words = query_key_sets(text)
    if words:
        by_name = Q()
        for keys in words:
            ids = RequestNameKey.objects.filter(key__in=sorted(k[:64] for k in keys)).values("request_id")
            by_name &= Q(pk__in=ids)
        found |= by_name
    return rows.filter(found)


@page_requires(VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    search = request.GET.get("q", "").strip()[:200]
    rows = TracingRequest.objects.select_related("assigned_to", "merged_into").order_by("received_at", "id")
    states = [s for s, _label in STATE_CHOICES]
    if state in states:
        rows = rows.filter(state=state)
    else:
        state = ""
        if not search:  # a search finds closed requests too
            rows = rows.exclude(state="closed")
    mine = request.GET.get("mine") == "1"
    if mine:
        rows = rows.filter(assigned_to=request.user)
    # the other side's families ("I Want to Find"): requests about soldiers of another party
    other = request.GET.get("side") == "other"
    if other:
        rows = rows.filter(confirmations.other_side_filter())
    if search:
        rows = _search(rows, search)
    # oldest first (a work queue), in pages: every request is reachable
    page = Paginator(rows, QUEUE_ROWS).get_page(request.GET.get("page"))
    keep = {"state": state, "mine": "1" if mine else "", "side": "other" if other else "", "q": search}
    now = timezone.now()
    limit = now - timedelta(days=settings.TRACING_FIRST_ANSWER_DAYS)
    listed = [
        {
            "r": r,
            "due": due(r),
            "overdue": r.state in ("received", "matched", "under_search") and r.received_at < limit,
        }
        for r in page.object_list
    ]
    counts = {s: TracingRequest.objects.filter(state=s).count() for s in states}
    overdue = TracingRequest.objects.filter(
        Q(state__in=("received", "matched", "under_search")), received_at__lt=limit
    ).count()
    ctx = {
        "rows": listed,
        "page": page,
        "keep": urlencode({k: v for k, v in keep.items() if v}),
        "search": search,
        "state": state,
        "mine": mine,
        "other": other,
        "other_count": TracingRequest.objects.filter(confirmations.other_side_filter())
        .exclude(state="closed")
        .count(),
        "states": [(s, label, counts[s]) for s, label in STATE_CHOICES],
        "overdue": overdue,
    }
    return render(request, "tracing/queue.html", ctx)


def _assignees() -> list[tuple[str, str]]:
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    perm = Q(groups__permissions__codename="change_tracingrequest") | Q(is_superuser=True)
    return [("", "—")] + [(str(u.pk), u.username) for u in users.filter(perm).distinct()]


def _families(req: TracingRequest) -> list[Any]:
    from homecoming.app.genetics.models import ReferenceFamily

    return list(
        ReferenceFamily.objects.filter(members__person_id=req.person_id, members__removed__isnull=True)
        .distinct()
        .order_by("reference")
    )


@page_requires(VIEW)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    try:
        req = services.get_request(request_id)
    except NotFound as exc:
        return render(request, "tracing/not_found.html", {"message": str(exc)}, status=404)
    show_contacts = may(request.user, CONTACTS)
    if show_contacts:
        services.view_contacts(actor=request.user, request=req)
    may_change = may(request.user, CHANGE)
    may_release = may(request.user, RELEASE)
    assign = AssignForm(initial={"user": str(req.assigned_to_id or "")})
    assign.fields["user"].choices = _assignees()
    known = confirmations.facts(req, request.user) if may_release else []
    ctx = {
        "req": req,
        "due": due(req),
        "show_contacts": show_contacts,
        "photos": list(req.photos.all()) if may(request.user, PHOTOS) else [],
        "transitions": display.transitions(req.transitions.select_related("actor")),
        "releases": [
            {"r": r, "evidence": display.evidence(r.basis or "")}
            for r in req.releases.select_related("released_by")
        ],
        # the casework notes record calls and what the family said: for the roles that see its contacts
        "notes": list(req.notes.select_related("author")) if show_contacts else None,
        "duplicates": list(req.duplicates.all()),
        "candidates": [
            (c, display.agrees(c.reasons))
            for c in (matching.person_candidates(req) if may(request.user, "person") else [])
        ],
        "similar": [(c, display.agrees(c.reasons)) for c in matching.request_candidates(req)],
        "may_change": may_change,
        "may_release": may_release,
        "link_form": LinkForm(),
        "merge_form": MergeForm(),
        "assign_form": assign,
        "transition_form": TransitionForm(current=req.state),
        "release_form": ReleaseForm(),
        # what the registry confirms about the linked person, to release with its records
        "facts": known,
        # the generic "we are searching" text only while the registry confirms nothing
        "suggestions": confirmations.suggestions(req, request.user, known=known) if may_release else [],
        "informed_methods": INFORMED_METHODS,
        "other_side": confirmations.other_side(req),
        # the reference families of the linked person (reference samples, consent: the genetics app)
        "families": _families(req) if req.person_id and may(request.user, "families") else None,
        "may_open_family": may(request.user, "genetics.add_referencefamily"),
        "note_form": NoteForm(),
    }
    return render(request, "tracing/request_detail.html", ctx)


@page_requires(PHOTOS)
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    try:
        item = by_id(RequestPhoto.objects.all(), photo_id, what="photo", field="photo")
    except NotFound as exc:
        return render(request, "tracing/not_found.html", {"message": str(exc)}, status=404)
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _act(request: HttpRequest, request_id: int, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except HomecomingError as exc:
        for text in refusals.lines(exc):
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("tracing:request", request_id=request_id)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("expected_version", "")
    return int(raw) if raw.isdigit() else None


def _person_id(reference: str) -> int:
    found = Person.objects.filter(reference=reference.strip().upper()).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound(f"no person with reference {reference!r}", field="person", value=reference)
    return int(found)


def _case_id(reference: str) -> int | None:
    """The missing case of ``reference`` (MC-…), or None when none was chosen."""
    if not reference.strip():
        return None
    found = (
        MissingCase.objects.filter(reference=reference.strip().upper()).values_list("pk", flat=True).first()
    )
    if found is None:
        raise NotFound(f"no missing case with reference {reference!r}", field="case", value=reference)
    return int(found)


def _request_id(reference: str) -> int:
    found = (
        TracingRequest.objects.filter(reference=reference.strip().upper())
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise NotFound(f"no tracing request with reference {reference!r}", field="into", value=reference)
    return int(found)


@require_POST
@page_requires(VIEW, CHANGE)
def link(request: HttpRequest, request_id: int) -> HttpResponse:
    def act() -> None:
        services.link_person(
            actor=request.user,
            request_id=request_id,
            person_id=_person_id(request.POST.get("person", "")),
            case_id=_case_id(request.POST.get("case", "")),
            confirm=request.POST.get("confirm") in ("on", "true", "1"),
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )

    return _act(request, request_id, act, _("Linked: the request is about this person."))


@require_POST
@page_requires(VIEW, CHANGE)
def merge(request: HttpRequest, request_id: int) -> HttpResponse:
    def act() -> None:
        services.merge(
            actor=request.user,
            request_id=request_id,
            into_id=_request_id(request.POST.get("into", "")),
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )

    return _act(request, request_id, act, _("Merged: one case, both enquirers kept."))


@require_POST
@page_requires(VIEW, CHANGE)
def assign(request: HttpRequest, request_id: int) -> HttpResponse:
    raw = request.POST.get("user", "")

    def act() -> None:
        services.assign(
            actor=request.user,
            request_id=request_id,
            user_id=int(raw) if raw.isdigit() else None,
            expected_version=_version(request),
        )

    return _act(request, request_id, act, _("Assignment recorded."))


@require_POST
@page_requires(VIEW, CHANGE)
def transition(request: HttpRequest, request_id: int) -> HttpResponse:
    def act() -> None:
        services.transition(
            actor=request.user,
            request_id=request_id,
            state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )

    return _act(request, request_id, act, _("State changed."))


@require_POST
@page_requires(VIEW, RELEASE)
def release(request: HttpRequest, request_id: int) -> HttpResponse:
    def act() -> None:
        released = services.release(
            actor=request.user,
            request_id=request_id,
            text=request.POST.get("text", ""),
            expected_version=_version(request),
        )
        portal.send_news(released.request, status_url=request.build_absolute_uri(reverse("family:status")))

    return _act(request, request_id, act, _("Released: the family sees this text on their status page."))


@require_POST
@page_requires(VIEW, CHANGE)
def note(request: HttpRequest, request_id: int) -> HttpResponse:
    def act() -> None:
        services.add_note(actor=request.user, request_id=request_id, text=request.POST.get("text", ""))

    return _act(request, request_id, act, _("Note recorded."))


@require_POST
@page_requires(VIEW, RELEASE)
def confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    def act() -> None:
        released = confirmations.confirm(
            actor=request.user,
            request_id=request_id,
            fact=request.POST.get("fact", ""),
            text=request.POST.get("text", ""),
            informed_method=request.POST.get("informed_method", ""),
            informed_at=request.POST.get("informed_at", ""),
            expected_version=_version(request),
        )
        portal.send_news(released.request, status_url=request.build_absolute_uri(reverse("family:status")))

    return _act(request, request_id, act, _("Confirmed: the family sees this text on their status page."))
