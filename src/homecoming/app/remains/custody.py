"""Custody services: record, supersede and read the chain of custody of units, samples and effects.

The rules are in ``homecoming.domain.custody``; this module turns stored events into entries, refuses
an event that would put an object in two places (the message says where it is), and writes each
event with the signature hash of its content and an audit record, in the caller's transaction.
Shipping a sample between laboratories is two events: out (to the carrier) and in (to the receiving
laboratory, with its accession number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.remains.models import CustodyEvent, PersonalEffect, RemainsUnit, Sample
from homecoming.app.remains.models_handover import HandoverItem
from homecoming.domain.custody import (
    CustodyEntry,
    CustodyProblem,
    Whereabouts,
    check_history,
    check_new_event,
    signature_hash,
    whereabouts,
)
from homecoming.errors import CustodyError, NotFound, Problem, ValidationError

if TYPE_CHECKING:
    from homecoming.app.remains.models import IntakeBatch

Custodied = RemainsUnit | Sample | PersonalEffect
EVENT_FIELDS = (
    "at",
    "from_custodian",
    "to_custodian",
    "location",
    "storage_unit",
    "purpose",
    "seal_before",
    "seal_after",
    "condition",
    "from_signer",
    "to_signer",
    "accession_number",
)
REQUIRED = {
    "from_custodian": "who hands the object over",
    "to_custodian": "who receives it",
    "from_signer": "the name of the person signing for the side handing over",
    "to_signer": "the name of the person signing for the receiving side",
}


def kind_of(obj: Custodied) -> str:
    return {RemainsUnit: "unit", Sample: "sample", PersonalEffect: "effect"}[type(obj)]


def events_of(obj: Custodied) -> list[CustodyEvent]:
    return list(CustodyEvent.objects.filter(**{kind_of(obj): obj}).order_by("at", "id"))


def entries(events: list[CustodyEvent]) -> list[CustodyEntry]:
    superseded = {e.supersedes_id for e in events if e.supersedes_id}
    return [
        CustodyEntry(
            id=e.pk,
            at=e.at,
            from_custodian=e.from_custodian,
            to_custodian=e.to_custodian,
            location=e.location,
            storage_unit=e.storage_unit,
            seal_before=e.seal_before,
            seal_after=e.seal_after,
            superseded=e.pk in superseded,
        )
        for e in events
    ]


@dataclass(frozen=True)
class Chain:
    """An object's custody chain as a page shows it: events, problems per event, where it is now."""

    events: list[CustodyEvent]
    problems: list[CustodyProblem]
    superseded: set[int]
    now: Whereabouts | None

    def problems_of(self, event_id: int) -> list[CustodyProblem]:
        return [p for p in self.problems if p.event_id == event_id]

    def rows(self) -> list[tuple[CustodyEvent, list[CustodyProblem], bool]]:
        return [(e, self.problems_of(e.pk), e.pk in self.superseded) for e in self.events]


def chain(obj: Custodied) -> Chain:
    events = events_of(obj)
    found = entries(events)
    return Chain(events, check_history(found), {e.id for e in found if e.superseded}, whereabouts(found))


def chain_data(obj: Custodied) -> dict[str, Any]:
    """An object's chain as plain data (the API and the benchmark): events, problems, where it is now."""
    ch = chain(obj)
    events = [
        {
            **{
                f: getattr(e, f)
                for f in (
                    "id",
                    "at",
                    "from_custodian",
                    "to_custodian",
                    "location",
                    "storage_unit",
                    "purpose",
                    "seal_before",
                    "seal_after",
                    "condition",
                    "from_signer",
                    "to_signer",
                    "signature_hash",
                    "accession_number",
                    "supersedes_id",
                    "supersede_reason",
                )
            },
            "superseded": sup,
            "problems": [p.message for p in probs],
        }
        for e, probs, sup in ch.rows()
    ]
    return {
        "object": obj.reference,
        "holder": ch.now.custodian if ch.now else None,
        "location": ch.now.location if ch.now else None,
        "events": events,
        "problems": [{"kind": p.kind, "event_id": p.event_id, "message": p.message} for p in ch.problems],
    }


