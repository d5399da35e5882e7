"""The navigation, the error pages and the dashboard of every role (issue "A new user's first hour").

* The navigation shows a role exactly the pages it can open: every link shown answers 200, every page
  of the site without parameters that is left out answers 403 — and every such page the role can open
  that is in the navigation table is shown.
* The expected navigation of each role is written here from the roles (what each role does), not read
  from ``homecoming.app.navigation``.
* 403 and 404 are pages of the site (its navigation, an explanation, a way on); under ``/api/`` they are
  the API's JSON error shape. The 500 page is drawn even when the request's context cannot be.
* Each role's dashboard has its own work lists, each bounded, with its count and "see all".
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from homecoming.app import navigation, worklists
from homecoming.app.accounts.roles import Role

from .role_expectations import EXPECTED_NAV, EXPECTED_SECTIONS

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


def _nav(client: Client, url: str = "/") -> list[tuple[str, str]]:
    body = client.get(url).content.decode()
    found = NAV_LINK.search(body)
    assert found, f"no navigation on {url}"
    return [(href, label) for href, label in LINK.findall(found.group(1))]


def _pages_without_parameters() -> list[str]:
    """Every staff page of the site whose URL needs no parameter (GET-able list and form pages)."""
    out: list[str] = []

    def walk(patterns: Any, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name and "<" not in str(p.pattern):
                name = f"{namespace}:{p.name}" if namespace else p.name
                out.append(name)

    walk(get_resolver().url_patterns, "", "")
    skip = ("admin", "family", "accounts", "set_language", "api")  # not staff work pages
    return sorted({n for n in out if not n.startswith(skip) and "." not in reverse(n)})


def _client(make_user: Any, role: str) -> tuple[Client, Any]:
    user = make_user(role, f"{role}-nav")
    client = Client()
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("role", list(EXPECTED_NAV))
def test_each_role_sees_exactly_the_pages_it_can_open(make_user: Any, role: str) -> None:
    client, _user = _client(make_user, role)
    shown = _nav(client)
    assert [label for _href, label in shown] == EXPECTED_NAV[role]
    for href, label in shown:
        assert client.get(href).status_code == 200, f"{role}: the link {label} ({href}) does not open"
    linked = {href for href, _label in shown}
    in_table = {navigation.access(e.url_name)[0] for e in navigation.NAV}
    for name in _pages_without_parameters():
        url = reverse(name)
        if url in linked:
            continue
        status = client.get(url).status_code
        if url in in_table:  # a page of the navigation the role is not shown must be closed to it
            assert status == 403, f"{role}: {name} ({url}) is left out of the navigation but answers {status}"
        else:  # a page outside the navigation: never a bare refusal page
            assert status in (200, 302, 403, 405), f"{role}: {name} ({url}) answers {status}"


def test_the_administrator_sees_every_entry_and_each_opens(make_user: Any) -> None:
    client, _user = _client(make_user, "admin")
    shown = _nav(client)
    assert [label for _h, label in shown] == [str(e.label) for e in navigation.NAV]
    for href, label in shown:
        assert client.get(href).status_code == 200, f"admin: {label} ({href})"


def test_the_current_page_is_marked(make_user: Any) -> None:
    client, _user = _client(make_user, "registrar")
    body = client.get(reverse("exchanges:operations")).content.decode()
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', NAV_LINK.search(body).group(1))
    assert current == [reverse("exchanges:operations")]


def test_the_nav_and_the_view_share_one_check() -> None:
    """Every entry's view carries its page check (``page_requires``), except the dashboard (log-in only)."""
    for entry in navigation.NAV:
        _url, check = navigation.access(entry.url_name)
        assert check is not None or entry.url_name == "dashboard", entry.url_name


# --- error pages -------------------------------------------------------------------------------------


