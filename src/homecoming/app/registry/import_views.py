"""Importing a person list in the app: upload, see what it would do row by row, decide, import.

The uploaded file is kept under ``DATA_DIR/staged-imports/<sha256>/<its name>`` between the preview and the
import (nothing is written to the registry before the registrar confirms); the import reads the same bytes
again, so what is imported is what was previewed. The staged file is removed once imported.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app.audit import imported
from homecoming.app.charts import bar_chart
from homecoming.app.permissions import page_requires
from homecoming.app.registry.importing import ImportReport, import_persons
from homecoming.app.registry.linkage_labels import evidence_rows
from homecoming.app.registry.models import Person
from homecoming.app.registry.previewing import NEW, Preview, RowPreview
from homecoming.errors import AlreadyImported, HomecomingError, InputError
from homecoming.io.tables import check_size

#: rows of each class listed on the preview (the rest take their defaults)
SHOWN = 200
SUFFIXES = (".csv", ".xlsx", ".txt")
_TOKEN = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[^\w.\- ]+")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Person list (CSV or XLSX)"))
    again = forms.CharField(
        label=gettext_lazy("Imported before? The reason for importing it again"),
        required=False,
        max_length=500,
    )


#: a previewed list not imported within this many seconds is removed (the registrar uploads it again)
STAGED_SECONDS = 24 * 3600


def _staging() -> Path:
    folder = Path(settings.DATA_DIR) / "staged-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old() -> None:
    """Remove staged lists older than :data:`STAGED_SECONDS` (previews never confirmed)."""
    cutoff = time.time() - STAGED_SECONDS
    for folder in _staging().iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _stage(upload: Any) -> tuple[Path, str]:
    """Keep the upload in a folder named by its SHA-256, under its own name (what the import records);
    returns the path and the token (the digest) naming it."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"file: {upload.name} is not a CSV or XLSX file",
            field="file",
            value=upload.name,
            hint="save the list as .csv (UTF-8) or .xlsx",
        )
    check_size(upload.name, upload.size)
    _forget_old()
    digest = hashlib.sha256()
    chunks = []
    for chunk in upload.chunks():
        digest.update(chunk)
        chunks.append(chunk)
    token = digest.hexdigest()
    name = _UNSAFE.sub("_", Path(upload.name).stem)[:80].strip(" .") or "list"
    folder = _staging() / token
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}{suffix}"
    if not path.exists():
        partial = path.with_suffix(path.suffix + ".part")
        with partial.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        partial.chmod(0o600)  # personal data: readable by the server's user only
        partial.replace(path)
    return path, token


def _unstage(path: Path | None) -> None:
    """A refused list is not kept: the registrar uploads it again once fixed."""
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)


def _staged(token: str) -> Path:
    folder = _staging() / token
    files = sorted(folder.glob("*.*")) if _TOKEN.match(token) and folder.is_dir() else []
    path = next((f for f in files if f.suffix in SUFFIXES), None)
    if path is None:
        raise InputError(
            "file: the previewed file is no longer here",
            field="file",
            value=token[:70],
            hint="upload the list again to see its preview",
        )
    return path


def _row_view(r: RowPreview, pks: dict[str, int]) -> dict[str, Any]:
    return {
        "recognised_pk": pks.get(r.recognised.reference) if r.recognised else None,
        "row": r.row.row,
        "kind": r.kind,
        "name": r.name,
        "birth_date": str(r.row.birth_date or ""),
        "service_number": r.row.service_number or "",
        "default": str(r.default),
        "candidates": [
            {
                "pk": c.person.pk,
                "reference": c.person.reference,
                "name": c.person.name,
                "birth_date": c.person.birth_date,
                "service_number": c.person.service_number,
                "percent": _percent(c.probability),
                "evidence": evidence_rows(c.evidence),
            }
            for c in r.candidates
        ],
        "recognised": r.recognised,
    }


