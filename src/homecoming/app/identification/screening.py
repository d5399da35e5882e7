"""Screening services: start a run of a batch (its job is queued for ``homecoming worker``), read a
finished run's results, list the batches waiting to be screened.

The job itself — screen every body against every family in scope, identify the batch jointly, store
the results in one transaction — is :mod:`~homecoming.app.identification.screening_pipeline`.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.genetics.choices import ConsentScope
from homecoming.app.genetics.models import Profile
from homecoming.app.identification.models_screening import (
    BodyConclusion,
    RunStatus,
    ScreeningCandidate,
    ScreeningRun,
)
from homecoming.app.registry.services import allocate
from homecoming.app.remains.models import IntakeBatch
from homecoming.errors import NotFound, Problem, StateError, ValidationError
from homecoming.kinship.dvi.joint import DEFAULT_LIMIT

DEFAULTS: dict[str, Any] = {
    "top": 10,
    "threshold": 1e4,
    "max_incompatible": 2,
    "limit": DEFAULT_LIMIT,
    "theta": 0.0,
}


# ------------------------------------------------------------------------------------------------ start
def _parameters(given: dict[str, Any]) -> dict[str, Any]:
    out = dict(DEFAULTS)
    problems = []
    for name, value in given.items():
        if value is None:
            continue
        if name not in DEFAULTS:
            problems.append(Problem(name, "is not a screening parameter", name, ", ".join(DEFAULTS)))
            continue
        out[name] = value
    if not (isinstance(out["top"], int) and 1 <= out["top"] <= 100):
        problems.append(Problem("top", "must be a whole number from 1 to 100", out["top"], "e.g. 10"))
    if not (
        isinstance(out["threshold"], int | float) and math.isfinite(out["threshold"]) and out["threshold"] > 1
    ):
        problems.append(Problem("threshold", "must be an LR above 1", out["threshold"], "e.g. 10000"))
    if not (isinstance(out["max_incompatible"], int) and 0 <= out["max_incompatible"] <= 10):
        problems.append(
            Problem("max_incompatible", "must be a whole number from 0 to 10", out["max_incompatible"])
        )
    if not (isinstance(out["limit"], int) and 1 <= out["limit"] <= 100_000_000):
        problems.append(Problem("limit", "must be a whole number from 1 to 100,000,000", out["limit"]))
    if not (isinstance(out["theta"], int | float) and 0 <= out["theta"] < 0.5):
        problems.append(Problem("theta", "must be from 0 to below 0.5", out["theta"], "0 or e.g. 0.01"))
    if problems:
        raise ValidationError.from_problems(problems, "the screening parameters")
    out["threshold"], out["theta"] = float(out["threshold"]), float(out["theta"])
    return out


def batch_by_reference(reference: str) -> IntakeBatch:
    batch = IntakeBatch.objects.filter(reference=reference).first()
    if batch is None:
        raise NotFound(
            f"no intake batch {reference!r}",
            field="batch",
            value=reference,
            hint="give a batch reference (IB-...)",
        )
    return batch


@transaction.atomic
def start_run(
    *, actor: Any, batch: IntakeBatch, scope: str = ConsentScope.domestic, **given: Any
) -> ScreeningRun:
    """Record a run of ``batch`` against the families of ``scope`` and enqueue its job (audited)."""
    from homecoming.app.identification import jobs

    params = _parameters(given)
    problems = []
    if scope not in ConsentScope.values:
        problems.append(Problem("scope", "is not a consent scope", scope, ", ".join(ConsentScope.values)))
    if not Profile.objects.filter(kind="post_mortem", excluded_reason="", sample__unit__batch=batch).exists():
        problems.append(
            Problem(
                "batch",
                "has no usable post-mortem DNA profile",
                batch.reference,
                "import the laboratory's profiles of the batch's samples first",
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the screening run")
    busy = ScreeningRun.objects.filter(
        batch=batch, scope=scope, status__in=[RunStatus.queued, RunStatus.running]
    )
    if busy.exists():
        raise StateError(
            f"batch {batch.reference} is already being screened (run {busy.first()})",
            field="batch",
            value=batch.reference,
            hint="wait for that run to end, then start another",
        )
    year = timezone.now().year
    run = ScreeningRun(
        reference=f"SR-{year}-{allocate(f'identification:SR:{year}')[0]:06d}",
        batch=batch,
        scope=scope,
        parameters=params,
        requested_by=audit.user_or_none(actor),
    )
    run.save(force_insert=True)
    run.task_id = str(jobs.screen_batch.enqueue(run.pk).id)
    run.save(update_fields=["task_id"])
    audit.record(actor=actor, action="screening started", obj=run, after=audit.snapshot(run))
    return run


# ------------------------------------------------------------------------------------------------ reading
def results(run: ScreeningRun) -> list[dict[str, Any]]:
    """Every body of a finished run with its conclusion and candidates, best first (for the API)."""
    cands: dict[int, list[dict[str, Any]]] = {}
    rows = ScreeningCandidate.objects.filter(run=run).select_related("family", "missing__person")
    for c in rows.order_by("profile_id", "rank"):
        cands.setdefault(c.profile_id, []).append(
            {
                "family": c.family.reference,
                "missing": c.missing.code,
                "person": c.missing.person.reference if c.missing.person else None,
                "person_id": c.missing.person_id,
                "rank": c.rank,
                "lr": c.lr,
                "log10_lr": c.log10_lr,
                "exclusions": c.exclusions,
                "markers": c.markers,
                "undisputed": c.undisputed,
                "pairing_probability": c.pairing_probability,
                "log10_glr": c.log10_glr,
                "prior": c.prior,
                "posterior": c.posterior,
                "evidence": c.evidence,
            }
        )
    out = []
    bodies = BodyConclusion.objects.filter(run=run).select_related(
        "profile", "unit", "family", "missing__person"
    )
    for b in bodies.order_by("profile__reference"):
        out.append(
            {
                "profile": b.profile.reference,
                "unit": b.unit.reference,
                "unit_id": b.unit_id,
                "group": b.group,
                "conclusion": b.conclusion,
                "family": b.family.reference if b.family else None,
                "missing": b.missing.code if b.missing else None,
                "person": b.missing.person.reference if b.missing and b.missing.person else None,
                "person_id": b.missing.person_id if b.missing else None,
                "lr": b.lr,
                "pairing_probability": b.pairing_probability,
                "component": b.component,
                "method": b.method,
                "rule": b.rule,
                "candidates": cands.get(b.profile_id, []),
            }
        )
    return out


def batches_waiting(limit: int = 50) -> list[dict[str, Any]]:
    """Batches with post-mortem profiles not screened since their last profile arrived (or being screened)."""
    from django.db.models import Count, Max

    batches = (
        IntakeBatch.objects.filter(units__samples__profiles__kind="post_mortem")
        .annotate(
            profiles=Count("units__samples__profiles"), last_profile=Max("units__samples__profiles__created")
        )
        .order_by("-last_profile")
    )
    out = []
    for batch in batches[: limit * 4]:
        last = ScreeningRun.objects.filter(batch=batch).order_by("-requested_at", "-id").first()
        if last is None:
            state = "not screened"
        elif last.status in (RunStatus.queued, RunStatus.running, RunStatus.failed):
            state = str(last.status)
        elif batch.last_profile > last.requested_at:  # type: ignore[attr-defined]
            state = "new profiles since the last run"
        else:
            continue
        out.append({"batch": batch, "profiles": batch.profiles, "run": last, "state": state})  # type: ignore[attr-defined]
        if len(out) >= limit:
            break
    return out
