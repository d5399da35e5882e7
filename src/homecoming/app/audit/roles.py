"""Permissions the audit app grants to each role (collected by ``accounts.roles.all_role_permissions``).

``audit.verify_chain`` — read the audit trail and verify its chain.
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

PERMISSIONS: dict[Role, list[str]] = {
    Role.auditor: ["audit.view_auditrecord", "audit.verify_chain"],
}
