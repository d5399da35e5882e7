"""The states of remains and the moves between them."""

from __future__ import annotations

import itertools

import pytest

from homecoming.domain.remains_states import ALLOWED, FINAL, RemainsState, check_transition
from homecoming.errors import TransitionError, ValidationError

S = RemainsState


def test_the_main_path_from_receipt_to_release_is_allowed() -> None:
    path = [
        "received",
        "registered",
        "stored",
        "examined",
        "sampled",
        "profiled",
        "candidate",
        "identification_proposed",
        "identified",
        "released_to_family",
    ]
    for current, target in itertools.pairwise(path):
        check_transition(current, target)


def test_final_states_allow_nothing() -> None:
    assert {S.released_to_family, S.handed_over_to_other_party} == FINAL
    for state in FINAL:
        assert ALLOWED[state] == frozenset()
    with pytest.raises(TransitionError, match="none \\(final state\\)"):
        check_transition("released_to_family", "stored")


def test_skipping_steps_is_refused_with_the_allowed_targets() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition("received", "identified")
    assert info.value.hint == "allowed from received: registered"
    assert info.value.field == "state"


def test_unidentified_remains_may_be_handed_over_or_buried_before_identification() -> None:
    for state in ("stored", "examined", "sampled", "profiled", "candidate"):
        assert {S.handed_over_to_other_party, S.buried_unidentified} <= ALLOWED[S(state)]
    for state in ("received", "registered", "identification_proposed", "identified"):
        assert S.buried_unidentified not in ALLOWED[S(state)]


def test_burial_needs_the_grave_and_exhumation_a_reason() -> None:
    with pytest.raises(ValidationError, match="grave: is required"):
        check_transition("stored", "buried_unidentified")
    check_transition("stored", "buried_unidentified", grave="Cemetery 4, plot 12")
    with pytest.raises(ValidationError, match="reason: is required"):
        check_transition("buried_unidentified", "received")
    check_transition("buried_unidentified", "received", reason="exhumation order 17/2025")


def test_rejecting_a_proposed_identification_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match="reason"):
        check_transition("identification_proposed", "candidate")
    check_transition("identification_proposed", "candidate", reason="reviewer: LR below threshold")
    check_transition("identification_proposed", "identified")


def test_unknown_states_are_named() -> None:
    with pytest.raises(ValidationError, match="is not a remains state \\(got 'lost'\\)"):
        check_transition("stored", "lost")
