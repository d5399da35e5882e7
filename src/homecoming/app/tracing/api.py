"""Tracing endpoints: the liaison officer's work on the families' tracing requests.

The family portal itself has no API: its POSTs are CSRF-protected forms (``family_views``).
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["tracing"])

from homecoming.app.tracing import api_requests  # noqa: E402

router.add_router("", api_requests.router)
