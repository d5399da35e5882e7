"""The second factor (TOTP) as a person meets it: the one log-in form, enrolment, replacement, the mandate.

Through the real form with CSRF on (``test_login.submit``), codes computed from the device's key as an
authenticator app does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from homecoming.app.audit.models import AuditRecord

from .test_login import PASSWORD, _locked, current_code, normalised, submit

pytestmark = pytest.mark.django_db

OTP = "/accounts/otp/"


@pytest.fixture
def alice(make_user: Callable[..., Any]) -> Any:
    return make_user("registrar", "alice")


@pytest.fixture
def device(alice: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)


def wrong(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 1) % 10**6:06d}"


def csrf_client(user: Any | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, path: str, data: dict[str, str]) -> Any:
    client.get(path)
    token = client.cookies["csrftoken"].value
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


def actions(user: Any) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_id=str(user.pk), action__startswith="otp_")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- the log-in form: no password oracle, no echo ---------------------------------------------------


def test_a_right_password_without_the_code_looks_exactly_like_a_wrong_password(device: TOTPDevice) -> None:
    right = submit(csrf_client(), "alice", PASSWORD)
    wrong_password = submit(csrf_client(), "alice", "not the password 1")
    right_with_wrong_code = submit(csrf_client(), "alice", PASSWORD, otp_token=wrong(device))
    assert right.status_code == wrong_password.status_code == right_with_wrong_code.status_code == 200
    assert b'role="alert"' in right.content
    assert normalised(right, "alice") == normalised(wrong_password, "alice")
    assert normalised(right_with_wrong_code, "alice") == normalised(wrong_password, "alice")


def test_the_password_is_never_rendered_back_into_the_form(device: TOTPDevice) -> None:
    for password in (PASSWORD, "not the password 1"):
        response = submit(csrf_client(), "alice", password)
        assert password.encode() not in response.content


def test_a_right_password_with_wrong_codes_is_locked_out_like_wrong_passwords(device: TOTPDevice) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        device.throttle_reset()
        submit(csrf_client(), "alice", PASSWORD, otp_token=wrong(device))
    device.throttle_reset()
    late = csrf_client()
    assert _locked(submit(late, "alice", PASSWORD, otp_token=current_code(device)))
    assert "_auth_user_id" not in late.session


# --- enrolment and replacement ----------------------------------------------------------------------


def test_opening_the_page_creates_nothing_and_starting_twice_keeps_one_pending_device(alice: Any) -> None:
    client = csrf_client(alice)
    for _ in range(3):
        assert client.get(OTP).status_code == 200
    assert TOTPDevice.objects.filter(user=alice).count() == 0
    post(client, OTP, {"action": "start"})
    first = TOTPDevice.objects.get(user=alice)
    post(client, OTP, {"action": "start"})
    assert list(TOTPDevice.objects.filter(user=alice)) == [first]
    assert not first.confirmed
    assert first.config_url.split("secret=")[1][:10].encode() in client.get(OTP).content  # its QR/key


def test_enrolment_is_confirmed_with_a_code_and_audited(alice: Any) -> None:
    client = csrf_client(alice)
    post(client, OTP, {"action": "start"})
    pending = TOTPDevice.objects.get(user=alice)
    response = post(client, OTP, {"action": "confirm", "token": current_code(pending)})
    assert response.status_code == 302 and response["Location"] == "/"
    pending.refresh_from_db()
    assert pending.confirmed
    assert actions(alice) == ["otp_enabled"]
    assert client.session.get("otp_device_id") == pending.persistent_id  # this session is verified


def test_replacing_the_authenticator_needs_the_password_and_a_current_code_of_the_old_one(
    alice: Any, device: TOTPDevice
) -> None:
    thief = csrf_client(alice)  # holds alice's session, not her password nor her phone
    post(thief, OTP, {"action": "start"})
    new = TOTPDevice.objects.get(user=alice, confirmed=False)
    for extra in ({}, {"password": "guessed password 1", "old_token": current_code(device)}):
        post(thief, OTP, {"action": "confirm", "token": current_code(new), **extra})
        new.refresh_from_db()
        assert not new.confirmed
        assert TOTPDevice.objects.get(pk=device.pk).confirmed  # the old one still stands
    assert actions(alice) == ["otp_replace_refused", "otp_replace_refused"]
    # alice herself: password, old code, new code
    owner = csrf_client(alice)
    response = post(
        owner,
        OTP,
        {
            "action": "confirm",
            "token": current_code(new),
            "password": PASSWORD,
            "old_token": current_code(device),
        },
    )
    assert response.status_code == 302, response.content[-600:]
    assert list(TOTPDevice.objects.filter(user=alice)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert actions(alice)[-1] == "otp_replaced"


# --- mandatory for the roles that see DNA, health or contacts -------------------------------------


def test_by_default_every_role_that_sees_dna_health_or_contacts_must_use_an_authenticator(
    totp_required: list[str], make_user: Callable[..., Any]
) -> None:
    from homecoming.app.accounts.second_factor import required

    for role in ("registrar", "family_liaison", "dna_analyst", "exchange_coordinator", "forensic_examiner"):
        assert required(make_user(role)), role
    assert {"dna_analyst", "registry.view_contacts", "captivity.view_health"} <= set(totp_required)


def test_a_required_user_without_a_device_can_only_enrol_then_works(
    totp_required: list[str], alice: Any
) -> None:
    client = csrf_client()
    response = submit(client, "alice", PASSWORD)
    assert response.status_code == 302
    for page in ("/", "/registry/search/?q=x", "/captivity/wounded/", "/audit/"):
        answer = client.get(page)
        assert answer.status_code == 302 and answer["Location"] == OTP, page
    post(client, OTP, {"action": "start"})
    pending = TOTPDevice.objects.get(user=alice)
    post(client, OTP, {"action": "confirm", "token": current_code(pending)})
    assert client.get("/").status_code == 200
    # from now on the password alone is not enough
    assert "_auth_user_id" not in (again := csrf_client()).session
    assert submit(again, "alice", PASSWORD).status_code == 200
    assert "_auth_user_id" not in again.session


def test_a_role_left_out_of_the_setting_needs_no_authenticator(settings: Any, alice: Any) -> None:
    settings.TOTP_REQUIRED = ["dna_analyst"]
    client = csrf_client()
    assert submit(client, "alice", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_the_admin_has_no_password_only_log_in(make_user: Callable[..., Any]) -> None:
    admin = make_user("admin", "root")
    assert admin.is_superuser
    client = csrf_client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=/admin/"
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    answer = client.post(
        "/admin/login/", {"username": "root", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert answer.status_code in (302, 405) and "_auth_user_id" not in client.session


def test_a_misspelt_entry_of_the_setting_stops_start_up_naming_it(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    from django.core.exceptions import ImproperlyConfigured

    from homecoming.app.accounts.second_factor import check_setting

    check_setting(["dna_analyst", "registry.view_contacts"])
    with pytest.raises(ImproperlyConfigured) as refused:
        check_setting(["dna_analyst", "dna_analist"])
    message = str(refused.value)
    assert "HOMECOMING_TOTP_REQUIRED" in message and "'dna_analist'" in message and "registrar" in message
    # at start-up, as an operator meets it
    env = {
        **os.environ,
        "HOMECOMING_TOTP_REQUIRED": "registrar,registry.view_contact",
        "HOMECOMING_DEBUG": "1",
        "HOMECOMING_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "homecoming.cli", "migrate"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "'registry.view_contact' is neither a role nor a permission" in done.stdout + done.stderr
