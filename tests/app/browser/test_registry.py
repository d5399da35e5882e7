"""The registry in a real browser, as a registrar uses it: log in, record, find, record captivity.

Everything goes through the pages (forms filled, buttons clicked) of a server started by
``homecoming serve``; see conftest.py. All names are synthetic. The person page of the first test is
the README's screenshot: ``HOMECOMING_UPDATE_SCREENSHOT=1 pytest tests/app/browser -k records`` rewrites
docs/screenshot.png.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

# the README's screenshot; rewritten only with HOMECOMING_UPDATE_SCREENSHOT=1 (else into a temporary folder)
SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshot.png"
FAMILY, GIVEN, PATRONYMIC = "Бондаренко", "Андрій", "Миколайович"


def shown(day: date) -> str:
    """A date as the English pages show it (Django's DATE_FORMAT, e.g. "Nov. 14, 2026")."""
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("en"):
        return date_format(day)


def log_in(page: Any, username: str, password: str, *, succeeds: bool = True) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    if succeeds and "/accounts/login/" in page.url:
        errors = page.locator(".errors").all_inner_texts()
        raise AssertionError(f"{username} could not log in with the right password: {errors}")


def record_person(
    page: Any,
    *,
    names: tuple[str, str, str] = (FAMILY, GIVEN, PATRONYMIC),
    born: str = "1994-08-21",
    service_number: str = "B417302",
) -> str:
    """Fill the new-person form with a Cyrillic name; return the person page's path. Tests sharing the
    server record different persons (the same one twice is refused as already registered)."""
    page.get_by_role("link", name="New person").click()
    page.fill("#id_names-0-family_name", names[0])
    page.fill("#id_names-0-given_name", names[1])
    page.fill("#id_names-0-patronymic", names[2])
    page.select_option("#id_sex", "male")
    page.fill("#id_birth_date", born)
    page.fill("#id_place_of_birth", "Полтава")
    page.select_option("#id_citizenship", "UA")  # a select of the countries
    page.fill("#id_father_name", "Микола")
    page.fill("#id_mother_maiden_name", "Ткаченко")
    page.select_option("#id_power", "UA")
    page.fill("#id_force", "Armed Forces of Ukraine")
    page.fill("#id_unit", "72nd Brigade")
    page.fill("#id_rank", "junior sergeant")
    page.fill("#id_service_number", service_number)
    page.fill("#id_identity_document", f"ID-{service_number}")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    if not re.search(r"/registry/persons/\d+/$", page.url):  # the form again: say why, not just a timeout
        shown = page.locator(".errors, .messages, [role=alert]").all_inner_texts()
        if not shown:
            page.wait_for_url(re.compile(r"/registry/persons/\d+/$"))
        else:
            raise AssertionError(f"the new person was not saved: {shown}")
    return page.url


def test_registrar_records_a_person_finds_them_by_latin_spelling_and_records_a_capture_card(
    page: Any, server: Any, tmp_path: Path
) -> None:
    log_in(page, "registrar", server.password)
    assert page.get_by_role("heading", name="Dashboard").is_visible()

    person_url = record_person(page)
    assert "recorded" in page.locator("ul.messages").inner_text()
    names = page.locator("#names").inner_text()
    assert "БОНДАРЕНКО Андрій Миколайович" in names
    assert "BONDARENKO Andrii Mykolaiovych" in names  # the automatic transliteration (uk 2010)
    reference = page.locator("h1").inner_text().split()[0]
    assert re.fullmatch(r"P-\d+", reference)

    # found by a Latin spelling other than the stored one (Andriy, not Andrii), lower case
    page.get_by_role("link", name="Search").click()
    page.fill("#id_q", "bondarenko andriy")
    page.get_by_role("button", name="Search").click()
    result = page.locator("#results").get_by_role("link", name=reference)
    result.wait_for()
    assert page.locator("#results tr").count() == 2  # the header and one person
    result.click()
    page.wait_for_url(person_url)
    assert page.locator("#captivity").get_by_text("No detention recorded.").is_visible()

    captured = date.today() - timedelta(days=12)
    page.get_by_role("link", name="Record detention").click()
    page.select_option("#id_detaining_power", "RU")
    page.fill("#id_capture_date", captured.isoformat())
    page.fill("#id_capture_place", "near Vovchansk")
    page.fill("#id_internment_number", "RU-40112")
    page.fill("#id_current_place", "Camp No. 7")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(person_url)
    assert "Detention recorded." in page.locator("ul.messages").inner_text()

    page.get_by_role("link", name="Record capture card").click()
    # the card is prefilled from the registry
    assert page.input_value("#id_family_name") == FAMILY
    assert page.input_value("#id_first_names") == f"{GIVEN} {PATRONYMIC}"
    assert page.input_value("#id_service_number") == "B417302"
    page.select_option("#id_health", index=1)
    page.fill("#id_family_address", "(synthetic address) Poltava")
    page.fill("#id_card_date", (captured + timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(person_url)
    assert "Capture card recorded." in page.locator("ul.messages").inner_text()

    cards = page.locator("table.cards").inner_text()
    assert f"{FAMILY} {GIVEN} {PATRONYMIC}" in cards
    assert shown(captured + timedelta(days=4)) in cards
    assert "not sent" in cards
    events = page.locator("table.events").inner_text()
    assert shown(captured) in events and "near Vovchansk" in events

    # a sourced status claim, submitted for review
    page.get_by_text("Submit a status claim").click()
    page.select_option("#id_status", "captive")
    page.select_option("#id_source_type", "icrc")
    page.fill("#id_source_name", "ICRC notification (synthetic)")
    page.fill("#id_source_date", (captured + timedelta(days=9)).isoformat())
    page.select_option("#id_reliability", "B")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(person_url)
    claims = page.locator("#assertions").inner_text()
    assert "captive" in claims and "ICRC notification (synthetic)" in claims and "submitted" in claims

    page.reload()  # without the one-off message, as a person would see it later
    update = os.environ.get("HOMECOMING_UPDATE_SCREENSHOT") == "1"
    shot = SCREENSHOT if update else tmp_path / "screenshot.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_switching_to_ukrainian_translates_the_dashboard(page: Any, server: Any) -> None:
    log_in(page, "auditor", server.password)
    heading = page.locator("main h1")
    assert heading.inner_text() == "Dashboard"
    with page.expect_navigation():
        page.select_option("select[name=language]", "uk")
    assert page.locator("html").get_attribute("lang") == "uk"
    text = heading.inner_text()
    assert text != "Dashboard"
    assert re.search(r"[а-яіїєґ]", text.lower()), f"the dashboard heading is not Ukrainian: {text!r}"
    assert re.search(r"[а-яіїєґ]", page.locator("header nav").inner_text().lower())


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(page: Any, server: Any) -> None:
    messages = []
    for username, password in (("registrar", "not-the-password-1"), ("nobody-here", "not-the-password-1")):
        log_in(page, username, password, succeeds=False)
        assert page.url.endswith("/accounts/login/")
        alert = page.get_by_role("alert")
        alert.wait_for()
        messages.append(alert.inner_text().strip())
    assert messages[0], "no message shown for a wrong password"
    assert messages[0] == messages[1]
    assert "registrar" not in messages[0] and "nobody-here" not in messages[0]


def test_pages_load_their_stylesheet_and_htmx_without_debug(page: Any, server: Any) -> None:
    """DEBUG is off, as in production: whitenoise must serve the static files the pages link to."""
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if "/static/" in r.url and r.status >= 400 else None,
    )
    page.goto("/accounts/login/")
    page.wait_for_load_state("load")
    assert failed == []
    assert page.evaluate("typeof window.htmx") == "object"
    # site.css gives the page its layout: the body has no default 8 px margin any more
    assert page.evaluate("getComputedStyle(document.body).margin") != "8px"
