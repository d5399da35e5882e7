"""Pages of intake: batches, scanning bag labels, importing a manifest, export, the handover record."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.audit import imported
from homecoming.app.charts import bar_chart
from homecoming.app.forms import show_problems
from homecoming.app.permissions import page_requires
from homecoming.app.printed import write_pdf
from homecoming.app.remains import importing, services
from homecoming.app.remains.choices import REMAINS_STATES, UNIT_KINDS
from homecoming.app.remains.forms import BatchForm, ImportForm, ScanForm
from homecoming.app.remains.models import IntakeBatch, RemainsUnit
from homecoming.app.remains.references import check_reference
from homecoming.errors import AlreadyImported, HomecomingError
from homecoming.io.intake import write_intake
from homecoming.io.tables import check_size


@page_requires("remains.view_intakebatch")
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = IntakeBatch.objects.select_related("operation").annotate(n=Count("units"))[:200]
    counts = dict(RemainsUnit.objects.values_list("state").annotate(n=Count("id")))
    chart = bar_chart(
        [(str(label), counts.get(value, 0)) for value, label in REMAINS_STATES], title=_("Remains by state")
    )
    return render(
        request,
        "remains/batch_list.html",
        {"batches": batches, "chart": chart, "total": sum(counts.values())},
    )


@page_requires("remains.add_intakebatch")
def batch_create(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            batch = services.create_batch(actor=request.user, data=data)
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, _("Batch %(ref)s opened.") % {"ref": batch.reference})
            return redirect("remains:batch", batch_id=batch.pk)
    return render(request, "remains/batch_form.html", {"form": form})


def _kind_counts(batch: IntakeBatch) -> list[tuple[str, int]]:
    counts = dict(batch.units.values_list("kind").annotate(n=Count("id")))
    return [(str(label), counts.get(value, 0)) for value, label in UNIT_KINDS]


@page_requires("remains.view_intakebatch")
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(IntakeBatch.objects.select_related("operation"), pk=batch_id)
    units = batch.units.select_related("parent").order_by("id")
    counted = batch.units.filter(parent__isnull=True).count()
    return render(
        request,
        "remains/batch_detail.html",
        {
            "batch": batch,
            "units": units[:2000],
            "kinds": _kind_counts(batch),
            "top_level": counted,
            "mismatch": batch.containers_declared is not None and batch.containers_declared != counted,
            "import_form": ImportForm(),
        },
    )


@page_requires("remains.add_remainsunit")
def scan(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A page for a barcode scanner: it types the label and Enter; htmx appends the unit or the refusal."""
    batch = get_object_or_404(IntakeBatch, pk=batch_id)
    if request.method != "POST":
        recent = batch.units.order_by("-id")[:50]
        return render(request, "remains/scan.html", {"batch": batch, "form": ScanForm(), "recent": recent})
    form = ScanForm(request.POST)
    unit, error = None, ""
    if form.is_valid():
        try:
            unit = services.register_unit(
                actor=request.user,
                batch=batch,
                seal=form.cleaned_data["seal"],
                data={"bag_number": form.cleaned_data["label"], "kind": form.cleaned_data["kind"]},
            )
        except HomecomingError as exc:
            error = refusals.shown(exc)
    else:
        error = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
    status = 200 if unit else 422
    response = render(
        request,
        "remains/_scan_row.html",
        {"unit": unit, "error": error, "label": request.POST.get("label", "")},
        status=status,
    )
    if not unit:  # htmx swaps 4xx only when told to
        response["HX-Retarget"] = "#scan-message"
        response["HX-Reswap"] = "innerHTML"
    return response


