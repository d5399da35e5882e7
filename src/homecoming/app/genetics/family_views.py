"""Pages of reference families: the list, the pedigree editor (SVG), samples, consent, the rule, next donor.

Every family page needs the ``families`` resource; consent needs ``consent``; a profile's status (has a
profile, its method, loci and quality flags) needs ``profiles``. No page here shows alleles. Opening a
family writes a "view" audit record, so the trail says who saw the family (before a withdrawal too).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.audit import services as audit
from homecoming.app.charts import bar_chart
from homecoming.app.genetics import fam_exchange, families, family_power, family_records
from homecoming.app.genetics.choices import (
    ConsentAction,
    ConsentScope,
    MemberSex,
    ReferenceSampleKind,
    Relation,
)
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily
from homecoming.app.genetics.pedigree_view import Node, build_pedigree, draw
from homecoming.app.permissions import may, page_requires
from homecoming.app.registry.models import Person
from homecoming.errors import HomecomingError, NotFound


class FamilyForm(forms.Form):
    persons = forms.CharField(
        label=gettext_lazy("missing persons (registry references, comma-separated)"), max_length=500
    )
    label = forms.CharField(label=gettext_lazy("label"), max_length=200, required=False)


class ExportForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("consent scope"), choices=ConsentScope.choices)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Familias .fam file (one family)"))
    person = forms.CharField(label=gettext_lazy("missing person (registry reference)"), max_length=40)


class RelativeForm(forms.Form):
    of = forms.TypedChoiceField(label=gettext_lazy("relative of"), coerce=int)
    relation = forms.ChoiceField(
        label=gettext_lazy("as"), choices=[(r.value, r.label) for r in families.ADDABLE]
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("sex"), choices=[("", "—"), *MemberSex.choices], required=False
    )
    display_name = forms.CharField(label=gettext_lazy("name"), max_length=200, required=False)


class SampleForm(forms.Form):
    member = forms.TypedChoiceField(label=gettext_lazy("member"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ReferenceSampleKind.choices)
    lab_reference = forms.CharField(label=gettext_lazy("laboratory's sample reference"), max_length=64)
    taken_on = forms.DateField(
        label=gettext_lazy("taken on"), required=False, widget=forms.DateInput({"type": "date"})
    )
    taken_by = forms.CharField(label=gettext_lazy("taken by"), max_length=200, required=False)


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("scope"), choices=ConsentScope.choices)
    action = forms.ChoiceField(label=gettext_lazy("action"), choices=ConsentAction.choices)
    on = forms.DateField(label=gettext_lazy("date"), widget=forms.DateInput({"type": "date"}))
    given_by = forms.TypedChoiceField(
        label=gettext_lazy("by (family member)"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=gettext_lazy("note"), required=False, widget=forms.TextInput)


def _fail(request: HttpRequest, exc: HomecomingError | None = None, form: forms.Form | None = None) -> None:
    if exc is not None:
        texts = refusals.lines(exc)
    else:
        assert form is not None
        texts = [f"{k}: {' '.join(v)}" for k, v in form.errors.items()]
    for text in texts:
        messages.error(request, text)


FAMILY_ROWS = 50  # families on a page of the list (a national registry holds 100,000)


@page_requires("families")
def family_list(request: HttpRequest) -> HttpResponse:
    """The reference families, a page at a time, found by reference, label or a missing person's reference."""
    show_consent = may(request.user, "consent")
    text = request.GET.get("q", "").strip()[:100]
    families = ReferenceFamily.objects.order_by("reference")
    if text:
        families = families.filter(
            Q(reference__icontains=text)
            | Q(label__icontains=text)
            | Q(members__person__reference__icontains=text, members__removed__isnull=True)
        ).distinct()
    page = Paginator(families, FAMILY_ROWS).get_page(request.GET.get("page"))
    members = FamilyMember.objects.filter(family__in=[f.pk for f in page]).select_related("person")
    by_family: dict[int, list[FamilyMember]] = {}
    for member in members:
        if member.removed is None:
            by_family.setdefault(member.family_id, []).append(member)
    rows = [
        {
            "family": fam,
            "missing": [m for m in by_family.get(fam.pk, []) if m.relation == Relation.missing],
            "members": len(by_family.get(fam.pk, [])),
            "withdrawn": show_consent and family_records.is_withdrawn(fam),
        }
        for fam in page
    ]
    context = {
        "rows": rows,
        "page": page,
        "q": text,
        "keep": urlencode({"q": text}) if text else "",
        "form": FamilyForm(),
        "export_form": ExportForm(),
        "import_form": ImportForm(),
    }
    return render(request, "genetics/family_list.html", context)


