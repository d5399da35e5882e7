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

from homecoming.app.conventions import app_permissions


class Role(StrEnum):
    registrar = "registrar"
    exchange_coordinator = "exchange_coordinator"
    forensic_examiner = "forensic_examiner"
    dna_analyst = "dna_analyst"
    identification_reviewer = "identification_reviewer"
    family_liaison = "family_liaison"
    auditor = "auditor"
    admin = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.registrar: "Registrar",
    Role.exchange_coordinator: "Exchange coordinator",
    Role.forensic_examiner: "Forensic examiner",
    Role.dna_analyst: "DNA analyst",
    Role.identification_reviewer: "Identification reviewer",
    Role.family_liaison: "Family liaison officer",
    Role.auditor: "Auditor",
    Role.admin: "Administrator",
}


def all_role_permissions() -> dict[Role, list[str]]:
    """Every role with the permissions the installed apps grant it (each app's declared ``permissions``).

    Apps are read in the order of ``INSTALLED_APPS``; a role no app grants anything has an empty list
    (admins are superusers; see services.create_user).
    """
    merged: dict[Role, list[str]] = {role: [] for role in Role}
    for _label, grants in app_permissions():
        for role, perms in grants.items():
            merged[role] += [p for p in perms if p not in merged[role]]
    return merged
