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
    "linelink",
    "identificationresult",
    "reportedfigure",
    "ledgerdecision",
    "ledgerdecisionreview",
)
_VIEW = [f"exchanges.view_{m}" for m in _MODELS]
_WRITE = [f"exchanges.{verb}_{m}" for m in _MODELS for verb in ("add", "change")]
# a ledger decision (which evidence a disputed count uses) is reviewed by a second person: another
# coordinator or an identification reviewer (``decisions.review`` refuses the person who made it)
_REVIEW = ["exchanges.review_ledgerdecision", "exchanges.add_ledgerdecisionreview"]

PERMISSIONS: dict[Role, list[str]] = {
    Role.exchange_coordinator: _VIEW + _WRITE + _REVIEW,
    Role.registrar: _VIEW,
    Role.auditor: _VIEW,
    Role.family_liaison: _VIEW,
    Role.forensic_examiner: _VIEW + ["exchanges.add_identificationresult"],
    Role.identification_reviewer: _VIEW + ["exchanges.add_identificationresult"] + _REVIEW,
    Role.dna_analyst: _VIEW,
}
