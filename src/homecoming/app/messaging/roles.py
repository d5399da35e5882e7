"""Permissions messaging grants to each role (collected by ``accounts.roles.all_role_permissions``).

The family liaison officer reads the outbox of the families' e-mails and SMS (state, attempts, last error:
never a message's text, which may hold a request's secret). Administrators hold every permission.
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

PERMISSIONS: dict[Role, list[str]] = {
    Role.family_liaison: ["messaging.view_outboundmessage", "messaging.view_messageattempt"],
}
