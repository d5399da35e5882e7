"""The user pages of administrators: list, create, and on a user's page assign the role, deactivate or
reactivate, reset the password, require a second factor — each through ``accounts.services``, audited —
with the history of what was done to the account. And the page where a user changes their own password.

Every page is ``page_requires("users")`` (``accounts.manage_users``, which only administrators hold),
the same check as the API's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.accounts import services
from homecoming.app.accounts.forms import (
    ActiveForm,
    OwnPasswordForm,
    PasswordResetForm,
    RoleForm,
    SecondFactorForm,
    UserCreateForm,
    UserFilterForm,
)
from homecoming.app.accounts.models import User
from homecoming.app.accounts.roles import ROLE_LABELS, Role
from homecoming.app.accounts.second_factor import confirmed_device
from homecoming.app.audit import services as audit
from homecoming.app.forms import show_problems
from homecoming.app.permissions import page_requires
from homecoming.errors import HomecomingError

#: what each audited action on an account is called on the user's page
ACTION_LABELS: dict[str, Any] = {
    "create": gettext_lazy("Account created"),
    "role_changed": gettext_lazy("Role changed"),
    "deactivated": gettext_lazy("Deactivated"),
    "reactivated": gettext_lazy("Reactivated"),
    "password_reset": gettext_lazy("Temporary password set by an administrator"),
    "password_changed": gettext_lazy("Password changed by the user"),
    "second_factor_required": gettext_lazy("Second factor required"),
    "second_factor_optional": gettext_lazy("Second factor no longer required"),
    "token_issued": gettext_lazy("API token issued"),
    "otp_enabled": gettext_lazy("Authenticator set up"),
    "otp_replaced": gettext_lazy("Authenticator replaced"),
    "otp_replace_refused": gettext_lazy("Replacing the authenticator refused"),
}


def role_label(value: str | None) -> Any:
    try:
        return ROLE_LABELS[Role(value or "")]
    except ValueError:
        return _("no role")


def _details(rec: Any) -> str:
    """A line of what changed, in words (role labels, never codes; passwords were never recorded)."""
    before, after = rec.before or {}, rec.after or {}
    if rec.action == "role_changed":
        return f"{role_label(before.get('role'))} → {role_label(after.get('role'))}"
    if rec.action == "create":
        return str(role_label(after.get("role")))
    if rec.action == "deactivated" and after.get("tokens_revoked"):
        return _("API tokens revoked: %(n)s") % {"n": after["tokens_revoked"]}
    if rec.action == "password_reset":
        return _("generated") if after.get("generated") else _("typed by the administrator")
    return ""


def _history(user: User) -> list[dict[str, Any]]:
    return [
        {
            "when": rec.created,
            "actor": rec.actor_name or _("the system"),
            "action": ACTION_LABELS.get(rec.action, rec.action),
            "details": _details(rec),
            "reason": "" if rec.reason in services.STANDARD_REASONS else rec.reason,
        }
        for rec in audit.history(user).order_by("-seq")[:200]
    ]


@page_requires("users")
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    users = services.find_users()
    if form.is_valid():
        active = form.cleaned_data["active"]
        users = services.find_users(
            q=form.cleaned_data["q"],
            role=Role(form.cleaned_data["role"]) if form.cleaned_data["role"] else None,
            active=None if not active else active == "yes",
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    rows = [{"user": u, "role": role_label(getattr(services.role_of(u), "value", None))} for u in page]
    return render(request, "accounts/user_list.html", {"form": form, "rows": rows, "page": page})


@page_requires("users")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or services.temporary_password()
        try:
            user = services.create_user(
                actor=request.user,  # type: ignore[arg-type]
                username=data["username"].strip(),
                password=password,
                role=Role(data["role"]),
                email=data["email"].strip(),
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                must_change_password=True,
                second_factor_required=data["second_factor_required"],
            )
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            return _password_shown(request, user, password if not data["password"] else "", created=True)
    return render(request, "accounts/user_form.html", {"form": form})


def _password_shown(request: HttpRequest, user: User, password: str, *, created: bool) -> HttpResponse:
    """The page that shows a generated password once (never stored in a message, a cookie or the log)."""
    response = render(
        request, "accounts/user_password.html", {"target": user, "password": password, "created": created}
    )
    response["Cache-Control"] = "no-store"
    return response


def _detail_context(request: HttpRequest, user: User, **forms_: forms.Form) -> dict[str, Any]:
    role = services.role_of(user)
    return {
        "target": user,
        "role": role_label(role.value if role else None),
        "has_authenticator": confirmed_device(user) is not None,
        "is_self": user.pk == request.user.pk,
        "role_form": forms_.get("role_form") or RoleForm(initial={"role": role.value if role else ""}),
        "active_form": forms_.get("active_form") or ActiveForm(),
        "password_form": forms_.get("password_form") or PasswordResetForm(),
        "history": _history(user),
    }


@page_requires("users")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, user))


def _refused(request: HttpRequest, user: User, exc: HomecomingError, **forms_: forms.Form) -> HttpResponse:
    messages.error(request, refusals.shown(exc))
    return render(request, "accounts/user_detail.html", _detail_context(request, user, **forms_), status=422)


@require_POST
@page_requires("users")
def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/user_detail.html", _detail_context(request, user, role_form=form), status=422
        )
    try:
        services.assign_role(
            actor=request.user,
            user_id=user.pk,
            role=Role(form.cleaned_data["role"]),
            reason=form.cleaned_data["reason"],
        )
    except HomecomingError as exc:
        return _refused(request, user, exc, role_form=form)
    messages.success(
        request,
        _("The role of %(user)s is now: %(role)s.")
        % {"user": user.username, "role": role_label(form.cleaned_data["role"])},
    )
    return redirect("accounts:user", pk=user.pk)


@require_POST
@page_requires("users")
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = ActiveForm(request.POST)
    form.is_valid()
    active = bool(form.cleaned_data.get("active"))
    try:
        services.set_active(
            actor=request.user, user_id=user.pk, active=active, reason=form.cleaned_data.get("reason", "")
        )
    except HomecomingError as exc:
        return _refused(request, user, exc, active_form=form)
    if active:
        messages.success(request, _("%(user)s can log in again.") % {"user": user.username})
    else:
        messages.success(
            request,
            _("%(user)s is deactivated: they cannot log in and their API tokens no longer work.")
            % {"user": user.username},
        )
    return redirect("accounts:user", pk=user.pk)


@require_POST
@page_requires("users")
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST)
    form.is_valid()
    typed = form.cleaned_data.get("password", "")
    try:
        user, password = services.reset_password(actor=request.user, user_id=user.pk, password=typed)
    except HomecomingError as exc:
        show_problems(form, exc)
        return render(
            request,
            "accounts/user_detail.html",
            _detail_context(request, user, password_form=form),
            status=422,
        )
    return _password_shown(request, user, "" if typed else password, created=False)


@require_POST
@page_requires("users")
def user_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = SecondFactorForm(request.POST)
    form.is_valid()
    required = bool(form.cleaned_data.get("required"))
    services.require_second_factor(actor=request.user, user_id=user.pk, required=required)
    if required:
        messages.success(
            request,
            _("%(user)s must log in with an authenticator; without one they will be asked to set it up.")
            % {"user": user.username},
        )
    else:
        messages.success(
            request,
            _("A second factor is no longer required of %(user)s by this setting.") % {"user": user.username},
        )
    return redirect("accounts:user", pk=user.pk)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The user's own password change; the one page open while ``must_change_password`` is set."""
    user: Any = request.user
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except HomecomingError as exc:
            show_problems(form, exc)
        else:
            user.refresh_from_db()
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("dashboard")
    return render(request, "accounts/password_change.html", {"form": form, "must": user.must_change_password})
