"""States of a family's tracing request: which moves are allowed, which need a reason."""

from __future__ import annotations

import pytest

from homecoming.domain.tracing_states import TRANSITIONS, RequestState, check_transition
from homecoming.errors import TransitionError, ValidationError

S = RequestState


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        (S.received, S.matched),
        (S.received, S.under_search),
        (S.matched, S.under_search),
        (S.under_search, S.answered),
        (S.answered, S.under_search),
    ],
)
def test_the_working_moves_need_no_reason(frm: S, to: S) -> None:
    assert check_transition(frm, to) is to


@pytest.mark.parametrize("frm", [S.received, S.matched, S.under_search, S.answered])
def test_closing_needs_a_reason(frm: S) -> None:
    with pytest.raises(ValidationError, match="needs a written reason"):
        check_transition(frm, S.closed)
    assert check_transition(frm, S.closed, reason="the family withdrew it") is S.closed


def test_a_closed_request_reopens_only_to_search_with_a_reason() -> None:
    assert TRANSITIONS[S.closed] == frozenset({S.under_search})
    with pytest.raises(ValidationError, match="reason"):
        check_transition(S.closed, S.under_search)
    with pytest.raises(TransitionError, match="a closed request cannot become answered") as err:
        check_transition(S.closed, S.answered, reason="x")
    assert err.value.hint == "from closed a request may become: under_search"


def test_no_state_moves_to_itself_or_back_to_received() -> None:
    for frm, targets in TRANSITIONS.items():
        assert frm not in targets and S.received not in targets


def test_an_unknown_state_is_named() -> None:
    with pytest.raises(ValidationError, match="state: is not a request state") as err:
        check_transition("received", "found")
    assert err.value.value == "found"
