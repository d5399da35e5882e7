"""Logging in as a person does: the real form, CSRF on, lockouts, argon2, a second factor; creating users."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from typer.testing import CliRunner

from homecoming.app.accounts.models import User
from homecoming.app.accounts.roles import Role
from homecoming.cli import app as cli

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery 9"  # the password of tests/conftest.py's make_user
_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


def login_page(client: Client) -> str:
    """GET the form as a browser does and return the CSRF token it sets."""
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    return str(client.cookies["csrftoken"].value)


def submit(client: Client, username: str, password: str, **extra: str) -> Any:
    token = login_page(client)
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token, **extra}
    return client.post(LOGIN, form)


def normalised(response: Any, typed_username: str) -> bytes:
    """The body without its per-response CSRF token and without the user name echoed into the form."""
    body = _CSRF.sub(rb"\1<csrf>", response.content)
    return body.replace(f'value="{typed_username}"'.encode(), b'value="<typed>"')


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def alice(make_user: Callable[..., Any]) -> Any:
    return make_user("registrar", "alice")


def test_the_real_form_logs_in_and_opens_the_dashboard(browser: Client, alice: Any) -> None:
    """A user without a second factor logs in with user name and password alone."""
    response = submit(browser, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert browser.get("/").status_code == 200
    assert int(browser.session["_auth_user_id"]) == alice.pk


def test_a_post_without_the_csrf_token_is_refused(browser: Client, alice: Any) -> None:
    response = browser.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def test_wrong_password_and_unknown_user_look_exactly_alike(browser: Client, alice: Any) -> None:
    wrong = submit(browser, "alice", "not the password 1")
    unknown = submit(Client(enforce_csrf_checks=True), "nobody-here", "not the password 1")
    assert wrong.status_code == unknown.status_code == 200
    assert b'role="alert"' in wrong.content  # the form says something went wrong ...
    assert normalised(wrong, "alice") == normalised(unknown, "nobody-here")  # ... and the same thing


def test_passwords_are_stored_with_argon2(alice: Any) -> None:
    assert alice.password.startswith("argon2$argon2id$")
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert PASSWORD not in alice.password


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/registry/search/?q=Shevchenko",
        "/registry/persons/1/",
        "/registry/persons/new/",
        "/audit/",
        "/accounts/otp/",
    ],
)
def test_no_page_without_logging_in(page: str) -> None:
    response = Client().get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_no_api_without_a_token(person: Any) -> None:
    response = Client().get(f"/api/v1/persons/{person.pk}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def _locked(response: Any) -> bool:
    return b"Too many failed log-in attempts" in response.content


@pytest.mark.parametrize("username", ["alice", "nobody-here"])
def test_lockout_after_the_failure_limit_for_known_and_unknown_users(username: str, alice: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    assert limit >= 2
    for attempt in range(1, limit):
        response = submit(Client(enforce_csrf_checks=True), username, f"guess number {attempt}")
        assert response.status_code == 200 and not _locked(response), attempt
    response = submit(Client(enforce_csrf_checks=True), username, f"guess number {limit}")
    assert response.status_code == 429 and _locked(response)
    late = Client(enforce_csrf_checks=True)
    response = submit(late, username, PASSWORD)  # even the right password, now
    assert _locked(response)
    assert "_auth_user_id" not in late.session


def test_the_lockout_page_is_the_same_for_known_and_unknown_users(alice: Any) -> None:
    pages = {}
    for username in ("alice", "nobody-here"):
        for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
            response = submit(Client(enforce_csrf_checks=True), username, f"guess {attempt}")
        pages[username] = (response.status_code, normalised(response, username))
    assert pages["alice"] == pages["nobody-here"]


def test_the_lockout_is_per_user_name(alice: Any, make_user: Callable[..., Any]) -> None:
    make_user("registrar", "bob")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        submit(Client(enforce_csrf_checks=True), "alice", f"guess {attempt}")
    assert _locked(submit(Client(enforce_csrf_checks=True), "alice", PASSWORD))
    assert not _locked(submit(Client(enforce_csrf_checks=True), "bob", PASSWORD))


# --- a second factor -------------------------------------------------------------------------------


@pytest.fixture
def device(alice: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)


def current_code(device: Any) -> str:
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return str(code).zfill(device.digits)


def test_with_a_totp_device_the_password_alone_is_not_enough(browser: Client, device: Any) -> None:
    response = submit(browser, "alice", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session


def test_with_a_totp_device_a_wrong_code_is_refused(browser: Client, device: Any) -> None:
    wrong = f"{(int(current_code(device)) + 1) % 10**6:06d}"
    response = submit(browser, "alice", PASSWORD, otp_token=wrong)
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in browser.session


def test_with_a_totp_device_the_right_code_logs_in_verified(browser: Client, device: Any) -> None:
    """As the page sends it: the code alone, no device chosen (the device field is hidden and empty)."""
    response = submit(browser, "alice", PASSWORD, otp_token=current_code(device))
    assert response.status_code == 302, response.content[-800:]
    assert browser.session.get("otp_device_id") == device.persistent_id
    assert browser.get("/").status_code == 200


# --- creating users from the command line ----------------------------------------------------------


def test_createuser_puts_the_user_in_the_role_group() -> None:
    result = CliRunner().invoke(
        cli, ["createuser", "carol", "--role", "family_liaison", "--password", "a long enough pass phrase 7"]
    )
    assert result.exit_code == 0, result.output
    assert "created carol (family_liaison)" in result.output
    carol = User.objects.get(username="carol")
    assert carol.role_names() == ["family_liaison"]
    assert carol.has_perm("registry.view_contacts") and not carol.has_perm("registry.add_person")
    assert carol.check_password("a long enough pass phrase 7")


def test_createuser_with_an_unknown_role_says_which_roles_exist() -> None:
    result = CliRunner().invoke(
        cli, ["createuser", "dave", "--role", "wizard", "--password", "a long enough pass phrase 7"]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "unknown role 'wizard'" in lines[0]
    for role in Role:
        assert role.value in lines[0]
    assert not User.objects.filter(username="dave").exists()


def test_createuser_refuses_a_weak_password_naming_the_field() -> None:
    result = CliRunner().invoke(cli, ["createuser", "erin", "--role", "auditor", "--password", "short"])
    assert result.exit_code == 2
    assert "password" in result.output and "too short" in result.output
    assert not User.objects.filter(username="erin").exists()


# --- password spraying: one address, many user names ------------------------------------------------


def test_spraying_many_user_names_from_one_address_locks_the_address(
    alice: Any, make_user: Callable[..., Any]
) -> None:
    """One wrong password each for 20 user names from one address: the address is locked, for every name."""
    make_user("registrar", "bob")
    limit = settings.LOGIN_IP_FAILURE_LIMIT
    assert limit == 20 and limit > settings.AXES_FAILURE_LIMIT
    sprayer = {"REMOTE_ADDR": "198.51.100.23"}
    answers = [
        submit(Client(enforce_csrf_checks=True, **sprayer), f"user{n:02d}", "Spring2026!spring")
        for n in range(limit)
    ]
    assert not any(_locked(a) for a in answers[:-1])
    assert _locked(answers[-1]) and answers[-1].status_code == 429
    late = Client(enforce_csrf_checks=True, **sprayer)
    assert _locked(submit(late, "bob", PASSWORD))  # even a real user with the right password
    assert "_auth_user_id" not in late.session
    # from another address the same user logs in
    elsewhere = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.24")
    assert submit(elsewhere, "bob", PASSWORD).status_code == 302


def test_a_locked_pair_does_not_lock_the_user_out_from_another_address(alice: Any) -> None:
    attacker = {"REMOTE_ADDR": "203.0.113.5"}
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        submit(Client(enforce_csrf_checks=True, **attacker), "alice", f"guess {attempt}")
    assert _locked(submit(Client(enforce_csrf_checks=True, **attacker), "alice", PASSWORD))
    owner = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.44")
    assert submit(owner, "alice", PASSWORD).status_code == 302
