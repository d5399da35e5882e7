"""The permission check of the API views, shared by every app's ``api.py``.

It lives apart from ``app/api.py`` so that the apps' API modules never import the API that
mounts them (``app/api.py`` imports their routers; they import only this).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from homecoming.errors import PermissionDenied


def require(request: HttpRequest, perm: str) -> Any:
    """The request's user if their role grants ``perm`` (``"app_label.codename"``), else PermissionDenied."""
    user = request.user
    if not user.has_perm(perm):
        raise PermissionDenied(
            f"your role does not allow this ({perm})",
            field="permission",
            value=perm,
            hint="ask an administrator for a role that has it",
        )
    return user
