"""Handover of remains and personal effects to the family: signed with the officer's password, in one
transaction closing the custody chains, only for an identified unit; pages, API, printable record (PDF)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from homecoming.app.audit.models import AuditRecord
from homecoming.app.identification import reports
from homecoming.app.remains import custody, examinations, handover, services
from homecoming.app.remains.models import CustodyEvent, PersonalEffect, RemainsUnit
from homecoming.app.remains.models_handover import FamilyHandover, HandoverItem
from homecoming.errors import CustodyError, PermissionDenied, StateError, TransitionError, ValidationError

from ..identification import report_world as w
from ..identification.pdf_text import pdf_text
from ..printed_phrases import english_left, flat, msgids

pytestmark = pytest.mark.django_db
API = "/api/v1/remains/family-handovers"
RECEIVER = "Receiver-Hollyhock-5"
DOC_NO = "DOC-Q1234567"
RING = "wedding ring, engraved Larkspur 2015"


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def examiner(make_user: Any) -> Any:
    return make_user("forensic_examiner", "examiner")


@pytest.fixture
def identified(make_user: Any, liaison: Any, reviewer: Any, examiner: Any, person: Any) -> dict[str, Any]:
    genos = w.trio()
    analyst = make_user("dna_analyst", "analyst")
    w.family(liaison, person, genos)
    unit = w.body(examiner, genos["body"])
    ring = examinations.add_effect(
        actor=examiner, unit=unit, kind="personal_item", description=RING, packet_number="PKT-77"
    )
    disc = examinations.add_effect(
        actor=examiner,
        unit=unit,
        kind="identity_disc_half",
        description="half identity disc, A123456",
        packet_number="PKT-77",
    )
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    unit.refresh_from_db()
    assert unit.state == "identified"
    return {"unit": unit, "effects": [ring, disc], "person": person, "report": report}


def _record_phrases() -> list[str]:
    """The texts of the printed handover record and of the choices it shows."""
    from homecoming.app.remains.choices import UNIT_KINDS
    from homecoming.app.remains.models_handover import IdentityDocument

    templates = ("printed.html", "remains/family_handover_print.html", "remains/_family_handover_body.html")
    return msgids(templates, [*IdentityDocument.labels, *(label for _v, label in UNIT_KINDS)])


def _data(unit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "units": [unit.pk],
        "receiver_name": RECEIVER,
        "receiver_relation": "mother",
        "id_document_type": "passport",
        "id_document_number": DOC_NO,
        "place": "Morgue (synthetic), family room",
        **extra,
    }


def test_the_handover_closes_the_chains_and_releases_the_remains(
    identified: dict[str, Any], liaison: Any
) -> None:
    unit, effects = identified["unit"], identified["effects"]
    h = handover.hand_over(actor=liaison, data=_data(unit), password=w.PASSWORD)
    assert h.reference.startswith("FH-") and h.person == identified["person"]
    assert h.report_reference == identified["report"].reference and len(h.signature_hash) == 64
    unit.refresh_from_db()
    assert unit.state == "released_to_family"
    assert [i.effect for i in h.items.filter(effect__isnull=False)] == effects
    for obj in [unit, *effects]:
        last = custody.events_of(obj)[-1]
        # the chain names the family by the handover's reference: never the receiver (family personal data)
        assert last.to_custodian == f"family ({h.reference})" and h.reference in last.purpose
        assert RECEIVER not in f"{last.to_custodian} {last.to_signer} {last.from_signer}"
        assert custody.current(obj).custodian == f"family ({h.reference})"
        # the chain is closed: nothing may follow
        with pytest.raises(CustodyError, match="closed"):
            custody.record_event(
                actor=liaison,
                obj=type(obj).objects.get(pk=obj.pk),
                data={"from_custodian": "x", "to_custodian": "y", "from_signer": "x", "to_signer": "y"},
            )
    assert set(PersonalEffect.objects.values_list("disposition", flat=True)) == {"returned_to_family"}
    record = AuditRecord.objects.get(object_type="remains.familyhandover", action="create")
    assert DOC_NO not in str(record.after) and RECEIVER not in str(record.after)
    assert {"receiver_name", "receiver_relation", "id_document_number"} <= set(record.after["withheld"])
    assert not [r.seq for r in AuditRecord.objects.all() if RECEIVER in f"{r.before} {r.after} {r.reason}"]
    assert AuditRecord.objects.filter(action="transition", object_id=str(unit.pk)).exists()
    # a second handover of the same body is refused, naming the first
    with pytest.raises(StateError, match=f"already handed over to the family in {h.reference}"):
        handover.hand_over(actor=liaison, data=_data(unit), password=w.PASSWORD)


def test_a_handover_dated_in_the_second_of_the_last_custody_event_is_taken(
    identified: dict[str, Any], liaison: Any
) -> None:
    """The form's time keeps whole seconds: a handover dated "now" right after the chain's last event
    (recorded within the same second, with its microseconds) must not sort before it and be refused."""
    from django.utils import timezone

    unit = identified["unit"]
    where = custody.current(unit)
    last_at = (timezone.now() + dt.timedelta(minutes=1)).replace(microsecond=700_000)
    last = custody.record_event(
        actor=liaison,
        obj=unit,
        data={
            "at": last_at,
            "from_custodian": where.custodian,
            "to_custodian": "family liaison",
            "location": "family room",
            "purpose": "brought to the family room",
            "seal_before": where.seal,
            "seal_after": where.seal,
            "from_signer": "x",
            "to_signer": "y",
        },
    )
    h = handover.hand_over(
        actor=liaison,
        data=_data(unit, effects=[], handed_at=last_at.replace(microsecond=0).isoformat()),
        password=w.PASSWORD,
    )
    # moved within its second to just after the last event, so it follows it
    assert last.at < h.handed_at < last.at + dt.timedelta(milliseconds=1)
    assert custody.events_of(unit)[-1].purpose.endswith(f"({h.reference})")


def test_released_to_family_needs_the_handover(identified: dict[str, Any]) -> None:
    with pytest.raises(TransitionError, match="has no signed handover record to the family"):
        services.transition(actor=None, unit_id=identified["unit"].pk, target="released_to_family")
    assert "released_to_family" not in services.open_moves(identified["unit"])


def test_an_unidentified_unit_is_refused_with_a_clear_message(
    examiner: Any, liaison: Any, person: Any
) -> None:
    unit = w.body(examiner, w.trio()["body"], bag="BAG-U")
    before = (CustodyEvent.objects.count(), AuditRecord.objects.count())
    with pytest.raises(StateError) as exc:
        handover.hand_over(actor=liaison, data=_data(unit), password=w.PASSWORD)
    assert str(exc.value).startswith(f"{unit.reference} is not identified (dna profile obtained)")
    assert "only an identified body can be handed over to the family" in str(exc.value)
    assert (CustodyEvent.objects.count(), AuditRecord.objects.count()) == before
    assert not FamilyHandover.objects.exists()


def test_a_wrong_password_refuses_and_changes_nothing(identified: dict[str, Any], liaison: Any) -> None:
    before = (CustodyEvent.objects.count(), AuditRecord.objects.count())
    with pytest.raises(PermissionDenied) as exc:
        handover.hand_over(actor=liaison, data=_data(identified["unit"]), password="not my password")
    assert exc.value.field == "password"
    assert (CustodyEvent.objects.count(), AuditRecord.objects.count()) == before
    assert not FamilyHandover.objects.exists() and not HandoverItem.objects.exists()
    assert RemainsUnit.objects.get(pk=identified["unit"].pk).state == "identified"
    assert set(PersonalEffect.objects.values_list("disposition", flat=True)) == {"held"}


def test_bad_input_names_every_field(identified: dict[str, Any], liaison: Any, examiner: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        handover.hand_over(
            actor=liaison,
            data={"units": [identified["unit"].pk], "id_document_type": "library card"},
            password=w.PASSWORD,
        )
    fields = {p.field for p in exc.value.problems}
    assert fields == {"receiver_name", "receiver_relation", "id_document_number", "place", "id_document_type"}
    assert "library card" in str(exc.value)
    # only the liaison performs
    with pytest.raises(PermissionDenied):
        handover.hand_over(actor=examiner, data=_data(identified["unit"]), password=w.PASSWORD)
    assert not FamilyHandover.objects.exists()


def test_the_pages_and_the_printable_record(
    identified: dict[str, Any], liaison: Any, examiner: Any, make_user: Any
) -> None:
    unit = identified["unit"]
    c = Client()
    c.force_login(liaison)
    listing = c.get("/remains/family-handovers/").content.decode()
    assert unit.reference in listing and "Hand over to the family" in listing
    form_page = c.get(f"/remains/units/{unit.pk}/family-handover/").content.decode()
    assert 'id="handover-form"' in form_page and RING.split(",")[0] in form_page
    post = {
        **{k: v for k, v in _data(unit).items() if k != "units"},
        "units": [str(unit.pk)],
        "effects": [str(e.pk) for e in identified["effects"]],
        "handed_at": "",
        "password": "wrong",
    }
    got = c.post(f"/remains/units/{unit.pk}/family-handover/", post)
    assert got.status_code == 200 and not FamilyHandover.objects.exists()
    from homecoming.app.remains.handover_views import HandoverForm  # noqa: F401 (the form's fields)

    post["handed_at"] = "2020-01-01T10:00"  # before the remains were received: the custody chain refuses
    got = c.post(f"/remains/units/{unit.pk}/family-handover/", {**post, "password": w.PASSWORD})
    assert got.status_code == 200 and not FamilyHandover.objects.exists()
    assert "Morgue" in got.content.decode()  # the message says where the body is
    from django.utils import timezone

    # two seconds on (a handover may be dated up to five minutes ahead): the text keeps whole seconds, and
    # the chain's last event, recorded moments ago in the same second, must not come after it
    soon = timezone.localtime() + __import__("datetime").timedelta(seconds=2)
    post["handed_at"] = soon.strftime("%Y-%m-%dT%H:%M:%S")
    got = c.post(f"/remains/units/{unit.pk}/family-handover/", {**post, "password": w.PASSWORD})
    assert got.status_code == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', got.content.decode())
    h = FamilyHandover.objects.get()
    assert got.status_code == 302 and got["Location"] == f"/remains/family-handovers/{h.pk}/"
    detail = c.get(got["Location"]).content.decode()
    assert RECEIVER in detail and RING in detail and "PKT-77" in detail
    phrases = _record_phrases()
    assert "Remains handed over" in phrases and "passport for travel abroad" in phrases
    for lang, title in (
        ("en", "Record of the handover"),
        ("uk", "Акт передачі останків і особистих речей родині"),
        ("ru", "Акт передачи останков и личных вещей семье"),
    ):
        pdf = c.get(f"/remains/family-handovers/{h.pk}/handover.pdf?lang={lang}")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert f'{h.reference}-{lang}.pdf"' in pdf["Content-Disposition"]
        text = pdf_text(pdf.content)
        if lang != "en":
            assert english_left(text, phrases) == [], lang
        for needle in (
            title,
            h.reference,
            RECEIVER,
            "Шевченко".upper(),
            "wedding ring",
            "PKT-77",
            unit.reference,
        ):
            assert flat(needle) in flat(text), (lang, needle)
    # the examiner reads it, without who in the family received; a registrar or an analyst does not
    c.force_login(examiner)
    seen = c.get(f"/remains/family-handovers/{h.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert RECEIVER not in seen and DOC_NO not in seen and "PKT-77" in seen
    assert 'id="handover-receiver" class="muted"' in seen  # the note: the role does not show it
    for path in ("print/?lang=uk", "handover.pdf?lang=en"):
        got = c.get(f"/remains/family-handovers/{h.pk}/{path}")
        text = pdf_text(got.content) if path.startswith("handover.pdf") else got.content.decode()
        assert got.status_code == 200 and RECEIVER not in text and DOC_NO not in text and "PKT-77" in text
    assert c.get(f"/remains/units/{unit.pk}/family-handover/").status_code == 403
    for role in ("registrar", "dna_analyst"):
        c.force_login(make_user(role, f"x-{role}"))
        assert c.get(f"/remains/family-handovers/{h.pk}/").status_code == 403


def test_the_form_of_an_unidentified_unit_says_why(examiner: Any, liaison: Any) -> None:
    unit = w.body(examiner, w.trio()["body"], bag="BAG-V")
    c = Client()
    c.force_login(liaison)
    got = c.get(f"/remains/units/{unit.pk}/family-handover/")
    page = got.content.decode()
    assert got.status_code == 409 and "only an identified body can be handed over" in page
    assert 'id="handover-form"' not in page


def test_pages_in_ukrainian(identified: dict[str, Any], liaison: Any) -> None:
    c = Client()
    c.force_login(liaison)
    c.cookies["django_language"] = "uk"
    page = c.get(
        f"/remains/units/{identified['unit'].pk}/family-handover/", HTTP_ACCEPT_LANGUAGE="uk"
    ).content.decode()
    assert "Передати родині" in page and "Підписати передачу" in page


def test_the_api(api: Any, identified: dict[str, Any], liaison: Any, auditor: Any, make_user: Any) -> None:
    unit = identified["unit"]
    lc = api(liaison)
    bad = lc.post(API, {**_data(unit), "password": "nope"}, content_type="application/json")
    assert bad.status_code == 403 and bad.json()["error"]["field"] == "password"
    got = lc.post(API, {**_data(unit), "password": w.PASSWORD}, content_type="application/json")
    assert got.status_code == 201, got.content
    body = got.json()
    assert body["units"] == [unit.reference] and {i["description"] for i in body["inventory"]} == {
        f"personal item: {RING}",
        "identity disc (half): half identity disc, A123456",
    }
    again = lc.post(API, {**_data(unit), "password": w.PASSWORD}, content_type="application/json")
    assert again.status_code == 409 and "already handed over" in again.json()["error"]["message"]
    assert body["receiver_name"] == RECEIVER and body["id_document_number"] == DOC_NO
    # the auditor reads the handover, not who in the family received (each read audited)
    seen = api(auditor).get(f"{API}/{body['id']}").json()
    assert seen["receiver_withheld"] and RECEIVER not in str(seen) and DOC_NO not in str(seen)
    pdf = api(auditor).get(f"{API}/{body['id']}/pdf?lang=en")
    assert pdf.status_code == 200 and RECEIVER not in pdf_text(pdf.content) and RING in pdf_text(pdf.content)
    ru = api(auditor).get(f"{API}/{body['id']}/pdf?lang=ru")
    assert ru.status_code == 200 and ru["Content-Disposition"].startswith("attachment;")
    assert flat("Акт передачи останков") in flat(pdf_text(ru.content))
    assert RECEIVER not in pdf_text(ru.content)
    bad = api(auditor).get(f"{API}/{body['id']}/pdf?lang=de")
    assert bad.status_code == 422 and "lang=uk, lang=en or lang=ru" in bad.json()["error"]["hint"]
    assert AuditRecord.objects.filter(reason="viewed handover record (PDF, ru)").exists()
    pdf = lc.get(f"{API}/{body['id']}/pdf?lang=ru")
    assert pdf.status_code == 200 and RECEIVER in pdf_text(pdf.content) and DOC_NO in pdf_text(pdf.content)
    views = AuditRecord.objects.filter(action="view", object_type="remains.familyhandover")
    assert views.filter(actor=auditor).count() == 3 and views.filter(actor=liaison).count() == 1
    for role, status in (("forensic_examiner", 403), ("exchange_coordinator", 403), ("registrar", 403)):
        client = api(make_user(role, f"a-{role}"))
        assert (
            client.post(
                API, {**_data(unit), "password": w.PASSWORD}, content_type="application/json"
            ).status_code
            == status
        )
    assert api(make_user("registrar", "a-reg2")).get(API).status_code == 403
    assert api(make_user("exchange_coordinator", "a-co2")).get(f"{API}/{body['id']}").status_code == 200
