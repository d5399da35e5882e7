"""States of exchange agreements and operations, and the moves allowed between them.

Agreements::

    draft ─► concluded ─► in_implementation ─┬─► fulfilled
                 │              ▲   │         ├─► partially_fulfilled ─► in_implementation (resumed)
                 │              │   │         └─► suspended ─► in_implementation (resumed)
                 └──────────────┼───┴──► suspended
                                └───────── suspended

Operations::

    planned ─► lists_exchanged ─► lists_agreed ─► executed ─► reconciled ─► closed
       │  ▲          │  ▲              │  ▲
       │  └──────────┴──┴── postponed ◄┴──┘   (postponed returns to planned or lists_exchanged)
       └───────── any state before executed ─► cancelled

Rules:

* Suspending an agreement, marking it partially fulfilled, postponing or cancelling an operation need a
  written ``reason`` (the statement or event that caused it).
* ``fulfilled``, ``closed`` and ``cancelled`` are final.
* An operation that was ``executed`` can no longer be cancelled or postponed: what happened happened;
  it is reconciled (manifests against remains and figures) and then closed.
"""

from __future__ import annotations

from enum import StrEnum

from homecoming.errors import Problem, TransitionError, ValidationError


class AgreementState(StrEnum):
    draft = "draft"
    concluded = "concluded"
    in_implementation = "in_implementation"
    fulfilled = "fulfilled"
    partially_fulfilled = "partially_fulfilled"
    suspended = "suspended"


class OperationState(StrEnum):
    planned = "planned"
    lists_exchanged = "lists_exchanged"
    lists_agreed = "lists_agreed"
    executed = "executed"
    reconciled = "reconciled"
    closed = "closed"
    cancelled = "cancelled"
    postponed = "postponed"


A = AgreementState
O = OperationState  # noqa: E741

AGREEMENT_LABELS: dict[AgreementState, str] = {
    A.draft: "Draft",
    A.concluded: "Concluded",
    A.in_implementation: "In implementation",
    A.fulfilled: "Fulfilled",
    A.partially_fulfilled: "Partially fulfilled",
    A.suspended: "Suspended",
}

OPERATION_LABELS: dict[OperationState, str] = {
    O.planned: "Planned",
    O.lists_exchanged: "Lists exchanged",
    O.lists_agreed: "Lists agreed",
    O.executed: "Executed",
    O.reconciled: "Reconciled",
    O.closed: "Closed",
    O.cancelled: "Cancelled",
    O.postponed: "Postponed",
}

AGREEMENT_ALLOWED: dict[AgreementState, frozenset[AgreementState]] = {
    A.draft: frozenset({A.concluded}),
    A.concluded: frozenset({A.in_implementation, A.suspended}),
    A.in_implementation: frozenset({A.fulfilled, A.partially_fulfilled, A.suspended}),
    A.partially_fulfilled: frozenset({A.in_implementation, A.suspended}),
    A.suspended: frozenset({A.in_implementation, A.partially_fulfilled}),
    A.fulfilled: frozenset(),
}

_BEFORE_EXECUTION = (O.planned, O.lists_exchanged, O.lists_agreed)

OPERATION_ALLOWED: dict[OperationState, frozenset[OperationState]] = {
    O.planned: frozenset({O.lists_exchanged, O.executed, O.postponed, O.cancelled}),
    O.lists_exchanged: frozenset({O.lists_agreed, O.postponed, O.cancelled}),
    O.lists_agreed: frozenset({O.executed, O.lists_exchanged, O.postponed, O.cancelled}),
    O.executed: frozenset({O.reconciled}),
    O.reconciled: frozenset({O.closed}),
    O.postponed: frozenset({O.planned, O.lists_exchanged, O.lists_agreed, O.cancelled}),
    O.closed: frozenset(),
    O.cancelled: frozenset(),
}

AGREEMENT_NEEDS_REASON: frozenset[AgreementState] = frozenset({A.suspended, A.partially_fulfilled})
OPERATION_NEEDS_REASON: frozenset[OperationState] = frozenset({O.postponed, O.cancelled})
AGREEMENT_FINAL: frozenset[AgreementState] = frozenset({A.fulfilled})
OPERATION_FINAL: frozenset[OperationState] = frozenset({O.closed, O.cancelled})


def _names(states: frozenset[StrEnum], order: type[StrEnum]) -> str:
    return ", ".join(s.value for s in order if s in states) or "none (final state)"


def _check(
    what: str,
    current: StrEnum,
    target: StrEnum,
    allowed: frozenset[StrEnum],
    needs_reason: bool,
    reason: str,
    order: type[StrEnum],
) -> None:
    if target not in allowed:
        hint = f"allowed from {current.value}: {_names(allowed, order)}"
        message = f"cannot move from {current.value} to {target.value}"
        raise TransitionError(
            f"state: {what} {message}; {hint}",
            subject=what.split()[-1],
            current=current.value,
            target=target.value,
            allowed=[s.value for s in order if s in allowed],
            field="state",
            value=target.value,
            hint=hint,
            problems=[Problem("state", message, target.value, hint)],
        )
    if needs_reason and not reason.strip():
        raise ValidationError.from_problems(
            [
                Problem(
                    "reason",
                    f"is required when {what} moves to {target.value}",
                    reason,
                    "write why, e.g. the statement or event that caused it",
                )
            ]
        )


def check_agreement_transition(current: str, target: str, *, reason: str = "") -> None:
    """Refuse a move an agreement may not make; suspending or partial fulfilment needs a reason."""
    cur, tgt = _agreement_state(current, "state"), _agreement_state(target, "state")
    allowed: frozenset[StrEnum] = frozenset(AGREEMENT_ALLOWED[cur])
    _check("an agreement", cur, tgt, allowed, tgt in AGREEMENT_NEEDS_REASON, reason, AgreementState)


def check_operation_transition(current: str, target: str, *, reason: str = "") -> None:
    """Refuse a move an operation may not make; postponing or cancelling needs a reason."""
    cur, tgt = _operation_state(current, "state"), _operation_state(target, "state")
    allowed: frozenset[StrEnum] = frozenset(OPERATION_ALLOWED[cur])
    _check("an operation", cur, tgt, allowed, tgt in OPERATION_NEEDS_REASON, reason, OperationState)


def _agreement_state(value: str, field: str) -> AgreementState:
    try:
        return AgreementState(value)
    except ValueError:
        raise ValidationError.from_problems(
            [
                Problem(
                    field, "is not an agreement state", value, "use one of " + ", ".join(s.value for s in A)
                )
            ]
        ) from None


def _operation_state(value: str, field: str) -> OperationState:
    try:
        return OperationState(value)
    except ValueError:
        raise ValidationError.from_problems(
            [
                Problem(
                    field, "is not an operation state", value, "use one of " + ", ".join(s.value for s in O)
                )
            ]
        ) from None


__all__ = [
    "AGREEMENT_ALLOWED",
    "AGREEMENT_FINAL",
    "AGREEMENT_LABELS",
    "AGREEMENT_NEEDS_REASON",
    "OPERATION_ALLOWED",
    "OPERATION_FINAL",
    "OPERATION_LABELS",
    "OPERATION_NEEDS_REASON",
    "AgreementState",
    "OperationState",
    "check_agreement_transition",
    "check_operation_transition",
]
