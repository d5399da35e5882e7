"""Permissions this app grants to each role (collected by ``accounts.roles.all_role_permissions``).

Examination details are health-like data: ``remains.view_examination_details`` only for forensic
examiners, identification reviewers and auditors (and every view of them is audited). Others see
that an examination exists, by whom and when — not what it found.

Handovers to the family (``familyhandover``): the family liaison performs them (``add_familyhandover``,
signed with their password) and reads them; the roles that follow the custody of remains (forensic
examiner, exchange coordinator) and the auditor read them — without who in the family received: the
receiver's name, relation, identity document and the handover's notes are family personal data, for the
liaison only (``view_handoverreceiver``; the administrator has everything). The liaison sees the unit's
references and the inventory of its effects on the handover pages only, not the remains pages.
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

_MODELS = (
    "intakebatch",
    "remainsunit",
    "unittransition",
    "unitlink",
    "custodyevent",
    "examination",
    "sample",
    "personaleffect",
    "effectphoto",
)
_VIEW = [f"remains.view_{m}" for m in _MODELS]
_WRITE = [
    f"remains.{verb}_{m}"
    for m in _MODELS
    for verb in ("add", "change")
    if not (verb == "change" and m in ("unittransition", "unitlink", "custodyevent"))
]
_DETAILS = "remains.view_examination_details"
_HANDOVER = "remains.view_familyhandover"
_RECEIVER = "remains.view_handoverreceiver"

PERMISSIONS: dict[Role, list[str]] = {
    Role.forensic_examiner: _VIEW + _WRITE + [_DETAILS, _HANDOVER],
    Role.dna_analyst: [
        "remains.view_sample",
        "remains.view_custodyevent",
        "remains.add_custodyevent",
        "remains.view_remainsunit",
        "remains.view_intakebatch",
    ],
    Role.registrar: [
        "remains.view_intakebatch",
        "remains.view_remainsunit",
        "remains.view_unittransition",
        "remains.view_unitlink",
        "remains.view_custodyevent",
    ],
    Role.auditor: _VIEW + [_DETAILS, _HANDOVER],
    Role.identification_reviewer: _VIEW + [_DETAILS],
    Role.exchange_coordinator: [
        "remains.view_intakebatch",
        "remains.view_remainsunit",
        "remains.view_custodyevent",
        _HANDOVER,
    ],
    Role.family_liaison: [_HANDOVER, _RECEIVER, "remains.add_familyhandover"],
}
