"""Issue 10 item 13: a manifest and a sourced figure are different evidence; neither replaces the other
unless a person decides (and a second person accepts); the chart plots the table's totals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from homecoming.app.audit.models import AuditRecord
from homecoming.app.exchanges import decisions, findings, ledger
from homecoming.app.exchanges.chart import ledger_chart
from homecoming.app.exchanges.ledger_data import load_example_ledger
from homecoming.app.exchanges.manifests import add_manifest_version
from homecoming.app.exchanges.models import Agreement, LedgerDecision, LedgerDecisionReview, Operation
from homecoming.errors import ConflictError, PermissionDenied, ValidationError
from homecoming.io.manifests import ManifestRow

pytestmark = pytest.mark.django_db

OP = "REM-2025-09-18"


@pytest.fixture
def example(coordinator: Any) -> Agreement:
    load_example_ledger(coordinator)
    return Agreement.objects.get(reference="IST-2025-06")


def _manifest_21(coordinator: Any, reason: str = "") -> Any:
    rows = [
        ManifestRow(line_no=i, category="bodies", container_number=f"SYN-BAG-{i:03d}", outcome="transferred")
        for i in range(1, 22)
    ]
    return add_manifest_version(
        actor=coordinator,
        operation=Operation.objects.get(reference=OP),
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=rows,
        reason=reason,
    )


def _ua(agreement: Agreement) -> ledger.Series:
    return next(s for s in ledger.compute(agreement).series if s.receiving == "UA")


def test_a_21_line_manifest_does_not_replace_the_sourced_1000(coordinator: Any, example: Agreement) -> None:
    assert _ua(example).delivered == 3000
    _manifest_21(coordinator)
    s = _ua(example)
    assert s.delivered == 3000 and s.total_with_undated == 9000
    [d] = s.disagreements
    assert (d.operation, d.delivered, d.figure_value, d.manifest_count) == (OP, 1000, 1000, 21)
    assert d.figure_source == "KSHPPV (Ukraine)" and d.decision_state == "undecided"
    assert [f["value"] for f in d.figures] == [1000]
    assert s.points[-1].disputed and s.points[-1].basis == "counted_by_receiver"
    [found] = findings.for_agreement(example).of_kind("manifest_disagrees_with_figure")
    assert found.operation == OP
    assert (
        "KSHPPV (Ukraine)" in found.message and "1,000" in found.message and "21 delivered" in found.message
    )
    assert found.detail["figure"] == 1000 and found.detail["manifest_count"] == 21
    csv = ledger.to_csv(ledger.compute(example))
    assert f",{OP},2025-09-18," in csv and "21,1000,KSHPPV (Ukraine),undecided" in csv


def test_the_manifest_counts_only_after_a_decision_is_accepted_by_a_second_person(
    coordinator: Any, make_user: Any, example: Agreement
) -> None:
    _manifest_21(coordinator)
    op = Operation.objects.get(reference=OP)
    with pytest.raises(ValidationError) as info:
        decisions.decide(actor=coordinator, operation_id=op.pk, receiving="UA", use="manifest", reason=" ")
    assert info.value.problems[0].field == "reason"
    audits = AuditRecord.objects.count()
    decision = decisions.decide(
        actor=coordinator,
        operation_id=op.pk,
        receiving="UA",
        use="manifest",
        reason="the 21 bags were counted one by one at the handover",
    )
    assert AuditRecord.objects.count() == audits + 1
    assert _ua(example).delivered == 3000  # not yet: waits for review
    assert _ua(example).disagreements[0].decision_state == "awaiting_review"
    with pytest.raises(PermissionDenied):
        decisions.review(actor=coordinator, decision_id=decision.pk, verdict="accepted")
    with pytest.raises(PermissionDenied):
        decisions.review(actor=make_user("registrar"), decision_id=decision.pk, verdict="accepted")
    reviewer = make_user("identification_reviewer", "reviewer")
    decisions.review(actor=reviewer, decision_id=decision.pk, verdict="accepted", note="checked the list")
    s = _ua(example)
    assert s.delivered == 2021 and s.disagreements == []
    d = next(d for d in s.deliveries if d.operation == OP)
    assert d.decision_state == "decided" and d.basis == "manifest" and d.decision["reviewer"] == "reviewer"
    [found] = findings.for_agreement(example).of_kind("manifest_disagrees_with_figure")
    assert "decided by coordinator, accepted by reviewer" in found.message
    with pytest.raises(ConflictError):
        decisions.review(actor=reviewer, decision_id=decision.pk, verdict="rejected", note="again")
    for statement in (
        lambda: LedgerDecision.objects.filter(pk=decision.pk).update(use="figure"),
        lambda: LedgerDecisionReview.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
            statement()


def test_new_evidence_reopens_a_decision(coordinator: Any, make_user: Any, example: Agreement) -> None:
    _manifest_21(coordinator)
    op = Operation.objects.get(reference=OP)
    decision = decisions.decide(
        actor=coordinator, operation_id=op.pk, receiving="UA", use="manifest", reason="counted"
    )
    decisions.review(actor=make_user("identification_reviewer"), decision_id=decision.pk, verdict="accepted")
    assert _ua(example).delivered == 2021
    rows = [
        ManifestRow(line_no=i, category="bodies", container_number=f"SYN-{i:03d}", outcome="transferred")
        for i in range(1, 31)
    ]
    add_manifest_version(
        actor=coordinator,
        operation=op,
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=rows,
        reason="nine bags were missing from the first list",
    )
    s = _ua(example)
    assert s.delivered == 3000 and [d.decision_state for d in s.disagreements] == ["stale"]


def test_a_manifest_that_agrees_with_the_figure_needs_no_decision(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    from datetime import date

    from homecoming.app.exchanges import services

    op = make_operation("OP-1", date(2025, 7, 1))
    add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=bags("B1", "B2")
    )
    services.add_figure(
        actor=coordinator,
        data={
            "operation": op.pk,
            "receiving_party": "UA",
            "value": 2,
            "role": "counted_by_receiver",
            "source_kind": "party_body",
            "source_name": "Receiver",
        },
    )
    s = next(s for s in ledger.compute(agreement).series if s.category == "bodies" and s.receiving == "UA")
    assert s.delivered == 2 and s.disagreements == [] and s.points[0].basis == "manifest"
    with pytest.raises(ConflictError):
        decisions.decide(
            actor=coordinator,
            operation_id=op.pk,
            receiving="UA",
            category="bodies",
            use="manifest",
            reason="x",
        )
    assert findings.for_operation(op).of_kind("manifest_disagrees_with_figure") == []


def _chart_totals(svg: str) -> dict[str, int]:
    """What the rendered chart plots: the last cumulative value of each series (data-total)."""
    totals = {}
    for label, body in re.findall(r'<g class="series" data-label="([^"]+)"(.*?)</g>', svg, re.S):
        values = [int(v) for v in re.findall(r'data-cumulative="(\d+)"', body)]
        totals[label] = values[-1] if values else 0
    return totals


def test_the_chart_ends_at_the_tables_totals_undated_deliveries_included(example: Agreement) -> None:
    led = ledger.compute(example)
    svg = str(ledger_chart(led.series, title="t"))
    plotted = _chart_totals(svg)
    table = {f"{s.sending} → {s.receiving} ({s.category})": s.total_with_undated for s in led.series}
    assert plotted == table == {"RU → UA (bodies)": 9000, "UA → RU (bodies)": 141}
    assert svg.count('class="point undated') == 2
    ymax = int(re.search(r'data-ymax="(\d+)"', svg).group(1))
    assert ymax >= 9000
