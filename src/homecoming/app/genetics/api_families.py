"""API of reference families: families, relatives, samples, consent, the identification rule, next donor.

Reading a family needs ``families``; its consent ``consent``; a profile's status ``profiles``; the
``.fam`` export (alleles) ``genotypes``. Writes ask for the model permissions. Reading one family
writes a "view" audit record, as the page does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from homecoming.app.audit import services as audit
from homecoming.app.genetics import fam_exchange, families, family_power, family_records
from homecoming.app.genetics.models import FamilyMember, Profile, ReferenceFamily
from homecoming.app.lookup import by_id
from homecoming.app.permissions import may, require

router = Router(tags=["genetics"])


class ReferenceFamilyIn(Schema):
    persons: list[int] = Field(..., description="registry person ids of the missing persons")
    label: str = Field("", max_length=200)
    notes: str = ""


class FamilyRelativeIn(Schema):
    relation: str = Field(..., description="father, mother, full_sibling, paternal_half_sibling, ...")
    of: int | None = Field(None, description="the member it is a relative of (default: the missing person)")
    sex: str | None = None
    display_name: str = Field("", max_length=200)
    person: int | None = Field(None, description="a registry person id, if the relative is in the registry")
    through: int | None = Field(None, description="for a cousin: the uncle or aunt member it descends from")
    expected_version: int | None = Field(
        None, description="the family's version you read; a stale one is 409 conflict and changes nothing"
    )


class FamilyParentIn(Schema):
    child: int = Field(..., description="the member whose parent this is")
    role: str = Field(..., description="father or mother")
    parent: int = Field(..., description="an existing member of the family")
    expected_version: int | None = Field(
        None, description="the family's version you read; a stale one is 409 conflict and changes nothing"
    )


class FamilyRemoveIn(Schema):
    reason: str = ""
    expected_version: int | None = Field(
        None, description="the family's version you read; a stale one is 409 conflict and changes nothing"
    )


class ReferenceSampleIn(Schema):
    member: int
    lab_reference: str = Field(..., max_length=64)
    kind: str = "buccal"
    taken_on: date | None = None
    taken_by: str = Field("", max_length=200)


class FamilyConsentIn(Schema):
    scope: str
    action: str = Field(..., description="given or withdrawn")
    on: date
    given_by: int | None = None
    note: str = ""


class ReferenceFamilyOut(Schema):
    id: int
    reference: str
    label: str
    version: int
    members: list[dict[str, Any]]
    consent: dict[str, Any] | None
    withdrawn: bool | None
    problems: list[dict[str, Any]]


class FamilyRuleOut(Schema):
    missing: str
    met: bool
    route: str
    close_typed: list[str]
    multi_method: list[str]
    explanation: str


class FamilyRankOut(Schema):
    missing: str
    method: str
    table: str
    markers: int
    threshold: float
    ranking: list[dict[str, Any]]


def _family(family_id: int) -> ReferenceFamily:
    return by_id(ReferenceFamily, family_id, what="reference family", field="family_id")


def _member_out(m: FamilyMember, profiles: dict[int, list[Profile]] | None) -> dict[str, Any]:
    samples = []
    for s in m.samples.all():
        row: dict[str, Any] = {"reference": s.reference, "kind": s.kind, "lab_reference": s.lab_reference}
        if profiles is not None:
            row["profiles"] = [
                {
                    "reference": p.reference,
                    "method": p.method,
                    "loci": p.locus_count,
                    "flags": p.flags,
                    "usable": p.usable,
                }
                for p in profiles.get(s.pk, [])
            ]
        samples.append(row)
    return {
        "id": m.pk,
        "code": m.code,
        "relation": m.relation,
        "relative_to": m.relative_to_id,
        "sex": m.sex,
        "father": m.father_id,
        "mother": m.mother_id,
        "person": m.person_id,
        "display_name": m.display_name,
        "samples": samples,
    }


def family_out(request: HttpRequest, fam: ReferenceFamily) -> dict[str, Any]:
    live = list(fam.members.filter(removed__isnull=True).order_by("id"))
    profiles: dict[int, list[Profile]] | None = None
    if may(request.user, "profiles"):
        profiles = {}
        for p in Profile.objects.filter(reference_sample__member__in=live).defer("loci", "raw"):
            assert p.reference_sample_id is not None
            profiles.setdefault(p.reference_sample_id, []).append(p)
    consent = None
    withdrawn = None
    if may(request.user, "consent"):
        consent = {
            scope: (
                {"action": e.action, "on": e.on.isoformat(), "given_by": e.given_by_id, "note": e.note}
                if e
                else None
            )
            for scope, e in family_records.current_consent(fam).items()
        }
        withdrawn = family_records.is_withdrawn(fam)
    return {
        "id": fam.pk,
        "reference": fam.reference,
        "label": fam.label,
        "version": fam.version,
        "members": [_member_out(m, profiles) for m in live],
        "consent": consent,
        "withdrawn": withdrawn,
        "problems": [
            {"field": p.field, "message": p.message, "value": p.value, "hint": p.hint}
            for p in family_records.family_problems(fam)
        ],
    }


@router.get("/genetics/families", response=list[dict[str, Any]], summary="Reference families")
def list_families(request: HttpRequest) -> list[dict[str, Any]]:
    require(request, "families")
    return [
        {"id": f.pk, "reference": f.reference, "label": f.label, "version": f.version}
        for f in ReferenceFamily.objects.all()
    ]


@router.post(
    "/genetics/families", response={201: ReferenceFamilyOut}, summary="Create a family for missing persons"
)
def create_family(request: HttpRequest, payload: ReferenceFamilyIn) -> Status:
    actor = require(request, "genetics.add_referencefamily")
    fam = families.create_family(actor=actor, **payload.dict())
    return Status(201, family_out(request, fam))


@router.get(
    "/genetics/families/{family_id}",
    response=ReferenceFamilyOut,
    summary="A reference family (the view is recorded)",
)
def get_family(request: HttpRequest, family_id: int) -> dict[str, Any]:
    actor = require(request, "families")
    fam = _family(family_id)
    audit.record_view(actor=actor, obj=fam, what="reference family")
    return family_out(request, fam)


@router.post(
    "/genetics/families/{family_id}/relatives", response={201: ReferenceFamilyOut}, summary="Add a relative"
)
def add_relative(request: HttpRequest, family_id: int, payload: FamilyRelativeIn) -> Status:
    actor = require(request, "genetics.add_familymember")
    fam = _family(family_id)
    families.add_relative(actor=actor, family=fam, **payload.dict())
    fam.refresh_from_db()
    return Status(201, family_out(request, fam))


@router.post(
    "/genetics/families/{family_id}/parents", response=ReferenceFamilyOut, summary="Link an existing parent"
)
def set_parent(request: HttpRequest, family_id: int, payload: FamilyParentIn) -> dict[str, Any]:
    actor = require(request, "genetics.change_familymember")
    fam = _family(family_id)
    families.set_parent(actor=actor, family=fam, **payload.dict())
    fam.refresh_from_db()
    return family_out(request, fam)


@router.post(
    "/genetics/families/{family_id}/members/{member_id}/remove",
    response=ReferenceFamilyOut,
    summary="Remove a member",
)
def remove_member(
    request: HttpRequest, family_id: int, member_id: int, payload: FamilyRemoveIn
) -> dict[str, Any]:
    actor = require(request, "genetics.change_familymember")
    fam = _family(family_id)
    member = by_id(fam.members.all(), member_id, what="family member", field="member_id")
    families.remove_member(
        actor=actor, member=member, reason=payload.reason, expected_version=payload.expected_version
    )
    fam.refresh_from_db()
    return family_out(request, fam)


@router.post(
    "/genetics/families/{family_id}/samples",
    response={201: dict[str, Any]},
    summary="Record a reference sample",
)
def add_sample(request: HttpRequest, family_id: int, payload: ReferenceSampleIn) -> Status:
    actor = require(request, "genetics.add_referencesample")
    fam = _family(family_id)
    data = payload.dict()
    member = by_id(fam.members.all(), data.pop("member"), what="family member", field="member")
    s = family_records.record_sample(actor=actor, member=member, **data)
    return Status(
        201, {"id": s.pk, "reference": s.reference, "member": member.code, "lab_reference": s.lab_reference}
    )


@router.post(
    "/genetics/families/{family_id}/consent",
    response={201: dict[str, Any]},
    summary="Give or withdraw consent",
)
def add_consent(request: HttpRequest, family_id: int, payload: FamilyConsentIn) -> Status:
    require(request, "consent")
    actor = require(request, "genetics.add_consentevent")
    fam = _family(family_id)
    e = family_records.record_consent(actor=actor, family=fam, **payload.dict())
    return Status(
        201,
        {
            "id": e.pk,
            "scope": e.scope,
            "action": e.action,
            "on": e.on.isoformat(),
            "in_force": family_records.in_force(fam, e.scope),
        },
    )


@router.get(
    "/genetics/families/{family_id}/rule", response=list[FamilyRuleOut], summary="The identification rule"
)
def rule(request: HttpRequest, family_id: int) -> list[dict[str, Any]]:
    require(request, "families")
    return [
        {
            "missing": m.code,
            "met": r.met,
            "route": r.route,
            "close_typed": list(r.close_typed),
            "multi_method": list(r.multi_method),
            "explanation": r.explanation,
        }
        for m, r in family_records.rule_check(_family(family_id))
    ]


@router.get(
    "/genetics/families/{family_id}/next-relative",
    response=FamilyRankOut,
    summary="Which relative to sample next",
)
def next_relative(request: HttpRequest, family_id: int) -> dict[str, Any]:
    require(request, "families")
    ranking = family_power.rank(_family(family_id))
    return {
        "missing": ranking.missing,
        "method": ranking.method,
        "table": ranking.table,
        "markers": ranking.markers,
        "threshold": ranking.threshold,
        "ranking": [
            {"relation": r.relation, "probability": r.probability, "expected_log10_lr": r.expected_log10_lr}
            for r in ranking.rows
        ],
    }


@router.get(
    "/genetics/family-exports/fam",
    response={200: None},
    summary="The families of a consent scope and the post-mortem profiles as a Familias .fam file",
)
def export_fam(request: HttpRequest, scope: str) -> HttpResponse:
    require(request, "families")
    actor = require(request, "genotypes")
    data = fam_exchange.export_fam(actor=actor, scope=scope)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="families-{scope}.fam"'
    return response
