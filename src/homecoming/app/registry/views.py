"""Pages of the registry: dashboard, search, person page, create and edit forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.audit import services as audit
from homecoming.app.captivity import services as captivity
from homecoming.app.charts import bar_chart
from homecoming.app.forms import show_problems
from homecoming.app.identification import report_views
from homecoming.app.permissions import fetch, may, page_requires, visible
from homecoming.app.registry import duplicates, merging, services
from homecoming.app.registry.choices import PersonStatusChoice
from homecoming.app.registry.forms import (
    AssertionForm,
    CaseForm,
    NameFormSet,
    PersonForm,
    PhotoForm,
    ReviewForm,
    SearchForm,
    TransitionForm,
)
from homecoming.app.registry.models import MissingCase, Person, Photo, StatusAssertion
from homecoming.app.registry.search import Query, search_persons
from homecoming.app.tracing import enquirers as tracing_enquirers
from homecoming.app.tracing import services as tracing_services
from homecoming.domain.case_states import ALLOWED, CaseState
from homecoming.domain.case_states import LABELS as CASE_LABELS
from homecoming.errors import DuplicatePerson, HomecomingError, LikelyDuplicate
from homecoming.linkage.names import detect_script, guess_language, romanize_ru, romanize_uk


def _batches_waiting() -> list[dict[str, Any]]:
    from homecoming.app.identification.screening import batches_waiting

    return batches_waiting(limit=20)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each role's own work (``homecoming.app.dashboard``: bounded lists with "see all"), then an overview
    of the registry for who may read it."""
    from homecoming.app import dashboard as work

    user = request.user
    ctx: dict[str, Any] = {
        "sections": work.sections(user),
        # comparison reports to sign, the analyst's drafts, families to notify: each for its roles only
        "queues": report_views.dashboard_queues(user),
        # the DNA analyst's batches waiting to be screened (only for who may start a screening)
        "batches_waiting": fetch(user, "identification.add_screeningrun", _batches_waiting),
    }
    if ctx["batches_waiting"] is not None:
        ctx["batches_more"] = len(ctx["batches_waiting"]) > 10
        ctx["batches_waiting"] = ctx["batches_waiting"][:10]
    if may(user, "person"):
        counts = dict(
            Person.objects.filter(purged=False).values_list("current_status").annotate(n=Count("id"))
        )
        ctx["total"] = sum(counts.values())
        ctx["chart"] = bar_chart(
            [(str(label), counts.get(value, 0)) for value, label in PersonStatusChoice.choices],
            title=_("Persons by current status"),
        )
    if may(user, "cases"):
        case_counts = dict(MissingCase.objects.values_list("state").annotate(n=Count("id")))
        ctx["case_chart"] = bar_chart(
            [(_(CASE_LABELS[s]), case_counts.get(s.value, 0)) for s in CaseState],
            title=_("Tracing cases by state"),
        )
    return render(request, "registry/dashboard.html", ctx)


@page_requires("registry.view_person")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[Person] = []
    error = ""
    if form.is_valid():
        try:
            d = form.cleaned_data
            query = Query(
                text=d["q"],
                birth_date=d["birth_date"],
                status=d["status"],
                include_merged=d["include_merged"],
            )
            results = list(search_persons(query))
        except HomecomingError as exc:
            error = refusals.shown(exc)
    template = "registry/_results.html" if request.headers.get("HX-Request") else "registry/search.html"
    return render(
        request, template, {"form": form, "results": results, "error": error, "searched": form.is_bound}
    )


