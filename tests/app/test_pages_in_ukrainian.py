"""The staff pages in Ukrainian: no internal code, no English sentence, counts grouped as Ukrainian groups.

Pages rendered as the role that works on them, with the Ukrainian cookie: the agreement page with its
fulfilment ledger, an operation, the agreements list, an intake batch, a remains unit with its chain of
custody, its examination, the handover record and a person whose missing case went through active search
to captivity confirmed. Each page must show none of the codes the code stores (``n_for_n``,
``in_implementation``, ``active_search`` ...), none of the English phrases of the catalogue, and the
header must name the user's role, not its group code.

Also: Russian is the family portal's language; a staff page asked for in Russian is shown in Ukrainian
and its language selector offers EN and UK only.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from .test_catalogue import parse_po

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parents[2] / "src/homecoming/app/locale/uk/LC_MESSAGES/django.po"

#: codes the code stores and must never reach a page
CODES = [
    "n_for_n", "all_for_all", "in_implementation", "partially_fulfilled", "lists_exchanged", "lists_agreed",
    "active_search", "captivity_confirmed", "remains_without_line", "count_disagreement",
    "line_without_remains", "wounded_returned_dead", "source_silent", "manifest_disagrees_with_figure",
    "identity_contradicted", "exchange_coordinator", "forensic_examiner", "identification_reviewer",
    "family_liaison", "commingled_container", "declared_by_sender", "counted_by_receiver",
    "reported_by_source", "lower_bound", "remains_repatriation", "skeletonised", "undetermined",
]  # fmt: skip

_SKIP = re.compile(r"<(script|style)\b.*?</\1>|<svg\b.*?</svg>", re.S)


def visible(html: str) -> str:
    """What a reader sees: the text, the options and the attributes read aloud or shown on hover."""
    body = _SKIP.sub(" ", html)
    attrs = " ".join(re.findall(r'(?:alt|aria-label|placeholder|title)="([^"]*)"', body))
    text = re.sub(r"<[^>]+>", " ", body) + " " + attrs
    return re.sub(r"\s+", " ", text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&"))


def unquoted(text: str) -> str:
    """``text`` without the quotations of what sources said (“…”), which keep their own words and digits."""
    return re.sub(r"“[^”]*”", " ", text)


def english_phrases() -> list[str]:
    """The catalogue's English phrases of three words or more that read otherwise in Ukrainian."""
    out = []
    for e in parse_po(PO.read_text(encoding="utf-8")):
        if e.plural or "%" in e.msgid or "{" in e.msgid or not e.strs or e.strs[0] == e.msgid:
            continue
        if len(re.findall(r"[A-Za-z]+", e.msgid)) >= 3:
            out.append(e.msgid)
    return out


def test_the_checks_see_a_code_and_an_english_phrase() -> None:
    assert "Record a custody event (or correct one)" in english_phrases()
    assert "n_for_n" in visible('<p><span title="rule">n_for_n</span></p>')
    assert "secret" not in visible("<script>secret</script><p>x</p>")
    assert unquoted("said “over 6,000” then") == "said   then"


