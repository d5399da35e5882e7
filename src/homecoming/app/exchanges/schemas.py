"""API schemas of the exchanges app."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from homecoming.app.api_inputs import constrained
from homecoming.app.exchanges.models import (
    Agreement,
    AgreementCategory,
    IdentificationResult,
    ManifestLine,
    ManifestVersion,
    Operation,
    PartyStatement,
    ReportedFigure,
)


@constrained(Agreement)
class AgreementIn(Schema):
    reference: str
    title: str
    party_a: str = Field(description="party code, e.g. UA")
    party_b: str = Field(description="party code, e.g. RU")
    intermediary: str = ""
    date: dt.date | None = None
    date_qualifier: str = "exact"
    date_note: str = ""
    place: str = ""
    notes: str = ""


@constrained(AgreementCategory)
class AgreementCategoryIn(Schema):
    code: str
    name: str
    rule: str = Field(description="n_for_n | all_for_all | unilateral | minimum")
    unit: str = "bodies"
    quota: int | None = None
    giving_party: str | None = None
    criterion: str = ""


class AgreementCategoryOut(Schema):
    id: int
    code: str
    name: str
    rule: str
    unit: str
    quota: int | None
    criterion: str


@constrained(PartyStatement)
class PartyStatementIn(Schema):
    party: str
    characterisation: str = Field(description="exchange | unilateral_repatriation | other")
    text: str
    speaker: str = ""
    source: str = ""
    stated_on: dt.date | None = None
    date_note: str = ""


class PartyStatementOut(Schema):
    id: int
    party: str
    characterisation: str
    text: str
    speaker: str
    source: str
    stated_on: dt.date | None
    date_note: str


class StateMoveIn(Schema):
    to_state: str
    reason: str = ""


class StateMoveOut(Schema):
    from_state: str
    to_state: str
    at: dt.datetime
    reason: str


class AgreementOut(Schema):
    id: int
    reference: str
    title: str
    party_a: str
    party_b: str
    intermediary: str
    date: dt.date | None
    date_qualifier: str
    date_note: str
    place: str
    state: str
    notes: str
    categories: list[AgreementCategoryOut] = []
    statements: list[PartyStatementOut] = []
    transitions: list[StateMoveOut] = []


@constrained(Operation)
class OperationIn(Schema):
    reference: str
    kind: str = Field(description="prisoner_exchange | release | remains_repatriation | civilian_return")
    agreement: int | None = None
    party_a: str | None = None
    party_b: str | None = None
    stage: str = ""
    date: dt.date | None = None
    date_qualifier: str = "exact"
    date_note: str = ""
    place: str = ""
    place_undisclosed: bool = False
    intermediary: str = ""
    notes: str = ""


@constrained(ManifestLine)
class ManifestLineIn(Schema):
    line_no: int | None = None
    category: str
    container_number: str = ""
    person_reference: str = ""
    claimed_name: str = ""
    claimed_birth_date: str = ""
    claimed_identity: str = ""
    claimed_affiliation: str = ""
    eligibility_basis: str = ""
    consent: str = "not_required"
    outcome: str = "pending"
    note: str = ""


@constrained(ManifestVersion)
class ManifestVersionIn(Schema):
    sending: str = Field(description="party code of the sender")
    receiving: str = Field(description="party code of the receiver")
    stage: str = Field(description="proposed | counter_proposal | agreed | executed")
    reason: str = ""
    note: str = ""
    lines: list[ManifestLineIn] = []


class ManifestLineOut(Schema):
    id: int
    line_no: int
    category_code: str
    container_number: str
    person_id: int | None
    claimed_name: str
    claimed_birth_date: str
    claimed_identity: str
    claimed_affiliation: str
    eligibility_basis: str
    consent: str
    outcome: str
    note: str
    linked_person_id: int | None = Field(
        None, description="the registry person the line was linked to later (said to be; not identified)"
    )


class ManifestVersionOut(Schema):
    id: int
    number: int
    stage: str
    supersedes_id: int | None
    reason: str
    created: dt.datetime
    current: bool
    lines: list[ManifestLineOut] = []


class ManifestOut(Schema):
    id: int
    sending: str
    receiving: str
    versions: list[ManifestVersionOut]


@constrained(ReportedFigure)
class ReportedFigureIn(Schema):
    source_kind: str = Field(
        description="party_body | official | intermediary | news_agency | news_agency_unnamed | other"
    )
    source_name: str
    operation: int | None = None
    agreement: int | None = None
    category: str | None = None
    value: int | None = Field(None, ge=0)
    qualifier: str = "exact"
    cumulative: bool = False
    measure: str = "delivered"
    role: str = "reported_by_source"
    unit: str = "bodies"
    sending_party: str | None = None
    receiving_party: str | None = None
    source_party: str | None = None
    reported_on: dt.date | None = None
    date_note: str = ""
    reliability: str = "F"
    quote: str = ""


class ReportedFigureOut(Schema):
    id: int
    operation_id: int | None
    agreement_id: int | None
    value: int | None
    qualifier: str
    cumulative: bool
    measure: str
    role: str
    unit: str
    sending_party: str | None
    receiving_party: str | None
    source_kind: str
    source_name: str
    reported_on: dt.date | None
    date_note: str
    reliability: str
    quote: str


class OperationOut(Schema):
    id: int
    reference: str
    kind: str
    agreement_id: int | None
    party_a: str
    party_b: str
    stage: str
    date: dt.date | None
    date_qualifier: str
    date_note: str
    place: str
    place_undisclosed: bool
    intermediary: str
    state: str
    notes: str
    transitions: list[StateMoveOut] = []
    figures: list[ReportedFigureOut] = []


@constrained(IdentificationResult)
class IdentificationResultIn(Schema):
    verdict: str = Field(description="confirms | contradicts | inconclusive")
    established_identity: str = ""
    established_affiliation: str = ""
    return_operation: int | None = None
    note: str = ""


class IdentificationResultOut(Schema):
    id: int
    line_id: int
    verdict: str
    established_identity: str
    established_affiliation: str
    return_operation_id: int | None
    note: str
    recorded: dt.datetime


class ConsistencyFindingOut(Schema):
    kind: str
    operation: str
    message: str
    detail: dict[str, object]


class ConsistencyFindingsOut(Schema):
    findings: list[ConsistencyFindingOut]
    unavailable: dict[str, str]


class LedgerDecisionIn(Schema):
    receiving: str = Field(description="code of the receiving party of the disputed direction, e.g. UA")
    category: str = Field("", description="category code; may be left out when the agreement has one")
    use: str = Field(description="manifest | figure: the evidence the ledger's count uses")
    reason: str = Field(description="why this evidence is the one to count (required)")


class LedgerReviewIn(Schema):
    verdict: str = Field(description="accepted | rejected (a rejection needs a note)")
    note: str = ""


class LedgerDecisionOut(Schema):
    id: int
    operation: str
    receiving: str
    category: str
    use: str
    manifest_count: int | None
    figure_value: int | None
    reason: str
    decided_at: dt.datetime
    decided_by: str
    verdict: str
    reviewer: str


LineNumber = Annotated[str, StringConstraints(max_length=12)]
Choice = Annotated[str, StringConstraints(max_length=40)]


class LinkManifestIn(Schema):
    dry_run: bool = Field(False, description="preview only: score every line, write nothing")
    decisions: dict[
        Annotated[str, StringConstraints(max_length=12)], Annotated[str, StringConstraints(max_length=40)]
    ] = Field(
        default_factory=dict,
        description="line number -> a candidate's person reference or id, or 'none' (leave unlinked); "
        "a matching line is linked to its best candidate unless decided otherwise, an uncertain line "
        "only by a decision",
        max_length=100_000,
    )


class LinkEvidenceOut(Schema):
    comparison: str
    level: str
    weight_bits: float


class LinkCandidateOut(Schema):
    person_id: int
    reference: str
    name: str
    birth_date: str
    service_number: str
    probability: float
    evidence: list[LinkEvidenceOut]


class LinkLineOut(Schema):
    line_no: int
    kind: str = Field(description="match | uncertain | none (not in the registry)")
    claimed_name: str
    claimed_birth_date: str
    claimed_identity: str
    container_number: str
    linked_to: str | None = Field(description="reference of the person the line is (or would be) linked to")
    chosen: bool = Field(description="a person chose the link (not the model's match)")
    candidates: list[LinkCandidateOut]


class LinkManifestOut(Schema):
    dry_run: bool
    version_id: int
    counts: dict[str, int] = Field(description="lines per class: match, uncertain, none, linked, unnamed")
    linked: int
    model: str
    lines: list[LinkLineOut]