def _percent(p: float) -> str:
    """A probability as a percentage that never reads as certain when it is not."""
    if p >= 0.9999:
        return "> 99.99 %"
    return f"{p * 100:.2f} %"


def _chart(preview: Preview) -> str:
    labels = {
        "match": _("match a registered person"),
        "uncertain": _("uncertain"),
        "new": _("new persons"),
        "unchanged": _("registered, unchanged"),
        "conflict": _("registered, differ"),
    }
    counts = preview.counts()
    return bar_chart(
        [(labels[k], counts[k]) for k in ("match", "uncertain", "new", "unchanged", "conflict")],
        title=_("Rows of the list by what the import would do"),
    )


def _context(report: ImportReport, token: str, file_name: str, again: str) -> dict[str, Any]:
    preview = report.preview
    assert preview is not None
    titles = {
        "match": _("Rows that match a registered person"),
        "uncertain": _("Uncertain rows"),
        "new": _("New persons"),
        "conflict": _("Registered persons that differ"),
        "unchanged": _("Registered persons, unchanged"),
    }
    sections = []
    for kind, title in titles.items():
        rows = preview.of_kind(kind)[:SHOWN]
        references = [r.recognised.reference for r in rows if r.recognised]
        pks = dict(Person.objects.filter(reference__in=references).values_list("reference", "pk"))
        sections.append(
            {
                "kind": kind,
                "title": title,
                "rows": [_row_view(r, pks) for r in rows],
                "total": preview.count(kind),
                "more": preview.count(kind) > SHOWN,
            }
        )
    return {
        "report": report,
        "preview": preview,
        "counts": preview.counts(),
        "sections": sections,
        "chart": _chart(preview),
        "token": token,
        "file_name": file_name,
        "again": again,
        "new_value": NEW,
    }


def _refused(request: HttpRequest, form: UploadForm, error: Any, status: int) -> HttpResponse:
    return render(request, "registry/import_form.html", {"form": form, "error": error}, status=status)


@page_requires("registry.add_person")
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload (GET: the form; POST: the preview of the uploaded list)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "registry/import_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "registry/import_form.html", {"form": form}, status=422)
    upload = form.cleaned_data["file"]
    again = form.cleaned_data["again"]
    path = None
    try:
        path, token = _stage(upload)
        report = import_persons(actor=request.user, path=path, dry_run=True, again=again)
    except AlreadyImported as exc:
        _unstage(path)
        return _refused(request, form, imported.in_words(exc), 409)
    except HomecomingError as exc:
        _unstage(path)
        return _refused(request, form, exc, 422)
    ctx = _context(report, token, upload.name, again)
    return render(request, "registry/import_preview.html", ctx)


@page_requires("registry.add_person")
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed list with the registrar's decisions."""
    if request.method != "POST":
        return redirect("registry:import")
    token = request.POST.get("token", "")
    again = request.POST.get("again", "")
    chosen = {}
    for key, value in request.POST.items():
        if key.startswith("row-") and key[4:].isdigit():
            chosen[int(key[4:])] = value
    form = UploadForm()
    try:
        path = _staged(token)
        report = import_persons(actor=request.user, path=path, decisions=chosen, again=again)
    except AlreadyImported as exc:
        return _refused(request, form, imported.in_words(exc), 409)
    except HomecomingError as exc:
        return _refused(request, form, exc, 422)
    shutil.rmtree(path.parent, ignore_errors=True)
    messages.success(
        request,
        _(
            "Imported: %(persons)d new persons, %(linked)d rows linked to registered persons, "
            "%(pairs)d possible duplicates to review, %(unchanged)d rows already registered."
        )
        % {
            "persons": report.persons,
            "linked": len(report.linked),
            "pairs": report.possible_duplicates,
            "unchanged": len(report.unchanged),
        },
    )
    if report.possible_duplicates and request.user.has_perm("registry.merge_person"):
        return redirect(reverse("registry:duplicates"))
    return redirect(reverse("registry:search"))
