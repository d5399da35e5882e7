"""API schemas of the registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, create_model

from homecoming.app.api_inputs import constrained
from homecoming.app.registry.models import (
    AssertionReview,
    Enquirer,
    MissingCase,
    NameForm,
    Person,
    StatusAssertion,
)
from homecoming.io.person_columns import PERSON_FIELDS


@constrained(NameForm)
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


# The person's fields, as the API takes them: built from the one list (io.person_columns.PERSON_FIELDS),
# every one optional; text unless named here.
_PERSON_IN: dict[str, Any] = {
    "sex": (Literal["male", "female", "unknown"] | None, None),
    "birth_date": (str | None, Field(None, description="1990, 1990-05 or 1990-05-17")),
    "age_min": (int | None, Field(None, ge=0, le=120)),
    "age_max": (int | None, Field(None, ge=0, le=120)),
    "age_on": (date | None, None),
}
PersonFields = constrained(Person)(
    create_model(
        "PersonFields",
        __base__=Schema,
        __module__=__name__,
        **{f: _PERSON_IN.get(f, (str | None, None)) for f in PERSON_FIELDS},
    )
)


class PersonIn(PersonFields):
    names: list[NameIn] = Field(..., min_length=1)
    reason: str = ""
    not_duplicate: bool = Field(
        False,
        description="confirm that the person is not one of the registered persons named by a 409 "
        "duplicate_person (then with a reason) or likely_duplicate",
    )


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
    merged_into: str | None = Field(None, description="the reference of the person it was merged into")


@constrained(StatusAssertion)
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


@constrained(AssertionReview)
class ReviewIn(Schema):
    decision: Literal["accepted", "rejected"]
    note: str = ""


@constrained(Enquirer)
class EnquirerIn(Schema):
    name: str
    relationship: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@constrained(MissingCase)
class CaseIn(Schema):
    last_contact_date: str = ""
    last_contact_place: str = ""
    last_contact_latitude: float | str | None = Field(
        None, description="where the person was last seen: latitude in decimal degrees (-90..90)"
    )
    last_contact_longitude: float | str | None = Field(
        None, description="longitude in decimal degrees (-180..180); give both or neither"
    )
    unit_at_disappearance: str = ""
    circumstances: str = ""
    external_references: list[str] = []
    enquirers: list[EnquirerIn] = []


@constrained(MissingCase)
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
    last_contact_latitude: float | None = None
    last_contact_longitude: float | None = None
    unit_at_disappearance: str
    circumstances: str
    external_references: list[str]
    transitions: list[CaseTransitionOut]
    enquirers: list[EnquirerIn] | None = Field(None, description="only for roles that may see contacts")


# The person as the API shows it: the one field list but the date an age is as of and the notes.
_PERSON_OUT: dict[str, Any] = {"age_min": (int | None, ...), "age_max": (int | None, ...)}
PersonOut = create_model(
    "PersonOut",
    __base__=Schema,
    __module__=__name__,
    id=(int, ...),
    reference=(str, ...),
    version=(int, ...),
    **{f: _PERSON_OUT.get(f, (str, ...)) for f in PERSON_FIELDS if f not in ("age_on", "notes")},
    current_status=(str, ...),
    purged=(bool, ...),
    merged_into=(str | None, Field(None, description="the reference of the person it was merged into")),
    names=(list[NameOut], ...),
    assertions=(list[AssertionOut], ...),
    cases=(list[str], ...),
)


_MAX_ID = 2**63 - 1


class AgreementOut(Schema):
    field: str
    outcome: str = Field(..., description="agree, differ or unknown (one side empty)")
    left: str
    right: str


class PairOut(Schema):
    left: PersonSummary
    right: PersonSummary
    score: int
    exact: bool
    evidence: list[AgreementOut]


class MergeIn(Schema):
    into: int = Field(..., ge=1, le=_MAX_ID, description="the id of the person that stays (the survivor)")
    reason: str


class UnmergeIn(Schema):
    reason: str


class NotSameIn(Schema):
    other: int = Field(..., ge=1, le=_MAX_ID, description="the id of the other person")
    reason: str


class LinkOut(Schema):
    id: int
    person: str
    other: str
    decision: str
    reason: str
    at: datetime


class LinkageLevelOut(Schema):
    level: str = Field(..., description="the level's label in the model (English)")
    m: float | None = Field(None, description="how often two records of one person fall in the level")
    u: float | None = Field(None, description="how often two records of different persons fall in it")
    weight: float | None = Field(None, description="match weight in bits: log2(m/u)")


class LinkageComparisonOut(Schema):
    comparison: str
    levels: list[LinkageLevelOut]


class LinkageModelSummary(Schema):
    id: int | None = Field(None, description="null: the model shipped with Homecoming")
    trained_on: str
    at: datetime | None
    by: str
    records: int


class LinkageModelOut(LinkageModelSummary):
    shipped: bool
    splink_version: str
    seed: int | None
    max_pairs: float | None
    records_sha256: str
    inputs: dict[str, str] = Field(..., description="file name → SHA-256 of each input file, if known")
    prior: float = Field(..., description="probability that two records picked at random are one person")
    prior_weight: float | None = Field(None, description="the prior in bits")
    comparisons: list[LinkageComparisonOut]
    history: list[LinkageModelSummary] = Field(..., description="the models in force before, newest first")
