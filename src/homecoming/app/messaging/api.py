"""Messaging endpoints: the outbox of the families' e-mails and SMS, for the liaison officers.

Reading needs ``messaging.view_outboundmessage``; a message's text is never part of an answer (it may
hold a request's secret), its recipient only masked.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["messaging"])

from homecoming.app.messaging import api_outbox  # noqa: E402

router.add_router("", api_outbox.router)
