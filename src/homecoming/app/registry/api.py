"""Registry endpoints: persons, cases, status assertions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from homecoming.app.audit import services as audit
from homecoming.app.lookup import by_id
from homecoming.app.permissions import may, require
from homecoming.app.registry import duplicates, linkage, merging, services
from homecoming.app.registry.models import MissingCase, Person, PersonLink, StatusAssertion
from homecoming.app.registry.schemas import (
    AssertionIn,
    AssertionOut,
    CaseIn,
    CaseOut,
    CaseTransitionIn,
    LinkageModelOut,
    LinkOut,
    MergeIn,
    NotSameIn,
    PairOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSummary,
    ReviewIn,
    UnmergeIn,
)
from homecoming.app.registry.search import Query, search_persons
from homecoming.app.tracing import enquirers as tracing_enquirers

router = Router(tags=["registry"])


def _summary(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk,
        "reference": p.reference,
        "name": p.primary_name(),
        "sex": p.sex,
        "birth_date": p.birth_date,
        "service_number": p.service_number,
        "current_status": p.current_status,
        "merged_into": p.merged_into.reference if p.merged_into_id and p.merged_into else None,
    }


def person_out(p: Person) -> dict[str, Any]:
    data = {
        f: getattr(p, f)
        for f in PersonOut.model_fields
        if hasattr(p, f) and f not in ("names", "assertions", "cases", "id")
    }
    data["id"] = p.pk
    data["merged_into"] = p.merged_into.reference if p.merged_into_id and p.merged_into else None
    data["names"] = list(p.names.order_by("position"))
    data["assertions"] = list(p.assertions.all())
    data["cases"] = list(p.cases.values_list("reference", flat=True))
    return data


@router.get("/persons", response=list[PersonSummary], summary="Search persons")
def list_persons(
    request: HttpRequest,
    q: str = "",
    birth_date: str = "",
    status: str = "",
    limit: int = 50,
    include_merged: bool = False,
) -> list[dict[str, Any]]:
    require(request, "registry.view_person")
    query = Query(text=q, birth_date=birth_date, status=status, include_merged=include_merged)
    found = search_persons(query, limit=max(1, min(limit, 500)))
    return [_summary(p) for p in found]


@router.post("/persons", response={201: PersonOut}, summary="Create a person")
def create_person(request: HttpRequest, payload: PersonIn) -> Status:
    actor = require(request, "registry.add_person")
    data = payload.dict(exclude={"names", "reason", "not_duplicate"}, exclude_none=True)
    person = services.create_person(
        actor=actor,
        data=data,
        names=[n.dict() for n in payload.names],
        reason=payload.reason,
        warn_likely=True,
        not_duplicate=payload.not_duplicate,
    )
    return Status(201, person_out(person))


def _person(person_id: int) -> Person:
    return services.get_person(person_id)


@router.get("/persons/{person_id}", response=PersonOut, summary="A person with names and status claims")
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    require(request, "registry.view_person")
    return person_out(_person(person_id))


@router.patch("/persons/{person_id}", response=PersonOut, summary="Change a person (optimistic locking)")
def patch_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    actor = require(request, "registry.change_person")
    data = payload.dict(exclude={"names", "reason", "version"}, exclude_unset=True)
    data = services.emptied(data)
    names = [n.dict() for n in payload.names] if payload.names is not None else None
    person = services.update_person(
        actor=actor,
        person_id=person_id,
        expected_version=payload.version,
        data=data,
        names=names,
        reason=payload.reason,
    )
    return person_out(person)


@router.post("/persons/{person_id}/assertions", response={201: AssertionOut}, summary="Submit a status claim")
def add_assertion(request: HttpRequest, person_id: int, payload: AssertionIn) -> Status:
    actor = require(request, "registry.add_statusassertion")
    a = services.add_assertion(actor=actor, person=_person(person_id), **payload.dict())
    return Status(201, a)


@router.post("/assertions/{assertion_id}/review", response=AssertionOut, summary="Accept or reject a claim")
def review(request: HttpRequest, assertion_id: int, payload: ReviewIn) -> StatusAssertion:
    actor = require(request, "registry.review_statusassertion")
    return services.review_assertion(
        actor=actor, assertion_id=assertion_id, decision=payload.decision, note=payload.note
    )


def case_out(request: HttpRequest, case: MissingCase) -> dict[str, Any]:
    data: dict[str, Any] = {
        f: getattr(case, f)
        for f in CaseOut.model_fields
        if f not in ("transitions", "enquirers", "person_id", "id")
    }
    data["id"] = case.pk
    data["person_id"] = case.person_id
    data["transitions"] = list(case.transitions.all())
    if may(request.user, "contacts"):
        # a family that came through the portal: its contacts are read through its request (none once purged)
        shown = [tracing_enquirers.shown(e) for e in case.enquirers.select_related("tracing_request")]
        data["enquirers"] = [
            {
                "name": e.name,
                "relationship": e.relationship,
                "phone": e.phone,
                "email": e.email,
                "address": e.address,
            }
            for e in shown
            if not e.ended
        ]
        if data["enquirers"]:
            audit.record_view(actor=request.user, obj=case, what="enquirer contacts")
    return data


@router.post("/persons/{person_id}/cases", response={201: CaseOut}, summary="Open a tracing case")
def open_case(request: HttpRequest, person_id: int, payload: CaseIn) -> Status:
    actor = require(request, "registry.add_missingcase")
    data = payload.dict(exclude={"enquirers"})
    case = services.open_case(
        actor=actor, person=_person(person_id), data=data, enquirers=[e.dict() for e in payload.enquirers]
    )
    return Status(201, case_out(request, case))


def _case(case_id: int) -> MissingCase:
    return by_id(MissingCase, case_id, what="case", field="case")


@router.get("/cases/{case_id}", response=CaseOut, summary="A tracing case and its history")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    require(request, "cases")
    return case_out(request, _case(case_id))


@router.post("/cases/{case_id}/transitions", response=CaseOut, summary="Move a case to another state")
def transition(request: HttpRequest, case_id: int, payload: CaseTransitionIn) -> dict[str, Any]:
    actor = require(request, "registry.change_missingcase")
    case = services.transition_case(
        actor=actor,
        case_id=case_id,
        target=payload.state,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return case_out(request, case)


# --- duplicates: the review queue, merge, unmerge, not the same ------------------------------------------


def _pair_out(pair: duplicates.Pair) -> dict[str, Any]:
    return {
        "left": _summary(pair.left),
        "right": _summary(pair.right),
        "score": pair.candidate.score,
        "exact": pair.candidate.exact,
        "evidence": [
            {"field": a.field, "outcome": a.outcome, "left": a.theirs, "right": a.ours}
            for a in pair.candidate.evidence
        ],
    }


def _link_out(link: PersonLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "person": link.person.reference,
        "other": link.other.reference,
        "decision": link.decision,
        "reason": link.reason,
        "at": link.at,
    }


@router.get("/duplicates", response=list[PairOut], summary="Pairs of persons that may be one (review queue)")
def duplicate_pairs(request: HttpRequest, limit: int = 50) -> list[dict[str, Any]]:
    require(request, "registry.merge_person")
    require(request, "person")
    return [_pair_out(p) for p in duplicates.candidate_pairs(limit=max(1, min(limit, 200)))]


@router.post("/persons/{person_id}/merge", response=LinkOut, summary="Merge a duplicate into another person")
def merge(request: HttpRequest, person_id: int, payload: MergeIn) -> dict[str, Any]:
    actor = require(request, "registry.merge_person")
    return _link_out(
        merging.merge(actor=actor, duplicate_id=person_id, survivor_id=payload.into, reason=payload.reason)
    )


@router.post("/persons/{person_id}/unmerge", response=LinkOut, summary="Undo the merge of a person")
def unmerge(request: HttpRequest, person_id: int, payload: UnmergeIn) -> dict[str, Any]:
    actor = require(request, "registry.merge_person")
    return _link_out(merging.unmerge(actor=actor, duplicate_id=person_id, reason=payload.reason))


@router.post("/persons/{person_id}/not-same", response=LinkOut, summary="Say two persons are not the same")
def not_same(request: HttpRequest, person_id: int, payload: NotSameIn) -> dict[str, Any]:
    actor = require(request, "registry.merge_person")
    return _link_out(
        merging.not_same(actor=actor, person_id=person_id, other_id=payload.other, reason=payload.reason)
    )


@router.get(
    "/registry/linkage-model",
    response=LinkageModelOut,
    summary="The linkage model in force: provenance, weights, the models before it",
)
def linkage_model(request: HttpRequest) -> dict[str, Any]:
    require(request, "person")
    import math

    from homecoming.app.registry.model_views import HISTORY, summary, user_name
    from homecoming.app.registry.models import LinkageModel
    from homecoming.linkage.model import describe

    model, row = linkage.current()
    settings = dict(model.get("splink_settings") or {})
    comparisons: dict[str, list[dict[str, Any]]] = {}
    for level in describe(settings):
        comparisons.setdefault(level["comparison"], []).append(
            {k: level[k] for k in ("level", "m", "u", "weight")}
        )
    prior = float(settings.get("probability_two_random_records_match") or 0.0)
    earlier = LinkageModel.objects.select_related("actor").defer("model").order_by("-at", "-id")
    earlier = earlier.exclude(pk=row.pk) if row is not None else earlier.none()
    return {
        **summary(model, row),
        "prior": prior,
        "prior_weight": math.log2(prior / (1 - prior)) if 0 < prior < 1 else None,
        "comparisons": [{"comparison": c, "levels": levels} for c, levels in comparisons.items()],
        "history": [
            {
                "id": m.pk,
                "trained_on": m.trained_on,
                "at": m.at,
                "by": user_name(m.actor),
                "records": m.records,
            }
            for m in earlier[:HISTORY]
        ],
    }


# The list import's endpoint lives on its own router, mounted here (see genetics/api.py).
from homecoming.app.registry import api_lists  # noqa: E402

router.add_router("", api_lists.router)
