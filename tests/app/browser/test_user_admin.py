"""User management in a real browser: an administrator creates a user, gives them a role, resets their
password; the user logs in with it and is asked to choose their own; a deactivated user cannot log in.

The administrator is created by ``homecoming createuser`` (the same service as the web page).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import PASSWORD, Server, _finish, _start
from .test_registry import log_in

pytestmark = pytest.mark.browser

ADMIN = "web-admin"
NEWCOMER = "olha-newcomer"
HERS = "Juniper-violin-harbour-58"


@pytest.fixture(scope="module")
def web_admin(server: Server, _database: dict[str, str]) -> str:
    _finish(_start(["createuser", ADMIN, "--role", "admin", "--password", PASSWORD], _database), "createuser")
    return ADMIN


def log_out(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()


def test_an_admin_creates_a_user_who_must_change_the_password_and_can_be_deactivated(
    page: Any, server: Server, web_admin: str
) -> None:
    from playwright.sync_api import expect

    log_in(page, web_admin, PASSWORD)
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.locator("h1")).to_have_text("Users")
    page.get_by_role("link", name="New user").click()
    page.fill("#id_username", NEWCOMER)
    page.fill("#id_first_name", "Ольга")
    page.fill("#id_last_name", "Тестова")
    page.select_option("#id_role", label="Registrar")
    with page.expect_navigation():
        page.get_by_role("button", name="Create user").click()
    first = page.locator("#temporary-password").inner_text().strip()
    assert len(first) >= 20

    # a role, then a fresh temporary password (generated, shown once)
    page.get_by_role("link", name="Open the user's page").click()
    expect(page.locator("#user-role")).to_have_text("Registrar")
    page.select_option("#id_role", label="Auditor")
    page.fill("#id_reason", "moves to the audit team")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the role").click()
    expect(page.locator("#user-role")).to_have_text("Auditor")
    expect(page.locator("#user-history")).to_contain_text("Registrar → Auditor")
    with page.expect_navigation():
        page.get_by_role("button", name="Reset the password").click()
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert temporary and temporary != first
    log_out(page)

    # the newcomer logs in with the temporary password and is asked to choose their own
    log_in(page, NEWCOMER, temporary)
    assert page.url.endswith("/accounts/password/")
    expect(page.locator("#must-change")).to_be_visible()
    page.goto("/")  # nothing else opens until the password is changed
    assert page.url.endswith("/accounts/password/")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", HERS)
    page.fill("#id_new_password2", HERS)
    with page.expect_navigation():
        page.get_by_role("button", name="Change the password").click()
    expect(page.locator(".messages")).to_contain_text("Your password is changed.")
    assert not page.url.endswith("/accounts/password/")
    log_out(page)

    # the administrator deactivates the newcomer, who can no longer log in
    log_in(page, web_admin, PASSWORD)
    page.goto("/accounts/users/?q=olha")
    page.get_by_role("link", name=NEWCOMER).click()
    page.fill("#id_reason_active", "left the team")
    with page.expect_navigation():
        page.get_by_role("button", name="Deactivate the user").click()
    expect(page.locator("#user-state")).to_contain_text("deactivated")
    expect(page.locator("#user-history")).to_contain_text("left the team")
    log_out(page)
    log_in(page, NEWCOMER, HERS, succeeds=False)
    assert "/accounts/login/" in page.url
    expect(page.locator(".errors")).to_be_visible()
