"""The SMS gateway: a pluggable class named by ``HOMECOMING_SMS_BACKEND`` (a dotted path).

A backend is a class taking no arguments with ``send(to, text) -> str``: it returns what the gateway
answered (kept in the attempt's row), raises :class:`TemporaryFailure` for what is worth trying again
later (gateway busy, network down) and :class:`PermanentFailure` for what is not (a number that does not
exist). Any other exception counts as temporary. The default, :class:`LoggingSmsBackend`, sends nothing:
it writes the message to the log (for the demo and development).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

log = logging.getLogger("homecoming.sms")


class TemporaryFailure(Exception):
    """The gateway could not take the message now; try again later."""


class PermanentFailure(Exception):
    """The gateway refused the message for good (e.g. no such number)."""


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> str: ...


class LoggingSmsBackend:
    """Sends nothing: logs the message for the demo — the recipient masked and the length at INFO, the
    text at DEBUG only (it may hold a request's secret, as the console e-mail backend prints it)."""

    def send(self, to: str, text: str) -> str:
        from homecoming.app.messaging.masking import mask

        log.info("SMS to %s (%d characters) written to the log, not sent", mask(to), len(text))
        log.debug("SMS to %s: %s", mask(to), text)
        return f"logged, not sent ({len(text)} characters): logging SMS backend"


def backend() -> SmsBackend:
    """An instance of the class ``HOMECOMING_SMS_BACKEND`` names."""
    path = settings.SMS_BACKEND
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"HOMECOMING_SMS_BACKEND={path!r} cannot be imported ({exc}); give the dotted path of a class "
            "with send(to, text), e.g. homecoming.app.messaging.sms.LoggingSmsBackend"
        ) from None
    instance: SmsBackend = cls()
    return instance
