"""Template context: the current user's roles (as labels in the page's language)."""

from __future__ import annotations

from django.http import HttpRequest

from homecoming.app.accounts.roles import ROLE_LABELS, Role


def role_label(name: str) -> str:
    """The label of a role's group name in the active language; a group that is no role keeps its name."""
    try:
        return str(ROLE_LABELS[Role(name)])
    except ValueError:
        return name


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": []}
    return {"user_roles": [role_label(name) for name in user.role_names()]}
