"""API endpoints of the remains app: batches, units, custody, examinations, samples, effects."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Status

from homecoming.app.lookup import by_id
from homecoming.app.permissions import fetch, require
from homecoming.app.remains import custody, examinations, recovery, services
from homecoming.app.remains.models import Examination, IntakeBatch, PersonalEffect, RemainsUnit, Sample
from homecoming.app.remains.schemas import (
    BatchIn,
    BatchOut,
    ChainOut,
    CustodyIn,
    EffectIn,
    EffectOut,
    ExaminationIn,
    ExaminationOut,
    LinkIn,
    ReceiveIn,
    RecoveryIn,
    SampleIn,
    SampleOut,
    ShipIn,
    SplitIn,
    TransitionIn,
    UnitIn,
    UnitOut,
)

router = Router(tags=["remains"])


def batch_out(b: IntakeBatch) -> dict[str, Any]:
    kinds = dict(b.units.values_list("kind").annotate(n=Count("id")))
    return {
        **{f: getattr(b, f) for f in BatchOut.model_fields if f not in ("units", "units_by_kind")},
        "units": sum(kinds.values()),
        "units_by_kind": kinds,
    }


def unit_out(request: HttpRequest, u: RemainsUnit) -> dict[str, Any]:
    user = request.user
    plain = (
        "id",
        "reference",
        "bag_number",
        "kind",
        "parent_link",
        "sender_reference",
        "condition",
        "completeness",
        "apparent_sex",
        "age_min",
        "age_max",
        "date_of_death",
        "date_of_recovery",
        "place",
        "recovery_latitude",
        "recovery_longitude",
        "region",
        "state",
        "grave",
        "version",
    )
    return {
        **{f: getattr(u, f) for f in plain},
        "batch": u.batch.reference,
        "parent": u.parent.reference if u.parent else None,
        "children": list(u.children.values_list("reference", flat=True)),
        "transitions": list(u.transitions.all()),
        "links": [{"kind": k, "other": o.reference} for k, o in services.linked_units(u)],
        "samples": fetch(user, "samples", lambda: list(u.samples.values_list("reference", flat=True)), []),
        "effects": fetch(user, "effects", lambda: list(u.effects.values_list("reference", flat=True)), []),
        "examinations": [
            {"id": e.pk, "examiner": e.examiner.username, "examined_at": e.examined_at.isoformat()}
            for e in u.examinations.select_related("examiner")
        ],
    }


chain_out = custody.chain_data


def _get(model: type[Any], pk: int, what: str) -> Any:
    return by_id(model, pk, what=what, field=what)


@router.get("/remains/batches", response=list[BatchOut], summary="Intake batches, newest first")
def list_batches(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    require(request, "remains.view_intakebatch")
    return [batch_out(b) for b in IntakeBatch.objects.all()[: max(1, min(limit, 500))]]


@router.post("/remains/batches", response={201: BatchOut}, summary="Open an intake batch")
def create_batch(request: HttpRequest, payload: BatchIn) -> Status:
    actor = require(request, "remains.add_intakebatch")
    data = payload.dict(exclude_none=True)
    if "operation_id" in data:
        from homecoming.app.exchanges.models import Operation

        data["operation"] = _get(Operation, data.pop("operation_id"), "operation")
    if not data.get("source"):
        data.pop("source", None)
    return Status(201, batch_out(services.create_batch(actor=actor, data=data)))


@router.get("/remains/batches/{batch_id}", response=BatchOut, summary="An intake batch with its counts")
def get_batch(request: HttpRequest, batch_id: str) -> dict[str, Any]:
    require(request, "remains.view_intakebatch")
    return batch_out(services.get_batch(batch_id))


@router.post(
    "/remains/batches/{batch_id}/units", response={201: UnitOut}, summary="Register one unit (a scan)"
)
def register_unit(request: HttpRequest, batch_id: str, payload: UnitIn) -> Status:
    actor = require(request, "remains.add_remainsunit")
    data = {k: v for k, v in payload.dict(exclude={"seal_number"}).items() if v not in (None, "")}
    unit = services.register_unit(
        actor=actor, batch=services.get_batch(batch_id), data=data, seal=payload.seal_number
    )
    return Status(201, unit_out(request, unit))


@router.get("/remains/units/{key}", response=UnitOut, summary="A unit by id or reference (typos detected)")
def get_unit(request: HttpRequest, key: str) -> dict[str, Any]:
    require(request, "remains.view_remainsunit")
    return unit_out(request, services.get_unit(key))


@router.post("/remains/units/{unit_id}/transitions", response=UnitOut, summary="Move a unit to another state")
def transition(request: HttpRequest, unit_id: int, payload: TransitionIn) -> dict[str, Any]:
    actor = require(request, "remains.change_remainsunit")
    return unit_out(
        request,
        services.transition(
            actor=actor,
            unit_id=unit_id,
            target=payload.state,
            reason=payload.reason,
            grave=payload.grave,
            expected_version=payload.version,
        ),
    )


@router.post(
    "/remains/units/{unit_id}/recovery",
    response=UnitOut,
    summary="Record where and when a unit was recovered (date, place, coordinates)",
)
def record_recovery(request: HttpRequest, unit_id: int, payload: RecoveryIn) -> dict[str, Any]:
    actor = require(request, "remains.change_remainsunit")
    data = payload.dict(exclude_unset=True, exclude={"version"})
    unit = recovery.record_recovery(actor=actor, unit_id=unit_id, data=data, expected_version=payload.version)
    return unit_out(request, unit)


@router.post("/remains/units/{unit_id}/split", response={201: list[UnitOut]}, summary="Split a container")
def split(request: HttpRequest, unit_id: int, payload: SplitIn) -> Status:
    actor = require(request, "remains.add_remainsunit")
    children = [{k: v for k, v in c.dict().items() if v} for c in payload.children]
    made = services.split_container(
        actor=actor, container_id=unit_id, children=children, reason=payload.reason
    )
    return Status(201, [unit_out(request, u) for u in made])


@router.post("/remains/units/{unit_id}/links", response={201: UnitOut}, summary="Link two units")
def link(request: HttpRequest, unit_id: int, payload: LinkIn) -> Status:
    actor = require(request, "remains.add_unitlink")
    unit = services.get_unit(unit_id)
    services.link_units(
        actor=actor,
        unit=unit,
        other=services.get_unit(payload.other),
        kind=payload.kind,
        reason=payload.reason,
    )
    return Status(201, unit_out(request, unit))


@router.get(
    "/remains/units/{unit_id}/custody", response=ChainOut, summary="Chain of custody with its problems"
)
def unit_chain(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    require(request, "remains.view_custodyevent")
    return chain_out(services.get_unit(unit_id))


@router.post("/remains/units/{unit_id}/custody", response={201: ChainOut}, summary="Record a custody event")
def unit_custody(request: HttpRequest, unit_id: int, payload: CustodyIn) -> Status:
    actor = require(request, "remains.add_custodyevent")
    unit = services.get_unit(unit_id)
    data = payload.dict(exclude={"supersedes", "reason"}, exclude_none=True)
    custody.record_event(
        actor=actor, obj=unit, data=data, supersedes=payload.supersedes, reason=payload.reason
    )
    return Status(201, chain_out(unit))


def exam_out(e: Examination) -> dict[str, Any]:
    return {
        **{f: getattr(e, f) for f in ExaminationIn.model_fields},
        "id": e.pk,
        "unit": e.unit.reference,
        "examiner": e.examiner.username,
    }


@router.post(
    "/remains/units/{unit_id}/examinations",
    response={201: ExaminationOut},
    summary="Record a post-mortem examination",
)
def add_examination(request: HttpRequest, unit_id: int, payload: ExaminationIn) -> Status:
    actor = require(request, "remains.add_examination")
    exam = examinations.record_examination(
        actor=actor, unit=services.get_unit(unit_id), data=payload.dict(exclude_none=True)
    )
    return Status(201, exam_out(exam))


@router.get(
    "/remains/examinations/{exam_id}",
    response=ExaminationOut,
    summary="An examination's details (restricted; every view is audited)",
)
def get_examination(request: HttpRequest, exam_id: int) -> dict[str, Any]:
    actor = require(request, "examination_details")
    return exam_out(
        examinations.examination_details(actor=actor, exam=_get(Examination, exam_id, "examination"))
    )


def sample_out(s: Sample) -> dict[str, Any]:
    ch = custody.chain(s)
    return {
        "id": s.pk,
        "reference": s.reference,
        "unit": s.unit.reference,
        "kind": s.kind,
        "description": s.description,
        "holder": ch.now.custodian if ch.now else None,
        "accession_numbers": [e.accession_number for e in ch.events if e.accession_number],
    }


@router.post("/remains/units/{unit_id}/samples", response={201: SampleOut}, summary="Take a sample")
def add_sample(request: HttpRequest, unit_id: int, payload: SampleIn) -> Status:
    actor = require(request, "remains.add_sample")
    exam = _get(Examination, payload.examination_id, "examination") if payload.examination_id else None
    sample = examinations.take_sample(
        actor=actor,
        unit=services.get_unit(unit_id),
        kind=payload.kind,
        description=payload.description,
        examination=exam,
        custody_data={"seal_after": payload.seal_after},
    )
    return Status(201, sample_out(sample))


@router.get("/remains/samples/{sample_id}", response=SampleOut, summary="A sample, its holder and accessions")
def get_sample(request: HttpRequest, sample_id: int) -> dict[str, Any]:
    require(request, "samples")
    require(request, "custody")  # the holder and the accession numbers come from the chain
    return sample_out(_get(Sample, sample_id, "sample"))


@router.post(
    "/remains/samples/{sample_id}/dispatch", response=SampleOut, summary="Ship a sample to a carrier"
)
def dispatch(request: HttpRequest, sample_id: int, payload: ShipIn) -> dict[str, Any]:
    actor = require(request, "remains.add_custodyevent")
    sample = _get(Sample, sample_id, "sample")
    custody.dispatch_sample(
        actor=actor,
        sample=sample,
        carrier=payload.carrier,
        data=payload.dict(exclude={"carrier"}, exclude_none=True),
    )
    return sample_out(sample)


@router.post(
    "/remains/samples/{sample_id}/receive",
    response=SampleOut,
    summary="A laboratory receives a sample (accession number)",
)
def receive(request: HttpRequest, sample_id: int, payload: ReceiveIn) -> dict[str, Any]:
    actor = require(request, "remains.add_custodyevent")
    sample = _get(Sample, sample_id, "sample")
    data = payload.dict(exclude={"laboratory", "accession_number"}, exclude_none=True)
    custody.receive_sample(
        actor=actor,
        sample=sample,
        laboratory=payload.laboratory,
        accession_number=payload.accession_number,
        data=data,
    )
    return sample_out(sample)


@router.get("/remains/samples/{sample_id}/custody", response=ChainOut, summary="A sample's chain of custody")
def sample_chain(request: HttpRequest, sample_id: int) -> dict[str, Any]:
    require(request, "samples")
    require(request, "custody")
    return chain_out(_get(Sample, sample_id, "sample"))


@router.post(
    "/remains/units/{unit_id}/effects", response={201: EffectOut}, summary="Record a personal effect"
)
def add_effect(request: HttpRequest, unit_id: int, payload: EffectIn) -> Status:
    actor = require(request, "remains.add_personaleffect")
    effect = examinations.add_effect(actor=actor, unit=services.get_unit(unit_id), **payload.dict())
    return Status(201, effect_out(effect))


def effect_out(e: PersonalEffect) -> dict[str, Any]:
    return {
        "id": e.pk,
        "reference": e.reference,
        "unit": e.unit.reference,
        "kind": e.kind,
        "description": e.description,
        "packet_number": e.packet_number,
        "disposition": e.disposition,
    }


@router.get("/remains/effects/{effect_id}", response=EffectOut, summary="A personal effect")
def get_effect(request: HttpRequest, effect_id: int) -> dict[str, Any]:
    require(request, "effects")
    return effect_out(_get(PersonalEffect, effect_id, "effect"))


# the handover to the family has its own module (its endpoints are mounted on this router)
from homecoming.app.remains import api_handover  # noqa: E402

router.add_router("", api_handover.router)