def _latin_suggestions(forms_data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Latin transliterations of Cyrillic name forms that have none (uk: 2010 standard, ru: ICAO 9303)."""
    has_latin = any(
        f.get("script") == "latin" or detect_script(f.get("family_name", "")) == "latin" for f in forms_data
    )
    if has_latin:
        return []
    out = []
    for f in forms_data:
        text = " ".join(f.get(k, "") for k in ("family_name", "given_name", "patronymic"))
        if detect_script(text) != "cyrillic":
            continue
        lang = f.get("language") or guess_language(text)
        rom = romanize_ru if lang == "ru" else romanize_uk
        out.append(
            {k: rom(f.get(k, "")) for k in ("family_name", "given_name", "patronymic")}
            | {
                "script": "latin",
                "language": lang if lang in ("uk", "ru") else "uk",
                "kind": "transliteration",
            }
        )
    return out


def _names_from(formset: Any) -> list[dict[str, Any]]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and any(f.cleaned_data.get(k) for k in ("family_name", "given_name", "patronymic"))
    ]


@page_requires("registry.add_person")
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    names = NameFormSet(request.POST or None, prefix="names")
    ctx: dict[str, Any] = {"form": form, "names": names, "creating": True}
    if request.method == "POST" and form.is_valid() and names.is_valid():
        name_data = _names_from(names)
        if request.POST.get("transliterate", "on") == "on":
            name_data += _latin_suggestions(name_data)
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("version", "reason") and v not in (None, "")
        }
        reason = request.POST.get("duplicate_reason", "").strip() or form.cleaned_data.get("reason", "")
        try:
            person = services.create_person(
                actor=request.user,
                data=data,
                names=name_data,
                reason=reason,
                warn_likely=True,
                not_duplicate=request.POST.get("not_duplicate") == "on",
            )
        except DuplicatePerson as exc:
            # the registered persons it may be, with what agrees: the user opens them, or confirms
            found = duplicates.likely_duplicates(data, name_data, limit=5)
            ctx["duplicates"] = [c for c in found if c.person.reference in exc.candidates] or found
            ctx["exact"] = not isinstance(exc, LikelyDuplicate)
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Person %(ref)s recorded.") % {"ref": person.reference})
            return redirect("registry:person", person_id=person.pk)
    return render(request, "registry/person_form.html", ctx)


@page_requires("registry.change_person")
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    initial_names = [
        {k: getattr(n, k) for k in services.NAME_FIELDS} for n in person.names.order_by("position")
    ]
    if request.method == "POST":
        form = PersonForm(request.POST, instance=person)
        names = NameFormSet(request.POST, prefix="names")
        if form.is_valid() and names.is_valid():
            data = services.emptied(
                {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
            )
            try:
                services.update_person(
                    actor=request.user,
                    person_id=person.pk,
                    expected_version=int(request.POST.get("version") or 0),
                    data=data,
                    names=_names_from(names),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except HomecomingError as exc:
                show_problems(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("registry:person", person_id=person.pk)
    else:
        form = PersonForm(instance=person, initial={"version": person.version})
        names = NameFormSet(prefix="names", initial=initial_names)
    return render(request, "registry/person_form.html", {"form": form, "names": names, "person": person})


@page_requires("person")
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person; each section only if the user ``may`` see its resource (else not even read)."""
    user = request.user
    person = get_object_or_404(
        Person.objects.select_related("merged_into").prefetch_related("names"), pk=person_id
    )
    can = visible(user)
    # names and contacts: only with the registry's permission or the tracing one (a family that came
    # through the portal is read through its request, whose contacts the liaison's role may see)
    contacts = can["contacts"] or may(user, "tracing.view_requestcontacts")
    enquirers = ("enquirers__tracing_request",) if contacts else ()
    cases = fetch(user, "cases", lambda: list(person.cases.prefetch_related("transitions", *enquirers)), [])
    shown = {
        c.pk: [
            tracing_enquirers.shown(e)
            for e in c.enquirers.all()
            if can["contacts"] or e.tracing_request_id is not None
        ]
        for c in cases
        if contacts  # without the permission the enquirers are not even read
    }
    if any(shown.values()):
        audit.record_view(actor=user, obj=person, what="enquirer contacts")
    for each in (e for rows in shown.values() for e in rows):
        if each.request is not None and not each.purged and not each.ended:
            tracing_services.view_contacts(actor=user, request=each.request)
    related = [
        name
        for name, resource in (
            ("events", "detention_events"),
            ("cards__dispatches", "capture_cards"),
            ("health_reports", "health"),
            ("eligibility", "health"),
        )
        if can[resource]
    ]
    detentions = fetch(user, "detentions", lambda: list(person.detentions.prefetch_related(*related)), [])
    if can["health"] and detentions:  # whether or not there is health data: the record must not tell
        captivity.audit_health_view(actor=user, person=person)
    ctx = {
        "person": person,
        "names": person.names.all(),
        "assertions": person.assertions.all(),
        "cases": [
            (
                c,
                [(s.value, _(CASE_LABELS[s])) for s in sorted(ALLOWED[CaseState(c.state)])],
                TransitionForm(initial={"version": c.version}, prefix=f"case{c.pk}"),
                shown.get(c.pk, []),
            )
            for c in cases
        ],
        "show_enquirers": contacts,
        "may_open_requests": may(user, "tracing.view_tracingrequest"),
        "detentions": detentions,
        "status_history": person.status_changes.all(),
        "assertion_form": AssertionForm(),
        "photos": fetch(user, "registry.view_photo", lambda: person.photos.all(), []),
        "history": fetch(user, "audit_trail", lambda: audit.history(person)[:50]),
        "merged_duplicates": list(person.merged_duplicates.order_by("reference")),
        "links": merging.history(person),
    }
    return render(request, "registry/person_detail.html", ctx)


@page_requires("registry.add_missingcase")
def case_create(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        enquirers = []
        if d["enquirer_name"]:
            enquirers.append(
                {
                    "name": d["enquirer_name"],
                    "relationship": d["enquirer_relationship"],
                    "phone": d["enquirer_phone"],
                    "email": d["enquirer_email"],
                }
            )
        data = {
            k: d[k]
            for k in (
                "last_contact_date",
                "last_contact_place",
                "last_contact_latitude",
                "last_contact_longitude",
                "unit_at_disappearance",
                "circumstances",
            )
        }
        data["external_references"] = [r.strip() for r in d["external_references"].splitlines() if r.strip()]
        try:
            case = services.open_case(actor=request.user, person=person, data=data, enquirers=enquirers)
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("registry:person", person_id=person.pk)
    return render(request, "registry/case_form.html", {"form": form, "person": person})


@page_requires("registry.change_missingcase")
@require_POST
def case_transition(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_object_or_404(MissingCase, pk=case_id)
    form = TransitionForm(request.POST, prefix=f"case{case.pk}")
    if form.is_valid():
        try:
            services.transition_case(
                actor=request.user,
                case_id=case.pk,
                target=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Case %(ref)s moved.") % {"ref": case.reference})
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    else:
        messages.error(request, _("Choose a state."))
    return redirect("registry:person", person_id=case.person_id)


@page_requires("registry.add_statusassertion")
@require_POST
def assertion_create(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = AssertionForm(request.POST)
    if form.is_valid():
        try:
            services.add_assertion(actor=request.user, person=person, **form.cleaned_data)
            messages.success(request, _("Status claim submitted for review."))
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("registry:person", person_id=person.pk)


@page_requires("registry.review_statusassertion")
@require_POST
def assertion_review(request: HttpRequest, assertion_id: int) -> HttpResponse:
    assertion = get_object_or_404(StatusAssertion, pk=assertion_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            a = services.review_assertion(actor=request.user, assertion_id=assertion.pk, **form.cleaned_data)
            messages.success(request, _("Claim %(d)s.") % {"d": a.review_state})
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("registry:person", person_id=assertion.person_id)


@page_requires("registry.add_photo")
def photo_upload(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_photo(
                actor=request.user,
                person=person,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            return redirect("registry:person", person_id=person.pk)
    return render(request, "registry/photo_form.html", {"form": form, "person": person})


@page_requires("registry.view_photo")
def photo_file(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = get_object_or_404(Photo, pk=photo_id)
    if photo.person.purged or not photo.image:
        raise Http404("no such photo")
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@page_requires(
    "registry.view_statusassertion",
    "person",
    any_of=("registry.add_statusassertion", "registry.review_statusassertion"),
)
def claims(request: HttpRequest) -> HttpResponse:
    """Status claims: waiting for review (the default), accepted or rejected; all, or one's own — for who
    submits claims (registrars, liaisons) or reviews them (reviewers)."""
    from django.core.paginator import Paginator
    from django.utils.http import urlencode

    from homecoming.app import worklists
    from homecoming.app.registry.choices import ReviewStateChoice

    state = request.GET.get("state", "submitted")
    if state not in ReviewStateChoice.values:
        state = ""
    mine = request.GET.get("mine") == "1"
    others = request.GET.get("others") == "1"
    rows = worklists.claims(
        state, submitted_by=request.user if mine else None, exclude_by=request.user if others else None
    )
    page = Paginator(rows, worklists.PAGE_ROWS).get_page(request.GET.get("page"))
    keep = {"state": state, "mine": "1" if mine else "", "others": "1" if others else ""}
    ctx = {
        "page": page,
        "state": state,
        "mine": mine,
        "others": others,
        "states": ReviewStateChoice.choices,
        "keep": urlencode({k: v for k, v in keep.items() if v}),
        "may_review": may(request.user, "registry.review_statusassertion"),
    }
    return render(request, "registry/claims.html", ctx)
