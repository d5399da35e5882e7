import pytest

from homecoming.domain.case_states import (
    ALLOWED,
    LABELS,
    CaseState,
    check_transition,
    is_open,
    is_reopening,
)
from homecoming.errors import TransitionError, ValidationError

S = CaseState
CLOSED = [S.closed_duplicate, S.closed_withdrawn, S.closed_erroneous]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.draft, S.registered),
        (S.registered, S.verified),
        (S.verified, S.active_search),
        (S.active_search, S.located_alive),
        (S.active_search, S.captivity_confirmed),
        (S.active_search, S.death_confirmed_identified),
        (S.active_search, S.death_confirmed_not_recovered),
        (S.captivity_confirmed, S.located_alive),
        (S.captivity_confirmed, S.death_confirmed_identified),
        (S.captivity_confirmed, S.death_confirmed_not_recovered),
        (S.captivity_confirmed, S.active_search),
        (S.death_confirmed_not_recovered, S.death_confirmed_identified),
    ],
)
def test_forward_moves_need_no_reason(current: CaseState, target: CaseState) -> None:
    check_transition(current, target)
    assert not is_reopening(current, target)


def test_skipping_verification_is_refused_with_allowed_targets() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(S.registered, S.active_search)
    assert str(info.value) == (
        "state: a case cannot move from registered to active_search; allowed from registered: "
        "verified, closed_duplicate, closed_withdrawn, closed_erroneous"
    )
    assert info.value.value == "active_search"


@pytest.mark.parametrize("current", [s for s in S if s not in CLOSED])
@pytest.mark.parametrize("target", CLOSED)
def test_every_non_closed_state_can_close_with_a_reason(current: CaseState, target: CaseState) -> None:
    check_transition(current, target, reason="same person as case 12")
    with pytest.raises(ValidationError) as info:
        check_transition(current, target, reason="  ")
    assert info.value.field == "reason"
    assert str(info.value).startswith(f"reason: is required when closing a case ({current} → {target})")


def test_closed_cannot_be_closed_again() -> None:
    with pytest.raises(TransitionError, match="allowed from closed_duplicate: active_search"):
        check_transition(S.closed_duplicate, S.closed_withdrawn, reason="x")


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.located_alive, S.active_search),
        (S.death_confirmed_identified, S.active_search),
        (S.death_confirmed_not_recovered, S.active_search),
        (S.closed_duplicate, S.active_search),
        (S.closed_withdrawn, S.active_search),
        (S.closed_erroneous, S.registered),
    ],
)
def test_reopening_needs_a_reason(current: CaseState, target: CaseState) -> None:
    assert is_reopening(current, target)
    check_transition(current, target, reason="new information from a returnee")
    with pytest.raises(ValidationError, match=r"reason: is required when reopening a case"):
        check_transition(current, target)


def test_erroneous_case_reopens_to_registered_not_search() -> None:
    with pytest.raises(TransitionError):
        check_transition(S.closed_erroneous, S.active_search, reason="x")


def test_open_states() -> None:
    open_states = {s for s in S if is_open(s)}
    assert open_states == {
        S.draft,
        S.registered,
        S.verified,
        S.active_search,
        S.captivity_confirmed,
        S.death_confirmed_not_recovered,
    }


def test_every_state_has_a_label_and_an_allowed_set() -> None:
    assert set(LABELS) == set(S) == set(ALLOWED)
    assert LABELS[S.death_confirmed_not_recovered] == "Death confirmed, remains not recovered"
    assert all(state not in ALLOWED[state] for state in S)
