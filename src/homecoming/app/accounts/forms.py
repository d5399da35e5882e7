"""The forms of the user pages (administrators) and of the own password change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homecoming.app.accounts.roles import ROLE_LABELS, Role


def role_choices() -> list[tuple[str, Any]]:
    """Every role with its translated label (the code is the submitted value, never shown)."""
    return [(r.value, ROLE_LABELS[r]) for r in Role]


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    password = forms.CharField(
        label=_("Temporary password (leave empty to generate one)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    second_factor_required = forms.BooleanField(label=_("Require a second factor"), required=False)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ActiveForm(forms.Form):
    active = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Temporary password (leave empty to generate one)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class SecondFactorForm(forms.Form):
    required = forms.BooleanField(required=False, widget=forms.HiddenInput)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, user name or e-mail"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=lambda: [("", _("Any role"))] + role_choices()
    )
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Active and deactivated")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )


class OwnPasswordForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ; type the same password twice."))
        return data
