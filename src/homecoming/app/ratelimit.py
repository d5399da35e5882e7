"""A rate limit on the API, per token and per user (issue 10, item 5).

Every request authenticated by a token counts against two sliding windows in Django's cache: one for
the token, one for its user (all their tokens together). Each keeps the times of the requests it let
through in the last ``seconds`` (at most ``requests`` of them), so no ``seconds``-long stretch of time
ever holds more than ``requests`` answered requests — a fixed window would let twice as many through
around its boundary. Past ``settings.API_RATE_LIMIT`` — ``(requests, seconds)``, from
``HOMECOMING_API_RATE_LIMIT`` (``"120/60"`` by default) — the API answers 429 in the documented error
shape with ``Retry-After`` (when the oldest counted request leaves the window), and the first refusal
of each ``seconds`` is an audit record (``rate_limited``), so the auditor sees who tried to read faster
than allowed. Later refusals are not recorded again: a flood cannot flood the trail.

The counters live in the default cache (``CACHES``; local memory unless configured): with one server
process, as the documented deployment (waitress) runs, that is exact; with several, each process
counts on its own unless ``CACHES`` names a shared cache.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

from homecoming.errors import RateLimited

_LOCK = threading.Lock()  # the server's threads share one process (waitress) and its cache


def _hit(scope: str, key: Any, limit: int, window: int, now: float) -> float:
    """Count one request of ``scope``/``key`` if the last ``window`` seconds let fewer than ``limit``
    through: 0.0, or the seconds until one of them leaves the window (the request is refused)."""
    name = f"homecoming:rate:{scope}:{key}"
    with _LOCK:
        times = [t for t in cache.get(name, []) if t > now - window]
        if len(times) >= limit:
            return times[0] + window - now
        times.append(now)
        cache.set(name, times, timeout=window + 1)
        return 0.0


def check(*, token: Any, user: Any) -> None:
    """Count a request of ``token`` (an ApiToken) by ``user``; RateLimited past the limit."""
    limit, window = settings.API_RATE_LIMIT
    now = time.time()
    for scope, key in (("token", token.pk), ("user", user.pk)):
        wait = _hit(scope, key, limit, window, now)
        if not wait:
            continue
        retry_after = max(1, int(wait + 0.999))
        # the first refusal of each window is audited, the rest are not
        if cache.add(f"homecoming:rate:refused:{scope}:{key}", 1, timeout=window):
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
