"""Custody histories written by hand: gaps, two holders at once, broken seals, refusals that say where."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from homecoming.domain.custody import (
    CustodyEntry,
    check_history,
    check_new_event,
    signature_hash,
    whereabouts,
)
from homecoming.errors import CustodyError

T0 = datetime(2025, 3, 1, 9, 0)


def ev(
    i: int,
    hours: float,
    frm: str,
    to: str,
    *,
    before: str = "",
    after: str = "",
    where: str = "morgue",
    superseded: bool = False,
) -> CustodyEntry:
    return CustodyEntry(
        id=i,
        at=T0 + timedelta(hours=hours),
        from_custodian=frm,
        to_custodian=to,
        location=where,
        seal_before=before,
        seal_after=after,
        superseded=superseded,
    )


CLEAN = [
    ev(1, 0, "other party", "Morgue A", after="S1"),
    ev(2, 5, "Morgue A", "Morgue A", before="S1", after="S1", where="fridge 3"),
    ev(3, 24, "Morgue A", "Courier", before="S1", after="S2"),
    ev(4, 30, "Courier", "Lab B", before="S2", after="S2", where="Lab B"),
]


def test_a_clean_history_has_no_problems_and_ends_where_the_last_event_put_it() -> None:
    assert check_history(CLEAN) == []
    now = whereabouts(CLEAN)
    assert now is not None and (now.custodian, now.location, now.seal, now.event_id) == (
        "Lab B",
        "Lab B",
        "S2",
        4,
    )
    mid = whereabouts(CLEAN, T0 + timedelta(hours=10))
    assert mid is not None and (mid.custodian, mid.location) == ("Morgue A", "fridge 3")
    assert whereabouts(CLEAN, T0 - timedelta(hours=1)) is None


def test_a_missing_transfer_is_a_gap() -> None:
    history = [*CLEAN[:3], ev(4, 30, "Police store", "Lab B", before="S2")]
    [problem] = check_history(history)
    assert problem.kind == "gap" and problem.event_id == 4
    assert "Police store hands the object over" in problem.message and "Courier (event #3)" in problem.message


def test_someone_handing_over_what_they_already_handed_on_makes_two_holders() -> None:
    history = [*CLEAN[:3], ev(4, 26, "Morgue A", "Lab C", before="S2")]
    [problem] = check_history(history)
    assert problem.kind == "two_holders" and problem.event_id == 4
    assert "had already handed it on" in problem.message


def test_two_events_at_the_same_instant_to_different_custodians_are_two_holders() -> None:
    history = [
        CLEAN[0],
        ev(2, 5, "Morgue A", "Lab B", before="S1", after="S1"),
        ev(3, 5, "Morgue A", "Lab C", before="S1", after="S1"),
    ]
    kinds = [(p.kind, p.event_id) for p in check_history(history)]
    assert ("two_holders", 3) in kinds


def test_a_seal_found_different_from_the_one_applied_is_broken() -> None:
    history = [CLEAN[0], ev(2, 5, "Morgue A", "Courier", before="S9", after="S9")]
    [problem] = check_history(history)
    assert problem.kind == "broken_seal" and "found S9 but event #1 sealed it with S1" in problem.message
    no_seal = [CLEAN[0], ev(2, 5, "Morgue A", "Courier")]
    assert [p.kind for p in check_history(no_seal)] == ["broken_seal"]


def test_superseded_events_are_ignored() -> None:
    wrong = ev(4, 30, "Police store", "Lab B", before="S2", superseded=True)
    fixed = ev(5, 30, "Courier", "Lab B", before="S2")
    assert check_history([*CLEAN[:3], wrong, fixed]) == []


def test_a_new_event_that_would_put_the_object_in_two_places_is_refused_saying_where_it_is() -> None:
    new = ev(99, 40, "Morgue A", "Lab C", before="S2")
    with pytest.raises(CustodyError) as info:
        check_new_event(CLEAN, new, label="RU-2025-000001-xx")
    text = str(info.value)
    assert "RU-2025-000001-xx is with Lab B at Lab B under seal S2 since 2025-03-02 15:00 (event #4)" in text
    assert "record the transfer from Lab B" in info.value.hint


def test_a_backdated_event_is_refused_when_later_events_contradict_it() -> None:
    new = ev(99, 10, "Morgue A", "Lab C", before="S1")
    with pytest.raises(CustodyError) as info:
        check_new_event(CLEAN, new, label="SM-1")
    assert "SM-1 is with Morgue A at fridge 3" in str(info.value)
    assert "later events exist up to #4" in str(info.value)


def test_a_consistent_new_event_is_accepted_even_with_a_broken_seal() -> None:
    check_new_event(CLEAN, ev(99, 40, "Lab B", "Lab B", before="S7"), label="x")
    check_new_event([], ev(1, 0, "anyone", "Morgue A"), label="x")


def test_the_signature_hash_covers_the_content() -> None:
    a = signature_hash({"from": "A", "to": "B", "at": T0})
    assert a == signature_hash({"to": "B", "at": T0, "from": "A"})
    assert a != signature_hash({"from": "A", "to": "C", "at": T0})
    assert len(a) == 64
