"""Pages are rate-limited per user like the API (issue 10 item 5, security review): a stolen session or a
careless insider cannot read every person page one by one without limit and without a trace."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from homecoming.app.audit.models import AuditRecord
from homecoming.app.registry import services

pytestmark = pytest.mark.django_db


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_sixth_person_page_in_a_row_is_refused_audited_once_and_other_users_are_not_slowed(
    settings: Any, registrar: Any, auditor: Any, monkeypatch: Any
) -> None:
    settings.PAGE_RATE_LIMIT = (5, 60)
    monkeypatch.setattr("homecoming.app.ratelimit.time.time", lambda: 1_800_000_030.0)  # one instant
    ids = [
        services.create_person(actor=registrar, data={}, names=[{"family_name": f"Сторінка{i}"}]).pk
        for i in range(8)
    ]
    client = _client(registrar)
    statuses = [client.get(f"/registry/persons/{pk}/").status_code for pk in ids[:5]]
    assert statuses == [200] * 5
    refused = client.get(f"/registry/persons/{ids[5]}/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Сторінка5" not in refused.content.decode()
    assert "Too many requests" in refused.content.decode()
    assert client.get("/registry/search/?q=Сторінка").status_code == 429  # searches count too
    records = AuditRecord.objects.filter(action="rate_limited")
    assert records.count() == 1
    rec = records.get()
    assert (rec.actor_name, rec.object_type, rec.after["scope"]) == (
        registrar.username,
        "accounts.user",
        "page",
    )
    # another user is not slowed down
    other = _client(auditor)
    assert other.get(f"/registry/persons/{ids[6]}/").status_code in (200, 403)
    assert other.get(f"/registry/persons/{ids[6]}/").status_code != 429


def test_the_refusal_page_is_in_ukrainian(settings: Any, registrar: Any, monkeypatch: Any) -> None:
    settings.PAGE_RATE_LIMIT = (1, 60)
    monkeypatch.setattr("homecoming.app.ratelimit.time.time", lambda: 1_800_000_030.0)
    person = services.create_person(actor=registrar, data={}, names=[{"family_name": "Мовна"}])
    client = _client(registrar, "uk")
    client.cookies["django_language"] = "uk"
    assert client.get(f"/registry/persons/{person.pk}/").status_code == 200
    refused = client.get(f"/registry/persons/{person.pk}/")
    assert refused.status_code == 429
    with translation.override("uk"):
        assert translation.gettext("Too many requests") != "Too many requests"
        assert translation.gettext("Too many requests") in refused.content.decode()


def test_the_page_limit_setting_is_checked(monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from homecoming.app import settings as app_settings

    monkeypatch.delenv("HOMECOMING_PAGE_RATE_LIMIT", raising=False)
    assert app_settings._rate_limit("HOMECOMING_PAGE_RATE_LIMIT", "300/60") == (300, 60)
    monkeypatch.setenv("HOMECOMING_PAGE_RATE_LIMIT", "0/60")
    with pytest.raises(ImproperlyConfigured, match="HOMECOMING_PAGE_RATE_LIMIT='0/60'"):
        app_settings._rate_limit("HOMECOMING_PAGE_RATE_LIMIT", "300/60")


@pytest.mark.parametrize("value", ["x", "-1", "2.5", ""])
def test_whole_number_settings_are_checked(monkeypatch: Any, value: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from homecoming.app import settings as app_settings

    monkeypatch.delenv("HOMECOMING_TABLE_WORKERS", raising=False)
    assert app_settings._whole("HOMECOMING_TABLE_WORKERS", "0", "processes", "2") == 0
    monkeypatch.setenv("HOMECOMING_TABLE_WORKERS", "3")
    assert app_settings._whole("HOMECOMING_TABLE_WORKERS", "0", "processes", "2") == 3
    monkeypatch.setenv("HOMECOMING_TABLE_WORKERS", value)
    refused = f"HOMECOMING_TABLE_WORKERS={value!r} is not a whole number"
    with pytest.raises(ImproperlyConfigured, match=refused):
        app_settings._whole("HOMECOMING_TABLE_WORKERS", "0", "processes", "2")
