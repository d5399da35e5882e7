"""Comparison reports (DVI System International's IDEN / EQUL / FRAG) and their states.

::

    draft ─► proposed ─► signed ─► identified      (the conclusion was an identification)
      ▲         │                └► excluded        (the conclusion was an exclusion)
      └─────────┴─► returned  (the reviewer sends it back, with a reason; the analyst revises it: draft)

* **IDEN**: a body (post-mortem) is a missing person (ante-mortem reference family).
* **EQUL**: two post-mortem records are one person (a duplicate).
* **FRAG**: a body part belongs to a body.

Rules (pure; the app enforces who may do each move):

* ``proposed`` is made by the analyst, ``signed`` by a second person; ``signed`` is followed at once by
  ``identified`` or ``excluded`` (the report's conclusion), in the same transaction;
* ``returned`` needs a written reason; a returned report goes back to ``draft`` when revised;
* ``identified`` and ``excluded`` are final: a later correction is a new report.
"""

from __future__ import annotations

from enum import StrEnum

from homecoming.errors import Problem, TransitionError, ValidationError

__all__ = [
    "ALLOWED",
    "FINAL",
    "LABELS",
    "Conclusion",
    "ReportKind",
    "ReportState",
    "check_transition",
    "needs_reason",
]


class ReportKind(StrEnum):
    iden = "IDEN"
    equl = "EQUL"
    frag = "FRAG"


class Conclusion(StrEnum):
    identification = "identification"
    exclusion = "exclusion"


class ReportState(StrEnum):
    draft = "draft"
    proposed = "proposed"
    signed = "signed"
    identified = "identified"
    excluded = "excluded"
    returned = "returned"


S = ReportState

LABELS: dict[ReportState, str] = {
    S.draft: "Draft",
    S.proposed: "Proposed",
    S.signed: "Signed",
    S.identified: "Identified",
    S.excluded: "Excluded",
    S.returned: "Returned",
}

FINAL: frozenset[ReportState] = frozenset({S.identified, S.excluded})

ALLOWED: dict[ReportState, frozenset[ReportState]] = {
    S.draft: frozenset({S.proposed}),
    S.proposed: frozenset({S.signed, S.returned}),
    S.signed: frozenset({S.identified, S.excluded}),
    S.returned: frozenset({S.draft}),
    S.identified: frozenset(),
    S.excluded: frozenset(),
}


def needs_reason(target: ReportState) -> bool:
    """Sending a report back needs a written reason."""
    return target is S.returned


def check_transition(current: str, target: str, *, reason: str = "") -> None:
    """Refuse a move the rules do not allow (``TransitionError`` listing the allowed targets) or a return
    without a reason (``ValidationError`` naming ``reason``)."""
    known = {s.value for s in ReportState}
    for value in (current, target):
        if value not in known:
            raise ValidationError.from_problems(
                [Problem("state", "is not a report state", value, "use one of: " + ", ".join(sorted(known)))]
            )
    cur, tgt = ReportState(current), ReportState(target)
    allowed = ALLOWED[cur]
    if tgt not in allowed:
        names = ", ".join(s.value for s in ReportState if s in allowed) or "none (final state)"
        hint = f"allowed from {cur.value}: {names}"
        raise TransitionError(
            f"state: a report cannot move from {cur.value} to {tgt.value}; {hint}",
            subject="report",
            current=cur.value,
            target=tgt.value,
            allowed=[s.value for s in ReportState if s in allowed],
            field="state",
            value=tgt.value,
            hint=hint,
        )
    if needs_reason(tgt) and not reason.strip():
        raise ValidationError.from_problems(
            [Problem("reason", "is required to send a report back", reason, "say what the analyst must do")]
        )
