"""API of comparison reports (IDEN / EQUL / FRAG); the families to notify are in ``api_notifications``.

Reading reports needs ``identification.view_comparisonreport`` (analysts, reviewers, auditors); drafting,
proposing and revising ``propose_comparisonreport`` (analysts); signing and returning
``sign_comparisonreport`` (reviewers; signing asks the password again, and the authenticator code when
the user has one); overriding a rule ``identification.override_rule`` (a senior person).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from homecoming.app.identification import reports
from homecoming.app.identification.models_reports import ComparisonReport
from homecoming.app.permissions import require

router = Router(tags=["identification"])

_VIEW = "identification.view_comparisonreport"
_PROPOSE = "identification.propose_comparisonreport"
_SIGN = "identification.sign_comparisonreport"
_VERSION = Field(
    None, description="the report's version you read; a stale one is 409 conflict and changes nothing"
)


class ReportIn(Schema):
    kind: str = Field(..., description="IDEN, EQUL or FRAG")
    unit: int = Field(..., description="the remains unit (the body; for FRAG the body part)")
    person: int | None = Field(None, description="IDEN: the missing person (registry id)")
    family: int | None = Field(None, description="IDEN: the reference family (default: the person's)")
    other_unit: int | None = Field(None, description="EQUL: the other record; FRAG: the body")
    conclusion: str = Field("identification", description="identification or exclusion")
    scope: str = Field("domestic", description="the consent scope the prior is counted in")
    note: str = ""
    source: dict[str, Any] | None = Field(None, description="the screening candidate it comes from (ids)")


class VersionIn(Schema):
    expected_version: int | None = _VERSION


class SignIn(Schema):
    password: str = Field(..., description="your password, asked again")
    otp_token: str = Field("", description="your authenticator's code, if you have one")
    expected_version: int | None = _VERSION


class ReturnIn(Schema):
    reason: str = Field(..., description="what the analyst must do")
    expected_version: int | None = _VERSION


class OverrideIn(Schema):
    rule: str = Field(..., description="posterior, family_rule or inconsistency")
    reason: str = Field(..., description="why the rule may pass")


def report_out(r: ComparisonReport, *, evidence: bool = False) -> dict[str, Any]:
    ev = r.evidence
    out: dict[str, Any] = {
        "id": r.pk,
        "reference": r.reference,
        "kind": r.kind,
        "conclusion": r.conclusion,
        "state": r.state,
        "version": r.version,
        "unit": r.unit.reference,
        "other_unit": r.other_unit.reference if r.other_unit else None,
        "person": r.person.reference if r.person else None,
        "family": r.family.reference if r.family else None,
        "scope": r.scope,
        "source": r.source,
        "lr": ev.lr if ev else None,
        "posterior": ev.posterior if ev else None,
        "failed_rules": reports.failed_rules(r),
        "open_rules": reports.open_rules(r),
        "proposed_by": r.proposed_by.get_username() if r.proposed_by else None,
        "signed_by": r.signed_by.get_username() if r.signed_by else None,
        "signed_at": r.signed_at.isoformat() if r.signed_at else None,
    }
    if evidence:
        out["evidence"] = {"number": ev.number, **ev.data} if ev else None
        out["overrides"] = [
            {"rule": o.rule, "reason": o.reason, "by": o.actor.get_username() if o.actor else None}
            for o in (ev.overrides.select_related("actor") if ev else [])
        ]
        out["transitions"] = [
            {
                "from": t.from_state,
                "to": t.to_state,
                "at": t.at.isoformat(),
                "by": t.actor.get_username() if t.actor else None,
                "reason": t.reason,
                "evidence": t.evidence.number if t.evidence else None,
            }
            for t in r.transitions.select_related("actor", "evidence").order_by("at", "id")
        ]
    return out


@router.get("/identification/reports", response=list[dict[str, Any]], summary="Comparison reports")
def list_reports(request: HttpRequest, queue: str = "", state: str = "") -> list[dict[str, Any]]:
    """``queue=to_sign``: proposed reports the caller may sign; ``queue=mine``: the caller's drafts and
    returned reports; else every report (``state`` filters), newest first, at most 200."""
    user = require(request, _VIEW)
    if queue == "to_sign":
        qs = reports.to_sign(user)
    elif queue == "mine":
        qs = reports.analyst_queue(user)
    else:
        qs = ComparisonReport.objects.select_related("unit", "person")
        if state:
            qs = qs.filter(state=state)
    qs = qs.select_related("other_unit", "family", "proposed_by", "signed_by")
    return [report_out(r) for r in qs.order_by("-id")[:200]]


@router.post("/identification/reports", response={201: dict[str, Any]}, summary="Draft a comparison report")
def create_report(request: HttpRequest, payload: ReportIn) -> Status:
    actor = require(request, _PROPOSE)
    report = reports.draft(actor=actor, data=payload.dict())
    return Status(201, report_out(reports.get_report(report.pk), evidence=True))


@router.get(
    "/identification/reports/{report_id}", response=dict[str, Any], summary="A report with its evidence"
)
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    require(request, _VIEW)
    return report_out(reports.get_report(report_id), evidence=True)


@router.post(
    "/identification/reports/{report_id}/propose", response=dict[str, Any], summary="Propose a report"
)
def propose(request: HttpRequest, report_id: int, payload: VersionIn) -> dict[str, Any]:
    actor = require(request, _PROPOSE)
    reports.propose(actor=actor, report_id=report_id, expected_version=payload.expected_version)
    return report_out(reports.get_report(report_id), evidence=True)


@router.post(
    "/identification/reports/{report_id}/revise", response=dict[str, Any], summary="Revise a returned report"
)
def revise(request: HttpRequest, report_id: int, payload: VersionIn) -> dict[str, Any]:
    actor = require(request, _PROPOSE)
    reports.revise(actor=actor, report_id=report_id, expected_version=payload.expected_version)
    return report_out(reports.get_report(report_id), evidence=True)


@router.post(
    "/identification/reports/{report_id}/overrides",
    response={201: dict[str, Any]},
    summary="Override a failed rule (senior)",
)
def override(request: HttpRequest, report_id: int, payload: OverrideIn) -> Status:
    actor = require(request, "identification.override_rule")
    reports.override_rule(actor=actor, report_id=report_id, rule=payload.rule, reason=payload.reason)
    return Status(201, report_out(reports.get_report(report_id), evidence=True))


@router.post("/identification/reports/{report_id}/sign", response=dict[str, Any], summary="Sign a report")
def sign(request: HttpRequest, report_id: int, payload: SignIn) -> dict[str, Any]:
    actor = require(request, _SIGN)
    reports.sign(
        actor=actor,
        report_id=report_id,
        password=payload.password,
        otp_token=payload.otp_token,
        expected_version=payload.expected_version,
    )
    return report_out(reports.get_report(report_id), evidence=True)


@router.post(
    "/identification/reports/{report_id}/return", response=dict[str, Any], summary="Send a report back"
)
def send_back(request: HttpRequest, report_id: int, payload: ReturnIn) -> dict[str, Any]:
    actor = require(request, _SIGN)
    reports.send_back(
        actor=actor, report_id=report_id, reason=payload.reason, expected_version=payload.expected_version
    )
    return report_out(reports.get_report(report_id), evidence=True)
