"""Comparison reports: draft, propose, override a rule, sign (with re-authentication) or return.

Every change is one :class:`ReportTransition` row (or an override row) and one audit record, in one
transaction. Reports change under ``select_for_update`` with an optimistic ``version``: of two reviewers
signing at once, one wins and the other gets a ``ConflictError`` naming who signed.

Signing an identification (IDEN, conclusion "identification") does, in the same transaction:

1. the remains unit becomes ``identified`` (``remains.services``);
2. the person gets a ``confirmed_dead`` status claim whose official source is the report (a forensic
   report), submitted in the analyst's name and accepted by the signer through the registry's review
   rules (four eyes);
3. the manifest line of the body (its bag number as the line's container number, in the operation the
   body came in) gets its identification result (confirms, or contradicts the handing party's claim);
4. the family liaison's list gets "family to notify" (:class:`FamilyNotification`); the notification
   itself is recorded contact by contact (:mod:`homecoming.app.identification.notifications`).

Signing an EQUL or FRAG identification links the two remains units as the same individual.

Then the remains can be handed over to the family (``remains.handover``: ``identified`` →
``released_to_family``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from homecoming.app.accounts.reauthenticate import check_credentials
from homecoming.app.audit import services as audit
from homecoming.app.genetics.models import FamilyMember, ReferenceFamily
from homecoming.app.identification import report_evidence as ev
from homecoming.app.identification.models_reports import (
    RULE_CHOICES,
    ComparisonReport,
    FamilyNotification,
    ReportEvidence,
    ReportTransition,
    RuleOverride,
)
from homecoming.app.lookup import by_id
from homecoming.app.registry.models import Person
from homecoming.app.registry.services import allocate
from homecoming.app.remains.models import RemainsUnit
from homecoming.app.review import check_reviewer
from homecoming.domain.report_states import Conclusion, ReportKind, ReportState, check_transition
from homecoming.errors import ConflictError, PermissionDenied, Problem, StateError, ValidationError

S = ReportState
RULES = dict(RULE_CHOICES)
# the posterior rule is never overridden below this: a senior person may accept weaker evidence than the
# setting asks, never evidence that favours "this body is someone else"
OVERRIDE_FLOOR = 0.5


def _user(actor: Any) -> Any:
    return audit.user_or_none(actor)


def _reference(number: int) -> str:
    return f"CR-{number:07d}"


def get_report(report_id: int | str) -> ComparisonReport:
    return by_id(
        ComparisonReport.objects.select_related("unit", "other_unit", "family", "person"),
        report_id,
        what="comparison report",
        field="report",
    )


def _locked(report_id: int, expected_version: int | None) -> ComparisonReport:
    report = by_id(
        ComparisonReport.objects.select_for_update(), report_id, what="comparison report", field="report"
    )
    if expected_version is not None and report.version != expected_version:
        raise ConflictError(
            f"{report.reference} was changed by someone else (version {report.version}, "
            f"you had {expected_version})",
            field="version",
            value=expected_version,
            hint="reload the report and decide again",
        )
    return report


# --- inputs ---------------------------------------------------------------------------------------------


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a draft's input (every problem at once) and resolve its records."""
    problems: list[Problem] = []
    kind = str(data.get("kind") or "")
    if kind not in ReportKind.__members__.values():
        problems.append(Problem("kind", "is not a report kind", kind or None, "use IDEN, EQUL or FRAG"))
    conclusion = str(data.get("conclusion") or Conclusion.identification.value)
    if conclusion not in {c.value for c in Conclusion}:
        problems.append(
            Problem("conclusion", "is not a conclusion", conclusion, "use identification or exclusion")
        )
    out: dict[str, Any] = {
        "kind": kind,
        "conclusion": conclusion,
        "scope": str(data.get("scope") or "domestic"),
    }
    out["unit"] = _find(RemainsUnit, data.get("unit"), "unit", "remains unit", problems)
    if kind == ReportKind.iden:
        out["person"] = _find(Person, data.get("person"), "person", "person", problems)
        out["family"] = (
            _find(ReferenceFamily, data.get("family"), "family", "reference family", problems)
            if data.get("family")
            else None
        )
    elif kind in (ReportKind.equl, ReportKind.frag):
        out["other_unit"] = _find(RemainsUnit, data.get("other_unit"), "other_unit", "remains unit", problems)
        if out["unit"] is not None and out["unit"] == out.get("other_unit"):
            problems.append(
                Problem("other_unit", "is the unit itself", data.get("other_unit"), "choose another unit")
            )
    if problems:
        raise ValidationError.from_problems(problems, "the comparison report")
    if kind == ReportKind.iden:
        out["family"], out["missing"] = _family_of(out["person"], out["family"], out["scope"])
    return out


