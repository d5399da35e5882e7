"""Pages of the captivity app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.audit import services as audit
from homecoming.app.captivity import services
from homecoming.app.captivity.forms import (
    CardForm,
    DetentionForm,
    DispatchForm,
    EligibilityForm,
    EventForm,
    HealthForm,
)
from homecoming.app.captivity.models import CaptureCard, DetentionRecord
from homecoming.app.forms import show_problems
from homecoming.app.permissions import may, page_requires
from homecoming.app.registry.models import Person
from homecoming.errors import HomecomingError


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    person: Person,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    *,
    stay: bool = False,
) -> HttpResponse:
    """Validate ``form``, call ``save`` with its data, show the service's problems on the form.

    Saved, it goes to the person's page — or, with ``stay`` (health data), back to this same form, blank:
    the person's page writes a ``view`` record naming the person, and one right after the (anonymous)
    health record would tell the auditor whose health data was written (issue 10)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, done)
            if stay:
                return redirect(request.path)
            return redirect("registry:person", person_id=person.pk)
    return render(request, "captivity/form.html", {"form": form, "title": title, "person": person})


@page_requires("captivity.add_detentionrecord")
def detention_create(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    return _form_page(
        request,
        DetentionForm(request.POST or None),
        _("Record a detention"),
        person,
        lambda d: services.create_detention(actor=request.user, person=person, data=d),
        _("Detention recorded."),
    )


@page_requires("captivity.add_detentionevent")
def event_create(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(DetentionRecord, pk=record_id)
    return _form_page(
        request,
        EventForm(request.POST or None),
        _("Add a detention event"),
        record.person,
        lambda d: services.add_event(
            actor=request.user,
            record_id=record.pk,
            kind=d["kind"],
            on=d["date"],
            place=d["place"],
            details=d["details"],
        ),
        _("Event recorded."),
    )


@page_requires("captivity.add_capturecard")
def card_create(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(DetentionRecord, pk=record_id)
    form = CardForm(request.POST or None, initial=services.card_defaults(record))
    return _form_page(
        request,
        form,
        _("Record a capture card"),
        record.person,
        lambda d: services.create_card(actor=request.user, record_id=record.pk, data=d),
        _("Capture card recorded."),
    )


@page_requires("captivity.add_healthreport")
def health_create(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(DetentionRecord, pk=record_id)
    return _form_page(
        request,
        HealthForm(request.POST or None),
        _("Add a health report"),
        record.person,
        lambda d: services.add_health_report(actor=request.user, record_id=record.pk, **d),
        _("Health report recorded."),
        stay=True,
    )


@page_requires("captivity.add_repatriationeligibility")
def eligibility_create(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(DetentionRecord, pk=record_id)
    return _form_page(
        request,
        EligibilityForm(request.POST or None),
        _("Direct repatriation (Art. 110)"),
        record.person,
        lambda d: services.set_eligibility(actor=request.user, record_id=record.pk, data=d),
        _("Eligibility recorded."),
        stay=True,
    )


_CARD_ROWS = [
    ("power", "Power on which the prisoner depends"),
    ("family_name", "name"),
    ("first_names", "first names (in full)"),
    ("father_first_name", "first name of father"),
    ("date_of_birth", "date of birth"),
    ("place_of_birth", "place of birth"),
    ("rank", "rank"),
    ("service_number", "service number"),
    ("family_address", "address of family"),
    ("taken_prisoner_on", "taken prisoner on"),
    ("coming_from", "or coming from (camp, hospital)"),
    ("health", "state of health"),
    ("present_address", "present address (prisoner number, camp)"),
    ("card_date", "date"),
]


def _bilingual(text: str, second: str) -> tuple[str, str]:
    with translation.override("en"):
        en = _(text)
    with translation.override(second):
        other = _(text)
    return en, other


@page_requires("capture_cards")
def card_detail(request: HttpRequest, card_id: int) -> HttpResponse:
    """The capture card, printable with every label in English and a second language (Annex IV B)."""
    card = get_object_or_404(CaptureCard.objects.select_related("record__person"), pk=card_id)
    second = request.GET.get("lang", card.second_language or "uk")
    hidden = set()
    if not may(request.user, "contacts"):
        hidden.add("family_address")
    if not may(request.user, "health"):
        hidden.add("health")
    rows = []
    for field, label in _CARD_ROWS:
        if field in hidden:
            value = "▇▇▇"  # the field is not read for a user who may not see it
        elif field == "health":
            value = card.get_health_display()
        else:
            value = getattr(card, field)
        rows.append((*_bilingual(label, second), value or ""))
    if "family_address" not in hidden and card.family_address:
        audit.record_view(actor=request.user, obj=card, what="family address")
    if "health" not in hidden and card.health:
        services.audit_health_view(actor=request.user, person=card.record.person)
    title = _bilingual("Capture card for prisoner of war", second)
    return render(
        request,
        "captivity/card.html",
        {"card": card, "rows": rows, "title": title, "dispatch_form": DispatchForm(), "second": second},
    )


@page_requires("captivity.add_carddispatch")
@require_POST
def card_dispatch(request: HttpRequest, card_id: int) -> HttpResponse:
    card = get_object_or_404(CaptureCard, pk=card_id)
    form = DispatchForm(request.POST)
    if form.is_valid():
        try:
            services.dispatch_card(actor=request.user, card_id=card.pk, **form.cleaned_data)
            messages.success(request, _("Dispatch recorded."))
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("captivity:card", card_id=card.pk)


@page_requires("health")
def wounded(request: HttpRequest) -> HttpResponse:
    rows = services.wounded_list()
    services.audit_wounded_list_view(actor=request.user, rows=rows, via="")
    return render(request, "captivity/wounded.html", {"rows": rows})


@page_requires("capture_cards", "person")
def overdue_cards(request: HttpRequest) -> HttpResponse:
    """Every capture card not sent within the week of Art. 70, most overdue first, in pages."""
    from django.core.paginator import Paginator

    from homecoming.app import worklists

    page = Paginator(worklists.overdue_cards(), worklists.PAGE_ROWS).get_page(request.GET.get("page"))
    return render(request, "captivity/overdue_cards.html", {"page": page, "keep": ""})
