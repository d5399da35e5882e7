"""API schemas of the registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class NameIn(Schema):
    family_name: str
    given_name: str = ""
    patronymic: str = ""
    script: Literal["cyrillic", "latin", ""] = ""
    language: str = ""
    kind: Literal["registered", "transliteration", "alias", ""] = ""


class NameOut(Schema):
    family_name: str
    given_name: str
    patronymic: str
    script: str
    language: str
    kind: str


class PersonFields(Schema):
    sex: Literal["male", "female", "unknown"] | None = None
    birth_date: str | None = Field(None, description="1990, 1990-05 or 1990-05-17")
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    age_on: date | None = None
    place_of_birth: str | None = None
    citizenship: str | None = None
    father_name: str | None = None
    mother_maiden_name: str | None = None
    power: str | None = None
    force: str | None = None
    unit: str | None = None
    rank: str | None = None
    service_number: str | None = None
    identity_document: str | None = None
    distinguishing_marks: str | None = None
    notes: str | None = None


class PersonIn(PersonFields):
    names: list[NameIn] = Field(..., min_length=1)
    reason: str = ""


class PersonPatch(PersonFields):
    version: int = Field(..., description="the version you read; a newer one means someone saved first")
    names: list[NameIn] | None = None
    reason: str = ""


class PersonSummary(Schema):
    id: int
    reference: str
    name: str
    sex: str
    birth_date: str
    service_number: str
    current_status: str


class AssertionIn(Schema):
    status: str
    source_type: str
    source_name: str
    source_date: date
    reliability: str = "F"
    evidence: str = ""


class AssertionOut(Schema):
    id: int
    status: str
    source_type: str
    source_name: str
    source_date: date
    reliability: str
    evidence: str
    review_state: str
    submitted: datetime


class ReviewIn(Schema):
    decision: Literal["accepted", "rejected"]
    note: str = ""


class EnquirerIn(Schema):
    name: str
    relationship: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


class CaseIn(Schema):
    last_contact_date: str = ""
    last_contact_place: str = ""
    unit_at_disappearance: str = ""
    circumstances: str = ""
    external_references: list[str] = []
    enquirers: list[EnquirerIn] = []


class CaseTransitionIn(Schema):
    state: str
    reason: str = ""
    version: int | None = None


class CaseTransitionOut(Schema):
    from_state: str
    to_state: str
    at: datetime
    reason: str


class CaseOut(Schema):
    id: int
    reference: str
    person_id: int
    state: str
    version: int
    last_contact_date: str
    last_contact_place: str
    unit_at_disappearance: str
    circumstances: str
    external_references: list[str]
    transitions: list[CaseTransitionOut]
    enquirers: list[EnquirerIn] | None = Field(None, description="only for roles that may see contacts")


class PersonOut(Schema):
    id: int
    reference: str
    version: int
    sex: str
    birth_date: str
    age_min: int | None
    age_max: int | None
    place_of_birth: str
    citizenship: str
    father_name: str
    mother_maiden_name: str
    power: str
    force: str
    unit: str
    rank: str
    service_number: str
    identity_document: str
    distinguishing_marks: str
    current_status: str
    purged: bool
    names: list[NameOut]
    assertions: list[AssertionOut]
    cases: list[str]
