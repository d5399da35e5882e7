"""Recording, changing and purging persons through the registry services."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.registry import services
from homecoming.app.registry.models import NameForm, Person
from homecoming.errors import ConflictError, PermissionDenied, StateError, ValidationError

pytestmark = pytest.mark.django_db


def test_a_person_gets_a_reference_names_and_derived_birth_range(person: Any) -> None:
    assert person.reference.startswith("P-")
    assert person.birth_from.isoformat() == "1991-03-01"
    assert person.birth_to.isoformat() == "1991-03-31"
    form = NameForm.objects.get(person=person)
    assert (form.script, form.language, form.kind) == ("cyrillic", "uk", "registered")
    assert person.current_status == "unknown"


def test_every_problem_is_reported_at_once(registrar: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_person(
            actor=registrar,
            data={"birth_date": "1990-02-30", "sex": "m", "citizenship": "UKR"},
            names=[{"given_name": "Іван"}],
        )
    fields = {p.field for p in info.value.problems}
    assert fields == {"birth_date", "sex", "citizenship", "names[0].family_name"}
    text = str(info.value)
    assert "sex: must be male, female or unknown (got 'm')" in text
    assert Person.objects.count() == 0


def test_script_that_contradicts_the_letters_is_refused(registrar: Any) -> None:
    with pytest.raises(ValidationError, match="says latin but the name is written in cyrillic"):
        services.create_person(actor=registrar, data={}, names=[{"family_name": "Коваль", "script": "latin"}])


def test_second_save_with_a_stale_version_is_a_conflict_and_loses_nothing(
    person: Any, registrar: Any
) -> None:
    services.update_person(
        actor=registrar, person_id=person.pk, expected_version=1, data={"rank": "sergeant"}
    )
    with pytest.raises(ConflictError) as info:
        services.update_person(actor=registrar, person_id=person.pk, expected_version=1, data={"unit": "3rd"})
    assert "was changed by registrar-user" in str(info.value)
    assert "Nothing was saved" in str(info.value)
    person.refresh_from_db()
    assert (person.rank, person.unit, person.version) == ("sergeant", "", 2)


def test_purge_needs_admin_a_reason_and_no_open_case(person: Any, registrar: Any, make_user: Any) -> None:
    admin = make_user("admin")
    with pytest.raises(PermissionDenied):
        services.purge_person(actor=registrar, person_id=person.pk, reason="x")
    case = services.open_case(actor=registrar, person=person, data={})
    with pytest.raises(StateError, match=f"still sought in case\\(s\\) {case.reference}"):
        services.purge_person(actor=admin, person_id=person.pk, reason="recorded in error")
    services.transition_case(
        actor=registrar, case_id=case.pk, target="closed_erroneous", reason="no such person"
    )
    with pytest.raises(ValidationError, match="a purge needs a reason"):
        services.purge_person(actor=admin, person_id=person.pk, reason=" ")
    services.purge_person(actor=admin, person_id=person.pk, reason="court order 12/2026")
    person.refresh_from_db()
    assert person.purged and person.service_number == "" and person.birth_date == ""
    assert list(person.names.values_list("family_name", flat=True)) == ["[purged]"]
    assert Person.objects.filter(pk=person.pk).exists()  # a placeholder remains
    with pytest.raises(StateError, match="was purged"):
        services.update_person(actor=admin, person_id=person.pk, expected_version=person.version, data={})
