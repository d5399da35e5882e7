"""The example ledger of 2025: loads once, shows quotas, deliveries and sources as in the file."""

from __future__ import annotations

from typing import Any

import pytest

from homecoming.app.audit.models import AuditRecord
from homecoming.app.exchanges import findings, ledger
from homecoming.app.exchanges.ledger_data import load_example_ledger
from homecoming.app.exchanges.models import Agreement, Operation, ReportedFigure

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(make_user: Any) -> Agreement:
    load_example_ledger(make_user("exchange_coordinator"))
    return Agreement.objects.get(reference="IST-2025-06")


def _series(agreement: Agreement, to: str) -> ledger.Series:
    return next(s for s in ledger.compute(agreement).series if s.receiving == to)


def test_loading_twice_creates_nothing_the_second_time(make_user: Any) -> None:
    first = load_example_ledger()
    audits = AuditRecord.objects.count()
    second = load_example_ledger()
    assert (first.agreements, first.operations) == (2, 4)
    assert first.figures == ReportedFigure.objects.count() == 13
    assert (second.agreements, second.operations, second.figures) == (0, 0, 0)
    assert AuditRecord.objects.count() == audits
    assert Operation.objects.count() == 4


def test_deliveries_to_ukraine_accumulate_by_date_and_the_undated_summary_is_approximate(
    loaded: Agreement,
) -> None:
    s = _series(loaded, "UA")
    assert s.quota == 6000 and s.rule == "n_for_n"
    assert [p.cumulative for p in s.points] == [1000, 2000, 3000]
    assert [p.date_inferred for p in s.points] == [False, True, False]
    assert [(d.delivered, d.qualifier, d.approximate) for d in s.undated] == [(6000, "lower_bound", True)]
    assert s.total_with_undated == 9000 and s.approximate
    assert "date unknown" in s.undated[0].date_note


def test_deliveries_to_russia_take_the_best_source(loaded: Agreement) -> None:
    s = _series(loaded, "RU")
    assert [p.delivered for p in s.points] == [19, 19, 24]
    assert s.points[-1].basis == "declared_by_sender"  # "I Want to Find" before TASS's unnamed source
    assert s.points[1].basis == "reported_by_source" and "TASS" in s.points[1].source
    assert [d.delivered for d in s.undated] == [79]


def test_example_findings_show_silences_and_the_dead_from_the_wounded_list(loaded: Agreement) -> None:
    found = findings.for_agreement(loaded)
    silent = found.of_kind("source_silent")
    assert {f.operation for f in silent} == {"REM-2025-08-19", "REM-2025-09-18"}
    dead = found.of_kind("wounded_returned_dead")
    assert [(f.operation, f.detail["value"]) for f in dead] == [("REM-2025-08-19", 5)]
    assert found.of_kind("count_disagreement") == []


def test_statements_show_one_sides_exchange_is_the_others_unilateral_repatriation(loaded: Agreement) -> None:
    kinds = {(s.party.code, s.characterisation) for s in loaded.statements.all()}
    assert ("UA", "exchange") in kinds and ("RU", "unilateral_repatriation") in kinds
    assert loaded.state == "in_implementation"
    assert [t.to_state for t in loaded.transitions.all()] == ["draft", "concluded", "in_implementation"]


def test_csv_has_a_row_per_point_and_per_undated_delivery(loaded: Agreement) -> None:
    text = ledger.to_csv(ledger.compute(loaded))
    rows = text.strip().splitlines()
    assert rows[0].startswith("agreement,category,from,to,quota")
    assert len(rows) == 1 + 2 * 4
    assert any(
        ",REM-2025-06-SUM,," in r
        and r.endswith(
            "reported_by_source,AFP/TASS-based report of 18 September 2025,,6000,"
            "AFP/TASS-based report of 18 September 2025,"
        )
        for r in rows
    )
