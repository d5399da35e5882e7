"""Captivity endpoints: detention records and events, capture cards, the wounded list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from homecoming.app.audit import services as audit
from homecoming.app.captivity import services
from homecoming.app.captivity.models import CaptureCard, DetentionRecord
from homecoming.app.captivity.schemas import (
    CardIn,
    CardOut,
    DetentionIn,
    DetentionOut,
    DispatchIn,
    EventIn,
    EventOut,
    WoundedOut,
)
from homecoming.app.lookup import by_id
from homecoming.app.permissions import may, require
from homecoming.app.registry.services import get_person

router = Router(tags=["captivity"])


def _record(record_id: int) -> DetentionRecord:
    return by_id(DetentionRecord, record_id, what="detention record", field="record")


def detention_out(request: HttpRequest, r: DetentionRecord) -> dict[str, Any]:
    data = {
        f: getattr(r, f)
        for f in (
            "detaining_power",
            "capture_date",
            "capture_place",
            "internment_number",
            "current_place",
            "status",
            "person_id",
        )
    }
    data["id"] = r.pk
    data["events"] = list(r.events.all()) if may(request.user, "detention_events") else []
    if may(request.user, "health"):
        data["seriously_ill"] = r.seriously_ill
    return data


@router.get("/persons/{person_id}/detentions", response=list[DetentionOut], summary="Detentions of a person")
def list_detentions(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    require(request, "detentions")
    person = get_person(person_id)
    records = [detention_out(request, r) for r in person.detentions.all()]
    if records and may(request.user, "health"):  # seriously_ill is health data: the view is audited
        services.audit_health_view(actor=request.user, person=person)
    return records


@router.post("/persons/{person_id}/detentions", response={201: DetentionOut}, summary="Record a detention")
def create_detention(request: HttpRequest, person_id: int, payload: DetentionIn) -> Status:
    actor = require(request, "captivity.add_detentionrecord")
    r = services.create_detention(actor=actor, person=get_person(person_id), data=payload.dict())
    return Status(201, detention_out(request, r))


@router.get("/detentions/{record_id}", response=DetentionOut, summary="A detention record and its events")
def get_detention(request: HttpRequest, record_id: int) -> dict[str, Any]:
    require(request, "detentions")
    record = _record(record_id)
    if may(request.user, "health"):
        services.audit_health_view(actor=request.user, person=record.person)
    return detention_out(request, record)


@router.post("/detentions/{record_id}/events", response={201: EventOut}, summary="Add a detention event")
def add_event(request: HttpRequest, record_id: int, payload: EventIn) -> Status:
    actor = require(request, "captivity.add_detentionevent")
    return Status(
        201,
        services.add_event(
            actor=actor,
            record_id=record_id,
            kind=payload.kind,
            on=payload.date,
            place=payload.place,
            details=payload.details,
        ),
    )


def card_out(request: HttpRequest, card: CaptureCard) -> dict[str, Any]:
    data = {f: getattr(card, f) for f in CardOut.model_fields if f not in ("health", "family_address")}
    data["id"] = card.pk
    if may(request.user, "health"):
        data["health"] = card.health
    if may(request.user, "contacts"):
        data["family_address"] = card.family_address
        if card.family_address:
            audit.record_view(actor=request.user, obj=card, what="family address")
    return data


@router.post("/detentions/{record_id}/cards", response={201: CardOut}, summary="Record a capture card")
def create_card(request: HttpRequest, record_id: int, payload: CardIn) -> Status:
    actor = require(request, "captivity.add_capturecard")
    card = services.create_card(actor=actor, record_id=record_id, data=payload.dict(exclude_none=True))
    return Status(201, card_out(request, card))


@router.get("/cards/{card_id}", response=CardOut, summary="A capture card")
def get_card(request: HttpRequest, card_id: int) -> dict[str, Any]:
    require(request, "capture_cards")
    card = by_id(
        CaptureCard.objects.select_related("record__person"), card_id, what="capture card", field="card"
    )
    if card.health and may(request.user, "health"):
        services.audit_health_view(actor=request.user, person=card.record.person)
    return card_out(request, card)


@router.post("/cards/{card_id}/dispatches", response={201: dict}, summary="Record that a card was sent")
def dispatch(request: HttpRequest, card_id: int, payload: DispatchIn) -> Status:
    actor = require(request, "captivity.add_carddispatch")
    d = services.dispatch_card(actor=actor, card_id=card_id, **payload.dict())
    return Status(201, {"id": d.pk, "recipient": d.recipient, "sent_on": d.sent_on.isoformat()})


@router.get("/wounded-list", response=list[WoundedOut], summary="Seriously wounded and sick due for exchange")
def wounded(request: HttpRequest) -> list[dict[str, Any]]:
    require(request, "health")
    rows = services.wounded_list()
    services.audit_wounded_list_view(actor=request.user, rows=rows, via=" (API)")
    return [
        {
            "person_id": e.record.person_id,
            "reference": e.record.person.reference,
            "name": e.record.person.primary_name(),
            "category": e.category,
            "commission_date": e.commission_date,
            "detaining_power": e.record.detaining_power,
        }
        for e in rows
    ]
