"""Each role's first look at the site in a real browser (issue "A new user's first hour").

For every role: the navigation shows exactly the role's pages and each opens; the dashboard shows the
role's own work lists; in Ukrainian the page title and the navigation are Ukrainian; a page the role may
not open is a 403 page with the navigation and a way back to the dashboard; an unknown address a 404 page
with the navigation; the favicon is served.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ..role_expectations import EXPECTED_NAV, EXPECTED_SECTIONS
from .conftest import PASSWORD, Server, _finish, _start
from .test_registry import log_in

pytestmark = pytest.mark.browser

#: a page each role may not open (the audit trail, or for the auditor the new-person form)
FORBIDDEN = {role: "/audit/" for role in EXPECTED_NAV} | {"auditor": "/registry/persons/new/"}
CYRILLIC = re.compile(r"[а-яіїєґ]", re.I)


def _username(role: str) -> str:
    return f"nav-{role.replace('_', '-')}"


@pytest.fixture(scope="session")
def role_users(server: Server, _database: dict[str, str]) -> dict[str, str]:
    """One user of every role on the running server (role → user name)."""
    creating = {
        role: _start(["createuser", _username(role), "--role", role, "--password", PASSWORD], _database)
        for role in EXPECTED_NAV
    }
    for role, creation in creating.items():
        _finish(creation, f"createuser {_username(role)}")
    return {role: _username(role) for role in EXPECTED_NAV}


@pytest.mark.parametrize("role", [str(r) for r in EXPECTED_NAV])
def test_a_role_sees_its_pages_its_work_and_real_error_pages(
    page: Any, server: Server, role_users: dict[str, str], role: str
) -> None:
    log_in(page, role_users[role], server.password)
    nav = page.locator("header nav a")
    labels = [t.strip() for t in nav.all_inner_texts()]
    assert labels == EXPECTED_NAV[role]
    hrefs = [nav.nth(i).get_attribute("href") for i in range(nav.count())]
    for href in hrefs:  # every link shown opens
        response = page.request.get(href)
        assert response.status == 200, f"{role}: {href} answers {response.status}"

    # the dashboard: the role's own work lists, each with a heading and a count
    page.goto("/")
    sections = page.locator("section.work")
    assert [sections.nth(i).get_attribute("id") for i in range(sections.count())] == EXPECTED_SECTIONS[role]
    for i in range(sections.count()):
        assert sections.nth(i).locator("h2 .badge").inner_text().strip().isdigit()
    assert page.title() == "Dashboard · Homecoming"
    assert page.locator("link[rel=icon]").count() == 1
    icon = page.request.get(page.locator("link[rel=icon]").get_attribute("href"))
    assert icon.status == 200 and "svg" in icon.headers["content-type"]

    # a page the role may not open: a 403 page of the site, with a way on
    response = page.goto(FORBIDDEN[role])
    assert response is not None and response.status == 403
    assert page.locator("main h1").inner_text() == "Your role does not allow this page"
    assert [t.strip() for t in page.locator("header nav a").all_inner_texts()] == EXPECTED_NAV[role]
    with page.expect_navigation():
        page.get_by_role("link", name="Go to your dashboard").click()
    assert page.url.rstrip("/") == server.url

    # an address that leads nowhere: a 404 page with the navigation
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    assert page.locator("main h1").inner_text() == "There is no page at this address"
    assert page.locator("header nav a").count() == len(EXPECTED_NAV[role])

    # in Ukrainian: the title, the headings and every navigation label
    page.goto("/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "uk")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.title() == "Огляд · Homecoming"
    uk_labels = [t.strip() for t in page.locator("header nav a").all_inner_texts()]
    assert len(uk_labels) == len(EXPECTED_NAV[role])
    assert all(CYRILLIC.search(label) for label in uk_labels), uk_labels
    for heading in page.locator("section.work h2").all_inner_texts():
        assert CYRILLIC.search(heading), heading
    response = page.goto(FORBIDDEN[role])
    assert response is not None and response.status == 403
    assert page.title() == "Доступ заборонено · Homecoming"
    assert page.locator("main h1").inner_text() == "Ваша роль не дозволяє відкрити цю сторінку"
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
