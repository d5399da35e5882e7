"""Finding a person by any spelling of the name, a service number or a birth date."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.registry import services
from homecoming.app.registry.search import Query, search_persons

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "Шевченко",
        "шевченко",
        "Shevchenko",
        "SHEVCHENKO",
        "Schewtschenko",
        "Shevchenko Oleksandr",
        "Олександр Шевченко",
        "Oleksandr",
        "A123456",
        "Ševčenko",
    ],
)
def test_found_by_any_spelling(person: Any, query: str) -> None:
    assert [p.pk for p in search_persons(Query(text=query))] == [person.pk]


def test_russian_spelling_of_the_given_name_finds_the_ukrainian_record(person: Any, registrar: Any) -> None:
    other = services.create_person(
        actor=registrar, data={}, names=[{"family_name": "Петренко", "given_name": "Сергій"}]
    )
    assert [p.pk for p in search_persons(Query(text="Sergei Petrenko"))] == [other.pk]
    assert [p.pk for p in search_persons(Query(text="Serhiy Petrenko"))] == [other.pk]


@pytest.mark.parametrize("query", ["Pavlenko", "Shevchenko Ivan", "B999999"])
def test_not_found(person: Any, query: str) -> None:
    assert list(search_persons(Query(text=query))) == []


def test_birth_date_narrows_by_overlap(person: Any) -> None:
    assert len(search_persons(Query(text="Shevchenko", birth_date="1991"))) == 1
    assert len(search_persons(Query(text="Shevchenko", birth_date="1991-03-15"))) == 1
    assert len(search_persons(Query(text="Shevchenko", birth_date="1992"))) == 0


def test_empty_query_finds_nothing(person: Any) -> None:
    assert list(search_persons(Query())) == []


@pytest.mark.parametrize("query", ["Александр Шевченко", "Aleksandr Shevchenko", "Alexander Shevchenko"])
def test_russian_or_english_given_name_finds_the_ukrainian_one(person: Any, query: str) -> None:
    assert [p.pk for p in search_persons(Query(text=query))] == [person.pk]


def test_very_common_names_take_the_database_path(person: Any, registrar: Any, monkeypatch: Any) -> None:
    """Above SMALL matches per word the database combines the words itself; same answers."""
    from homecoming.app.registry import search

    services.create_person(
        actor=registrar, data={}, names=[{"family_name": "Шевчук", "given_name": "Олександр"}]
    )
    monkeypatch.setattr(search, "SMALL", 0)
    assert [p.pk for p in search_persons(Query(text="Shevchenko Oleksandr"))] == [person.pk]
    assert len(search_persons(Query(text="Oleksandr"))) == 2
