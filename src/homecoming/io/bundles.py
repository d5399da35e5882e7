"""Signed list bundles: a list's files, a manifest of their SHA-256 digests, an Ed25519 signature.

A bundle is a folder (or the same files in a ``.zip``, no sub-folders) holding::

    persons.csv            the list itself: one or more files (CSV, JSON, anything)
    manifest.json          what the list is, who signed it and when, the key, each file's SHA-256 and size
    manifest.json.sig      the Ed25519 signature of the exact bytes of manifest.json (hex, one line)

:func:`write_bundle` makes one; :func:`read_bundle` checks one against the keys the caller trusts and
returns its files only when everything holds: the signature is by a trusted key that is not revoked
(a retired key only for bundles it signed before it was retired), every file listed is there with its
digest, and nothing else is. Every problem is named at once (the file, what was expected, what was
found); a bundle with any problem gives nothing. No Django here (``homecoming.io``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homecoming.errors import Problem, SignatureError

FORMAT = "homecoming-signed-list"
VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_BYTES = 512 * 1024 * 1024  # a bundle's files together, read into memory


def fingerprint(public_key_hex: str) -> str:
    """``SHA256:<base64>`` of the 32 raw bytes of an Ed25519 public key (as ``ssh-keygen -l`` shows)."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def key_id(public_key_hex: str) -> str:
    """A short name of a key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:16]


@dataclass(frozen=True)
class TrustedKey:
    """A public key the reader trusts: whose it is, and whether (since when) it is retired or revoked."""

    public_key: str  # hex of the 32 raw bytes
    name: str
    retired: dt.datetime | None = None  # signs nothing after this; bundles made before still verify
    revoked: dt.datetime | None = None  # nothing it signed is accepted any more


@dataclass(frozen=True)
class Bundle:
    """A verified bundle: its manifest, the key that signed it and each file's bytes."""

    manifest: dict[str, Any]
    signer: TrustedKey
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.manifest.get("list", {}).get("kind", ""))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_name(name: str) -> None:
    if not _NAME.match(name) or name in (MANIFEST, SIGNATURE):
        raise SignatureError(
            f"file: {name!r} cannot be a file of a bundle",
            field="file",
            value=name,
            hint="use a plain file name (letters, digits, '.', '_', '-'), not manifest.json",
        )


def manifest_for(
    files: Mapping[str, bytes],
    *,
    kind: str,
    description: str,
    organisation: str,
    signed_by: str,
    public_key: str,
    created: dt.datetime,
    rows: int | None = None,
) -> dict[str, Any]:
    """The manifest of ``files`` (name → bytes), ready to be signed."""
    for name in files:
        _check_name(name)
    return {
        "format": FORMAT,
        "version": VERSION,
        "list": {"kind": kind, "description": description, "rows": rows},
        "organisation": organisation,
        "signed_by": signed_by,
        "created": created.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
        "key": {
            "algorithm": "Ed25519",
            "public_key": public_key,
            "key_id": key_id(public_key),
            "fingerprint": fingerprint(public_key),
        },
        "files": [
            {"name": name, "sha256": _digest(data), "bytes": len(data)}
            for name, data in sorted(files.items())
        ],
    }


def write_bundle(
    target: Path,
    files: Mapping[str, bytes],
    *,
    private_key: Any,
    kind: str,
    description: str,
    organisation: str,
    signed_by: str,
    created: dt.datetime,
    rows: int | None = None,
) -> dict[str, Any]:
    """Write ``files`` with their signed manifest to the folder ``target`` (or a zip, if it ends .zip).

    ``target`` must not exist: a bundle is never overwritten. Returns the manifest.
    """
    from cryptography.hazmat.primitives import serialization

    if target.exists():
        raise SignatureError(
            f"bundle: {target} already exists; a bundle is never overwritten",
            field="bundle",
            value=str(target),
            hint="choose a new name",
        )
    public = (
        private_key.public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        .hex()
    )
    manifest = manifest_for(
        files,
        kind=kind,
        description=description,
        organisation=organisation,
        signed_by=signed_by,
        public_key=public,
        created=created,
        rows=rows,
    )
    text = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    signature = (private_key.sign(text).hex() + "\n").encode("ascii")
    every = dict(files) | {MANIFEST: text, SIGNATURE: signature}
    if target.suffix.lower() == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "x", compression=zipfile.ZIP_DEFLATED) as z:
            for name, data in sorted(every.items()):
                z.writestr(name, data)
    else:
        target.mkdir(parents=True)
        for name, data in every.items():
            (target / name).write_bytes(data)
    return manifest


# --- reading -----------------------------------------------------------------------------------------


def _refuse(path: Path, problems: list[Problem]) -> SignatureError:
    return SignatureError.from_problems(problems, f"bundle {path.name} (nothing imported)", listed=None)


