"""Notification of death as a recorded procedure: contacts, states that follow them, the released news,
the pages, the API and who may see the family's contact data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import timezone

from homecoming.app.audit.models import AuditRecord
from homecoming.app.identification import notifications, reports
from homecoming.app.identification.models_notifications import NotificationContact
from homecoming.app.identification.models_reports import FamilyNotification
from homecoming.errors import ConflictError, PermissionDenied, StateError, ValidationError

from . import report_world as w

pytestmark = pytest.mark.django_db
API = "/api/v1/identification"
RELATIVE = "Relative-Campanula-7"  # the family member's name: family contact data
WORDS = "Words-Asterwood-3: your son was identified; we are with you."
SUPPORT = "Support-Yarrow-9: psychologist, call +380005550123"  # support details may hold a phone number


@pytest.fixture
def liaison(make_user: Any) -> Any:
    return make_user("family_liaison", "liaison")


@pytest.fixture
def signed(make_user: Any, liaison: Any, reviewer: Any, person: Any) -> FamilyNotification:
    genos = w.trio()
    analyst = make_user("dna_analyst", "analyst")
    w.family(liaison, person, genos)
    unit = w.body(make_user("forensic_examiner", "examiner"), genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    return FamilyNotification.objects.get(report=report)


@pytest.fixture
def asked(liaison: Any, person: Any, settings: Any) -> Any:
    """The mother's tracing request about the person, linked by the liaison officer."""
    from homecoming.app.tracing import portal, services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    data = {
        "enquirer_name": "Mother Synthetic",
        "enquirer_relationship": "mother",
        "enquirer_phone": "+380 44 000 11 22",
        "family_name": "Synthetic",
        "given_name": "Son",
    }
    req = portal.submit(data=data, language="en").request
    return services.link_person(actor=liaison, request_id=req.pk, person_id=person.pk, confirm=True)


def _contact(**extra: Any) -> dict[str, Any]:
    return {
        "purpose": "notification",
        "method": "in_person",
        "place": "the family's home (synthetic)",
        "informed_name": RELATIVE,
        "informed_relation": "mother",
        "support_psychological": True,
        "support_legal": True,
        "support_text": SUPPORT,
        "questions": "When can we bury him?",
        "answers": "The handover can be arranged next week.",
        "message": WORDS,
        "message_language": "uk",
        **extra,
    }


def test_the_states_follow_the_recorded_contacts(
    signed: FamilyNotification, liaison: Any, asked: Any
) -> None:
    n = signed
    assert n.state == "to_notify" and notifications.released_news(asked) == []
    assert notifications.deadline(n) == timezone.localtime(n.created + notifications.NOTIFY_WITHIN).date()
    # a letter asking the family to call is recorded but notifies nobody
    letter = notifications.record_contact(
        actor=liaison, notification_id=n.pk, data=_contact(method="other", message="")
    )
    n.refresh_from_db()
    assert (letter.number, letter.counts, n.state) == (1, False, "to_notify")
    # a follow-up before the family was notified is refused, writing nothing
    with pytest.raises(StateError, match="not been notified yet"):
        notifications.record_contact(actor=liaison, notification_id=n.pk, data=_contact(purpose="follow_up"))
    assert NotificationContact.objects.count() == 1
    # in person: notified, with a follow-up planned
    due = timezone.localdate() + dt.timedelta(days=14)
    first = notifications.record_contact(
        actor=liaison,
        notification_id=n.pk,
        data=_contact(follow_up_planned=True, follow_up_due=due.isoformat(), request=asked.reference),
        expected_version=n.version,
    )
    n.refresh_from_db()
    assert first.counts and n.state == "notified" and n.notified_by == liaison and n.notified_at == first.at
    assert n.follow_up_due == due and notifications.deadline(n) == due
    assert [x.pk for x in notifications.queue("notified")] == [n.pk]
    assert notifications.queue("to_notify") == []
    assert list(reports.to_notify()) == []
    # the follow-up by phone completes it
    notifications.record_contact(
        actor=liaison,
        notification_id=n.pk,
        data=_contact(
            purpose="follow_up", method="phone", message="We call again as promised.", request=str(asked.pk)
        ),
    )
    n.refresh_from_db()
    assert n.state == "followed_up" and n.follow_up_due is None and n.followed_up_at is not None
    news = notifications.released_news(asked)
    assert [(x.text, x.purpose, x.language) for x in news] == [
        (WORDS, "notification", "uk"),
        ("We call again as promised.", "follow_up", "uk"),
    ]
    assert notifications.released_news(asked.pk) == news
    # every change audited: the contacts (names withheld) and the notification's moves
    actions = list(
        AuditRecord.objects.filter(object_type="identification.familynotification")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "family notified", "follow-up done"]
    contact_records = AuditRecord.objects.filter(object_type="identification.notificationcontact")
    assert contact_records.count() == 3
    for r in contact_records:
        assert RELATIVE not in str(r.after) and "informed_name" in r.after["withheld"]


