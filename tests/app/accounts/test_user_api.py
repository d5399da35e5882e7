"""The user management API: administrators only, the services' refusals in the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from homecoming.app.accounts.models import User
from homecoming.app.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

GOOD = "Quiet-meadow-lantern-42"
URL = "/api/v1/accounts/users"


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user("admin", "boss")


def test_an_admin_creates_changes_and_deactivates_a_user(admin: Any, api: Any) -> None:
    client = api(admin)
    created = client.post(URL, {"username": "petro", "role": "registrar"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    password = body["temporary_password"]
    user = User.objects.get(username="petro")
    assert user.check_password(password) and body["user"]["must_change_password"] is True
    uid = body["user"]["id"]
    role = client.post(f"{URL}/{uid}/role", {"role": "auditor"}, content_type="application/json")
    assert role.json()["role"] == "auditor"
    reset = client.post(f"{URL}/{uid}/password", {"password": GOOD}, content_type="application/json")
    assert reset.json()["temporary_password"] is None
    sf = client.post(f"{URL}/{uid}/second-factor", {"required": True}, content_type="application/json")
    assert sf.json()["second_factor_required"] is True
    off = client.post(
        f"{URL}/{uid}/active", {"active": False, "reason": "left"}, content_type="application/json"
    )
    assert off.json()["is_active"] is False
    listed = client.get(URL + "?active=false").json()
    assert [u["username"] for u in listed] == ["petro"]
    detail = client.get(f"{URL}/{uid}").json()
    assert [h["action"] for h in detail["history"]] == [
        "create",
        "role_changed",
        "password_reset",
        "second_factor_required",
        "deactivated",
    ]
    assert password not in str(detail) and GOOD not in str(detail)


def test_refusals_are_in_the_one_error_shape(admin: Any, api: Any) -> None:
    client = api(admin)
    taken = client.post(URL, {"username": "boss", "role": "registrar"}, content_type="application/json")
    assert taken.status_code == 422
    error = taken.json()["error"]
    assert (error["field"], error["value"], error["hint"]) == ("username", "boss", "choose another user name")
    n = AuditRecord.objects.count()
    own = client.post(f"{URL}/{admin.pk}/active", {"active": False}, content_type="application/json")
    assert own.status_code == 403
    assert own.json()["error"]["message"] == "you cannot deactivate your own account"
    weak = client.post(f"{URL}/{admin.pk}/password", {"password": "boss"}, content_type="application/json")
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "password"
    assert AuditRecord.objects.count() == n


def test_no_other_role_may_use_it(make_user: Callable[..., Any], api: Any, admin: Any) -> None:
    client = api(make_user("auditor"))
    assert client.get(URL).status_code == 403
    refused = client.post(f"{URL}/{admin.pk}/active", {"active": False}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["value"] == "accounts.manage_users"
