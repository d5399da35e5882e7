"""The detaining power and the power on a capture card: ISO 3166-1 codes, chosen from a list on the pages.

The API refuses any other value by name (field, value, fix), as the pages do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from homecoming.app.captivity.models import CaptureCard, DetentionRecord

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(API + path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("value", ["XX", "Russia", "R"])
def test_the_api_refuses_a_detaining_power_that_is_no_country_code(
    api: Callable[[Any], Any], registrar: Any, person: Any, value: str
) -> None:
    body = {"detaining_power": value, "capture_date": "2024-03-10"}
    response = _post(api(registrar), f"/persons/{person.pk}/detentions", body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert (error["field"], error["value"]) == ("detaining_power", value)
    assert "is not an ISO 3166-1 alpha-2 country code" in error["message"] and "UA" in error["hint"]
    assert not DetentionRecord.objects.exists()


def test_a_detaining_power_in_small_letters_is_stored_in_capitals(
    api: Callable[[Any], Any], registrar: Any, person: Any
) -> None:
    body = {"detaining_power": "ru", "capture_date": "2024-03-10"}
    assert _post(api(registrar), f"/persons/{person.pk}/detentions", body).status_code == 201
    assert DetentionRecord.objects.get().detaining_power == "RU"


def test_a_capture_card_refuses_a_power_that_is_no_country_code(
    api: Callable[[Any], Any], registrar: Any, person: Any
) -> None:
    client = api(registrar)
    body = {"detaining_power": "RU", "capture_date": "2024-03-10"}
    record = _post(client, f"/persons/{person.pk}/detentions", body).json()
    response = _post(client, f"/detentions/{record['id']}/cards", {"power": "XX"})
    assert response.status_code == 422, response.content
    assert (response.json()["error"]["field"], response.json()["error"]["value"]) == ("power", "XX")
    assert not CaptureCard.objects.exists()


def test_the_detention_page_offers_the_countries_by_their_ukrainian_names(
    registrar: Any, person: Any
) -> None:
    client = Client()
    client.force_login(registrar)
    client.cookies["django_language"] = "uk"
    url = reverse("captivity:detention_create", args=[person.pk])
    html = client.get(url).content.decode()
    select = re.search(r'<select name="detaining_power"[^>]*>(.*?)</select>', html, re.S)
    assert select and '<option value="RU">Російська Федерація</option>' in select.group(1)
    response = client.post(url, {"detaining_power": "XX", "capture_date": "2024-03-10"})
    assert response.status_code == 200
    assert "XX — не код країни: оберіть країну зі списку" in response.content.decode()
    assert client.post(url, {"detaining_power": "RU", "capture_date": "2024-03-10"}).status_code == 302
    assert DetentionRecord.objects.get().detaining_power == "RU"
