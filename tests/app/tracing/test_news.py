"""The words of a recorded notification of death reach the family portal only through a request an
officer linked to the person, and only once the notification is recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

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


def test_the_news_shows_on_linked_requests_once_recorded(
    identified: FamilyNotification, liaison: Any, person: Any, form_data: dict[str, str]
) -> None:
    linked = portal.submit(data=form_data)
    unlinked = portal.submit(data=form_data)
    services.link_person(actor=liaison, request_id=linked.request.pk, person_id=person.pk, confirm=True)
    assert WORDS not in _status(linked)  # identified, but the family was not told yet
    notifications.record_contact(
        actor=liaison,
        notification_id=identified.pk,
        data={
            "purpose": "notification",
            "method": "in_person",
            "informed_name": "Relative Synthetic",
            "informed_relation": "mother",
            "message": WORDS,
        },
    )
    assert WORDS in _status(linked)
    assert WORDS not in _status(unlinked)
