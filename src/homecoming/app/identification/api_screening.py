"""Screening endpoints: start a run of a batch, poll it, read its candidates and conclusions.

Declared on this module's own router (tagged ``identification``), mounted by ``identification.api``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from homecoming.app.identification import screening
from homecoming.app.identification.models_screening import ScreeningRun
from homecoming.app.lookup import by_id
from homecoming.app.permissions import require
from homecoming.app.remains.models import IntakeBatch

router = Router(tags=["identification"])


class RunIn(Schema):
    scope: str = Field("domestic", description="consent scope of the families screened")
    top: int | None = Field(None, description="best missing persons kept per body (default 10)")
    threshold: float | None = Field(None, description="LR of an undisputed match (default 10000)")
    max_incompatible: int | None = Field(None, description="inconsistent markers that exclude a pair (2)")
    limit: int | None = Field(None, description="most assignments enumerated per component (1,000,000)")
    theta: float | None = Field(None, description="θ (co-ancestry), default 0")


class RunOut(Schema):
    id: int
    reference: str
    batch: str
    scope: str
    status: str
    stage: str
    done: int
    total: int
    attempts: int
    parameters: dict[str, Any]
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    error: str
    summary: dict[str, Any]
    provenance: dict[str, Any]


class CandidateOut(Schema):
    family: str
    missing: str
    person: str | None = Field(None, description="the missing person's registry reference (P-...)")
    person_id: int | None = Field(None, description="the missing person's id (for a comparison report)")
    rank: int
    lr: float
    log10_lr: float
    exclusions: int
    markers: int
    undisputed: bool
    pairing_probability: float | None
    log10_glr: float | None
    prior: float | None
    posterior: float | None
    evidence: dict[str, Any]


class BodyOut(Schema):
    profile: str
    unit: str
    unit_id: int = Field(..., description="the remains unit's id (for a comparison report)")
    group: list[str]
    conclusion: str
    family: str | None
    missing: str | None
    person: str | None = Field(None, description="the missing person's registry reference (P-...)")
    person_id: int | None = Field(None, description="the missing person's id (for a comparison report)")
    lr: float | None
    pairing_probability: float | None
    component: int | None
    method: str
    rule: str
    candidates: list[CandidateOut]


def run_out(run: ScreeningRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "reference": run.reference,
        "batch": run.batch.reference,
        "scope": run.scope,
        "status": run.status,
        "stage": run.stage,
        "done": run.done,
        "total": run.total,
        "attempts": run.attempts,
        "parameters": run.parameters,
        "requested_at": run.requested_at,
        "finished_at": run.finished_at,
        "error": run.error,
        "summary": run.summary,
        "provenance": run.provenance,
    }


@router.post(
    "/identification/batches/{batch_id}/screenings",
    response={201: RunOut},
    summary="Screen a batch against every family in scope (a background job)",
)
def start_screening(request: HttpRequest, batch_id: int, payload: RunIn) -> Status:
    actor = require(request, "identification.add_screeningrun")
    batch = by_id(IntakeBatch, batch_id, what="intake batch", field="batch")
    data = payload.dict()
    run = screening.start_run(actor=actor, batch=batch, **data)
    return Status(201, run_out(run))


@router.get(
    "/identification/screenings/{run_id}", response=RunOut, summary="A screening run and its progress"
)
def get_screening(request: HttpRequest, run_id: int) -> dict[str, Any]:
    require(request, "identification.view_screeningrun")
    return run_out(
        by_id(ScreeningRun.objects.select_related("batch"), run_id, what="screening run", field="run")
    )


@router.get(
    "/identification/screenings/{run_id}/candidates",
    response=list[BodyOut],
    summary="Every body of a finished run with its conclusion and candidates",
)
def screening_candidates(request: HttpRequest, run_id: int) -> list[dict[str, Any]]:
    require(request, "identification.view_screeningcandidate")
    require(request, "identification.view_bodyconclusion")
    run = by_id(ScreeningRun, run_id, what="screening run", field="run")
    return screening.results(run)
