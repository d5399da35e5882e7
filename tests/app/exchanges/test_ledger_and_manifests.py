"""Manifests (versioned, insert-only), figures and the fulfilment ledger on a hand-made case."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import DatabaseError, transaction

from homecoming.app.audit.models import AuditRecord
from homecoming.app.exchanges import ledger, services
from homecoming.app.exchanges.manifests import add_manifest_version, current_version, import_manifest
from homecoming.app.exchanges.models import AgreementTransition, ManifestLine, ManifestVersion
from homecoming.errors import ImportFileError, NotFound, TransitionError, ValidationError

pytestmark = pytest.mark.django_db


def _series(agreement: Any, category: str, to: str) -> ledger.Series:
    return next(s for s in ledger.compute(agreement).series if s.category == category and s.receiving == to)


def test_ledger_counts_executed_manifests_then_figures_cumulatively(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op1 = make_operation("OP-1", date(2025, 7, 1))
    op2 = make_operation("OP-2", date(2025, 8, 1))
    make_operation("OP-3", date(2025, 9, 1))  # nothing known yet: no point
    add_manifest_version(
        actor=coordinator,
        operation=op1,
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=bags("B1", "B2", "B3") + bags("W4", outcome="withdrawn", start=4),
    )
    services.add_figure(
        actor=coordinator,
        data={
            "operation": op2.pk,
            "receiving_party": "UA",
            "sending_party": "RU",
            "value": 4,
            "qualifier": "approximate",
            "role": "reported_by_source",
            "source_kind": "news_agency",
            "source_name": "Agency",
        },
    )
    services.add_figure(
        actor=coordinator,
        data={
            "operation": op2.pk,
            "receiving_party": "UA",
            "sending_party": "RU",
            "value": 5,
            "role": "counted_by_receiver",
            "source_kind": "party_body",
            "source_name": "Receiver body",
        },
    )
    s = _series(agreement, "bodies", "UA")
    assert s.quota == 10
    assert [(p.operation, p.delivered, p.cumulative, p.basis) for p in s.points] == [
        ("OP-1", 3, 3, "manifest"),
        ("OP-2", 5, 8, "counted_by_receiver"),
    ]
    assert not any(p.approximate for p in s.points)
    assert s.as_dict()["outstanding"] == 2
    wounded = _series(agreement, "wounded", "RU")
    assert wounded.quota is None and wounded.points == []


def test_an_approximate_figure_makes_its_point_and_later_ones_approximate(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op1 = make_operation("OP-1", date(2025, 7, 1))
    op2 = make_operation("OP-2", date(2025, 8, 1))
    for op, value, q in ((op1, 4, "approximate"), (op2, 2, "exact")):
        services.add_figure(
            actor=coordinator,
            data={
                "operation": op.pk,
                "receiving_party": "RU",
                "value": value,
                "qualifier": q,
                "source_kind": "news_agency",
                "source_name": "Agency",
            },
        )
    s = _series(agreement, "bodies", "RU")
    assert [(p.cumulative, p.approximate) for p in s.points] == [(4, True), (6, True)]


def test_a_superseded_executed_version_no_longer_counts(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op = make_operation("OP-1", date(2025, 7, 1))
    first = add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=bags("B1", "B2")
    )
    with pytest.raises(ValidationError) as info:
        add_manifest_version(
            actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=bags("B1")
        )
    assert info.value.problems[0].field == "reason"
    second = add_manifest_version(
        actor=coordinator,
        operation=op,
        sending="RU",
        receiving="UA",
        stage="executed",
        rows=bags("B1"),
        reason="B2 was counted twice",
    )
    assert second.supersedes == first and second.number == 2
    assert current_version(first.manifest) == second
    assert _series(agreement, "bodies", "UA").points[0].delivered == 1


def test_manifest_versions_and_lines_are_insert_only(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op = make_operation("OP-1", date(2025, 7, 1))
    version = add_manifest_version(
        actor=coordinator, operation=op, sending="RU", receiving="UA", stage="proposed", rows=bags("B1")
    )
    for statement in (
        lambda: ManifestVersion.objects.filter(pk=version.pk).update(stage="executed"),
        lambda: ManifestLine.objects.filter(version=version).update(container_number="B2"),
        lambda: ManifestLine.objects.filter(version=version).delete(),
        lambda: AgreementTransition.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="insert-only"), transaction.atomic():
            statement()
    assert ManifestLine.objects.get(version=version).container_number == "B1"


def test_bad_lines_write_nothing_and_are_named(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op = make_operation("OP-1", date(2025, 7, 1))
    audits = AuditRecord.objects.count()
    rows = bags("B1", "b1") + bags("B3", category="civilians")
    with pytest.raises(ValidationError) as info:
        add_manifest_version(
            actor=coordinator, operation=op, sending="RU", receiving="UA", stage="executed", rows=rows
        )
    assert {(p.row, p.field) for p in info.value.problems} == {
        (2, "container_number"),
        (3, "category"),
        (3, "line_no"),
    }
    assert ManifestVersion.objects.count() == 0 and AuditRecord.objects.count() == audits


def test_a_direction_outside_the_operation_is_refused(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    services.ensure_party(actor=coordinator, code="XX", name="Elsewhere")
    op = make_operation("OP-1", date(2025, 7, 1))
    with pytest.raises(ValidationError, match="not a direction of this operation"):
        add_manifest_version(
            actor=coordinator, operation=op, sending="XX", receiving="UA", stage="executed", rows=bags("B1")
        )


def test_file_import_dry_run_writes_nothing_and_a_bad_file_names_rows(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op = make_operation("OP-1", date(2025, 7, 1))
    good = b"category,container_number,outcome\nbodies,B1,transferred\nbodies,B2,transferred\n"
    result = import_manifest(
        actor=coordinator,
        operation=op,
        sending="RU",
        receiving="UA",
        stage="executed",
        name="m.csv",
        data=good,
        dry_run=True,
    )
    assert result == {"dry_run": True, "lines": 2, "version": None}
    assert ManifestVersion.objects.count() == 0
    bad = b"category,container_number\nbodies,B1\nunknown,B2\nbodies,B1\n"
    with pytest.raises(ImportFileError) as info:
        import_manifest(
            actor=coordinator,
            operation=op,
            sending="RU",
            receiving="UA",
            stage="executed",
            name="m.csv",
            data=bad,
        )
    assert {(p.row, p.field) for p in info.value.problems} == {(3, "category"), (4, "container_number")}
    done = import_manifest(
        actor=coordinator,
        operation=op,
        sending="RU",
        receiving="UA",
        stage="executed",
        name="m.csv",
        data=good,
    )
    assert done["lines"] == 2 and done["version"] == 1


def test_state_moves_write_a_row_and_an_audit_record(coordinator: Any, agreement: Any) -> None:
    services.move_agreement(actor=coordinator, agreement_id=agreement.pk, to_state="concluded")
    with pytest.raises(TransitionError):
        services.move_agreement(actor=coordinator, agreement_id=agreement.pk, to_state="fulfilled")
    agreement.refresh_from_db()
    assert agreement.state == "concluded"
    assert [(t.from_state, t.to_state) for t in agreement.transitions.all()] == [
        ("", "draft"),
        ("draft", "concluded"),
    ]
    assert AuditRecord.objects.filter(action="transition", object_id=str(agreement.pk)).count() == 1


def test_operation_moves_write_a_row_and_the_same_audit_record_as_agreements(
    coordinator: Any, agreement: Any, make_operation: Any
) -> None:
    op = make_operation("OP-1", date(2025, 7, 1))
    moved = services.move_operation(
        actor=coordinator, operation_id=op.pk, to_state="postponed", reason="talks stalled"
    )
    assert moved.pk == op.pk and moved.state == "postponed"
    with pytest.raises(TransitionError):
        services.move_operation(actor=coordinator, operation_id=op.pk, to_state="closed")
    op.refresh_from_db()
    assert op.state == "postponed"
    assert [(t.from_state, t.to_state, t.reason, t.actor) for t in op.transitions.all()] == [
        ("", "planned", "", coordinator),
        ("planned", "postponed", "talks stalled", coordinator),
    ]
    records = AuditRecord.objects.filter(action="transition", object_id=str(op.pk))
    assert [(r.object_type, r.before, r.after, r.reason) for r in records] == [
        ("exchanges.operation", {"state": "planned"}, {"state": "postponed"}, "talks stalled")
    ]


@pytest.mark.parametrize("kind", ["agreement", "operation"])
def test_moving_an_unknown_agreement_or_operation_names_it(coordinator: Any, kind: str) -> None:
    move = services.move_agreement if kind == "agreement" else services.move_operation
    with pytest.raises(NotFound) as info:
        move(actor=coordinator, **{f"{kind}_id": 999}, to_state="concluded")  # type: ignore[operator]
    assert str(info.value) == f"no {kind} with id 999"
    assert (info.value.field, info.value.value) == (kind, 999)
    assert not AuditRecord.objects.filter(action="transition").exists()


def test_figure_validation_names_fields(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op = make_operation("OP-1", date(2025, 7, 1))
    with pytest.raises(ValidationError) as info:
        services.add_figure(
            actor=coordinator,
            data={
                "operation": op.pk,
                "qualifier": "silent",
                "value": 3,
                "source_kind": "rumour",
                "source_name": "x",
            },
        )
    assert {p.field for p in info.value.problems} == {"value", "source_kind"}


def test_an_undated_operation_is_kept_off_the_time_axis(
    coordinator: Any, agreement: Any, make_operation: Any, bags: Any
) -> None:
    op = make_operation("OP-U", None, date_note="weeks after the talks")
    services.add_figure(
        actor=coordinator,
        data={
            "operation": op.pk,
            "receiving_party": "UA",
            "value": 7,
            "qualifier": "lower_bound",
            "source_kind": "news_agency",
            "source_name": "Agency",
        },
    )
    s = _series(agreement, "bodies", "UA")
    assert s.points == [] and s.total_with_undated == 7 and s.approximate


def test_a_line_checked_against_the_database_is_named_by_file_and_spreadsheet_row(
    coordinator: Any, agreement: Any, make_operation: Any
) -> None:
    """Issue 10 item 12: the row a spreadsheet shows (header = row 1) and the file's name, not the line's
    position among the lines."""
    op = make_operation("OP-1", date(2025, 7, 1))
    data = b"category,person_reference,claimed_name\n\nbodies,,Ivan\nbodies,P-9999999,Petro\n"
    with pytest.raises(ImportFileError) as info:
        import_manifest(
            actor=coordinator,
            operation=op,
            sending="RU",
            receiving="UA",
            stage="executed",
            name="june.csv",
            data=data,
        )
    assert info.value.message.startswith("june.csv: 1 bad row (4); nothing was imported")
    assert [(p.row, p.field, p.value) for p in info.value.problems] == [(4, "person_reference", "P-9999999")]
