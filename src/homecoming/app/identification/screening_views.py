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

CONCLUSION_LABELS = {
    "identified": _lazy("identified (undisputed)"),
    "probable": _lazy("probable (best assignment)"),
    "inconclusive": _lazy("inconclusive"),
    "no_match": _lazy("no match"),
    "excluded": _lazy("excluded"),
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
        for c in b["candidates"]:
            c["factors"] = c["evidence"].get("factors", [])
    can_start = may(request.user, "identification.add_screeningrun")
    return {
        "batch": batch,
        "runs": runs,
        "run": run,
        "bodies": bodies,
        "chart": _chart(bodies),
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
