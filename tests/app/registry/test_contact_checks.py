"""Phones, e-mails and country codes in the registry: refused by name in the forms, the API and imports.

A bad value names the field, shows the value and says how to fix it (``domain.contacts``); the page's
country fields are selects of the countries named in the reader's language, stored as alpha-2 codes.
"""

from __future__ import annotations

import html as html_text
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from homecoming.app.registry.models import Enquirer, Person
from homecoming.cli import app

pytestmark = pytest.mark.django_db

API = "/api/v1"
NAMES = {
    "names-TOTAL_FORMS": "3",
    "names-INITIAL_FORMS": "0",
    "names-MIN_NUM_FORMS": "0",
    "names-MAX_NUM_FORMS": "10",
    "names-0-family_name": "Ковальчук",
    "names-0-given_name": "Ольга",
    "sex": "female",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(API + path, data=json.dumps(body), content_type="application/json")


def _page(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _errors(html: str, field: str) -> str:
    found = re.search(rf'<div class="field"><label for="id_{field}">.*?</div>', html, re.S)
    assert found, html[:3000]
    return found.group(0)


# --- the API --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("citizenship", "XX"), ("power", "Ukraine"), ("power", "Uk")])
def test_the_api_refuses_a_country_that_is_no_iso_code(
    api: Callable[[Any], Any], registrar: Any, field: str, value: str
) -> None:
    body = {field: value, "names": [{"family_name": "Бондар"}]}
    response = _post(api(registrar), "/persons", body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["field"], error["value"]) == (field, value)
    assert "is not an ISO 3166-1 alpha-2 country code" in error["message"]
    assert "UA for Ukraine" in error["hint"]
    assert not Person.objects.exists()


def test_the_api_stores_a_country_code_in_capitals(api: Callable[[Any], Any], registrar: Any) -> None:
    body = {"citizenship": "ua", "power": "pl", "names": [{"family_name": "Бондар"}]}
    assert _post(api(registrar), "/persons", body).status_code == 201
    assert Person.objects.values_list("citizenship", "power").get() == ("UA", "PL")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "not-a-phone", "is not a phone number"),
        ("email", "olga@example", "is not an e-mail address"),
    ],
)
def test_the_api_refuses_an_enquirer_contact_that_is_none(
    api: Callable[[Any], Any], registrar: Any, person: Any, field: str, value: str, message: str
) -> None:
    enquirer = {"name": "Ковальчук Ольга", "relationship": "mother", field: value}
    response = _post(api(registrar), f"/persons/{person.pk}/cases", {"enquirers": [enquirer]})
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["field"], error["value"]) == (f"enquirers[0].{field}", value)
    assert message in error["message"] and error["hint"]
    assert not Enquirer.objects.exists()


# --- the pages ------------------------------------------------------------------------------------------


def test_the_new_person_form_asks_no_reason_and_the_edit_form_does(registrar: Any, person: Any) -> None:
    client = _page(registrar)
    create = client.get(reverse("registry:person_create")).content.decode()
    assert 'name="reason"' not in create and "reason for the change" not in create
    edit = client.get(reverse("registry:person_edit", args=[person.pk])).content.decode()
    assert 'name="reason"' in edit and "reason for the change" in edit


def test_a_person_is_recorded_without_a_reason(registrar: Any) -> None:
    response = _page(registrar).post(reverse("registry:person_create"), {**NAMES, "citizenship": "UA"})
    assert response.status_code == 302
    assert Person.objects.get().citizenship == "UA"


def test_citizenship_and_power_are_selects_of_countries_named_in_ukrainian(registrar: Any) -> None:
    html = _page(registrar, "uk").get(reverse("registry:person_create")).content.decode()
    for field in ("citizenship", "power"):
        select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
        assert select, field
        options = re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]*)</option>', select.group(1))
        named = dict(options)
        assert named["UA"] == "Україна" and named["PL"] == "Польща" and named["DE"] == "Німеччина"
        assert named[""] == "— оберіть країну —"
        countries = [name for code, name in options if code]
        # sorted in the Ukrainian alphabet: Австралія … Японія, Ґ after Г, Є after Е, І/Ї after И
        assert countries[0] == "Австралія" and countries[-1].startswith("Я")
        assert countries.index("Гана") < countries.index("Греція") < countries.index("Данія")
        assert countries.index("Естонія") < countries.index("Ємен") < countries.index("Замбія")
        assert len(countries) == 249


def test_a_country_that_is_not_on_the_list_is_refused_on_the_page(registrar: Any) -> None:
    response = _page(registrar, "uk").post(reverse("registry:person_create"), {**NAMES, "citizenship": "XX"})
    assert response.status_code == 200
    errors = _errors(response.content.decode(), "citizenship")
    assert "XX — не код країни: оберіть країну зі списку" in errors
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("enquirer_phone", "not-a-phone", "not-a-phone is not a phone number"),
        ("enquirer_email", "olga@example", "olga@example is not an e-mail address"),
    ],
)
def test_the_case_form_names_a_bad_contact(
    registrar: Any, person: Any, field: str, value: str, message: str
) -> None:
    url = reverse("registry:case_create", args=[person.pk])
    response = _page(registrar).post(url, {"enquirer_name": "Ольга Ковальчук", field: value})
    assert response.status_code == 200
    errors = _errors(response.content.decode(), field)
    assert message in errors and ("+380 44 123 45 67" in errors or "olga@example.org" in errors)
    assert not person.cases.exists()


def test_the_case_form_stores_the_phone_in_e164(registrar: Any, person: Any) -> None:
    url = reverse("registry:case_create", args=[person.pk])
    response = _page(registrar).post(
        url, {"enquirer_name": "Ольга Ковальчук", "enquirer_phone": "050 123 45 67", "enquirer_email": ""}
    )
    assert response.status_code == 302
    assert Enquirer.objects.get().phone == "+380501234567"


# --- imports --------------------------------------------------------------------------------------------


def test_a_person_list_with_a_country_that_is_none_imports_nothing(tmp_path: Path, registrar: Any) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "family_name,given_name,citizenship,power\nПетренко,Іван,UA,UA\nКоваль,Петро,XX,Russia\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["import", "persons", str(path), "--as", registrar.username])
    out = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "row 3, citizenship: is not an ISO 3166-1 alpha-2 country code (got 'XX')" in out
    assert "row 3, power: is not an ISO 3166-1 alpha-2 country code (got 'Russia')" in out
    assert not Person.objects.exists()


def test_the_person_page_names_the_countries_in_the_readers_language(registrar: Any) -> None:
    person = Person.objects.create(reference="P-0000099", citizenship="UA", power="Ukraine (before checks)")
    html = _page(registrar, "uk").get(reverse("registry:person", args=[person.pk])).content.decode()
    assert "Україна (UA)" in html
    assert "Ukraine (before checks)" in html  # a value written before the checks is shown as written


def test_editing_a_person_with_a_free_text_power_does_not_drop_it_silently(registrar: Any) -> None:
    person = Person.objects.create(reference="P-0000098", power="Ukraine")
    client = _page(registrar)
    url = reverse("registry:person_edit", args=[person.pk])
    html = client.get(url).content.decode()
    assert '<option value="Ukraine" selected>Ukraine</option>' in html
    response = client.post(url, {**NAMES, "version": person.version, "power": "Ukraine"})
    assert response.status_code == 200
    errors = html_text.unescape(_errors(response.content.decode(), "power"))
    assert "is not an ISO 3166-1 alpha-2 country code ('Ukraine')" in errors
    response = client.post(url, {**NAMES, "version": person.version, "power": "UA"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.power == "UA"
