"""Delivering the outbox's messages: one attempt, its record, the retry or the end, and the worker's task.

:func:`deliver` makes ONE attempt at a message: it claims it (a conditional UPDATE, so a worker and
``homecoming messages send-due`` never send it twice at once), sends it through Django's e-mail framework
(``EMAIL_BACKEND``, ``EMAIL_HOST``, ``EMAIL_PORT`` ...) or the SMS gateway (:mod:`.sms`), and records the
attempt (insert-only). A temporary failure (SMTP 4xx, a refused or dropped connection, a busy gateway)
schedules the next attempt after a backoff (``HOMECOMING_MESSAGE_RETRY_SECONDS`` × 2^(n-1), at most 6
hours) and enqueues :func:`send_message` again with ``run_after``, until ``HOMECOMING_MESSAGE_ATTEMPTS``
attempts were made; a permanent one (SMTP 5xx, a refused number) fails at once. Sent or finally failed,
the text and the recipient are erased (the keyed digest and the masked recipient stay).

:func:`send_message` is the django-tasks task ``homecoming worker`` runs (database backend).
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from homecoming.app.audit import services as audit
from homecoming.app.messaging import sealing, sms
from homecoming.app.messaging.models import (
    Channel,
    MessageAttempt,
    MessageState,
    OutboundMessage,
    Outcome,
)

log = logging.getLogger(__name__)

#: how long a claimed message is left to its sender before another may try it (a sender that died)
LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)


@task()
def send_message(message_id: int) -> str:
    """The worker's task: one attempt to deliver an outbox message (:func:`deliver`); its outcome."""
    return deliver(message_id).outcome


def enqueue(message_id: int, when: datetime | None = None) -> None:
    """Enqueue the worker's task for ``message_id`` (at ``when``, if the task backend can defer)."""
    task = send_message
    if when is not None:
        if not task.get_backend().supports_defer:
            return  # e.g. the immediate backend: `homecoming messages send-due` sends it when due
        task = task.using(run_after=when)
    task.enqueue(message_id)


@dataclass(frozen=True)
class Result:
    outcome: str  # Outcome, or "not due"
    detail: str


def classify(exc: BaseException) -> tuple[str, str]:
    """``(outcome, detail)`` of a failed send: SMTP 5xx and refused numbers are permanent, the rest not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        texts = "; ".join(
            f"{c} {t.decode('utf-8', 'replace') if isinstance(t, bytes) else t}"
            for c, t in exc.recipients.values()
        )
        permanent = bool(codes) and all(500 <= c < 600 for c in codes)
        return (Outcome.permanent if permanent else Outcome.temporary), f"recipient refused: {texts}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        outcome = Outcome.permanent if 500 <= exc.smtp_code < 600 else Outcome.temporary
        return outcome, f"{exc.smtp_code} {text}"
    if isinstance(exc, sms.PermanentFailure):
        return Outcome.permanent, f"SMS gateway: {exc}"
    if isinstance(exc, sms.TemporaryFailure):
        return Outcome.temporary, f"SMS gateway: {exc}"
    # refused or dropped connections, time-outs, DNS, an unexpected gateway error: worth another try
    return Outcome.temporary, f"{type(exc).__name__}: {exc}"


def _send(message: OutboundMessage) -> str:
    body = sealing.unseal(message.body_sealed)
    if message.channel == Channel.sms:
        return sms.backend().send(message.recipient, body)
    email = EmailMessage(
        subject=message.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Content-Language": message.language},
    )
    email.send(fail_silently=False)
    return "accepted by the e-mail server"


def backoff(attempt: int) -> timedelta:
    """Wait after the ``attempt``-th failure: ``HOMECOMING_MESSAGE_RETRY_SECONDS`` × 2^(attempt-1)."""
    return min(timedelta(seconds=settings.MESSAGE_RETRY_SECONDS * 2 ** (attempt - 1)), MAX_BACKOFF)


def deliver(message_id: int) -> Result:
    """One attempt to deliver message ``message_id`` if it is queued and due (see the module docstring)."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, state=MessageState.queued, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return Result("not due", "")
    message = OutboundMessage.objects.get(pk=message_id)
    try:
        detail = _send(message)
        outcome = Outcome.sent
    except Exception as exc:  # every way a server or gateway fails becomes a recorded attempt
        outcome, detail = classify(exc)
        log.warning("message #%s attempt %s: %s", message.pk, message.attempts + 1, detail)
    if message.recipient:  # a server may echo the address ("550 <a@b>: unknown"): it is erased with the rest
        detail = re.sub(re.escape(message.recipient), message.recipient_masked, detail, flags=re.IGNORECASE)
    _record(message, outcome=outcome, detail=detail[:500])
    return Result(outcome, detail)


def _record(message: OutboundMessage, *, outcome: str, detail: str) -> None:
    now = timezone.now()
    number = message.attempts + 1
    with transaction.atomic():
        MessageAttempt.objects.create(message=message, number=number, at=now, outcome=outcome, detail=detail)
        message.attempts = number
        if outcome == Outcome.sent:
            message.state = MessageState.sent
            message.last_error = ""
        elif outcome == Outcome.permanent or number >= settings.MESSAGE_ATTEMPTS:
            message.state = MessageState.failed
            message.last_error = detail
        else:
            message.last_error = detail
            message.next_attempt_at = now + backoff(number)
        if message.state != MessageState.queued:
            _erase(message, now)
        message.save()
        audit.record(
            actor=None,
            action={"sent": "message_sent", "failed": "message_failed"}.get(message.state, "message_retry"),
            obj=message,
            after={
                "attempt": number,
                "outcome": outcome,
                "detail": detail,
                "state": message.state,
                "next_attempt_at": message.next_attempt_at.isoformat()
                if message.state == MessageState.queued and message.next_attempt_at
                else None,
            },
        )
        if message.tracing_request_id is not None and message.state != MessageState.queued:
            # the request's own trail says what reached the family (e-mail_sent / email_failed)
            audit.record(
                actor=None,
                action="email_sent" if message.state == MessageState.sent else "email_failed",
                object_type="tracing.tracingrequest",
                object_id=str(message.tracing_request_id),
                object_repr=f"tracing request #{message.tracing_request_id}",
                reason=f"{message.get_purpose_display()} {message.get_channel_display()}: "
                f"outbox message #{message.pk}, attempt {number}: {detail}"[:500],
            )
        if message.state == MessageState.queued:
            transaction.on_commit(partial(enqueue, message.pk, message.next_attempt_at), robust=True)


def _erase(message: OutboundMessage, now: datetime) -> None:
    """Forget the text (it may hold a secret) and the recipient; the keyed digest and the mask stay."""
    message.body_sealed = ""
    message.recipient = ""
    message.body_erased_at = now
    message.next_attempt_at = None
    message.finished_at = now


def requeue_waiting() -> int:
    """Enqueue the task again for every queued message that has none waiting (``homecoming worker`` does
    this as it starts): messages queued while no worker ran, or held by a sender that died (its lease over).
    A message enqueued twice is still sent once (:func:`deliver` claims it); how many were enqueued."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = {
        row["args"][0]
        for row in DBTaskResult.objects.filter(
            task_path=send_message.module_path, status=TaskResultStatus.READY
        ).values_list("args_kwargs", flat=True)
        if row.get("args")
    }
    now = timezone.now()
    n = 0
    queued = OutboundMessage.objects.filter(state=MessageState.queued)
    for pk, when in queued.values_list("pk", "next_attempt_at"):
        if pk in waiting:
            continue
        enqueue(pk, when if when is not None and when > now else None)
        n += 1
    return n
