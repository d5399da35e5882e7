"""API of lab files, DNA profiles and re-association proposals (declared on the genetics router).

``POST /genetics/lab-files`` takes the file as multipart form data (field ``file``); the options are
query parameters (``format``, ``batch``, ``dry_run``, ``again``), so the endpoint has no JSON body.
Declared on this module's own router, which ``genetics.api`` mounts. A profile's alleles are in its
detail only for ``genotypes`` (DNA analysts, identification reviewers),
and each such read is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from homecoming.app.genetics import importing, profile_data, proposals
from homecoming.app.genetics.choices import ProposalDecision as Decision
from homecoming.app.genetics.models import LabFile, Profile
from homecoming.app.lookup import by_id
from homecoming.app.permissions import require
from homecoming.errors import Problem, ValidationError
from homecoming.io.tables import check_size

router = Router(tags=["genetics"])


class ProfileSummaryOut(Schema):
    line: int
    specimen: str
    kind: str
    category: str
    owner: str
    method: str
    kit: str
    locus_count: int
    replicate: int
    flags: list[str]
    excluded_reason: str
    reference: str


class ImportOut(Schema):
    file_name: str
    sha256: str
    format: str
    dry_run: bool
    counts: dict[str, int]
    profiles: list[ProfileSummaryOut]
    notes: list[str]
    frequency_table: str
    lab_file: str
    lab_file_id: int | None


class LabFileOut(Schema):
    id: int
    reference: str
    file_name: str
    format: str
    sha256: str
    size: int
    source_lab: str
    batch: str | None
    profile_count: int
    notes: list[Any]
    imported_at: datetime
    imported_by: str


class ProfileOut(Schema):
    id: int
    reference: str
    kind: str
    specimen: str
    category: str
    kit: str
    method: str
    replicate: int
    consensus: bool
    locus_count: int
    flags: list[str]
    excluded_reason: str
    sample: str | None
    unit: str | None
    batch: str | None
    reference_sample: str | None
    lab_file: str | None
    line: int | None
    created: datetime
    created_by: str


class AlleleOut(Schema):
    locus: str
    written_name: str
    written: list[str]
    used: list[str]
    flags: list[str]


class ProfileDetailOut(ProfileOut):
    loci: list[str]
    consensus_of: list[str]
    conflicts: list[dict[str, Any]]
    sha256: str
    alleles: list[AlleleOut] | None


class ProposalOut(Schema):
    id: int
    profile: str
    other: str
    sample: str | None
    other_sample: str | None
    unit: str | None
    other_unit: str | None
    compared_loci: int
    mismatched_loci: int
    log10_lr: float | None
    frequency_table: str
    at: datetime
    decision: str | None
    decided_by: str | None


class DecisionIn(Schema):
    decision: Decision
    reason: str


class DecisionOut(Schema):
    id: int
    proposal: int
    decision: str
    unit_link: int | None
    reason: str
    at: datetime


def _limit(limit: int) -> int:
    return max(1, min(limit, 1000))


@router.post(
    "/genetics/lab-files",
    response={200: ImportOut, 201: ImportOut},
    summary="Import a laboratory file (multipart field 'file'); dry_run=true writes nothing",
)
def import_lab_file(
    request: HttpRequest,
    format: str | None = None,
    batch: str | None = None,
    dry_run: bool = False,
    again: str | None = None,
) -> Status:
    actor = require(request, "genetics.add_labfile")
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError.from_problems(
            [
                Problem(
                    "file",
                    "is required",
                    None,
                    "send the lab file as multipart form data in the field 'file'",
                )
            ]
        )
    check_size(upload.name or "upload", upload.size)  # before the upload is read into memory
    report = importing.import_lab_file(
        actor=actor,
        data=upload.read(),
        name=upload.name or "upload",
        format=format or None,
        batch=batch or None,
        dry_run=dry_run,
        again_reason=again,
    )
    return Status(200 if dry_run else 201, report)


@router.get("/genetics/lab-files", response=list[LabFileOut], summary="Imported laboratory files")
def list_lab_files(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    require(request, "genetics.view_labfile")
    rows = LabFile.objects.select_related("batch", "imported_by")[: _limit(limit)]
    return [profile_data.lab_file_out(f) for f in rows]


@router.get("/genetics/lab-files/{lab_file_id}", response=LabFileOut, summary="One laboratory file")
def get_lab_file(request: HttpRequest, lab_file_id: int) -> dict[str, Any]:
    require(request, "genetics.view_labfile")
    found = by_id(
        LabFile.objects.select_related("batch", "imported_by"),
        lab_file_id,
        what="lab file",
        field="lab_file_id",
    )
    return profile_data.lab_file_out(found)


@router.get("/genetics/profiles", response=list[ProfileOut], summary="DNA profiles (no alleles)")
def list_profiles(
    request: HttpRequest,
    batch: str = "",
    kind: str = "",
    flag: str = "",
    specimen: str = "",
    limit: int = 100,
) -> list[dict[str, Any]]:
    require(request, "profiles")
    rows = profile_data.profiles(batch=batch, kind=kind, flag=flag, specimen=specimen)[: _limit(limit)]
    user = request.user
    return [profile_data.profile_summary(user, p) for p in rows]


@router.get(
    "/genetics/profiles/{profile_id}",
    response=ProfileDetailOut,
    summary="One DNA profile; alleles only with genetics.view_genotype (audited)",
)
def get_profile(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    user = require(request, "profiles")
    found = by_id(
        Profile.objects.select_related(*profile_data.PROFILE_RELATED),
        profile_id,
        what="DNA profile",
        field="profile_id",
    )
    return profile_data.profile_detail(user, found)


@router.get("/genetics/proposals", response=list[ProposalOut], summary="Re-association proposals")
def list_proposals(request: HttpRequest, undecided: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    require(request, "genetics.view_reassociationproposal")
    return [
        profile_data.proposal_out(p) for p in profile_data.proposals(undecided=undecided)[: _limit(limit)]
    ]


@router.post(
    "/genetics/proposals/{proposal_id}/decisions",
    response={201: DecisionOut},
    summary="Confirm (links the units as the same individual) or reject a re-association proposal",
)
def decide(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> Status:
    actor = require(request, "genetics.add_proposaldecision")
    made = proposals.decide_proposal(
        actor=actor, proposal_id=proposal_id, decision=payload.decision, reason=payload.reason
    )
    return Status(
        201,
        {
            "id": made.pk,
            "proposal": made.proposal_id,
            "decision": made.decision,
            "unit_link": made.unit_link_id,
            "reason": made.reason,
            "at": made.at,
        },
    )
