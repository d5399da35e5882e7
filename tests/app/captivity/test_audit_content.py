"""What the audit trail tells the auditor about health (issue 10, items 3 and 4).

The auditor may read the trail but not health data: the trail must not name the persons on the wounded
list, must not say whose health report was written, and must not hold a digest of a withheld value
that anyone can recompute by trying the few values it could be. Health data read through the API is
audited like the page view.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from homecoming.app.audit.models import AuditRecord
from homecoming.app.captivity.choices import Art110Category, Consent, Finding, HealthCondition

pytestmark = pytest.mark.django_db

FAMILY = "Синтетенко"
GIVEN = "Остапій"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def wounded(registrar: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """A prisoner on the wounded list (eligible, consenting, held) with a health report."""
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry

    person = registry.create_person(
        actor=registrar, data={"sex": "male"}, names=[{"family_name": FAMILY, "given_name": GIVEN}]
    )
    captured = timezone.localdate() - timedelta(days=30)
    record = captivity.create_detention(
        actor=registrar, person=person, data={"detaining_power": "RU", "capture_date": captured}
    )
    captivity.add_health_report(
        actor=registrar,
        record_id=record.pk,
        on=captured + timedelta(days=1),
        condition="serious",
        report="HEALTH-REPORT-TEXT-7Q",
    )
    elig = captivity.set_eligibility(
        actor=make_user("exchange_coordinator", "coord"),
        record_id=record.pk,
        data={
            "category": "110_1_2",
            "finding": "eligible",
            "consent": "given",
            "commission_date": captured + timedelta(days=2),
        },
    )
    return {"person": person, "record": record, "eligibility": elig}


def _seen_by_auditor(auditor: Any, **filters: str) -> str:
    client = Client()
    client.force_login(auditor)
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    return response.content.decode("utf-8")


def test_the_auditor_sees_who_looked_at_the_wounded_list_not_who_is_on_it(
    wounded: dict[str, Any], registrar: Any, auditor: Any, api: Callable[[Any], Any]
) -> None:
    person = wounded["person"]
    client = Client()
    client.force_login(registrar)
    assert GIVEN in client.get("/captivity/wounded/").content.decode()
    assert GIVEN in api(registrar).get("/api/v1/wounded-list").content.decode("unicode_escape")

    views = list(AuditRecord.objects.filter(object_type="captivity.wounded_list"))
    assert len(views) == 2 and all(v.actor_name == registrar.username for v in views)
    for v in views:
        stored = json.dumps([v.object_id, v.object_repr, v.before, v.after, v.reason], ensure_ascii=False)
        assert person.reference not in stored and FAMILY not in stored and GIVEN not in stored
        assert set(v.after) == {"count", "withheld", "withheld_hmac"}  # no list of person ids
        assert v.after["count"] == 1 and v.after["withheld"] == ["persons"]
    page = _seen_by_auditor(auditor, object_type="captivity.wounded_list")
    assert page.count("wounded list") >= 2
    for text in (FAMILY, FAMILY.upper(), GIVEN, person.reference, '"persons": [', f"[{person.pk}]"):
        assert text not in page, text


def test_a_health_report_record_names_neither_the_prisoner_nor_the_detention(
    wounded: dict[str, Any], auditor: Any
) -> None:
    person, record = wounded["person"], wounded["record"]
    for action in ("health_report",):
        rec = AuditRecord.objects.get(action=action)
        stored = json.dumps([rec.object_type, rec.object_repr, rec.after, rec.reason], ensure_ascii=False)
        assert person.reference not in stored and FAMILY not in stored
        assert rec.object_type == "captivity.healthreport"
        assert "record_id" not in rec.after and "serious" not in stored
    elig = AuditRecord.objects.get(object_type="captivity.repatriationeligibility")
    assert "record_id" not in elig.after and person.reference not in elig.object_repr
    page = _seen_by_auditor(auditor, action="health_report")
    assert "health report" in page
    for text in (
        person.reference,
        FAMILY.upper(),
        f"held by {record.detaining_power}",
        "HEALTH-REPORT-TEXT-7Q",
        "serious",
    ):
        assert text not in page, text


def test_a_withheld_value_is_not_recovered_by_trying_every_value_it_could_be(
    wounded: dict[str, Any], settings: Any
) -> None:
    """An Art. 110 finding has a few dozen possible values: with a plain SHA-256 in the trail, trying
    them all recovers it. With the keyed digest, only the key holder can tell which it is."""
    from homecoming.app.audit.withheld import DIGEST_KEY, keyed_digest
    from homecoming.provenance import digest

    elig = wounded["eligibility"]
    rec = AuditRecord.objects.get(object_type="captivity.repatriationeligibility")
    stored = rec.after[DIGEST_KEY]
    assert rec.after["withheld"] == [
        "category",
        "commission_date",
        "consent",
        "finding",
        "notes",
        "record_id",
    ]
    assert not any(k in rec.after for k in ("category", "finding", "consent", "notes"))

    def candidates() -> Any:
        for category, finding, consent in itertools.product(
            Art110Category.values, Finding.values, Consent.values
        ):
            yield {
                "category": category,
                "commission_date": elig.commission_date.isoformat(),
                "consent": consent,
                "finding": finding,
                "notes": "",
                "record_id": elig.record_id,
            }

    tried = list(candidates())
    assert len(tried) == 36
    # without the key: no candidate's plain digest (nor any other key's) is the stored one
    assert not [c for c in tried if digest(c) == stored]
    assert not [c for c in tried if keyed_digest(c, key=b"a guessed key") == stored]
    # with the key: exactly the true value
    found = [c for c in tried if keyed_digest(c) == stored]
    assert [(c["category"], c["finding"], c["consent"]) for c in found] == [("110_1_2", "eligible", "given")]
    # and {"seriously_ill": true}, the digest that was the same in every trail, is keyed as well
    assert keyed_digest({"seriously_ill": True}) != digest({"seriously_ill": True})
    assert HealthCondition.serious.value == "serious"


def test_the_key_comes_from_the_environment_or_a_file_never_the_database(
    tmp_path: Any, monkeypatch: Any
) -> None:
    import importlib

    from homecoming.app import settings as app_settings

    key_file = tmp_path / "audit.key"
    key_file.write_text("file-key-0123456789\n", encoding="utf-8")
    monkeypatch.setenv("HOMECOMING_AUDIT_KEY", "env-key")
    monkeypatch.setenv("HOMECOMING_AUDIT_KEY_FILE", str(key_file))
    try:
        assert importlib.reload(app_settings).AUDIT_KEY == "file-key-0123456789"
        monkeypatch.delenv("HOMECOMING_AUDIT_KEY_FILE")
        assert importlib.reload(app_settings).AUDIT_KEY == "env-key"
        monkeypatch.delenv("HOMECOMING_AUDIT_KEY")
        derived = importlib.reload(app_settings).AUDIT_KEY
        assert derived and derived != app_settings.SECRET_KEY
    finally:
        monkeypatch.undo()
        importlib.reload(app_settings)


def test_health_data_read_through_the_api_is_audited_like_the_page(
    wounded: dict[str, Any], registrar: Any, api: Callable[[Any], Any]
) -> None:
    from homecoming.app.captivity import services as captivity

    person, record = wounded["person"], wounded["record"]
    card = captivity.create_card(
        actor=registrar,
        record_id=record.pk,
        data={"power": "UA", "health": "sick", "card_date": record.capture_date},
    )
    client = Client()
    client.force_login(registrar)
    assert client.get(f"/registry/persons/{person.pk}/").status_code == 200
    page_views = list(AuditRecord.objects.filter(action="view", reason="viewed health data"))
    assert [(v.object_type, v.object_id) for v in page_views] == [("registry.person", str(person.pk))]

    token = api(registrar)
    for url in (f"/persons/{person.pk}/detentions", f"/detentions/{record.pk}", f"/cards/{card.pk}"):
        before = AuditRecord.objects.filter(action="view", reason="viewed health data").count()
        response = token.get("/api/v1" + url)
        assert response.status_code == 200, response.content
        views = AuditRecord.objects.filter(action="view", reason="viewed health data").order_by("-seq")
        assert views.count() == before + 1, url
        latest = views.first()
        assert latest is not None
        assert (latest.object_type, latest.object_id, latest.actor_name) == (
            "registry.person",
            str(person.pk),
            registrar.username,
        )


@pytest.fixture
def detained(registrar: Any) -> dict[str, Any]:
    """A prisoner with a detention record and no health data at all."""
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry

    person = registry.create_person(
        actor=registrar,
        data={"sex": "male"},
        names=[{"family_name": "Безздоровенко", "given_name": "Тарасій"}],
    )
    record = captivity.create_detention(
        actor=registrar,
        person=person,
        data={"detaining_power": "RU", "capture_date": timezone.localdate() - timedelta(days=10)},
    )
    return {"person": person, "record": record}


def _names_the_person(r: AuditRecord, person: Any) -> bool:
    return (r.object_type == "registry.person" and r.object_id == str(person.pk)) or any(
        text in r.object_repr for text in ("Безздоровенко", "Тарасій", person.reference)
    )


@pytest.mark.parametrize("form", ["health", "eligibility"])
def test_writing_health_data_through_the_page_leaves_no_record_naming_the_prisoner(
    form: str, detained: dict[str, Any], registrar: Any
) -> None:
    """The health report and the Art. 110 record do not name the prisoner; the page they redirect to must
    not write a record that does (a ``view`` of the person right after would link the two)."""
    person, record = detained["person"], detained["record"]
    last = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
    client = Client()
    client.force_login(registrar)
    data = (
        {"on": timezone.localdate().isoformat(), "condition": "serious", "report": "synthetic fracture"}
        if form == "health"
        else {
            "category": "110_1_2",
            "finding": "eligible",
            "consent": "given",
            "commission_date": timezone.localdate().isoformat(),
        }
    )
    response = client.post(f"/captivity/detentions/{record.pk}/{form}/new/", data, follow=True)
    assert response.status_code == 200
    written = list(AuditRecord.objects.filter(seq__gt=last).order_by("seq"))
    assert written, "the health data was not written"
    naming = [
        (r.action, r.object_type, r.object_id, r.object_repr) for r in written if _names_the_person(r, person)
    ]
    assert naming == []


def test_the_person_page_records_the_health_view_whether_or_not_there_is_health_data(
    detained: dict[str, Any], registrar: Any
) -> None:
    """The view record is written for any detained person a health-permitted user opens: its presence
    tells the auditor nothing about whether health data exists."""
    person = detained["person"]
    client = Client()
    client.force_login(registrar)
    assert client.get(f"/registry/persons/{person.pk}/").status_code == 200
    views = AuditRecord.objects.filter(action="view", reason="viewed health data")
    assert [(v.object_type, v.object_id) for v in views] == [("registry.person", str(person.pk))]
