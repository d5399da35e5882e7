"""The roles of DESIGN.md §1 as groups with permissions.

A role is a Django group whose permissions are set here and re-applied after every migration, so a
deployment cannot drift from this table. Sensitive data is behind its own permissions:

* ``registry.view_contacts`` — family and enquirer contacts;
* ``captivity.view_health`` — health reports and the state of health on capture cards;
* ``registry.review_statusassertion`` — accept or reject a status claim (the second pair of eyes);
* ``registry.purge_person`` — purge a record (admin only);
* ``audit.verify_chain`` — read the audit trail and verify its chain.
"""

from __future__ import annotations

from enum import StrEnum


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

_REGISTRY_READ = [
    "registry.view_person",
    "registry.view_nameform",
    "registry.view_missingcase",
    "registry.view_statusassertion",
    "registry.view_casetransition",
]
_REGISTRY_WRITE = [
    "registry.add_person",
    "registry.change_person",
    "registry.add_nameform",
    "registry.change_nameform",
    "registry.add_missingcase",
    "registry.change_missingcase",
    "registry.add_statusassertion",
    "registry.add_photo",
    "registry.view_photo",
]
_CAPTIVITY_READ = [
    "captivity.view_detentionrecord",
    "captivity.view_detentionevent",
    "captivity.view_capturecard",
    "captivity.view_carddispatch",
    "captivity.view_repatriationeligibility",
]
_CAPTIVITY_WRITE = [
    "captivity.add_detentionrecord",
    "captivity.change_detentionrecord",
    "captivity.add_detentionevent",
    "captivity.add_capturecard",
    "captivity.add_carddispatch",
    "captivity.add_healthreport",
    "captivity.add_repatriationeligibility",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.registrar: _REGISTRY_READ
    + _REGISTRY_WRITE
    + _CAPTIVITY_READ
    + _CAPTIVITY_WRITE
    + ["registry.view_contacts", "captivity.view_health", "captivity.view_healthreport"],
    Role.exchange_coordinator: _REGISTRY_READ
    + _CAPTIVITY_READ
    + ["captivity.view_health", "captivity.view_healthreport", "captivity.add_repatriationeligibility"],
    Role.forensic_examiner: _REGISTRY_READ + ["registry.view_photo"],
    Role.dna_analyst: _REGISTRY_READ,
    Role.identification_reviewer: _REGISTRY_READ + ["registry.review_statusassertion", "registry.view_photo"],
    Role.family_liaison: _REGISTRY_READ
    + [
        "registry.add_missingcase",
        "registry.change_missingcase",
        "registry.add_statusassertion",
        "registry.view_contacts",
    ],
    Role.auditor: _REGISTRY_READ + _CAPTIVITY_READ + ["audit.view_auditrecord", "audit.verify_chain"],
    Role.admin: [],  # admins are superusers; see services.create_user
}


def all_role_permissions() -> dict[Role, list[str]]:
    """ROLE_PERMISSIONS plus what each domain app grants (``<app>/roles.py`` ``PERMISSIONS``)."""
    from importlib import import_module

    merged = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for app in ("exchanges", "remains"):
        extra: dict[Role, list[str]] = import_module(f"homecoming.app.{app}.roles").PERMISSIONS
        for role, perms in extra.items():
            merged[role] += [p for p in perms if p not in merged[role]]
    return merged
