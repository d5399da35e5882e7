"""A rate limit on the API, per token and per user (issue 10, item 5).

Every request authenticated by a token counts against two fixed windows in Django's cache: one for the
token, one for its user (all their tokens together). Past ``settings.API_RATE_LIMIT`` — ``(requests,
seconds)``, from ``HOMECOMING_API_RATE_LIMIT`` (``"120/60"`` by default) — the API answers 429 in the
documented error shape with ``Retry-After``, and the first refused request of a window is an audit
record (``rate_limited``), so the auditor sees who tried to read faster than allowed. Later refusals
in the same window are not recorded again: a flood cannot flood the trail.

The counters live in the default cache (``CACHES``; local memory unless configured): with one server
process, as the documented deployment (waitress) runs, that is exact; with several, each process
counts on its own unless ``CACHES`` names a shared cache.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

from homecoming.errors import RateLimited


def _hit(scope: str, key: Any, limit: int, window: int, now: float) -> tuple[int, int]:
    """Count one request of ``scope``/``key`` in the current window: (count so far, seconds left)."""
    start = int(now // window) * window
    name = f"homecoming:rate:{scope}:{key}:{start}"
    cache.add(name, 0, timeout=window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window + 1)
        count = 1
    return count, max(1, int(start + window - now + 0.999))


def check(*, token: Any, user: Any) -> None:
    """Count a request of ``token`` (an ApiToken) by ``user``; RateLimited past the limit."""
    limit, window = settings.API_RATE_LIMIT
    now = time.time()
    for scope, key in (("token", token.pk), ("user", user.pk)):
        count, retry_after = _hit(scope, key, limit, window, now)
        if count <= limit:
            continue
        if count == limit + 1:  # the first refusal of the window is audited, the rest are not
            from homecoming.app.audit import services as audit

            audit.record(
                actor=user,
                action="rate_limited",
                object_type="accounts.apitoken",
                object_id=str(token.pk),
                object_repr=f"token {token.prefix}… of {user.username}",
                after={"scope": scope, "limit": limit, "window_seconds": window},
                reason=f"API rate limit reached ({limit} requests per {window} s per {scope})",
            )
        raise RateLimited(
            f"too many requests: at most {limit} per {window} seconds per {scope}",
            field="Authorization",
            value=f"{limit}/{window}",
            hint=f"wait {retry_after} seconds (Retry-After) and slow down",
            retry_after=retry_after,
        )
