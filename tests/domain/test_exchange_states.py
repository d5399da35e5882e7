"""Agreement and operation states: allowed moves, final states, reasons."""

from __future__ import annotations

from itertools import pairwise

import pytest

from homecoming.domain.exchange_states import (
    AGREEMENT_ALLOWED,
    OPERATION_ALLOWED,
    AgreementState,
    OperationState,
    check_agreement_transition,
    check_operation_transition,
)
from homecoming.errors import TransitionError, ValidationError


def test_agreement_happy_path() -> None:
    for a, b in [
        ("draft", "concluded"),
        ("concluded", "in_implementation"),
        ("in_implementation", "fulfilled"),
    ]:
        check_agreement_transition(a, b)


def test_fulfilled_is_final_and_the_message_says_so() -> None:
    assert AGREEMENT_ALLOWED[AgreementState.fulfilled] == frozenset()
    with pytest.raises(TransitionError) as info:
        check_agreement_transition("fulfilled", "in_implementation")
    assert "cannot move from fulfilled to in_implementation" in info.value.message
    assert "none (final state)" in info.value.hint


def test_a_draft_cannot_be_fulfilled_and_the_allowed_moves_are_listed() -> None:
    with pytest.raises(TransitionError) as info:
        check_agreement_transition("draft", "fulfilled")
    assert info.value.hint == "allowed from draft: concluded"
    assert info.value.field == "state" and info.value.value == "fulfilled"


@pytest.mark.parametrize("target", ["suspended", "partially_fulfilled"])
def test_suspending_or_partial_fulfilment_needs_a_reason(target: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_agreement_transition("in_implementation", target, reason="  ")
    assert info.value.problems[0].field == "reason"
    check_agreement_transition("in_implementation", target, reason="The Kremlin said talks were paused")


def test_operation_path_and_terminal_states() -> None:
    path = ["planned", "lists_exchanged", "lists_agreed", "executed", "reconciled", "closed"]
    for a, b in pairwise(path):
        check_operation_transition(a, b)
    assert (
        OPERATION_ALLOWED[OperationState.closed] == OPERATION_ALLOWED[OperationState.cancelled] == frozenset()
    )


def test_an_executed_operation_can_no_longer_be_cancelled_or_postponed() -> None:
    for target in ("cancelled", "postponed"):
        with pytest.raises(TransitionError):
            check_operation_transition("executed", target, reason="x")


@pytest.mark.parametrize("target", ["postponed", "cancelled"])
def test_postponing_or_cancelling_needs_a_reason(target: str) -> None:
    with pytest.raises(ValidationError):
        check_operation_transition("lists_agreed", target)
    check_operation_transition("lists_agreed", target, reason="lists not agreed in time")


def test_a_postponed_operation_resumes() -> None:
    assert {OperationState.planned, OperationState.lists_exchanged} <= OPERATION_ALLOWED[
        OperationState.postponed
    ]


def test_unknown_states_name_the_field_and_the_choices() -> None:
    with pytest.raises(ValidationError) as info:
        check_operation_transition("planned", "done")
    assert "use one of planned" in info.value.problems[0].hint
    with pytest.raises(ValidationError):
        check_agreement_transition("signed", "concluded")


def test_every_state_has_an_entry() -> None:
    assert set(AGREEMENT_ALLOWED) == set(AgreementState)
    assert set(OPERATION_ALLOWED) == set(OperationState)