def _clean(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in EVENT_FIELDS}
    problems = [
        Problem(k, "is not a custody field", v, "use one of: " + ", ".join(EVENT_FIELDS))
        for k, v in data.items()
        if k not in EVENT_FIELDS
    ]
    problems += [
        Problem(k, "is required", clean.get(k), f"write {what}")
        for k, what in REQUIRED.items()
        if not clean.get(k)
    ]
    at = clean.get("at") or timezone.now()
    if isinstance(at, datetime) and at > timezone.now() + timedelta(minutes=5):
        problems.append(Problem("at", "is in the future", at.isoformat(), "record events when they happen"))
    clean["at"] = at
    return clean, problems


def _content(obj: Custodied, clean: Mapping[str, Any], supersedes: CustodyEvent | None) -> dict[str, Any]:
    return {
        "object": obj.reference,
        **{k: clean.get(k, "") for k in EVENT_FIELDS},
        "supersedes": supersedes.pk if supersedes else None,
    }


def _event(
    obj: Custodied,
    clean: Mapping[str, Any],
    actor: Any,
    supersedes: CustodyEvent | None = None,
    reason: str = "",
) -> CustodyEvent:
    event = CustodyEvent(
        object_kind=kind_of(obj),
        **{kind_of(obj): obj},
        **clean,
        supersedes=supersedes,
        supersede_reason=reason,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    event.signature_hash = signature_hash(_content(obj, clean, supersedes))
    return event


def _check_accession(clean: Mapping[str, Any]) -> None:
    number = clean.get("accession_number")
    if not number:
        return
    taken = (
        CustodyEvent.objects.filter(to_custodian=clean["to_custodian"], accession_number=number)
        .exclude(superseded_by__isnull=False)
        .select_related("sample")
        .first()
    )
    if taken is not None:
        what = taken.sample.reference if taken.sample else f"event #{taken.pk}"
        raise ValidationError.from_problems(
            [
                Problem(
                    "accession_number",
                    f"is already used by {clean['to_custodian']} for {what}",
                    number,
                    "each laboratory gives each arrival its own accession number",
                )
            ]
        )


@transaction.atomic
def record_event(
    *, actor: Any, obj: Custodied, data: Mapping[str, Any], supersedes: int | None = None, reason: str = ""
) -> CustodyEvent:
    """Record one custody event (or a correction superseding an earlier one, with a reason)."""
    clean, problems = _clean(data)
    old: CustodyEvent | None = None
    if supersedes is not None:
        old = CustodyEvent.objects.filter(pk=supersedes, **{kind_of(obj): obj}).first()
        if old is None:
            problems.append(
                Problem(
                    "supersedes",
                    f"is not an event of {obj.reference}",
                    supersedes,
                    "give the number of the event to correct",
                )
            )
        elif hasattr(old, "superseded_by"):
            problems.append(
                Problem(
                    "supersedes",
                    f"event #{old.pk} was already superseded",
                    supersedes,
                    f"correct event #{old.superseded_by.pk} instead",
                )
            )
        if not reason.strip():
            problems.append(
                Problem(
                    "reason",
                    "is required to supersede an event",
                    reason,
                    "say what was wrong with the earlier event",
                )
            )
    if problems:
        raise ValidationError.from_problems(problems, "the custody event")
    refuse_closed(obj)
    _check_accession(clean)
    type(obj).objects.select_for_update().filter(pk=obj.pk).first()  # one writer per object
    found = entries(events_of(obj))
    if old is not None:
        found = [CustodyEntry(**{**e.__dict__, "superseded": True}) if e.id == old.pk else e for e in found]
    new = CustodyEntry(
        id=0,
        at=clean["at"],
        from_custodian=clean["from_custodian"],
        to_custodian=clean["to_custodian"],
        location=clean.get("location", ""),
        storage_unit=clean.get("storage_unit", ""),
        seal_before=clean.get("seal_before", ""),
        seal_after=clean.get("seal_after", ""),
    )
    check_new_event(found, new, label=obj.reference)
    event = _event(obj, clean, actor, old, reason)
    event.save(force_insert=True)
    audit.record(
        actor=actor,
        action="supersede_custody" if old else "custody",
        obj=obj,
        after=audit.snapshot(event),
        reason=reason,
    )
    return event


def refuse_closed(obj: Custodied) -> None:
    """A unit or effect handed over to the family has a closed chain: no event may follow (or correct) the
    last one."""
    if isinstance(obj, Sample):
        return
    item = HandoverItem.objects.filter(**{kind_of(obj): obj}).select_related("handover").first()
    if item is not None:
        h = item.handover
        raise CustodyError(
            f"the custody chain of {obj.reference} is closed: it was handed over to the family in "
            f"{h.reference} on {h.handed_at:%Y-%m-%d}",
            field="custody",
            value=obj.reference,
            hint="nothing can be recorded after a handover to the family",
        )


def intake_event(
    *, actor: Any, batch: IntakeBatch, unit: RemainsUnit, seal: str = "", save: bool = True
) -> CustodyEvent:
    """The first event of a unit: handed over by the sender, received by the facility (batch signers)."""
    clean = {
        "at": batch.received_at,
        "from_custodian": batch.handed_over_by,
        "to_custodian": batch.received_by,
        "location": batch.receiving_facility,
        "purpose": f"intake {batch.reference}",
        "seal_before": seal,
        "seal_after": seal,
        "condition": unit.condition,
        "from_signer": batch.handed_over_by,
        "to_signer": batch.received_by,
    }
    event = _event(unit, clean, actor)
    if save:
        event.save(force_insert=True)
    return event


def current(obj: Custodied) -> Whereabouts:
    now = whereabouts(entries(events_of(obj)))
    if now is None:
        raise CustodyError(
            f"{obj.reference} has no custody record yet",
            field="custody",
            value=obj.reference,
            hint="record how it was received first",
        )
    return now


def split_event(*, actor: Any, bag: RemainsUnit, unit: RemainsUnit) -> CustodyEvent:
    """A unit taken out of a bag starts its chain where the bag is, with the bag's holder."""
    where = current(bag)
    clean = {
        "at": timezone.now(),
        "from_custodian": where.custodian,
        "to_custodian": where.custodian,
        "location": where.location,
        "storage_unit": where.storage_unit,
        "purpose": f"split from {bag.reference}",
        "from_signer": where.custodian,
        "to_signer": where.custodian,
    }
    event = _event(unit, clean, actor)
    event.save(force_insert=True)
    return event


def start_chain(*, actor: Any, obj: Sample | PersonalEffect, data: Mapping[str, Any]) -> CustodyEvent:
    """The first event of a sample or effect: taken from the unit by whoever holds it now."""
    where = current(obj.unit)
    base = {
        "at": timezone.now(),
        "from_custodian": where.custodian,
        "to_custodian": where.custodian,
        "location": where.location,
        "storage_unit": where.storage_unit,
        "from_signer": where.custodian,
        "to_signer": where.custodian,
    }
    return record_event(actor=actor, obj=obj, data={**base, **{k: v for k, v in data.items() if v}})


def dispatch_sample(*, actor: Any, sample: Sample, carrier: str, data: Mapping[str, Any]) -> CustodyEvent:
    """A sample leaves its laboratory for another one: handed to the carrier under seal."""
    where = current(sample)
    return record_event(
        actor=actor,
        obj=sample,
        data={
            "from_custodian": where.custodian,
            "to_custodian": carrier,
            "purpose": "shipment",
            "seal_before": where.seal,
            **data,
        },
    )


def receive_sample(
    *, actor: Any, sample: Sample, laboratory: str, accession_number: str, data: Mapping[str, Any]
) -> CustodyEvent:
    """The sample arrives: the laboratory gives it an accession number (required)."""
    if not accession_number.strip():
        raise ValidationError.from_problems(
            [
                Problem(
                    "accession_number",
                    "is required on arrival",
                    accession_number,
                    "write the laboratory's accession number",
                )
            ]
        )
    where = current(sample)
    return record_event(
        actor=actor,
        obj=sample,
        data={
            "from_custodian": where.custodian,
            "to_custodian": laboratory,
            "purpose": "arrival",
            "accession_number": accession_number,
            **data,
        },
    )


def get_event(event_id: int) -> CustodyEvent:
    event = CustodyEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise NotFound(f"no custody event #{event_id}", field="event", value=event_id)
    return event
