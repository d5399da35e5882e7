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

Pages (``permissions.page_requires``: record details, searches, lists) count the same way per signed-in
user (scope ``page``) against ``settings.PAGE_RATE_LIMIT`` (``HOMECOMING_PAGE_RATE_LIMIT``, ``"300/60"``
by default — a page pulls its photos too): a stolen session cannot read the register page by page
without limit or trace. Past it a 429 page (``rate_limited.html``) with ``Retry-After``, audited alike.
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


def _refuse(
    *,
    scope: str,
    key: Any,
    user: Any,
    limit: int,
    window: int,
    wait: float,
    audit_obj: tuple[str, str, str],
    what: str,
    field: str,
) -> RateLimited:
    retry_after = max(1, int(wait + 0.999))
    # the first refusal of each window is audited, the rest are not
    if cache.add(f"homecoming:rate:refused:{scope}:{key}", 1, timeout=window):
        from homecoming.app.audit import services as audit

        object_type, object_id, object_repr = audit_obj
        audit.record(
            actor=user,
            action="rate_limited",
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            after={"scope": scope, "limit": limit, "window_seconds": window},
            reason=f"{what} rate limit reached ({limit} requests per {window} s per {scope})",
        )
    return RateLimited(
        f"too many requests: at most {limit} per {window} seconds per {scope}",
        field=field,
        value=f"{limit}/{window}",
        hint=f"wait {retry_after} seconds (Retry-After) and slow down",
        retry_after=retry_after,
    )


def check(*, token: Any, user: Any) -> None:
    """Count a request of ``token`` (an ApiToken) by ``user``; RateLimited past the limit."""
    limit, window = settings.API_RATE_LIMIT
    now = time.time()
    for scope, key in (("token", token.pk), ("user", user.pk)):
        wait = _hit(scope, key, limit, window, now)
        if wait:
            raise _refuse(
                scope=scope,
                key=key,
                user=user,
                limit=limit,
                window=window,
                wait=wait,
                audit_obj=("accounts.apitoken", str(token.pk), f"token {token.prefix}… of {user.username}"),
                what="API",
                field="Authorization",
            )


def check_page(user: Any) -> None:
    """Count a page request of a signed-in ``user`` (session: every ``page_requires`` page — record
    details, searches, lists) against ``settings.PAGE_RATE_LIMIT``; RateLimited past it."""
    limit, window = settings.PAGE_RATE_LIMIT
    wait = _hit("page", user.pk, limit, window, time.time())
    if wait:
        raise _refuse(
            scope="page",
            key=user.pk,
            user=user,
            limit=limit,
            window=window,
            wait=wait,
            audit_obj=("accounts.user", str(user.pk), user.username),
            what="page",
            field="session",
        )


def check_public(*, scope: str, key: str, limit: tuple[int, int]) -> None:
    """Count a request of a public page (the family portal: no user) against ``limit`` (REQUESTS, SECONDS)
    for ``scope`` and ``key`` (an address or a request code: counted, and audited, under a keyed digest,
    never in clear); RateLimited past it."""
    from homecoming.app.audit.withheld import keyed_digest

    count, window = limit
    digest = keyed_digest([scope, key])[:24]
    wait = _hit(scope, digest, count, window, time.time())
    if wait:
        raise _refuse(
            scope=scope,
            key=digest,
            user=None,
            limit=count,
            window=window,
            wait=wait,
            audit_obj=("tracing.portal", digest, f"family portal ({scope})"),
            what="family portal",
            field=scope,
        )
