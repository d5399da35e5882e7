"""Security state out of the Django admin; role permissions that differ from the code are reported
(issue 10, item 8)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from typer.testing import CliRunner

from homecoming.app.accounts.checks import role_drift
from homecoming.cli import app

pytestmark = pytest.mark.django_db


def test_the_admin_changes_no_security_state() -> None:
    labels = {m._meta.label for m in admin.site._registry}
    security = (
        "auth.Group",
        "otp_totp.TOTPDevice",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
    )
    assert not labels & set(security)


def test_an_admin_cannot_reach_the_group_device_or_lockout_pages(make_user: Any) -> None:
    boss = make_user("admin", "boss")
    client = Client()
    client.force_login(boss)
    for url in (
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/otp_totp/totpdevice/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_roles_in_a_fresh_database_equal_the_code() -> None:
    assert role_drift() == []


def test_a_permission_added_to_a_role_is_reported_by_verify_and_by_the_check(person: Any) -> None:
    perm = Permission.objects.get(codename="view_health", content_type__app_label="captivity")
    Group.objects.get(name="dna_analyst").permissions.add(perm)
    (problem,) = role_drift()
    assert "role dna_analyst: its group holds permission(s) the code does not grant" in problem
    assert "captivity.view_health" in problem
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 7
    assert "captivity.view_health" in result.output
    with pytest.raises(SystemCheckError, match=r"homecoming\.E801"):
        call_command("check", databases=["default"])
    call_command("migrate", verbosity=0)  # re-applies roles.py
    assert role_drift() == []