def _find(model: Any, pk: Any, field: str, what: str, problems: list[Problem]) -> Any:
    if pk in (None, ""):
        problems.append(Problem(field, "is required", None, f"give the id of the {what}"))
        return None
    try:
        return model.objects.get(pk=int(pk))
    except (ValueError, TypeError, model.DoesNotExist):
        problems.append(Problem(field, f"no {what} with id {pk}", pk, f"check the {what}'s id"))
        return None


def _family_of(
    person: Person, family: ReferenceFamily | None, scope: str
) -> tuple[ReferenceFamily, FamilyMember]:
    from homecoming.app.genetics.family_records import families_in_scope

    members = FamilyMember.objects.filter(person=person, relation="missing", removed__isnull=True)
    if family is not None:
        members = members.filter(family=family)
    member = members.select_related("family").order_by("id").first()
    if member is None:
        raise StateError(
            f"{person.reference} is the missing person of no reference family",
            field="person",
            value=person.reference,
            hint="build the person's reference family first",
        )
    if not families_in_scope(scope).filter(pk=member.family_id).exists():
        raise StateError(
            f"family {member.family.reference} has no consent in force for scope {scope}",
            field="scope",
            value=scope,
            hint="record the family's consent for this scope, or choose its scope",
        )
    return member.family, member


def _evidence(report: ComparisonReport, actor: Any, clean: Mapping[str, Any]) -> ReportEvidence:
    if report.kind == ReportKind.iden:
        data = ev.compute_iden(report.unit, clean["family"], clean["missing"], report.scope)
    else:
        data = ev.compute_direct(report.unit, report.other_unit)
    number = report.evidence_versions.count() + 1
    return ReportEvidence.objects.create(
        report=report,
        number=number,
        lr=data["lr"],
        log10_lr=data["log10_lr"],
        posterior=data["posterior"],
        data=data,
        computed_by=_user(actor),
    )


def _move(report: ComparisonReport, actor: Any, target: S, *, reason: str = "", action: str = "") -> None:
    """One transition row and one audit record (written before the row's update, as the guard wants)."""
    before = {"state": report.state, "version": report.version}
    ReportTransition.objects.create(
        report=report,
        from_state=report.state,
        to_state=target.value,
        evidence=report.evidence,
        actor=_user(actor),
        reason=reason,
    )
    report.state = target.value
    report.version += 1
    audit.record(
        actor=actor,
        action=action or f"report {target.value}",
        obj=report,
        before=before,
        after={
            "state": target.value,
            "version": report.version,
            "evidence": report.evidence.pk if report.evidence else None,
        },
        reason=reason,
    )
    report.save()


# --- the services -----------------------------------------------------------------------------------------


def _refuse_conflicts(kind: str, unit: RemainsUnit, person: Person | None, report: Any = None) -> None:
    """An identification (IDEN) of a body already identified, or of a person already identified with
    another body, is refused: two bodies of one person are recorded as EQUL (same individual) or FRAG
    (part of), never as a second identification (found in a new-user trial: a senior override let a
    second body be signed as the same person)."""
    if kind != ReportKind.iden:
        return
    done = ComparisonReport.objects.filter(
        kind=ReportKind.iden, conclusion=Conclusion.identification, state__in=[S.signed, S.identified]
    )
    if report is not None:
        done = done.exclude(pk=report.pk)
    same_body = done.filter(unit=unit).select_related("person").first()
    if same_body is not None:
        raise StateError(
            f"body {unit.reference} is already identified by {same_body.reference} "
            f"({same_body.person.reference if same_body.person else ''})",
            field="unit",
            value=unit.reference,
            hint="a body is identified once; if that identification is wrong, it must be corrected first",
        )
    if person is not None:
        same_person = done.filter(person=person).select_related("unit").first()
        if same_person is not None:
            raise StateError(
                f"{person.reference} is already identified by {same_person.reference} "
                f"(body {same_person.unit.reference})",
                field="person",
                value=person.reference,
                hint=f"if {unit.reference} is part of the same person, record a FRAG (part of) or EQUL "
                f"(same individual) report with {same_person.unit.reference}",
            )


