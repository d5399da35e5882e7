"""The work lists of the roles: each a query of everything waiting, shown bounded on the dashboard
(``homecoming.app.dashboard``: the first :data:`DASHBOARD_ROWS`, the count and "see all") and whole, in
pages, on its own page.

Each function returns rows in the order they should be worked through (oldest or most overdue first).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

#: rows of a work list on the dashboard
DASHBOARD_ROWS = 10
#: rows of a work list's own page
PAGE_ROWS = 50

#: remains units waiting for a post-mortem examination, and for a sample
WAITING_EXAMINATION = ("registered", "stored")
WAITING_SAMPLING = ("examined",)
#: operations still being worked on (not yet closed, cancelled or reconciled)
OPERATIONS_OPEN = ("planned", "lists_exchanged", "lists_agreed", "executed", "postponed")
#: the findings that are disagreements between counts
DISAGREEMENTS = ("count_disagreement", "manifest_disagrees_with_figure")


def overdue_cards() -> list[Any]:
    """Capture cards not sent within the week of Art. 70 (``captivity.services.Due``), most overdue first."""
    from homecoming.app.captivity import services

    return sorted((d for d in services.card_deadlines() if d.overdue), key=lambda d: (d.due, d.record.pk))


def claims(state: str = "submitted", submitted_by: Any = None, exclude_by: Any = None) -> QuerySet[Any]:
    """Status claims in ``state`` (oldest first); those of ``submitted_by`` only, or not of ``exclude_by``."""
    from homecoming.app.registry.models import StatusAssertion

    rows = StatusAssertion.objects.select_related("person", "submitted_by").order_by("submitted", "id")
    if state:
        rows = rows.filter(review_state=state)
    if submitted_by is not None:
        rows = rows.filter(submitted_by=submitted_by)
    if exclude_by is not None:
        rows = rows.exclude(submitted_by=exclude_by)
    return rows


def units(states: tuple[str, ...]) -> QuerySet[Any]:
    """Remains units in one of ``states``, longest waiting first (by when they were recorded)."""
    from homecoming.app.remains.models import RemainsUnit

    return RemainsUnit.objects.filter(state__in=states).select_related("batch").order_by("created", "id")


def operations(states: tuple[str, ...] = OPERATIONS_OPEN) -> QuerySet[Any]:
    """Operations in one of ``states``, by date (undated last)."""
    from django.db.models import F

    from homecoming.app.exchanges.models import Operation

    return (
        Operation.objects.filter(state__in=states)
        .select_related("agreement")
        .order_by(F("date").asc(nulls_last=True), "reference")
    )


def disagreements() -> list[Any]:
    """Every disagreement between counts of the operations (``exchanges.findings``), by operation."""
    from homecoming.app.exchanges import findings
    from homecoming.app.exchanges.models import Operation

    found = findings.for_operations(Operation.objects.all())
    return sorted((f for f in found.items if f.kind in DISAGREEMENTS), key=lambda f: f.operation)
