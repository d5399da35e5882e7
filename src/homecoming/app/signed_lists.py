"""Signed lists: a list of the registry written as a bundle signed with the organisation's key, and a
received bundle verified before anything of it is used (:mod:`homecoming.io.bundles` holds the format).

The lists: ``persons`` (every person), ``dead`` (persons believed or confirmed dead), ``prisoners`` (persons
with a detention record held now), ``manifest`` (one version of an exchange manifest) — each as CSV in
its published columns plus the same rows as JSON — and ``files`` (any files given, e.g. a list made
elsewhere). Signing is audited (which list, its digests, which key); so is a verified import.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import keys
from homecoming.app.audit import services as audit
from homecoming.errors import NotFound, SignatureError, ValidationError
from homecoming.io import bundles
from homecoming.jsonable import jsonable

KINDS = ("persons", "dead", "prisoners", "manifest", "pfif", "files")
DEAD = ("believed_dead", "confirmed_dead")


@dataclass(frozen=True)
class ListFiles:
    kind: str
    description: str
    files: dict[str, bytes]
    rows: int | None


def _csv_and_json(stem: str, rows: list[dict[str, object]], write: Callable[..., Any]) -> dict[str, bytes]:
    buffer = io.BytesIO()
    write(rows, buffer)
    data = [{k: jsonable(v, default=str) for k, v in r.items()} for r in rows]
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"
    return {f"{stem}.csv": buffer.getvalue(), f"{stem}.json": text.encode("utf-8")}


def _persons(queryset: Any) -> list[dict[str, object]]:
    from homecoming.app.registry.importing import export_rows

    return list(export_rows(queryset))


def _write_persons(rows: Iterable[dict[str, object]], stream: Any) -> None:
    from homecoming.io.persons import write_persons

    write_persons(rows, stream, fmt="csv")


def list_files(kind: str, *, manifest_version: int | None = None, files: Iterable[Path] = ()) -> ListFiles:
    """The files of list ``kind`` as they go into a bundle."""
    from homecoming.app.registry.models import Person

    if kind == "persons":
        rows = _persons(Person.objects.filter(purged=False))
        return ListFiles(
            kind, "persons of the registry", _csv_and_json("persons", rows, _write_persons), len(rows)
        )
    if kind == "dead":
        rows = _persons(Person.objects.filter(purged=False, current_status__in=DEAD))
        return ListFiles(
            kind, "persons believed or confirmed dead", _csv_and_json("dead", rows, _write_persons), len(rows)
        )
    if kind == "prisoners":
        held = Person.objects.filter(purged=False, detentions__status="detained").distinct()
        rows = _persons(held)
        return ListFiles(
            kind,
            "persons held (detention records open)",
            _csv_and_json("prisoners", rows, _write_persons),
            len(rows),
        )
    if kind == "manifest":
        return _manifest(manifest_version)
    if kind == "pfif":
        from homecoming.app.registry.pfif import export_records
        from homecoming.io.pfif import write_pfif

        records = list(export_records())
        return ListFiles(
            kind, "persons and notes as PFIF 1.4", {"persons.pfif.xml": write_pfif(records)}, len(records)
        )
    if kind == "files":
        given = {p.name: p.read_bytes() for p in files if p.is_file()}
        missing = [str(p) for p in files if not p.is_file()]
        if missing or not given:
            raise ValidationError(
                f"--file: {', '.join(missing) or 'no file given'}: a 'files' list needs existing files",
                field="file",
                value=", ".join(missing),
                hint="give each file with --file PATH",
            )
        return ListFiles(kind, "files: " + ", ".join(sorted(given)), given, None)
    raise ValidationError(
        f"list: {kind!r} is not a list that can be signed",
        field="list",
        value=kind,
        hint="one of " + ", ".join(KINDS),
    )


def _manifest(version_id: int | None) -> ListFiles:
    from homecoming.app.exchanges.manifests import export_rows
    from homecoming.app.exchanges.models import ManifestVersion
    from homecoming.io.manifests import write_manifest

    version = ManifestVersion.objects.select_related("manifest").filter(pk=version_id).first()
    if version is None:
        raise NotFound(
            f"no manifest version {version_id!r}",
            field="manifest_version",
            value=version_id,
            hint="give --manifest-version with the id of the version to sign",
        )
    rows = export_rows(version, health=False)
    stem = f"manifest-{version.manifest.pk}-v{version.number}"

    def write(rows: list[dict[str, object]], stream: Any) -> None:
        stream.write(write_manifest(rows, fmt="csv"))

    return ListFiles(
        "manifest",
        f"{version.manifest} version {version.number} ({version.stage})",
        _csv_and_json(stem, rows, write),
        len(rows),
    )


def sign(
    *,
    actor: Any,
    target: Path,
    kind: str,
    passphrase: str = "",
    manifest_version: int | None = None,
    files: Iterable[Path] = (),
) -> dict[str, Any]:
    """Write list ``kind`` as a bundle at ``target`` signed with the organisation's key; audited."""
    listed = list_files(kind, manifest_version=manifest_version, files=files)
    row = keys.current()
    private = keys.private_key(row, passphrase)
    with transaction.atomic():
        manifest = bundles.write_bundle(
            target,
            listed.files,
            private_key=private,
            kind=listed.kind,
            description=listed.description,
            organisation=settings.ORGANISATION,
            signed_by=getattr(actor, "username", "") or "system",
            created=timezone.now(),
            rows=listed.rows,
        )
        audit.record(
            actor=actor,
            action="sign_list",
            obj=row,
            after={"list": manifest["list"], "files": manifest["files"], "created": manifest["created"]},
            reason=f"signed list {target.name}",
        )
    return manifest


