"""The words of a recorded notification of death reach the family portal only through a request an
officer linked to the person, and only once the notification is recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from homecoming.app.identification import notifications, reports
from homecoming.app.identification.models_reports import FamilyNotification
from homecoming.app.tracing import portal, services

from ..identification import report_world as w

pytestmark = pytest.mark.django_db
WORDS = "Words-Synthetic-Larch-5: your son was identified; we are with you."


@pytest.fixture
def identified(make_user: Any, liaison: Any, reviewer: Any, person: Any) -> FamilyNotification:
    genos = w.trio()
    analyst = make_user("dna_analyst", "analyst")
    w.family(liaison, person, genos)
    unit = w.body(make_user("forensic_examiner", "examiner"), genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    reports.sign(actor=reviewer, report_id=report.pk, password=w.PASSWORD)
    return FamilyNotification.objects.get(report=report)


def _status(submitted: Any) -> str:
    client = Client()
    client.post(reverse("family:status"), {"code": submitted.request.code, "secret": submitted.secret})
    return client.get(reverse("family:status")).content.decode()


def test_the_news_shows_only_to_the_family_told_and_only_once_recorded(
    identified: FamilyNotification, liaison: Any, person: Any, form_data: dict[str, str]
) -> None:
    mother = portal.submit(data=form_data)
    stranger = portal.submit(data={**form_data, "enquirer_name": "Someone Else Synthetic"})
    sister = portal.submit(data={**form_data, "enquirer_relationship": "сестра"})
    unlinked = portal.submit(data=form_data)
    for asked in (mother, stranger):
        services.link_person(actor=liaison, request_id=asked.request.pk, person_id=person.pk, confirm=True)
    # the sister's request joins the mother's: one case, two enquirers — and still two families to tell
    services.merge(actor=liaison, request_id=sister.request.pk, into_id=mother.request.pk)
    assert WORDS not in _status(mother)  # identified, but the family was not told yet
    outbox_before = _outbox()
    client = Client()
    client.force_login(liaison)
    page = client.get(reverse("identification:notification", args=[identified.pk])).content.decode()
    assert mother.request.reference in page and stranger.request.reference in page  # whom to tell
    response = client.post(
        reverse("identification:notify_record", args=[identified.pk]),
        {
            "purpose": "notification",
            "method": "in_person",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "informed_name": "Relative Synthetic",
            "informed_relation": "mother",
            "message": WORDS,
            "message_language": "uk",
            "request": str(mother.request.pk),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert WORDS in _status(mother)
    # nobody told the other families: nothing on their pages, whether linked, merged or not linked
    for other in (stranger, sister, unlinked):
        assert WORDS not in _status(other)
    # the mother gets "there is news" (never the news itself) if she gave an e-mail
    assert _outbox() == outbox_before + 1


def test_a_contact_names_only_a_request_linked_to_the_person(
    identified: FamilyNotification, liaison: Any, form_data: dict[str, str]
) -> None:
    from homecoming.errors import ValidationError

    unlinked = portal.submit(data=form_data)
    with pytest.raises(ValidationError) as err:
        notifications.record_contact(
            actor=liaison,
            notification_id=identified.pk,
            data={
                "purpose": "notification",
                "method": "in_person",
                "informed_name": "Relative Synthetic",
                "informed_relation": "mother",
                "message": WORDS,
                "request": unlinked.request.reference,
            },
        )
    assert [p.field for p in err.value.problems] == ["request"]
    assert WORDS not in _status(unlinked)


def _outbox() -> int:
    from homecoming.app.messaging.models import OutboundMessage

    return OutboundMessage.objects.count()
