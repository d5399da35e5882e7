"""Two reviewers signing one comparison report at the same moment, each on their own connection.

PostgreSQL only (SQLite serialises all writers anyway). The threads commit for real (``flushable_db``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from homecoming.app.audit import services as audit
from homecoming.app.identification import reports
from homecoming.app.identification.models_reports import (
    ComparisonReport,
    FamilyNotification,
    ReportTransition,
)
from homecoming.app.registry.models import StatusAssertion
from homecoming.errors import ConflictError

from . import report_world as w

pytestmark = pytest.mark.postgres
WAIT = 60.0


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = fn()
        except Exception as exc:  # handed to the test, which asserts on it
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_two_reviewers_sign_at_once_one_wins_the_other_gets_a_conflict(
    flushable_db: None, make_user: Callable[..., Any], person: Any
) -> None:
    analyst = make_user("dna_analyst", "analyst")
    first, second = (
        make_user("identification_reviewer", "olena"),
        make_user("identification_reviewer", "petro"),
    )
    genos = w.trio()
    w.family(make_user("family_liaison", "liaison"), person, genos)
    unit = w.body(make_user("forensic_examiner", "examiner"), genos["body"])
    report = reports.draft(actor=analyst, data={"kind": "IDEN", "unit": unit.pk, "person": person.pk})
    reports.propose(actor=analyst, report_id=report.pk)
    version = ComparisonReport.objects.get(pk=report.pk).version
    start = threading.Barrier(2, timeout=WAIT)

    def sign(actor: Any) -> ComparisonReport:
        start.wait()
        return reports.sign(actor=actor, report_id=report.pk, password=w.PASSWORD, expected_version=version)

    runs = [in_thread(lambda: sign(first)), in_thread(lambda: sign(second))]
    for thread, _ in runs:
        thread.join(WAIT)
        assert not thread.is_alive()
    outcomes = [o for _, o in runs]
    winners = [o for o in outcomes if "result" in o]
    losers = [o for o in outcomes if "error" in o]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0]["error"], ConflictError), losers[0]["error"]
    signer = winners[0]["result"].signed_by.username
    assert str(losers[0]["error"]).startswith(f"{report.reference} was already signed by {signer}")
    assert ReportTransition.objects.filter(report=report, to_state="signed").count() == 1
    assert StatusAssertion.objects.filter(person=person).count() == 1
    assert FamilyNotification.objects.filter(report=report).count() == 1
    assert audit.verify().ok