@transaction.atomic
def draft(*, actor: Any, data: Mapping[str, Any]) -> ComparisonReport:
    """A new report with its first evidence version (refused, writing nothing, if the body has no profile)."""
    clean = _clean(data)
    if clean["conclusion"] == Conclusion.identification:
        _refuse_conflicts(clean["kind"], clean["unit"], clean.get("person"))
    report = ComparisonReport.objects.create(
        reference=_reference(allocate("comparison_report")[0]),
        kind=clean["kind"],
        conclusion=clean["conclusion"],
        unit=clean["unit"],
        other_unit=clean.get("other_unit"),
        family=clean.get("family"),
        missing_member=clean.get("missing"),
        person=clean.get("person"),
        scope=clean["scope"],
        source=data.get("source") or None,
        note=str(data.get("note") or ""),
        created_by=_user(actor),
    )
    _evidence(report, actor, clean)
    ReportTransition.objects.create(
        report=report, from_state="", to_state=S.draft, evidence=report.evidence, actor=_user(actor)
    )
    audit.record(actor=actor, action="create", obj=report, after=audit.snapshot(report))
    return report


@transaction.atomic
def revise(*, actor: Any, report_id: int, expected_version: int | None = None) -> ComparisonReport:
    """A returned report back to draft, with its evidence computed again (a new version)."""
    report = _locked(report_id, expected_version)
    check_transition(report.state, S.draft)
    clean: dict[str, Any] = {}
    if report.kind == ReportKind.iden:
        assert report.person is not None
        clean["family"], clean["missing"] = _family_of(report.person, report.family, report.scope)
    _evidence(report, actor, clean)
    report.forget_evidence()
    _move(report, actor, S.draft, action="report revised")
    return report


def failed_rules(report: ComparisonReport) -> list[str]:
    """The rules the report's current evidence fails (an exclusion has none to meet)."""
    if report.conclusion != Conclusion.identification or report.evidence is None:
        return []
    return list(report.evidence.data.get("failed", []))


def open_rules(report: ComparisonReport) -> list[str]:
    """The failed rules no senior person has overridden on the current evidence."""
    done = set(RuleOverride.objects.filter(evidence=report.evidence).values_list("rule", flat=True))
    return [r for r in failed_rules(report) if r not in done]


def _refuse_open_rules(report: ComparisonReport) -> None:
    left = open_rules(report)
    if left:
        raise StateError(
            f"{report.reference} fails {len(left)} rule(s): " + "; ".join(str(RULES[r]) for r in left),
            field="rules",
            value=left,
            hint="add evidence (a relative, a second method) and revise, or ask a senior person to override "
            "with a written reason",
        )


@transaction.atomic
def override_rule(*, actor: Any, report_id: int, rule: str, reason: str) -> RuleOverride:
    """A senior person lets one failed rule pass on the current evidence, with a written reason."""
    if actor is not None and not actor.has_perm("identification.override_rule"):
        raise PermissionDenied(
            "only a senior person (a senior identification reviewer) may override an identification rule",
            field="rule",
            value=rule,
            hint="ask a senior identification reviewer (role senior_identification_reviewer, permission "
            "identification.override_rule) to override it with a written reason",
        )
    report = _locked(report_id, None)
    problems = []
    if rule not in RULES:
        problems.append(Problem("rule", "is not a rule", rule, "use " + ", ".join(RULES)))
    elif rule not in failed_rules(report):
        problems.append(Problem("rule", "is met by the evidence; nothing to override", rule, "nothing to do"))
    elif rule == "posterior" and not float(report.evidence.data.get("posterior", "nan")) >= OVERRIDE_FLOOR:
        problems.append(
            Problem(
                "rule",
                f"cannot be overridden below a posterior of {OVERRIDE_FLOOR:g}: the evidence says this body "
                "is more likely not this person",
                report.evidence.data.get("posterior"),
                "check the candidate (the screening's best match may be another person); add evidence "
                "and revise, or record the body as not identified",
            )
        )
    if not reason.strip():
        problems.append(
            Problem("reason", "is required to override a rule", reason, "write why the rule may pass")
        )
    if problems:
        raise ValidationError.from_problems(problems, "the override")
    if report.state not in (S.draft, S.proposed):
        raise StateError(
            f"{report.reference} is {report.state}; only a draft or proposed report can be overridden",
            field="state",
            value=report.state,
        )
    if RuleOverride.objects.filter(evidence=report.evidence, rule=rule).exists():
        raise StateError(
            f"rule {rule} is already overridden on this evidence",
            field="rule",
            value=rule,
            hint="nothing to do",
        )
    row = RuleOverride.objects.create(
        evidence=report.evidence, rule=rule, reason=reason.strip(), actor=_user(actor)
    )
    audit.record(
        actor=actor,
        action="override rule",
        obj=report,
        after={"rule": rule, "evidence": row.evidence_id},
        reason=row.reason,
    )
    return row


