"""Permissions captivity grants to each role (collected by ``accounts.roles.all_role_permissions``).

Health is sensitive: ``captivity.view_health`` guards health reports and the state of health on
capture cards.

The family liaison officer answers families' enquiries about prisoners of war (GC III Art. 122–123; the
other side's families too: ``tracing.confirmations``), so reads detention records and their events —
held by, since, where — but neither capture cards (they carry the family's address), nor health.
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

_READ = [
    "captivity.view_detentionrecord",
    "captivity.view_detentionevent",
    "captivity.view_capturecard",
    "captivity.view_carddispatch",
    "captivity.view_repatriationeligibility",
]
_WRITE = [
    "captivity.add_detentionrecord",
    "captivity.change_detentionrecord",
    "captivity.add_detentionevent",
    "captivity.add_capturecard",
    "captivity.add_carddispatch",
    "captivity.add_healthreport",
    "captivity.add_repatriationeligibility",
]
_HEALTH = ["captivity.view_health", "captivity.view_healthreport"]

PERMISSIONS: dict[Role, list[str]] = {
    Role.registrar: _READ + _WRITE + _HEALTH,
    Role.exchange_coordinator: _READ + _HEALTH + ["captivity.add_repatriationeligibility"],
    Role.auditor: _READ,
    Role.family_liaison: ["captivity.view_detentionrecord", "captivity.view_detentionevent"],
}
