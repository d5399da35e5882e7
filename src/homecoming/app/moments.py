"""When something happened, as a service is told it: a past date and time, at most a few minutes ahead.

A form's or an API's "when" (a datetime, or its ISO text; empty means now) for a record of something that
has happened (a contact with a family, a handover). Clocks differ a little, so up to :data:`AHEAD` into
the future is taken; beyond it, or text that is no date and time, is a problem naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from homecoming.errors import Problem

__all__ = ["AHEAD", "past_moment"]

#: how far ahead of the server's clock a past moment may be (the reader's clock may run a little fast)
AHEAD = dt.timedelta(minutes=5)


def past_moment(raw: Any, problems: list[Problem], *, field: str, hint: str) -> dt.datetime:
    """``raw`` as an aware datetime (now when empty); a problem on ``field`` when it is no date and time
    or more than :data:`AHEAD` in the future (``hint`` says what to do then, e.g. "record the handover
    after it happened")."""
    now = timezone.now()
    if raw in (None, ""):
        return now
    at = raw if isinstance(raw, dt.datetime) else parse_datetime(str(raw))
    if at is None:
        problems.append(Problem(field, "is not a date and time", raw, "write it as 2026-05-01T14:30"))
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + AHEAD:
        problems.append(Problem(field, "is in the future", at.isoformat(), hint))
    return at