def test_bad_input_names_every_field_and_writes_nothing(signed: FamilyNotification, liaison: Any) -> None:
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(ValidationError) as exc:
        notifications.record_contact(
            actor=liaison,
            notification_id=signed.pk,
            data={
                "method": "pigeon",
                "at": future,
                "support_other": True,
                "questions": "Why?",
                "follow_up_planned": True,
            },
        )
    fields = {p.field for p in exc.value.problems}
    assert fields == {
        "method",
        "at",
        "informed_name",
        "informed_relation",
        "support_text",
        "answers",
        "follow_up_due",
    }
    assert "pigeon" in str(exc.value)
    # notifying in person needs the words chosen for the family
    with pytest.raises(ValidationError, match="message"):
        notifications.record_contact(actor=liaison, notification_id=signed.pk, data=_contact(message=""))
    assert not NotificationContact.objects.exists()
    signed.refresh_from_db()
    assert signed.state == "to_notify" and signed.version == 1


def test_only_the_liaison_records_and_a_stale_version_conflicts(
    signed: FamilyNotification, liaison: Any, reviewer: Any, auditor: Any
) -> None:
    for who in (reviewer, auditor):
        with pytest.raises(PermissionDenied):
            notifications.record_contact(actor=who, notification_id=signed.pk, data=_contact())
    notifications.record_contact(actor=liaison, notification_id=signed.pk, data=_contact())
    with pytest.raises(ConflictError, match="changed by someone else"):
        notifications.record_contact(
            actor=liaison, notification_id=signed.pk, data=_contact(), expected_version=1
        )


def test_contacts_are_insert_only(signed: FamilyNotification, liaison: Any) -> None:
    contact = notifications.record_contact(actor=liaison, notification_id=signed.pk, data=_contact())
    for statement in (
        lambda: NotificationContact.objects.filter(pk=contact.pk).update(message="changed"),
        lambda: NotificationContact.objects.filter(pk=contact.pk).delete(),
        lambda: FamilyNotification.objects.filter(pk=signed.pk).update(notified_at=None),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()


def test_the_pages_record_a_contact_and_show_the_history(
    signed: FamilyNotification, liaison: Any, reviewer: Any, auditor: Any
) -> None:
    c = Client()
    c.force_login(liaison)
    page = c.get("/identification/notify/").content.decode()
    assert signed.report.reference in page and "Record the notification" in page
    detail = c.get(f"/identification/notify/{signed.pk}/").content.decode()
    assert "No contact recorded yet." in detail and 'id="contact-form"' in detail
    form = {k: v for k, v in _contact().items() if v is not False}
    form["at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    # a wrong input shows the problem on the form, nothing is recorded
    bad = c.post(f"/identification/notify/{signed.pk}/contacts/", {**form, "message": ""})
    assert bad.status_code == 200 and "is required to notify a family" in bad.content.decode()
    assert not NotificationContact.objects.exists()
    got = c.post(f"/identification/notify/{signed.pk}/contacts/", {**form, "expected_version": 1})
    assert got.status_code == 302
    detail = c.get(got["Location"]).content.decode()
    assert RELATIVE in detail and WORDS.split(":")[0] in detail
    assert 'id="notification-state">notified<' in detail
    assert signed.report.reference in c.get("/identification/notify/?state=notified").content.decode()
    assert AuditRecord.objects.filter(action="view", object_type="identification.familynotification").exists()
    views = AuditRecord.objects.filter(action="view", object_type="identification.familynotification")
    seen = views.count()
    # the auditor and the reviewer read the history without the family's data (who was told, what was
    # said, the support details), with a note saying so; no form; not audited as a view of the contacts
    for who in (auditor, reviewer):
        c.force_login(who)
        detail = c.get(f"/identification/notify/{signed.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'id="notification-state">notified<' in detail and 'id="contact-1"' in detail
        assert RELATIVE not in detail and WORDS.split(":")[0] not in detail
        assert 'id="contact-form"' not in detail
        assert SUPPORT.split(":")[0] not in detail
        assert 'id="contacts-withheld"' in detail  # the note: the role does not show it
        assert c.post(f"/identification/notify/{signed.pk}/contacts/", form).status_code == 403
    assert views.count() == seen
    listing = c.get("/identification/notify/?state=notified").content.decode()
    assert signed.report.reference in listing and RELATIVE not in listing


def test_pages_in_ukrainian(signed: FamilyNotification, liaison: Any) -> None:
    c = Client()
    c.force_login(liaison)
    c.cookies["django_language"] = "uk"
    page = c.get(f"/identification/notify/{signed.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Повідомлення про смерть" in page and "Записати контакт" in page


def test_the_api_records_and_reads_contacts(
    api: Any, signed: FamilyNotification, liaison: Any, reviewer: Any, auditor: Any, make_user: Any
) -> None:
    lc = api(liaison)
    got = lc.post(
        f"{API}/notifications/{signed.pk}/contacts",
        {**_contact(method="phone"), "expected_version": signed.version},
        content_type="application/json",
    )
    assert got.status_code == 201, got.content
    assert got.json()["state"] == "notified" and got.json()["contact"]["moved_state"] is True
    bad = lc.post(
        f"{API}/notifications/{signed.pk}/contacts",
        {"purpose": "follow_up", "method": "phone", "follow_up_due": "2020-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] in {"informed_name", "follow_up_due"}
    listed = lc.get(f"{API}/notifications?state=notified").json()
    assert [n["id"] for n in listed] == [signed.pk] and RELATIVE not in str(listed)
    one = lc.get(f"{API}/notifications/{signed.pk}")
    assert one.status_code == 200 and one.json()["contacts"][0]["informed_name"] == RELATIVE
    # the auditor and the reviewer read the contacts without the family's data
    for who in (auditor, reviewer):
        one = api(who).get(f"{API}/notifications/{signed.pk}")
        contact = one.json()["contacts"][0]
        assert one.status_code == 200 and contact["family_withheld"] and contact["method"] == "phone"
        assert RELATIVE not in one.content.decode() and contact["support"]["text"] is None
        assert SUPPORT.split(":")[0] not in one.content.decode() and contact["support"]["legal"] is True
    for role in ("dna_analyst", "registrar", "forensic_examiner"):
        client = api(make_user(role, f"x-{role}"))
        got = client.get(f"{API}/notifications/{signed.pk}")
        assert got.status_code == 403 and RELATIVE not in got.content.decode(), role
    assert api(reviewer).get(f"{API}/notifications?state=notified").status_code == 200


# --- the printable record (PDF in uk, en, ru) -------------------------------------------------------------

RECORD_TEMPLATES = ("printed.html", "identification/notify_print.html")
RECORD_TITLES = {
    "en": "Record of the notification of death",
    "uk": "Протокол сповіщення про загибель",
    "ru": "Протокол извещения о гибели",
}


def _record_phrases() -> list[str]:
    from homecoming.app.identification.models_notifications import (
        ContactMethod,
        ContactPurpose,
        MessageLanguage,
        NotificationState,
    )

    from ..printed_phrases import msgids

    labels = [*ContactMethod.labels, *ContactPurpose.labels, *MessageLanguage.labels]
    return msgids(RECORD_TEMPLATES, [*labels, *NotificationState.labels])


@pytest.fixture
def notified(signed: FamilyNotification, liaison: Any) -> FamilyNotification:
    """A letter (not released), then the notification in person with a follow-up planned."""
    notifications.record_contact(
        actor=liaison,
        notification_id=signed.pk,
        data=_contact(method="other", message="Letter-Primrose-2: please call us.", questions="", answers=""),
    )
    due = timezone.localdate() + dt.timedelta(days=14)
    notifications.record_contact(
        actor=liaison,
        notification_id=signed.pk,
        data=_contact(follow_up_planned=True, follow_up_due=due.isoformat(), message_language="ru"),
    )
    signed.refresh_from_db()
    return signed


def test_the_record_pdf_in_each_language_holds_every_contact(
    notified: FamilyNotification, liaison: Any
) -> None:
    from ..printed_phrases import english_left, flat
    from .pdf_text import pdf_text

    n = notified
    due = n.follow_up_due.isoformat() if n.follow_up_due else ""
    c = Client()
    c.force_login(liaison)
    detail = c.get(f"/identification/notify/{n.pk}/").content.decode()
    for lang in ("uk", "en", "ru"):
        assert f"/identification/notify/{n.pk}/record.pdf?lang={lang}" in detail  # linked from the page
    phrases = _record_phrases()
    assert "Contacts with the family" in phrases and "by phone" in phrases and "to notify" in phrases
    texts = {}
    for lang, title in RECORD_TITLES.items():
        got = c.get(f"/identification/notify/{n.pk}/record.pdf?lang={lang}")
        assert got.status_code == 200 and got["Content-Type"] == "application/pdf", lang
        assert got.content.startswith(b"%PDF-")
        assert f'{n.report.reference}-notification-{lang}.pdf"' in got["Content-Disposition"]
        text = flat(pdf_text(got.content))
        texts[lang] = text
        for needle in (
            title,
            n.report.reference,
            n.person.reference,
            n.family.reference if n.family else "—",
            RELATIVE,
            "mother",
            "the family's home (synthetic)",
            "When can we bury him?",
            "The handover can be arranged next week.",
            WORDS,
            "Letter-Primrose-2: please call us.",
            liaison.get_username(),
            due,
        ):
            assert flat(needle) in text, (lang, needle)
        if lang != "en":
            assert english_left(text, phrases) == [], lang
    assert flat("legal aid offered") in texts["en"] and flat("in person") in texts["en"]
    assert flat("запропоновано правову допомогу") in texts["uk"] and flat("особисто") in texts["uk"]
    assert flat("предложена юридическая помощь") in texts["ru"] and flat("лично") in texts["ru"]
    # the letter is recorded, not released; the words of the notification in person are released
    assert flat("not released (not a notification in person or by phone)") in texts["en"]
    assert flat("released to the family on the portal") in texts["en"]
    assert flat("показано семье на портале") in texts["ru"] and flat("Russian") in texts["en"]
    reasons = set(
        AuditRecord.objects.filter(action="view", object_id=str(n.pk)).values_list("reason", flat=True)
    )
    assert {f"viewed notification record (PDF, {lang})" for lang in RECORD_TITLES} <= reasons


def test_the_record_print_view_and_a_wrong_language(notified: FamilyNotification, liaison: Any) -> None:
    c = Client()
    c.force_login(liaison)
    c.cookies["django_language"] = "uk"
    page = c.get(f"/identification/notify/{notified.pk}/print/").content.decode()  # the reader's language
    assert '<html lang="uk">' in page and RECORD_TITLES["uk"] in page and RELATIVE in page
    assert f"/identification/notify/{notified.pk}/record.pdf?lang=uk" in page
    bad = c.get(f"/identification/notify/{notified.pk}/record.pdf?lang=fr")
    text = bad.content.decode()
    assert bad.status_code == 400 and "lang" in text and "lang=uk, lang=en or lang=ru" in text
    assert not AuditRecord.objects.filter(reason__startswith="viewed notification record (PDF").exists()
    assert AuditRecord.objects.filter(reason="viewed notification record (print view, uk)").exists()


def test_only_the_roles_that_see_the_contacts_get_the_record(
    api: Any, notified: FamilyNotification, liaison: Any, reviewer: Any, auditor: Any, make_user: Any
) -> None:
    from .pdf_text import pdf_text

    n = notified
    urls = (f"/identification/notify/{n.pk}/print/", f"/identification/notify/{n.pk}/record.pdf?lang=ru")
    c = Client()
    c.force_login(liaison)
    assert [c.get(u).status_code for u in urls] == [200, 200]
    got = api(liaison).get(f"{API}/notifications/{n.pk}/pdf?lang=ru")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert RECORD_TITLES["ru"] in pdf_text(got.content) and RELATIVE in pdf_text(got.content)
    bad = api(liaison).get(f"{API}/notifications/{n.pk}/pdf?lang=xx")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "lang"
    # the reviewer and the auditor see the families to notify, not the contacts: no record, page or API
    for user in (
        reviewer,
        auditor,
        make_user("dna_analyst", "r-analyst"),
        make_user("registrar", "r-registrar"),
    ):
        c.force_login(user)
        for u in urls:
            assert c.get(u).status_code == 403, (user.username, u)
        got = api(user).get(f"{API}/notifications/{n.pk}/pdf?lang=ru")
        assert got.status_code == 403 and RELATIVE not in got.content.decode(), user.username
    assert AuditRecord.objects.filter(reason="viewed notification record (PDF, ru)").count() == 2
