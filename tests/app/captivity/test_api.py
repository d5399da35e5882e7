"""Captivity through the API: detentions, events, capture cards, dispatches; health and contacts guarded."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord
from homecoming.app.captivity.models import CardDispatch, DetentionEvent

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(API + path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def as_registrar(api: Callable[[Any], Any], registrar: Any) -> Any:
    return api(registrar)


@pytest.fixture
def detention(as_registrar: Any, person: Any) -> dict[str, Any]:
    response = post(
        as_registrar,
        f"/persons/{person.pk}/detentions",
        {
            "detaining_power": "RU",
            "capture_date": "2024-03-10",
            "capture_place": "near Avdiivka",
            "internment_number": "K-0042",
            "seriously_ill": True,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def card(as_registrar: Any, detention: dict[str, Any]) -> dict[str, Any]:
    response = post(
        as_registrar,
        f"/detentions/{detention['id']}/cards",
        {
            "health": "seriously_wounded",
            "family_address": "вул. Садова 1, Полтава",
            "card_date": "2024-03-14",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_detention_starts_with_its_capture_and_follows_its_events(
    as_registrar: Any, detention: dict[str, Any]
) -> None:
    assert detention["status"] == "detained"
    assert [(e["kind"], e["date"]) for e in detention["events"]] == [("capture", "2024-03-10")]
    moved = post(
        as_registrar,
        f"/detentions/{detention['id']}/events",
        {"kind": "transfer", "date": "2024-04-02", "place": "Camp 7", "details": "by train"},
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["kind"] == "transfer"
    now = as_registrar.get(f"{API}/detentions/{detention['id']}").json()
    assert (now["status"], now["current_place"]) == ("detained", "Camp 7")
    assert [e["kind"] for e in now["events"]] == ["capture", "transfer"]
    home = post(
        as_registrar, f"/detentions/{detention['id']}/events", {"kind": "repatriation", "date": "2024-08-24"}
    )
    assert home.status_code == 201
    assert as_registrar.get(f"{API}/detentions/{detention['id']}").json()["status"] == "repatriated"
    listed = as_registrar.get(f"{API}/persons/{detention['person_id']}/detentions").json()
    assert [d["id"] for d in listed] == [detention["id"]]
    assert DetentionEvent.objects.filter(record_id=detention["id"]).count() == 3
    audited = AuditRecord.objects.filter(
        object_type="captivity.detentionrecord", object_id=str(detention["id"])
    )
    assert [r.action for r in audited] == ["create", "event", "event"]


def test_events_that_break_the_sequence_or_the_calendar_are_refused(
    as_registrar: Any, detention: dict[str, Any]
) -> None:
    path = f"/detentions/{detention['id']}/events"
    assert post(as_registrar, path, {"kind": "death", "date": "2024-05-01"}).status_code == 201
    after_death = post(as_registrar, path, {"kind": "release", "date": "2024-06-01"})
    assert after_death.status_code == 409
    assert after_death.json()["error"]["code"] == "transition_not_allowed"
    unknown = post(as_registrar, path, {"kind": "vanished", "date": "2024-06-01"})
    assert unknown.status_code == 422
    assert (unknown.json()["error"]["field"], unknown.json()["error"]["value"]) == ("kind", "vanished")
    before_capture = post(as_registrar, path, {"kind": "transfer", "date": "2024-01-01"})
    assert before_capture.status_code == 422
    assert "before the capture date 2024-03-10" in before_capture.json()["error"]["message"]
    assert DetentionEvent.objects.filter(record_id=detention["id"]).count() == 2


def test_a_capture_card_is_prefilled_from_the_registry_and_dispatched(
    as_registrar: Any, card: dict[str, Any], person: Any
) -> None:
    assert (card["family_name"], card["first_names"]) == ("Шевченко", "Олександр Петрович")
    assert (card["service_number"], card["date_of_birth"], card["power"]) == ("A123456", "1991-03", "UA")
    assert card["taken_prisoner_on"] == "2024-03-10"
    assert card["present_address"] == "K-0042"
    for recipient in ("family", "central_tracing_agency"):
        sent = post(
            as_registrar, f"/cards/{card['id']}/dispatches", {"recipient": recipient, "sent_on": "2024-03-15"}
        )
        assert sent.status_code == 201, sent.content
        assert sent.json()["recipient"] == recipient
    wrong = post(
        as_registrar, f"/cards/{card['id']}/dispatches", {"recipient": "press", "sent_on": "2024-03-15"}
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "recipient"
    later = (date.today() + timedelta(days=30)).isoformat()
    future = post(as_registrar, f"/cards/{card['id']}/dispatches", {"recipient": "family", "sent_on": later})
    assert future.status_code == 422 and future.json()["error"]["field"] == "sent_on"
    assert sorted(CardDispatch.objects.filter(card_id=card["id"]).values_list("recipient", flat=True)) == [
        "central_tracing_agency",
        "family",
    ]
    dispatches = AuditRecord.objects.filter(object_type="captivity.capturecard", action="dispatch")
    assert dispatches.count() == 2


@pytest.mark.parametrize(
    ("role", "health", "contacts"),
    [("registrar", True, True), ("exchange_coordinator", True, False), ("auditor", False, False)],
)
def test_health_and_family_address_only_for_roles_that_need_them(
    role: str,
    health: bool,
    contacts: bool,
    card: dict[str, Any],
    detention: dict[str, Any],
    api: Callable[[Any], Any],
    make_user: Any,
) -> None:
    user = make_user(role, f"{role}-reader")
    assert user.has_perm("captivity.view_health") is health
    assert user.has_perm("registry.view_contacts") is contacts
    client = api(user)
    got_card = client.get(f"{API}/cards/{card['id']}")
    got_detention = client.get(f"{API}/detentions/{detention['id']}")
    assert got_card.status_code == got_detention.status_code == 200
    assert got_card.json()["health"] == ("seriously_wounded" if health else None)
    assert got_detention.json()["seriously_ill"] is (True if health else None)
    assert got_card.json()["family_address"] == ("вул. Садова 1, Полтава" if contacts else None)
    views = AuditRecord.objects.filter(action="view", actor=user, object_type="captivity.capturecard")
    assert [v.reason for v in views] == (["viewed family address"] if contacts else [])
    wounded = client.get(f"{API}/wounded-list")
    assert wounded.status_code == (200 if health else 403)


def test_the_family_address_is_not_copied_into_the_audit_trail(card: dict[str, Any]) -> None:
    created = AuditRecord.objects.get(
        object_type="captivity.capturecard", object_id=str(card["id"]), action="create"
    )
    assert "family_address" not in created.after
    assert "Садова" not in json.dumps(created.after, ensure_ascii=False)


def test_the_wounded_list_holds_the_eligible_who_consent(
    as_registrar: Any, detention: dict[str, Any], registrar: Any
) -> None:
    from homecoming.app.captivity import services

    assert as_registrar.get(f"{API}/wounded-list").json() == []
    services.set_eligibility(
        actor=registrar,
        record_id=detention["id"],
        data={
            "category": "110_1_1",
            "finding": "eligible",
            "commission_date": date(2024, 5, 2),
            "consent": "given",
        },
    )
    listed = as_registrar.get(f"{API}/wounded-list").json()
    assert [(w["person_id"], w["category"], w["commission_date"]) for w in listed] == [
        (detention["person_id"], "110_1_1", "2024-05-02")
    ]


def test_health_values_stay_out_of_the_audit_trail_but_are_digested(api: Any, registrar: Any) -> None:
    from homecoming.app.audit.models import AuditRecord
    from homecoming.app.audit.withheld import keyed_digest
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry
    from homecoming.provenance import digest

    person = registry.create_person(actor=registrar, data={}, names=[{"family_name": "Тестенко"}])
    record = captivity.create_detention(
        actor=registrar,
        person=person,
        data={"detaining_power": "RU", "capture_date": date(2025, 1, 2), "seriously_ill": True},
    )
    captivity.add_health_report(
        actor=registrar,
        record_id=record.pk,
        on=date(2025, 1, 9),
        condition="serious",
        report="Synthetic wound description",
    )
    afters = [r.after or {} for r in AuditRecord.objects.all()]
    assert not any("Synthetic wound description" in str(a) for a in afters)
    assert not any("seriously_ill" in a or "condition" in a for a in afters)
    report = AuditRecord.objects.get(action="health_report")
    assert report.after["withheld"] == ["condition", "record_id", "report"]
    hidden = {"condition": "serious", "record_id": record.pk, "report": "Synthetic wound description"}
    assert report.after["withheld_hmac"] == keyed_digest(hidden)
    assert digest(hidden) not in str(report.after)  # not the unkeyed digest anyone could recompute
    response = api(registrar).get("/api/v1/wounded-list")
    assert response.status_code == 200
    assert AuditRecord.objects.filter(action="view", object_type="captivity.wounded_list").count() == 1


def test_too_long_text_and_an_unknown_health_value_are_named_not_a_server_error(
    api: Any, registrar: Any
) -> None:
    from homecoming.app.registry import services as registry

    person = registry.create_person(actor=registrar, data={}, names=[{"family_name": "Тестенко"}])
    client = api(registrar)
    response = client.post(
        f"/api/v1/persons/{person.pk}/detentions",
        {"detaining_power": "X" * 60, "capture_date": "2025-01-02"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "detaining_power"
    record_id = client.post(
        f"/api/v1/persons/{person.pk}/detentions",
        {"detaining_power": "RU", "capture_date": "2025-01-02"},
        content_type="application/json",
    ).json()["id"]
    card = client.post(
        f"/api/v1/detentions/{record_id}/cards",
        {"health": "fine", "power": "UA", "family_name": "T", "first_names": "T"},
        content_type="application/json",
    )
    assert card.status_code == 422
    assert card.json()["error"]["problems"][0]["field"] == "health"


def test_the_form_and_the_api_open_a_detention_with_the_services_one_field_list() -> None:
    from homecoming.app.captivity.forms import DetentionForm
    from homecoming.app.captivity.schemas import DetentionIn
    from homecoming.app.captivity.services import DETENTION_FIELDS

    assert tuple(DetentionForm.base_fields) == DETENTION_FIELDS
    assert tuple(DetentionIn.model_fields) == DETENTION_FIELDS
