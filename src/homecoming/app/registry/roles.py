"""Permissions the registry grants to each role (collected by ``accounts.roles.all_role_permissions``).

Sensitive data is behind its own permissions:

* ``registry.view_contacts`` — family and enquirer contacts;
* ``registry.review_statusassertion`` — accept or reject a status claim (the second pair of eyes);
* ``registry.merge_person`` — merge duplicate persons, unmerge, say two are not the same (registrars and
  reviewers: the duplicates queue);
* ``registry.train_linkage_model`` — train the registry's linkage model on its own persons and put it in
  force (registrars; admins are superusers): the model every import and the review queue are scored with;
* ``registry.purge_person`` — purge a record (admin only: no role is granted it).
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

_READ = [
    "registry.view_person",
    "registry.view_nameform",
    "registry.view_missingcase",
    "registry.view_statusassertion",
    "registry.view_casetransition",
]
_WRITE = [
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

# merging duplicate persons (and undoing it, and saying two are not the same): the review queue
_MERGE = ["registry.merge_person", "registry.view_personlink"]

PERMISSIONS: dict[Role, list[str]] = {
    Role.registrar: _READ + _WRITE + _MERGE + ["registry.view_contacts", "registry.train_linkage_model"],
    Role.exchange_coordinator: _READ,
    Role.forensic_examiner: _READ + ["registry.view_photo"],
    Role.dna_analyst: _READ,
    Role.identification_reviewer: _READ + _MERGE + ["registry.review_statusassertion", "registry.view_photo"],
    Role.family_liaison: _READ
    + [
        "registry.add_missingcase",
        "registry.change_missingcase",
        "registry.add_statusassertion",
        "registry.view_contacts",
    ],
    Role.auditor: _READ,
}
