"""The roles of DESIGN.md §1 as groups with permissions.

A role is a Django group whose permissions are re-applied after every migration (``services.sync_roles``),
so a deployment cannot drift from the code. The roles are named here; what each role may do is declared
by each app, for its own models, in ``<app>/roles.py`` (``PERMISSIONS``, named by ``permissions`` on its
AppConfig, see ``homecoming.app.conventions``). Sensitive data is behind its own permissions, each
described in the roles module of its app (``registry.view_contacts``, ``captivity.view_health``,
``remains.view_examination_details``, ``audit.verify_chain`` ...).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from homecoming.app.conventions import app_permissions


class Role(StrEnum):
    registrar = "registrar"
    exchange_coordinator = "exchange_coordinator"
    forensic_examiner = "forensic_examiner"
    dna_analyst = "dna_analyst"
    identification_reviewer = "identification_reviewer"
    senior_identification_reviewer = "senior_identification_reviewer"
    family_liaison = "family_liaison"
    auditor = "auditor"
    admin = "admin"


ROLE_LABELS: dict[Role, Any] = {  # lazily translated labels
    Role.registrar: _("Registrar"),
    Role.exchange_coordinator: _("Exchange coordinator"),
    Role.forensic_examiner: _("Forensic examiner"),
    Role.dna_analyst: _("DNA analyst"),
    Role.identification_reviewer: _("Identification reviewer"),
    Role.senior_identification_reviewer: _("Senior identification reviewer"),
    Role.family_liaison: _("Family liaison officer"),
    Role.auditor: _("Auditor"),
    Role.admin: _("Administrator"),
}

#: a role that holds everything another role holds, plus what the apps grant it itself: the senior
#: identification reviewer is an identification reviewer who may also override a failed report rule
#: (``identification.override_rule``, granted in identification/roles.py)
ROLE_INHERITS: dict[Role, Role] = {
    Role.senior_identification_reviewer: Role.identification_reviewer,
}


def all_role_permissions() -> dict[Role, list[str]]:
    """Every role with the permissions the installed apps grant it (each app's declared ``permissions``).

    Apps are read in the order of ``INSTALLED_APPS``; a role no app grants anything has an empty list
    (admins are superusers; see services.create_user). A role of ``ROLE_INHERITS`` holds first every
    permission of the role it inherits, then its own.
    """
    own: dict[Role, list[str]] = {role: [] for role in Role}
    for _label, grants in app_permissions():
        for role, perms in grants.items():
            own[role] += [p for p in perms if p not in own[role]]
    merged: dict[Role, list[str]] = {}
    for role in Role:
        base = own[ROLE_INHERITS[role]] if role in ROLE_INHERITS else []
        merged[role] = [*base, *(p for p in own[role] if p not in base)]
    return merged