@page_requires("remains.add_remainsunit")
@require_POST
def import_manifest(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(IntakeBatch, pk=batch_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("remains:batch", batch_id=batch.pk)
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        try:
            check_size(upload.name, upload.size)  # before the upload is copied
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            report = importing.import_intake(
                actor=request.user, path=path, batch=batch, dry_run=form.cleaned_data["dry_run"]
            )
        except AlreadyImported as exc:
            return render(
                request,
                "remains/import_errors.html",
                {"batch": batch, "error": imported.in_words(exc), "file": upload.name},
                status=409,
            )
        except HomecomingError as exc:
            return render(
                request,
                "remains/import_errors.html",
                {"batch": batch, "error": exc, "file": upload.name},
                status=422,
            )
    verb = _("would register") if report.dry_run else _("registered")
    messages.success(request, f"{upload.name} ({suffix}): {report.rows} rows — {verb} {report.units}")
    return redirect("remains:batch", batch_id=batch.pk)


@page_requires("remains.view_remainsunit")
def export_batch(request: HttpRequest, batch_id: int, fmt: str) -> HttpResponse:
    batch = get_object_or_404(IntakeBatch, pk=batch_id)
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    if fmt not in types:
        raise Http404("export as .csv or .xlsx")
    response = HttpResponse(content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.{fmt}"'
    write_intake(
        importing.export_rows(batch),
        response,
        fmt=fmt,  # type: ignore[arg-type]
        extra=importing.EXPORT_EXTRA,
    )
    return response


def _handover_context(batches: list[IntakeBatch], title: str) -> dict[str, object]:
    rows = []
    for b in batches:
        units = list(b.units.select_related("parent").order_by("id"))
        rows.append(
            {
                "batch": b,
                "units": units,
                "kinds": _kind_counts(b),
                "top_level": sum(1 for u in units if u.parent_id is None),
            }
        )
    return {"title": title, "rows": rows, "total": sum(len(r["units"]) for r in rows)}  # type: ignore[arg-type]


def _handover(request: HttpRequest, batches: list[IntakeBatch], title: str, pdf: bool) -> HttpResponse:
    """The handover record as a print view (HTML with print CSS) or as PDF (WeasyPrint, same template)."""
    context = _handover_context(batches, title)
    if not pdf:
        return render(request, "remains/handover.html", context)
    html = render_to_string("remains/handover.html", {**context, "pdf": True}, request=request)
    response = HttpResponse(write_pdf(request, html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handover-{title}.pdf"'
    return response


@page_requires("remains.view_intakebatch")
def handover_batch(request: HttpRequest, batch_id: int, pdf: bool = False) -> HttpResponse:
    """The handover record of one batch: counts, every unit, both signatures."""
    batch = get_object_or_404(IntakeBatch.objects.select_related("operation"), pk=batch_id)
    return _handover(request, [batch], batch.reference, pdf)


@page_requires("remains.view_intakebatch")
def handover_operation(request: HttpRequest, operation_id: int, pdf: bool = False) -> HttpResponse:
    """The handover record of every batch received in one operation."""
    from homecoming.app.exchanges.models import Operation

    operation = get_object_or_404(Operation, pk=operation_id)
    batches = list(operation.intake_batches.select_related("operation").order_by("received_at"))
    return _handover(request, batches, str(operation), pdf)


@page_requires("remains.view_remainsunit")
def find(request: HttpRequest) -> HttpResponse:
    """Go to a unit by its reference; a typo is named as a typo."""
    text = request.GET.get("reference", "").strip()
    try:
        ref = check_reference(text)
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
        return redirect("remains:batches")
    unit = RemainsUnit.objects.filter(reference=ref).first()
    if unit is None:
        messages.error(request, _("No remains unit %(ref)s.") % {"ref": ref})
        return redirect("remains:batches")
    return redirect("remains:unit", unit_id=unit.pk)


@page_requires("remains.view_remainsunit")
def unit_list(request: HttpRequest) -> HttpResponse:
    """Remains units, filtered by state (``?state=`` once or more), longest waiting first, in pages."""
    from django.core.paginator import Paginator
    from django.utils.http import urlencode

    from homecoming.app import worklists

    known = {value for value, _label in REMAINS_STATES}
    states = tuple(s for s in request.GET.getlist("state") if s in known)
    rows = worklists.units(states or tuple(known))
    page = Paginator(rows, worklists.PAGE_ROWS).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "states": [(value, label, value in states) for value, label in REMAINS_STATES],
        "keep": urlencode([("state", s) for s in states]),
    }
    return render(request, "remains/unit_list.html", ctx)
