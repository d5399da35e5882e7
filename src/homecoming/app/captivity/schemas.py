"""API schemas of the captivity app."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema

from homecoming.app.api_inputs import constrained
from homecoming.app.captivity.models import CaptureCard, CardDispatch, DetentionEvent, DetentionRecord


@constrained(DetentionRecord)
class DetentionIn(Schema):
    detaining_power: str
    capture_date: date
    capture_place: str = ""
    capture_circumstances: str = ""
    internment_number: str = ""
    current_place: str = ""
    seriously_ill: bool = False


@constrained(DetentionEvent)
class EventIn(Schema):
    kind: str
    date: date
    place: str = ""
    details: str = ""


class EventOut(Schema):
    id: int
    kind: str
    date: date
    place: str
    details: str
    recorded: datetime


class DetentionOut(Schema):
    id: int
    person_id: int
    detaining_power: str
    capture_date: date
    capture_place: str
    internment_number: str
    current_place: str
    status: str
    seriously_ill: bool | None = None
    events: list[EventOut]


@constrained(CaptureCard)
class CardIn(Schema):
    power: str = ""
    family_name: str = ""
    first_names: str = ""
    father_first_name: str = ""
    date_of_birth: str = ""
    place_of_birth: str = ""
    rank: str = ""
    service_number: str = ""
    family_address: str = ""
    taken_prisoner_on: date | None = None
    coming_from: str = ""
    health: str = ""
    present_address: str = ""
    card_date: date | None = None


class CardOut(Schema):
    id: int
    record_id: int
    power: str
    family_name: str
    first_names: str
    father_first_name: str
    date_of_birth: str
    place_of_birth: str
    rank: str
    service_number: str
    taken_prisoner_on: date | None
    coming_from: str
    present_address: str
    card_date: date
    health: str | None = None
    family_address: str | None = None


@constrained(CardDispatch)
class DispatchIn(Schema):
    recipient: str
    sent_on: date
    method: str = ""
    reference: str = ""


class WoundedOut(Schema):
    person_id: int
    reference: str
    name: str
    category: str
    commission_date: date | None
    detaining_power: str
