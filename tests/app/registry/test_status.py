"""Cases move only along allowed transitions; a person's status comes from accepted claims only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from homecoming.app.registry import services
from homecoming.app.registry.models import CaseTransition, StatusChange
from homecoming.errors import PermissionDenied, TransitionError, ValidationError

pytestmark = pytest.mark.django_db


def test_opening_a_case_makes_the_person_missing(person: Any, registrar: Any) -> None:
    case = services.open_case(
        actor=registrar,
        person=person,
        data={"last_contact_date": "2025-06"},
        enquirers=[{"name": "Test Enquirer", "relationship": "mother"}],
    )
    assert case.state == "registered"
    assert list(CaseTransition.objects.filter(case=case).values_list("from_state", "to_state")) == [
        ("", "draft"),
        ("draft", "registered"),
    ]
    person.refresh_from_db()
    assert person.current_status == "missing"
    assert StatusChange.objects.filter(person=person, to_status="missing").count() == 1


def test_a_transition_the_rules_do_not_allow_is_refused(person: Any, registrar: Any) -> None:
    case = services.open_case(actor=registrar, person=person, data={})
    with pytest.raises(TransitionError, match="allowed from registered: verified"):
        services.transition_case(actor=registrar, case_id=case.pk, target="located_alive")
    with pytest.raises(ValidationError, match="reason"):
        services.transition_case(actor=registrar, case_id=case.pk, target="closed_duplicate")


def test_status_changes_only_when_a_reviewer_accepts(person: Any, registrar: Any, reviewer: Any) -> None:
    services.open_case(actor=registrar, person=person, data={})
    claim = services.add_assertion(
        actor=registrar,
        person=person,
        status="captive",
        source_type="icrc",
        source_name="ICRC notification",
        source_date=date(2025, 7, 1),
        reliability="A",
    )
    person.refresh_from_db()
    assert person.current_status == "missing"
    services.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")
    person.refresh_from_db()
    assert person.current_status == "captive"
    assert list(person.status_changes.values_list("from_status", "to_status")) == [
        ("unknown", "missing"),
        ("missing", "captive"),
    ]


def test_confirmed_dead_needs_an_official_source(person: Any, registrar: Any) -> None:
    with pytest.raises(ValidationError, match="source_type"):
        services.add_assertion(
            actor=registrar,
            person=person,
            status="confirmed_dead",
            source_type="open_source",
            source_name="a post",
            source_date=date(2025, 7, 1),
        )


def test_the_submitter_cannot_review_their_own_claim(person: Any, make_user: Any) -> None:
    reviewer = make_user("identification_reviewer", "r2")
    claim = services.add_assertion(
        actor=reviewer,
        person=person,
        status="alive",
        source_type="family",
        source_name="phone call",
        source_date=date(2025, 7, 1),
    )
    with pytest.raises(PermissionDenied, match="someone other than"):
        services.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")


def test_a_registrar_cannot_review(person: Any, registrar: Any) -> None:
    claim = services.add_assertion(
        actor=registrar,
        person=person,
        status="alive",
        source_type="family",
        source_name="phone call",
        source_date=date(2025, 7, 1),
    )
    with pytest.raises(PermissionDenied, match="only an identification reviewer"):
        services.review_assertion(actor=registrar, assertion_id=claim.pk, decision="accepted")


def test_rejection_needs_a_note(person: Any, registrar: Any, reviewer: Any) -> None:
    claim = services.add_assertion(
        actor=registrar,
        person=person,
        status="alive",
        source_type="family",
        source_name="phone call",
        source_date=date(2025, 7, 1),
    )
    with pytest.raises(ValidationError, match="a rejection needs a note"):
        services.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="rejected")
