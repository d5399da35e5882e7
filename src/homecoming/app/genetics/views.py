"""Pages of genetics: the overview (lab files, profiles, reference families, the frequency table in force).

The pages of each part live beside it (``lab_views``, ``family_views``, ``frequency_views``); this module
holds the overview every genetics role starts from. Each section is read only for a role that may see it.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from homecoming.app.charts import bar_chart
from homecoming.app.genetics.choices import ProfileKind
from homecoming.app.genetics.models import FrequencyTableActivation, LabFile, Profile, ReferenceFamily
from homecoming.app.permissions import may, page_requires

_ANY = ("genetics.view_profile", "genetics.view_referencefamily", "genetics.view_frequencytable")


@page_requires(any_of=_ANY)
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {}
    if may(user, "genetics.view_profile"):
        counts = dict(Profile.objects.values_list("kind").annotate(n=Count("id")))
        context["profile_chart"] = bar_chart(
            [(str(label), counts.get(value, 0)) for value, label in ProfileKind.choices],
            title=_("DNA profiles by kind"),
        )
        context["profile_total"] = sum(counts.values())
        context["excluded"] = Profile.objects.exclude(excluded_reason="").count()
    if may(user, "genetics.view_labfile"):
        context["lab_files"] = LabFile.objects.select_related("imported_by", "batch")[:20]
    if may(user, "genetics.view_referencefamily"):
        context["family_total"] = ReferenceFamily.objects.count()
    if may(user, "genetics.view_frequencytable"):
        context["show_tables"] = True
        active = FrequencyTableActivation.objects.select_related("table").first()
        context["table_in_force"] = active.table if active else None
    return render(request, "genetics/index.html", context)
