"""Permissions identification grants to each role (collected by ``accounts.roles.all_role_permissions``).

Comparison reports: the DNA analyst drafts and proposes (``propose_comparisonreport``), the identification
reviewer signs or returns (``sign_comparisonreport``); overriding a failed rule
(``identification.override_rule``: the posterior threshold, the family rule, an unexplained inconsistent
marker, each with a written reason) is for a senior person only: the senior identification reviewer, who
holds everything the identification reviewer holds (``accounts.roles.ROLE_INHERITS``) plus this, and the
administrator. The family liaison sees the families to notify
and records the notification, never the DNA evidence; auditors read everything but the family's data.

Notification contacts (who in the family was told, where, their questions, the answers, the support
details, the words chosen for them) are family contact data: only the family liaison records them
(``add_notificationcontact``) and sees them (``view_notificationcontact``; the administrator has
everything); reviewers and the auditor see the notification and when, how and by whom the family was
contacted, not who or what was said.

Screening results (LRs, candidates, conclusions — DNA results, never alleles) are seen by the DNA
analyst, who starts the runs, the identification reviewer and the auditor; no other role.
"""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

_REPORTS = "identification.view_comparisonreport"
_NOTIFY = "identification.view_familynotification"
_CONTACTS = "identification.view_notificationcontact"
_SCREENING_VIEW = [
    "identification.view_screeningrun",
    "identification.view_screeningcandidate",
    "identification.view_bodyconclusion",
]

PERMISSIONS: dict[Role, list[str]] = {
    Role.dna_analyst: [
        _REPORTS,
        "identification.propose_comparisonreport",
        *_SCREENING_VIEW,
        "identification.add_screeningrun",
    ],
    Role.identification_reviewer: [
        _REPORTS,
        "identification.sign_comparisonreport",
        _NOTIFY,
        *_SCREENING_VIEW,
    ],
    Role.senior_identification_reviewer: ["identification.override_rule"],
    Role.family_liaison: [
        _NOTIFY,
        "identification.change_familynotification",
        _CONTACTS,
        "identification.add_notificationcontact",
    ],
    Role.auditor: [_REPORTS, _NOTIFY, *_SCREENING_VIEW],
}