@page_requires("families", "genotypes")
def family_export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        _fail(request, form=form)
        return redirect("genetics:families")
    scope = form.cleaned_data["scope"]
    try:
        data = fam_exchange.export_fam(actor=request.user, scope=scope)
    except HomecomingError as exc:
        _fail(request, exc)
        return redirect("genetics:families")
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="families-{scope}.fam"'
    return response


@require_POST
@page_requires("families", "genetics.add_referencefamily")
def family_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _fail(request, form=form)
        return redirect("genetics:families")
    ref = form.cleaned_data["person"].strip()
    person = Person.objects.filter(reference=ref).first()
    upload = form.cleaned_data["file"]
    try:
        if person is None:
            raise NotFound(
                f"no registry person {ref}", field="person", value=ref, hint="give a reference like P-0000001"
            )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.read())
            fam = fam_exchange.import_fam(actor=request.user, path=path, person=person.pk)
    except HomecomingError as exc:
        _fail(request, exc)
        return redirect("genetics:families")
    return redirect("genetics:family", fam.pk)


@require_POST
@page_requires("families", "genetics.add_referencefamily")
def family_create(request: HttpRequest) -> HttpResponse:
    form = FamilyForm(request.POST)
    if not form.is_valid():
        _fail(request, form=form)
        return redirect("genetics:families")
    refs = [r.strip() for r in form.cleaned_data["persons"].split(",") if r.strip()]
    found = dict(Person.objects.filter(reference__in=refs).values_list("reference", "pk"))
    ids = [found.get(r, int(r) if r.isdigit() else -1) for r in refs]
    try:
        fam = families.create_family(actor=request.user, persons=ids, label=form.cleaned_data["label"])
    except HomecomingError as exc:
        _fail(request, exc)
        return redirect("genetics:families")
    return redirect("genetics:family", fam.pk)


def _member_rows(request: HttpRequest, live: list[FamilyMember]) -> list[dict[str, Any]]:
    show_profiles = may(request.user, "profiles")
    profiles: dict[int, list[Profile]] = {}
    if show_profiles:
        for p in Profile.objects.filter(reference_sample__member__in=live).defer("loci", "raw"):
            assert p.reference_sample_id is not None
            profiles.setdefault(p.reference_sample_id, []).append(p)
    rows = []
    for m in live:
        samples = [{"sample": s, "profiles": profiles.get(s.pk, [])} for s in m.samples.all()]
        rows.append({"member": m, "samples": samples})
    return rows


def _nodes(live: list[FamilyMember], typed: set[int]) -> dict[str, Node]:
    return {
        m.code: Node(
            m.code,
            "" if m.relation == Relation.connecting else str(m.get_relation_display()),
            m.display_name,
            m.pk in typed,
            m.relation == Relation.missing,
        )
        for m in live
    }


def _ranking(family: ReferenceFamily) -> dict[str, Any]:
    try:
        ranking = family_power.rank(family)
    except HomecomingError as exc:
        return {"error": refusals.shown(exc)}
    labels = {
        **dict(Relation.choices),
        "paternal_uncle": Relation.paternal_uncle_aunt.label,
        "maternal_uncle": Relation.maternal_uncle_aunt.label,
        "today": _("today (no additional donor)"),
    }
    rows = [
        {
            "label": str(labels.get(r.relation, r.relation)),
            "row": r,
        }
        for r in ranking.rows
    ]
    if ranking.method == "donor_power":
        chart = bar_chart(
            [(x["label"], 100 * (x["row"].probability or 0)) for x in rows],
            title=_("Probability in percent that the true missing person reaches LR ≥ %(t)s")
            % {"t": f"{ranking.threshold:,.0f}"},
        )
    else:
        chart = bar_chart(
            [(x["label"], x["row"].expected_log10_lr) for x in rows], title=_("Expected log10 LR")
        )
    return {"ranking": ranking, "rows": rows, "chart": chart}


