"""Pages of one remains unit: record, state, links, custody, split, examination, samples, effects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.forms import show_problems
from homecoming.app.permissions import fetch, may, page_requires
from homecoming.app.remains import custody, examinations, recovery, services
from homecoming.app.remains.forms import (
    CustodyForm,
    DispositionForm,
    EffectForm,
    ExaminationForm,
    LinkForm,
    ReceiveForm,
    RecoveryForm,
    SampleForm,
    ShipForm,
    SplitForm,
    TransitionForm,
)
from homecoming.app.remains.models import EffectPhoto, Examination, PersonalEffect, RemainsUnit, Sample
from homecoming.domain.remains_states import LABELS, RemainsState
from homecoming.errors import HomecomingError


def _errors(request: HttpRequest, form: Any) -> None:
    messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))


def _with_dna(user: Any, samples: list[Sample]) -> list[Sample]:
    """The samples, each with ``dna``: its DNA profiles (quality only) for a user who may see profiles."""
    if samples and may(user, "profiles"):
        from homecoming.app.genetics.profile_data import sample_profiles

        found = sample_profiles([s.pk for s in samples])
        for s in samples:
            s.dna = found.get(s.pk, [])  # type: ignore[attr-defined]
    return samples


@page_requires("remains.view_remainsunit")
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(RemainsUnit.objects.select_related("batch", "parent"), pk=unit_id)
    targets = [(s, _(LABELS[RemainsState(s)])) for s in services.open_moves(unit)]
    user = request.user
    return render(
        request,
        "remains/unit_detail.html",
        {
            "unit": unit,
            "targets": targets,
            "transitions": unit.transitions.all(),
            "links": services.linked_units(unit),
            "children": unit.children.all(),
            "chain": fetch(user, "custody", lambda: custody.chain(unit)),
            "examinations": unit.examinations.select_related("examiner"),
            "samples": _with_dna(user, fetch(user, "samples", lambda: list(unit.samples.all()), [])),
            "effects": fetch(user, "effects", lambda: list(unit.effects.all()), []),
            # several forms on one page: each its own ids, so that each label names its own input
            "transition_form": TransitionForm(initial={"version": unit.version}, auto_id="id_transition_%s"),
            "recovery_form": RecoveryForm(
                initial={
                    "version": unit.version,
                    **{k: getattr(unit, k) for k in recovery.FIELDS},
                },
                auto_id="id_recovery_%s",
            ),
            "custody_form": CustodyForm(auto_id="id_custody_%s"),
            "link_form": LinkForm(auto_id="id_link_%s"),
            "sample_form": SampleForm(auto_id="id_sample_%s"),
            "effect_form": EffectForm(auto_id="id_effect_%s"),
        },
    )


@page_requires("remains.change_remainsunit")
@require_POST
def unit_transition(request: HttpRequest, unit_id: int) -> HttpResponse:
    form = TransitionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.transition(
                actor=request.user,
                unit_id=unit_id,
                target=d["state"],
                reason=d["reason"],
                grave=d["grave"],
                expected_version=d["version"],
            )
            messages.success(request, _("State changed."))
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    else:
        _errors(request, form)
    return redirect("remains:unit", unit_id=unit_id)


@page_requires("remains.change_remainsunit")
@require_POST
def unit_recovery(request: HttpRequest, unit_id: int) -> HttpResponse:
    form = RecoveryForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            recovery.record_recovery(
                actor=request.user,
                unit_id=unit_id,
                data={k: d[k] for k in recovery.FIELDS},
                expected_version=d["version"],
            )
            messages.success(request, _("Recovery recorded."))
        except HomecomingError as exc:
            for text in refusals.lines(exc):
                messages.error(request, text)
    else:
        _errors(request, form)
    return redirect("remains:unit", unit_id=unit_id)


def _break_text(ch: custody.Chain, problem: Any) -> str:
    """One problem of a custody chain in the reader's language (the domain's own text is English)."""
    live = [e for e in ch.events if e.pk not in ch.superseded]
    event = next((e for e in live if e.pk == problem.event_id), None)
    i = live.index(event) if event is not None else 0
    prev = live[i - 1] if event is not None and i > 0 else None
    if problem.kind == "broken_seal" and event is not None and prev is not None:
        return _(
            "the seal found (%(found)s) is not the seal event #%(prev)s applied (%(expected)s): the "
            "packaging may have been opened without a record"
        ) % {"found": event.seal_before or _("no seal"), "prev": prev.pk, "expected": prev.seal_after}
    if problem.kind == "gap" and event is not None and prev is not None:
        return _(
            "%(giver)s hands the object over, but the record last gave it to %(holder)s (event #%(prev)s): "
            "the transfer between them is missing"
        ) % {"giver": event.from_custodian, "holder": prev.to_custodian, "prev": prev.pk}
    return _("event #%(id)s: two custodians would hold the object at once") % {"id": problem.event_id}


def _recorded(request: HttpRequest, obj: custody.Custodied, event: Any, before: set[Any]) -> None:
    """One message for a recorded event: plainly "recorded", or "recorded with a break" and what broke."""
    ch = custody.chain(obj)
    new = [p for p in ch.problems if (p.kind, p.event_id) not in before or p.event_id == event.pk]
    if not new:
        messages.success(request, _("Custody event recorded."))
        return
    messages.error(
        request,
        _(
            "Custody event #%(id)s was recorded, but with a break in the chain of custody: %(breaks)s. "
            "The break stays on the record; if the event was entered wrongly, correct it with a reason."
        )
        % {"id": event.pk, "breaks": "; ".join(_break_text(ch, p) for p in new)},
    )


def _problem_keys(obj: custody.Custodied) -> set[Any]:
    return {(p.kind, p.event_id) for p in custody.chain(obj).problems}


def _custody_post(request: HttpRequest, obj: custody.Custodied) -> None:
    form = CustodyForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return
    data = {
        k: v
        for k, v in form.cleaned_data.items()
        if k not in ("supersedes", "reason") and v not in (None, "")
    }
    before = _problem_keys(obj)
    try:
        event = custody.record_event(
            actor=request.user,
            obj=obj,
            data=data,
            supersedes=form.cleaned_data["supersedes"],
            reason=form.cleaned_data["reason"],
        )
        _recorded(request, obj, event, before)
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))


@page_requires("remains.add_custodyevent")
@require_POST
def unit_custody(request: HttpRequest, unit_id: int) -> HttpResponse:
    _custody_post(request, get_object_or_404(RemainsUnit, pk=unit_id))
    return redirect("remains:unit", unit_id=unit_id)


@page_requires("remains.add_unitlink")
@require_POST
def unit_link(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(RemainsUnit, pk=unit_id)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            other = services.get_unit(form.cleaned_data["other"])
            services.link_units(
                actor=request.user,
                unit=unit,
                other=other,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Linked."))
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    return redirect("remains:unit", unit_id=unit_id)


@page_requires("remains.add_remainsunit")
def split(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Open a commingled bag: how many bodies and body parts it holds; each becomes a linked unit."""
    bag = get_object_or_404(RemainsUnit, pk=unit_id)
    form = SplitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        children = [{"kind": "body"}] * d["bodies"] + [{"kind": "body_part"}] * d["body_parts"]
        try:
            made = services.split_container(
                actor=request.user, container_id=bag.pk, children=children, reason=d["reason"]
            )
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            messages.success(
                request, _("%(n)d units created from %(bag)s.") % {"n": len(made), "bag": bag.reference}
            )
            return redirect("remains:unit", unit_id=bag.pk)
    return render(request, "remains/split.html", {"bag": bag, "form": form, "children": bag.children.all()})


