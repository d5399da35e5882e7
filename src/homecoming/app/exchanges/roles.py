"""Permissions this app grants to each role (merged into accounts.roles.ROLE_PERMISSIONS)."""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

PERMISSIONS: dict[Role, list[str]] = {}
