"""Pages of lab files, DNA profiles and re-association proposals.

The upload page shows every problem of a refused file in one table (row or specimen, locus, value,
fix) or the dry run's summary; a profile's alleles appear only for ``genotypes`` and each view of them
is audited (:func:`profile_data.profile_detail`); the examiner decides proposals on their list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.audit import imported
from homecoming.app.genetics import importing, profile_data, proposals
from homecoming.app.genetics.choices import LabFormat, ProfileKind
from homecoming.app.genetics.choices import ProposalDecision as Decision
from homecoming.app.genetics.models import LabFile, Profile
from homecoming.app.permissions import may, page_requires
from homecoming.app.remains.models import IntakeBatch
from homecoming.errors import AlreadyImported, HomecomingError
from homecoming.io.tables import check_size

FLAGS = ("mixture", "partial", "elimination_match", "duplicate")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Laboratory file (CMF XML, genotype table, .fam)"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("recognise from the file")), *LabFormat.choices],
    )
    batch = forms.ModelChoiceField(
        label=gettext_lazy("Intake batch (the post-mortem samples must belong to it)"),
        queryset=IntakeBatch.objects.order_by("-received_at"),
        required=False,
        to_field_name="reference",
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Check only (dry run)"), required=False)
    again = forms.CharField(
        label=gettext_lazy("Reason to import the same file again"), required=False, max_length=500
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Decision.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000)


def _problem_rows(exc: HomecomingError) -> list[dict[str, Any]]:
    """Each problem as row/specimen, locus, value, problem and fix (the reader's field names both)."""
    rows = []
    for p in exc.problems or []:
        where, _sep, locus = str(p.field).partition(", locus ")
        rows.append(
            {
                "row": p.row,
                "where": where,
                "locus": locus,
                "value": p.value,
                "message": p.message,
                "hint": p.hint,
            }
        )
    return rows


@page_requires("genetics.add_labfile")
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        batch = form.cleaned_data["batch"]
        try:
            check_size(upload_file.name, upload_file.size)
            report = importing.import_lab_file(
                actor=request.user,
                data=upload_file.read(),
                name=upload_file.name,
                format=form.cleaned_data["format"] or None,
                batch=batch,
                dry_run=form.cleaned_data["dry_run"],
                again_reason=form.cleaned_data["again"],
            )
        except AlreadyImported as exc:
            context |= {"error": imported.in_words(exc), "problems": []}
            return render(request, "genetics/lab_upload.html", context, status=409)
        except HomecomingError as exc:
            context |= {"error": exc, "problems": _problem_rows(exc)}
            return render(request, "genetics/lab_upload.html", context, status=422)
        if report.dry_run:
            context["report"] = report
            return render(request, "genetics/lab_upload.html", context)
        messages.success(
            request,
            _("%(file)s imported: %(n)d profiles.")
            % {"file": report.file_name, "n": report.counts["profiles"]},
        )
        return redirect("genetics:lab_file", lab_file_id=report.lab_file_id)
    return render(request, "genetics/lab_upload.html", context, status=422 if form.errors else 200)


@page_requires("genetics.view_labfile")
def lab_file_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(LabFile.objects.select_related("batch", "imported_by"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "genetics/lab_file_list.html", {"page": page})


@page_requires("genetics.view_labfile")
def lab_file_detail(request: HttpRequest, lab_file_id: int) -> HttpResponse:
    lab_file = get_object_or_404(LabFile.objects.select_related("batch", "imported_by"), pk=lab_file_id)
    rows = (
        lab_file.profiles.select_related(*profile_data.PROFILE_RELATED).order_by("line", "id")
        if may(request.user, "profiles")
        else Profile.objects.none()
    )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "genetics/lab_file_detail.html", {"lab_file": lab_file, "page": page})


@page_requires("profiles")
def profile_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("batch", "kind", "flag", "specimen")}
    rows = profile_data.profiles(**filters)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "genetics/profile_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": ProfileKind.choices,
            "flags": FLAGS,
            "batches": IntakeBatch.objects.order_by("-received_at").values_list("reference", flat=True)[:200],
        },
    )


@page_requires("profiles")
def profile_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(Profile.objects.select_related(*profile_data.PROFILE_RELATED), pk=profile_id)
    shown = profile_data.profile_detail(request.user, profile)
    replicates = Profile.objects.filter(specimen=profile.specimen, method=profile.method).order_by(
        "replicate", "id"
    )
    return render(
        request,
        "genetics/profile_detail.html",
        {
            "profile": profile,
            "shown": shown,
            "replicates": replicates,
            "matches": profile.elimination_matches.select_related("elimination"),
            "proposals": list(profile.proposals_from.select_related("other"))
            + list(profile.proposals_to.select_related("profile")),
        },
    )


@page_requires("genetics.view_reassociationproposal")
def proposal_list(request: HttpRequest) -> HttpResponse:
    undecided = request.GET.get("undecided", "") == "1"
    page = Paginator(profile_data.proposals(undecided=undecided), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "genetics/lab_proposals.html",
        {
            "page": page,
            "rows": [profile_data.proposal_out(p) for p in page],
            "undecided": undecided,
            "form": DecisionForm(),
            "may_decide": may(request.user, "genetics.add_proposaldecision"),
        },
    )


@page_requires("genetics.add_proposaldecision")
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("genetics:proposals")
    try:
        made = proposals.decide_proposal(
            actor=request.user,
            proposal_id=proposal_id,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
    else:
        messages.success(
            request, _("Decision recorded: %(decision)s.") % {"decision": made.get_decision_display()}
        )
    return redirect("genetics:proposals")
