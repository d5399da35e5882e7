"""API of tracing requests for the liaison officer.

Reading needs ``tracing.view_tracingrequest`` (liaisons, auditors); the family's contacts and the
casework notes appear only with ``tracing.view_requestcontacts`` (each read audited; ``notes`` is null
without it); linking, merging, assigning and state changes need ``tracing.change_tracingrequest``;
releasing an answer to the family ``tracing.add_release``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from homecoming.app.permissions import may, require
from homecoming.app.tracing import confirmations, matching, portal, services
from homecoming.app.tracing.models import Release, TracingRequest
from homecoming.app.tracing.views import due

router = Router(tags=["tracing"])

VIEW = "tracing.view_tracingrequest"
CHANGE = "tracing.change_tracingrequest"
_VERSION = Field(None, description="the request's version you read; a stale one is 409 and changes nothing")


class TracingLinkIn(Schema):
    person: int = Field(..., description="the registry person (id)")
    case: int | None = Field(None, description="one of the person's missing cases (id)")
    confirm: bool = Field(False, description="must be true: the officer checked the candidate")
    reason: str = Field("", description="needed when the request was linked to another person")
    expected_version: int | None = _VERSION


class TracingMergeIn(Schema):
    into: int = Field(..., description="the request (id) about the same person it joins")
    reason: str = ""
    expected_version: int | None = _VERSION


class TracingAssignIn(Schema):
    user: int | None = Field(None, description="the liaison officer (user id); null: unassign")
    expected_version: int | None = _VERSION


class TracingTransitionIn(Schema):
    state: str = Field(..., description="received, matched, under_search, answered or closed")
    reason: str = Field("", description="needed to close or reopen")
    expected_version: int | None = _VERSION


class TracingNoteIn(Schema):
    text: str = Field(..., description="the note (officers only; never shown to the family)")


class TracingReleaseIn(Schema):
    text: str = Field(..., description="exactly what the family will read on its status page")
    expected_version: int | None = _VERSION


class TracingConfirmIn(Schema):
    fact: str = Field(..., description="the fact to confirm: a key of GET .../facts, e.g. 'detention:12'")
    text: str = Field(..., description="exactly what the family will read on its status page")
    informed_method: str = Field(
        "", description="a death only: how the family was told first (in_person or phone)"
    )
    informed_at: str = Field("", description="a death only: when, ISO 8601 (2026-05-01T14:30)")
    expected_version: int | None = _VERSION


def release_out(r: Release) -> dict[str, Any]:
    return {
        "id": r.pk,
        "text": r.text,
        "released_at": r.released_at.isoformat(),
        "released_by": r.released_by.username if r.released_by_id else None,
        "confirms": r.kind,
        "basis": r.basis,
        "informed_method": r.informed_method,
        "informed_at": r.informed_at.isoformat() if r.informed_at else None,
    }


def request_out(r: TracingRequest, *, user: Any, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.pk,
        "reference": r.reference,
        "state": r.state,
        "version": r.version,
        "language": r.language,
        "received_at": r.received_at.isoformat(),
        "first_answer_due": due(r).isoformat(),
        "sought": {
            "family_name": r.family_name,
            "given_name": r.given_name,
            "patronymic": r.patronymic,
            "birth_date": r.birth_date,
            "unit": r.unit,
            "service_number": r.service_number,
            "last_contact_date": r.last_contact_date,
            "last_contact_place": r.last_contact_place,
        },
        "person": r.person.reference if r.person_id and r.person else None,
        "person_id": r.person_id,
        "other_side": confirmations.other_side(r),
        "case_id": r.case_id,
        "merged_into": r.merged_into_id,
        "assigned_to": r.assigned_to.username if r.assigned_to_id and r.assigned_to else None,
    }
    if detail:
        out["sought"]["circumstances"] = r.circumstances
        out["dna_relatives"] = r.dna_relatives
        out["duplicates"] = [d.pk for d in r.duplicates.all()]
        out["photos"] = r.photos.count()
        out["releases"] = [release_out(x) for x in r.releases.select_related("released_by")]
        out["transitions"] = [
            {"from": t.from_state, "to": t.to_state, "at": t.at.isoformat(), "reason": t.reason}
            for t in r.transitions.all()
        ]
        # the family's contacts and the casework notes (calls, what the family said): family personal data
        out["notes"] = None
        if may(user, "request_contacts"):
            services.view_contacts(actor=user, request=r)
            out["notes"] = [
                {"text": n.text, "at": n.at.isoformat(), "author": n.author.username}
                for n in r.notes.select_related("author")
            ]
            out["enquirer"] = {
                "name": r.enquirer_name,
                "relationship": r.enquirer_relationship,
                "phone": r.enquirer_phone,
                "email": r.enquirer_email,
            }
    return out


@router.get("/tracing/requests", summary="The queue of tracing requests")
def list_requests(
    request: HttpRequest, state: str = "", side: str = "", limit: int = 200
) -> list[dict[str, Any]]:
    """``side=other``: requests about persons of another party than the organisation's own."""
    user = require(request, VIEW)
    rows = TracingRequest.objects.select_related("person", "assigned_to").order_by("received_at", "id")
    if state:
        rows = rows.filter(state=state)
    if side == "other":
        rows = rows.filter(confirmations.other_side_filter())
    return [request_out(r, user=user) for r in rows[: max(1, min(limit, 1000))]]


