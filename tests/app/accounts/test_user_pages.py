"""The user pages: administrators create, change, deactivate and reset; every other role gets 403."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from homecoming.app.accounts import services
from homecoming.app.accounts.models import User
from homecoming.app.accounts.roles import Role
from homecoming.app.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

GOOD = "Quiet-meadow-lantern-42"


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user("admin", "boss")


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user("registrar", "clerk")


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages(user: Any) -> list[str]:
    return ["/accounts/users/", "/accounts/users/new/", f"/accounts/users/{user.pk}/"]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.admin], ids=lambda r: r.value)
def test_every_other_role_is_refused_every_user_page_and_action(
    role: Role, make_user: Callable[..., Any], clerk: Any
) -> None:
    client = as_user(make_user(role.value, f"u-{role.value}"))
    for url in pages(clerk):
        assert client.get(url).status_code == 403, url
    n = AuditRecord.objects.count()
    for action, data in [
        ("role", {"role": "admin"}),
        ("active", {"active": ""}),
        ("password", {"password": GOOD}),
        ("second-factor", {"required": "on"}),
    ]:
        assert client.post(f"/accounts/users/{clerk.pk}/{action}/", data).status_code == 403, action
    assert client.post("/accounts/users/new/", {"username": "x", "role": "admin"}).status_code == 403
    clerk.refresh_from_db()
    assert clerk.is_active and not clerk.is_superuser and AuditRecord.objects.count() == n


def test_anonymous_visitors_are_sent_to_log_in(clerk: Any) -> None:
    for url in pages(clerk):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_nav_shows_users_to_admins_only(admin: Any, clerk: Any) -> None:
    assert 'href="/accounts/users/"' in as_user(admin).get("/").content.decode()
    assert 'href="/accounts/users/"' not in as_user(clerk).get("/").content.decode()


def test_the_list_searches_and_filters_by_role_and_state(admin: Any, make_user: Any) -> None:
    make_user("auditor", "olga-audit")
    gone = make_user("registrar", "gone-clerk")
    services.set_active(actor=admin, user_id=gone.pk, active=False)
    client = as_user(admin)

    def names(query: str) -> set[str]:
        body = client.get("/accounts/users/" + query).content.decode()
        return set(re.findall(r'<a href="/accounts/users/\d+/">([^<]+)</a>', body))

    assert names("") == {"boss", "olga-audit", "gone-clerk"}
    assert names("?q=olga") == {"olga-audit"}
    assert names("?role=auditor") == {"olga-audit"}
    assert names("?active=no") == {"gone-clerk"}
    assert names("?active=yes&role=registrar") == set()
    body = client.get("/accounts/users/").content.decode()
    assert "Auditor" in body and "Administrator" in body and ">auditor<" not in body  # labels, not codes


def test_an_admin_creates_a_user_and_sees_the_generated_password_once(admin: Any) -> None:
    client = as_user(admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "taras",
            "first_name": "Тарас",
            "role": "family_liaison",
            "second_factor_required": "on",
        },
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = re.search(r'<code id="temporary-password">([^<]+)</code>', response.content.decode())
    assert password is not None
    user = User.objects.get(username="taras")
    assert (
        user.check_password(password.group(1)) and user.must_change_password and user.second_factor_required
    )
    assert services.role_of(user) is Role.family_liaison
    detail = client.get(f"/accounts/users/{user.pk}/").content.decode()
    assert password.group(1) not in detail
    assert "Account created" in detail and "Family liaison officer" in detail


def test_a_taken_user_name_and_a_weak_password_are_shown_on_the_form(admin: Any, clerk: Any) -> None:
    response = as_user(admin).post(
        "/accounts/users/new/", {"username": "clerk", "role": "registrar", "password": "abc"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "is already taken (&#x27;clerk&#x27;) — choose another user name" in body
    assert "This password is too short" in body
    assert User.objects.filter(username="clerk").count() == 1


def test_an_admin_changes_the_role_resets_the_password_and_deactivates(admin: Any, clerk: Any) -> None:
    client = as_user(admin)
    url = f"/accounts/users/{clerk.pk}/"
    assert client.post(url + "role/", {"role": "auditor", "reason": "moved to audit"}).status_code == 302
    response = client.post(url + "password/", {"password": ""})
    assert response.status_code == 200 and 'id="temporary-password"' in response.content.decode()
    assert client.post(url + "second-factor/", {"required": "on"}).status_code == 302
    assert client.post(url + "active/", {"active": "", "reason": "left"}).status_code == 302
    clerk.refresh_from_db()
    assert services.role_of(clerk) is Role.auditor and clerk.must_change_password
    assert clerk.second_factor_required and not clerk.is_active
    body = client.get(url).content.decode()
    for text in [
        "Registrar → Auditor",
        "moved to audit",
        "Temporary password set by an administrator",
        "Second factor required",
        "Deactivated",
        "left",
    ]:
        assert text in body, text


def test_refusals_are_named_on_the_page_and_change_nothing(admin: Any, clerk: Any) -> None:
    client = as_user(admin)
    own = client.get(f"/accounts/users/{admin.pk}/").content.decode()
    assert "This is your own account" in own and "user-active-form" not in own
    response = client.post(f"/accounts/users/{admin.pk}/active/", {"active": ""})
    assert response.status_code == 422
    assert "you cannot deactivate your own account" in response.content.decode()
    weak = client.post(f"/accounts/users/{clerk.pk}/password/", {"password": "clerk"})
    assert weak.status_code == 422 and "This password is too short" in weak.content.decode()
    admin.refresh_from_db()
    clerk.refresh_from_db()
    assert admin.is_active and not clerk.must_change_password


def test_the_pages_are_in_ukrainian(admin: Any, clerk: Any) -> None:
    client = as_user(admin)
    client.cookies["django_language"] = "uk"
    body = client.get(f"/accounts/users/{clerk.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Реєстратор" in body and "Скинути пароль" in body
    listing = client.get("/accounts/users/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Користувачі" in listing


def test_the_list_page_reads_as_many_rows_in_the_same_number_of_queries(admin: Any, make_user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/accounts/users/").status_code == 200
        return len(ctx.captured_queries)

    make_user("auditor", "a-1")
    few = queries()
    for i in range(2, 8):
        make_user("registrar", f"r-{i}")
    assert queries() == few
