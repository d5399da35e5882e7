"""API of the outbox: messages with their state and attempts (never their text)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from homecoming.app.lookup import by_id
from homecoming.app.messaging.models import MessageAttempt, MessageState, OutboundMessage
from homecoming.app.permissions import may, require
from homecoming.errors import Problem, ValidationError

router = Router(tags=["messaging"])

VIEW = "messaging.view_outboundmessage"
ATTEMPTS = "messaging.view_messageattempt"


def attempt_out(a: MessageAttempt) -> dict[str, Any]:
    return {"number": a.number, "at": a.at.isoformat(), "outcome": a.outcome, "detail": a.detail}


def message_out(m: OutboundMessage, *, attempts: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m.pk,
        "channel": m.channel,
        "purpose": m.purpose,
        "language": m.language,
        "recipient": m.recipient_masked,
        "subject": m.subject,
        "tracing_request_id": m.tracing_request_id,
        "state": m.state,
        "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at.isoformat() if m.next_attempt_at else None,
        "last_error": m.last_error,
        "created_at": m.created_at.isoformat(),
        "finished_at": m.finished_at.isoformat() if m.finished_at else None,
        "body_erased": m.body_erased_at is not None,
        "body_sha256": m.body_sha256,
    }
    if attempts:
        out["attempt_history"] = [attempt_out(a) for a in m.attempt_rows.order_by("number")]
    return out


@router.get("/messaging/messages", summary="The outbox: messages to families, newest first")
def list_messages(request: HttpRequest, state: str = "", limit: int = 200) -> list[dict[str, Any]]:
    require(request, VIEW)
    rows = OutboundMessage.objects.order_by("-created_at", "-id")
    if state:
        if state not in MessageState.values:
            problem = Problem(
                "state", "is not a message state", state, "use " + ", ".join(MessageState.values)
            )
            raise ValidationError.from_problems([problem], "the query")
        rows = rows.filter(state=state)
    return [message_out(m) for m in rows[: max(1, min(limit, 1000))]]


@router.get("/messaging/messages/{message_id}", summary="A message with its delivery attempts")
def get_message(request: HttpRequest, message_id: int) -> dict[str, Any]:
    user = require(request, VIEW)
    return message_out(
        by_id(OutboundMessage, message_id, what="message", field="message_id"), attempts=may(user, ATTEMPTS)
    )