def test_403_is_a_page_with_navigation_an_explanation_and_a_way_on(make_user: Any) -> None:
    client, _user = _client(make_user, "dna_analyst")
    response = client.get(reverse("captivity:wounded"), HTTP_REFERER="http://testserver/registry/search/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Your role does not allow this page" in body and "ask an administrator" in body
    assert NAV_LINK.search(body) and 'href="/"' in body
    assert 'href="/registry/search/">Back to the previous page' in body
    assert "captivity.view_health" not in body  # no internal codes
    assert "<title>Not allowed · Homecoming</title>" in body


def test_403_and_404_in_ukrainian(make_user: Any) -> None:
    client, _user = _client(make_user, "dna_analyst")
    body = client.get(reverse("captivity:wounded"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Ваша роль не дозволяє відкрити цю сторінку" in body
    body = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "За цією адресою немає сторінки" in body and "Огляд" in body


def test_404_is_a_page_with_navigation(make_user: Any) -> None:
    client, _user = _client(make_user, "registrar")
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no page at this address" in body and NAV_LINK.search(body)
    assert 'href="/registry/search/"' in body  # the registrar may search: a way on


def test_the_family_portal_404_keeps_its_own_look() -> None:
    body = Client().get(reverse("family:home") + "no-such-page/").content.decode()
    assert "There is no page at this address" in body and "Log out" not in body


def test_the_api_keeps_its_json_errors(make_user: Any, api: Any) -> None:
    user = make_user("dna_analyst", "analyst-api")
    response = api(user).get("/api/v1/no-such-endpoint")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    from homecoming.app.error_pages import permission_denied

    request = RequestFactory().get("/api/v1/persons")
    denied = permission_denied(request, PermissionError("registry.view_person"))
    assert denied.status_code == 403 and b'"permission_denied"' in denied.content


def test_the_500_page_is_drawn_even_when_the_context_fails(settings: Any) -> None:
    from homecoming.app.error_pages import server_error

    request = RequestFactory().get("/registry/search/")
    request.user = None  # type: ignore[assignment]  # the context processors fail on it
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"]}},
    ]
    settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = [
        *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
        "tests.app.test_navigation.broken_processor",
    ]
    response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on the server" in body and 'href="/"' in body


def broken_processor(request: Any) -> dict[str, Any]:
    raise RuntimeError("the database is gone")


# --- dashboard ---------------------------------------------------------------------------------------

SECTION = re.compile(r'<section class="card work" id="([^"]+)">')


def _sections(client: Client) -> list[str]:
    return SECTION.findall(client.get("/").content.decode())


@pytest.mark.parametrize(("role", "sections"), list(EXPECTED_SECTIONS.items()))
def test_each_role_has_its_own_work_lists(make_user: Any, role: str, sections: list[str]) -> None:
    client, _user = _client(make_user, role)
    assert _sections(client) == sections
    body = client.get("/").content.decode()
    if role == Role.dna_analyst:
        assert 'id="batches-waiting"' in body
    if role == Role.auditor:
        assert 'id="no-work"' in body and 'id="overview"' in body


def test_a_user_with_two_roles_sees_both_roles_work(make_user: Any) -> None:
    from django.contrib.auth.models import Group

    user = make_user("registrar", "two-roles")
    user.groups.add(Group.objects.get(name=Role.forensic_examiner.value))
    client = Client()
    client.force_login(user)
    assert _sections(client) == [
        "overdue-cards",
        "overdue-health",
        "my-claims",
        "waiting-examination",
        "waiting-sampling",
    ]


def _held(registrar: Any, n: int) -> Any:
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry

    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1990", "power": "UA"},
        names=[{"family_name": "Тестовий", "given_name": f"Іван {n}"}],
    )
    captivity.create_detention(
        actor=registrar,
        person=person,
        data={"detaining_power": "RU", "capture_date": date.today() - timedelta(days=30 + n)},
    )
    return person


def test_the_overdue_cards_are_bounded_with_a_count_and_see_all(make_user: Any) -> None:
    registrar = make_user("registrar", "reg-bounded")
    for n in range(12):
        _held(registrar, n)
    client = Client()
    client.force_login(registrar)
    body = client.get("/").content.decode()
    section = body[
        body.index('id="overdue-cards"') : body.index("</section>", body.index('id="overdue-cards"'))
    ]
    assert section.count('href="/registry/persons/') == worklists.DASHBOARD_ROWS
    assert '<span class="badge">24</span>' in section  # two cards (family, agency) per prisoner
    assert f'href="{reverse("captivity:overdue_cards")}">See all 24' in section
    full = client.get(reverse("captivity:overdue_cards")).content.decode().split("<main>")[1]
    assert full.count('href="/registry/persons/') == 24


def test_every_link_of_each_dashboard_opens(make_user: Any) -> None:
    """The "see all" links and the rows' links of every role's dashboard open for that role."""
    registrar = make_user("registrar", "reg-links")
    _held(registrar, 1)
    for role in EXPECTED_NAV:
        client, _user = _client(make_user, role)
        body = client.get("/").content.decode()
        main = body[body.index("<main>") :]
        for href in set(re.findall(r'href="(/[^"]*)"', main)):
            href = href.replace("&amp;", "&")
            assert client.get(href).status_code == 200, f"{role}: {href}"


def test_every_page_has_its_own_title() -> None:
    """No page is titled "Homecoming · Homecoming": every template drawn in base.html names itself."""
    from pathlib import Path

    import homecoming.app

    root = Path(homecoming.app.__file__).parent / "templates"
    untitled = [
        str(t.relative_to(root))
        for t in root.rglob("*.html")
        if '{% extends "base.html" %}' in (text := t.read_text(encoding="utf-8"))
        and "{% block title %}" not in text
    ]
    assert not untitled, untitled


def test_the_header_names_the_roles_in_the_users_language(make_user: Any) -> None:
    user = make_user("exchange_coordinator", "olena")
    client = Client()
    client.force_login(user)
    header = client.get("/", HTTP_ACCEPT_LANGUAGE="uk").content.decode().split("<main>")[0]
    assert "exchange_coordinator" not in header and "Координатор обміну" in header
