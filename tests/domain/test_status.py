from datetime import date, datetime

import pytest

from homecoming.domain.status import (
    OFFICIAL_SOURCES,
    AssertionFact,
    PersonStatus,
    Reliability,
    ReviewState,
    SourceType,
    check_assertion,
    check_review,
    derive_status,
)
from homecoming.errors import TransitionError, ValidationError

P, T, R, V = PersonStatus, SourceType, Reliability, ReviewState


def fact(
    status: PersonStatus,
    day: int,
    *,
    source: SourceType = T.family,
    reliability: Reliability = R.C,
    review: ReviewState = V.accepted,
    recorded: int = 0,
) -> AssertionFact:
    return AssertionFact(
        status, source, date(2024, 1, day), reliability, review, datetime(2024, 2, 1, 0, recorded)
    )


def test_official_sources() -> None:
    assert {T.forensic_report, T.court_decision, T.icrc, T.information_bureau_list} == OFFICIAL_SOURCES


def test_confirmed_dead_needs_an_official_source() -> None:
    check_assertion(P.confirmed_dead, T.forensic_report)
    check_assertion(P.believed_dead, T.open_source)
    with pytest.raises(ValidationError) as info:
        check_assertion(P.confirmed_dead, T.open_source, field="status_source_type")
    assert str(info.value) == (
        "status_source_type: confirmed_dead needs an official source, not open_source (got 'open_source'); "
        "use one of court_decision, forensic_report, icrc, information_bureau_list, "
        "or record the status as believed_dead"
    )


def test_review_transitions() -> None:
    check_review(V.submitted, V.accepted)
    check_review(V.accepted, V.rejected)
    check_review(V.rejected, V.accepted)
    with pytest.raises(
        TransitionError, match="cannot move from accepted to submitted; allowed from accepted: rejected"
    ):
        check_review(V.accepted, V.submitted)


def test_rule1_no_accepted_facts_gives_default() -> None:
    assert derive_status([]) == P.unknown
    assert derive_status([], default=P.missing) == P.missing
    pending = [fact(P.captive, 5, review=V.submitted), fact(P.alive, 6, review=V.rejected)]
    assert derive_status(pending, default=P.missing) == P.missing
    assert derive_status([fact(P.unknown, 9)], default=P.missing) == P.missing


def test_rule2_confirmed_dead_is_final_against_unofficial_later_reports() -> None:
    facts = [
        fact(P.confirmed_dead, 5, source=T.forensic_report, reliability=R.A),
        fact(P.alive, 20, source=T.family, reliability=R.A),
        fact(P.captive, 21, source=T.other_party_list, reliability=R.B),
    ]
    assert derive_status(facts) == P.confirmed_dead


def test_rule2_later_official_proof_of_life_overturns_death() -> None:
    facts = [
        fact(P.confirmed_dead, 5, source=T.forensic_report),
        fact(P.captive, 20, source=T.icrc, reliability=R.A),
    ]
    assert derive_status(facts) == P.captive
    same_day = [fact(P.confirmed_dead, 5, source=T.forensic_report), fact(P.alive, 5, source=T.icrc)]
    assert derive_status(same_day) == P.confirmed_dead


def test_rule3_latest_source_date_wins() -> None:
    facts = [fact(P.captive, 10, reliability=R.A), fact(P.missing, 3), fact(P.alive, 12, reliability=R.E)]
    assert derive_status(facts) == P.alive


def test_rule4_same_date_more_reliable_wins_and_f_sorts_last() -> None:
    assert (
        derive_status([fact(P.alive, 10, reliability=R.B), fact(P.captive, 10, reliability=R.D)]) == P.alive
    )
    assert (
        derive_status([fact(P.alive, 10, reliability=R.E), fact(P.captive, 10, reliability=R.F)]) == P.alive
    )


def test_rule5_same_date_and_reliability_graver_status_wins() -> None:
    assert derive_status([fact(P.alive, 10), fact(P.believed_dead, 10)]) == P.believed_dead
    assert derive_status([fact(P.alive, 10), fact(P.captive, 10)]) == P.captive


def test_rule6_last_recorded_breaks_remaining_ties() -> None:
    first, second = fact(P.alive, 10, recorded=1), fact(P.alive, 10, recorded=2)
    assert derive_status([second, first]) == derive_status([first, second]) == P.alive