@page_requires("remains.add_examination")
def examination_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(RemainsUnit, pk=unit_id)
    form = ExaminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        data["dental"] = examinations.parse_dental(form.cleaned_data["dental"])
        try:
            exam = examinations.record_examination(actor=request.user, unit=unit, data=data)
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            return redirect("remains:examination", exam_id=exam.pk)
    return render(request, "remains/examination_form.html", {"unit": unit, "form": form})


@page_requires("examination_details")
def examination_detail(request: HttpRequest, exam_id: int) -> HttpResponse:
    exam = get_object_or_404(Examination.objects.select_related("unit", "examiner"), pk=exam_id)
    examinations.examination_details(actor=request.user, exam=exam)
    return render(
        request, "remains/examination_detail.html", {"exam": exam, "dental": sorted(exam.dental.items())}
    )


@page_requires("remains.add_sample")
@require_POST
def sample_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(RemainsUnit, pk=unit_id)
    form = SampleForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            sample = examinations.take_sample(
                actor=request.user,
                unit=unit,
                kind=d["kind"],
                description=d["description"],
                custody_data={"seal_after": d["seal_after"]},
            )
            return redirect("remains:sample", sample_id=sample.pk)
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    return redirect("remains:unit", unit_id=unit.pk)


@page_requires("samples", "custody")
def sample_detail(request: HttpRequest, sample_id: int) -> HttpResponse:
    sample = get_object_or_404(Sample.objects.select_related("unit"), pk=sample_id)
    if request.method == "POST" and request.user.has_perm("remains.add_custodyevent"):
        action = request.POST.get("action")
        form: Any = ShipForm(request.POST) if action == "dispatch" else ReceiveForm(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            before = _problem_keys(sample)
            try:
                if action == "dispatch":
                    event = custody.dispatch_sample(
                        actor=request.user,
                        sample=sample,
                        carrier=d.pop("carrier"),
                        data={k: v for k, v in d.items() if v},
                    )
                else:
                    event = custody.receive_sample(
                        actor=request.user,
                        sample=sample,
                        laboratory=d.pop("laboratory"),
                        accession_number=d.pop("accession_number"),
                        data={k: v for k, v in d.items() if v},
                    )
                _recorded(request, sample, event, before)
            except HomecomingError as exc:
                messages.error(request, refusals.shown(exc))
        else:
            _errors(request, form)
        return redirect("remains:sample", sample_id=sample.pk)
    return render(
        request,
        "remains/object_detail.html",
        {
            "obj": sample,
            "what": _("Sample"),
            "dna": _with_dna(request.user, [sample])[0],
            "chain": custody.chain(sample),
            "ship_form": ShipForm(),
            "custody_form": CustodyForm(),
            "custody_action": reverse("remains:object_custody", args=["sample", sample.pk]),
            "receive_form": ReceiveForm(),
        },
    )


@page_requires("remains.add_personaleffect")
@require_POST
def effect_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(RemainsUnit, pk=unit_id)
    form = EffectForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            effect = examinations.add_effect(
                actor=request.user,
                unit=unit,
                kind=d["kind"],
                description=d["description"],
                packet_number=d["packet_number"],
            )
            if d.get("photo"):
                examinations.add_effect_photo(actor=request.user, effect=effect, upload=d["photo"])
            return redirect("remains:effect", effect_id=effect.pk)
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
    else:
        _errors(request, form)
    return redirect("remains:unit", unit_id=unit.pk)


@page_requires("effects", "custody")
def effect_detail(request: HttpRequest, effect_id: int) -> HttpResponse:
    effect = get_object_or_404(PersonalEffect.objects.select_related("unit"), pk=effect_id)
    if request.method == "POST" and request.user.has_perm("remains.change_personaleffect"):
        form = DispositionForm(request.POST)
        if form.is_valid():
            try:
                examinations.set_disposition(actor=request.user, effect=effect, **form.cleaned_data)
                messages.success(request, _("Disposition recorded."))
            except HomecomingError as exc:
                messages.error(request, refusals.shown(exc))
        return redirect("remains:effect", effect_id=effect.pk)
    return render(
        request,
        "remains/object_detail.html",
        {
            "obj": effect,
            "what": _("Personal effect"),
            "chain": custody.chain(effect),
            "photos": effect.photos.all(),
            "custody_form": CustodyForm(),
            "custody_action": reverse("remains:object_custody", args=["effect", effect.pk]),
            "disposition_form": DispositionForm(initial={"disposition": effect.disposition}),
        },
    )


@page_requires("remains.view_effectphoto")
def effect_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = get_object_or_404(EffectPhoto, pk=photo_id)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@page_requires("remains.add_custodyevent")
@require_POST
def object_custody(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = {"sample": Sample, "effect": PersonalEffect}.get(kind)
    if model is None:
        raise Http404("custody pages exist for samples and effects")
    obj = get_object_or_404(model, pk=pk)
    _custody_post(request, obj)
    return redirect(f"remains:{kind}", **{f"{kind}_id": pk})