@transaction.atomic
def propose(*, actor: Any, report_id: int, expected_version: int | None = None) -> ComparisonReport:
    """Draft → proposed (the analyst): the body must have a profile and every rule be met or overridden."""
    report = _locked(report_id, expected_version)
    check_transition(report.state, S.proposed)
    ev.body_profile(report.unit)
    _refuse_open_rules(report)
    if report.conclusion == Conclusion.identification:
        _refuse_conflicts(report.kind, report.unit, report.person, report)
    report.proposed_by = _user(actor)
    _move(report, actor, S.proposed)
    if report.kind == ReportKind.iden and report.conclusion == Conclusion.identification:
        _remains_proposed(actor, report)
    return report


@transaction.atomic
def sign(
    *, actor: Any, report_id: int, password: str, otp_token: str = "", expected_version: int | None = None
) -> ComparisonReport:
    """Proposed → signed → identified | excluded (a second person, re-authenticated), with the effects."""
    get_report(report_id)  # an unknown report is "not found" before any password is checked
    check_credentials(actor, password=password, otp_token=otp_token)
    report = _locked(report_id, None)
    if report.state in (S.signed, S.identified, S.excluded):
        who = report.signed_by.get_username() if report.signed_by else "someone"
        raise ConflictError(
            f"{report.reference} was already signed by {who}",
            field="report",
            value=report.reference,
            hint="nothing to do: reload the queue",
        )
    if expected_version is not None and report.version != expected_version:
        raise ConflictError(
            f"{report.reference} was changed by someone else (version {report.version}, you had "
            f"{expected_version})",
            field="version",
            value=expected_version,
            hint="reload the report and decide again",
        )
    check_reviewer(
        actor,
        perm="identification.sign_comparisonreport",
        author_id=report.proposed_by_id,
        what="a comparison report",
        made="proposed it",
        reviewer="an identification reviewer",
        verdict="sign",
    )
    _refuse_second_role(actor, report)
    check_transition(report.state, S.signed)
    _refuse_open_rules(report)
    if report.conclusion == Conclusion.identification:
        _refuse_conflicts(report.kind, report.unit, report.person, report)
    report.signed_by, report.signed_at = _user(actor), timezone.now()
    _move(report, actor, S.signed)
    final = S.identified if report.conclusion == Conclusion.identification else S.excluded
    _move(report, actor, final)
    if report.kind == ReportKind.iden and final is S.identified:
        _identified(actor, report)
    elif final is S.identified:
        _same_individual(actor, report)
    elif report.kind == ReportKind.iden:
        _remains_back(actor, report, f"excluded by {report.reference}")
    return report


def _refuse_second_role(actor: Any, report: ComparisonReport) -> None:
    """The signer is a second person: not who drafted the report (chose the body and the person), nor who
    overrode one of its rules on the evidence being signed."""
    if actor is None:
        return
    overrode = RuleOverride.objects.filter(evidence=report.evidence, actor_id=actor.pk).exists()
    if report.created_by_id == actor.pk or overrode:
        did = "drafted it" if report.created_by_id == actor.pk else "overrode one of its rules"
        raise PermissionDenied(
            f"{report.reference} must be signed by someone other than the person who {did}",
            field="reviewer",
            value=actor.get_username(),
            hint="ask another identification reviewer to sign",
        )


@transaction.atomic
def send_back(
    *, actor: Any, report_id: int, reason: str, expected_version: int | None = None
) -> ComparisonReport:
    """Proposed → returned with a reason (a reviewer who is not the analyst)."""
    report = _locked(report_id, expected_version)
    check_reviewer(
        actor,
        perm="identification.sign_comparisonreport",
        author_id=report.proposed_by_id,
        what="a comparison report",
        made="proposed it",
        reviewer="an identification reviewer",
        verdict="return",
    )
    check_transition(report.state, S.returned, reason=reason)
    _move(report, actor, S.returned, reason=reason.strip())
    if report.kind == ReportKind.iden and report.conclusion == Conclusion.identification:
        _remains_back(actor, report, f"{report.reference} returned: {reason.strip()}")
    return report


# --- effects on the remains, the registry, the manifest and the liaison's list ------------------------------


def _remains_proposed(actor: Any, report: ComparisonReport) -> None:
    from homecoming.app.remains import services as remains

    remains.mark_identification_proposed(actor=actor, unit=report.unit, report_reference=report.reference)


