"""Template context: the current user's roles, by their translated names (never the internal codes)."""

from __future__ import annotations

from django.http import HttpRequest

from homecoming.app.accounts.roles import ROLE_LABELS


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": []}
    labels = {role.value: label for role, label in ROLE_LABELS.items()}
    return {"user_roles": [str(labels.get(name, name)) for name in user.role_names()]}
