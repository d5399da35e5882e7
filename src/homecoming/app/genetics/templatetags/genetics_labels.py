"""Template filters of the genetics pages: quality flags and internal codes as translated labels."""

from __future__ import annotations

from django import template

from homecoming.app.genetics.choices import (
    CONFLICT_LABELS,
    FLAG_LABELS,
    LabFormat,
    ProfileKind,
    ProposalDecision,
)

register = template.Library()


@register.filter
def flag_label(code: str) -> str:
    """The label of a locus or profile flag (``one_allele`` → "one allele seen …"); others as they are."""
    return str(FLAG_LABELS.get(code, code))


@register.filter
def kind_label(code: str) -> str:
    """The label of a profile kind (``post_mortem`` → "post-mortem (remains)")."""
    return str(ProfileKind(code).label) if code in ProfileKind.values else code


@register.filter
def format_label(code: str) -> str:
    """The label of a laboratory file format (``cmf`` → "CODIS CMF 3.2 XML")."""
    return str(LabFormat(code).label) if code in LabFormat.values else code


@register.filter
def conflict_label(code: str) -> str:
    """The label of a disagreement between replicates (``dropout``, ``disagree``, ``excluded``)."""
    return str(CONFLICT_LABELS.get(code, code))


@register.filter
def decision_label(code: str) -> str:
    """The label of a decision on a re-association proposal (``confirmed`` → "confirmed: …")."""
    return str(ProposalDecision(code).label) if code in ProposalDecision.values else code