def _remains_back(actor: Any, report: ComparisonReport, reason: str) -> None:
    from homecoming.app.remains import services as remains

    unit = RemainsUnit.objects.get(pk=report.unit_id)
    if unit.state == "identification_proposed":
        remains.return_to_candidate(actor=actor, unit=unit, reason=reason)


def _identified(actor: Any, report: ComparisonReport) -> None:
    from homecoming.app.registry import services as registry
    from homecoming.app.remains import services as remains

    unit = RemainsUnit.objects.get(pk=report.unit_id)
    remains.mark_identified(actor=actor, unit=unit, report_reference=report.reference)
    person = report.person
    assert person is not None and report.evidence is not None
    claim = registry.add_assertion(
        actor=report.proposed_by,
        person=person,
        status="confirmed_dead",
        source_type="forensic_report",
        source_name=f"comparison report {report.reference}",
        source_date=timezone.localdate(),
        reliability="A",
        # no LR or posterior here: the registry's readers (liaison, coordinator, registrar) may not see
        # DNA results; the report holds them for the roles that may
        evidence=f"{unit.reference} identified by the signed comparison report {report.reference}",
    )
    registry.review_assertion(actor=actor, assertion_id=claim.pk, decision="accepted", note=report.reference)
    _manifest_line(actor, report, unit, person)
    note = FamilyNotification.objects.create(report=report, family=report.family, person=person)
    audit.record(actor=actor, action="create", obj=note, after=audit.snapshot(note), reason=report.reference)


def _same_individual(actor: Any, report: ComparisonReport) -> None:
    """A signed EQUL or FRAG: the two units are linked as one individual (unless they already are)."""
    from homecoming.app.remains import services as remains
    from homecoming.app.remains.models import UnitLink

    a, b = sorted((report.unit_id, report.other_unit_id or 0))
    if UnitLink.objects.filter(unit_id=a, other_id=b, kind="same_individual", retracts__isnull=True).exists():
        return
    assert report.other_unit is not None
    remains.link_units(
        actor=actor,
        unit=report.unit,
        other=report.other_unit,
        kind="same_individual",
        reason=f"{report.kind} signed in report {report.reference}",
    )


def manifest_line_of(unit: RemainsUnit) -> Any:
    """The executed manifest line the body came in on: its bag number as the line's container number, in
    the operation of the body's intake batch (None if the body was not handed over in an operation)."""
    from homecoming.app.exchanges.models import ManifestLine

    operation_id = unit.batch.operation_id
    if operation_id is None or not unit.bag_number:
        return None
    return (
        ManifestLine.objects.filter(
            version__manifest__operation_id=operation_id,
            version__superseded_by__isnull=True,
            container_number__iexact=unit.bag_number,
        )
        .order_by("-version__number", "line_no")
        .first()
    )


def _manifest_line(actor: Any, report: ComparisonReport, unit: RemainsUnit, person: Person) -> None:
    from homecoming.app.exchanges import linking, manifests

    line = manifest_line_of(unit)
    if line is None:
        return
    who = f"{person.reference} {person}".strip()
    said_to_be = linking.lines_said_to_be([line]).get(line.pk)  # on the line, or linked later
    if said_to_be and said_to_be != person.pk:
        data = {
            "verdict": "contradicts",
            "established_identity": who,
            "person_id": person.pk,
            "note": f"identified by {report.reference}",
        }
    else:
        data = {
            "verdict": "confirms",
            "established_identity": who,
            "person_id": person.pk,
            "note": f"identified by {report.reference}",
        }
    manifests.record_identification(actor=actor, line_id=line.pk, data=data, report=report.reference)


# --- queues --------------------------------------------------------------------------------------------


def to_sign(user: Any) -> QuerySet[ComparisonReport]:
    """Proposed reports the user may sign (not their own)."""
    qs = ComparisonReport.objects.filter(state=S.proposed).select_related("unit", "person")
    return qs.exclude(proposed_by=user) if getattr(user, "pk", None) else qs


def analyst_queue(user: Any) -> QuerySet[ComparisonReport]:
    """The user's drafts and returned reports (to propose or revise)."""
    return ComparisonReport.objects.filter(created_by=user, state__in=[S.draft, S.returned]).select_related(
        "unit", "person"
    )


def to_notify() -> QuerySet[FamilyNotification]:
    return FamilyNotification.objects.filter(notified_at__isnull=True).select_related(
        "report", "person", "family"
    )
