"""Users and roles: create users, keep role groups in line with roles.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from homecoming.app.accounts.models import User
from homecoming.app.accounts.roles import Role, all_role_permissions
from homecoming.app.audit import services as audit
from homecoming.errors import Problem, ValidationError


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
) -> User:
    """Create a user with one role. Admins are superusers and staff."""
    problems = []
    if not username or len(username) > 150:
        problems.append(Problem("username", "must be 1 to 150 characters", username))
    elif User.objects.filter(username=username).exists():
        problems.append(Problem("username", "is already taken", username, "choose another user name"))
    if check_password:
        try:
            validate_password(password, User(username=username, email=email))
        except DjangoValidationError as exc:
            problems.append(
                Problem("password", " ".join(exc.messages), None, "choose a longer, less common password")
            )
    if problems:
        raise ValidationError.from_problems(problems, "the new user")
    user = User.objects.create_user(
        username=username, password=password, email=email, first_name=first_name, last_name=last_name
    )
    user.is_staff = role in {Role.admin}
    user.is_superuser = role is Role.admin
    user.save(update_fields=["is_staff", "is_superuser"])
    sync_roles()
    user.groups.add(Group.objects.get(name=role.value))
    audit.record(
        actor=actor,
        action="create",
        obj=user,
        after={"username": username, "role": role.value},
        reason="user created",
    )
    return user


@transaction.atomic
def issue_token(*, actor: Any, user: User, name: str) -> str:
    """A new API token for ``user`` (only its digest is stored); audited in the same transaction."""
    from homecoming.app.accounts.models import ApiToken

    obj, token = ApiToken.issue(user, name)
    audit.record(actor=actor, action="token_issued", obj=user, after={"token": obj.prefix, "name": name})
    return token
