"""Returning remains and personal effects to the family: one signed handover, in one transaction.

:func:`hand_over` is refused, writing nothing, unless every unit is ``identified`` (states follow evidence:
an identification report was signed), every effect belongs to one of the units and is still held, the
receiver, the identity document checked and the place are given, and the officer re-enters their password
(and their authenticator's code when they have one). Then, in one transaction:

1. the handover record (:class:`FamilyHandover`, reference ``FH-…``) with the digest of its content;
2. for each unit and each effect, a last custody event "handed over to the family" (from whoever holds it
   to the family member) and its inventory row (:class:`HandoverItem`); the chain is then closed:
   ``custody.record_event`` refuses anything after it;
3. each effect's disposition becomes ``returned_to_family``, each unit moves to ``released_to_family``;
4. an audit record of the handover (who received — name, relation, identity document — and the notes
   kept out of the trail as a keyed digest) beside those of the custody events, the dispositions and the
   moves. The custody events name the family by the handover's reference, never the receiver: the custody
   chain is read by roles that may not see the family's personal data.

Its time is a past moment (at most five minutes ahead). A form keeps whole seconds: a time within the
second of a chain's last event but before it (the event recorded moments ago) is taken as a microsecond
after that event, so a handover dated "now" is never refused for preceding it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from homecoming.app.accounts.reauthenticate import check_credentials
from homecoming.app.audit import services as audit
from homecoming.app.audit import withheld as audit_withheld
from homecoming.app.lookup import by_id
from homecoming.app.moments import past_moment
from homecoming.app.remains import custody, examinations, services
from homecoming.app.remains.choices import Disposition
from homecoming.app.remains.models import PersonalEffect, RemainsUnit
from homecoming.app.remains.models_handover import FamilyHandover, HandoverItem, IdentityDocument
from homecoming.app.remains.references import new_references
from homecoming.domain.custody import signature_hash
from homecoming.domain.remains_states import LABELS, RemainsState
from homecoming.errors import NotFound, PermissionDenied, Problem, StateError, ValidationError

__all__ = [
    "HELD",
    "PERFORM",
    "Identified",
    "effects_to_return",
    "get_handover",
    "hand_over",
    "identified_as",
    "ready_units",
]

PERFORM = "remains.add_familyhandover"
#: effects that may still be handed over (not yet returned or sent elsewhere)
HELD = (Disposition.held.value, Disposition.with_remains.value)
#: who in the family received: family personal data, kept out of the audit trail (a keyed digest stays) and
#: out of the custody chain (which names the handover's reference instead)
WITHHELD = ("receiver_name", "receiver_relation", "id_document_type", "id_document_number", "notes")
FIELDS = ("receiver_name", "receiver_relation", "id_document_type", "id_document_number", "place", "notes")


@dataclass(frozen=True)
class Identified:
    """Who a unit was identified as: the registry person and the signed report's reference."""

    person: Any
    report_reference: str


def identified_as(unit: RemainsUnit) -> Identified | None:
    """The person of the unit's signed IDEN identification (None if there is none)."""
    # the reverse relation of identification.ComparisonReport.unit (remains does not import identification)
    report = (
        unit.comparison_reports.filter(kind="IDEN", state="identified", conclusion="identification")
        .select_related("person")
        .order_by("-signed_at", "-id")
        .first()
    )
    if report is None or report.person is None:
        return None
    return Identified(report.person, report.reference)


def ready_units() -> QuerySet[RemainsUnit]:
    """Identified units not yet handed over (the liaison's list)."""
    return RemainsUnit.objects.filter(state=RemainsState.identified.value).select_related("batch")


def effects_to_return(units: Iterable[RemainsUnit]) -> list[PersonalEffect]:
    """The effects of ``units`` still held (what the sealed packets hold), by packet and reference."""
    return list(
        PersonalEffect.objects.filter(unit__in=list(units), disposition__in=HELD)
        .select_related("unit")
        .order_by("packet_number", "reference")
    )


def get_handover(handover_id: int | str) -> FamilyHandover:
    return by_id(
        FamilyHandover.objects.select_related("person", "officer"),
        handover_id,
        what="handover to the family",
        field="handover",
    )


# --- checking the input --------------------------------------------------------------------------------


