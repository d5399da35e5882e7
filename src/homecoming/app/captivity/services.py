"""Captivity services: detention records and their events, capture cards, health reports, Art. 110.

Every change is audited in its own transaction; events, dispatches and health reports are insert-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.audit.withheld import withheld
from homecoming.app.captivity.choices import EventKind, Finding, HealthCondition
from homecoming.app.captivity.models import (
    CaptureCard,
    CardDispatch,
    DetentionEvent,
    DetentionRecord,
    HealthReport,
    RepatriationEligibility,
)
from homecoming.app.fields import field_problems, required
from homecoming.app.lookup import by_id
from homecoming.app.registry.models import Person
from homecoming.domain import contacts
from homecoming.domain.captivity import (
    DetentionEventKind,
    capture_card_due,
    check_event_sequence,
    is_overdue,
    next_health_report_due,
)
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import Problem, ValidationError

_FINAL_STATUS = {
    EventKind.release: "released",
    EventKind.repatriation: "repatriated",
    EventKind.escape: "escaped",
    EventKind.death: "died in captivity",
    EventKind.transfer: "detained",
    EventKind.registration: "detained",
    EventKind.hospital_admission: "in hospital",
    EventKind.hospital_discharge: "detained",
    EventKind.capture: "detained",
}


_user = audit.user_or_none

#: Health and family-contact fields never copied into the audit trail (auditors lack the permissions to
#: see them); the record keeps their keyed digest instead (``audit/withheld.py``), so the audit still
#: proves what was written to whoever holds the audit key. Health reports and Art. 110 findings also
#: withhold their detention record: the trail shows that one was written, by whom and when, not whose.
HEALTH_FIELDS = {
    "detentionrecord": ("seriously_ill",),
    "capturecard": ("family_address", "health"),
    "healthreport": ("record_id", "condition", "report"),
    "repatriationeligibility": ("record_id", "category", "finding", "consent", "commission_date", "notes"),
}

_withheld = withheld


def _future(value: date | None, field: str) -> list[Problem]:
    if value and value > timezone.localdate():
        return [Problem(field, "is in the future", value.isoformat(), "check the date")]
    return []


#: What a detention record is opened with: the one list the service accepts, and the page's form and the
#: API's DetentionIn show (tests/app/captivity/test_api.py checks them).
DETENTION_FIELDS = (
    "detaining_power",
    "capture_date",
    "capture_place",
    "capture_circumstances",
    "internment_number",
    "current_place",
    "seriously_ill",
)


@transaction.atomic
def create_detention(*, actor: Any, person: Person, data: Mapping[str, Any]) -> DetentionRecord:
    problems = required(data, ("detaining_power", "capture_date"), "detention")
    problems += [
        Problem(k, "is not a detention field", data[k], "use one of: " + ", ".join(DETENTION_FIELDS))
        for k in data
        if k not in DETENTION_FIELDS
    ]
    problems += _future(data.get("capture_date"), "capture_date")
    problems += field_problems(DetentionRecord, data)
    data = dict(data)
    if data.get("detaining_power"):
        data["detaining_power"], problem = contacts.country_problem(
            "detaining_power", str(data["detaining_power"])
        )
        problems += [problem] if problem is not None else []
    if problems:
        raise ValidationError.from_problems(problems, "the detention record")
    record = DetentionRecord.objects.create(person=person, created_by=_user(actor), **data)
    DetentionEvent.objects.create(
        record=record,
        kind=EventKind.capture,
        date=record.capture_date,
        place=record.capture_place,
        details=record.capture_circumstances,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="create",
        obj=record,
        after=_withheld(audit.snapshot(record), HEALTH_FIELDS["detentionrecord"]),
        reason=f"detention of {person.reference}",
    )
    return record


@transaction.atomic
def add_event(
    *, actor: Any, record_id: int, kind: str, on: date, place: str = "", details: str = ""
) -> DetentionEvent:
    record = by_id(
        DetentionRecord.objects.select_for_update(), record_id, what="detention record", field="record"
    )
    try:
        new = DetentionEventKind(kind)
    except ValueError:
        raise ValidationError(
            f"kind: unknown detention event {kind!r}",
            field="kind",
            value=kind,
            hint="use one of: " + ", ".join(k.value for k in DetentionEventKind),
        ) from None
    problems = _future(on, "date")
    if on < record.capture_date:
        problems.append(
            Problem(
                "date", f"is before the capture date {record.capture_date}", on.isoformat(), "check the date"
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the event")
    previous = [
        DetentionEventKind(k) for k in record.events.order_by("date", "id").values_list("kind", flat=True)
    ]
    check_event_sequence(previous, new)
    event = DetentionEvent.objects.create(
        record=record, kind=new.value, date=on, place=place, details=details, recorded_by=_user(actor)
    )
    before = {"status": record.status, "current_place": record.current_place}
    record.status = _FINAL_STATUS[EventKind(new.value)]
    if place and new.value in {"transfer", "hospital_admission", "registration", "hospital_discharge"}:
        record.current_place = place
    record.version += 1
    audit.record(  # first: the table accepts an UPDATE only right after the row's audit record
        actor=actor,
        action="event",
        obj=record,
        before=before,
        after={
            "event": new.value,
            "date": on.isoformat(),
            "status": record.status,
            "current_place": record.current_place,
            "version": record.version,
        },
        reason=details,
    )
    record.save(update_fields=["status", "current_place", "version"])
    return event


CARD_FIELDS = (
    "power",
    "family_name",
    "first_names",
    "father_first_name",
    "date_of_birth",
    "place_of_birth",
    "rank",
    "service_number",
    "family_address",
    "taken_prisoner_on",
    "coming_from",
    "health",
    "present_address",
    "card_date",
    "second_language",
)


def card_defaults(record: DetentionRecord) -> dict[str, Any]:
    """Prefill a capture card from the registry."""
    person = record.person
    latin = person.names.filter(script="latin").first()
    name = person.names.order_by("position").first()
    chosen = name or latin
    return {
        "power": person.power or "",
        "family_name": chosen.family_name if chosen else "",
        "first_names": " ".join(p for p in (chosen.given_name, chosen.patronymic) if p) if chosen else "",
        "father_first_name": person.father_name,
        "date_of_birth": person.birth_date,
        "place_of_birth": person.place_of_birth,
        "rank": person.rank,
        "service_number": person.service_number,
        "taken_prisoner_on": record.capture_date,
        "present_address": " ".join(p for p in (record.internment_number, record.current_place) if p),
    }


@transaction.atomic
def create_card(*, actor: Any, record_id: int, data: Mapping[str, Any]) -> CaptureCard:
    record = by_id(
        DetentionRecord.objects.select_related("person"), record_id, what="detention record", field="record"
    )
    merged = {**card_defaults(record), **{k: v for k, v in data.items() if v not in (None, "")}}
    problems = required(merged, ("power", "family_name", "first_names"), "capture card")
    problems += [
        Problem(k, "is not a capture-card field", data[k], "use one of: " + ", ".join(CARD_FIELDS))
        for k in data
        if k not in CARD_FIELDS
    ]
    if merged.get("date_of_birth"):
        try:
            merged["date_of_birth"] = str(
                PartialDate.parse(str(merged["date_of_birth"]), field="date_of_birth")
            )
        except ValidationError as exc:
            problems += exc.problems
    problems += field_problems(CaptureCard, {k: v for k, v in merged.items() if k in CARD_FIELDS})
    if merged.get("power"):
        merged["power"], problem = contacts.country_problem("power", str(merged["power"]))
        problems += [problem] if problem is not None else []
    if problems:
        raise ValidationError.from_problems(problems, "the capture card")
    card = CaptureCard.objects.create(
        record=record, created_by=_user(actor), **{k: v for k, v in merged.items() if k in CARD_FIELDS}
    )
    audit.record(
        actor=actor,
        action="create",
        obj=card,
        after=_withheld(audit.snapshot(card), HEALTH_FIELDS["capturecard"]),
        reason=f"capture card for {record.person.reference}",
    )
    return card


@transaction.atomic
def dispatch_card(
    *, actor: Any, card_id: int, recipient: str, sent_on: date, method: str = "", reference: str = ""
) -> CardDispatch:
    card = by_id(CaptureCard, card_id, what="capture card", field="card")
    if recipient not in {"family", "central_tracing_agency"}:
        raise ValidationError(
            f"recipient: unknown recipient {recipient!r}",
            field="recipient",
            value=recipient,
            hint="use family or central_tracing_agency",
        )
    problems = _future(sent_on, "sent_on")
    if problems:
        raise ValidationError.from_problems(problems, "the dispatch")
    dispatch = CardDispatch.objects.create(
        card=card,
        recipient=recipient,
        sent_on=sent_on,
        method=method,
        reference=reference,
        recorded_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="dispatch",
        obj=card,
        after={"recipient": recipient, "sent_on": sent_on.isoformat()},
    )
    return dispatch


@transaction.atomic
def add_health_report(*, actor: Any, record_id: int, on: date, condition: str, report: str) -> HealthReport:
    record = by_id(
        DetentionRecord.objects.select_for_update(), record_id, what="detention record", field="record"
    )
    problems = _future(on, "date")
    if condition not in HealthCondition.values:
        problems.append(
            Problem(
                "condition",
                "unknown condition",
                condition,
                "use one of: " + ", ".join(HealthCondition.values),
            )
        )
    if not report.strip():
        problems.append(Problem("report", "is required", report, "write the report"))
    if problems:
        raise ValidationError.from_problems(problems, "the health report")
    hr = HealthReport.objects.create(
        record=record, date=on, condition=condition, report=report, recorded_by=_user(actor)
    )
    serious = condition == HealthCondition.serious
    changed = record.seriously_ill != serious
    if changed:
        record.seriously_ill = serious
    audit.record(  # names neither the prisoner nor the detention record (issue 10): see HEALTH_FIELDS
        actor=actor,
        action="health_report",
        obj=hr,
        object_repr="health report",
        after=_withheld(
            {"record_id": record.pk, "date": on.isoformat(), "condition": condition, "report": report},
            HEALTH_FIELDS["healthreport"],
        ),
        reason="health report",
    )
    if changed:  # after its record: the table accepts this UPDATE only right after the health report's record
        record.save(update_fields=["seriously_ill"])
    return hr


@transaction.atomic
def set_eligibility(*, actor: Any, record_id: int, data: Mapping[str, Any]) -> RepatriationEligibility:
    record = by_id(DetentionRecord, record_id, what="detention record", field="record")
    problems = required(data, ("category",), "eligibility")
    if data.get("finding") == Finding.eligible and not data.get("commission_date"):
        problems.append(
            Problem(
                "commission_date",
                "is required when the finding is eligible",
                None,
                "give the date of the medical commission",
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the eligibility")
    elig = RepatriationEligibility.objects.create(record=record, recorded_by=_user(actor), **dict(data))
    audit.record(
        actor=actor,
        action="create",
        obj=elig,
        object_repr="Art. 110 eligibility",
        after=_withheld(audit.snapshot(elig), HEALTH_FIELDS["repatriationeligibility"]),
    )
    return elig


# --- what is due -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    record: DetentionRecord
    what: str
    due: date
    overdue: bool


_HELD = ("detained", "in hospital")
_CARD_RECIPIENTS = ("family", "central_tracing_agency")


def _held_with_person() -> QuerySet[DetentionRecord]:
    """Records of those still held, with the person and the name forms the dashboard shows."""
    return (
        DetentionRecord.objects.filter(status__in=_HELD)
        .select_related("person")
        .prefetch_related("person__names")
    )


def card_deadlines(today: date | None = None) -> list[Due]:
    """Art. 70: a capture card within one week of capture; one for the family, one for the Agency.

    Only the records still lacking a dispatch are read, each with whether it went to each recipient
    (two queries however many records there are).
    """
    today = today or timezone.localdate()
    sent = {
        f"sent_{recipient}": Exists(
            CardDispatch.objects.filter(card__record=OuterRef("pk"), recipient=recipient)
        )
        for recipient in _CARD_RECIPIENTS
    }
    records = (
        _held_with_person()
        .annotate(**sent)
        .filter(Q(sent_family=False) | Q(sent_central_tracing_agency=False))
    )
    out: list[Due] = []
    for record in records:
        due = capture_card_due(record.capture_date)
        for recipient in _CARD_RECIPIENTS:
            if not getattr(record, f"sent_{recipient}"):
                out.append(
                    Due(
                        record,
                        f"capture card to {recipient.replace('_', ' ')}",
                        due,
                        is_overdue(due, None, today),
                    )
                )
    return sorted(out, key=lambda d: d.due)


def health_deadlines(today: date | None = None) -> list[Due]:
    """Health reports on the seriously ill or wounded, due every week while serious.

    Each record comes with the date of its last report (two queries however many records there are).
    """
    today = today or timezone.localdate()
    out: list[Due] = []
    last = HealthReport.objects.filter(record=OuterRef("pk")).order_by("-date").values("date")[:1]
    records = _held_with_person().filter(seriously_ill=True).annotate(last_report=Subquery(last))
    for record in records:
        due = next_health_report_due(record.last_report, record.capture_date)
        out.append(Due(record, "health report", due, is_overdue(due, None, today)))
    return sorted(out, key=lambda d: d.due)


def audit_health_view(*, actor: Any, person: Person) -> None:
    """The one ``view`` record of health data shown, by a page or by the API (issue 10): who saw the
    health data of which person — not what it says."""
    audit.record_view(actor=actor, obj=person, what="health data")


def audit_wounded_list_view(*, actor: Any, rows: list[RepatriationEligibility], via: str) -> None:
    """A view of the wounded list: how many were listed and a keyed digest of who — never the persons,
    whom the auditor may not see (issue 10)."""
    audit.record(
        actor=actor,
        action="view",
        object_type="captivity.wounded_list",
        object_id="all",
        object_repr="wounded list",
        after={
            "count": len(rows),
            **withheld({"persons": sorted(e.record.person_id for e in rows)}, ("persons",)),
        },
        reason=f"viewed the wounded list{via}",
    )


def wounded_list() -> list[RepatriationEligibility]:
    """The severely wounded and seriously ill due for exchange: eligible, consenting, still held."""
    latest: dict[int, RepatriationEligibility] = {}
    for e in RepatriationEligibility.objects.select_related("record__person").order_by("decided", "id"):
        latest[e.record_id] = e
    return [
        e
        for e in latest.values()
        if e.finding == Finding.eligible
        and e.consent == "given"
        and e.record.status in {"detained", "in hospital"}
    ]
