"""Users and roles: create users, assign roles, deactivate, reset passwords, require a second factor;
keep role groups in line with roles.py.

The web pages (``accounts/users_views.py``) and the CLI (``homecoming createuser``) call these same
functions; each change writes its audit record in the same transaction. Passwords never enter the audit
trail: a reset or a change is recorded as a fact only.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from homecoming.app import lookup
from homecoming.app.accounts.models import ApiToken, User
from homecoming.app.accounts.roles import Role, all_role_permissions
from homecoming.app.audit import services as audit
from homecoming.errors import PermissionDenied, Problem, StateError, ValidationError


def sync_roles(using: str = "default") -> None:
    """Create one group per role with exactly the permissions of roles.py."""
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
    }
    for role, names in all_role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set([perms[n] for n in names if n in perms])


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(
            f"role: unknown role {value!r}",
            field="role",
            value=value,
            hint="use one of: " + ", ".join(r.value for r in Role),
        ) from None


#: the reasons the services write when the administrator gave none (the user's page shows only given ones)
STANDARD_REASONS = frozenset(
    {
        "user created",
        "role changed",
        "user deactivated",
        "user reactivated",
        "temporary password set by an administrator",
        "password changed by the user",
        "second factor required by an administrator",
        "second factor no longer required by an administrator",
        "TOTP second factor confirmed",
        "TOTP second factor confirmed (replacing the old one)",
        "replacing the authenticator refused: wrong password or old code",
    }
)


def role_of(user: User) -> Role | None:
    """The user's role (a user holds one role group; None for a user without one)."""
    names = {g.name for g in user.groups.all()}  # the prefetched groups when a list prefetched them
    return next((r for r in Role if r.value in names), None)


def find_users(*, q: str = "", role: Role | None = None, active: bool | None = None) -> QuerySet[User]:
    """Users whose user name, names or e-mail contain ``q``, of ``role``, active or not; by user name."""
    users = User.objects.prefetch_related("groups").order_by("username")
    q = q.strip()
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
        )
    if role is not None:
        users = users.filter(groups__name=role.value)
    if active is not None:
        users = users.filter(is_active=active)
    return users


