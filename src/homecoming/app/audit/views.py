"""The auditor's pages: the trail, filtered, and a verification of the whole chain."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homecoming.app.audit import services
from homecoming.app.audit.models import AuditRecord
from homecoming.app.permissions import page_requires


@page_requires("audit_trail")
def log(request: HttpRequest) -> HttpResponse:
    qs = AuditRecord.objects.order_by("-seq")
    for field in ("action", "object_type", "actor_name", "object_id"):
        if request.GET.get(field):
            qs = qs.filter(**{field: request.GET[field]})
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page})


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
