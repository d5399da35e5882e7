"""Which files were imported: the SHA-256 of each imported file, recorded in the import's own transaction.

Every importer (persons, intake manifests, exchange manifests) calls :func:`check` before it writes
(and in a dry run) and :func:`record` as the last write of its transaction, after its ``import_file``
audit record. So the digest is in the database exactly when the file's rows are: an import killed
before its commit leaves neither, one killed after leaves both, and running the same file again is
refused with :class:`~homecoming.errors.AlreadyImported` ("this file (sha256 …) was imported on …").

The key is the content, not the name: a renamed copy is the same file. Where the importer gives the
rows as read (the person list), the SHA-256 of those cleaned rows is kept too (``rows_sha256``): the
same list in other bytes (CRLF for LF, a BOM, re-saved as XLSX) is refused like the same bytes.
A deliberate re-import names its reason (``again``; the CLI's ``--again REASON``) and is recorded as
the next occurrence, with the reason in the audit trail. Two imports of one file racing each other: the unique
(kind, sha256, occurrence) lets one commit and refuses the other, whose whole transaction rolls back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homecoming.app.audit import services as audit
from homecoming.app.audit.models import ImportedFile
from homecoming.errors import AlreadyImported

WHAT = {"persons": "persons", "intake": "units", "manifest": "manifest lines"}


@dataclass(frozen=True)
class Digest:
    """A file's identity for the import register: SHA-256 of its bytes, its size and its name."""

    sha256: str
    size: int
    name: str
    rows_sha256: str = ""

    def with_rows(self, rows: Iterable[Mapping[str, Any]]) -> Digest:
        """This digest with the SHA-256 of the rows as read (each a column -> cleaned value mapping)."""
        h = hashlib.sha256()
        for row in rows:
            h.update(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str).encode())
            h.update(b"\n")
        return replace(self, rows_sha256=h.hexdigest())

    @classmethod
    def of_bytes(cls, data: bytes, name: str) -> Digest:
        return cls(hashlib.sha256(data).hexdigest(), len(data), Path(name).name)

    @classmethod
    def of_file(cls, path: Path) -> Digest:
        h, size = hashlib.sha256(), 0
        with Path(path).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
                size += len(block)
        return cls(h.hexdigest(), size, Path(path).name)


def _refusal(kind: str, digest: Digest, previous: ImportedFile, *, rows: bool = False) -> AlreadyImported:
    when = timezone.localtime(previous.imported).strftime("%Y-%m-%d %H:%M %Z")
    who = previous.imported_by_name or "the system"
    what = WHAT.get(kind, "rows")
    this = (
        f"the same rows as this file (rows sha256 {digest.rows_sha256}) were"
        if rows
        else f"this file (sha256 {digest.sha256}) was"
    )
    same = (
        "the same rows in other bytes (line ends, a BOM, CSV or XLSX) are the same list"
        if rows
        else "the same bytes under any name are the same file"
    )
    return AlreadyImported(
        f"{this} imported on {when} by {who}: {previous.rows} {what}"
        f"{' into ' + previous.target if previous.target else ''} (as {previous.name}); nothing imported",
        field="file",
        value=digest.name,
        hint=f"{same}; to import them again on purpose, give the reason with --again",
        previous={
            "kind": kind,
            "sha256": digest.sha256,
            "name": previous.name,
            "rows": previous.rows,
            "target": previous.target,
            "imported": previous.imported,
            "by": who,
        },
    )


def _last(kind: str, sha256: str) -> ImportedFile | None:
    return ImportedFile.objects.filter(kind=kind, sha256=sha256).order_by("-occurrence").first()


def check(kind: str, digest: Digest, *, again: str = "") -> int:
    """The occurrence this import would be (1: first); refused if imported before and no ``again``."""
    previous = _last(kind, digest.sha256)
    if digest.rows_sha256 and not again.strip():
        same_rows = ImportedFile.objects.filter(kind=kind, rows_sha256=digest.rows_sha256)
        earlier = same_rows.order_by("-imported", "-pk").first()
        if earlier is not None and previous is None:
            raise _refusal(kind, digest, earlier, rows=True)
    if previous is None:
        return 1
    if not again.strip():
        raise _refusal(kind, digest, previous)
    return previous.occurrence + 1


def register(
    *,
    actor: Any,
    kind: str,
    digest: Digest,
    rows: int,
    counts: dict[str, Any],
    description: str,
    target: str = "",
    again: str = "",
    **obj: Any,
) -> ImportedFile:
    """The import's ``import_file`` audit record and the file's registration, inside the caller's (the
    import's) transaction; refused if another import of the same bytes got there first.

    ``counts``: what the import wrote (rows, persons, units, ...); ``description``: the file in words
    ("person list x.csv"); ``obj``: the audit record's object (``obj=`` or ``object_type=``/``object_id=``).
    """
    occurrence = check(kind, digest, again=again)
    fields: dict[str, Any] = {"file": digest.name, "sha256": digest.sha256, "size": digest.size}
    if digest.rows_sha256:
        fields["rows_sha256"] = digest.rows_sha256
    if occurrence > 1:
        fields |= {"occurrence": occurrence, "again": again.strip()}
    rec = audit.record(
        actor=actor,
        action="import_file",
        after=counts | fields,
        reason=description + (f"; imported again: {again.strip()}" if occurrence > 1 else ""),
        **obj,
    )
    user = audit.user_or_none(actor)
    try:
        with transaction.atomic():
            return ImportedFile.objects.create(
                kind=kind,
                sha256=digest.sha256,
                rows_sha256=digest.rows_sha256 or None,
                occurrence=occurrence,
                name=digest.name[:255],
                size=digest.size,
                rows=rows,
                target=target[:200],
                imported=timezone.now(),
                imported_by=user,
                imported_by_name=getattr(user, "username", "") if user else "",
                again=again.strip() if occurrence > 1 else "",
                audit_record=rec,
            )
    except IntegrityError:  # another import of the same bytes committed while this one ran
        previous = _last(kind, digest.sha256)
        assert previous is not None
        raise _refusal(kind, digest, previous) from None


def in_words(exc: AlreadyImported) -> AlreadyImported:
    """The refusal in the page reader's language (the upload pages show this one)."""
    p = exc.previous
    when = timezone.localtime(p["imported"]).strftime("%Y-%m-%d %H:%M %Z") if p.get("imported") else "?"
    message = _(
        "This file (sha256 %(sha256)s) was imported on %(date)s by %(user)s: %(rows)d rows, as "
        "%(name)s; nothing imported. The same content under any name is the same file."
    ) % {
        "sha256": p.get("sha256", ""),
        "date": when,
        "user": p.get("by", ""),
        "rows": p.get("rows", 0),
        "name": p.get("name", ""),
    }
    return AlreadyImported(message, field="file", value=exc.value, previous=p)
