"""The manifest import page: the operation's two parties, a sensible direction, options kept on error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from homecoming.app.exchanges.models import Manifest

pytestmark = pytest.mark.django_db

BAD = b"category,container_number\nbodies,B1\nbodies,B1\n"


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(1))


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


@pytest.fixture
def page(coordinator: Any, agreement: Any, make_operation: Any) -> tuple[Client, str]:
    op = make_operation("OP-1", None)
    return _client(coordinator), f"/exchanges/operations/{op.pk}/manifests/import/"


def test_a_new_form_proposes_the_other_party_to_ours_never_one_party_to_itself(
    page: tuple[Client, str], settings: Any
) -> None:
    client, url = page
    html = client.get(url).content.decode()
    assert (_selected(html, "sending"), _selected(html, "receiving")) == (["RU"], ["UA"])
    assert _options(html, "sending") == ["", "UA", "RU"]  # the operation's parties only
    settings.OWN_POWER = "RU"
    html = client.get(url).content.decode()
    assert (_selected(html, "sending"), _selected(html, "receiving")) == (["UA"], ["RU"])


def test_the_form_keeps_every_option_after_an_error_in_the_file(page: tuple[Client, str]) -> None:
    client, url = page
    data = {
        "sending": "UA",
        "receiving": "RU",
        "stage": "executed",
        "reason": "corrected list",
        "dry_run": "on",
        "file": SimpleUploadedFile("m.csv", BAD),
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "duplicates the bag number of row 2" in html
    assert (_selected(html, "sending"), _selected(html, "receiving")) == (["UA"], ["RU"])
    assert _selected(html, "stage") == ["executed"]
    assert 'value="corrected list"' in html
    assert re.search(r'<input type="checkbox" name="dry_run"[^>]*checked', html)
    # no page can refill a file input: the form says so beside it
    assert "choose the file again" in html


def test_a_party_sending_to_itself_is_refused_by_name(page: tuple[Client, str]) -> None:
    client, url = page
    client.cookies["django_language"] = "uk"
    good = SimpleUploadedFile("m.csv", b"category,container_number\nbodies,B1\n")
    data = {"sending": "RU", "receiving": "RU", "stage": "executed", "file": good}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "RU передає самій собі: оберіть іншу сторону як сторону, що приймає" in response.content.decode()
    assert not Manifest.objects.exists()
