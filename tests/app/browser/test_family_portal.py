"""The family portal in a real browser, phone-sized (issue 13): a family asks in Ukrainian, a liaison
officer releases an answer, the family reads it with its code and secret; a wrong secret shows nothing.

The family switches the portal to Ukrainian with its language buttons (no JavaScript needed), fills the
form by its Ukrainian labels, and is given a code and a secret. The liaison officer finds the request in
the queue and releases a text. The family, in a fresh browser, posts the pair and reads the text. All
names are synthetic.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import PASSWORD, _finish, _start
from .test_remains_flow import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ANSWER = "Синтетична відповідь: особу зареєстровано як військовополоненого."


@pytest.fixture(scope="session")
def portal_liaison(server: Any, _database: dict[str, str]) -> str:
    _finish(
        _start(
            ["createuser", "portal-liaison", "--role", "family_liaison", "--password", PASSWORD], _database
        ),
        "createuser portal-liaison",
    )
    return "portal-liaison"


def _family_page(browser: Any, server: Any) -> Any:
    context = browser.new_context(viewport=PHONE, base_url=server.url, locale="en-GB", is_mobile=True)
    return context.new_page()


def test_a_family_asks_in_ukrainian_and_reads_the_released_answer(
    page: Any, browser: Any, server: Any, portal_liaison: str
) -> None:
    from playwright.sync_api import expect

    family = _family_page(browser, server)
    try:
        family.goto("/family/")
        expect(family.locator("h1")).to_have_text("Looking for a relative")
        with family.expect_navigation():
            family.get_by_role("button", name="Українська").click()
        expect(family.locator("html")).to_have_attribute("lang", "uk")
        expect(family.locator("h1")).to_have_text("Пошук рідної людини")
        # one column on a phone: nothing wider than the screen
        width = family.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        family.get_by_role("link", name="Подати запит на розшук").first.click()

        # a first try without a way to reach the family: named on its field, in Ukrainian
        family.get_by_label("Ваше повне ім'я (обов'язково)").fill("Ганна Синтетична")
        family.get_by_label("Ким ви доводитеся особі, яку шукаєте (обов'язково)").fill("мати")
        family.get_by_label("Прізвище (обов'язково)").fill("Тестовенко")
        family.get_by_label("Ім'я", exact=True).fill("Богдан")
        family.get_by_label("Дата народження").fill("1999-02")
        with family.expect_navigation():
            family.get_by_role("button", name="Надіслати запит").click()
        errors = family.locator("#id_enquirer_phone_errors")
        expect(errors).to_contain_text("нам потрібен спосіб зв'язатися з вами")
        expect(family.locator("#id_enquirer_phone")).to_have_attribute("aria-invalid", "true")

        family.get_by_label("Телефон").fill("+380 44 000 12 34")
        family.get_by_label("Родичі, які могли б здати зразок ДНК для порівняння").fill("мати, батько")
        with family.expect_navigation():
            family.get_by_role("button", name="Надіслати запит").click()
        expect(family.locator("h1")).to_have_text("Ваш запит отримано")
        code = family.locator("#request-code").inner_text().strip()
        secret = family.locator("#request-secret").inner_text().strip()
        assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", code), code
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", secret), secret
    finally:
        family.context.close()

    # the liaison officer finds the request and releases an answer
    log_in(page, portal_liaison, server.password)
    page.goto("/tracing/requests/")
    row = page.locator("tr", has_text="ТЕСТОВЕНКО Богдан")
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    expect(page.locator("#contacts")).to_contain_text("+380440001234")  # stored in E.164
    page.locator("#release-form textarea").fill(ANSWER)
    with page.expect_navigation():
        page.locator("#release-form button").click()
    expect(page.locator("main")).to_contain_text(ANSWER)

    # the family, in a fresh browser (its language chosen again), reads it with code and secret
    family = _family_page(browser, server)
    try:
        family.goto("/family/status/")
        with family.expect_navigation():
            family.get_by_role("button", name="Українська").click()
        family.get_by_label("Код запиту").fill(code)
        family.get_by_label("Секретний ключ").fill("AAAA-BBBB-CCCC")
        with family.expect_navigation():
            family.get_by_role("button", name="Показати стан").click()
        expect(family.locator("#problems")).to_contain_text("не відкривають жодного запиту")
        expect(family.locator("main")).not_to_contain_text(ANSWER)

        family.get_by_label("Код запиту").fill(code.lower())
        family.get_by_label("Секретний ключ").fill(secret)
        with family.expect_navigation():
            family.get_by_role("button", name="Показати стан").click()
        assert code not in family.url and secret not in family.url
        expect(family.locator("h1")).to_have_text("Стан вашого запиту")
        expect(family.locator("#request-state")).to_contain_text("Надано відповідь")
        expect(family.locator("#releases")).to_contain_text(ANSWER)
        expect(family.locator("main")).not_to_contain_text("Тестовенко")
    finally:
        family.context.close()


@pytest.fixture(scope="session")
def registry_soldier(server: Any, _database: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    """A registry person written in Ukrainian (the family below writes in Russian)."""
    csv = tmp_path_factory.mktemp("portal-person") / "persons.csv"
    csv.write_text(
        "family_name,given_name,patronymic,sex,birth_date\nГрабовецький,Олександр,Петрович,male,1994-07-12\n",
        encoding="utf-8",
    )
    _finish(_start(["import", "persons", str(csv), "--as", "registrar"], _database), "import persons")
    return "ГРАБОВЕЦЬКИЙ"


def test_a_russian_request_is_matched_across_scripts_and_answered(
    page: Any, browser: Any, server: Any, portal_liaison: str, registry_soldier: str
) -> None:
    from playwright.sync_api import expect

    family = _family_page(browser, server)
    try:
        family.goto("/family/request/")
        with family.expect_navigation():
            family.get_by_role("button", name="Русский").click()
        expect(family.locator("h1")).to_have_text("Подать запрос на розыск")
        family.get_by_label("Ваше полное имя (обязательно)").fill("Нина Синтетическая")
        family.get_by_label("Кем вы приходитесь человеку, которого ищете (обязательно)").fill("мать")
        family.get_by_label("Электронная почта").fill("nina.synth@example.invalid")
        family.get_by_label("Фамилия (обязательно)").fill("Грабовецкий")
        family.get_by_label("Имя", exact=True).fill("Александр")
        family.get_by_label("Отчество").fill("Петрович")
        family.get_by_label("Дата рождения").fill("1994")
        with family.expect_navigation():
            family.get_by_role("button", name="Отправить запрос").click()
        expect(family.locator("h1")).to_have_text("Ваш запрос получен")
        expect(family.locator("main")).to_contain_text("Мы также отправили код и секретный ключ")
        code = family.locator("#request-code").inner_text().strip()
        secret = family.locator("#request-secret").inner_text().strip()
    finally:
        family.context.close()

    # the liaison sees the Ukrainian registry person as the best candidate, confirms and links, answers
    log_in(page, portal_liaison, server.password)
    page.goto("/tracing/requests/")
    with page.expect_navigation():
        page.locator("tr", has_text="ГРАБОВЕЦКИЙ Александр").get_by_role("link").first.click()
    best = page.locator("#candidates tbody tr").first
    expect(best).to_contain_text(registry_soldier)
    expect(best).to_contain_text("surname, given name, patronymic, date of birth")
    with page.expect_navigation():
        best.get_by_role("button", name="Link").click()
    expect(page.locator(".messages")).to_contain_text("confirm")  # not confirmed: nothing linked
    expect(page.locator("#linked-person")).to_have_text("—")
    best = page.locator("#candidates tbody tr").first
    best.get_by_label("confirmed").check()
    with page.expect_navigation():
        best.get_by_role("button", name="Link").click()
    expect(page.locator("#linked-person")).to_contain_text(registry_soldier)
    page.locator("#release-form textarea").fill("Синтетический ответ: он найден в реестре.")
    with page.expect_navigation():
        page.locator("#release-form button").click()

    family = _family_page(browser, server)
    try:
        family.goto("/family/status/")
        with family.expect_navigation():
            family.get_by_role("button", name="Русский").click()
        family.get_by_label("Код запроса").fill(code)
        family.get_by_label("Секретный ключ").fill(secret)
        with family.expect_navigation():
            family.get_by_role("button", name="Показать состояние").click()
        expect(family.locator("#request-state")).to_contain_text("Дан ответ")
        expect(family.locator("#releases")).to_contain_text("Синтетический ответ: он найден в реестре.")
        expect(family.locator("main")).not_to_contain_text(registry_soldier)
    finally:
        family.context.close()
