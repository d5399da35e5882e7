"""Notification of death as a recorded procedure: contacts, the states they give, the released news.

The family liaison officer records each contact with the family (:func:`record_contact`): who informed
whom, how, when, where, the support offered, the family's questions and the answers, the words chosen for
the family, and whether a follow-up is planned. The notification's state follows the contacts only:

* ``to_notify`` → ``notified``: a contact of purpose *notification* made in person or by phone;
* ``notified`` → ``followed_up``: a contact of purpose *follow-up* made in person or by phone;
* a contact by other means (a letter asking the family to call) is recorded and moves nothing; a
  follow-up before the family was notified is refused; more contacts after either step are recorded.

Each contact is one insert-only row and one audit record (the family's names and words are kept out of
the trail as a keyed digest, like enquirers' contacts); a change of the notification (notified, follow-up
done, follow-up due) is one more audit record, written before the row, in the same transaction.

:func:`released_news` is what the family portal may show on one tracing request: the words the officer
chose, of the contacts that notified the family of that request (the contact names the request of the
family member told) — nothing before the notification is recorded, and nothing to another family that
asked about the same person: each family is told by a person first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from homecoming.app.audit import services as audit
from homecoming.app.audit import withheld as audit_withheld
from homecoming.app.identification.models_notifications import (
    ContactMethod,
    ContactPurpose,
    MessageLanguage,
    NotificationContact,
    NotificationState,
)
from homecoming.app.identification.models_reports import FamilyNotification
from homecoming.app.lookup import by_id
from homecoming.app.moments import AHEAD, past_moment
from homecoming.errors import ConflictError, PermissionDenied, Problem, StateError, ValidationError

__all__ = [
    "NOTIFY_WITHIN",
    "ReleasedNews",
    "contacts_of",
    "deadline",
    "get_notification",
    "linked_requests",
    "queue",
    "record_contact",
    "released_news",
]

#: a signed identification's family should be notified within this time (the liaison's deadline)
NOTIFY_WITHIN = dt.timedelta(days=3)
RECORD_PERM = "identification.add_notificationcontact"
#: family data kept out of the audit trail (a keyed digest stays)
WITHHELD = ("informed_name", "place", "support_text", "questions", "answers", "message")
COUNTING = (ContactMethod.in_person.value, ContactMethod.phone.value)
S = NotificationState


@dataclass(frozen=True)
class ReleasedNews:
    """One text released to the family: the words the officer chose when notifying them."""

    at: dt.datetime
    text: str
    language: str
    purpose: str


def get_notification(notification_id: int | str) -> FamilyNotification:
    return by_id(
        FamilyNotification.objects.select_related("report", "person", "family", "notified_by"),
        notification_id,
        what="family to notify",
        field="notification",
    )


def contacts_of(notification: FamilyNotification) -> list[NotificationContact]:
    return list(notification.contacts.select_related("recorded_by").order_by("number"))


def deadline(n: FamilyNotification) -> dt.date | None:
    """The date the next step is due: notification (created + NOTIFY_WITHIN), else the planned follow-up."""
    if n.state == S.to_notify:
        return timezone.localtime(n.created + NOTIFY_WITHIN).date()
    return n.follow_up_due


def queue(state: str = "") -> list[FamilyNotification]:
    """The liaison's list in one state (all when ``state`` is empty), the earliest deadline first."""
    qs: QuerySet[FamilyNotification] = FamilyNotification.objects.select_related(
        "report", "person", "family", "notified_by"
    )
    if state == S.to_notify:
        qs = qs.filter(notified_at__isnull=True)
    elif state == S.notified:
        qs = qs.filter(notified_at__isnull=False, followed_up_at__isnull=True)
    elif state == S.followed_up:
        qs = qs.filter(followed_up_at__isnull=False)
    elif state:
        raise ValidationError.from_problems(
            [Problem("state", "is not a notification state", state, "use " + ", ".join(S.values))]
        )
    rows = list(qs.order_by("created", "id")[:1000])
    far = dt.date.max
    return sorted(rows, key=lambda n: (deadline(n) or far, n.created, n.pk))


# --- recording a contact -------------------------------------------------------------------------------


def _text(data: Mapping[str, Any], key: str, limit: int = 0) -> str:
    value = data.get(key)
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes"}
    return bool(value)


