"""The liaison's side: the queue, candidates across scripts, link (confirmed, audited), merge, assign,
state changes and releases — pages and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from homecoming.app.audit.models import AuditRecord
from homecoming.app.messaging import services as outbox
from homecoming.app.registry import services as registry
from homecoming.app.tracing import matching, portal, services
from homecoming.app.tracing.models import RequestTransition, TracingRequest
from homecoming.errors import ConflictError, TransitionError, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def soldier(registrar: Any) -> Any:
    """A registry person written in Ukrainian (the request below is in Russian)."""
    return registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1990-05-17", "service_number": "UA1234567"},
        names=[{"family_name": "Ковальчук", "given_name": "Олександр", "patronymic": "Іванович"}],
    )


@pytest.fixture
def other(registrar: Any) -> Any:
    return registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1971"},
        names=[{"family_name": "Ковальчук", "given_name": "Петро"}],
    )


def _russian(form_data: dict[str, str], **changes: str) -> Any:
    data = {
        **form_data,
        "family_name": "Ковальчук",
        "given_name": "Александр",
        "patronymic": "Иванович",
        "birth_date": "1990",
        "service_number": "",
        **changes,
    }
    return portal.submit(data=data, language="ru").request


def test_candidates_are_found_across_scripts_and_ranked(
    form_data: dict[str, str], soldier: Any, other: Any
) -> None:
    req = _russian(form_data)
    found = matching.person_candidates(req)
    assert [c.person.reference for c in found if c.person] == [soldier.reference, other.reference]
    best = found[0]
    assert set(best.reasons) >= {"family_name", "given_name", "birth_date"}
    assert "birth_date_differs" in found[1].reasons and found[1].score < best.score
    # a Latin spelling finds the same person
    latin = _russian(form_data, family_name="Kovalchuk", given_name="Oleksandr", patronymic="")
    assert matching.person_candidates(latin)[0].person == soldier


def test_the_service_number_alone_finds_the_person(form_data: dict[str, str], soldier: Any) -> None:
    req = _russian(form_data, family_name="Иванов", given_name="", patronymic="", service_number="ua 1234567")
    found = matching.person_candidates(req)
    assert found[0].person == soldier and found[0].reasons == ["service_number", "birth_date"]


def test_nothing_is_linked_automatically(form_data: dict[str, str], soldier: Any) -> None:
    req = _russian(form_data, service_number="UA1234567")
    req.refresh_from_db()
    assert req.person_id is None and req.state == "received"


def test_linking_needs_confirmation_and_is_audited(
    form_data: dict[str, str], soldier: Any, liaison: Any
) -> None:
    req = _russian(form_data)
    with pytest.raises(ValidationError, match="confirm"):
        services.link_person(actor=liaison, request_id=req.pk, person_id=soldier.pk)
    linked = services.link_person(
        actor=liaison, request_id=req.pk, person_id=soldier.pk, confirm=True, expected_version=1
    )
    assert linked.person == soldier and linked.state == "matched" and linked.version == 2
    record = AuditRecord.objects.get(action="link")
    assert record.actor == liaison and record.after["person_id"] == soldier.pk
    assert "enquirer_phone" not in record.after and "+380" not in str(record.after)
    with pytest.raises(ConflictError):
        services.link_person(
            actor=liaison, request_id=req.pk, person_id=soldier.pk, confirm=True, expected_version=1
        )


def test_duplicates_are_found_and_merged_keeping_both(form_data: dict[str, str], liaison: Any) -> None:
    first = _russian(form_data)
    second = portal.submit(
        data={**form_data, "enquirer_name": "Брат Тестовий", "given_name": "Олександр"}, language="uk"
    ).request
    similar = matching.request_candidates(second)
    assert similar and similar[0].request == first
    services.merge(actor=liaison, request_id=second.pk, into_id=first.pk)
    second.refresh_from_db()
    assert second.merged_into == first and TracingRequest.objects.count() == 2
    assert list(first.duplicates.all()) == [second]
    with pytest.raises(ValidationError, match="merged into"):
        services.merge(actor=liaison, request_id=first.pk, into_id=second.pk)
    assert AuditRecord.objects.filter(action="merge").count() == 1


def test_states_move_only_as_allowed(form_data: dict[str, str], liaison: Any) -> None:
    req = _russian(form_data)
    with pytest.raises(ValidationError, match="reason"):
        services.transition(actor=liaison, request_id=req.pk, state="closed")
    services.transition(actor=liaison, request_id=req.pk, state="closed", reason="withdrawn by the family")
    with pytest.raises(TransitionError, match="cannot become answered"):
        services.transition(actor=liaison, request_id=req.pk, state="answered")
    assert list(RequestTransition.objects.filter(request=req).values_list("to_state", flat=True)) == [
        "received",
        "closed",
    ]


def test_assignment_only_to_someone_who_may_work_requests(
    form_data: dict[str, str], liaison: Any, registrar: Any
) -> None:
    req = _russian(form_data)
    with pytest.raises(ValidationError, match="may not work tracing requests"):
        services.assign(actor=liaison, request_id=req.pk, user_id=registrar.pk)
    assert services.assign(actor=liaison, request_id=req.pk, user_id=liaison.pk).assigned_to == liaison


def test_the_liaison_pages(form_data: dict[str, str], soldier: Any, liaison: Any) -> None:
    req = _russian(form_data)
    client = Client()
    client.force_login(liaison)
    queue = client.get(reverse("tracing:queue")).content.decode()
    assert req.reference in queue and "КОВАЛЬЧУК" in queue
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert soldier.reference in page and "+380440001122" in page
    assert AuditRecord.objects.filter(action="view", reason="viewed tracing request contacts").count() == 1
    response = client.post(
        reverse("tracing:link", args=[req.pk]),
        {"person": soldier.reference, "confirm": "on", "expected_version": "1"},
    )
    assert response.status_code == 302
    client.post(reverse("tracing:release", args=[req.pk]), {"text": "Synthetic: registered as captive."})
    req.refresh_from_db()
    assert req.person == soldier and req.state == "answered"
    assert req.releases.get().text == "Synthetic: registered as captive."


def test_the_api(form_data: dict[str, str], soldier: Any, liaison: Any, auditor: Any, api: Any) -> None:
    req = _russian(form_data)
    token = api(liaison)
    listed = token.get("/api/v1/tracing/requests?state=received").json()
    assert [r["reference"] for r in listed] == [req.reference]
    got = token.get(f"/api/v1/tracing/requests/{req.pk}").json()
    assert got["enquirer"]["phone"] == "+380440001122"
    cands = token.get(f"/api/v1/tracing/requests/{req.pk}/candidates").json()
    assert cands["persons"][0]["person_id"] == soldier.pk
    linked = token.post(
        f"/api/v1/tracing/requests/{req.pk}/link",
        {"person": soldier.pk, "confirm": True},
        content_type="application/json",
    )
    assert linked.status_code == 200 and linked.json()["state"] == "matched"
    released = token.post(
        f"/api/v1/tracing/requests/{req.pk}/releases", {"text": "Synthetic"}, content_type="application/json"
    )
    assert released.status_code == 201
    # the auditor reads the request, not the contacts, and may not change it
    reader = api(auditor)
    assert "enquirer" not in reader.get(f"/api/v1/tracing/requests/{req.pk}").json()
    refused = reader.post(
        f"/api/v1/tracing/requests/{req.pk}/transition", {"state": "closed"}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_notes_are_kept_and_never_reach_the_family(
    form_data: dict[str, str], liaison: Any, make_user: Any, api: Any
) -> None:
    submitted = portal.submit(data=form_data)
    req = submitted.request
    client = Client()
    client.force_login(liaison)
    client.post(reverse("tracing:note", args=[req.pk]), {"text": "Synthetic note: called the mother."})
    assert (
        "Synthetic note: called the mother."
        in client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    )
    with pytest.raises(ValidationError, match="empty"):
        services.add_note(actor=liaison, request_id=req.pk, text="  ")
    family = Client()
    family.post(reverse("family:status"), {"code": req.code, "secret": submitted.secret})
    assert "Synthetic note" not in family.get(reverse("family:status")).content.decode()
    record = AuditRecord.objects.get(action="create", object_type="tracing.requestnote")
    # the trail keeps the note's keyed digest, not its text (calls, what the family said)
    assert "called the mother" not in str(record.after) and record.after["withheld"] == ["text"]
    from homecoming.app.audit.withheld import DIGEST_KEY, keyed_digest

    assert record.after[DIGEST_KEY] == keyed_digest({"text": "Synthetic note: called the mother."})
    # the auditor reads the request, not the notes (a role that does not see the family's contacts)
    auditor = make_user("auditor", "notes-auditor")
    client.force_login(auditor)
    page = client.get(reverse("tracing:request", args=[req.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "called the mother" not in page and 'id="notes-withheld"' in page
    got = api(auditor).get(f"/api/v1/tracing/requests/{req.pk}")
    assert got.status_code == 200 and got.json()["notes"] is None
    assert "called the mother" not in got.content.decode()
    assert "called the mother" in api(liaison).get(f"/api/v1/tracing/requests/{req.pk}").content.decode()
    audit_page = client.get("/audit/").content.decode()
    assert "called the mother" not in audit_page


def test_a_release_e_mails_only_that_there_is_news(form_data: dict[str, str], liaison: Any) -> None:
    from django.core import mail

    req = _russian(form_data)
    mail.outbox.clear()
    client = Client()
    client.force_login(liaison)
    client.post(reverse("tracing:release", args=[req.pk]), {"text": "Synthetic: identified, sad news."})
    assert outbox.send_due() == {"sent": 1}  # the worker's job, done here
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [form_data["enquirer_email"]]
    assert "Есть новости по вашему запросу" in message.body and portal.grouped(req.code) in message.body
    assert "Synthetic" not in message.body + message.subject and "/family/status/" in message.body
    assert AuditRecord.objects.filter(action="email_sent", object_id=str(req.pk)).count() == 1


def test_the_dashboard_shows_the_liaison_the_tracing_queue(
    form_data: dict[str, str], liaison: Any, registrar: Any
) -> None:
    _russian(form_data)
    client = Client()
    client.force_login(liaison)
    page = client.get(reverse("dashboard")).content.decode()
    section = page[page.index('<section class="card work" id="tracing">') :]
    section = section[: section.index("</section>")]
    assert '?state=received">Received</a>: 1' in section  # the requests by state, each a link
    assert 'href="/tracing/requests/' in section and "First answer due" in section  # with its deadline
    client.force_login(registrar)
    assert 'id="tracing"' not in client.get(reverse("dashboard")).content.decode()


def test_suggested_answers_in_the_familys_language(
    form_data: dict[str, str], soldier: Any, liaison: Any, registrar: Any, reviewer: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from homecoming.app.captivity import services as captivity
    from homecoming.app.tracing import confirmations

    req = _russian(form_data)
    assert confirmations.suggestions(req, liaison) == []  # not linked: nothing to suggest
    services.link_person(actor=liaison, request_id=req.pk, person_id=soldier.pk, confirm=True)
    req = services.get_request(req.pk)
    assert confirmations.suggestions(req, liaison) == [
        "Мы получили ваш запрос. Человек, которого вы ищете: Александр Иванович Ковальчук. "
        "Мы ищем и напишем здесь, как только что-то узнаем."
    ]
    assert confirmations.facts(req, liaison) == []  # the registry confirms nothing yet
    captivity.create_detention(
        actor=registrar,
        person=soldier,
        data={"detaining_power": "RU", "capture_date": timezone.localdate() - timedelta(days=30)},
    )
    claim = registry.add_assertion(
        actor=registrar,
        person=soldier,
        status="captive",
        source_type="icrc",
        source_name="ICRC",
        source_date=timezone.localdate(),
        reliability="A",
    )
    registry.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")
    req = services.get_request(req.pk)
    texts = [f.text for f in confirmations.facts(req, liaison)]
    assert texts[0].startswith(
        "Сообщаем: в реестре военнопленных значится человек, которого вы ищете, — "
        "Александр Иванович Ковальчук."
    )
    assert "удерживает Российская Федерация" in texts[0]
    client = Client()
    client.force_login(liaison)
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert "в реестре военнопленных значится" in page and 'class="confirm"' in page


def test_a_linked_request_leads_to_the_persons_reference_family(
    form_data: dict[str, str], soldier: Any, liaison: Any
) -> None:
    req = _russian(form_data)
    services.link_person(actor=liaison, request_id=req.pk, person_id=soldier.pk, confirm=True)
    client = Client()
    client.force_login(liaison)
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert 'id="open-family"' in page
    response = client.post(
        reverse("genetics:family_create"), {"persons": soldier.reference, "label": req.reference}
    )
    assert response.status_code == 302
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert 'id="families"' in page and req.reference in page.split('id="families"')[1][:400]


@pytest.mark.parametrize("rare", [2000, 2], ids=["surname-first", "counted-together"])
def test_with_a_common_surname_the_database_ranks_who_shares_the_given_name_first(
    form_data: dict[str, str], registrar: Any, monkeypatch: pytest.MonkeyPatch, rare: int
) -> None:
    for given in ("Петро", "Іван", "Микола", "Степан"):
        registry.create_person(
            actor=registrar, data={"sex": "male"}, names=[{"family_name": "Ковальчук", "given_name": given}]
        )
    wanted = registry.create_person(
        actor=registrar,
        data={"sex": "male"},
        names=[{"family_name": "Ковальчук", "given_name": "Олександр", "patronymic": "Іванович"}],
    )
    monkeypatch.setattr(matching, "POOL", 2)  # only two of the five namesakes are scored
    monkeypatch.setattr(matching, "RARE", rare)  # the surname read first, or counted with the given name
    found = matching.person_candidates(_russian(form_data))
    assert found[0].person == wanted and found[0].reasons[:2] == ["family_name", "given_name"]
    assert len(found) == 2
