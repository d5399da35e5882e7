"""The second factor (TOTP): who must have one, and keeping those users at enrolment until they do.

``settings.TOTP_REQUIRED`` lists role names (``dna_analyst``) and permissions (``registry.view_contacts``,
with a dot); a user who has the role or the permission — a superuser has every permission — must log
in with an authenticator, and so must a user an administrator flagged (``User.second_factor_required``,
set on the user pages). Such a user without a confirmed authenticator is sent to
``/accounts/otp/`` right after the password and can open nothing else (but log out) until one is
confirmed. The API is not affected: its tokens are issued by an administrator (``homecoming token``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's authenticator (a user has at most one confirmed: confirming a new one replaces it)."""
    if user is None or not getattr(user, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def check_setting(entries: list[str]) -> None:
    """Refuse an entry of ``HOMECOMING_TOTP_REQUIRED`` that names no role and no granted permission.

    A typo must stop start-up, not silently exempt a role from the second factor.
    """
    from django.core.exceptions import ImproperlyConfigured

    from homecoming.app.accounts.roles import Role, all_role_permissions

    roles = {r.value for r in Role}
    perms = {p for granted in all_role_permissions().values() for p in granted}
    unknown = [e for e in entries if e not in roles and e not in perms]
    if unknown:
        raise ImproperlyConfigured(
            f"HOMECOMING_TOTP_REQUIRED: {', '.join(repr(e) for e in unknown)} is neither a role nor a "
            f"permission a role holds; use role names ({', '.join(sorted(roles))}) or permissions such as "
            "registry.view_contacts"
        )


def required(user: Any) -> bool:
    """Whether ``user`` must log in with an authenticator (``settings.TOTP_REQUIRED``, or the user's own
    ``second_factor_required``, set by an administrator on the user pages)."""
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "second_factor_required", False):
        return True
    entries = list(getattr(settings, "TOTP_REQUIRED", ()))
    perms = [e for e in entries if "." in e]
    roles = {e for e in entries if "." not in e}
    if roles and user.groups.filter(name__in=roles).exists():
        return True
    return any(user.has_perm(p) for p in perms)


class RequireSecondFactorMiddleware:
    """A user who must have an authenticator and whose session is not verified by one sees only enrolment.

    Without a confirmed authenticator: every page but enrolment, log-out, the language switch and static
    files redirects to enrolment. With one but an unverified session (an authenticator added while the
    session was open): the session ends and the user logs in again, with the code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not _allowed_path(request.path)
            and not user.is_verified()
            and required(user)
        ):
            if confirmed_device(user) is not None:
                logout(request)
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            return redirect("accounts:otp_setup")
        return self.get_response(request)


def _allowed_path(path: str) -> bool:
    allowed = (
        reverse("accounts:otp_setup"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("set_language"),
        "/api/",
        "/" + str(settings.STATIC_URL).lstrip("/"),
    )
    return path.startswith(allowed)


def admin_login(request: HttpRequest) -> HttpResponse:
    """``/admin/login/``: the one log-in form (password and code), never the admin's password-only form.

    The admin's own form would log an administrator in without the code and tell a right password
    from a wrong one.
    """
    target = request.GET.get("next", "")
    if not target.startswith("/admin/"):
        target = "/admin/"
    return redirect_to_login(target, reverse("accounts:login"))
