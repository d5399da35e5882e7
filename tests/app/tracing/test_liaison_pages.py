"""The liaison's pages as a Ukrainian officer reads them: every request reachable (pages, search by
reference, name in any script or service number), only the state changes allowed offered, no English
text or internal code in the request's history, candidates, evidence and releases, and the generic
"we are searching" text only while the registry confirms nothing."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homecoming.app.captivity import services as captivity
from homecoming.app.registry import services as registry
from homecoming.app.tracing import confirmations, portal, services, views
from homecoming.app.tracing.forms import TransitionForm
from homecoming.app.tracing.models import TracingRequest

pytestmark = pytest.mark.django_db


def _ask(form_data: dict[str, str], family_name: str, **changes: str) -> TracingRequest:
    data = {**form_data, "family_name": family_name, "service_number": "", **changes}
    return portal.submit(data=data, language="uk").request


def _ukrainian(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    client.force_login(user)
    client.cookies["django_language"] = "uk"
    return client


def _references(page: str) -> list[str]:
    return re.findall(r">(TR-[^<]+)</a>", page)


@pytest.fixture
def soldier(registrar: Any) -> Any:
    """A soldier of the other party, held by Ukraine (synthetic)."""
    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1990-05-17", "power": "RU", "service_number": "ZX-440011"},
        names=[{"family_name": "Синтетюк", "given_name": "Григорій", "patronymic": "Іванович"}],
    )
    captivity.create_detention(
        actor=registrar,
        person=person,
        data={
            "detaining_power": "UA",
            "capture_date": timezone.localdate() - timedelta(days=40),
            "internment_number": "UA-82757",
        },
    )
    return person


def test_every_request_is_reachable_page_by_page_keeping_the_tab(
    form_data: dict[str, str], liaison: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "QUEUE_ROWS", 2)
    asked = [_ask(form_data, f"Синтетенко{'абвгд'[i]}") for i in range(5)]
    client = _ukrainian(liaison)
    first = client.get(reverse("tracing:queue"), {"state": "received"}).content.decode()
    assert _references(first) == [r.reference for r in asked[:2]]  # oldest first: a work queue
    assert 'id="pages"' in first and "сторінка 1 з 3" in first
    assert "?state=received&amp;page=2" in first
    last = client.get(reverse("tracing:queue"), {"state": "received", "page": "3"}).content.decode()
    assert _references(last) == [asked[4].reference]  # the newest request is reachable
    seen = set()
    for number in (1, 2, 3):
        page = client.get(reverse("tracing:queue"), {"page": str(number)}).content.decode()
        seen |= set(_references(page))
    assert seen == {r.reference for r in asked}
    services.assign(actor=liaison, request_id=asked[0].pk, user_id=liaison.pk)
    services.assign(actor=liaison, request_id=asked[3].pk, user_id=liaison.pk)
    services.assign(actor=liaison, request_id=asked[4].pk, user_id=liaison.pk)
    mine = client.get(reverse("tracing:queue"), {"mine": "1", "page": "2"}).content.decode()
    assert _references(mine) == [asked[4].reference] and "?mine=1&amp;page=1" in mine


def test_the_search_finds_by_reference_name_in_any_script_and_service_number(
    form_data: dict[str, str], liaison: Any
) -> None:
    wanted = _ask(form_data, "Ковальчук", given_name="Григорій", service_number="ua 7654321")
    _ask(form_data, "Шевчишин", given_name="Петро")
    closed = _ask(form_data, "Бондарчук")
    services.transition(actor=liaison, request_id=closed.pk, state="closed", reason="withdrawn (synthetic)")
    client = _ukrainian(liaison)

    def found(query: str, **more: str) -> list[str]:
        page = client.get(reverse("tracing:queue"), {"q": query, **more}).content.decode()
        return _references(page)

    assert found(wanted.reference.lower()) == [wanted.reference]
    assert found("Kovalchuk") == [wanted.reference]  # Latin letters find the Cyrillic name
    assert found("Ковальчук Григорий") == [wanted.reference]  # the Russian spelling of the given name
    assert found("Kovalchuk Petro") == []  # every word must agree
    assert found("UA 7654321") == [wanted.reference]
    assert found("Bondarchuk") == [closed.reference]  # a search reaches closed requests too
    assert found("Ковальчук", state="closed") == []
    page = client.get(reverse("tracing:queue"), {"q": "Nobody"}).content.decode()
    assert "Жоден запит на розшук не відповідає цьому пошуку." in page


def test_only_the_allowed_state_changes_are_offered(form_data: dict[str, str], liaison: Any) -> None:
    req = _ask(form_data, "Синтетенко")

    def offered(state: str) -> list[str]:
        return [code for code, _label in TransitionForm(current=state).fields["state"].choices]  # type: ignore[attr-defined]

    assert offered("received") == ["matched", "under_search", "answered", "closed"]
    assert offered("under_search") == ["matched", "answered", "closed"]
    assert offered("closed") == ["under_search"]
    services.transition(actor=liaison, request_id=req.pk, state="under_search")
    page = _ukrainian(liaison).get(reverse("tracing:request", args=[req.pk])).content.decode()
    form = page.split('name="state"')[1].split("</select>")[0]
    assert re.findall(r'value="(\w+)"', form) == ["matched", "answered", "closed"]
    assert "Зіставлено" in form and "Matched" not in form


def test_the_request_page_speaks_ukrainian_without_codes(
    form_data: dict[str, str], soldier: Any, liaison: Any
) -> None:
    req = _ask(form_data, "Синтетюк", given_name="Григорій", patronymic="Іванович", birth_date="1990")
    client = _ukrainian(liaison)
    page = html.unescape(client.get(reverse("tracing:request", args=[req.pk])).content.decode())
    candidates = page.split('id="candidates"')[1].split("</table>")[0]
    assert "прізвище, ім'я, по батькові, дата народження" in candidates
    assert "family_name" not in candidates and "birth_date" not in candidates
    assert candidates.count(soldier.reference) == 2  # the link and its hidden input, never doubled text
    services.link_person(actor=liaison, request_id=req.pk, person_id=soldier.pk, confirm=True)
    req.refresh_from_db()
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    linked = page.split('id="linked-person"')[1].split("</dd>")[0]
    assert linked.count(soldier.reference) == 1
    evidence = page.split('class="evidence"')[1].split("</p>")[0]
    assert "Україна" in evidence and "UA-82757" in evidence and "утримує UA " not in evidence
    (fact,) = confirmations.facts(req, liaison)
    client.post(
        reverse("tracing:confirm", args=[req.pk]),
        {"fact": fact.key, "text": fact.text, "expected_version": str(req.version)},
    )
    page = html.unescape(client.get(reverse("tracing:request", args=[req.pk])).content.decode())
    released = page.split('id="releases"')[1].split("</ol>")[0]
    assert "UA-82757" in released and fact.key not in released and "detention:" not in released
    history = page.split('id="history"')[1].split("</table>")[0]
    for english in ("received", "matched", "answered", "submitted by the family", "linked to", "released"):
        assert english not in history, english
    assert "Прийнято" in history and "Зіставлено" in history and "Надано відповідь" in history
    assert "подано родиною" in history and f"пов'язано з {soldier.reference}" in history
    assert "родині надано відповідь" in history


def test_an_officers_own_reason_is_shown_as_written(form_data: dict[str, str], liaison: Any) -> None:
    req = _ask(form_data, "Синтетенко")
    services.transition(actor=liaison, request_id=req.pk, state="closed", reason="withdrawn, synthetic")
    page = _ukrainian(liaison).get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert "withdrawn, synthetic" in page.split('id="history"')[1]


def test_the_searching_text_only_while_the_registry_confirms_nothing(
    form_data: dict[str, str], soldier: Any, liaison: Any
) -> None:
    req = _ask(form_data, "Синтетюк", given_name="Григорій")
    services.link_person(actor=liaison, request_id=req.pk, person_id=soldier.pk, confirm=True)
    req = services.get_request(req.pk)
    assert confirmations.facts(req, liaison) != []
    assert confirmations.suggestions(req, liaison) == []
    page = _ukrainian(liaison).get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert 'class="suggestion"' not in page and 'class="confirm"' in page
