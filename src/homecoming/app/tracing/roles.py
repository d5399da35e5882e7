"""Permissions tracing grants to each role (collected by ``accounts.roles.all_role_permissions``).

The family liaison officer works the queue of tracing requests: reads them, sees the family's contacts
(``tracing.view_requestcontacts``, every view audited), links a request to a registry person, merges
duplicates, assigns, moves states and releases answers to the family (``tracing.add_release``).
Auditors read requests, their histories and releases — not the families' contacts, the casework notes
(calls, what the family said) or photos.
Families themselves have no account: they see their own request through the portal with its code and
secret (``/family/``), and only what was released to it.
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

_READ = [
    "tracing.view_tracingrequest",
    "tracing.view_requesttransition",
    "tracing.view_release",
]

PERMISSIONS: dict[Role, list[str]] = {
    Role.family_liaison: _READ
    + [
        "tracing.change_tracingrequest",
        "tracing.view_requestcontacts",
        "tracing.view_requestphoto",
        "tracing.add_release",
    ],
    Role.auditor: list(_READ),
}
