"""The other side's families ("I Want to Find"): the officer confirms from the registry what happened to a
soldier of another party — captivity, release, death — and releases it with the records it rests on; a
death only after the family was told by a person, and a death by identification only through the
notification procedure."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homecoming.app.audit.models import AuditRecord
from homecoming.app.captivity import services as captivity
from homecoming.app.identification import reports
from homecoming.app.registry import services as registry
from homecoming.app.tracing import confirmations, portal, services
from homecoming.app.tracing.models import Release
from homecoming.errors import StateError, ValidationError

from ..identification import report_world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def prisoner(registrar: Any) -> Any:
    """A soldier of the other party, held by Ukraine (synthetic)."""
    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1996-02-11", "power": "RU", "service_number": "ZX-770011"},
        names=[{"family_name": "Синтетов", "given_name": "Алексей", "patronymic": "Петрович"}],
    )
    captivity.create_detention(
        actor=registrar,
        person=person,
        data={
            "detaining_power": "UA",
            "capture_date": timezone.localdate() - timedelta(days=40),
            "internment_number": "UA-55501",
        },
    )
    return person


@pytest.fixture
def mother_asks(form_data: dict[str, str], prisoner: Any, liaison: Any) -> Any:
    """His mother asks in Russian; the officer links her request to him."""
    data = {
        **form_data,
        "enquirer_name": "Мать Синтетова",
        "enquirer_relationship": "мать",
        "family_name": "Синтетов",
        "given_name": "Алексей",
        "patronymic": "Петрович",
        "birth_date": "1996",
        "service_number": "",
        "unit": "",
    }
    submitted = portal.submit(data=data, language="ru")
    services.link_person(actor=liaison, request_id=submitted.request.pk, person_id=prisoner.pk, confirm=True)
    return submitted


def _status(submitted: Any) -> str:
    client = Client()
    client.post(reverse("family:status"), {"code": submitted.request.code, "secret": submitted.secret})
    return client.get(reverse("family:status")).content.decode()


def test_captivity_is_confirmed_with_its_records_in_the_familys_language(
    mother_asks: Any, liaison: Any, registrar: Any
) -> None:
    req = services.get_request(mother_asks.request.pk)
    assert confirmations.other_side(req)
    # the registrar reads detentions but may not release to families; the liaison does both
    assert confirmations.facts(req, registrar) and not registrar.has_perm("tracing.add_release")
    found = confirmations.facts(req, liaison)
    assert [(f.kind, f.key.split(":")[0]) for f in found] == [("captivity", "detention")]
    fact = found[0]
    assert "UA-55501" in fact.evidence  # the records, for the officer
    assert fact.text.startswith(
        "Сообщаем: в реестре военнопленных значится человек, которого вы ищете, — Алексей Петрович Синтетов."
    )
    assert "Украина" in fact.text and " UA " not in fact.text  # the party's name, never its code
    assert "UA-55501" in fact.evidence
    released = confirmations.confirm(
        actor=liaison, request_id=req.pk, fact=fact.key, text=fact.text, expected_version=req.version
    )
    assert released.kind == "captivity" and released.basis.startswith(fact.key)
    assert released.informed_method is None
    assert services.get_request(req.pk).state == "answered"
    audit = AuditRecord.objects.filter(object_type="tracing.release", object_id=str(released.pk)).get()
    assert fact.key in audit.reason
    assert "в реестре военнопленных значится человек, которого вы ищете" in _status(mother_asks)


def test_a_fact_that_no_longer_holds_is_refused(mother_asks: Any, liaison: Any) -> None:
    req = services.get_request(mother_asks.request.pk)
    with pytest.raises(StateError) as err:
        confirmations.confirm(actor=liaison, request_id=req.pk, fact="detention:999999", text="x")
    assert err.value.field == "fact"
    assert not Release.objects.filter(request=req).exists()


def test_a_release_from_captivity_confirms_him_alive(
    mother_asks: Any, prisoner: Any, registrar: Any, liaison: Any
) -> None:
    record = prisoner.detentions.get()
    captivity.add_event(
        actor=registrar, record_id=record.pk, kind="repatriation", on=timezone.localdate() - timedelta(days=2)
    )
    req = services.get_request(mother_asks.request.pk)
    (fact,) = confirmations.facts(req, liaison)
    assert fact.kind == "alive" and "— Алексей Петрович Синтетов — был в реестре военнопленных" in fact.text
    assert "вышел из плена" in fact.text


def test_a_death_is_released_only_after_the_family_was_told_by_a_person(
    mother_asks: Any, prisoner: Any, registrar: Any, reviewer: Any, liaison: Any
) -> None:
    claim = registry.add_assertion(
        actor=registrar,
        person=prisoner,
        status="confirmed_dead",
        source_type="icrc",
        source_name="ICRC (synthetic)",
        source_date=timezone.localdate(),
        reliability="A",
    )
    registry.review_assertion(actor=reviewer, assertion_id=claim.pk, decision="accepted")
    req = services.get_request(mother_asks.request.pk)
    death = [f for f in confirmations.facts(req, liaison) if f.kind == "death"]
    assert [f.key for f in death] == [f"assertion:{claim.pk}"] and death[0].needs_informing
    with pytest.raises(ValidationError) as err:
        confirmations.confirm(actor=liaison, request_id=req.pk, fact=death[0].key, text=death[0].text)
    assert {p.field for p in err.value.problems} == {"informed_method", "informed_at"}
    with pytest.raises(ValidationError) as err:
        confirmations.confirm(
            actor=liaison,
            request_id=req.pk,
            fact=death[0].key,
            text=death[0].text,
            informed_method="phone",
            informed_at=(timezone.now() + timedelta(days=1)).isoformat(),
        )
    assert [p.field for p in err.value.problems] == ["informed_at"]
    assert "смерть" not in _status(mother_asks)
    told = timezone.now() - timedelta(hours=1)
    released = confirmations.confirm(
        actor=liaison,
        request_id=req.pk,
        fact=death[0].key,
        text=death[0].text,
        informed_method="phone",
        informed_at=told.isoformat(),
    )
    assert released.kind == "death" and released.informed_method == "phone"
    assert (
        "С глубоким прискорбием сообщаем: подтверждена смерть человека, которого вы ищете, — "
        "Алексей Петрович Синтетов." in _status(mother_asks)
    )


def test_a_death_by_identification_goes_through_the_notification(
    make_user: Any, liaison: Any, reviewer: Any, registrar: Any, person: Any, form_data: dict[str, str]
) -> None:
    genos = w.trio()
    analyst = make_user("dna_analyst", "analyst")
    w.family(liaison, person, genos)
    unit = w.body(make_user("forensic_examiner", "examiner"), genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    submitted = portal.submit(data=form_data)
    services.link_person(actor=liaison, request_id=submitted.request.pk, person_id=person.pk, confirm=True)
    req = services.get_request(submitted.request.pk)
    death = [f for f in confirmations.facts(req, liaison) if f.key == f"identification:{report.pk}"]
    assert len(death) == 1 and death[0].notification is not None and not death[0].needs_informing
    with pytest.raises(StateError) as err:
        confirmations.confirm(
            actor=liaison,
            request_id=req.pk,
            fact=death[0].key,
            text="x",
            informed_method="phone",
            informed_at=timezone.now().isoformat(),
        )
    assert "notification" in str(err.value)
    client = Client()
    client.force_login(liaison)
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert reverse("identification:notification", args=[death[0].notification.pk]) in page


def test_the_page_and_the_api_confirm(mother_asks: Any, registrar: Any, liaison: Any, api: Any) -> None:
    req = services.get_request(mother_asks.request.pk)
    client = Client()
    client.force_login(liaison)
    page = client.get(reverse("tracing:request", args=[req.pk])).content.decode()
    assert 'id="other-side-note"' in page and 'class="confirm"' in page and "UA-55501" in page
    queue = client.get(reverse("tracing:queue") + "?side=other").content.decode()
    assert req.reference in queue
    token = api(liaison)
    listed = token.get("/api/v1/tracing/requests?side=other").json()
    assert [(r["reference"], r["other_side"]) for r in listed] == [(req.reference, True)]
    got = token.get(f"/api/v1/tracing/requests/{req.pk}/facts")
    assert got.status_code == 200, got.content
    (fact,) = got.json()
    assert fact["confirms"] == "captivity" and not fact["needs_informing"]
    done = token.post(
        f"/api/v1/tracing/requests/{req.pk}/confirmations",
        {"fact": fact["fact"], "text": fact["suggested_text"]},
        content_type="application/json",
    )
    assert done.status_code == 201, done.content
    assert done.json()["confirms"] == "captivity"
    page = client.post(
        reverse("tracing:confirm", args=[req.pk]), {"fact": "detention:0", "text": "x"}, follow=True
    ).content.decode()
    assert "detention:0" in page  # the refusal names the fact
    # a role that may not release answers gets neither the facts nor the form
    client.force_login(registrar)
    assert api(registrar).get(f"/api/v1/tracing/requests/{req.pk}/facts").status_code == 403
    assert client.post(reverse("tracing:confirm", args=[req.pk]), {"fact": fact["fact"]}).status_code == 403


DRAFTED = [
    "%(name)s is registered as a prisoner of war, held by %(power)s since %(date)s. We will write here "
    "what more we learn.",
    "%(name)s is registered as a prisoner of war. We will write here what more we learn.",
    "%(name)s is registered as alive. We will write here what more we learn.",
    "%(name)s was registered as a prisoner of war and left captivity on %(date)s. We will write here what "
    "more we learn.",
    "With deep regret we must tell you that the death of %(name)s has been confirmed. Please contact the "
    "family liaison office: we will answer your questions and help you.",
    "We received your request about %(name)s and are searching. We will write here as soon as we learn "
    "anything.",
]


@pytest.mark.parametrize("language", ["uk", "ru"])
@pytest.mark.parametrize("english", DRAFTED)
def test_a_drafted_text_never_declines_the_name(language: str, english: str) -> None:
    """Ukrainian and Russian decline names; a name written as the registry holds it stands where no case
    ending is needed: after a colon or a dash, as in "— Алексей Петрович Синтетов." (never "смерть
    Алексей ..." or "о Алексей ...")."""
    from django.utils import translation

    source = re.sub(r'"\s*\n\s*"', "", Path(confirmations.__file__).read_text(encoding="utf-8"))
    assert english in source  # the text confirmations.py drafts
    with translation.override(language):
        text = translation.gettext(english)
    assert text != english
    assert re.search(r"(?:: |— )%\(name\)s(?:\.| —)", text), text


def test_a_party_the_registry_names_by_code_is_named_in_the_language() -> None:
    from django.utils import translation

    from homecoming.app.tracing.confirmations import power_name

    with translation.override("uk"):
        assert power_name("pl") == "Польща"
        assert power_name("Some group") == "Some group"  # no country's code: as it was written
    with translation.override("ru"):
        assert power_name("BY") == "Беларусь"
