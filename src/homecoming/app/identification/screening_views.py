"""Pages of screening: the batches waiting, a batch's identification page (start a run, follow it,
read every body's candidates and conclusion, a chart of LRs per body)."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from homecoming.app.charts import bar_chart
from homecoming.app.forms import show_problems
from homecoming.app.genetics.choices import ConsentScope
from homecoming.app.identification import screening
from homecoming.app.identification.models_screening import RunStatus, ScreeningRun
from homecoming.app.permissions import may, page_requires
from homecoming.app.remains.models import IntakeBatch
from homecoming.errors import HomecomingError
from homecoming.kinship.dvi.identification import APPROXIMATE, EXACT

CONCLUSION_LABELS = {
    "identified": _lazy("identified (undisputed)"),
    "probable": _lazy("probable (best assignment)"),
    "inconclusive": _lazy("inconclusive"),
    "no_match": _lazy("no match"),
    "excluded": _lazy("excluded"),
}

# the rule that gave a conclusion, by the first words of the rule stored (kinship.dvi.conclusions: the
# English sentence with its numbers stays in the API and, in English, in the page)
RULE_TEXTS = {
    "undisputed:": _lazy(
        "undisputed: the LR reaches the threshold and the threshold times every alternative"
    ),
    "joint:": _lazy("match in the joint table of the family (generalised LR at or above the threshold)"),
    "probable:": _lazy("probable: the only LR above the second threshold, not enough for an identification"),
    "disputed:": _lazy("disputed: several LRs above the second threshold"),
    "inconclusive:": _lazy("inconclusive: the best LR is at least 1 but not high enough"),
    "no match:": _lazy("no match: every LR is below 1"),
    "excluded:": _lazy(
        "excluded: every candidate pairing has too many markers inconsistent without mutation"
    ),
    "symmetric match:": _lazy("symmetric match: the DNA cannot tell which of two missing persons this is"),
    "nonidentifiable:": _lazy("not identifiable: the missing person is not related to any typed reference"),
    "joint analysis skipped:": _lazy("the family's joint analysis was skipped (too many assignments)"),
    "no missing person in scope": _lazy("no missing person in scope is a candidate (LR above 1)"),
}
METHOD_LABELS = {
    EXACT: _lazy("exact enumeration"),
    APPROXIMATE: _lazy("approximate: the most likely assignment by bipartite matching"),
}


def rule_text(rule: str) -> str:
    """The rule of a conclusion in the reader's language (the stored English sentence in English)."""
    if get_language() == "en":
        return rule
    for prefix, text in RULE_TEXTS.items():
        if rule.startswith(prefix):
            return str(text)
    return rule


def component_note(component: dict[str, Any]) -> str:
    """Why a component was not enumerated, in the reader's language."""
    if not component.get("note"):
        return ""
    several = "several missing persons" in component["note"]
    return _(
        "%(n)s assignments exceed the limit: the most likely assignment is given, without posteriors; %(what)s"  # noqa: E501
    ) % {
        "n": formats.number_format(component.get("assignments") or 0, force_grouping=True),
        "what": _("families with several missing persons: their joint dependence is ignored")
        if several
        else _("every family has one missing person: this is the exact maximum"),
    }


class RunForm(forms.Form):
    scope = forms.ChoiceField(label=_lazy("Consent scope"), choices=ConsentScope.choices, initial="domestic")
    top = forms.IntegerField(label=_lazy("Candidates kept per body"), min_value=1, max_value=100, initial=10)
    threshold = forms.FloatField(label=_lazy("LR of an undisputed match"), initial=1e4)


@page_requires("identification.view_screeningrun")
def batch_list(request: HttpRequest) -> HttpResponse:
    runs = ScreeningRun.objects.select_related("batch", "requested_by")[:50]
    return render(
        request, "identification/batch_list.html", {"waiting": screening.batches_waiting(), "runs": runs}
    )


def _chart(bodies: list[dict[str, Any]]) -> Any:
    bars = []
    for b in bodies:
        best = b["candidates"][0]["log10_lr"] if b["candidates"] else 0.0
        bars.append((f"{b['profile']}", max(0.0, best) if math.isfinite(best) else 0.0))
    return bar_chart(bars, title=_("log10 LR of each body's best candidate"), bar_height=18) if bars else None


def _detail_context(request: HttpRequest, batch: IntakeBatch, form: RunForm | None = None) -> dict[str, Any]:
    runs = list(ScreeningRun.objects.filter(batch=batch).select_related("requested_by"))
    chosen = request.GET.get("run")
    run = next((r for r in runs if str(r.pk) == chosen), None) if chosen else (runs[0] if runs else None)
    bodies = screening.results(run) if run is not None and run.status == RunStatus.done else []
    for b in bodies:
        b["label"] = CONCLUSION_LABELS.get(b["conclusion"], b["conclusion"])
        b["rule_text"] = rule_text(b["rule"])
        for c in b["candidates"]:
            c["factors"] = c["evidence"].get("factors", [])
    components = []
    if run is not None and run.status == RunStatus.done:
        for comp in run.summary.get("components", []):
            label = METHOD_LABELS.get(comp.get("method", ""), comp.get("method", ""))
            components.append({**comp, "method_label": label, "note_text": component_note(comp)})
    can_start = may(request.user, "identification.add_screeningrun")
    return {
        "batch": batch,
        "runs": runs,
        "run": run,
        "bodies": bodies,
        "chart": _chart(bodies),
        "components": components,
        "form": (form or RunForm()) if can_start else None,
        "can_propose": may(request.user, "identification.propose_comparisonreport"),
    }


@page_requires("identification.view_screeningrun", "identification.view_screeningcandidate")
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(IntakeBatch, pk=batch_id)
    return render(request, "identification/batch_detail.html", _detail_context(request, batch))


@require_POST
@page_requires("identification.add_screeningrun")
def batch_start(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(IntakeBatch, pk=batch_id)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = screening.start_run(actor=request.user, batch=batch, **form.cleaned_data)
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(
                request, _("Screening %(run)s is queued: a worker runs it.") % {"run": run.reference}
            )
            return redirect(reverse("identification:batch", args=[batch.pk]) + f"?run={run.pk}")
    ctx = _detail_context(request, batch, form)
    return render(request, "identification/batch_detail.html", ctx, status=422)


@page_requires("identification.view_screeningrun")
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ScreeningRun, pk=run_id)
    response = render(request, "identification/batch_progress.html", {"run": run})
    if run.status in (RunStatus.done, RunStatus.failed) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # the results are in: show them
    return response
