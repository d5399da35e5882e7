"""The person page makes as many queries for a person with one of everything as with five (no N+1)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from homecoming.app.captivity import services as captivity
from homecoming.app.registry import services

pytestmark = pytest.mark.django_db

FAMILY = ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко"]


def _person_with(n: int, actor: Any) -> Any:
    """A person with ``n`` name forms, status claims, tracing cases (each with an enquirer) and
    detentions, each detention with ``n`` events, a capture card and a health report."""
    person = services.create_person(
        actor=actor,
        data={"sex": "male", "birth_date": "1991", "power": "UA"},
        names=[{"family_name": FAMILY[i], "given_name": "Олександр"} for i in range(n)],
    )
    today = date.today()
    for i in range(n):
        services.add_assertion(
            actor=actor,
            person=person,
            status="missing",
            source_type="family",
            source_name=f"call {i}",
            source_date=today - timedelta(days=i),
        )
        services.open_case(
            actor=actor,
            person=person,
            data={"last_contact_place": f"place {i}"},
            enquirers=[{"name": f"Enquirer {i}", "relationship": "mother", "phone": "+380 44 000 00 01"}],
        )
    for i in range(n):
        record = captivity.create_detention(
            actor=actor,
            person=person,
            data={
                "detaining_power": "RU",
                "capture_date": today - timedelta(days=60 + i),
                "capture_place": "X",
            },
        )
        for j in range(n):
            captivity.add_event(
                actor=actor,
                record_id=record.pk,
                kind="transfer",
                on=today - timedelta(days=50 - j),
                place=f"camp {i}.{j}",
            )
        captivity.create_card(
            actor=actor,
            record_id=record.pk,
            data={"health": "good", "family_address": "(synthetic)", "card_date": today - timedelta(days=40)},
        )
        captivity.add_health_report(
            actor=actor, record_id=record.pk, on=today - timedelta(days=30), condition="serious", report="r"
        )
    return person


def _queries(user: Any, person: Any) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    client.get(f"/registry/persons/{person.pk}/")  # session, permissions and the first-view audit settle
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/registry/persons/{person.pk}/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("role", ["registrar", "auditor"])
def test_person_page_queries_do_not_grow_with_its_contents(role: str, make_user: Any, registrar: Any) -> None:
    user = registrar if role == "registrar" else make_user(role)
    one, five = _person_with(1, registrar), _person_with(5, registrar)
    count_one, _ = _queries(user, one)
    count_five, page = _queries(user, five)
    # the page of five really shows five of each (the comparison is not between two empty pages)
    assert all(name.upper() in page for name in FAMILY)
    assert all(f"call {i}" in page and f"place {i}" in page and f"camp {i}.{i}" in page for i in range(5))
    assert count_one == count_five
