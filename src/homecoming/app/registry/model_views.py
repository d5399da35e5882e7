"""The registry's linkage model as a page: what it was trained on, its weights (a chart and a table), the
models before it, and — for a registrar or an administrator — training a new one on the registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app.charts import weight_chart
from homecoming.app.permissions import may, page_requires
from homecoming.app.registry import linkage, training
from homecoming.app.registry import model_display as labels
from homecoming.app.registry.models import LinkageModel
from homecoming.errors import HomecomingError

#: at most this many persons (the newest) a model trained from the page learns from: the page waits for
#: the training (seconds for tens of thousands); the command line trains on more
PAGE_SAMPLE = 20_000
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
        "history": [
            (m, grouped(m.records), user_name(m.actor))
            for m in history[1 if row is not None else 0 : HISTORY + 1]
        ],
        "may_train": may(request.user, training.PERMISSION),
        "page_sample": grouped(PAGE_SAMPLE),
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
        messages.error(request, str(exc))
    return redirect("registry:linkage_model")
