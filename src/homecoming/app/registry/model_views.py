"""The registry's linkage model as a page: what it was trained on, its weights (a chart and a table), the
models before it, and — for a registrar or an administrator — training a new one on the registry."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.charts import weight_chart
from homecoming.app.permissions import may, page_requires
from homecoming.app.registry import linkage, training
from homecoming.app.registry import model_display as labels
from homecoming.app.registry.models import LinkageModel
from homecoming.errors import HomecomingError, InputError

#: at most this many persons (the newest) a model trained from the page learns from: the page waits for
#: the training (seconds for tens of thousands); the command line trains on up to 200,000 by default
PAGE_SAMPLE = 20_000
#: the command line's default (``homecoming registry train-model --sample``)
CLI_SAMPLE = 200_000
#: earlier models listed
HISTORY = 50


def user_name(user: Any) -> str:
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.username})" if full else str(user.username)


def summary(model: dict[str, Any], row: LinkageModel | None) -> dict[str, Any]:
    """The model's provenance for the page and the API."""
    prov = dict(model.get("provenance") or {})
    at: datetime | None = row.at if row is not None else parse_datetime(str(prov.get("trained_at") or ""))
    return {
        "id": row.pk if row is not None else None,
        "shipped": row is None,
        "trained_on": row.trained_on if row is not None else str(prov.get("trained_on") or ""),
        "at": at,
        "by": user_name(row.actor) if row is not None else "",
        "records": row.records if row is not None else int(prov.get("records") or 0),
        "splink_version": str(prov.get("splink_version") or ""),
        "seed": prov.get("seed"),
        "max_pairs": prov.get("max_pairs"),
        "records_sha256": str(prov.get("records_sha256") or ""),
        "inputs": {
            str(name): str((v or {}).get("sha256", "")) for name, v in (prov.get("inputs") or {}).items()
        },
    }


def shipped_source() -> str:
    """What the shipped model was trained on, in the reader's language (the wording of the preview)."""
    return str(_("the model shipped with Homecoming, trained without labels on synthetic lists"))


def trained_on_text(trained_on: str) -> str:
    """A row's ``trained_on`` (stored in English: "registry: 40 persons", "restored model 3", "the shipped
    model") in the reader's language; anything else as stored."""
    found = re.fullmatch(r"registry: (\d+) persons", trained_on)
    if found:
        return str(_("the registry's %(n)s newest persons") % {"n": grouped(int(found.group(1)))})
    found = re.fullmatch(r"restored model (\d+)", trained_on)
    if found:
        return str(_("model %(id)s, put in force again") % {"id": found.group(1)})
    if trained_on == "the shipped model":
        return str(_("the model shipped with Homecoming, put in force again"))
    return trained_on


def grouped(n: int) -> str:
    """A count in the page's language, its thousands grouped (12 345)."""
    return number_format(n, force_grouping=True)


def chart(comparisons: list[labels.Comparison], prior: float) -> Any:
    groups: list[tuple[str, list[tuple[str, float, str]]]] = [
        (_("Prior"), [(_("two records picked at random"), prior, labels.bits(prior))])
    ]
    for c in comparisons:
        groups.append(
            (
                c.label,
                [
                    (lv.label, lv.weight if lv.weight is not None else float("nan"), lv.weight_text)
                    for lv in c.levels
                ],
            )
        )
    return weight_chart(groups, title=_("Match weight of each comparison level, in bits"))


@page_requires("person")
def model_page(request: HttpRequest) -> HttpResponse:
    """The model in force: provenance, weights (chart and table), earlier models; training for those who
    may."""
    model, row = linkage.current()
    settings = dict(model.get("splink_settings") or {})
    comparisons = labels.weights(settings)
    prior, prior_weight = labels.prior_bits(settings)
    history = list(
        LinkageModel.objects.select_related("actor").defer("model").order_by("-at", "-id")[: HISTORY + 1]
    )
    context = {
        "info": summary(model, row),
        "comparisons": comparisons,
        "prior": labels.probability(prior),
        "prior_bits": labels.bits(prior_weight),
        "chart": chart(comparisons, prior_weight),
        "records": grouped(summary(model, row)["records"]),
        "trained_on": shipped_source() if row is None else trained_on_text(row.trained_on),
        "history": [
            (m, grouped(m.records), user_name(m.actor), trained_on_text(m.trained_on))
            for m in history[1 if row is not None else 0 : HISTORY + 1]
        ],
        "may_train": may(request.user, training.PERMISSION),
        "shipped_source": shipped_source(),
        "page_sample": grouped(PAGE_SAMPLE),
        "cli_sample": grouped(CLI_SAMPLE),
    }
    return render(request, "registry/linkage_model.html", context)


@page_requires("person", training.PERMISSION)
@require_POST
def train(request: HttpRequest) -> HttpResponse:
    """Train a model on the registry's newest persons (at most :data:`PAGE_SAMPLE`) and put it in force."""
    try:
        row = training.train_on_registry(actor=request.user, sample=PAGE_SAMPLE)
        messages.success(
            request,
            _("A new model, trained on %(n)s records of the registry, is in force.")
            % {"n": grouped(row.records)},
        )
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
    return redirect("registry:linkage_model")


@page_requires("person", training.PERMISSION)
@require_POST
def use_again(request: HttpRequest) -> HttpResponse:
    """Put an earlier model (``model``: its number, or ``shipped``) in force again (a new row, audited)."""
    chosen = str(request.POST.get("model", ""))
    try:
        if chosen != "shipped" and not chosen.isdigit():
            raise InputError(
                "model: give a model's number or 'shipped'", field="model", value=chosen, hint="shipped"
            )
        row = training.use_model(actor=request.user, model_id=None if chosen == "shipped" else int(chosen))
        messages.success(request, _("Model %(id)s, a copy of the chosen one, is in force.") % {"id": row.pk})
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
    return redirect("registry:linkage_model")
