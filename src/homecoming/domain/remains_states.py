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
"""

from __future__ import annotations

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


def needs_reason(current: RemainsState, target: RemainsState) -> bool:
    """Rejecting a proposed identification and exhuming a buried body need a written reason."""
    if current is S.identification_proposed and target in (S.candidate, S.profiled):
        return True
    return current is S.buried_unidentified


def needs_grave(target: RemainsState) -> bool:
    return target is S.buried_unidentified


def _names(states: frozenset[RemainsState]) -> str:
    return ", ".join(s.value for s in RemainsState if s in states) or "none (final state)"


def check_transition(current: str, target: str, *, reason: str = "", grave: str = "") -> None:
    """Refuse a move the rules do not allow, a missing reason, or a burial without a grave.

    Raises :class:`TransitionError` (listing the allowed targets) or :class:`ValidationError`
    naming ``reason`` or ``grave``.
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
    allowed = ALLOWED[cur]
    if tgt not in allowed:
        hint = f"allowed from {cur.value}: {_names(allowed)}"
        raise TransitionError(
            f"state: remains cannot move from {cur.value} to {tgt.value}; {hint}",
            field="state",
            value=tgt.value,
            hint=hint,
            problems=[Problem("state", f"cannot move from {cur.value} to {tgt.value}", tgt.value, hint)],
        )
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
    "FINAL",
    "LABELS",
    "UNRESOLVED_EXITS",
    "RemainsState",
    "check_transition",
    "needs_grave",
    "needs_reason",
]
