"""What is due (capture cards, weekly health reports): the right records; as many queries for 30 as for 3."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from homecoming.app.captivity import services as captivity
from homecoming.app.registry import services as registry

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 1)
FAMILY = "Мельник"
CARDS = ("capture card to family", "capture card to central tracing agency")


def _held(actor: Any, n: int, kind: str) -> Any:
    """Detention ``n`` (captured on 1 March 2024 + n days) of one of five kinds:

    ``no_card``: seriously ill, no card, no health report; ``family_only``: card sent to the family,
    seriously ill with reports on 20 March and 30 May; ``both_sent``: card sent to both, not ill;
    ``released``: no card, seriously ill, but released; ``hospital``: no card, in hospital, reported
    serious once on 1 April.
    """
    person = registry.create_person(
        actor=actor,
        data={"sex": "male", "birth_date": "1990", "power": "UA"},
        names=[{"family_name": FAMILY, "given_name": f"Петро {n}"}],
    )
    captured = date(2024, 3, 1) + timedelta(days=n)
    record = captivity.create_detention(
        actor=actor,
        person=person,
        data={
            "detaining_power": "RU",
            "capture_date": captured,
            "seriously_ill": kind in ("no_card", "released"),
        },
    )
    if kind in ("family_only", "both_sent"):
        card = captivity.create_card(actor=actor, record_id=record.pk, data={"card_date": captured})
        for recipient in ("family", "central_tracing_agency")[: 1 if kind == "family_only" else 2]:
            captivity.dispatch_card(
                actor=actor, card_id=card.pk, recipient=recipient, sent_on=captured + timedelta(days=3)
            )
    reports = {"family_only": [date(2024, 3, 20), date(2024, 5, 30)], "hospital": [date(2024, 4, 1)]}
    for on in reports.get(kind, []):
        captivity.add_health_report(actor=actor, record_id=record.pk, on=on, condition="serious", report="r")
    if kind == "released":
        captivity.add_event(
            actor=actor, record_id=record.pk, kind="release", on=captured + timedelta(days=40)
        )
    if kind == "hospital":
        captivity.add_event(
            actor=actor, record_id=record.pk, kind="hospital_admission", on=captured + timedelta(days=2)
        )
    return record


KINDS = ("no_card", "family_only", "both_sent", "released", "hospital")


def _expected(records: list[tuple[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The deadlines worked out by hand from the kinds (what the dashboard must show).

    Sorted by the day due; on the same day the latest capture first, then family before the Agency.
    """
    cards, health = [], []
    captured_on = {record.pk: record.capture_date for _, record in records}

    def order(d: tuple[int, str, date, bool]) -> tuple[date, int, int, int]:
        return (d[2], -captured_on[d[0]].toordinal(), -d[0], CARDS.index(d[1]) if d[1] in CARDS else 0)

    for kind, record in records:
        captured = record.capture_date
        due = captured + timedelta(days=7)
        if kind in ("no_card", "hospital"):
            cards += [(record.pk, what, due, True) for what in CARDS]
        if kind == "family_only":
            cards.append((record.pk, CARDS[1], due, True))
            health.append((record.pk, "health report", date(2024, 6, 6), False))
        if kind == "no_card":
            health.append((record.pk, "health report", due, True))
        if kind == "hospital":
            health.append((record.pk, "health report", date(2024, 4, 8), True))
    return sorted(cards, key=order), sorted(health, key=order)


def _shown(dues: list[Any]) -> list[Any]:
    """As the dashboard reads them: the person (reference and name) as well as the deadline."""
    return [(d.record.pk, d.what, d.due, d.overdue, str(d.record.person)) for d in dues]


def _deadlines() -> tuple[int, list[Any], list[Any]]:
    with CaptureQueriesContext(connection) as ctx:
        cards = _shown(captivity.card_deadlines(TODAY))
        health = _shown(captivity.health_deadlines(TODAY))
    return len(ctx.captured_queries), cards, health


def _without_names(shown: list[Any]) -> list[Any]:
    assert all(FAMILY.upper() in s[4] for s in shown), shown
    return [s[:4] for s in shown]


def test_deadlines_name_exactly_the_records_still_due(registrar: Any) -> None:
    records = [(kind, _held(registrar, n, kind)) for n, kind in enumerate(KINDS)]
    _, cards, health = _deadlines()
    want_cards, want_health = _expected(records)
    assert _without_names(cards) == want_cards
    assert _without_names(health) == want_health
    assert len(want_cards) == 5 and len(want_health) == 3  # every kind of record is really there


def test_deadline_queries_do_not_grow_with_the_records(registrar: Any) -> None:
    records = [(kind, _held(registrar, n, kind)) for n, kind in enumerate(KINDS[:3])]
    few, few_cards, few_health = _deadlines()
    records += [(KINDS[n % 5], _held(registrar, n, KINDS[n % 5])) for n in range(3, 30)]
    many, many_cards, many_health = _deadlines()
    want_cards, want_health = _expected(records)
    assert (len(few_cards), len(few_health)) == (3, 2)
    assert (len(many_cards), len(many_health)) == (len(want_cards), len(want_health)) == (30, 18)
    assert _without_names(many_cards) == want_cards and _without_names(many_health) == want_health
    assert few == many, f"{few} queries for 3 records but {many} for 30"


def _dashboard(user: Any) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    client.get("/")  # the session and permissions settle
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_dashboard_lists_overdue_records_in_as_many_queries_for_30_as_for_3(registrar: Any) -> None:
    """The dashboard shows the first overdue cards (the most overdue: the earliest captures), how many in
    all and a link to the whole list, which names every one; its queries do not grow with the records."""
    records = [_held(registrar, n, "no_card") for n in range(3)]
    few, _ = _dashboard(registrar)
    records += [_held(registrar, n, "no_card") for n in range(3, 30)]
    many, page = _dashboard(registrar)
    cards = page[
        page.index('id="overdue-cards"') : page.index("</section>", page.index('id="overdue-cards"'))
    ]
    shown = [r for r in records if r.person.reference in cards]
    assert shown == records[:5]  # two cards each (family, Agency): ten rows, the five earliest captures
    assert '<span class="badge">60</span>' in cards and "See all 60" in cards
    whole = Client()
    whole.force_login(registrar)
    listed = whole.get("/captivity/cards/overdue/?page=1").content.decode()
    listed += whole.get("/captivity/cards/overdue/?page=2").content.decode()
    assert all(r.person.reference in listed for r in records)
    assert few == many, f"{few} queries for 3 records but {many} for 30"
