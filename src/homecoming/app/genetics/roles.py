"""Permissions genetics grants to each role (collected by ``accounts.roles.all_role_permissions``).

Genotypes (the alleles of a profile) are seen only by DNA analysts and identification reviewers
(``genetics.view_genotype``), and every view of them is audited. A family liaison officer sees reference
families, their members, samples and consent, and which relative to sample next — never alleles. A
forensic examiner sees that a sample has a profile and its quality (``genetics.view_profile``), not the
alleles. Auditors read every record but not the alleles.
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

_MODELS = (
    "frequencytable",
    "frequencytableactivation",
    "labfile",
    "referencefamily",
    "familymember",
    "referencesample",
    "consentevent",
    "profile",
    "eliminationmatch",
    "reassociationproposal",
    "proposaldecision",
)
_VIEW_ALL = [f"genetics.view_{m}" for m in _MODELS]
_GENOTYPE = "genetics.view_genotype"
_FAMILY_VIEW = [
    "genetics.view_referencefamily",
    "genetics.view_familymember",
    "genetics.view_referencesample",
    "genetics.view_consentevent",
]
_FAMILY_WRITE = [
    "genetics.add_referencefamily",
    "genetics.change_referencefamily",
    "genetics.add_familymember",
    "genetics.change_familymember",
    "genetics.add_referencesample",
    "genetics.add_consentevent",
]
_LAB_WRITE = [
    "genetics.add_labfile",
    "genetics.add_profile",
    "genetics.add_frequencytable",
    "genetics.add_frequencytableactivation",
]

PERMISSIONS: dict[Role, list[str]] = {
    Role.dna_analyst: _VIEW_ALL + [_GENOTYPE] + _LAB_WRITE + _FAMILY_WRITE,
    Role.identification_reviewer: _VIEW_ALL + [_GENOTYPE],
    Role.family_liaison: _FAMILY_VIEW + _FAMILY_WRITE + ["genetics.view_profile"],
    Role.forensic_examiner: [
        "genetics.view_profile",
        "genetics.view_labfile",
        "genetics.view_eliminationmatch",
        "genetics.view_reassociationproposal",
        "genetics.view_proposaldecision",
        "genetics.add_proposaldecision",
    ],
    Role.auditor: list(_VIEW_ALL),
}
