"""API schemas of the remains app."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from homecoming.app.api_inputs import constrained
from homecoming.app.remains.models import (
    CustodyEvent,
    Examination,
    IntakeBatch,
    PersonalEffect,
    RemainsUnit,
    Sample,
    UnitLink,
)


@constrained(IntakeBatch)
class BatchIn(Schema):
    operation_id: int | None = None
    source: str = ""
    transport: str = "convoy"
    vehicles: int | None = Field(None, ge=0)
    containers_declared: int | None = Field(None, ge=0)
    containers_counted: int | None = Field(None, ge=0)
    receiving_facility: str
    received_at: datetime | None = None
    handed_over_by: str
    received_by: str
    notes: str = ""


class BatchOut(Schema):
    id: int
    reference: str
    operation_id: int | None
    source: str
    transport: str
    vehicles: int | None
    containers_declared: int | None
    containers_counted: int | None
    receiving_facility: str
    received_at: datetime
    handed_over_by: str
    received_by: str
    signature_hash: str
    units: int
    units_by_kind: dict[str, int]


@constrained(RemainsUnit)
class UnitIn(Schema):
    bag_number: str
    kind: str
    seal_number: str = ""
    sender_reference: str = ""
    condition: str = ""
    completeness: str = ""
    apparent_sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    date_of_death: str = ""
    date_of_recovery: str = ""
    place: str = ""
    recovery_latitude: float | str | None = Field(
        None, description="where the remains were recovered: latitude in decimal degrees (-90..90)"
    )
    recovery_longitude: float | str | None = Field(
        None, description="longitude in decimal degrees (-180..180); give both or neither"
    )
    region: str = ""
    notes: str = ""


class TransitionOut(Schema):
    from_state: str
    to_state: str
    at: datetime
    reason: str
    grave: str


class CustodyOut(Schema):
    id: int
    at: datetime
    from_custodian: str
    to_custodian: str
    location: str
    storage_unit: str
    purpose: str
    seal_before: str
    seal_after: str
    condition: str
    from_signer: str
    to_signer: str
    signature_hash: str
    accession_number: str
    supersedes_id: int | None
    supersede_reason: str
    superseded: bool
    problems: list[str]


class ChainOut(Schema):
    object: str
    holder: str | None
    location: str | None
    events: list[CustodyOut]
    problems: list[dict[str, str | int]]


class LinkOut(Schema):
    kind: str
    other: str


class UnitOut(Schema):
    id: int
    reference: str
    batch: str
    bag_number: str
    kind: str
    parent: str | None
    parent_link: str
    children: list[str]
    sender_reference: str
    condition: str
    completeness: str
    apparent_sex: str
    age_min: int | None
    age_max: int | None
    date_of_death: str
    date_of_recovery: str
    place: str
    recovery_latitude: float | None = None
    recovery_longitude: float | None = None
    region: str
    state: str
    grave: str
    version: int
    transitions: list[TransitionOut]
    links: list[LinkOut]
    samples: list[str]
    effects: list[str]
    examinations: list[dict[str, str | int]]


@constrained(RemainsUnit)
class TransitionIn(Schema):
    state: str
    reason: str = ""
    grave: str = ""
    version: int | None = None


@constrained(RemainsUnit)
class SplitChild(Schema):
    kind: str
    bag_number: str = ""
    apparent_sex: str = ""
    completeness: str = ""
    notes: str = ""


class SplitIn(Schema):
    children: list[SplitChild] = Field(..., min_length=1)
    reason: str = ""


@constrained(UnitLink)
class LinkIn(Schema):
    other: str = Field(..., description="the other unit's reference or id")
    kind: str = Field(..., description="same_individual or commingled_with")
    reason: str = ""


@constrained(CustodyEvent)
class CustodyIn(Schema):
    at: datetime | None = None
    from_custodian: str
    to_custodian: str
    location: str = ""
    storage_unit: str = ""
    purpose: str = ""
    seal_before: str = ""
    seal_after: str = ""
    condition: str = ""
    from_signer: str
    to_signer: str
    supersedes: int | None = None
    reason: str = ""


@constrained(Examination)
class ExaminationIn(Schema):
    examined_at: datetime | None = None
    place: str = ""
    external: str = ""
    sex: str = "undetermined"
    age_min: int | None = None
    age_max: int | None = None
    stature_cm: int | None = None
    anthropology_notes: str = ""
    dental: dict[str, str] = Field(default_factory=dict, description="FDI tooth number → finding")
    fingerprints_taken: bool = False
    marks: str = ""
    clothing: str = ""
    cause_of_death: str = ""
    notes: str = ""


class ExaminationOut(ExaminationIn):
    id: int
    unit: str
    examiner: str


@constrained(Sample)
class SampleIn(Schema):
    kind: str
    description: str = ""
    examination_id: int | None = None
    seal_after: str = ""


class SampleOut(Schema):
    id: int
    reference: str
    unit: str
    kind: str
    description: str
    holder: str | None
    accession_numbers: list[str]


@constrained(CustodyEvent)
class ShipIn(Schema):
    carrier: str
    from_signer: str
    to_signer: str
    seal_after: str = ""
    at: datetime | None = None


@constrained(CustodyEvent)
class ReceiveIn(Schema):
    laboratory: str
    accession_number: str
    from_signer: str
    to_signer: str
    seal_before: str = ""
    seal_after: str = ""
    storage_unit: str = ""
    at: datetime | None = None


@constrained(PersonalEffect)
class EffectIn(Schema):
    kind: str
    description: str
    packet_number: str = ""


class EffectOut(Schema):
    id: int
    reference: str
    unit: str
    kind: str
    description: str
    packet_number: str
    disposition: str


@constrained(RemainsUnit)
class RecoveryIn(Schema):
    """Where and when the unit was recovered; only the fields sent are changed (a blank clears one)."""

    date_of_recovery: str | None = None
    place: str | None = None
    recovery_latitude: float | str | None = Field(
        None, description="latitude in decimal degrees (-90..90), with recovery_longitude or not at all"
    )
    recovery_longitude: float | str | None = Field(
        None, description="longitude in decimal degrees (-180..180)"
    )
    version: int | None = None
