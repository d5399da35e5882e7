"""What each role finds in the navigation and on its dashboard, written from DESIGN.md §1 and the roles'
permissions (not read from ``homecoming.app.navigation`` or ``homecoming.app.dashboard``): shared by the
page tests (tests/app/test_navigation.py) and the browser tests (tests/app/browser/test_roles.py)."""

from __future__ import annotations

from homecoming.app.accounts.roles import Role

#: what each role finds in the navigation, written from DESIGN.md §1 and the roles' permissions
EXPECTED_NAV: dict[str, list[str]] = {
    # records persons, lists, capture cards and claims; reads exchanges and remains
    Role.registrar: [
        "Dashboard",
        "Search",
        "New person",
        "Import a list",
        "Status claims",
        "Possible duplicates",
        "Overdue capture cards",
        "Wounded list",
        "Exchanges",
        "Operations",
        "Remains",
        "Remains units",
    ],
    # agreements and operations; reads captivity (the wounded due for exchange) and remains
    Role.exchange_coordinator: [
        "Dashboard",
        "Search",
        "Overdue capture cards",
        "Wounded list",
        "Exchanges",
        "Operations",
        "Remains",
        "Remains units",
        "Handovers to the family",
    ],
    # remains, examinations, samples; the frequency table in genetics
    Role.forensic_examiner: [
        "Dashboard",
        "Search",
        "Exchanges",
        "Operations",
        "Remains",
        "Remains units",
        "Genetics",
        "Handovers to the family",
    ],
    Role.dna_analyst: [
        "Dashboard",
        "Search",
        "Exchanges",
        "Operations",
        "Remains",
        "Remains units",
        "Genetics",
        "Screening",
        "Reports",
    ],
    # reviews claims and reports; merges duplicates
    Role.identification_reviewer: [
        "Dashboard",
        "Search",
        "Status claims",
        "Possible duplicates",
        "Exchanges",
        "Operations",
        "Remains",
        "Remains units",
        "Genetics",
        "Screening",
        "Reports",
        "Families to notify",
    ],
    Role.family_liaison: [
        "Dashboard",
        "Search",
        "Status claims",
        "Exchanges",
        "Operations",
        "Genetics",
        "Tracing requests",
        "Families to notify",
        "Messages to families",
        "Handovers to the family",
    ],
    # reads everything that happened, not the families' messages
    Role.auditor: [
        "Dashboard",
        "Search",
        "Overdue capture cards",
        "Exchanges",
        "Operations",
        "Remains",
        "Remains units",
        "Genetics",
        "Screening",
        "Reports",
        "Tracing requests",
        "Families to notify",
        "Handovers to the family",
        "Audit",
    ],
}
EXPECTED_NAV[Role.senior_identification_reviewer] = EXPECTED_NAV[Role.identification_reviewer]


#: the dashboard's work lists of each role (section ids, in order)
EXPECTED_SECTIONS: dict[str, list[str]] = {
    Role.registrar: ["overdue-cards", "overdue-health", "my-claims"],
    Role.identification_reviewer: ["claims-to-review"],
    Role.senior_identification_reviewer: ["claims-to-review"],
    Role.family_liaison: ["my-claims", "tracing"],
    Role.forensic_examiner: ["waiting-examination", "waiting-sampling"],
    Role.exchange_coordinator: ["operations", "disagreements"],
    Role.dna_analyst: [],  # the batches waiting to be screened and the drafts (identification's queues)
    Role.auditor: [],  # the overview only
}
