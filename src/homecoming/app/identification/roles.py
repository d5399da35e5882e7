"""Permissions identification grants to each role (collected by ``accounts.roles.all_role_permissions``)."""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

PERMISSIONS: dict[Role, list[str]] = {}