def temporary_password() -> str:
    """A random one-time password to hand to a user (they must change it at their next log-in)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def _password_problems(password: str, user: User) -> list[Problem]:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        return [
            Problem(
                "password",
                " ".join(str(m) for m in exc.messages),
                None,
                _("choose a longer password that is not a common word and not like the user name"),
            )
        ]
    return []


def _email_problems(email: str) -> list[Problem]:
    if not email:
        return []
    try:
        validate_email(email)
    except DjangoValidationError:
        return [Problem("email", _("is not an e-mail address"), email, _("write it as name@example.org"))]
    return []


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    role: Role,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    actor: User | None = None,
    check_password: bool = True,
    must_change_password: bool = False,
    second_factor_required: bool = False,
) -> User:
    """Create a user with one role. Admins are superusers and staff.

    ``must_change_password``: the password is a temporary one the administrator hands over; the user
    chooses their own at the first log-in. ``second_factor_required``: the user must set up an
    authenticator at the first log-in, whatever the role. The password never enters the audit record.
    """
    problems = []
    if not username or len(username) > 150:
        problems.append(
            Problem("username", _("must be 1 to 150 characters"), username, _("choose a shorter user name"))
        )
    elif not re.fullmatch(r"[\w.@+-]+", username):
        problems.append(
            Problem(
                "username",
                _("may hold only letters, digits and @ . + - _"),
                username,
                _("leave out spaces and other signs"),
            )
        )
    elif User.objects.filter(username__iexact=username).exists():
        problems.append(Problem("username", _("is already taken"), username, _("choose another user name")))
    problems += _email_problems(email)
    if check_password:
        problems += _password_problems(
            password, User(username=username, email=email, first_name=first_name, last_name=last_name)
        )
    if problems:
        raise ValidationError.from_problems(problems, "the new user")
    user = User.objects.create_user(
        username=username, password=password, email=email, first_name=first_name, last_name=last_name
    )
    user.is_staff = role in {Role.admin}
    user.is_superuser = role is Role.admin
    user.must_change_password = must_change_password
    user.second_factor_required = second_factor_required
    user.save(update_fields=["is_staff", "is_superuser", "must_change_password", "second_factor_required"])
    sync_roles()
    user.groups.add(Group.objects.get(name=role.value))
    audit.record(
        actor=actor,
        action="create",
        obj=user,
        after={
            "username": username,
            "role": role.value,
            "must_change_password": must_change_password,
            "second_factor_required": second_factor_required,
        },
        reason="user created",
    )
    return user


def _locked(user_id: int) -> User:
    """The user row, locked for the rest of the transaction (two admins acting at once see each other)."""
    return lookup.by_id(User.objects.select_for_update(), user_id, what="user", field="user")


def _other_active_admins(user: User) -> int:
    return User.objects.filter(is_active=True, is_superuser=True).exclude(pk=user.pk).count()


def _refuse_last_admin(user: User, message: str) -> None:
    """StateError(``message``) if ``user`` is the last active administrator."""
    if user.is_superuser and user.is_active and _other_active_admins(user) == 0:
        raise StateError(
            message % {"user": user.username},
            field="user",
            value=user.username,
            hint=_("make another user an administrator first"),
        )


def _refuse_self(actor: Any, user: User, message: str) -> None:
    """PermissionDenied(``message``) if ``actor`` is ``user``: an administrator never locks themselves out."""
    if getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied(
            message, field="user", value=user.username, hint=_("ask another administrator")
        )


@transaction.atomic
def assign_role(*, actor: Any, user_id: int, role: Role, reason: str = "") -> User:
    """Give the user ``role`` instead of the one they hold (audited with before and after).

    Refused for your own account and for the last active administrator losing the role.
    """
    user = _locked(user_id)
    before = role_of(user)
    if before is role:
        return user
    _refuse_self(actor, user, _("you cannot change the role of your own account"))
    if role is not Role.admin:
        _refuse_last_admin(
            user,
            _(
                "%(user)s is the last active administrator; taking the role away would leave nobody "
                "to manage users"
            ),
        )
    sync_roles()
    user.groups.remove(*Group.objects.filter(name__in=[r.value for r in Role]))
    user.groups.add(Group.objects.get(name=role.value))
    user.is_staff = user.is_superuser = role is Role.admin
    user.save(update_fields=["is_staff", "is_superuser"])
    audit.record(
        actor=actor,
        action="role_changed",
        obj=user,
        before={"role": before.value if before else None},
        after={"role": role.value},
        reason=reason or "role changed",
    )
    return user


@transaction.atomic
def set_active(*, actor: Any, user_id: int, active: bool, reason: str = "") -> User:
    """Deactivate (no log-in, API tokens revoked, open sessions end) or reactivate a user, audited.

    Refused for your own account and for the last active administrator.
    """
    user = _locked(user_id)
    if user.is_active == active:
        return user
    revoked = 0
    if not active:
        _refuse_self(actor, user, _("you cannot deactivate your own account"))
        _refuse_last_admin(
            user,
            _(
                "%(user)s is the last active administrator; deactivating them would leave nobody "
                "to manage users"
            ),
        )
        revoked = ApiToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="deactivated" if not active else "reactivated",
        obj=user,
        before={"is_active": not active},
        after={"is_active": active, **({"tokens_revoked": revoked} if not active else {})},
        reason=reason or ("user deactivated" if not active else "user reactivated"),
    )
    return user


@transaction.atomic
def reset_password(*, actor: Any, user_id: int, password: str = "") -> tuple[User, str]:
    """Set a one-time password (``password``, or a generated one when empty) that the user must change at
    the next log-in. Returns the user and the password (to show once). The audit record holds only the
    fact of the reset, never the password."""
    user = _locked(user_id)
    generated = not password
    password = password or temporary_password()
    problems = _password_problems(password, user)
    if problems:
        raise ValidationError.from_problems(problems, "the temporary password")
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        actor=actor,
        action="password_reset",
        obj=user,
        after={"must_change_password": True, "generated": generated},
        reason="temporary password set by an administrator",
    )
    return user, password


@transaction.atomic
def require_second_factor(*, actor: Any, user_id: int, required: bool) -> User:
    """Require (or stop requiring) an authenticator at the user's log-in, audited with before and after.

    Whoever ``settings.TOTP_REQUIRED`` names still needs one whatever this flag says."""
    user = _locked(user_id)
    if user.second_factor_required == required:
        return user
    user.second_factor_required = required
    user.save(update_fields=["second_factor_required"])
    audit.record(
        actor=actor,
        action="second_factor_required" if required else "second_factor_optional",
        obj=user,
        before={"second_factor_required": not required},
        after={"second_factor_required": required},
        reason="second factor " + ("required" if required else "no longer required") + " by an administrator",
    )
    return user


@transaction.atomic
def change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """The user replaces their password (the temporary one an administrator set, or their own), audited."""
    user = _locked(user.pk)
    problems: list[Problem] = []
    if not user.check_password(old_password or ""):
        problems.append(
            Problem(
                "old_password",
                _("is not your current password"),
                None,
                _("type the password you logged in with"),
            )
        )
    elif new_password == old_password:
        problems.append(
            Problem(
                "new_password1",
                _("is the same as the current password"),
                None,
                _("choose a new password"),
            )
        )
    else:
        problems += [
            Problem("new_password1", p.message, None, p.hint) for p in _password_problems(new_password, user)
        ]
    if problems:
        raise ValidationError.from_problems(problems, "the new password")
    was_temporary = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(
        actor=user,
        action="password_changed",
        obj=user,
        after={"replaced_temporary": was_temporary},
        reason="password changed by the user",
    )
    return user


@transaction.atomic
def issue_token(*, actor: Any, user: User, name: str) -> str:
    """A new API token for ``user`` (only its digest is stored); audited in the same transaction."""
    obj, token = ApiToken.issue(user, name)
    audit.record(actor=actor, action="token_issued", obj=user, after={"token": obj.prefix, "name": name})
    return token