def verify(path: Path) -> bundles.Bundle:
    """The bundle at ``path`` if it verifies against the keys in the database; else SignatureError."""
    return bundles.read_bundle(Path(path), keys.trusted())


def describe(bundle: bundles.Bundle) -> dict[str, Any]:
    """What the manifest of a verified bundle says, for a report."""
    m: Mapping[str, Any] = bundle.manifest
    return {
        "list": m["list"],
        "organisation": m.get("organisation"),
        "signed_by": m.get("signed_by"),
        "created": m.get("created"),
        "key": bundle.signer.name,
        "fingerprint": m["key"]["fingerprint"],
        "files": m["files"],
    }


def persons_file(bundle: bundles.Bundle, path: Path) -> tuple[str, bytes]:
    """The one person list (CSV or XLSX) in a verified bundle."""
    found = [(n, d) for n, d in bundle.files.items() if n.lower().endswith((".csv", ".xlsx"))]
    if bundle.kind not in ("persons", "dead", "prisoners", "files") or len(found) != 1:
        raise SignatureError(
            f"bundle: {path.name} holds no single person list (list {bundle.kind!r}, "
            f"{len(found)} CSV/XLSX files)",
            field="bundle",
            value=str(path),
            hint="import a bundle of list persons, dead or prisoners",
        )
    return found[0]


def import_persons_bundle(
    *,
    actor: Any,
    path: Path,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    again: str = "",
) -> Any:
    """Verify the bundle, then import its person list as ``import persons`` does (all or nothing)."""
    from homecoming.app.registry.importing import import_persons

    bundle = verify(path)
    name, data = persons_file(bundle, Path(path))
    with tempfile.TemporaryDirectory(prefix="homecoming-bundle-") as tmp:
        file = Path(tmp) / name
        file.write_bytes(data)
        if dry_run:
            return import_persons(actor=actor, path=file, dry_run=True, progress=progress, again=again)
        with transaction.atomic():
            _verified_record(actor, bundle, path, name)
            return import_persons(actor=actor, path=file, dry_run=False, progress=progress, again=again)


def _verified_record(actor: Any, bundle: bundles.Bundle, path: Path, name: str) -> None:
    audit.record(
        actor=actor,
        action="verify_list",
        object_type="audit.signingkey",
        object_id=bundles.key_id(bundle.signer.public_key),
        object_repr=f"{bundle.signer.name} {bundle.manifest['key']['fingerprint']}",
        after=describe(bundle),
        reason=f"verified bundle {Path(path).name} before importing {name}",
    )


def import_pfif_bundle(
    *, actor: Any, path: Path, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> Any:
    """Verify the bundle, then import its one PFIF document as ``import pfif`` does (all or nothing)."""
    from homecoming.app.registry.pfif import import_pfif

    bundle = verify(path)
    found = [(n, d) for n, d in bundle.files.items() if n.lower().endswith(".xml")]
    if len(found) != 1:
        raise SignatureError(
            f"bundle: {Path(path).name} holds {len(found)} XML files, not one PFIF document",
            field="bundle",
            value=str(path),
            hint="import a bundle of list pfif",
        )
    name, data = found[0]
    with transaction.atomic():
        if not dry_run:
            _verified_record(actor, bundle, path, name)
        return import_pfif(actor=actor, data=data, name=name, dry_run=dry_run, progress=progress)


def is_bundle(path: Path) -> bool:
    """Whether ``path`` looks like a bundle (a folder, or a .zip, holding manifest.json)."""
    path = Path(path)
    if path.is_dir():
        return (path / bundles.MANIFEST).exists()
    if path.suffix.lower() == ".zip" and path.is_file():
        import zipfile

        try:
            with zipfile.ZipFile(path) as z:
                return bundles.MANIFEST in z.namelist()
        except zipfile.BadZipFile:
            return False
    return False


__all__ = [
    "KINDS",
    "describe",
    "import_persons_bundle",
    "import_pfif_bundle",
    "is_bundle",
    "list_files",
    "sign",
    "verify",
]
