"""Security state that must equal the code: role permissions (issue 10, item 8).

A role is a group whose permissions are those of ``accounts/roles.py`` and each app's ``roles.py``
(re-applied by ``homecoming migrate``). A permission added to a group or to a user outside that — the
Django admin once allowed it, a SQL client still can — would let, say, the analyst read the wounded
list with no audit record. :func:`role_drift` names every difference; ``homecoming audit verify``
reports them as breaks, and ``manage.py check --database default`` as errors.
"""

from __future__ import annotations

from typing import Any

from django.core import checks


def role_drift(using: str = "default") -> list[str]:
    """Every difference between the roles' permissions in the database and in the code."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from homecoming.app.accounts.roles import all_role_permissions

    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.using(using).values_list(
            "content_type__app_label", "codename"
        )
    }
    fix = "run `homecoming migrate` (it re-applies roles.py) and find out who changed it"
    problems: list[str] = []
    wanted = all_role_permissions()
    for role, names in wanted.items():
        group = Group.objects.using(using).filter(name=role.value).first()
        if group is None:
            problems.append(f"role {role.value}: its group is missing; {fix}")
            continue
        actual = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list("content_type__app_label", "codename")
        }
        expected = {n for n in names if n in existing}
        if extra := sorted(actual - expected):
            problems.append(
                f"role {role.value}: its group holds permission(s) the code does not grant: "
                f"{', '.join(extra)}; {fix}"
            )
        if missing := sorted(expected - actual):
            problems.append(
                f"role {role.value}: its group lacks permission(s) the code grants: "
                f"{', '.join(missing)}; {fix}"
            )
    roles = {r.value for r in wanted}
    for group in (
        Group.objects.using(using).exclude(name__in=roles).filter(permissions__isnull=False).distinct()
    ):
        problems.append(f"group {group.name!r} is not a role but holds permissions; remove it ({fix})")
    user_model: Any = get_user_model()
    direct = (
        user_model.objects.using(using)
        .filter(user_permissions__isnull=False)
        .distinct()
        .values_list("username", flat=True)
    )
    for username in direct:
        problems.append(
            f"user {username!r} holds permissions of their own, outside any role; remove them ({fix})"
        )
    return problems


@checks.register(checks.Tags.database)
def role_permissions_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``manage.py check --database default``: the role permissions in the database equal the code's."""
    if not databases:
        return []
    return [
        checks.Error(problem, id="homecoming.E801")
        for alias in databases
        for problem in role_drift(using=alias)
    ]
