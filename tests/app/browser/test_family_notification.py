"""The family's side of a notification of death, in a real browser on a phone-sized window (issue 13).

* A family asks in Russian (the portal switched with its language buttons), is given a code and a secret
  and reads its request's state with them — in Russian, no English word on those pages.
* A liaison officer (desktop window) finds the request in the queue and links it to the registry person
  from the candidate list, with the person's missing case. The person has a signed identification and a
  family to notify (built in the server's database by ``identified_world.py`` with the services and the
  report tests' builders, nothing mocked). Until the officer records the notification the family's status
  page shows no news; the officer records the contact in person, with the words for the family, on the
  notification page; the family then reads exactly those words. The family is an enquirer of the case.
* A wrong secret shows the same page as an unknown code: no request data.
* The rate limit holds: a second server on the same database, with a limit of a few look-ups, refuses
  the right pair too after repeated wrong ones, with the translated message, until the limit passes.

All names are synthetic.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    PASSWORD,
    TIMEOUT_SECONDS,
    Server,
    _command,
    _free_port,
    _wait_until_answering,
)
from .identified_world import SURNAME
from .test_remains_flow import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WORDS = "Синтетические слова: ваш сын опознан. Мы рядом с вами, позвоните нам в любое время."
NO_NEWS = "Сообщений пока нет. Мы напишем здесь, как только сможем что-то сообщить."
WRONG = "не открывают ни одного запроса"
LIMIT = 3  # status look-ups per address and per code on the limited server
WINDOW = 20  # seconds


@pytest.fixture(scope="module")
def identified(server: Server, _database: dict[str, str]) -> dict[str, Any]:
    """A person with a case and a signed identification (a family to notify), in the server's database."""
    script = Path(__file__).with_name("identified_world.py")
    done = subprocess.run(
        [sys.executable, str(script), PASSWORD],
        env=_database,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"identified_world.py failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _phone(browser: Any, url: str) -> Any:
    context = browser.new_context(viewport=PHONE, base_url=url, locale="ru-RU", is_mobile=True)
    context.set_default_timeout(TIMEOUT_SECONDS * 1000)
    context.set_default_navigation_timeout(TIMEOUT_SECONDS * 1000)
    return context.new_page()


def _russian(family: Any, path: str) -> None:
    """Open ``path`` and switch the portal to Russian with its language button."""
    from playwright.sync_api import expect

    family.goto(path)
    with family.expect_navigation():
        family.get_by_role("button", name="Русский").click()
    expect(family.locator("html")).to_have_attribute("lang", "ru")


def _no_english(family: Any, *allowed: str) -> None:
    """No Latin-script word in the visible text, but for names: the system's (Homecoming), the language
    buttons' own, the photo formats' (JPEG, PNG, WebP), a key's (Ctrl), and ``allowed`` (the code and
    the secret, an e-mail address the family typed)."""
    text = family.locator("body").inner_text()
    for keep in (*allowed, "English", "Homecoming", "JPEG", "PNG", "WebP", "Ctrl"):
        text = text.replace(keep, " ")
    words = re.findall(r"[A-Za-z]{2,}", text)
    assert not words, f"English words on {family.url}: {words}"


def _ask(family: Any, *, given: str, email: str) -> tuple[str, str]:
    """Submit a request in Russian about SURNAME; the code and secret shown once."""
    from playwright.sync_api import expect

    _russian(family, "/family/")
    _no_english(family)
    with family.expect_navigation():
        family.get_by_role("link", name="Подать запрос на розыск").first.click()
    expect(family.locator("h1")).to_have_text("Подать запрос на розыск")
    _no_english(family)
    assert family.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    family.get_by_label("Ваше полное имя (обязательно)").fill("Вера Синтетическая")
    family.get_by_label("Кем вы приходитесь человеку, которого ищете (обязательно)").fill("мать")
    family.get_by_label("Электронная почта").fill(email)
    family.get_by_label("Фамилия (обязательно)").fill(SURNAME)
    family.get_by_label("Имя", exact=True).fill(given)
    family.get_by_label("Отчество").fill("Николаевич")
    family.get_by_label("Дата рождения").fill("1992")
    with family.expect_navigation():
        family.get_by_role("button", name="Отправить запрос").click()
    expect(family.locator("h1")).to_have_text("Ваш запрос получен")
    code = family.locator("#request-code").inner_text().strip()
    secret = family.locator("#request-secret").inner_text().strip()
    _no_english(family, code, secret, email)
    return code, secret


def _look_up(family: Any, code: str, secret: str) -> Any:
    """Post the pair on the status form (already in Russian); the response of the page it leads to."""
    family.get_by_label("Код запроса").fill(code)
    family.get_by_label("Секретный ключ").fill(secret)
    with family.expect_navigation() as navigation:
        family.get_by_role("button", name="Показать состояние").click()
    return navigation.value


def _status(browser: Any, url: str, code: str, secret: str) -> Any:
    """A fresh phone browser that opens the request's status page in Russian."""
    from playwright.sync_api import expect

    family = _phone(browser, url)
    _russian(family, "/family/status/")
    _look_up(family, code, secret)
    expect(family.locator("h1")).to_have_text("Состояние вашего запроса")
    assert code not in family.url and secret not in family.url
    return family


def test_a_russian_family_reads_the_words_the_officer_chose_once_the_notification_is_recorded(
    page: Any, browser: Any, server: Server, identified: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    email = "vera.synth@example.invalid"
    family = _phone(browser, server.url)
    try:
        code, secret = _ask(family, given="Андрей", email=email)
    finally:
        family.context.close()

    family = _status(browser, server.url, code, secret)
    try:
        expect(family.locator("#request-state")).to_have_text("Получен: ожидает офицера по связям с семьями")
        expect(family.locator("#releases")).to_have_text(NO_NEWS)
        _no_english(family, code)
    finally:
        family.context.close()

    # the liaison officer links the request to the registry person, with the person's case
    log_in(page, identified["liaison"], server.password)
    page.goto("/tracing/requests/")
    with page.expect_navigation():
        page.locator("tr", has_text=f"{SURNAME.upper()} Андрей").get_by_role("link").first.click()
    best = page.locator("#candidates tbody tr", has_text=identified["person"])
    expect(best).to_have_count(1)
    expect(best.locator("select[name=case]")).to_have_value(identified["case"])
    best.get_by_label("confirmed").check()
    with page.expect_navigation():
        best.get_by_role("button", name="Link").click()
    expect(page.locator("#linked-person")).to_contain_text(identified["person"])
    expect(page.locator("#linked-person")).to_contain_text(identified["case"])
    reference = page.locator("h1").inner_text().split()[2]

    # the case now lists the family as an enquirer, read through the request, linked to it
    page.goto(f"/registry/persons/{identified['person_id']}/")
    enquirer = page.locator(".enquirer", has_text=reference)
    expect(enquirer).to_contain_text("Вера Синтетическая")
    expect(enquirer).to_contain_text(email)
    expect(enquirer.get_by_role("link", name=reference)).to_have_count(1)

    # linked, identified, not yet notified: the family sees no news
    family = _status(browser, server.url, code, secret)
    try:
        expect(family.locator("#request-state")).to_have_text(
            "Офицер по связям с семьями работает с вашим запросом"
        )
        expect(family.locator("#releases")).to_have_text(NO_NEWS)
        expect(family.locator("main")).not_to_contain_text("опознан")
    finally:
        family.context.close()

    # the officer records the notification, in person, with the words for the family
    page.goto(f"/identification/notify/{identified['notification_id']}/")
    form = page.locator("#contact-form")
    form.locator("#id_purpose").select_option("notification")
    form.locator("#id_method").select_option("in_person")
    form.locator("#id_place").fill("дома у семьи (synthetic)")
    form.locator("#id_informed_name").fill("Вера Синтетическая")
    form.locator("#id_informed_relation").fill("мать")
    form.locator("#id_support_psychological").check()
    form.locator("#id_message_language").select_option("ru")
    form.locator("#id_message").fill(WORDS)
    # the words go to the request of the family member told (the page lists the families who asked)
    expect(page.locator("#linked-requests")).to_contain_text(reference)
    told = form.locator("#id_request option", has_text=reference).get_attribute("value")
    assert told
    form.locator("#id_request").select_option(told)
    with page.expect_navigation():
        form.get_by_role("button", name="Record the contact").click()
    expect(page.locator("#contact-1")).to_contain_text(WORDS)

    # the family reads exactly those words, in Russian
    family = _status(browser, server.url, code, secret)
    try:
        expect(family.locator("#releases .text")).to_have_text(WORDS)
        expect(family.locator("#releases li")).to_have_count(1)
        _no_english(family, code)
    finally:
        family.context.close()


def test_a_wrong_secret_shows_nothing_as_an_unknown_code_does(browser: Any, server: Server) -> None:
    from playwright.sync_api import expect

    email = "wrong.synth@example.invalid"
    family = _phone(browser, server.url)
    try:
        code, secret = _ask(family, given="Вадим", email=email)
        _russian(family, "/family/status/")
        wrong_secret = "AAAA-BBBB-CCCC" if secret != "AAAA-BBBB-CCCC" else "DDDD-EEEE-FFFF"
        _look_up(family, code, wrong_secret)
        expect(family.locator("#problems")).to_contain_text(WRONG)
        shown_for_wrong_secret = family.locator("main").inner_text()
        _look_up(family, "ZZZZZ-ZZZZZ", wrong_secret)
        expect(family.locator("#problems")).to_contain_text(WRONG)
        assert family.locator("main").inner_text() == shown_for_wrong_secret
        for data in (SURNAME, "Вадим", "Вера", email, "Получен"):
            assert data not in shown_for_wrong_secret
        expect(family.locator("#request-state")).to_have_count(0)
        expect(family.locator("#releases")).to_have_count(0)
    finally:
        family.context.close()


@pytest.fixture(scope="module")
def limited_server(server: Server, _database: dict[str, str], tmp_path_factory: Any) -> Iterator[str]:
    """A second ``homecoming serve`` on the same (migrated) database whose status look-ups are limited to
    LIMIT per WINDOW seconds per address and per code: its own counters, the first server's untouched."""
    env = {**_database, "HOMECOMING_TRACING_STATUS_RATE_LIMIT": f"{LIMIT}/{WINDOW}"}
    port = _free_port()
    log = tmp_path_factory.mktemp("limited-server") / "server.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            _command() + ["serve", "--port", str(port), "--threads", "2", "--no-worker"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_answering(f"{url}/family/", process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_the_rate_limit_refuses_even_the_right_pair_until_it_passes(
    browser: Any, limited_server: str
) -> None:
    from playwright.sync_api import expect

    family = _phone(browser, limited_server)
    try:
        code, secret = _ask(family, given="Тимофей", email="limit.synth@example.invalid")
        _russian(family, "/family/status/")
        for _ in range(LIMIT):
            assert _look_up(family, code, "AAAA-BBBB-CCCC").status == 200
            expect(family.locator("#problems")).to_contain_text(WRONG)
        refused = _look_up(family, code, secret)  # the right pair, past the limit
        assert refused.status == 429
        expect(family.locator("h1")).to_have_text("Слишком много попыток")
        expect(family.locator("main")).to_contain_text("Подождите 1 минуту и попробуйте снова")
        expect(family.locator("#request-state")).to_have_count(0)
        _no_english(family)
        retry_after = int(refused.headers["retry-after"])
        assert 0 < retry_after <= WINDOW

        # the limit passes when the server said it would (Retry-After): then the right pair opens it
        family.wait_for_timeout(retry_after * 1000)
        _russian(family, "/family/status/")
        assert _look_up(family, code, secret).status == 200
        expect(family.locator("h1")).to_have_text("Состояние вашего запроса")
        expect(family.locator("#request-state")).to_have_text("Получен: ожидает офицера по связям с семьями")
    finally:
        family.context.close()