@router.get("/tracing/requests/{request_id}", summary="A tracing request, its history and releases")
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    user = require(request, VIEW)
    return request_out(services.get_request(request_id), user=user, detail=True)


@router.get(
    "/tracing/requests/{request_id}/candidates", summary="Ranked registry persons and similar requests"
)
def candidates(request: HttpRequest, request_id: int) -> dict[str, Any]:
    user = require(request, VIEW)
    req = services.get_request(request_id)
    persons = (
        [
            {
                "person_id": c.person.pk,
                "reference": c.person.reference,
                "score": c.score,
                "agrees_on": c.reasons,
            }
            for c in matching.person_candidates(req)
            if c.person
        ]
        if may(user, "person")
        else []
    )
    requests = [
        {
            "request_id": c.request.pk,
            "reference": c.request.reference,
            "score": c.score,
            "agrees_on": c.reasons,
        }
        for c in matching.request_candidates(req)
        if c.request
    ]
    return {"persons": persons, "requests": requests}


@router.post("/tracing/requests/{request_id}/link", summary="Link the request to a registry person")
def link(request: HttpRequest, request_id: int, payload: TracingLinkIn) -> dict[str, Any]:
    user = require(request, CHANGE)
    req = services.link_person(
        actor=user,
        request_id=request_id,
        person_id=payload.person,
        case_id=payload.case,
        confirm=payload.confirm,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return request_out(req, user=user)


@router.post("/tracing/requests/{request_id}/merge", summary="Merge a duplicate request into another")
def merge(request: HttpRequest, request_id: int, payload: TracingMergeIn) -> dict[str, Any]:
    user = require(request, CHANGE)
    req = services.merge(
        actor=user,
        request_id=request_id,
        into_id=payload.into,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return request_out(req, user=user)


@router.post("/tracing/requests/{request_id}/assign", summary="Assign the request to a liaison officer")
def assign(request: HttpRequest, request_id: int, payload: TracingAssignIn) -> dict[str, Any]:
    user = require(request, CHANGE)
    req = services.assign(
        actor=user, request_id=request_id, user_id=payload.user, expected_version=payload.expected_version
    )
    return request_out(req, user=user)


@router.post("/tracing/requests/{request_id}/transition", summary="Move the request to another state")
def transition(request: HttpRequest, request_id: int, payload: TracingTransitionIn) -> dict[str, Any]:
    user = require(request, CHANGE)
    req = services.transition(
        actor=user,
        request_id=request_id,
        state=payload.state,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return request_out(req, user=user)


@router.post(
    "/tracing/requests/{request_id}/releases",
    response={201: dict[str, Any]},
    summary="Release an answer to the request's family",
)
def release(request: HttpRequest, request_id: int, payload: TracingReleaseIn) -> Status:
    user = require(request, "tracing.add_release")
    require(request, VIEW)
    released = services.release(
        actor=user, request_id=request_id, text=payload.text, expected_version=payload.expected_version
    )
    portal.send_news(released.request, status_url=request.build_absolute_uri(reverse("family:status")))
    return Status(201, release_out(released))


@router.get(
    "/tracing/requests/{request_id}/facts",
    summary="What the registry confirms about the linked person (captivity, alive, death), with its records",
)
def registry_facts(request: HttpRequest, request_id: int) -> list[dict[str, Any]]:
    user = require(request, "tracing.add_release")
    require(request, VIEW)
    req = services.get_request(request_id)
    return [
        {
            "fact": f.key,
            "confirms": f.kind,
            "records": f.evidence,
            "suggested_text": f.text,
            "needs_informing": f.needs_informing,
            "notification_id": f.notification.pk if f.notification is not None else None,
        }
        for f in confirmations.facts(req, user)
    ]


@router.post(
    "/tracing/requests/{request_id}/confirmations",
    response={201: dict[str, Any]},
    summary="Confirm a registry fact to the request's family (a release with its records)",
)
def confirm(request: HttpRequest, request_id: int, payload: TracingConfirmIn) -> Status:
    user = require(request, "tracing.add_release")
    require(request, VIEW)
    released = confirmations.confirm(
        actor=user,
        request_id=request_id,
        fact=payload.fact,
        text=payload.text,
        informed_method=payload.informed_method,
        informed_at=payload.informed_at,
        expected_version=payload.expected_version,
    )
    portal.send_news(released.request, status_url=request.build_absolute_uri(reverse("family:status")))
    return Status(201, release_out(released))


@router.post(
    "/tracing/requests/{request_id}/notes",
    response={201: dict[str, Any]},
    summary="Add a casework note to the request",
)
def add_note(request: HttpRequest, request_id: int, payload: TracingNoteIn) -> Status:
    user = require(request, CHANGE)
    note = services.add_note(actor=user, request_id=request_id, text=payload.text)
    return Status(201, {"id": note.pk, "text": note.text, "at": note.at.isoformat(), "author": user.username})
