"""The auditor's pages: the trail, filtered, and a verification of the whole chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.app.audit import display, services
from homecoming.app.audit.models import AuditRecord
from homecoming.app.permissions import page_requires

PER_PAGE = 50
DATE = forms.DateInput(attrs={"type": "date"})


class TrailFilter(forms.Form):
    """What the trail can be narrowed to; the choices are the types and actions the trail holds."""

    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # what the trail holds, and what a link asks for even if no record has it (then no record matches)
        asked = self.data if self.is_bound else {}
        types = {*AuditRecord.objects.order_by().values_list("object_type", flat=True).distinct()}
        actions = {*AuditRecord.objects.order_by().values_list("action", flat=True).distinct()}
        types |= {asked["object_type"]} if asked.get("object_type") else set()
        actions |= {asked["action"]} if asked.get("action") else set()
        any_ = [("", _("any"))]
        self.fields["object_type"].choices = any_ + sorted(
            display.type_choices(types), key=lambda c: c[1].lower()
        )
        self.fields["action"].choices = any_ + sorted(
            ((a, display.action_label(a)) for a in actions), key=lambda c: c[1].lower()
        )

    def apply(self, qs: Any) -> Any:
        data = self.cleaned_data
        if data.get("object_type"):
            qs = qs.filter(object_type=data["object_type"])
        if data.get("object_id"):
            qs = qs.filter(object_id=data["object_id"].strip())
        if data.get("actor"):
            qs = qs.filter(actor_name=data["actor"].strip())
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("date_from"):
            qs = qs.filter(created__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            qs = qs.filter(created__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
        return qs


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@page_requires("audit_trail")
def log(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "actor_name" in params and "actor" not in params:  # the filter's former name (old links)
        params["actor"] = params["actor_name"]
    form = TrailFilter(params)
    qs = AuditRecord.objects.order_by("-seq")
    qs = form.apply(qs) if form.is_valid() else qs.none()
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = params.copy()
    query.pop("page", None)
    for key in [k for k, v in query.items() if not v]:
        query.pop(key)
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "entries": display.entries(page),
            "form": form,
            "query": query.urlencode(),
            "filtered": bool(query),
        },
    )


@page_requires("audit.verify_chain")
def verify(request: HttpRequest) -> HttpResponse:
    report = services.verify() if request.method == "POST" else None
    if report is not None:
        services.record(
            actor=request.user,
            action="verify",
            object_type="audit.chain",
            object_id="all",
            after={"ok": report.ok, "checked": report.checked, "first_broken_seq": report.first_broken_seq},
        )
    return render(request, "audit/verify.html", {"report": report})