def _ids(raw: Any, field: str, problems: list[Problem]) -> list[int]:
    if raw in (None, ""):
        return []
    values = raw if isinstance(raw, list | tuple) else [raw]
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            problems.append(Problem(field, "is not an id", v, f"give the ids of the {field}"))
    return list(dict.fromkeys(out))


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    problems: list[Problem] = []
    out: dict[str, Any] = {k: str(data.get(k) or "").strip() for k in FIELDS}
    for key, what in (
        ("receiver_name", "the name of the family member who receives"),
        ("receiver_relation", "their relation to the dead (mother, wife, brother...)"),
        ("id_document_number", "the number of the identity document you checked"),
        ("place", "where the handover takes place"),
    ):
        if not out[key]:
            problems.append(Problem(key, "is required", None, f"write {what}"))
    if out["id_document_type"] not in IdentityDocument.values:
        problems.append(
            Problem(
                "id_document_type",
                "is not a type of identity document",
                out["id_document_type"] or None,
                "use " + ", ".join(IdentityDocument.values),
            )
        )
    out["units"] = _ids(data.get("units"), "units", problems)
    if not out["units"] and not problems:
        problems.append(Problem("units", "is required", None, "give the remains unit(s) handed over"))
    out["effects"] = None if data.get("effects") is None else _ids(data.get("effects"), "effects", problems)
    out["handed_at"] = past_moment(
        data.get("handed_at"), problems, field="handed_at", hint="record the handover after it happened"
    )
    if problems:
        raise ValidationError.from_problems(problems, "the handover to the family")
    return out


def _units(ids: list[int]) -> tuple[list[RemainsUnit], Identified]:
    units = []
    for pk in ids:
        unit = RemainsUnit.objects.select_for_update().filter(pk=pk).first()
        if unit is None:
            raise NotFound(f"no remains unit with id {pk}", field="units", value=pk)
        units.append(unit)
    who: Identified | None = None
    for unit in units:
        refuse_unidentified(unit)
        found = identified_as(unit)
        if found is None:
            raise StateError(
                f"{unit.reference} has no signed identification report naming a person",
                field="units",
                value=unit.reference,
                hint="an identification is proposed and signed in Identification",
            )
        if who is not None and found.person.pk != who.person.pk:
            raise StateError(
                f"{unit.reference} was identified as {found.person.reference}, not {who.person.reference}: "
                "one handover returns one person",
                field="units",
                value=unit.reference,
                hint="record a handover per person",
            )
        who = who or found
    assert who is not None
    return units, who


def refuse_unidentified(unit: RemainsUnit) -> None:
    """Only an identified unit can be handed over to the family (the message says what it is instead)."""
    if unit.state == RemainsState.identified:
        return
    label = LABELS[RemainsState(unit.state)].lower()
    if unit.state == RemainsState.released_to_family:
        item = HandoverItem.objects.filter(unit=unit).select_related("handover").first()
        where = f" in {item.handover.reference}" if item else ""
        raise StateError(
            f"{unit.reference} was already handed over to the family{where}",
            field="units",
            value=unit.reference,
            hint="nothing to do",
        )
    raise StateError(
        f"{unit.reference} is not identified ({label}): only an identified body can be handed over to the "
        "family",
        field="units",
        value=unit.reference,
        hint="an identification report must be signed first (Identification)",
    )


def _effects(requested: list[int] | None, units: list[RemainsUnit]) -> list[PersonalEffect]:
    held = {e.pk: e for e in effects_to_return(units)}
    if requested is None:
        return list(held.values())
    problems = []
    for pk in requested:
        if pk in held:
            continue
        effect = PersonalEffect.objects.filter(pk=pk).first()
        if effect is None:
            problems.append(
                Problem("effects", f"no personal effect with id {pk}", pk, "check the effect's id")
            )
        elif effect.unit_id not in {u.pk for u in units}:
            problems.append(
                Problem(
                    "effects",
                    f"{effect.reference} was found with another unit",
                    effect.reference,
                    "hand over only the effects of the units handed over",
                )
            )
        else:
            problems.append(
                Problem(
                    "effects",
                    f"{effect.reference} is no longer held ({effect.get_disposition_display()})",
                    effect.reference,
                    "leave it out of the handover",
                )
            )
    if problems:
        raise ValidationError.from_problems(problems, "the handover to the family")
    return [held[pk] for pk in requested]


# --- the handover ------------------------------------------------------------------------------------------


