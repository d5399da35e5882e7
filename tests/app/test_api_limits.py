"""API tokens are rate-limited, the schema is for signed-in users, the CSRF cookie is HttpOnly (issue 10,
item 5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from homecoming.app.accounts.models import ApiToken
from homecoming.app.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

API = "/api/v1"
SHAPE = {"code", "message", "field", "value", "hint", "problems"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _refused(response: Any, limit: str) -> None:
    assert response.status_code == 429, response.content
    assert 1 <= int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert set(error) == SHAPE
    assert (error["code"], error["field"], error["value"]) == ("rate_limited", "Authorization", limit)
    assert "Retry-After" in error["hint"]


def test_reading_persons_by_sequential_id_stops_at_the_default_limit_and_is_audited(
    settings: Any, registrar: Any, api: Callable[[Any], Any], monkeypatch: Any
) -> None:
    """The attack of the issue: 200 persons read one by one. With the default limit the 121st request of
    the minute is refused (429 + Retry-After), and the refusal is in the audit trail — once."""
    from homecoming.app import settings as app_settings
    from homecoming.app.registry import services

    monkeypatch.delenv("HOMECOMING_API_RATE_LIMIT", raising=False)
    monkeypatch.setattr("homecoming.app.ratelimit.time.time", lambda: 1_800_000_030.0)  # one instant
    settings.API_RATE_LIMIT = app_settings._rate_limit()
    assert settings.API_RATE_LIMIT == (120, 60)
    ids = [
        services.create_person(actor=registrar, data={}, names=[{"family_name": f"Послідовний{i}"}]).pk
        for i in range(3)
    ]
    client = api(registrar)
    statuses = [client.get(f"{API}/persons/{ids[n % 3]}").status_code for n in range(200)]
    assert statuses[:120] == [200] * 120
    assert set(statuses[120:]) == {429}
    _refused(client.get(f"{API}/persons/{ids[0]}"), "120/60")
    records = AuditRecord.objects.filter(action="rate_limited")
    assert records.count() == 1  # the first refusal of the window, not all 81
    rec = records.get()
    assert (rec.actor_name, rec.object_type, rec.after["scope"]) == (
        registrar.username,
        "accounts.apitoken",
        "token",
    )


def test_the_limit_counts_per_user_across_their_tokens(settings: Any, registrar: Any, auditor: Any) -> None:
    settings.API_RATE_LIMIT = (5, 60)
    _, first = ApiToken.issue(registrar, "one")
    _, second = ApiToken.issue(registrar, "two")
    _, other = ApiToken.issue(auditor, "auditor's")
    a = Client(HTTP_AUTHORIZATION=f"Bearer {first}")
    b = Client(HTTP_AUTHORIZATION=f"Bearer {second}")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert [a.get(f"{API}/persons").status_code for _ in range(3)] == [200] * 3
    assert [b.get(f"{API}/persons").status_code for _ in range(2)] == [200] * 2
    _refused(b.get(f"{API}/persons"), "5/60")  # the user's sixth request, the token's third
    assert AuditRecord.objects.get(action="rate_limited").after["scope"] == "user"
    assert c.get(f"{API}/persons").status_code == 200  # another user is not slowed down


def test_no_stretch_of_the_window_lets_more_through_than_the_limit(
    settings: Any, registrar: Any, monkeypatch: Any
) -> None:
    """Five requests just before a minute turns and five just after are ten in a second: a fixed window
    answered them all. The sliding window refuses the sixth until the first is a minute old."""
    settings.API_RATE_LIMIT = (5, 60)
    _, secret = ApiToken.issue(registrar, "boundary")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    now = [1_800_000_059.5]  # half a second before a multiple of 60
    monkeypatch.setattr("homecoming.app.ratelimit.time.time", lambda: now[0])
    assert [client.get(f"{API}/persons").status_code for _ in range(5)] == [200] * 5
    now[0] += 1.0
    refused = client.get(f"{API}/persons")
    _refused(refused, "5/60")
    assert refused["Retry-After"] == "59"  # when the first of the five leaves the window
    now[0] += 59.0
    assert client.get(f"{API}/persons").status_code == 200
    assert AuditRecord.objects.filter(action="rate_limited").count() == 1


def test_an_unreadable_limit_stops_start_up_naming_the_variable(monkeypatch: Any) -> None:
    from homecoming.app import settings as app_settings

    for bad in ("fast", "0/60", "120"):
        monkeypatch.setenv("HOMECOMING_API_RATE_LIMIT", bad)
        with pytest.raises(ImproperlyConfigured, match="HOMECOMING_API_RATE_LIMIT"):
            app_settings._rate_limit()
    monkeypatch.setenv("HOMECOMING_API_RATE_LIMIT", "30/10")
    assert app_settings._rate_limit() == (30, 10)


def test_the_schema_and_the_docs_are_for_signed_in_users(registrar: Any, api: Callable[[Any], Any]) -> None:
    anonymous = Client()
    schema = anonymous.get(f"{API}/openapi.json")
    assert schema.status_code == 401
    assert schema.json()["error"]["code"] == "not_authenticated"
    assert "paths" not in schema.content.decode()
    docs = anonymous.get(f"{API}/docs")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
    bad = Client(HTTP_AUTHORIZATION="Bearer hc_made_up")
    assert bad.get(f"{API}/openapi.json").status_code == 401

    assert "/api/v1/persons" in api(registrar).get(f"{API}/openapi.json").json()["paths"]
    browser = Client()
    browser.force_login(registrar)
    assert browser.get(f"{API}/openapi.json").status_code == 200
    assert browser.get(f"{API}/docs").status_code == 200


def test_the_csrf_cookie_is_http_only(registrar: Any) -> None:
    client = Client()
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    cookie = page.cookies["csrftoken"]
    assert cookie["httponly"] is True
    # the page carries the token itself (forms and htmx take it from there, never from the cookie)
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    client.force_login(registrar)
    assert '"X-CSRFToken": "' in client.get("/").content.decode()
