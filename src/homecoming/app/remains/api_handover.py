"""API of the handover of remains and personal effects to the family.

Reading needs ``remains.view_familyhandover`` (the family liaison, the forensic examiner, the exchange
coordinator, the auditor; every read audited); who in the family received (name, relation, identity
document, notes) is given only to the roles that may see it (``handover_receiver``: the liaison), null for
the others, with ``receiver_withheld`` true; recording needs ``remains.add_familyhandover`` (the family
liaison), signed with the officer's password (and authenticator code). A unit that is not identified is
``409`` naming it; a wrong password ``403``; either way nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from homecoming.app.permissions import may, require
from homecoming.app.remains import handover, handover_views
from homecoming.app.remains.models_handover import FamilyHandover

router = Router(tags=["remains"])
_VIEW = "remains.view_familyhandover"


class HandoverIn(Schema):
    units: list[int] = Field(default_factory=list, description="the remains units handed over (identified)")
    effects: list[int] | None = Field(
        None, description="the personal effects handed over (default: every effect of the units still held)"
    )
    receiver_name: str = Field("", description="the family member who receives")
    receiver_relation: str = Field("", description="their relation to the dead")
    id_document_type: str = Field("", description="passport, id_card, foreign_passport, driving_licence, ...")
    id_document_number: str = Field("", description="the number of the identity document checked")
    handed_at: dt.datetime | None = Field(None, description="when (default: now)")
    place: str = ""
    notes: str = ""
    password: str = Field("", description="your password, asked again (the signature)")
    otp_token: str = Field("", description="your authenticator's code, if you have one")


def _sees_reports(user: Any) -> bool:
    """The identification report's reference only for the roles that see reports or families to notify."""
    return may(user, "identification.view_comparisonreport") or may(
        user, "identification.view_familynotification"
    )


def handover_out(h: FamilyHandover, user: Any) -> dict[str, Any]:
    items = list(h.items.select_related("unit", "effect").order_by("id"))
    receiver = handover_views.receiver_of(h, user)
    return {
        "id": h.pk,
        "reference": h.reference,
        "person": h.person.reference,
        "name": str(h.person) if may(user, "person") else None,
        "report": h.report_reference if _sees_reports(user) else None,
        # family personal data: None for a role that may not see who in the family received
        "receiver_name": receiver["name"] if receiver else None,
        "receiver_relation": receiver["relation"] if receiver else None,
        "id_document_type": h.id_document_type if receiver else None,
        "id_document_number": receiver["document_number"] if receiver else None,
        "handed_at": h.handed_at.isoformat(),
        "place": h.place,
        "officer": h.officer.get_username(),
        "notes": receiver["notes"] if receiver else None,
        "receiver_withheld": receiver is None,
        "signature_hash": h.signature_hash,
        "units": [i.unit.reference for i in items if i.unit is not None],
        "inventory": [
            {"effect": i.effect.reference, "packet_number": i.packet_number, "description": i.description}
            for i in items
            if i.effect is not None
        ],
    }


@router.get("/remains/family-handovers", response=list[dict[str, Any]], summary="Handovers to the family")
def list_handovers(request: HttpRequest) -> list[dict[str, Any]]:
    user = require(request, _VIEW)
    rows = FamilyHandover.objects.select_related("person", "officer")[:200]
    return [
        {
            "id": h.pk,
            "reference": h.reference,
            "person": h.person.reference,
            "handed_at": h.handed_at.isoformat(),
            "officer": h.officer.get_username(),
            "name": str(h.person) if may(user, "person") else None,
        }
        for h in rows
    ]


@router.post(
    "/remains/family-handovers", response={201: dict[str, Any]}, summary="Hand remains and effects over"
)
def create_handover(request: HttpRequest, payload: HandoverIn) -> Status:
    actor = require(request, handover.PERFORM)
    data = payload.dict()
    password, otp = data.pop("password"), data.pop("otp_token")
    h = handover.hand_over(actor=actor, data=data, password=password, otp_token=otp)
    return Status(201, handover_out(handover.get_handover(h.pk), actor))


@router.get(
    "/remains/family-handovers/{handover_id}", response=dict[str, Any], summary="A handover (audited)"
)
def get_handover(request: HttpRequest, handover_id: int) -> dict[str, Any]:
    user = require(request, _VIEW)
    h = handover.get_handover(handover_id)
    handover_views.audit_view(user, h, "handover to the family")
    return handover_out(h, user)


@router.get("/remains/family-handovers/{handover_id}/pdf", summary="The handover record as PDF")
def handover_pdf(request: HttpRequest, handover_id: int, lang: str = "") -> HttpResponse:
    """The printable handover record in ``lang`` (uk, en or ru; default: the request's language, else uk)."""
    require(request, _VIEW)
    h = handover.get_handover(handover_id)
    chosen = handover_views.language(request)
    out = handover_views.PRINTED.pdf_response(
        request,
        chosen,
        lambda: handover_views.context(h, request.user),
        reference=h.reference,
        attachment=True,
    )
    handover_views.audit_view(request.user, h, f"handover record (PDF, {chosen})")
    return out
