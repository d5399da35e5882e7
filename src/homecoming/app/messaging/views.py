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
    listed = list(rows[:ROWS])
    references = _references({m.tracing_request_id for m in listed if m.tracing_request_id})
    return render(
        request,
        "messaging/outbox.html",
        {
            "rows": [(m, references.get(m.tracing_request_id or 0, "")) for m in listed],
            "state": state,
            "states": counts,
        },
    )


def _references(ids: set[int]) -> dict[int, str]:
    """The references (TR-…) of the tracing requests the messages were sent for."""
    from homecoming.app.tracing.models import TracingRequest

    return dict(TracingRequest.objects.filter(pk__in=ids).values_list("pk", "reference")) if ids else {}


@page_requires(VIEW, "messaging.view_messageattempt")
def message(request: HttpRequest, message_id: int) -> HttpResponse:
    row = get_object_or_404(OutboundMessage, pk=message_id)
    ids = {row.tracing_request_id} if row.tracing_request_id else set()
    return render(
        request,
        "messaging/message.html",
        {
            "m": row,
            "reference": _references(ids).get(row.tracing_request_id or 0, ""),
            "attempts": row.attempt_rows.order_by("number"),
        },
    )
