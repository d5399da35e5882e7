"""The states of remains and the moves between them."""

from __future__ import annotations

import itertools

import pytest

from homecoming.domain.remains_states import (
    ALLOWED,
    FINAL,
    REPORT_HINT,
    RemainsState,
    check_transition,
    open_moves,
)
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
        check_transition(
            current,
            target,
            evidence=("examination", "sample", "profile", "handover"),
            by_identification=current in ("candidate", "identification_proposed"),
        )


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("candidate", "identification_proposed"),
        ("identification_proposed", "identified"),
        ("identification_proposed", "candidate"),
        ("identification_proposed", "profiled"),
        ("received", "identified"),
    ],
)
def test_the_identification_moves_belong_to_the_signed_report(current: str, target: str) -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(current, target, reason="x", evidence=("examination", "sample", "profile"))
    assert info.value.field == "state" and info.value.value == target
    assert info.value.hint == REPORT_HINT == "an identification is proposed and signed in Identification"
    assert "signed identification report" in str(info.value) or "decision on the identification" in str(
        info.value
    )


@pytest.mark.parametrize(
    ("current", "target", "evidence", "missing"),
    [
        ("registered", "examined", (), "has no post-mortem examination"),
        ("stored", "examined", ("sample",), "has no post-mortem examination"),
        ("examined", "sampled", ("examination",), "has no sample"),
        ("sampled", "profiled", ("examination", "sample"), "has no usable post-mortem DNA profile"),
        ("identified", "released_to_family", ("profile",), "has no signed handover record to the family"),
    ],
)
def test_a_state_needs_the_evidence_it_names(
    current: str, target: str, evidence: tuple[str, ...], missing: str
) -> None:
    with pytest.raises(TransitionError, match=missing) as info:
        check_transition(current, target, evidence=evidence)
    assert info.value.value == target and "moves" in (info.value.hint or "")
    check_transition(current, target, evidence=(*evidence, "examination", "sample", "profile", "handover"))


def test_open_moves_leave_out_the_report_and_the_missing_evidence() -> None:
    assert open_moves("registered", ()) == [S.stored]
    assert open_moves("registered", ("examination",)) == [S.stored, S.examined]
    assert open_moves("candidate", ("examination", "sample", "profile")) == [
        S.profiled,
        S.handed_over_to_other_party,
        S.buried_unidentified,
    ]
    assert open_moves("identification_proposed", ("examination", "sample", "profile")) == []
    assert open_moves("identified", ()) == [S.handed_over_to_other_party]
    assert open_moves("identified", ("handover",)) == [S.released_to_family, S.handed_over_to_other_party]


def test_final_states_allow_nothing() -> None:
    assert {S.released_to_family, S.handed_over_to_other_party} == FINAL
    for state in FINAL:
        assert ALLOWED[state] == frozenset()
    with pytest.raises(TransitionError, match="none \\(final state\\)"):
        check_transition("released_to_family", "stored")


def test_skipping_steps_is_refused_with_the_allowed_targets() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition("received", "profiled", evidence=("profile",))
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
        check_transition("identification_proposed", "candidate", by_identification=True)
    check_transition(
        "identification_proposed", "candidate", reason="reviewer: LR below threshold", by_identification=True
    )
    check_transition("identification_proposed", "identified", by_identification=True)


def test_unknown_states_are_named() -> None:
    with pytest.raises(ValidationError, match="is not a remains state \\(got 'lost'\\)"):
        check_transition("stored", "lost")
