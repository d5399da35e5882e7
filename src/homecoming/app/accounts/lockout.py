"""Log-in lockouts: per user name and client address (django-axes), and per client address across names.

django-axes locks a user-name/address pair after ``AXES_FAILURE_LIMIT`` failures. That alone lets one
address try one password on every user name (password spraying) without limit. This handler also
locks an address that has failed ``LOGIN_IP_FAILURE_LIMIT`` times in the cool-off period, whatever the
user names — every log-in from it, even a right password, is refused until the period ends.

The address is ``REMOTE_ADDR`` as the server set it: behind the TLS proxy, the client's (see
``HOMECOMING_PROXY_ADDRESS``), so one attacker behind the proxy cannot lock a user out for everyone.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def failures_from_address(request: Any) -> int:
    """Failed log-ins from the request's client address, all user names, within the cool-off period."""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-address limit across user names."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if failures_from_address(request) >= int(settings.LOGIN_IP_FAILURE_LIMIT):
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures
