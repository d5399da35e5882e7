"""Pages of comparison reports: the queues, a new report, the report with all its evidence and its
actions (propose, revise, override, sign, send back). The liaison's families to notify are in
``notification_views``.

The report page shows likelihood ratios, never alleles; the families-to-notify page holds no DNA at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.identification import report_pdf, reports
from homecoming.app.identification.models_reports import (
    CONCLUSION_CHOICES,
    KIND_CHOICES,
    RULE_CHOICES,
    STATE_CHOICES,
    ComparisonReport,
)
from homecoming.app.permissions import may, page_requires
from homecoming.app.registry.models import Person
from homecoming.app.remains.models import RemainsUnit
from homecoming.errors import HomecomingError, Problem, ValidationError

_VIEW = "identification.view_comparisonreport"
_PROPOSE = "identification.propose_comparisonreport"
_SIGN = "identification.sign_comparisonreport"
_NOTIFY = "identification.view_familynotification"


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KIND_CHOICES)
    unit = forms.CharField(label=gettext_lazy("Remains unit (reference)"), max_length=24)
    person = forms.CharField(
        label=gettext_lazy("Missing person (reference), for IDEN"), max_length=24, required=False
    )
    other_unit = forms.CharField(
        label=gettext_lazy("Other unit (reference), for EQUL and FRAG"), max_length=24, required=False
    )
    conclusion = forms.ChoiceField(label=gettext_lazy("Conclusion"), choices=CONCLUSION_CHOICES)
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SignForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), widget=forms.PasswordInput)
    otp_token = forms.CharField(
        label=gettext_lazy("Authenticator code (if you have one)"), required=False, max_length=12
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (what the analyst must do)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class OverrideForm(forms.Form):
    rule = forms.ChoiceField(label=gettext_lazy("Rule"), choices=RULE_CHOICES)
    reason = forms.CharField(label=gettext_lazy("Written reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, open_rules: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if open_rules is not None:  # offer only the rules the evidence fails and nobody overrode yet
            field = self.fields["rule"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(k, v) for k, v in RULE_CHOICES if k in open_rules]


def _fail(request: HttpRequest, exc: HomecomingError) -> None:
    for text in refusals.lines(exc):
        messages.error(request, text)


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("expected_version", "")
    return int(raw) if raw.isdigit() else None


def dashboard_queues(user: Any) -> dict[str, Any]:
    """The queues shown on the dashboard: reports to sign (reviewers), the analyst's drafts and returned
    reports, the families to notify (liaisons) — each only for the roles that hold it."""
    out: dict[str, Any] = {}
    if may(user, _SIGN):
        out["to_sign"] = list(reports.to_sign(user)[:20])
    if may(user, _PROPOSE):
        out["mine"] = list(reports.analyst_queue(user)[:20])
    if may(user, "identification.change_familynotification"):
        out["to_notify"] = list(reports.to_notify()[:20])
    return out


@page_requires(_VIEW)
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    ctx = {
        "to_sign": list(reports.to_sign(user)[:200]) if may(user, _SIGN) else None,
        "mine": list(reports.analyst_queue(user)[:200]) if may(user, _PROPOSE) else None,
        "recent": list(ComparisonReport.objects.select_related("unit", "person").order_by("-id")[:100]),
    }
    return render(request, "identification/report_list.html", ctx)


def _ids(d: dict[str, Any]) -> dict[str, Any]:
    """The form's references as the service's ids (an unknown reference is a problem naming it)."""
    problems = []
    data: dict[str, Any] = {"kind": d["kind"], "conclusion": d["conclusion"], "note": d["note"]}
    for field, model, what in (
        ("unit", RemainsUnit, "remains unit"),
        ("other_unit", RemainsUnit, "remains unit"),
        ("person", Person, "person"),
    ):
        ref = (d.get(field) or "").strip()
        if not ref:
            continue
        pk = model.objects.filter(reference__iexact=ref).values_list("pk", flat=True).first()
        if pk is None:
            problems.append(Problem(field, f"no {what} with reference {ref}", ref, "check the reference"))
        data[field] = pk
    if problems:
        raise ValidationError.from_problems(problems, "the comparison report")
    return data


@page_requires(_VIEW, _PROPOSE)
def report_new(request: HttpRequest) -> HttpResponse:
    form = ReportForm(
        request.POST or None, initial={k: request.GET.get(k, "") for k in ("kind", "unit", "person")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = reports.draft(actor=request.user, data=_ids(form.cleaned_data))
        except HomecomingError as exc:
            from homecoming.app.forms import show_problems

            show_problems(form, exc)
        else:
            return redirect("identification:report", report.pk)
    return render(request, "identification/report_new.html", {"form": form})


@page_requires(_VIEW)
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = reports.get_report(report_id)
    ev = report.evidence
    data = ev.data if ev else {}
    without = {r["marker"]: r["lr"] for r in data.get("per_marker_without_mutation", [])}
    rows = [
        {
            "marker": r["marker"],
            "lr": r["lr"],
            "plain": without.get(r["marker"], ""),
            "inconsistent": r["marker"] in data.get("inconsistent", []),
            "unexplained": r["marker"] in data.get("unexplained", []),
        }
        for r in data.get("per_marker", [])
    ]
    user = request.user
    ctx = {
        "report": report,
        "ev": ev,
        "data": data,
        "rows": rows,
        "rules": dict(RULE_CHOICES),
        "failed": reports.failed_rules(report),
        "open": reports.open_rules(report),
        "overrides": list(ev.overrides.select_related("actor")) if ev else [],
        "transitions": list(report.transitions.select_related("actor", "evidence").order_by("at", "id")),
        "may_propose": may(user, _PROPOSE),
        "may_sign": may(user, _SIGN) and report.proposed_by_id != user.pk,
        "may_override": may(user, "identification.override_rule"),
        "sign_form": SignForm(),
        "return_form": ReturnForm(),
        "override_form": OverrideForm(open_rules=reports.open_rules(report)),
        "states": dict(STATE_CHOICES),
        "scope_label": report_pdf.scope_label(report.scope),
        "mutation_label": report_pdf.mutation_label(
            ((data.get("provenance", {}).get("parameters", {}).get("mutation") or {}).get("male") or {}).get(
                "model"
            )
        ),
    }
    return render(request, "identification/report_detail.html", ctx)


def _act(request: HttpRequest, report_id: int, done: str, action: Any) -> HttpResponse:
    try:
        action()
    except HomecomingError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("identification:report", report_id)


@require_POST
@page_requires(_VIEW, _PROPOSE)
def report_propose(request: HttpRequest, report_id: int) -> HttpResponse:
    v = _version(request)
    return _act(
        request,
        report_id,
        _("Proposed: it waits for a reviewer's signature."),
        lambda: reports.propose(actor=request.user, report_id=report_id, expected_version=v),
    )


@require_POST
@page_requires(_VIEW, _PROPOSE)
def report_revise(request: HttpRequest, report_id: int) -> HttpResponse:
    v = _version(request)
    return _act(
        request,
        report_id,
        _("Revised: the evidence was computed again."),
        lambda: reports.revise(actor=request.user, report_id=report_id, expected_version=v),
    )


@require_POST
@page_requires(_VIEW, _SIGN)
def report_sign(request: HttpRequest, report_id: int) -> HttpResponse:
    v = _version(request)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Signing needs your password."))
        return redirect("identification:report", report_id)
    d = form.cleaned_data
    return _act(
        request,
        report_id,
        _("Signed."),
        lambda: reports.sign(
            actor=request.user,
            report_id=report_id,
            password=d["password"],
            otp_token=d["otp_token"],
            expected_version=v,
        ),
    )


@require_POST
@page_requires(_VIEW, _SIGN)
def report_return(request: HttpRequest, report_id: int) -> HttpResponse:
    v = _version(request)
    reason = request.POST.get("reason", "")
    return _act(
        request,
        report_id,
        _("Sent back to the analyst."),
        lambda: reports.send_back(actor=request.user, report_id=report_id, reason=reason, expected_version=v),
    )


@require_POST
@page_requires(_VIEW)
def report_override(request: HttpRequest, report_id: int) -> HttpResponse:
    """The override form (offered only to holders of ``identification.override_rule``); anyone else who
    posts it is refused by the service with a message naming the role to ask."""
    rule, reason = request.POST.get("rule", ""), request.POST.get("reason", "")
    return _act(
        request,
        report_id,
        _("Rule overridden."),
        lambda: reports.override_rule(actor=request.user, report_id=report_id, rule=rule, reason=reason),
    )