def _officer_name(user: Any) -> str:
    return (user.get_full_name() or "").strip() or user.get_username()


def _close(actor: Any, obj: RemainsUnit | PersonalEffect, h: FamilyHandover) -> HandoverItem:
    """The last custody event of ``obj`` (to the family member) and its inventory row."""
    where = custody.current(obj)
    event = custody.record_event(
        actor=actor,
        obj=obj,
        data={
            "at": h.handed_at,
            "from_custodian": where.custodian,
            "to_custodian": f"family ({h.reference})",
            "location": h.place,
            "purpose": f"handed over to the family ({h.reference})",
            "seal_before": where.seal,
            "from_signer": h.officer_name,
            "to_signer": f"family member ({h.reference})",
        },
    )
    if isinstance(obj, RemainsUnit):
        return HandoverItem.objects.create(
            handover=h,
            unit=obj,
            packet_number=obj.bag_number,
            description=f"{obj.get_kind_display()} {obj.reference}",
            custody_event=event,
        )
    return HandoverItem.objects.create(
        handover=h,
        effect=obj,
        packet_number=obj.packet_number,
        description=f"{obj.get_kind_display()}: {obj.description}",
        custody_event=event,
    )


def _content(h: FamilyHandover, units: list[RemainsUnit], effects: list[PersonalEffect]) -> dict[str, Any]:
    return {
        "reference": h.reference,
        "person": h.person.reference,
        "report": h.report_reference,
        **{k: getattr(h, k) for k in FIELDS},
        "handed_at": h.handed_at,
        "officer": h.officer.get_username(),
        "units": [u.reference for u in units],
        "effects": [[e.reference, e.packet_number, e.description] for e in effects],
    }


def _not_before_last_event(at: dt.datetime, objs: Iterable[RemainsUnit | PersonalEffect]) -> dt.datetime:
    """``at``, or a microsecond after the last custody event of ``objs`` when that was recorded later
    within the same second: a form keeps whole seconds, so a handover dated "now" just after the last
    event would otherwise sort before it (or beside it) and be refused."""
    last = max((custody.current(o).since for o in objs), default=None)
    if last is not None and last.replace(microsecond=0) <= at <= last:
        return last + dt.timedelta(microseconds=1)
    return at


@transaction.atomic
def hand_over(*, actor: Any, data: Mapping[str, Any], password: str, otp_token: str = "") -> FamilyHandover:
    """Record a signed handover to the family (see the module's rules); refused, writing nothing, else."""
    if actor is None or not actor.has_perm(PERFORM):
        raise PermissionDenied(
            f"your role does not allow this ({PERFORM})",
            field="permission",
            value=PERFORM,
            hint="a family liaison officer hands remains over to the family",
        )
    clean = _clean(data)
    units, who = _units(clean["units"])
    effects = _effects(clean["effects"], units)
    check_credentials(actor, password=password, otp_token=otp_token, what="signing the handover")
    clean["handed_at"] = _not_before_last_event(clean["handed_at"], [*units, *effects])
    h = FamilyHandover(
        reference=new_references("FH", year=timezone.localtime(clean["handed_at"]).year)[0],
        person=who.person,
        report_reference=who.report_reference,
        handed_at=clean["handed_at"],
        officer=actor,
        officer_name=_officer_name(actor),
        **{k: clean[k] for k in FIELDS},
    )
    h.signature_hash = signature_hash(_content(h, units, effects))
    h.save(force_insert=True)
    items = [_close(actor, u, h) for u in units] + [_close(actor, e, h) for e in effects]
    audit.record(
        actor=actor,
        action="create",
        obj=h,
        after={
            **audit_withheld.withheld(audit.snapshot(h), WITHHELD),
            "items": [
                i.unit.reference if i.unit else i.effect.reference for i in items if i.unit or i.effect
            ],
        },
        reason=f"handed over to the family: {who.person.reference} ({who.report_reference})",
    )
    for effect in effects:
        examinations.set_disposition(
            actor=actor,
            effect=PersonalEffect.objects.get(pk=effect.pk),
            disposition=Disposition.returned_to_family.value,
            reason=f"handed over to the family in {h.reference}",
        )
    for unit in units:
        services.transition(
            actor=actor,
            unit_id=unit.pk,
            target=RemainsState.released_to_family.value,
            reason=f"handed over to the family in {h.reference}",
        )
    return h
