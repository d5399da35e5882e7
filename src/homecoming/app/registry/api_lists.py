"""``POST /registry/person-lists``: import a person list through the API, with its preview.

The file comes as multipart form data (field ``file``); ``dry_run=true`` writes nothing and returns the
preview (each matching or uncertain row with its candidates, probabilities and the linkage model's
evidence); ``decisions`` (a form field, JSON ``{"row": "new" | person id}``) overrides the default of
matching or uncertain rows, as on the page.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from homecoming.app.permissions import require
from homecoming.app.registry.importing import ImportReport, import_persons
from homecoming.errors import Problem, ValidationError
from homecoming.io.tables import check_size

router = Router(tags=["registry"])
#: matching and uncertain rows returned in detail (the counts cover all)
DETAIL = 1000


class EvidenceOut(Schema):
    comparison: str
    level: str
    weight: float


class CandidateOut(Schema):
    person: int
    reference: str
    name: str
    probability: float
    evidence: list[EvidenceOut]


class RowOut(Schema):
    row: int
    kind: str
    name: str
    candidates: list[CandidateOut]


class ListImportOut(Schema):
    file: str
    sha256: str
    dry_run: bool
    rows: int
    persons: int
    linked: list[dict[str, Any]]
    possible_duplicates: int
    unchanged: list[str]
    conflicts: list[str]
    classes: dict[str, int]
    model: str
    details: list[RowOut]


def _out(report: ImportReport, name: str) -> dict[str, Any]:
    preview = report.preview
    assert preview is not None
    details = [
        {
            "row": r.row.row,
            "kind": r.kind,
            "name": r.name,
            "candidates": [
                {
                    "person": c.person.pk,
                    "reference": c.person.reference,
                    "name": c.person.name,
                    "probability": c.probability,
                    "evidence": [{"comparison": a, "level": b, "weight": w} for a, b, w in c.evidence],
                }
                for c in r.candidates
            ],
        }
        for r in preview.rows
        if r.kind in ("match", "uncertain")
    ][:DETAIL]
    return {
        "file": name,
        "sha256": report.sha256,
        "dry_run": report.dry_run,
        "rows": report.rows,
        "persons": report.persons,
        "linked": [{"row": row, "reference": ref} for row, ref in report.linked],
        "possible_duplicates": report.possible_duplicates,
        "unchanged": [str(m) for m in report.unchanged],
        "conflicts": [str(m) for m in report.conflicts],
        "classes": preview.counts(),
        "model": preview.model_source,
        "details": details,
    }


def _decisions(text: str) -> dict[int, str]:
    try:
        raw = json.loads(text) if text else {}
        if not isinstance(raw, dict):
            raise TypeError
        return {int(k): str(v) for k, v in raw.items()}
    except (TypeError, ValueError) as exc:
        raise ValidationError.from_problems(
            [
                Problem(
                    "decisions", "is not a JSON object of row numbers", text[:200], '{"2": "new", "5": "123"}'
                )
            ]
        ) from exc


@router.post(
    "/registry/person-lists",
    response={200: ListImportOut, 201: ListImportOut},
    summary="Import a person list (multipart field 'file'); dry_run=true returns the preview only",
)
def import_person_list(request: HttpRequest, dry_run: bool = False, again: str = "") -> Status:
    actor = require(request, "registry.add_person")
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError.from_problems(
            [Problem("file", "is required", None, "send the list as multipart form data in the field 'file'")]
        )
    name = Path(upload.name or "list.csv").name
    check_size(name, upload.size)
    decisions = _decisions(request.POST.get("decisions", ""))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        report = import_persons(actor=actor, path=path, dry_run=dry_run, again=again, decisions=decisions)
    return Status(200 if dry_run else 201, _out(report, name))
