"""Manifest versions (insert-only, superseded with a reason), their lines and identification results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import Max

from homecoming.app.audit import services as audit
from homecoming.app.exchanges import choices as c
from homecoming.app.exchanges.models import (
    AgreementCategory,
    IdentificationResult,
    Manifest,
    ManifestLine,
    ManifestVersion,
    Operation,
)
from homecoming.app.exchanges.services import _choice, _fields, _user, get_operation, party
from homecoming.app.fields import required
from homecoming.app.lookup import by_id
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import Problem, ValidationError
from homecoming.io.manifests import ManifestRow
from homecoming.io.tables import reference_key, rows_error


def category_codes(operation: Operation) -> list[str] | None:
    """The category codes a manifest line of this operation may use (None: free, no agreement)."""
    if operation.agreement_id is None:
        return None
    return list(
        AgreementCategory.objects.filter(agreement_id=operation.agreement_id).values_list("code", flat=True)
    )


def current_version(manifest: Manifest) -> ManifestVersion | None:
    """The version no other version supersedes (the latest)."""
    return manifest.versions.filter(superseded_by__isnull=True).order_by("-number").first()


def _line_problems(operation: Operation, rows: Sequence[ManifestRow]) -> tuple[list[Problem], dict[str, int]]:
    """Checks that need the database: categories of the agreement, persons by reference, unique bags."""
    from homecoming.app.registry.models import Person

    problems: list[Problem] = []
    codes = category_codes(operation)
    refs = {r.person_reference for r in rows if r.person_reference}
    persons = dict(Person.objects.filter(reference__in=refs).values_list("reference", "pk"))
    seen: dict[str, int] = {}
    numbers: set[int] = set()
    for i, r in enumerate(rows, start=1):
        if codes is not None and r.category not in codes:
            problems.append(
                Problem(
                    "category",
                    "is not a category of the agreement",
                    r.category,
                    "use one of: " + (", ".join(sorted(codes)) or "none defined yet"),
                    i,
                )
            )
        if r.person_reference and r.person_reference not in persons:
            problems.append(
                Problem(
                    "person_reference",
                    "is not a person in the registry",
                    r.person_reference,
                    "check the reference or leave it empty and fill claimed_name",
                    i,
                )
            )
        if r.container_number:
            key = reference_key(r.container_number)
            if key in seen:
                problems.append(
                    Problem(
                        "container_number",
                        f"duplicates the bag number of line {seen[key]}",
                        r.container_number,
                        "each bag number may appear once",
                        i,
                    )
                )
            seen[key] = i
        if r.line_no in numbers:
            problems.append(
                Problem("line_no", "is used twice", r.line_no, "give every line its own number", i)
            )
        numbers.add(r.line_no)
        if r.claimed_birth_date:
            try:
                PartialDate.parse(r.claimed_birth_date)
            except ValidationError as exc:
                problems.append(
                    Problem("claimed_birth_date", "is not a date", r.claimed_birth_date, exc.hint, i)
                )
    return problems, persons


@transaction.atomic
def add_manifest_version(
    *,
    actor: Any,
    operation: Operation,
    sending: str,
    receiving: str,
    stage: str,
    rows: Sequence[ManifestRow],
    reason: str = "",
    note: str = "",
) -> ManifestVersion:
    """A new version of the manifest sender → receiver; it supersedes the current one (``reason`` required).

    All-or-nothing: every bad line is named (line number as ``row``) and nothing is written.
    """
    problems = _choice({"stage": stage}, "stage", c.ManifestStage) + required(
        {"stage": stage}, ["stage"], "version"
    )
    send, recv = party(sending), party(receiving)
    if {send.pk, recv.pk} != {operation.party_a_id, operation.party_b_id}:
        problems.append(
            Problem(
                "receiving",
                f"{send.code} → {recv.code} is not a direction of this operation",
                f"{send.code}->{recv.code}",
                "use the operation's two parties",
            )
        )
    line_problems, persons = _line_problems(operation, rows)
    manifest = Manifest.objects.filter(operation=operation, sending_party=send, receiving_party=recv).first()
    previous = current_version(manifest) if manifest else None
    if previous is not None and not reason.strip():
        problems.append(
            Problem(
                "reason",
                "is required for a new version",
                reason,
                f"say why version {previous.number} is superseded",
            )
        )
    if problems or line_problems:
        raise ValidationError.from_problems(problems + line_problems, "the manifest version")
    if manifest is None:
        manifest = Manifest.objects.create(operation=operation, sending_party=send, receiving_party=recv)
    number = (manifest.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ManifestVersion.objects.create(
        manifest=manifest,
        number=number,
        stage=stage,
        supersedes=previous,
        reason=reason,
        note=note,
        created_by=_user(actor),
    )
    cats = dict(
        AgreementCategory.objects.filter(agreement_id=operation.agreement_id).values_list("code", "pk")
    )
    ManifestLine.objects.bulk_create([_line(version, r, persons, cats) for r in rows], batch_size=2000)
    audit.record(
        actor=actor,
        action="manifest_version",
        obj=version,
        after={
            "manifest": manifest.pk,
            "number": number,
            "stage": stage,
            "lines": len(rows),
            "supersedes": previous.pk if previous else None,
        },
        reason=reason,
    )
    return version


def _line(
    version: ManifestVersion, r: ManifestRow, persons: Mapping[str, int], cats: Mapping[str, int]
) -> ManifestLine:
    return ManifestLine(
        version=version,
        line_no=r.line_no,
        person_id=persons.get(r.person_reference),
        category_id=cats.get(r.category),
        category_code=r.category,
        container_number=r.container_number,
        eligibility_basis=r.eligibility_basis,
        claimed_name=r.claimed_name,
        claimed_birth_date=r.claimed_birth_date,
        claimed_identity=r.claimed_identity,
        claimed_affiliation=r.claimed_affiliation,
        consent=r.consent,
        outcome=r.outcome,
        note=r.note,
    )


@transaction.atomic
def record_identification(
    *, actor: Any, line_id: int, data: Mapping[str, Any], report: str = ""
) -> IdentificationResult:
    """What identification established about a manifest line (may contradict the handing party's claim).

    A conclusive verdict (the claim confirmed or contradicted) is only ever the result of a signed IDEN
    comparison report (``report``: its reference, given by :mod:`homecoming.app.identification.reports`
    when it is signed); by hand, only "inconclusive" can be recorded. The agreement's ledger counts
    identifications from these rows, so one person alone could otherwise change them."""
    line = by_id(ManifestLine, line_id, what="manifest line", field="line")
    problems = required(data, ("verdict",), "identification result") + _choice(
        data, "verdict", c.IdentificationVerdict
    )
    if data.get("verdict") in (
        c.IdentificationVerdict.confirms,
        c.IdentificationVerdict.contradicts,
    ) and not (report):
        problems.append(
            Problem(
                "verdict",
                "can only be recorded by signing a comparison report (IDEN) for the body",
                data.get("verdict"),
                "propose an identification report for the line's body and have a reviewer sign it; "
                "record 'inconclusive' here if identification was tried and failed",
            )
        )
    if data.get("verdict") == c.IdentificationVerdict.contradicts and not (
        data.get("established_identity") or data.get("established_affiliation")
    ):
        problems.append(
            Problem(
                "established_affiliation",
                "is required when the result contradicts the claim",
                None,
                "say what identification established",
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the identification result")
    result = IdentificationResult.objects.create(
        line=line,
        recorded_by=_user(actor),
        return_operation=get_operation(int(data["return_operation"]))
        if data.get("return_operation")
        else None,
        **_fields(
            IdentificationResult,
            data,
            ("verdict", "established_identity", "established_affiliation", "person_id", "note"),
        ),
        report=report or None,
    )
    audit.record(actor=actor, action="identification_result", obj=line, after=audit.snapshot(result))
    return result


def export_rows(version: ManifestVersion, *, health: bool) -> list[dict[str, object]]:
    """The lines of a version in the published manifest columns.

    ``eligibility_basis`` (e.g. "seriously wounded": health data, GC III Art. 110) is left blank unless
    ``health`` — pass ``permissions.may(user, "health")``.
    """
    rows = []
    for line in version.lines.select_related("person").order_by("line_no"):
        rows.append(
            {
                "line_no": line.line_no,
                "category": line.category_code,
                "container_number": line.container_number,
                "person_reference": line.person.reference if line.person else "",
                "claimed_name": line.claimed_name,
                "claimed_birth_date": line.claimed_birth_date,
                "claimed_identity": line.claimed_identity,
                "claimed_affiliation": line.claimed_affiliation,
                "eligibility_basis": line.eligibility_basis if health else "",
                "consent": line.consent,
                "outcome": line.outcome,
                "note": line.note,
            }
        )
    return rows


def _in_the_file(name: str, rows: Sequence[ManifestRow], exc: ValidationError) -> Exception:
    """The database checks of a file's lines as the file's problems: the file named, each line's row
    as the spreadsheet counts it (the header is row 1), not its position among the lines."""
    if not any(p.row is not None for p in exc.problems):
        return exc
    problems = [
        replace(p, row=rows[p.row - 1].row or p.row + 1) if p.row is not None and p.row <= len(rows) else p
        for p in exc.problems
    ]
    return rows_error(name, problems, list_rows=True)


def import_manifest(
    *,
    actor: Any,
    operation: Operation,
    sending: str,
    receiving: str,
    stage: str,
    name: str,
    data: bytes,
    reason: str = "",
    dry_run: bool = False,
    again: str = "",
) -> dict[str, Any]:
    """Read a manifest file (CSV/XLSX, published columns) and add it as a new version — or only check it.

    All-or-nothing: a bad file raises :class:`ImportFileError` (every bad row and column named) and nothing
    is written. ``dry_run`` runs every check, the database ones included, and writes nothing. The file's
    SHA-256 is registered in the same transaction: a file imported before is refused
    (:class:`~homecoming.errors.AlreadyImported`) unless ``again`` gives the reason for importing it again.
    """
    from homecoming.app.audit import imported
    from homecoming.io.manifests import read_manifest

    digest = imported.Digest.of_bytes(data, name)
    imported.check("manifest", digest, again=again)
    rows = read_manifest(name, data, categories=category_codes(operation))
    with transaction.atomic():
        try:
            version = add_manifest_version(
                actor=actor,
                operation=operation,
                sending=sending,
                receiving=receiving,
                stage=stage,
                rows=rows,
                reason=reason,
                note=f"imported from {name}",
            )
        except ValidationError as exc:
            raise _in_the_file(name, rows, exc) from None
        if dry_run:  # every check has run, the database ones included; now undo the writes
            transaction.set_rollback(True)
            return {"dry_run": True, "lines": len(rows), "version": None}
        imported.register(
            actor=actor,
            kind="manifest",
            digest=digest,
            rows=len(rows),
            counts={"lines": len(rows)},
            description=f"manifest {name}",
            obj=version,
            target=f"{operation.reference} {version.manifest.sending_party.code} → "
            f"{version.manifest.receiving_party.code} v{version.number}",
            again=again,
        )
    return {"dry_run": False, "lines": len(rows), "version": version.number, "version_id": version.pk}
