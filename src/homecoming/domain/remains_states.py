"""States of a remains unit (a body, a body part, a bag) and the transitions between them.

::

    received ─► registered ─► stored ─► examined ─► sampled ─► profiled ─► candidate
                                                                             │
                            identified ◄── identification_proposed ◄─────────┘
                                │                 │ (rejected: back to candidate or profiled)
                                ├─► released_to_family
                                └─► handed_over_to_other_party

    from stored, examined, sampled, profiled or candidate:
        ─► handed_over_to_other_party      (repatriation before identification)
        ─► buried_unidentified             (the grave must be recorded)
    buried_unidentified ─► received        (exhumed; reason required)

Rules:

* Every move is one row (who, when, from, to, why); the final states end the unit's journey.
* ``buried_unidentified`` needs the grave (cemetery, plot, grave marker) so the body can be found again.
* Leaving ``identification_proposed`` backwards (the reviewer rejected the proposal) and exhumation
  need a written ``reason``.
* A unit may be re-examined or re-sampled: ``examined``/``sampled``/``profiled`` may go back to
  ``examined`` or ``sampled`` (a new examination or a new sample after a failed profile).
* States are bound to evidence. ``examined``, ``sampled`` and ``profiled`` need what they name: an
  examination, a sample, a usable post-mortem DNA profile of one of the unit's samples (:data:`EVIDENCE`).
  ``identification_proposed`` and ``identified`` are reached only through a signed identification
  report, and the unit leaves ``identification_proposed`` only that way too (the reviewer's decision):
  the moves of :func:`by_report` are made only by the identification services (``by_identification``).
  ``released_to_family`` needs a signed handover record to the family (``handover``): recording the
  handover releases the unit, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from homecoming.errors import Problem, TransitionError, ValidationError


class RemainsState(StrEnum):
    received = "received"
    registered = "registered"
    stored = "stored"
    examined = "examined"
    sampled = "sampled"
    profiled = "profiled"
    candidate = "candidate"
    identification_proposed = "identification_proposed"
    identified = "identified"
    released_to_family = "released_to_family"
    handed_over_to_other_party = "handed_over_to_other_party"
    buried_unidentified = "buried_unidentified"


S = RemainsState

LABELS: dict[RemainsState, str] = {
    S.received: "Received",
    S.registered: "Registered",
    S.stored: "Stored",
    S.examined: "Examined",
    S.sampled: "Sampled",
    S.profiled: "DNA profile obtained",
    S.candidate: "Candidate match",
    S.identification_proposed: "Identification proposed",
    S.identified: "Identified",
    S.released_to_family: "Released to the family",
    S.handed_over_to_other_party: "Handed over to the other party",
    S.buried_unidentified: "Buried unidentified",
}

FINAL: frozenset[RemainsState] = frozenset({S.released_to_family, S.handed_over_to_other_party})
UNRESOLVED_EXITS: frozenset[RemainsState] = frozenset({S.handed_over_to_other_party, S.buried_unidentified})
_BEFORE_IDENTIFICATION = (S.stored, S.examined, S.sampled, S.profiled, S.candidate)

_FORWARD: dict[RemainsState, frozenset[RemainsState]] = {
    S.received: frozenset({S.registered}),
    S.registered: frozenset({S.stored, S.examined}),
    S.stored: frozenset({S.examined}),
    S.examined: frozenset({S.sampled, S.examined}),
    S.sampled: frozenset({S.profiled, S.examined, S.sampled}),
    S.profiled: frozenset({S.candidate, S.sampled}),
    S.candidate: frozenset({S.identification_proposed, S.profiled}),
    S.identification_proposed: frozenset({S.identified, S.candidate, S.profiled}),
    S.identified: frozenset({S.released_to_family, S.handed_over_to_other_party}),
    S.buried_unidentified: frozenset({S.received}),
}


def _allowed(state: RemainsState) -> frozenset[RemainsState]:
    targets = set(_FORWARD.get(state, frozenset()))
    if state in _BEFORE_IDENTIFICATION:
        targets |= UNRESOLVED_EXITS
    return frozenset(targets)


ALLOWED: dict[RemainsState, frozenset[RemainsState]] = {state: _allowed(state) for state in RemainsState}


EVIDENCE: dict[RemainsState, str] = {
    S.examined: "examination",
    S.sampled: "sample",
    S.profiled: "profile",
    S.released_to_family: "handover",
}
"""The evidence a state names, which the unit must have to be in it."""

_EVIDENCE_TEXT = {
    "examination": (
        "has no post-mortem examination",
        "record the examination of the unit (Examinations); recording it moves the unit to examined",
    ),
    "sample": (
        "has no sample",
        "take a sample from the unit (Samples); taking it moves an examined unit to sampled",
    ),
    "profile": (
        "has no usable post-mortem DNA profile",
        "import the laboratory's file with a profile of one of the unit's samples (Genetics, laboratory "
        "files); importing it moves a sampled unit to profiled",
    ),
    "handover": (
        "has no signed handover record to the family",
        "record the handover to the family (Remains, handover to the family); signing it moves the unit to "
        "released_to_family",
    ),
}
REPORT_HINT = "an identification is proposed and signed in Identification"

BY_REPORT: frozenset[RemainsState] = frozenset({S.identification_proposed, S.identified})
"""States reached only through a signed identification report."""


def by_report(current: RemainsState, target: RemainsState) -> bool:
    """Whether the move belongs to the identification report (proposing, signing, rejecting)."""
    return target in BY_REPORT or current is S.identification_proposed


def evidence_missing(target: RemainsState, evidence: Collection[str]) -> str:
    """The evidence ``target`` needs that is not in ``evidence`` ('' when nothing is missing)."""
    need = EVIDENCE.get(target, "")
    return need if need and need not in evidence else ""


def open_moves(current: str, evidence: Collection[str]) -> list[RemainsState]:
    """The moves a user may make from ``current`` by hand (no report), given the unit's ``evidence``."""
    cur = RemainsState(current)
    return [
        s
        for s in RemainsState
        if s in ALLOWED[cur] and not by_report(cur, s) and not evidence_missing(s, evidence)
    ]


