"""Pages of the handover of remains and effects to the family: the list (identified bodies ready, the
handovers recorded), the form (signed with the officer's password), one handover, and its printable
record (HTML with print CSS, or PDF by WeasyPrint) in Ukrainian, English or Russian.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app import refusals
from homecoming.app.audit import services as audit
from homecoming.app.forms import show_problems
from homecoming.app.permissions import may, page_requires
from homecoming.app.printed import Printed
from homecoming.app.remains import handover
from homecoming.app.remains.models import RemainsUnit
from homecoming.app.remains.models_handover import FamilyHandover, IdentityDocument
from homecoming.errors import HomecomingError

_VIEW = "remains.view_familyhandover"
LANGUAGES = ("uk", "en", "ru")
PRINTED = Printed("remains/family_handover_print.html", LANGUAGES, "handover record")


class HandoverForm(forms.Form):
    receiver_name = forms.CharField(label=gettext_lazy("Received by (name)"), max_length=200)
    receiver_relation = forms.CharField(label=gettext_lazy("Relation to the dead"), max_length=100)
    id_document_type = forms.ChoiceField(
        label=gettext_lazy("Identity document checked"), choices=IdentityDocument.choices
    )
    id_document_number = forms.CharField(label=gettext_lazy("Identity document number"), max_length=64)
    handed_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    units = forms.MultipleChoiceField(
        label=gettext_lazy("Remains handed over"), widget=forms.CheckboxSelectMultiple
    )
    effects = forms.MultipleChoiceField(
        label=gettext_lazy("Personal effects handed over (sealed packets)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    password = forms.CharField(label=gettext_lazy("Your password (signature)"), widget=forms.PasswordInput)
    otp_token = forms.CharField(
        label=gettext_lazy("Authenticator code (if you have one)"), required=False, max_length=12
    )

    def __init__(self, *args: Any, units: list[RemainsUnit], effects: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(str(u.pk), f"{u.reference} · {u.bag_number}") for u in units]
        self.fields["effects"].choices = [
            (str(e.pk), f"{e.reference} · {_('packet')} {e.packet_number or '—'} · {e.description}")
            for e in effects
        ]


@page_requires(_VIEW)
def handover_list(request: HttpRequest) -> HttpResponse:
    may_perform = may(request.user, handover.PERFORM)
    ready = []
    if may_perform:
        for unit in handover.ready_units()[:200]:
            ready.append({"unit": unit, "who": handover.identified_as(unit)})
    ctx = {
        "ready": ready,
        "may_perform": may_perform,
        "done": list(FamilyHandover.objects.select_related("person", "officer")[:200]),
    }
    return render(request, "remains/family_handover_list.html", ctx)


def _same_person_units(unit: RemainsUnit, who: handover.Identified | None) -> list[RemainsUnit]:
    """The unit, and the other identified units of the same person (body parts identified on their own)."""
    units = [unit]
    if who is not None:
        for other in handover.ready_units().exclude(pk=unit.pk):
            found = handover.identified_as(other)
            if found is not None and found.person.pk == who.person.pk:
                units.append(other)
    return units


@page_requires(_VIEW, handover.PERFORM)
def handover_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The handover form for an identified unit; for any other unit, the reason it cannot be handed over."""
    unit = get_object_or_404(RemainsUnit.objects.select_related("batch"), pk=unit_id)
    refusal = ""
    try:
        handover.refuse_unidentified(unit)
    except HomecomingError as exc:
        refusal = refusals.shown(exc)
    who = handover.identified_as(unit)
    units = _same_person_units(unit, who)
    effects = handover.effects_to_return(units)
    initial = {
        "handed_at": timezone.localtime().replace(microsecond=0),
        "units": [str(unit.pk)],
        "effects": [str(e.pk) for e in effects if e.unit_id == unit.pk],
    }
    form = HandoverForm(request.POST or None, initial=initial, units=units, effects=effects)
    if request.method == "POST" and not refusal and form.is_valid():
        d = form.cleaned_data
        data = {k: v for k, v in d.items() if k not in ("password", "otp_token")}
        try:
            h = handover.hand_over(
                actor=request.user, data=data, password=d["password"], otp_token=d["otp_token"]
            )
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Handed over to the family: %(ref)s.") % {"ref": h.reference})
            return redirect("remains:family_handover", h.pk)
    if refusal:
        messages.error(request, refusal)
    ctx = {"unit": unit, "who": who, "form": None if refusal else form, "effects": effects}
    return render(request, "remains/family_handover_new.html", ctx, status=409 if refusal else 200)


RECEIVER = "handover_receiver"


def receiver_of(h: FamilyHandover, user: Any) -> dict[str, str] | None:
    """Who in the family received (name, relation, identity document, the handover's notes): family personal
    data, read only for a role that ``may`` see it (``handover_receiver``); None for any other."""
    if not may(user, RECEIVER):
        return None
    return {
        "name": h.receiver_name,
        "relation": h.receiver_relation,
        "document": str(dict(IdentityDocument.choices).get(h.id_document_type, h.id_document_type)),
        "document_number": h.id_document_number,
        "notes": h.notes,
    }


def audit_view(user: Any, h: FamilyHandover, what: str) -> None:
    """Every view of a handover is audited, saying whether it showed the receiver's identity."""
    shown = " with the receiver's identity" if may(user, RECEIVER) else ""
    audit.record_view(actor=user, obj=h, what=f"{what}{shown}")


def context(h: FamilyHandover, user: Any) -> dict[str, Any]:
    """The handover's page and record: the receiver's identity only for a role that may see it."""
    items = list(h.items.select_related("unit", "effect", "custody_event").order_by("id"))
    packets: dict[str, list[Any]] = {}
    for i in items:
        if i.effect_id:
            packets.setdefault(i.packet_number or "—", []).append(i)
    return {
        "h": h,
        "units": [i for i in items if i.unit_id],
        "packets": sorted(packets.items()),
        "effect_count": sum(len(v) for v in packets.values()),
        "receiver": receiver_of(h, user),
    }


@page_requires(_VIEW)
def handover_detail(request: HttpRequest, handover_id: int) -> HttpResponse:
    h = handover.get_handover(handover_id)
    audit_view(request.user, h, "handover to the family")
    return render(request, "remains/family_handover_detail.html", context(h, request.user))


def language(request: HttpRequest) -> str:
    """``?lang=`` (uk, en or ru), else the language of the reader's pages, else Ukrainian."""
    return PRINTED.language(request)


def response(request: HttpRequest, h: FamilyHandover, *, pdf: bool) -> HttpResponse:
    """The print view or the PDF (audited); a bad ``lang`` is a 400 naming it."""

    def audited(form: str, lang: str) -> None:
        audit_view(request.user, h, f"handover record ({form}, {lang})")

    return PRINTED.response(
        request, lambda: context(h, request.user), reference=h.reference, pdf=pdf, audited=audited
    )


@page_requires(_VIEW)
def handover_print(request: HttpRequest, handover_id: int) -> HttpResponse:
    return response(request, handover.get_handover(handover_id), pdf=False)


@page_requires(_VIEW)
def handover_pdf(request: HttpRequest, handover_id: int) -> HttpResponse:
    return response(request, handover.get_handover(handover_id), pdf=True)
