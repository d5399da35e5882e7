"""The outbox: queueing a message to a family (the worker delivers it: :mod:`.delivery`).

* :func:`queue` composes the message from its purpose's fixed template (:mod:`.compose`: no free text,
  nothing that tells of a death), stores it sealed with a keyed digest, audits it, and — when the
  transaction commits — enqueues :func:`homecoming.app.messaging.delivery.send_message` for the worker,
  which sends it and tries again after a temporary failure.
* :func:`send_due` delivers every message whose attempt is due (``homecoming messages send-due``, for
  when no worker runs).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.audit.withheld import keyed_digest
from homecoming.app.messaging import sealing
from homecoming.app.messaging.compose import compose
from homecoming.app.messaging.delivery import Result, backoff, deliver, enqueue
from homecoming.app.messaging.masking import mask
from homecoming.app.messaging.models import MessageState, OutboundMessage

__all__ = ["Result", "backoff", "deliver", "due", "mask", "queue", "send_due"]


def queue(
    *,
    channel: str,
    purpose: str,
    recipient: str,
    language: str,
    values: dict[str, str],
    tracing_request_id: int | None = None,
    actor: Any = None,
) -> OutboundMessage:
    """Store a message to a family and have the worker send it once the transaction commits (audited)."""
    composed = compose(purpose=purpose, channel=channel, language=language, values=values)
    with transaction.atomic():
        message = OutboundMessage(
            channel=channel,
            purpose=purpose,
            language=language,
            recipient=recipient,
            recipient_masked=mask(recipient),
            subject=composed.subject,
            body_sealed=sealing.seal(composed.body),
            body_sha256=keyed_digest(composed.body),
            tracing_request_id=tracing_request_id,
            next_attempt_at=timezone.now(),
        )
        message.save(force_insert=True)
        audit.record(
            actor=actor,
            action="message_queued",
            obj=message,
            after={
                "channel": channel,
                "purpose": purpose,
                "language": language,
                "recipient": message.recipient_masked,
                "tracing_request_id": tracing_request_id,
                "body_sha256": message.body_sha256,
            },
        )
        transaction.on_commit(partial(enqueue, message.pk), robust=True)
    return message


def due(limit: int = 500) -> list[int]:
    """Ids of the queued messages whose next attempt is due, oldest first."""
    return list(
        OutboundMessage.objects.filter(state=MessageState.queued, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def send_due(limit: int = 500) -> dict[str, int]:
    """One attempt at every message due (``homecoming messages send-due``); how many ended how."""
    counts: dict[str, int] = {}
    for message_id in due(limit):
        result = deliver(message_id)
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return counts