def needs_reason(current: RemainsState, target: RemainsState) -> bool:
    """Rejecting a proposed identification and exhuming a buried body need a written reason."""
    if current is S.identification_proposed and target in (S.candidate, S.profiled):
        return True
    return current is S.buried_unidentified


def needs_grave(target: RemainsState) -> bool:
    return target is S.buried_unidentified


def _names(states: frozenset[RemainsState]) -> str:
    return ", ".join(s.value for s in RemainsState if s in states) or "none (final state)"


def _refused(
    what: str, target: RemainsState, fix: str, *, current: RemainsState, needs: str
) -> TransitionError:
    return TransitionError(
        f"state: {what}; {fix}",
        subject="remains",
        current=current.value,
        target=target.value,
        needs=needs,
        field="state",
        value=target.value,
        hint=fix,
        problems=[Problem("state", what, target.value, fix)],
    )


def check_transition(
    current: str,
    target: str,
    *,
    reason: str = "",
    grave: str = "",
    evidence: Collection[str] = (),
    by_identification: bool = False,
) -> None:
    """Refuse a move the rules do not allow, a missing reason, or a burial without a grave.

    ``evidence`` names what the unit has (``examination``, ``sample``, ``profile``);
    ``by_identification`` is set only by the identification services (the move is made by a report).
    Raises :class:`TransitionError` (listing the allowed targets; or saying the move belongs to
    Identification, or naming the missing evidence) or :class:`ValidationError` naming ``reason`` or
    ``grave``.
    """
    known = {s.value for s in RemainsState}
    for value in (current, target):
        if value not in known:
            raise ValidationError.from_problems(
                [
                    Problem(
                        "state",
                        "is not a remains state",
                        value,
                        "use one of: " + ", ".join(s.value for s in RemainsState),
                    )
                ]
            )
    cur, tgt = RemainsState(current), RemainsState(target)
    if by_report(cur, tgt) and not by_identification:
        what = (
            f"{tgt.value} is reached only by a signed identification report"
            if tgt in BY_REPORT
            else f"a unit leaves {cur.value} only by the decision on the identification report"
        )
        raise _refused(what, tgt, REPORT_HINT, current=cur, needs="report")
    allowed = ALLOWED[cur]
    if tgt not in allowed:
        hint = f"allowed from {cur.value}: {_names(allowed)}"
        raise TransitionError(
            f"state: remains cannot move from {cur.value} to {tgt.value}; {hint}",
            subject="remains",
            current=cur.value,
            target=tgt.value,
            allowed=[s.value for s in RemainsState if s in allowed],
            field="state",
            value=tgt.value,
            hint=hint,
            problems=[Problem("state", f"cannot move from {cur.value} to {tgt.value}", tgt.value, hint)],
        )
    missing = evidence_missing(tgt, evidence)
    if missing:
        why, fix = _EVIDENCE_TEXT[missing]
        raise _refused(f"the unit {why}, so it cannot be {tgt.value}", tgt, fix, current=cur, needs=missing)
    problems: list[Problem] = []
    if needs_reason(cur, tgt) and not reason.strip():
        problems.append(
            Problem(
                "reason",
                f"is required to move from {cur.value} to {tgt.value}",
                reason,
                "write why (the reviewer's finding, the exhumation order)",
            )
        )
    if needs_grave(tgt) and not grave.strip():
        problems.append(
            Problem(
                "grave",
                "is required when remains are buried unidentified",
                grave,
                "record cemetery, plot and grave marker so the body can be found again",
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the transition")


__all__ = [
    "ALLOWED",
    "BY_REPORT",
    "EVIDENCE",
    "FINAL",
    "LABELS",
    "REPORT_HINT",
    "UNRESOLVED_EXITS",
    "RemainsState",
    "by_report",
    "check_transition",
    "evidence_missing",
    "needs_grave",
    "needs_reason",
    "open_moves",
]
