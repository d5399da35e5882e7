"""Deciding a re-association proposal: two post-mortem profiles that match, perhaps one body in two bags.

A forensic examiner (``genetics.add_proposaldecision``) confirms or rejects it; not the person who
imported the profiles (four eyes, :func:`homecoming.app.review.check_reviewer`). A confirmation links
the two remains units as the same individual through the remains service (``link_units``: a
``UnitLink`` and its audit record); the decision is an insert-only :class:`ProposalDecision` row with
its own audit record. A proposal is decided once; a wrong decision is corrected in the remains links.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.genetics.choices import ProposalDecision as Decision
from homecoming.app.genetics.models import ProposalDecision, ReassociationProposal
from homecoming.app.lookup import by_id
from homecoming.app.remains.models import UnitLink
from homecoming.app.remains.services import link_units
from homecoming.app.review import check_reviewer
from homecoming.errors import Problem, StateError, ValidationError

PERMISSION = "genetics.add_proposaldecision"


def _problems(decision: str, reason: str) -> list[Problem]:
    problems = []
    if decision not in Decision.values:
        problems.append(
            Problem("decision", "is not a decision", decision, "use " + " or ".join(Decision.values))
        )
    if not reason.strip():
        problems.append(Problem("reason", "is required", reason, "say what the decision rests on"))
    return problems


@transaction.atomic
def decide_proposal(*, actor: Any, proposal_id: int, decision: str, reason: str) -> ProposalDecision:
    """Confirm (link the units as the same individual) or reject a re-association proposal."""
    proposal = by_id(
        ReassociationProposal.objects.select_for_update(of=("self",)).select_related(
            "profile__sample__unit", "other__sample__unit"
        ),
        proposal_id,
        what="re-association proposal",
        field="proposal",
    )
    problems = _problems(decision, reason or "")
    if problems:
        raise ValidationError.from_problems(problems, "the decision")
    check_reviewer(
        actor,
        perm=PERMISSION,
        author_id=proposal.profile.created_by_id,
        what="a re-association proposal",
        made="imported the profiles",
        reviewer="a forensic examiner",
        verdict=decision,
        field="decision",
    )
    earlier = proposal.decisions.first()
    if earlier is not None:
        raise StateError(
            f"the proposal was already {earlier.decision} on {earlier.at:%Y-%m-%d %H:%M}",
            field="proposal",
            value=proposal_id,
            hint="a decided proposal is final; correct a wrong link on the remains unit's page",
        )
    link = _link(actor, proposal, reason) if decision == Decision.confirmed else None
    audit.record(
        actor=actor,
        action="decide",
        obj=proposal,
        after={
            "decision": decision,
            "profile": proposal.profile.reference,
            "other": proposal.other.reference,
            "unit_link": link.pk if link else None,
        },
        reason=reason,
    )
    return ProposalDecision.objects.create(
        proposal=proposal, decision=decision, unit_link=link, reason=reason, actor=audit.user_or_none(actor)
    )


def _link(actor: Any, proposal: ReassociationProposal, reason: str) -> UnitLink:
    a, b = proposal.profile.sample, proposal.other.sample
    assert a is not None and b is not None  # both post-mortem: the check constraint
    why = f"DNA re-association {proposal.profile.reference} = {proposal.other.reference}: {reason}"
    try:
        return link_units(actor=actor, unit=a.unit, other=b.unit, kind="same_individual", reason=why)
    except StateError:  # linked already (by hand, or through another proposal): the decision names that link
        first, second = sorted((a.unit, b.unit), key=lambda u: u.pk)
        return UnitLink.objects.filter(
            unit=first, other=second, kind="same_individual", retracts__isnull=True
        ).latest("id")