def _when(raw: Any, problems: list[Problem], created: dt.datetime) -> dt.datetime:
    at = past_moment(raw, problems, field="at", hint="record a contact after it happened")
    if at < created - AHEAD:
        problems.append(
            Problem(
                "at",
                "is before the identification was signed",
                at.isoformat(),
                f"the family can be notified only after {timezone.localtime(created):%Y-%m-%d %H:%M}",
            )
        )
    return at


def _due(raw: Any, problems: list[Problem], at: dt.datetime, planned: bool) -> dt.date | None:
    if raw in (None, ""):
        if planned:
            problems.append(
                Problem("follow_up_due", "is required when a follow-up is planned", None, "give its date")
            )
        return None
    due = raw if isinstance(raw, dt.date) else parse_date(str(raw))
    if due is None:
        problems.append(Problem("follow_up_due", "is not a date", raw, "write it as 2026-05-15"))
        return None
    if not planned:
        problems.append(
            Problem(
                "follow_up_due",
                "is given but no follow-up is planned",
                due.isoformat(),
                "tick 'follow-up planned' or leave the date empty",
            )
        )
    elif due < timezone.localtime(at).date():
        problems.append(
            Problem("follow_up_due", "is before the contact", due.isoformat(), "give a later date")
        )
    return due


def clean_contact(data: Mapping[str, Any], notification: FamilyNotification) -> dict[str, Any]:
    """A contact's input checked (every problem at once), as the row's fields."""
    problems: list[Problem] = []
    purpose = _text(data, "purpose") or ContactPurpose.notification.value
    if purpose not in ContactPurpose.values:
        problems.append(
            Problem("purpose", "is not a purpose", purpose, "use " + ", ".join(ContactPurpose.values))
        )
    method = _text(data, "method")
    if method not in ContactMethod.values:
        problems.append(
            Problem(
                "method",
                "is not how the family was contacted",
                method or None,
                "use " + ", ".join(ContactMethod.values),
            )
        )
    language = _text(data, "message_language") or MessageLanguage.uk.value
    if language not in MessageLanguage.values:
        problems.append(
            Problem("message_language", "is not a language of the portal", language, "use uk, ru or en")
        )
    out: dict[str, Any] = {
        "purpose": purpose,
        "method": method,
        "message_language": language,
        "place": _text(data, "place", 200),
        "informed_name": _text(data, "informed_name", 200),
        "informed_relation": _text(data, "informed_relation", 100),
        "support_psychological": _flag(data, "support_psychological"),
        "support_legal": _flag(data, "support_legal"),
        "support_other": _flag(data, "support_other"),
        "support_text": _text(data, "support_text"),
        "questions": _text(data, "questions"),
        "answers": _text(data, "answers"),
        "message": _text(data, "message"),
        "follow_up_planned": _flag(data, "follow_up_planned"),
    }
    for key, what in (
        ("informed_name", "the name of the family member you spoke with"),
        ("informed_relation", "their relation to the missing person (mother, brother, wife...)"),
    ):
        if not out[key]:
            problems.append(Problem(key, "is required", None, f"write {what}"))
    if out["support_other"] and not out["support_text"]:
        problems.append(
            Problem(
                "support_text", "is required when other support was offered", None, "say what was offered"
            )
        )
    if out["questions"] and not out["answers"]:
        problems.append(
            Problem(
                "answers", "is required when the family asked questions", None, "write what they were told"
            )
        )
    if purpose == ContactPurpose.notification and method in COUNTING and not out["message"]:
        problems.append(
            Problem(
                "message",
                "is required to notify a family",
                None,
                "write the words you chose for the family: the portal shows them once the notification "
                "is recorded",
            )
        )
    out["request"] = _request(data.get("request"), notification, problems)
    out["at"] = _when(data.get("at"), problems, notification.created)
    out["follow_up_due"] = _due(data.get("follow_up_due"), problems, out["at"], out["follow_up_planned"])
    if problems:
        raise ValidationError.from_problems(problems, "the contact")
    return out


def _request(raw: Any, notification: FamilyNotification, problems: list[Problem]) -> Any:
    """The tracing request of the family member told (its reference or id), linked to the person; none."""
    from homecoming.app.tracing.models import TracingRequest

    text = str(raw or "").strip()
    if not text:
        return None
    found = (
        TracingRequest.objects.filter(pk=int(text)).first()
        if text.isdigit()
        else TracingRequest.objects.filter(reference=text.upper()).first()
    )
    if found is None or found.person_id != notification.person_id:
        problems.append(
            Problem(
                "request",
                "is not a tracing request linked to this person",
                text,
                "choose one of the requests listed on this page, or leave it empty",
            )
        )
        return None
    return found


