"""Every page renders for every role (200 or 403, never an error), and the main forms work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homecoming.app.accounts.roles import Role
from homecoming.app.audit.models import AuditRecord
from homecoming.app.captivity import services as captivity
from homecoming.app.registry import services as registry
from homecoming.app.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(person: Any, registrar: Any, reviewer: Any) -> dict[str, Any]:
    today = timezone.localdate()
    case = registry.open_case(
        actor=registrar,
        person=person,
        data={"last_contact_place": "near a river"},
        enquirers=[{"name": "Enquirer Test", "phone": "+380441234567"}],
    )
    claim = registry.add_assertion(
        actor=registrar,
        person=person,
        status="captive",
        source_type="icrc",
        source_name="ICRC",
        source_date=today - timedelta(days=3),
        reliability="A",
    )
    record = captivity.create_detention(
        actor=registrar,
        person=person,
        data={"detaining_power": "RU", "capture_date": today - timedelta(days=20), "seriously_ill": True},
    )
    card = captivity.create_card(
        actor=registrar, record_id=record.pk, data={"family_address": "Synthetic street 1"}
    )
    captivity.add_health_report(
        actor=registrar,
        record_id=record.pk,
        on=today - timedelta(days=10),
        condition="serious",
        report="Synthetic report",
    )
    captivity.set_eligibility(
        actor=registrar,
        record_id=record.pk,
        data={"category": "110_1_2", "finding": "eligible", "consent": "given", "commission_date": today},
    )
    return {"person": person, "case": case, "claim": claim, "record": record, "card": card}


def _pages(s: dict[str, Any]) -> list[str]:
    pid, rid = s["person"].pk, s["record"].pk
    return [
        reverse("dashboard"),
        reverse("registry:search") + "?q=Shevchenko",
        reverse("registry:person", args=[pid]),
        reverse("registry:person_edit", args=[pid]),
        reverse("registry:person_create"),
        reverse("registry:duplicates"),
        reverse("registry:case_create", args=[pid]),
        reverse("registry:photo_upload", args=[pid]),
        reverse("captivity:detention_create", args=[pid]),
        reverse("captivity:event_create", args=[rid]),
        reverse("captivity:card_create", args=[rid]),
        reverse("captivity:health_create", args=[rid]),
        reverse("captivity:eligibility_create", args=[rid]),
        reverse("captivity:card", args=[s["card"].pk]),
        reverse("captivity:wounded"),
        reverse("audit:log"),
        reverse("audit:verify"),
        reverse("accounts:otp_setup"),
    ]


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_page_renders_or_is_forbidden(role: str, story: dict[str, Any], make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(role, f"page-{role}"))
    for url in _pages(story):
        response = client.get(url)
        audit_page = url.startswith("/audit/")
        must_see = (
            role == "admin" or (role == "registrar" and not audit_page) or (role == "auditor" and audit_page)
        )
        must_not = audit_page and role not in ("admin", "auditor")
        expected = (200,) if must_see else (403,) if must_not else (200, 403)
        assert response.status_code in expected, (url, response.status_code)


def test_a_registrar_sees_the_whole_person_page(story: dict[str, Any], registrar: Any) -> None:
    client = Client()
    client.force_login(registrar)
    page = client.get(reverse("registry:person", args=[story["person"].pk])).content.decode()
    for text in (
        "Шевченко".upper(),
        "A123456",
        "captive",
        "ICRC",
        story["case"].reference,
        "Held by",
        "+380441234567",
        "Synthetic report",
    ):
        assert text in page, text
    assert AuditRecord.objects.filter(action="view", reason="viewed enquirer contacts").exists()
    assert AuditRecord.objects.filter(action="view", reason="viewed health data").exists()


def test_contacts_and_health_are_hidden_from_a_dna_analyst(story: dict[str, Any], make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("dna_analyst"))
    page = client.get(reverse("registry:person", args=[story["person"].pk])).content.decode()
    assert "Enquirer Test" not in page  # enquirers' names are contacts too (issue 10)
    assert "+380441234567" not in page and "Synthetic report" not in page
    card = client.get(reverse("captivity:card", args=[story["card"].pk]))
    assert card.status_code == 403


def test_the_capture_card_prints_in_two_languages(story: dict[str, Any], registrar: Any) -> None:
    client = Client()
    client.force_login(registrar)
    page = client.get(reverse("captivity:card", args=[story["card"].pk])).content.decode()
    assert "Capture card for prisoner of war" in page
    assert "Картка про взяття в полон військовополоненого" in page
    assert "Держава, від якої залежить військовополонений" in page
    assert "Synthetic street 1" in page


def test_the_dashboard_lists_overdue_cards_and_reports(story: dict[str, Any], registrar: Any) -> None:
    client = Client()
    client.force_login(registrar)
    page = client.get(reverse("dashboard")).content.decode()
    assert "capture card to family" in page  # captured 20 days ago, card never sent
    assert "<svg" in page and "Persons by current status" in page


def test_the_wounded_list_shows_the_eligible_consenting_prisoner(
    story: dict[str, Any], registrar: Any
) -> None:
    client = Client()
    client.force_login(registrar)
    page = client.get(reverse("captivity:wounded")).content.decode()
    assert story["person"].reference in page


def test_create_form_adds_the_latin_transliteration(registrar: Any) -> None:
    client = Client()
    client.force_login(registrar)
    data = {
        "names-TOTAL_FORMS": "3",
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "10",
        "names-0-family_name": "Ковальчук",
        "names-0-given_name": "Григорій",
        "sex": "male",
        "birth_date": "17.05.1990",
        "transliterate": "on",
    }
    response = client.post(reverse("registry:person_create"), data)
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.birth_date == "1990-05-17"
    assert [(n.family_name, n.given_name, n.script) for n in person.names.all()] == [
        ("Ковальчук", "Григорій", "cyrillic"),
        ("Kovalchuk", "Hryhorii", "latin"),
    ]


def test_create_form_shows_problems_on_the_fields(registrar: Any) -> None:
    client = Client()
    client.force_login(registrar)
    data = {
        "names-TOTAL_FORMS": "3",
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "10",
        "names-0-family_name": "Коваль",
        "birth_date": "1990-13",
    }
    response = client.post(reverse("registry:person_create"), data)
    assert response.status_code == 200
    assert "1990-13" in response.content.decode()
    assert Person.objects.count() == 0


def test_edit_with_a_stale_version_shows_the_conflict(person: Any, registrar: Any) -> None:
    registry.update_person(
        actor=registrar, person_id=person.pk, expected_version=1, data={"rank": "sergeant"}
    )
    client = Client()
    client.force_login(registrar)
    data = {
        "names-TOTAL_FORMS": "1",
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "10",
        "names-0-family_name": "Шевченко",
        "sex": "male",
        "version": "1",
        "rank": "captain",
    }
    page = client.post(reverse("registry:person_edit", args=[person.pk]), data).content.decode()
    assert "was changed by registrar-user" in page
    person.refresh_from_db()
    assert person.rank == "sergeant"
    # in Ukrainian: who saved first and when, in Ukrainian words
    client.cookies["django_language"] = "uk"
    page = client.post(reverse("registry:person_edit", args=[person.pk]), data).content.decode()
    assert "registrar-user зберіг(-ла) цей запис о " in page and "Нічого не збережено" in page
    assert "was changed by" not in page


def test_pages_need_a_login(person: Any) -> None:
    response = Client().get(reverse("registry:person", args=[person.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_ukrainian_pages(registrar: Any) -> None:
    client = Client()
    client.force_login(registrar)
    page = client.get(reverse("dashboard"), headers={"accept-language": "uk"}).content.decode()
    assert "Огляд" in page and "Особи за поточним статусом" in page
