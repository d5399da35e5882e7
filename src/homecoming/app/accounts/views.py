"""Log in (with a TOTP code for users who set one up), log out, set up a second factor."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from homecoming.app.accounts.second_factor import confirmed_device, required
from homecoming.app.audit import services as audit


class _CodeInput(forms.TextInput):
    """The code field, never rendered back: a refused form shows the same empty field whatever was typed."""

    def format_value(self, value: Any) -> None:
        return None


class LoginForm(OTPAuthenticationForm):
    """User name, password and — for users with an authenticator — the 6-digit code, in one form.

    Every refusal is the same message: a wrong password, an unknown user, and a right password with a
    missing or wrong code cannot be told apart (no password oracle). A right password with a wrong or
    missing code counts as a failed log-in (django-axes), so codes cannot be guessed without limit.
    The password is never rendered back into the form.
    """

    error_messages = {
        **OTPAuthenticationForm.error_messages,
        "invalid_login": _lazy(
            "The user name, the password or the authenticator code is not right. "
            "All three are case-sensitive; the code changes every 30 seconds."
        ),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_device"].widget = self.fields["otp_device"].hidden_widget()
        self.fields["otp_challenge"].widget = self.fields["otp_challenge"].hidden_widget()
        self.fields["otp_token"].label = _lazy("Authenticator code (only if you set one up)")
        self.fields["otp_token"].widget = _CodeInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        )
        self.fields["password"].widget.render_value = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        device = confirmed_device(self.user_cache)
        if device is not None:
            token = (self.cleaned_data.get("otp_token") or "").strip()
            if not token or not device.verify_token(token):
                self.user_cache = None
                user_login_failed.send(
                    sender=__name__, credentials={"username": username}, request=self.request
                )
                raise self.get_invalid_login_error()
            self.user_cache.otp_device = device  # django_otp marks the session verified at log-in
        return self.cleaned_data


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _qr_svg(uri: str) -> str:
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode("utf-8")


@transaction.atomic
def _confirm(user: Any, device: TOTPDevice) -> None:
    """Confirm ``device`` and remove the user's other authenticators, audited, in one transaction."""
    replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk)
    n_replaced = replaced.filter(confirmed=True).count()
    replaced.delete()
    device.confirmed = True
    device.save()
    audit.record(
        actor=user,
        action="otp_replaced" if n_replaced else "otp_enabled",
        obj=user,
        after={"replaced": n_replaced},
        reason="TOTP second factor confirmed" + (" (replacing the old one)" if n_replaced else ""),
    )


def _may_replace(request: HttpRequest, current: TOTPDevice) -> bool:
    """Replacing an authenticator needs the password and a current code of the old one.

    A wrong password or code counts as a failed log-in (django-axes) and is audited; while the user
    name/address is locked out, nothing is checked.
    """
    user: Any = request.user
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return False
    password_ok = user.check_password(request.POST.get("password", ""))
    code_ok = password_ok and current.verify_token(request.POST.get("old_token", "").strip())
    if password_ok and code_ok:
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    audit.record(
        actor=user,
        action="otp_replace_refused",
        obj=user,
        after={"password_ok": password_ok, "old_code_ok": code_ok},
        reason="replacing the authenticator refused: wrong password or old code",
    )
    return False


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the TOTP authenticator.

    A GET changes nothing. ``action=start`` (POST) creates the pending authenticator — or keeps the one
    already pending — and shows its secret and QR code; ``action=confirm`` confirms it with one of its
    codes. To replace a confirmed authenticator the form also asks for the password and a current code
    of the old one.
    """
    user: Any = request.user
    current = confirmed_device(user)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "start":
            if pending is None:
                TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
            return redirect("accounts:otp_setup")
        if action == "confirm" and pending is not None:
            if current is not None and not _may_replace(request, current):
                messages.error(
                    request,
                    _(
                        "To replace your authenticator, enter your password and a current code "
                        "from the old one."
                    ),
                )
            elif pending.verify_token(request.POST.get("token", "").strip()):
                _confirm(user, pending)
                otp_login(request, pending)
                messages.success(
                    request, _("Your authenticator is set up; you will be asked for a code at log-in.")
                )
                return redirect("dashboard")
            else:
                messages.error(
                    request, _("That code is not valid. Check the time on your phone and try again.")
                )
            return redirect("accounts:otp_setup")
    context: dict[str, Any] = {
        "has_confirmed": current is not None,
        "pending": pending is not None,
        "must": required(user) and current is None,
    }
    if pending is not None:
        context["secret"] = base64.b32encode(pending.bin_key).decode("ascii")
        context["qr"] = _qr_svg(pending.config_url)
    return render(request, "accounts/otp_setup.html", context)
