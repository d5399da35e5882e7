"""Consistency findings: each kind raised when the data says so, and not raised when it does not."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from homecoming.app.exchanges import findings, services
from homecoming.app.exchanges.manifests import add_manifest_version, record_identification
from homecoming.errors import ValidationError
from homecoming.io.manifests import ManifestRow

pytestmark = pytest.mark.django_db


@pytest.fixture
def op(make_operation: Any) -> Any:
    return make_operation("OP-1", date(2025, 7, 1))


def _receive(operation: Any, *bags: str) -> None:
    """Remains received in the operation (rows of the remains app, written directly)."""
    from homecoming.app.remains.choices import UNIT_KINDS
    from homecoming.app.remains.models import IntakeBatch, RemainsUnit

    batch = IntakeBatch.objects.create(
        reference=f"IB-{operation.pk}", operation=operation, receiving_facility="Lab"
    )
    for i, bag in enumerate(bags):
        RemainsUnit.objects.create(
            reference=f"RU-{operation.pk}-{i}", batch=batch, bag_number=bag, kind=UNIT_KINDS[0][0]
        )


def test_body_parts_of_a_received_unit_are_not_counted_against_the_manifest(
    coordinator: Any, op: Any, bags: Any
) -> None:
    from homecoming.app.remains.models import RemainsUnit

    add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=bags("B1")
    )
    _receive(op, "B1", "B1-P")
    whole = RemainsUnit.objects.get(bag_number="B1")
    RemainsUnit.objects.filter(bag_number="B1-P").update(parent=whole, parent_link="part_of")
    found = findings.for_operation(op)
    assert found.items == []
    assert found.unavailable == {}


def test_lines_without_remains_and_remains_without_lines(coordinator: Any, op: Any, bags: Any) -> None:
    add_manifest_version(
        actor=coordinator,
        operation=op,
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=bags("B1", "B2") + bags("B5", outcome="withdrawn", start=3),
    )
    _receive(op, "b1", "B3")
    found = findings.for_operation(op)
    assert [f.detail["bag_number"] for f in found.of_kind("line_without_remains")] == ["B2"]
    assert [f.detail["bag_number"] for f in found.of_kind("remains_without_line")] == ["B3"]
    assert found.unavailable == {}


def test_matching_lines_and_remains_raise_nothing(coordinator: Any, op: Any, bags: Any) -> None:
    add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=bags("B1", "B2")
    )
    _receive(op, "B1", "B2")
    assert findings.for_operation(op).items == []


def test_counts_that_disagree_are_flagged_and_agreeing_ones_are_not(coordinator: Any, op: Any) -> None:
    base = {"operation": op.pk, "receiving_party": "RU", "sending_party": "UA", "source_kind": "party_body"}
    services.add_figure(
        actor=coordinator, data=dict(base, value=24, role="declared_by_sender", source_name="Sender")
    )
    services.add_figure(
        actor=coordinator, data=dict(base, value=24, role="reported_by_source", source_name="Agency")
    )
    assert findings.for_operation(op).of_kind("count_disagreement") == []
    services.add_figure(
        actor=coordinator, data=dict(base, value=23, role="counted_by_receiver", source_name="Receiver")
    )
    [finding] = findings.for_operation(op).of_kind("count_disagreement")
    assert "Receiver (counted by the receiver): 23" in finding.message and "Sender" in finding.message


def test_a_silent_source_is_a_finding(coordinator: Any, op: Any) -> None:
    assert findings.for_operation(op).of_kind("source_silent") == []
    services.add_figure(
        actor=coordinator,
        data={
            "operation": op.pk,
            "receiving_party": "RU",
            "qualifier": "silent",
            "role": "counted_by_receiver",
            "source_kind": "official",
            "source_name": "Officials (no comment)",
        },
    )
    [finding] = findings.for_operation(op).of_kind("source_silent")
    assert finding.message == "Officials (no comment) gave no figure for the handover to Russia"


def _due_for_exchange(registrar: Any) -> Any:
    from homecoming.app.captivity import services as captivity
    from homecoming.app.registry import services as registry

    person = registry.create_person(
        actor=registrar,
        data={"sex": "male", "birth_date": "1990"},
        names=[{"family_name": "Synthetic", "given_name": "One"}],
    )
    record = captivity.create_detention(
        actor=registrar, person=person, data={"detaining_power": "RU", "capture_date": date(2024, 4, 2)}
    )
    captivity.set_eligibility(
        actor=registrar,
        record_id=record.pk,
        data={
            "category": "110_1_1",
            "finding": "eligible",
            "commission_date": date(2025, 1, 5),
            "consent": "given",
        },
    )
    return person


def test_a_person_due_as_seriously_wounded_who_came_back_dead(
    coordinator: Any, registrar: Any, op: Any
) -> None:
    person = _due_for_exchange(registrar)
    alive = [
        ManifestRow(line_no=1, category="wounded", person_reference=person.reference, outcome="transferred")
    ]
    add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=alive
    )
    assert findings.for_operation(op).of_kind("wounded_returned_dead") == []
    dead = [
        ManifestRow(
            line_no=1,
            category="bodies",
            person_reference=person.reference,
            container_number="B7",
            outcome="transferred",
        )
    ]
    add_manifest_version(
        actor=coordinator,
        operation=op,
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=dead,
        reason="the person was handed over as remains",
    )
    [finding] = findings.for_operation(op).of_kind("wounded_returned_dead")
    assert finding.detail == {"person_id": person.pk, "line_no": 1}


def test_identification_contradicting_the_claim(coordinator: Any, op: Any, make_operation: Any) -> None:
    rows = [
        ManifestRow(
            line_no=1,
            category="bodies",
            container_number="B1",
            claimed_affiliation="Armed Forces of UA",
            outcome="transferred",
        )
    ]
    version = add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=rows
    )
    line = version.lines.get()
    with pytest.raises(ValidationError, match="signing a comparison report"):  # not by hand
        record_identification(actor=coordinator, line_id=line.pk, data={"verdict": "confirms"})
    record_identification(actor=coordinator, line_id=line.pk, data={"verdict": "confirms"}, report="CR-1")
    assert findings.for_operation(op).of_kind("identity_contradicted") == []
    back = make_operation("OP-2", date(2025, 9, 1))
    record_identification(
        actor=coordinator,
        line_id=line.pk,
        data={
            "verdict": "contradicts",
            "established_affiliation": "Armed Forces of RU",
            "return_operation": back.pk,
        },
        report="CR-2",
    )
    [finding] = findings.for_operation(op).of_kind("identity_contradicted")
    assert (
        "claimed Armed Forces of UA" in finding.message and "to be returned through OP-2" in finding.message
    )


def test_identification_results_stay_insert_only_with_their_report(coordinator: Any, op: Any) -> None:
    from django.db import DatabaseError, transaction

    from homecoming.app.exchanges.models import IdentificationResult

    rows = [ManifestRow(line_no=1, category="bodies", container_number="B1", outcome="transferred")]
    version = add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=rows
    )
    made = record_identification(
        actor=coordinator, line_id=version.lines.get().pk, data={"verdict": "confirms"}, report="CR-9"
    )
    assert IdentificationResult.objects.get(pk=made.pk).report == "CR-9"
    with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
        IdentificationResult.objects.filter(pk=made.pk).update(report="")


def test_remains_said_to_be_a_person_due_for_exchange_by_a_later_link(
    coordinator: Any, registrar: Any, op: Any
) -> None:
    """The line names the person only by its claim, linked to the registry afterwards (exchanges.linking)."""
    from homecoming.app.exchanges.models import LineLink

    person = _due_for_exchange(registrar)
    rows = [
        ManifestRow(
            line_no=1,
            category="bodies",
            claimed_name="SYNTHETIC One",
            container_number="B7",
            outcome="transferred",
        )
    ]
    version = add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=rows
    )
    assert findings.for_operation(op).of_kind("wounded_returned_dead") == []
    LineLink.objects.create(line=version.lines.get(), person=person, probability=0.995)
    [finding] = findings.for_operation(op).of_kind("wounded_returned_dead")
    assert finding.detail == {"person_id": person.pk, "line_no": 1}
