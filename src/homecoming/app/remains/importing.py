"""Registering a whole intake batch from a manifest file (parsed by ``homecoming.io.intake``), and export.

The file is checked whole first (every bad row named); the bag numbers are checked against the
batch; then every unit, its first state row, its intake custody event and its audit record are
written in one transaction — or nothing is. A process killed half-way leaves nothing behind. The file's
SHA-256 is registered in the same transaction (:mod:`homecoming.app.audit.imported`): the same file
again is refused, so a rerun after a crash never doubles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import imported
from homecoming.app.audit import services as audit
from homecoming.app.remains import custody
from homecoming.app.remains.models import CustodyEvent, IntakeBatch, RemainsUnit, UnitTransition
from homecoming.app.remains.references import new_references
from homecoming.app.remains.services import check_batch_data, create_batch
from homecoming.errors import ImportFileError, Problem
from homecoming.io.intake import IntakeRow, read_intake
from homecoming.io.tables import reference_key

CHUNK = 250


@dataclass(frozen=True)
class IntakeReport:
    path: str
    batch: str
    rows: int
    units: int
    dry_run: bool


def _unit(
    row: IntakeRow, batch: IntakeBatch, reference: str, parent: RemainsUnit | None, actor: Any, now: Any
) -> RemainsUnit:
    link = "" if parent is None else ("part_of" if row.kind.value == "body_part" else "from_container")
    return RemainsUnit(
        reference=reference,
        batch=batch,
        bag_number=row.bag_number,
        kind=row.kind.value,
        parent=parent,
        parent_link=link,
        sender_reference=row.sender_reference,
        condition=row.condition.value,
        completeness=row.completeness.value,
        apparent_sex=row.apparent_sex.value,
        age_min=row.apparent_age.min_years if row.apparent_age else None,
        age_max=row.apparent_age.max_years if row.apparent_age else None,
        date_of_death=str(row.date_of_death or ""),
        date_of_recovery=str(row.date_of_recovery or ""),
        place=row.place,
        region=row.region,
        notes=row.notes,
        created=now,
        created_by=audit.user_or_none(actor),
    )


def _levels(rows: list[IntakeRow], name: str) -> list[list[IntakeRow]]:
    """Rows in levels: every container is in an earlier level than the units that name it in ``part_of``."""
    done: set[str] = set()
    ordered: list[list[IntakeRow]] = []
    pending = rows
    while pending:
        ready = [r for r in pending if r.part_of is None or r.part_of in done]
        if not ready:
            bad = pending[0]
            raise ImportFileError(
                f"{name}: part_of forms a loop at row {bad.row}; nothing was imported",
                field="part_of",
                value=bad.part_of,
                hint="a bag cannot contain its container",
                problems=[Problem("part_of", "forms a loop", bad.part_of, "", bad.row)],
            )
        ordered.append(ready)
        pending = [r for r in pending if not (r.part_of is None or r.part_of in done)]
        done |= {r.bag_number for r in ready}
    return ordered


def _clashes(batch: IntakeBatch | None, rows: list[IntakeRow], name: str) -> None:
    if batch is None:
        return
    # compared as a scanner would: case, spaces and lookalike letters do not make another label
    taken = {
        reference_key(bag): (bag, reference)
        for bag, reference in RemainsUnit.objects.filter(batch=batch).values_list("bag_number", "reference")
    }
    problems = [
        Problem(
            "bag_number",
            f"is already registered in {batch.reference} as {taken[key][1]} (label {taken[key][0]})",
            r.bag_number,
            "remove the row, or import into a new batch",
            r.row,
        )
        for r in rows
        if (key := reference_key(r.bag_number)) in taken
    ]
    if problems:
        raise ImportFileError(
            f"{name}: {len(problems)} bag number(s) already in {batch.reference}; nothing was imported",
            field="bag_number",
            value=problems[0].value,
            hint=problems[0].hint,
            problems=problems,
        )


def _chunks(levels: list[list[IntakeRow]]) -> Iterator[list[IntakeRow]]:
    for rows in levels:
        for i in range(0, len(rows), CHUNK):
            yield rows[i : i + CHUNK]


def import_intake(
    *,
    actor: Any,
    path: Path,
    batch: IntakeBatch | None = None,
    batch_data: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    again: str = "",
) -> IntakeReport:
    """Register every row of a manifest into ``batch`` (or a new batch made from ``batch_data``).

    A file whose bytes were imported before is refused (:class:`~homecoming.errors.AlreadyImported`)
    unless ``again`` gives the reason for importing it once more.
    """
    path = Path(path)
    digest = imported.Digest.of_file(path)
    imported.check("intake", digest, again=again)
    rows = read_intake(path)
    levels = _levels(rows, path.name)
    _clashes(batch, rows, path.name)
    if dry_run:
        if batch is None:
            check_batch_data(dict(batch_data or {}))
        return IntakeReport(
            str(path), batch.reference if batch else "(new batch)", len(rows), len(rows), True
        )
    with transaction.atomic():
        if batch is None:
            batch = create_batch(actor=actor, data=dict(batch_data or {}))
        references = iter(new_references("RU", len(rows)))
        by_bag: dict[str, RemainsUnit] = {}
        now = timezone.now()
        for chunk in _chunks(levels):
            units = [
                _unit(r, batch, next(references), by_bag.get(r.part_of or ""), actor, now) for r in chunk
            ]
            RemainsUnit.objects.bulk_create(units, batch_size=CHUNK)
            by_bag.update((u.bag_number, u) for u in units)
            UnitTransition.objects.bulk_create(
                [
                    UnitTransition(
                        unit=u,
                        from_state="",
                        to_state="received",
                        at=now,
                        actor=units[0].created_by,
                        reason=f"received in {batch.reference} ({path.name})",
                    )
                    for u in units
                ]
            )
            CustodyEvent.objects.bulk_create(
                [
                    custody.intake_event(actor=actor, batch=batch, unit=u, seal=r.seal_number, save=False)
                    for r, u in zip(chunk, units, strict=True)
                    if u.parent is None
                ]
            )
            audit.record_many(
                actor=actor,
                action="import",
                objects=[
                    (u, {"row": r.row, "reference": u.reference, "bag_number": u.bag_number, "kind": u.kind})
                    for r, u in zip(chunk, units, strict=True)
                ],
                reason=f"intake manifest {path.name}",
            )
            if progress is not None:
                progress(len(chunk))
        imported.register(
            actor=actor,
            kind="intake",
            digest=digest,
            rows=len(rows),
            counts={"units": len(rows)},
            description=f"intake manifest {path.name}",
            obj=batch,
            target=batch.reference,
            again=again,
        )
    return IntakeReport(str(path), batch.reference, len(rows), len(rows), False)


EXPORT_EXTRA = ("reference", "state", "parent_reference")


def export_rows(batch: IntakeBatch) -> Iterator[dict[str, object]]:
    """The units of a batch as rows of the published intake columns, with reference and state first."""
    units = batch.units.select_related("parent").order_by("id")
    seals = dict(
        CustodyEvent.objects.filter(unit__batch=batch, purpose=f"intake {batch.reference}").values_list(
            "unit_id", "seal_after"
        )
    )
    for u in units.iterator(chunk_size=2000):
        age = (
            ""
            if u.age_min is None
            else (str(u.age_min) if u.age_min == u.age_max else f"{u.age_min}-{u.age_max}")
        )
        parent = u.parent.bag_number if u.parent and u.parent.batch_id == batch.pk else ""
        yield {
            "reference": u.reference,
            "state": u.state,
            "parent_reference": u.parent.reference if u.parent else "",
            "bag_number": u.bag_number,
            "kind": u.kind,
            "part_of": parent,
            "sender_reference": u.sender_reference,
            "seal_number": seals.get(u.pk, ""),
            "condition": u.condition,
            "completeness": u.completeness,
            "apparent_sex": u.apparent_sex,
            "apparent_age": age,
            "date_of_death": u.date_of_death,
            "date_of_recovery": u.date_of_recovery,
            "place": u.place,
            "region": u.region,
            "notes": u.notes,
        }
