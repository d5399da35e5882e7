"""Pages of frequency tables: the list (which is in force, provenance), upload, detail, put in force."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from homecoming.app.charts import bar_chart
from homecoming.app.forms import show_problems
from homecoming.app.genetics import frequencies as services
from homecoming.app.genetics.choices import MinimumFrequencyRule
from homecoming.app.genetics.models import FrequencyTable
from homecoming.app.permissions import may, page_requires
from homecoming.errors import AlreadyImported, FrequencyError, HomecomingError
from homecoming.io.tables import check_size

_LAYOUTS = [
    ("", _lazy("detect from the file")),
    ("long", _lazy("CSV: marker, allele, frequency")),
    ("familias", _lazy("Familias text database")),
    ("euroformix", _lazy("EuroForMix table (Allele + one column per marker)")),
]


class UploadForm(forms.Form):
    file = forms.FileField(label=_lazy("Frequency table file"))
    name = forms.CharField(label=_lazy("Name"), max_length=200)
    population = forms.CharField(label=_lazy("Population"), max_length=200)
    source = forms.CharField(label=_lazy("Source (publication or laboratory)"), max_length=500)
    sample_size = forms.IntegerField(label=_lazy("Sample size (persons)"), required=False, min_value=1)
    minimum_rule = forms.ChoiceField(
        label=_lazy("Minimum frequency rule"),
        choices=MinimumFrequencyRule.choices,
        initial=MinimumFrequencyRule.five_over_2n,
    )
    minimum_frequency = forms.FloatField(label=_lazy("Minimum frequency (fixed rule)"), required=False)
    layout = forms.ChoiceField(label=_lazy("Layout"), choices=_LAYOUTS, required=False)
    normalise = forms.BooleanField(
        label=_lazy("Divide each marker by its sum (instead of refusing sums other than 1)"), required=False
    )
    notes = forms.CharField(label=_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ActivateForm(forms.Form):
    reason = forms.CharField(label=_lazy("Why it is put in force"), max_length=500)


def _list_context(request: HttpRequest, form: UploadForm | None = None) -> dict[str, Any]:
    current = services.table_in_force()
    tables = list(FrequencyTable.objects.select_related("imported_by")[:200])
    for t in tables:
        t.marker_count = len(t.markers)  # type: ignore[attr-defined]
        t.allele_count = sum(len(a) for a in t.markers.values())  # type: ignore[attr-defined]
    context: dict[str, Any] = {"tables": tables, "in_force": current}
    if may(request.user, "genetics.add_frequencytable"):
        context["form"] = form or UploadForm()
    return context


@page_requires("genetics.view_frequencytable")
def table_list(request: HttpRequest) -> HttpResponse:
    return render(request, "genetics/frequency_list.html", _list_context(request))


def _text(upload: Any) -> str:
    check_size(upload.name, upload.size)
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FrequencyError(
            _("the file is not UTF-8 text"),
            field="file",
            value=upload.name,
            hint=_("save it as UTF-8 CSV or text"),
        ) from None


@require_POST
@page_requires("genetics.add_frequencytable")
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "genetics/frequency_list.html", _list_context(request, form), status=422)
    data = dict(form.cleaned_data)
    upload_file = data.pop("file")
    try:
        table = services.import_table(
            actor=request.user, text=_text(upload_file), file_name=upload_file.name, **data
        )
    except AlreadyImported as exc:
        text = _("These frequencies were imported before as %(ref)s “%(name)s”; nothing was imported.")
        form.add_error("file", text % {"ref": exc.previous["reference"], "name": exc.previous["name"]})
        return render(request, "genetics/frequency_list.html", _list_context(request, form), status=409)
    except HomecomingError as exc:
        context = _list_context(request, form) | {"error": exc}
        return render(request, "genetics/frequency_list.html", context, status=422)
    messages.success(request, _("Frequency table %(ref)s imported.") % {"ref": table.reference})
    return redirect("genetics:frequency_table", table_id=table.pk)


def _marker_rows(table: FrequencyTable) -> list[dict[str, Any]]:
    rows = []
    for marker, alleles in table.markers.items():
        top = max(alleles.values(), default=0) or 1
        bars = [(a, f, f"{100 * f / top:.1f}") for a, f in alleles.items()]  # CSS width: never localised
        rows.append({"marker": marker, "count": len(alleles), "alleles": bars})
    return rows


@page_requires("genetics.view_frequencytable")
def table_detail(request: HttpRequest, table_id: int) -> HttpResponse:
    table = get_object_or_404(FrequencyTable.objects.select_related("imported_by"), pk=table_id)
    current = services.table_in_force()
    rows = _marker_rows(table)
    context: dict[str, Any] = {
        "table": table,
        "in_force": current is not None and current.pk == table.pk,
        "rows": rows,
        "chart": bar_chart([(r["marker"], r["count"]) for r in rows], title=_("Alleles per marker")),
        "activations": table.activations.select_related("actor"),
    }
    if may(request.user, "genetics.add_frequencytableactivation") and not context["in_force"]:
        context["activate_form"] = ActivateForm()
    return render(request, "genetics/frequency_detail.html", context)


@require_POST
@page_requires("genetics.add_frequencytableactivation")
def activate(request: HttpRequest, table_id: int) -> HttpResponse:
    table = get_object_or_404(FrequencyTable, pk=table_id)
    form = ActivateForm(request.POST)
    if form.is_valid():
        try:
            services.activate(actor=request.user, table_id=table.pk, reason=form.cleaned_data["reason"])
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(
                request, _("%(ref)s is now the frequency table in force.") % {"ref": table.reference}
            )
            return redirect("genetics:frequency_table", table_id=table.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("genetics:frequency_table", table_id=table.pk)