@page_requires("families")
def family_detail(request: HttpRequest, family_id: int) -> HttpResponse:
    family = get_object_or_404(ReferenceFamily, pk=family_id)
    audit.record_view(actor=request.user, obj=family, what="reference family")
    live = list(family.members.filter(removed__isnull=True).select_related("person").order_by("id"))
    typed = set(family_records.typed_members(family))
    choices = [(m.pk, f"{m.code} {m.get_relation_display()} {m.display_name}".strip()) for m in live]
    relatives = [
        c
        for c, m in zip(choices, live, strict=True)
        if m.relation not in (Relation.missing, Relation.connecting)
    ]
    rel_form, sample_form, consent_form = (
        RelativeForm(),
        SampleForm(),
        ConsentForm(initial={"on": timezone.localdate()}),
    )
    rel_form.fields["of"].choices = choices
    sample_form.fields["member"].choices = relatives
    consent_form.fields["given_by"].choices = [("", "—"), *relatives]
    context: dict[str, Any] = {
        "family": family,
        "svg": draw(
            build_pedigree(live),
            _nodes(live, typed),
            title=_("Pedigree of %(ref)s") % {"ref": family.reference},
        ),
        "rows": _member_rows(request, live),
        "rel_form": rel_form,
        "sample_form": sample_form,
        "problems": family_records.family_problems(family),
        "rules": family_records.rule_check(family),
    }
    if may(request.user, "consent"):
        current = family_records.current_consent(family)
        context["consent"] = [(label, current[value]) for value, label in ConsentScope.choices]
        context["history"] = family_records.consent_history(family)
        context["withdrawn"] = family_records.is_withdrawn(family)
        context["consent_form"] = consent_form
    if request.GET.get("rank"):
        context["power"] = _ranking(family)
    return render(request, "genetics/family_detail.html", context)


def _version(request: HttpRequest) -> int | None:
    """The family version the editor was opened at (hidden field), so a stale edit is refused."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _member_form(
    request: HttpRequest,
    family_id: int,
    form_class: type[forms.Form],
    member_field: str,
    act: Callable[[ReferenceFamily, dict[str, Any]], str],
    *,
    blank: bool = False,
) -> HttpResponse:
    """A family's form posted: ``member_field`` chooses among its live members (``blank``: or none), a
    bad form or a refused ``act`` is shown as the error, else the message ``act`` returns; back to the
    family."""
    family = get_object_or_404(ReferenceFamily, pk=family_id)
    form = form_class(request.POST)
    live = [(m.pk, m.code) for m in family.members.filter(removed__isnull=True)]
    form.fields[member_field].choices = [("", "—"), *live] if blank else live
    if not form.is_valid():
        _fail(request, form=form)
        return redirect("genetics:family", family.pk)
    try:
        done = act(family, form.cleaned_data)
    except HomecomingError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("genetics:family", family.pk)


@require_POST
@page_requires("families", "genetics.add_familymember")
def family_add_relative(request: HttpRequest, family_id: int) -> HttpResponse:
    def act(family: ReferenceFamily, data: dict[str, Any]) -> str:
        member = families.add_relative(
            actor=request.user,
            family=family,
            relation=data["relation"],
            of=data["of"],
            sex=data["sex"] or None,
            display_name=data["display_name"],
            expected_version=_version(request),
        )
        return _("%(code)s added as %(relation)s.") % {
            "code": member.code,
            "relation": member.get_relation_display(),
        }

    return _member_form(request, family_id, RelativeForm, "of", act)


@require_POST
@page_requires("families", "genetics.change_familymember")
def family_remove_member(request: HttpRequest, family_id: int, member_id: int) -> HttpResponse:
    member = get_object_or_404(FamilyMember, pk=member_id, family_id=family_id)
    try:
        families.remove_member(
            actor=request.user,
            member=member,
            reason=request.POST.get("reason", ""),
            expected_version=_version(request),
        )
    except HomecomingError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("%(code)s removed.") % {"code": member.code})
    return redirect("genetics:family", family_id)


@require_POST
@page_requires("families", "genetics.add_referencesample")
def family_sample(request: HttpRequest, family_id: int) -> HttpResponse:
    def act(family: ReferenceFamily, data: dict[str, Any]) -> str:
        family_records.record_sample(
            actor=request.user,
            member=family.members.get(pk=data["member"]),
            kind=data["kind"],
            lab_reference=data["lab_reference"],
            taken_on=data["taken_on"],
            taken_by=data["taken_by"],
        )
        return _("Reference sample recorded.")

    return _member_form(request, family_id, SampleForm, "member", act)


@require_POST
@page_requires("families", "consent", "genetics.add_consentevent")
def family_consent(request: HttpRequest, family_id: int) -> HttpResponse:
    def act(family: ReferenceFamily, data: dict[str, Any]) -> str:
        family_records.record_consent(actor=request.user, family=family, **data)
        return _("Consent recorded.")

    return _member_form(request, family_id, ConsentForm, "given_by", act, blank=True)
