"""API of the notification of death: the families to notify, one notification with its contacts, and
recording a contact.

The list and one notification need ``identification.view_familynotification`` (liaisons, reviewers,
auditors: no DNA). Its contacts' family data (who was told, relation, where, questions, answers, support
details, the words chosen) are family contact data, given only with ``view_notificationcontact``
(liaisons; every such read is audited) and null for the others; recording a contact needs
``add_notificationcontact`` (liaisons only). The printable record of a notification (PDF, uk/en/ru) needs
what its page needs (the list's permission and the contacts'); every download is audited. A notification
is notified only by recording a contact in person or by phone; nothing else changes its state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from homecoming.app.audit import services as audit
from homecoming.app.identification import notification_views, notifications
from homecoming.app.identification.models_notifications import NotificationContact
from homecoming.app.identification.models_reports import FamilyNotification
from homecoming.app.permissions import may, require

router = Router(tags=["identification"])

_NOTIFY = "identification.view_familynotification"


class ContactIn(Schema):
    purpose: str = Field("notification", description="notification or follow_up")
    method: str = Field("", description="in_person, phone or other (other does not notify)")
    at: dt.datetime | None = Field(None, description="when the contact happened (default: now)")
    place: str = Field("", description="where")
    informed_name: str = Field("", description="the family member informed (name)")
    informed_relation: str = Field("", description="their relation to the missing person")
    support_psychological: bool = Field(False, description="psychological support contact given")
    support_legal: bool = Field(False, description="legal aid offered")
    support_other: bool = Field(False, description="other support offered (say what in support_text)")
    support_text: str = ""
    questions: str = Field("", description="the family's questions")
    answers: str = Field("", description="the answers given")
    message: str = Field(
        "", description="the words chosen for the family (the portal shows them); required to notify"
    )
    message_language: str = Field("uk", description="uk, ru or en")
    follow_up_planned: bool = False
    follow_up_due: dt.date | None = Field(None, description="the date of the planned follow-up")
    expected_version: int | None = Field(None, description="the notification's version you read")


def notification_out(n: FamilyNotification, user: Any) -> dict[str, Any]:
    """A family to notify: references, state and dates; the person's name only for a role that may see
    persons; no DNA, no family contact data."""
    due = notifications.deadline(n)
    return {
        "id": n.pk,
        "report": n.report.reference,
        "person": n.person.reference,
        "name": str(n.person) if may(user, "person") else None,
        "family": n.family.reference if n.family else None,
        "created": n.created.isoformat(),
        "state": n.state,
        "deadline": due.isoformat() if due else None,
        "notified_at": n.notified_at.isoformat() if n.notified_at else None,
        "followed_up_at": n.followed_up_at.isoformat() if n.followed_up_at else None,
        "follow_up_due": n.follow_up_due.isoformat() if n.follow_up_due else None,
        "version": n.version,
    }


#: the contact's family personal data (null for a role that may not see ``notification_contacts``)
FAMILY_FIELDS = ("place", "informed_name", "informed_relation", "questions", "answers", "message")


def contact_out(c: NotificationContact, family: bool = True) -> dict[str, Any]:
    """A contact; without ``family`` its family personal data (and the support details) are null."""
    out: dict[str, Any] = {
        "number": c.number,
        "purpose": c.purpose,
        "method": c.method,
        "at": c.at.isoformat(),
        "place": c.place,
        "informed_by": c.recorded_by.get_username(),
        "informed_name": c.informed_name,
        "informed_relation": c.informed_relation,
        "support": {
            "psychological": c.support_psychological,
            "legal": c.support_legal,
            "other": c.support_other,
            "text": c.support_text,
        },
        "questions": c.questions,
        "answers": c.answers,
        "message": c.message,
        "message_language": c.message_language,
        "follow_up_planned": c.follow_up_planned,
        "follow_up_due": c.follow_up_due.isoformat() if c.follow_up_due else None,
        "moved_state": c.counts,
    }
    if not family:
        out.update(dict.fromkeys(FAMILY_FIELDS))
        out["support"]["text"] = None
        out["family_withheld"] = True
    return out


@router.get("/identification/notifications", response=list[dict[str, Any]], summary="Families to notify")
def list_notifications(request: HttpRequest, state: str = "", done: bool = False) -> list[dict[str, Any]]:
    """``state``: to_notify, notified or followed_up (default to_notify; ``done=true``: every notified
    family), the earliest deadline first."""
    user = require(request, _NOTIFY)
    if done and not state:
        rows = [n for n in notifications.queue() if n.state != "to_notify"]
    else:
        rows = notifications.queue(state or "to_notify")
    return [notification_out(n, user) for n in rows[:500]]


@router.get(
    "/identification/notifications/{notification_id}",
    response=dict[str, Any],
    summary="A notification with its contacts (audited)",
)
def get_notification(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    user = require(request, _NOTIFY)
    n = notifications.get_notification(notification_id)
    family = may(user, "notification_contacts")
    if family:
        audit.record_view(actor=user, obj=n, what="notification contacts")
    contacts = [contact_out(c, family) for c in notifications.contacts_of(n)]
    return {**notification_out(n, user), "contacts": contacts}


@router.post(
    "/identification/notifications/{notification_id}/contacts",
    response={201: dict[str, Any]},
    summary="Record a contact with the family",
)
def record_contact(request: HttpRequest, notification_id: int, payload: ContactIn) -> Status:
    actor = require(request, "identification.add_notificationcontact")
    data = payload.dict()
    version = data.pop("expected_version")
    contact = notifications.record_contact(
        actor=actor, notification_id=notification_id, data=data, expected_version=version
    )
    n = notifications.get_notification(notification_id)
    return Status(
        201,
        {**notification_out(n, actor), "contact": contact_out(contact)},
    )


@router.get(
    "/identification/notifications/{notification_id}/pdf",
    summary="The record of a notification as PDF (audited)",
)
def notification_pdf(request: HttpRequest, notification_id: int, lang: str = "") -> HttpResponse:
    """The printable record of the notification in ``lang`` (uk, en or ru; default: the request's
    language, else uk): the family to notify, the report, every contact. Needs what its page needs."""
    require(request, _NOTIFY)
    require(request, "notification_contacts")
    n = notifications.get_notification(notification_id)
    chosen = notification_views.PRINTED.language(request)
    out = notification_views.PRINTED.pdf_response(
        request,
        chosen,
        lambda: notification_views.record_context(n),
        reference=f"{n.report.reference}-notification",
        attachment=True,
    )
    notification_views.audit_reading(request, n, "PDF", chosen)
    return out
