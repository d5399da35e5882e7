"""One list of a person's fields (``io.person_columns.PERSON_FIELDS``), and every surface built from it."""

from __future__ import annotations

from dataclasses import fields

from homecoming.app.registry import services
from homecoming.app.registry.forms import PersonForm
from homecoming.app.registry.models import Person
from homecoming.app.registry.schemas import PersonIn, PersonOut, PersonPatch
from homecoming.io.person_columns import COLUMN_NAMES, PERSON_FIELDS, PERSON_TEXT_FIELDS
from homecoming.io.persons import PersonRow


def test_the_model_has_a_column_for_every_field_in_the_list() -> None:
    editable = {f.name for f in Person._meta.concrete_fields if f.editable and not f.primary_key}
    assert set(PERSON_FIELDS) <= editable
    assert editable - set(PERSON_FIELDS) == {"created_by"}, "a new person field belongs in PERSON_FIELDS"


def test_the_service_accepts_exactly_the_list() -> None:
    assert services.PERSON_FIELDS is PERSON_FIELDS


def test_the_form_shows_the_list_in_its_order_but_the_date_of_the_age() -> None:
    shown = [f for f in PersonForm.base_fields if f not in ("version", "reason")]
    assert shown == [f for f in PERSON_FIELDS if f != "age_on"]


def test_the_api_takes_the_list_and_shows_it_but_the_age_date_and_the_notes() -> None:
    for schema in (PersonIn, PersonPatch):
        taken = [f for f in schema.model_fields if f in PERSON_FIELDS]
        assert taken == list(PERSON_FIELDS)
        assert all(not schema.model_fields[f].is_required() for f in PERSON_FIELDS)
    shown = [f for f in PersonOut.model_fields if f in PERSON_FIELDS]
    assert shown == [f for f in PERSON_FIELDS if f not in ("age_on", "notes")]


def test_a_person_list_carries_the_text_fields_in_columns_of_the_same_name() -> None:
    assert set(PERSON_TEXT_FIELDS) | {"sex", "birth_date"} == set(PERSON_FIELDS) & set(COLUMN_NAMES)
    assert set(PERSON_TEXT_FIELDS) <= {f.name for f in fields(PersonRow)}
    assert not {"sex", "birth_date", "age_min", "age_max", "age_on"} & set(PERSON_TEXT_FIELDS)


def test_a_cleared_text_field_is_stored_empty_and_a_cleared_age_as_none() -> None:
    assert services.emptied({"unit": None, "age_min": None, "notes": "x"}) == {
        "unit": "",
        "age_min": None,
        "notes": "x",
    }
