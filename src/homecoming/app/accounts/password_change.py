"""A user whose password an administrator set (a new user, a reset) chooses their own before anything else.

``User.must_change_password`` is set by ``services.create_user(must_change_password=True)`` and
``services.reset_password``; while it is set, every page but the password change, enrolment of an
authenticator, log-out, the language switch and static files redirects to ``/accounts/password/``.
The API is not affected (its tokens are issued by an administrator, and a deactivated user's are revoked).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class MustChangePasswordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not _allowed_path(request.path)
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)


def _allowed_path(path: str) -> bool:
    allowed = (
        reverse("accounts:password_change"),
        reverse("accounts:otp_setup"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("set_language"),
        "/api/",
        "/" + str(settings.STATIC_URL).lstrip("/"),
    )
    return path.startswith(allowed)
