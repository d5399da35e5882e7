"""The staff's page of the outbox: every message to a family with its state, attempts and last error.

Needs ``messaging.view_outboundmessage`` (family liaison officers, administrators). A message's text is
never shown (it may hold a request's secret), nor its recipient in full (masked).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from homecoming.app.messaging.models import MessageState, OutboundMessage
from homecoming.app.permissions import page_requires

VIEW = "messaging.view_outboundmessage"
ROWS = 200


@page_requires(VIEW)
def outbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    rows = OutboundMessage.objects.order_by("-created_at", "-id")
    if state in MessageState.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    counts = [
        (s, label, OutboundMessage.objects.filter(state=s).count()) for s, label in MessageState.choices
    ]
    return render(request, "messaging/outbox.html", {"rows": rows[:ROWS], "state": state, "states": counts})


@page_requires(VIEW, "messaging.view_messageattempt")
def message(request: HttpRequest, message_id: int) -> HttpResponse:
    row = get_object_or_404(OutboundMessage, pk=message_id)
    return render(
        request, "messaging/message.html", {"m": row, "attempts": row.attempt_rows.order_by("number")}
    )
