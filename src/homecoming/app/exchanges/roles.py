"""Permissions this app grants to each role (collected by ``accounts.roles.all_role_permissions``)."""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

_MODELS = (
    "party",
    "agreement",
    "agreementcategory",
    "partystatement",
    "agreementtransition",
    "operation",
    "operationtransition",
    "manifest",
    "manifestversion",
    "manifestline",
    "identificationresult",
    "reportedfigure",
)
_VIEW = [f"exchanges.view_{m}" for m in _MODELS]
_WRITE = [f"exchanges.{verb}_{m}" for m in _MODELS for verb in ("add", "change")]

PERMISSIONS: dict[Role, list[str]] = {
    Role.exchange_coordinator: _VIEW + _WRITE,
    Role.registrar: _VIEW,
    Role.auditor: _VIEW,
    Role.family_liaison: _VIEW,
    Role.forensic_examiner: _VIEW + ["exchanges.add_identificationresult"],
    Role.identification_reviewer: _VIEW + ["exchanges.add_identificationresult"],
    Role.dna_analyst: _VIEW,
}
