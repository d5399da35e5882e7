"""Ledger decisions: a person chooses which evidence an operation's delivered count uses; a second accepts.

When the executed manifest and the reported figure of an operation and direction disagree, the ledger keeps
the figure and flags the disagreement (:mod:`homecoming.app.exchanges.ledger`). :func:`decide` records a
:class:`LedgerDecision` — the evidence to use (``manifest`` or ``figure``), the reason, and the evidence it
was made on — and :func:`review` records a second person's verdict. The decision applies only once
accepted, and only while the evidence is the one it was made on. Both rows are insert-only and audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.exchanges import ledger
from homecoming.app.exchanges.choices import DecisionVerdict, Evidence
from homecoming.app.exchanges.models import LedgerDecision, LedgerDecisionReview, Operation
from homecoming.app.lookup import by_id
from homecoming.app.review import check_reviewer
from homecoming.errors import ConflictError, PermissionDenied, Problem, ValidationError

_user = audit.user_or_none


def _choice(name: str, value: str, cls: Any) -> list[Problem]:
    if value in cls.values:
        return []
    return [Problem(name, f"is not a known {name}", value, "use one of: " + ", ".join(cls.values))]


@transaction.atomic
def decide(
    *, actor: Any, operation_id: int, receiving: str, category: str = "", use: str, reason: str
) -> LedgerDecision:
    """Choose the evidence (``manifest`` or ``figure``) the ledger's count of one disagreement uses."""
    operation = by_id(
        Operation.objects.select_for_update(of=("self",)).select_related("agreement"),
        operation_id,
        what="operation",
        field="operation",
    )
    if actor is not None and not actor.has_perm("exchanges.add_ledgerdecision"):
        raise PermissionDenied(
            "only an exchange coordinator may decide which evidence the ledger uses",
            field="use",
            value=use,
            hint="ask an exchange coordinator",
        )
    problems = _choice("use", use, Evidence)
    if not (reason or "").strip():
        problems.append(Problem("reason", "is required", reason, "say why this evidence is the one to count"))
    agreement = operation.agreement
    if agreement is None:
        problems.append(
            Problem("operation", "belongs to no agreement, so it is in no ledger", operation.reference, "")
        )
    if problems:
        raise ValidationError.from_problems(problems, "the ledger decision")
    assert agreement is not None
    codes = list(agreement.categories.values_list("code", flat=True))
    if not category and len(codes) == 1:
        category = codes[0]
    to = (receiving or "").upper()
    found = [
        (s, d)
        for s in ledger.compute(agreement).series
        if s.category == category and s.receiving == to
        for d in s.deliveries
        if d.operation_id == operation.pk
    ]
    if not found:
        raise ValidationError(
            f"{operation.reference}: the ledger has no delivery to {to or '?'} in category {category or '?'}",
            field="receiving" if category in codes else "category",
            value=to if category in codes else category,
            hint="categories of the agreement: " + ", ".join(codes),
        )
    series, delivery = found[0]
    if not delivery.disagreement:
        raise ConflictError(
            f"{operation.reference} {series.sending} → {to}: the manifest and the figure do not disagree; "
            "there is nothing to decide",
            field="use",
            value=use,
            hint="a decision is needed only where the ledger flags a disagreement",
        )
    if delivery.decision_state == ledger.AWAITING_REVIEW:
        raise ConflictError(
            f"{operation.reference} {series.sending} → {to}: a decision waits for review",
            field="use",
            value=use,
            hint="have the waiting decision accepted or rejected first",
        )
    figure_id = delivery.figures[0]["id"] if delivery.figures else None
    decision = LedgerDecision.objects.create(
        operation=operation,
        receiving_party=agreement.party_a if agreement.party_a.code == to else agreement.party_b,
        category=agreement.categories.get(code=category),
        use=use,
        manifest_version_id=delivery.manifest_version_id,
        manifest_count=delivery.manifest_count,
        figure_id=figure_id,
        figure_value=delivery.figure_value,
        reason=reason.strip(),
        decided_by=_user(actor),
    )
    audit.record(
        actor=actor, action="ledger_decision", obj=decision, after=audit.snapshot(decision), reason=reason
    )
    return decision


@transaction.atomic
def review(*, actor: Any, decision_id: int, verdict: str, note: str = "") -> LedgerDecisionReview:
    """Accept or reject a ledger decision; by someone other than the person who made it."""
    decision = by_id(
        LedgerDecision.objects.select_for_update(), decision_id, what="ledger decision", field="decision"
    )
    check_reviewer(
        actor,
        perm="exchanges.review_ledgerdecision",
        author_id=decision.decided_by_id,
        what="a ledger decision",
        made="made it",
        reviewer="a reviewer",
        verdict=verdict,
    )
    problems = _choice("verdict", verdict, DecisionVerdict)
    if verdict == DecisionVerdict.rejected and not note.strip():
        problems.append(Problem("note", "is required for a rejection", note, "say why it is rejected"))
    if problems:
        raise ValidationError.from_problems(problems, "the review")
    if decision.reviews.exists():
        raise ConflictError(
            f"ledger decision {decision.pk} was already reviewed",
            field="decision",
            value=decision.pk,
            hint="record a new decision instead",
        )
    if LedgerDecision.objects.filter(
        operation_id=decision.operation_id,
        receiving_party_id=decision.receiving_party_id,
        category_id=decision.category_id,
        pk__gt=decision.pk,
    ).exists():
        raise ConflictError(
            f"ledger decision {decision.pk} was followed by a later decision",
            field="decision",
            value=decision.pk,
            hint="review the latest decision",
        )
    result = LedgerDecisionReview.objects.create(
        decision=decision, verdict=verdict, note=note.strip(), reviewer=_user(actor)
    )
    audit.record(actor=actor, action="review", obj=result, after=audit.snapshot(result), reason=note)
    return result
