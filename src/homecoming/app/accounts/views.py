"""Log in (with a TOTP code for users who set one up), log out, set up a second factor."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from homecoming.app.audit import services as audit


class LoginForm(OTPAuthenticationForm):
    """Username, password and — only for users with a TOTP device — the 6-digit code.

    The error for a wrong password and for an unknown user is the same message.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_device"].widget = self.fields["otp_device"].hidden_widget()
        self.fields["otp_challenge"].widget = self.fields["otp_challenge"].hidden_widget()
        self.fields["otp_token"].label = _("Authenticator code (only if you set one up)")

    def clean_otp(self, user: Any) -> None:
        """Ask for a code only from users who have confirmed an authenticator, and check it against it.

        A user has at most one confirmed authenticator (setting up a new one replaces the old), so the
        device need not be chosen on the page.
        """
        if user is None or not user_has_device(user):
            return
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
        if device is not None and not self.cleaned_data.get("otp_device"):
            self.cleaned_data["otp_device"] = device.persistent_id
        super().clean_otp(user)


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
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
    n_replaced = replaced.count()
    replaced.delete()
    device.confirmed = True
    device.save()
    audit.record(
        actor=user,
        action="otp_enabled",
        obj=user,
        after={"replaced": n_replaced},
        reason="TOTP second factor confirmed",
    )


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Add a TOTP authenticator: show its secret and QR code, confirm with one code."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if device.verify_token(token):
            _confirm(user, device)
            messages.success(
                request, _("Your authenticator is set up; you will be asked for a code at log-in.")
            )
            return redirect("dashboard")
        messages.error(request, _("That code is not valid. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    has_confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "accounts/otp_setup.html",
        {"secret": secret, "qr": _qr_svg(device.config_url), "has_confirmed": has_confirmed},
    )
