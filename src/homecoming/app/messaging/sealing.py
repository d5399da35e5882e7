"""Field encryption (Fernet: AES-128-CBC with HMAC-SHA256) of the outbox's message texts.

The key is ``HOMECOMING_FIELD_KEY`` (a Fernet key: 32 url-safe base64 bytes), or — when it is not set —
one derived from the secret key. It is never stored in the database, so a stolen database or backup does
not give the texts (a tracing request's secret) of messages still waiting; sent ones are erased anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> Fernet:
    key = settings.FIELD_KEY
    if not key:
        derived = hmac.new(
            settings.SECRET_KEY.encode("utf-8"), b"homecoming field key", hashlib.sha256
        ).digest()
        key = base64.urlsafe_b64encode(derived).decode("ascii")
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "HOMECOMING_FIELD_KEY is not a Fernet key (32 url-safe base64-encoded bytes); generate one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


def seal(text: str) -> str:
    """``text`` encrypted and authenticated, as ASCII."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The text of :func:`seal`; ``ValueError`` if the key changed or the token was altered."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ValueError("the sealed text cannot be opened with this HOMECOMING_FIELD_KEY") from None