def _zip_files(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            if sum(i.file_size for i in infos) > MAX_BYTES:
                raise SignatureError(
                    f"bundle: {path.name} unzips to more than {MAX_BYTES} bytes",
                    field="bundle",
                    value=str(path),
                    hint="split the list into smaller bundles",
                )
            return {i.filename: z.read(i) for i in infos}
    except (zipfile.BadZipFile, OSError) as exc:
        raise SignatureError(
            f"bundle: {path.name} is not a readable zip ({exc})",
            field="bundle",
            value=str(path),
            hint="give the folder or the .zip that `homecoming lists sign` wrote",
        ) from None


def _folder_files(path: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    total = 0
    for item in sorted(path.iterdir()):
        if item.is_dir():
            found[item.name + "/"] = b""
            continue
        total += item.stat().st_size
        if total > MAX_BYTES:
            raise SignatureError(
                f"bundle: {path.name} holds more than {MAX_BYTES} bytes",
                field="bundle",
                value=str(path),
                hint="split the list into smaller bundles",
            )
        found[item.name] = item.read_bytes()
    return found


def bundle_files(path: Path) -> dict[str, bytes]:
    """Every file of the bundle at ``path`` (a folder or a .zip), by name."""
    if path.is_dir():
        return _folder_files(path)
    if path.is_file():
        return _zip_files(path)
    raise SignatureError(
        f"bundle: {path} does not exist", field="bundle", value=str(path), hint="check the path"
    )


def _manifest(path: Path, files: Mapping[str, bytes]) -> tuple[dict[str, Any], bytes]:
    missing = [n for n in (MANIFEST, SIGNATURE) if n not in files]
    if missing:
        raise _refuse(
            path,
            [
                Problem(
                    n, "is missing: this is not a signed bundle", n, "ask the sender for the whole bundle"
                )
                for n in missing
            ],
        )
    try:
        manifest = json.loads(files[MANIFEST].decode("utf-8"))
        signature = bytes.fromhex(files[SIGNATURE].decode("ascii").strip())
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse(
            path, [Problem(MANIFEST, f"cannot be read ({exc})", None, "ask the sender for the bundle again")]
        ) from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("version") != VERSION
    ):
        raise _refuse(
            path,
            [
                Problem(
                    MANIFEST,
                    f"is not a {FORMAT} manifest of version {VERSION}",
                    str(manifest)[:100],
                    "give a bundle written by `homecoming lists sign`",
                )
            ],
        )
    return manifest, signature


def _signer(
    path: Path, manifest: dict[str, Any], signature: bytes, text: bytes, trusted: Mapping[str, TrustedKey]
) -> TrustedKey:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = str(manifest.get("key", {}).get("public_key", ""))
    if not re.fullmatch(r"[0-9a-f]{64}", public):
        raise _refuse(path, [Problem("key.public_key", "is not an Ed25519 public key", public)])
    shown = fingerprint(public)
    key = trusted.get(public)
    if key is None:
        raise _refuse(
            path,
            [
                Problem(
                    "key",
                    f"signed by an unknown key {shown} (key id {key_id(public)}), "
                    f"claimed to be of {manifest.get('organisation')!r}",
                    shown,
                    "check the fingerprint with the sender by another channel, then "
                    "`homecoming keys trust NAME PUBLIC_KEY_FILE`",
                )
            ],
        )
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(signature, text)
    except (InvalidSignature, ValueError):
        raise _refuse(
            path,
            [
                Problem(
                    MANIFEST,
                    f"its signature does not verify with the key of {key.name} ({shown}): "
                    "manifest.json or manifest.json.sig was changed",
                    shown,
                    "ask the sender for the bundle again",
                )
            ],
        ) from None
    created = _created(manifest)
    if key.revoked is not None:
        raise _refuse(
            path,
            [
                Problem(
                    "key",
                    f"signed by the key of {key.name} ({shown}), revoked on {key.revoked:%Y-%m-%d}",
                    shown,
                    "ask the sender to sign the list again with their new key",
                )
            ],
        )
    if key.retired is not None and (created is None or created > key.retired):
        raise _refuse(
            path,
            [
                Problem(
                    "key",
                    f"signed on {manifest.get('created')} by the key of {key.name} ({shown}), "
                    f"retired on {key.retired:%Y-%m-%d %H:%M} UTC",
                    shown,
                    "ask the sender to sign the list again with their current key",
                )
            ],
        )
    return key


def _created(manifest: dict[str, Any]) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(manifest.get("created")))
    except ValueError:
        return None


def _file_problems(manifest: dict[str, Any], files: Mapping[str, bytes]) -> list[Problem]:
    listed = {str(f.get("name")): f for f in manifest.get("files", []) if isinstance(f, dict)}
    problems: list[Problem] = []
    for name, entry in sorted(listed.items()):
        if name not in files:
            problems.append(
                Problem(
                    name,
                    "is listed in the manifest but missing from the bundle",
                    name,
                    "ask for the whole bundle",
                )
            )
            continue
        found = _digest(files[name])
        if found != entry.get("sha256"):
            problems.append(
                Problem(
                    name,
                    f"was changed: its SHA-256 is {found}, the signed manifest says {entry.get('sha256')} "
                    f"({len(files[name])} bytes, signed {entry.get('bytes')})",
                    name,
                    "ask the sender for the bundle again; do not use this copy",
                )
            )
    for name in sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE}):
        problems.append(
            Problem(
                name,
                "was added: it is not in the signed manifest",
                name,
                "remove it, or ask the sender to sign a bundle that holds it",
            )
        )
    return problems


def read_bundle(path: Path, trusted: Mapping[str, TrustedKey]) -> Bundle:
    """The bundle at ``path`` (folder or .zip) when it verifies against ``trusted`` (public key hex →
    key); otherwise :class:`~homecoming.errors.SignatureError` naming every problem."""
    path = Path(path)
    files = bundle_files(path)
    manifest, signature = _manifest(path, files)
    signer = _signer(path, manifest, signature, files[MANIFEST], trusted)
    problems = _file_problems(manifest, files)
    if problems:
        raise _refuse(path, problems)
    listed = [str(f["name"]) for f in manifest["files"]]
    return Bundle(manifest, signer, {n: files[n] for n in listed})


__all__ = [
    "MANIFEST",
    "SIGNATURE",
    "Bundle",
    "TrustedKey",
    "bundle_files",
    "fingerprint",
    "key_id",
    "manifest_for",
    "read_bundle",
    "write_bundle",
]