@pytest.fixture
def pages(make_user: Any, person: Any) -> dict[str, str]:
    from homecoming.app.exchanges.ledger_data import load_example_ledger
    from homecoming.app.exchanges.models import Agreement, Operation
    from homecoming.app.registry import services as registry
    from homecoming.app.remains import examinations
    from homecoming.app.remains import services as remains

    coordinator = make_user("exchange_coordinator", "coordinator")
    load_example_ledger(coordinator)
    agreement = Agreement.objects.get(reference="IST-2025-06")
    silent = Operation.objects.get(reference="REM-2025-08-19")
    examiner = make_user("forensic_examiner", "examiner")
    batch = remains.create_batch(
        actor=examiner,
        data={
            "source": "recovery",
            "transport": "train",
            "vehicles": 2,
            "containers_declared": 3,
            "receiving_facility": "Морг, зала 1",
            "handed_over_by": "Петренко",
            "received_by": "Коваль",
            "received_at": timezone.now() - timedelta(days=2),
        },
    )
    bag = remains.register_unit(
        actor=examiner,
        batch=batch,
        seal="S-100",
        data={"bag_number": "BAG-1", "kind": "commingled_container"},
    )
    exam = examinations.record_examination(actor=examiner, unit=bag, data={"cause_of_death": "вогнепальне"})
    liaison = make_user("family_liaison", "liaison")
    case = registry.open_case(actor=liaison, person=person, data={})
    for target in ("verified", "active_search", "captivity_confirmed"):
        registry.transition_case(actor=liaison, case_id=case.pk, target=target, reason="перевірено")
    reviewer = make_user("identification_reviewer", "reviewer")

    def get(user: Any, url: str) -> str:
        client = Client()
        client.force_login(user)
        client.cookies["django_language"] = "uk"
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    return {
        "agreements": get(coordinator, "/exchanges/"),
        "agreement": get(coordinator, f"/exchanges/agreements/{agreement.pk}/"),
        "operation": get(coordinator, f"/exchanges/operations/{silent.pk}/"),
        "batches": get(examiner, "/remains/"),
        "batch": get(examiner, f"/remains/batches/{batch.pk}/"),
        "unit": get(examiner, f"/remains/units/{bag.pk}/"),
        "handover": get(examiner, f"/remains/batches/{batch.pk}/handover/"),
        "examination form": get(examiner, f"/remains/units/{bag.pk}/examinations/new/"),
        "examination": get(reviewer, f"/remains/examinations/{exam.pk}/"),
        "person": get(liaison, f"/registry/persons/{person.pk}/"),
    }


def test_no_page_shows_a_code_or_an_english_phrase(pages: dict[str, str]) -> None:
    phrases = english_phrases()
    problems = []
    for name, html in pages.items():
        assert '<html lang="uk">' in html, name
        text = unquoted(visible(html))
        codes = [c for c in CODES if re.search(rf"\b{c}\b", text)]
        english = [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]
        if codes or english:
            problems.append(f"{name}: codes {codes}, English {english}")
    assert not problems, "\n".join(problems)


def test_the_pages_name_states_rules_and_roles(pages: dict[str, str]) -> None:
    agreement = visible(pages["agreement"])
    assert "n на n (однакова кількість з кожного боку)" in agreement
    assert "Виконується" in agreement and "Виконано частково" in agreement  # the state, the next state
    assert "Координатор обміну" in agreement  # the header's role
    assert "джерело не навело цифри" in visible(pages["operation"])
    person = visible(pages["person"])
    assert "Активний розшук" in person and "Полон підтверджено" in person
    assert "справу відкрито" in person and "case opened" not in person  # a reason the registry wrote
    unit = visible(pages["unit"])
    assert "невідомо, невідомо" in unit and "надходження IB-" in unit


def test_counts_are_grouped_as_ukrainian_groups_them(pages: dict[str, str]) -> None:
    agreement = pages["agreement"]
    assert re.search(r"<td>6\xa0000</td>", agreement)  # the quota in the ledger table
    assert "квота 6\xa0000" in agreement  # and in the chart
    assert "6,000" not in unquoted(visible(agreement))
    assert "(6\xa0000)" in pages["agreements"]


# --- the staff pages' languages ---------------------------------------------------------------------


def test_a_staff_page_asked_for_in_russian_is_in_ukrainian(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("exchange_coordinator", "coordinator"))
    client.cookies["django_language"] = "ru"
    page = client.get("/exchanges/").content.decode()
    assert '<html lang="uk">' in page and "Угоди та операції" in page
    options = re.findall(r'<option value="(\w+)"[^>]*>\w+</option>', page.split('name="language"')[1])
    assert options == ["en", "uk"]
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/exchanges/").content.decode()


def test_the_family_portal_keeps_russian() -> None:
    client = Client()
    client.cookies["django_language"] = "ru"
    page = client.get("/family/").content.decode()
    assert '<html lang="ru">' in page


def test_a_browser_asking_for_russian_gets_ukrainian_staff_pages(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("forensic_examiner", "examiner"))
    page = client.get("/remains/", headers={"accept-language": "ru"}).content.decode()
    assert '<html lang="uk">' in page
    assert '<html lang="ru">' in Client().get("/family/", headers={"accept-language": "ru"}).content.decode()
