"""User management by administrators (accounts.services): each action audited, bad input changes nothing.

Create, assign a role, deactivate and reactivate, reset the password, require a second factor, and the
user's own password change — the same functions the pages and ``homecoming createuser`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from homecoming.app.accounts import services
from homecoming.app.accounts.models import ApiToken, User
from homecoming.app.accounts.roles import Role
from homecoming.app.audit.models import AuditRecord
from homecoming.errors import NotFound, PermissionDenied, StateError, ValidationError

from .test_login import PASSWORD, submit

pytestmark = pytest.mark.django_db

GOOD = "Quiet-meadow-lantern-42"


@pytest.fixture
def admin(make_user: Callable[..., Any]) -> Any:
    return make_user("admin", "boss")


@pytest.fixture
def clerk(make_user: Callable[..., Any]) -> Any:
    return make_user("registrar", "clerk")


def records(user: Any) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(object_type="accounts.user", object_id=str(user.pk)).order_by("seq")
    )


def count() -> int:
    return AuditRecord.objects.count()


def test_create_user_is_audited_with_role_and_flags_and_no_password(admin: Any) -> None:
    user = services.create_user(
        actor=admin,
        username="nadiya",
        password=GOOD,
        role=Role.dna_analyst,
        must_change_password=True,
        second_factor_required=True,
    )
    assert user.check_password(GOOD) and user.must_change_password and user.second_factor_required
    assert services.role_of(user) is Role.dna_analyst
    (rec,) = records(user)
    assert rec.action == "create" and rec.actor_id == admin.pk
    assert rec.after == {
        "username": "nadiya",
        "role": "dna_analyst",
        "must_change_password": True,
        "second_factor_required": True,
    }
    assert GOOD not in str(rec.after) + rec.reason


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        (
            {"username": "clerk"},
            "username",
            "username: is already taken (got 'clerk'); choose another user name",
        ),
        ({"username": "CLERK"}, "username", "is already taken"),
        ({"username": "has space"}, "username", "may hold only letters, digits"),
        ({"username": ""}, "username", "must be 1 to 150 characters"),
        ({"password": "short"}, "password", "This password is too short"),
        ({"password": "password123"}, "password", "This password is too common"),
        ({"email": "not-an-address"}, "email", "email: is not an e-mail address (got 'not-an-address')"),
    ],
)
def test_bad_input_to_create_names_field_value_and_fix_and_creates_nothing(
    admin: Any, clerk: Any, kwargs: dict[str, str], field: str, text: str
) -> None:
    n_users, n_records = User.objects.count(), count()
    args = {"username": "newone", "password": GOOD, "role": Role.registrar, "actor": admin, **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.create_user(**args)  # type: ignore[arg-type]
    assert exc.value.field == field
    assert text in str(exc.value)
    assert exc.value.hint
    assert (User.objects.count(), count()) == (n_users, n_records)


def test_assign_role_records_before_and_after_and_makes_admins_superusers(admin: Any, clerk: Any) -> None:
    services.assign_role(actor=admin, user_id=clerk.pk, role=Role.admin, reason="covers for the boss")
    clerk.refresh_from_db()
    assert services.role_of(clerk) is Role.admin and clerk.is_superuser and clerk.is_staff
    assert clerk.groups.count() == 1
    services.assign_role(actor=admin, user_id=clerk.pk, role=Role.auditor)
    clerk.refresh_from_db()
    assert services.role_of(clerk) is Role.auditor and not clerk.is_superuser and not clerk.is_staff
    changes = [(r.before, r.after, r.reason) for r in records(clerk) if r.action == "role_changed"]
    assert changes == [
        ({"role": "registrar"}, {"role": "admin"}, "covers for the boss"),
        ({"role": "admin"}, {"role": "auditor"}, "role changed"),
    ]


def test_the_same_role_again_changes_and_records_nothing(admin: Any, clerk: Any) -> None:
    n = count()
    services.assign_role(actor=admin, user_id=clerk.pk, role=Role.registrar)
    assert count() == n


def test_an_admin_cannot_change_their_own_role_nor_leave_no_admin(admin: Any, make_user: Any) -> None:
    n = count()
    with pytest.raises(PermissionDenied, match="you cannot change the role of your own account"):
        services.assign_role(actor=admin, user_id=admin.pk, role=Role.registrar)
    with pytest.raises(StateError, match="boss is the last active administrator") as exc:
        services.assign_role(actor=None, user_id=admin.pk, role=Role.registrar)  # the CLI, say
    assert exc.value.field == "user" and exc.value.value == "boss"
    assert "make another user an administrator first" in exc.value.hint
    admin.refresh_from_db()
    assert admin.is_superuser and count() == n


def test_deactivate_ends_log_in_and_api_tokens_and_is_audited(admin: Any, clerk: Any, api: Any) -> None:
    token_client = api(clerk)
    assert token_client.get("/api/v1/persons?q=x").status_code == 200
    session = Client()
    session.force_login(clerk)
    assert session.get("/").status_code == 200

    services.set_active(actor=admin, user_id=clerk.pk, active=False, reason="left the team")
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert token_client.get("/api/v1/persons?q=x").status_code == 401
    assert ApiToken.objects.get(user=clerk).revoked is not None
    assert session.get("/").status_code == 302  # the open session ended: back to the log-in page
    refused = submit(Client(enforce_csrf_checks=True), "clerk", PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session
    rec = records(clerk)[-1]
    assert (rec.action, rec.before, rec.after, rec.reason) == (
        "deactivated",
        {"is_active": True},
        {"is_active": False, "tokens_revoked": 1},
        "left the team",
    )

    services.set_active(actor=admin, user_id=clerk.pk, active=True)
    assert submit(Client(enforce_csrf_checks=True), "clerk", PASSWORD).status_code == 302
    assert records(clerk)[-1].action == "reactivated"


def test_you_cannot_deactivate_yourself_nor_the_last_active_admin(admin: Any, make_user: Any) -> None:
    n = count()
    with pytest.raises(PermissionDenied) as exc:
        services.set_active(actor=admin, user_id=admin.pk, active=False)
    assert str(exc.value).startswith("you cannot deactivate your own account")
    with pytest.raises(StateError, match="last active administrator"):
        services.set_active(actor=None, user_id=admin.pk, active=False)
    other = make_user("admin", "second-admin")
    n = count()
    services.set_active(actor=other, user_id=admin.pk, active=False)  # two admins: one may go
    with pytest.raises(PermissionDenied):
        services.set_active(actor=other, user_id=other.pk, active=False)
    assert count() == n + 1


def test_an_unknown_user_is_a_named_not_found(admin: Any) -> None:
    with pytest.raises(NotFound, match="no user with id 999999"):
        services.set_active(actor=admin, user_id=999999, active=False)


def test_reset_password_sets_a_one_time_password_the_audit_never_holds(admin: Any, clerk: Any) -> None:
    _, typed = services.reset_password(actor=admin, user_id=clerk.pk, password=GOOD)
    clerk.refresh_from_db()
    assert typed == GOOD and clerk.check_password(GOOD) and clerk.must_change_password
    _, generated = services.reset_password(actor=admin, user_id=clerk.pk)
    clerk.refresh_from_db()
    assert generated != GOOD and len(generated) >= 20 and clerk.check_password(generated)
    resets = [r for r in records(clerk) if r.action == "password_reset"]
    assert [r.after for r in resets] == [
        {"must_change_password": True, "generated": False},
        {"must_change_password": True, "generated": True},
    ]
    every = "".join(
        str(r.before) + str(r.after) + r.reason + r.object_repr for r in AuditRecord.objects.all()
    )
    assert GOOD not in every and generated not in every


def test_a_weak_temporary_password_is_refused_and_changes_nothing(admin: Any, clerk: Any) -> None:
    n, hashed = count(), clerk.password
    with pytest.raises(ValidationError) as exc:
        services.reset_password(actor=admin, user_id=clerk.pk, password="clerk")
    assert exc.value.field == "password" and "too short" in str(exc.value)
    clerk.refresh_from_db()
    assert clerk.password == hashed and not clerk.must_change_password and count() == n


def test_require_second_factor_is_audited_and_makes_the_user_enrol(admin: Any, clerk: Any) -> None:
    from homecoming.app.accounts.second_factor import required

    assert not required(clerk)
    services.require_second_factor(actor=admin, user_id=clerk.pk, required=True)
    clerk.refresh_from_db()
    assert required(clerk)
    session = Client()
    session.force_login(clerk)
    response = session.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/"
    assert "An administrator requires a second factor" in session.get("/accounts/otp/").content.decode()
    services.require_second_factor(actor=admin, user_id=clerk.pk, required=False)
    assert [(r.action, r.before, r.after) for r in records(clerk)[-2:]] == [
        ("second_factor_required", {"second_factor_required": False}, {"second_factor_required": True}),
        ("second_factor_optional", {"second_factor_required": True}, {"second_factor_required": False}),
    ]


def test_the_user_must_change_a_temporary_password_before_anything_else(admin: Any, clerk: Any) -> None:
    services.reset_password(actor=admin, user_id=clerk.pk, password=GOOD)
    browser = Client()
    assert submit(browser, "clerk", GOOD).status_code == 302
    response = browser.get("/registry/search/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    page = browser.get("/accounts/password/").content.decode()
    assert "choose your own before you go on" in page

    bad = browser.post(
        "/accounts/password/",
        {"old_password": GOOD, "new_password1": "clerk", "new_password2": "clerk"},
    )
    assert bad.status_code == 200 and "too short" in bad.content.decode()
    same = browser.post(
        "/accounts/password/", {"old_password": GOOD, "new_password1": GOOD, "new_password2": GOOD}
    )
    assert "is the same as the current password" in same.content.decode()

    mine = "Amber-river-compass-77"
    done = browser.post(
        "/accounts/password/", {"old_password": GOOD, "new_password1": mine, "new_password2": mine}
    )
    assert done.status_code == 302 and done["Location"] == "/"
    assert browser.get("/").status_code == 200  # still logged in, no longer sent to the password page
    clerk.refresh_from_db()
    assert clerk.check_password(mine) and not clerk.must_change_password
    rec = records(clerk)[-1]
    assert (rec.action, rec.actor_id, rec.after) == (
        "password_changed",
        clerk.pk,
        {"replaced_temporary": True},
    )
    assert mine not in str(rec.after) + rec.reason


def test_the_cli_creates_users_through_the_same_service(admin: Any) -> None:
    from typer.testing import CliRunner

    from homecoming.cli import app

    result = CliRunner().invoke(app, ["createuser", "olena", "--role", "auditor", "--password", GOOD])
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="olena")
    assert services.role_of(user) is Role.auditor
    assert records(user)[0].after["role"] == "auditor"


def test_the_cli_can_make_the_password_temporary_and_require_a_second_factor(admin: Any) -> None:
    from typer.testing import CliRunner

    from homecoming.cli import app

    args = ["createuser", "ivan", "--role", "registrar", "--password", GOOD, "--temporary", "--second-factor"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="ivan")
    assert user.must_change_password and user.second_factor_required


def test_the_cli_names_a_taken_user_name(admin: Any) -> None:
    from typer.testing import CliRunner

    from homecoming.cli import app

    result = CliRunner().invoke(app, ["createuser", "boss", "--role", "registrar", "--password", GOOD])
    assert result.exit_code == 2
    assert "username: is already taken (got 'boss'); choose another user name" in result.output
