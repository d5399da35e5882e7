"""Asking a user again for their password (and their authenticator's code) before they sign something.

A signature in Homecoming is the signer re-entering their own password, and the current code of their
authenticator when they have one: the identification reviewer signing a report, the family liaison
signing a handover to the family.
"""

from __future__ import annotations

from typing import Any

from homecoming.app.accounts.second_factor import confirmed_device
from homecoming.errors import PermissionDenied

__all__ = ["check_credentials"]


def check_credentials(user: Any, *, password: str, otp_token: str = "", what: str = "signing") -> None:
    """Refuse (PermissionDenied naming ``password`` or ``otp_token``) unless ``password`` is the user's
    and, when the user has a confirmed authenticator, ``otp_token`` is its current code."""
    if user is None or not user.check_password(password or ""):
        raise PermissionDenied(
            f"the password is not correct; {what} needs your password again",
            field="password",
            value=None,
            hint="type your own password",
        )
    device = confirmed_device(user)
    if device is not None and not (otp_token and device.verify_token(otp_token.strip())):
        raise PermissionDenied(
            f"the authenticator code is not correct; {what} needs a current code",
            field="otp_token",
            value=None,
            hint="type the 6-digit code your authenticator shows now",
        )