def linked_requests(notification: FamilyNotification) -> list[Any]:
    """The tracing requests linked to the notification's person: the families who asked (to tell each)."""
    from homecoming.app.tracing.models import TracingRequest

    return list(TracingRequest.objects.filter(person_id=notification.person_id).order_by("received_at", "id"))


def _next_state(state: str, purpose: str, method: str) -> str:
    """The notification's state after this contact (refused: a follow-up of a family not yet notified)."""
    if purpose == ContactPurpose.follow_up and state == S.to_notify:
        raise StateError(
            "the family has not been notified yet, so there is nothing to follow up",
            field="purpose",
            value=purpose,
            hint="record the notification first (a contact in person or by phone)",
        )
    if method not in COUNTING:
        return state
    if purpose == ContactPurpose.notification and state == S.to_notify:
        return S.notified.value
    if purpose == ContactPurpose.follow_up and state == S.notified:
        return S.followed_up.value
    return state


@transaction.atomic
def record_contact(
    *, actor: Any, notification_id: int, data: Mapping[str, Any], expected_version: int | None = None
) -> NotificationContact:
    """Record one contact with the family; it may move the notification (see the module's rules)."""
    if actor is None or not actor.has_perm(RECORD_PERM):
        raise PermissionDenied(
            f"your role does not allow this ({RECORD_PERM})",
            field="permission",
            value=RECORD_PERM,
            hint="only a family liaison officer records a notification",
        )
    get_notification(notification_id)  # an unknown notification is "not found" before anything else
    row = by_id(
        FamilyNotification.objects.select_for_update(),
        notification_id,
        what="family to notify",
        field="notification",
    )
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            f"this notification was changed by someone else (version {row.version}, "
            f"you had {expected_version})",
            field="version",
            value=expected_version,
            hint="reload the notification and record the contact again",
        )
    clean = clean_contact(data, row)
    state = row.state
    target = _next_state(state, clean["purpose"], clean["method"])
    contact = NotificationContact(
        notification=row,
        number=row.contacts.count() + 1,
        counts=target != state,
        recorded_by=actor,
        **clean,
    )
    contact.save(force_insert=True)
    audit.record(
        actor=actor,
        action="create",
        obj=contact,
        after=audit_withheld.withheld(audit.snapshot(contact), WITHHELD),
        reason=f"{row.report.reference}: {clean['purpose']} {clean['method']}",
    )
    _update(actor, row, contact, state, target)
    return contact


def _update(
    actor: Any, row: FamilyNotification, contact: NotificationContact, state: str, target: str
) -> None:
    before = audit.snapshot(row)
    if target == S.notified and state == S.to_notify:
        row.notified_at, row.notified_by = contact.at, actor
    if target == S.followed_up and state == S.notified:
        row.followed_up_at = contact.at
    if contact.follow_up_planned:
        row.follow_up_due = contact.follow_up_due
    elif contact.counts:
        row.follow_up_due = None
    after = audit.snapshot(row)
    if after == before:
        return
    row.version += 1
    action = (
        {S.notified: "family notified", S.followed_up: "follow-up done"}.get(target)
        if target != state
        else None
    )
    audit.record(
        actor=actor,
        action=action or "follow-up planned",
        obj=row,
        before={**before, "state": state},
        after={**audit.snapshot(row), "state": target, "contact": contact.number},
    )
    row.save()


# --- what the family may be shown -----------------------------------------------------------------------


def released_news(request: Any) -> list[ReleasedNews]:
    """The texts released to the family of one tracing request (a ``TracingRequest`` or its id), oldest
    first: the words the officer chose in the contacts in person or by phone that named this request, of
    a recorded notification (the one that notified the family and those after it). Empty when no such
    contact was recorded: the portal then says nothing — not even to another family that asked about
    the same person."""
    request_id = getattr(request, "pk", request)
    rows = (
        NotificationContact.objects.filter(
            request_id=request_id,
            request__person_id=F("notification__person_id"),  # still linked to the person
            notification__notified_at__isnull=False,
            method__in=COUNTING,
        )
        .exclude(message="")
        .order_by("at", "id")
    )
    return [
        ReleasedNews(at=c.at, text=c.message, language=c.message_language, purpose=c.purpose) for c in rows
    ]
