"""Signed heads of the audit chain: Ed25519 signatures of "record #seq has this hash".

The hash chain shows a changed or removed record *between* two records, but not the last records
removed together (the chain simply ends earlier), nor a chain rebuilt from scratch. A head signed
with a key kept outside the database pins the chain: ``verify`` checks each head's signature and that
the chain still holds its record with its hash, and names what is missing after it.

Heads are written automatically every ``HOMECOMING_AUDIT_HEAD_EVERY`` records (when a signing key is
set), after every ``homecoming audit verify`` that finds the chain intact, and on demand with
``homecoming audit head``, which prints the head as one line to keep elsewhere (paper, the
intermediary); ``homecoming audit verify --head`` checks such a line even if the stored heads were
deleted too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from homecoming.errors import ValidationError

PREFIX = "HOMECOMING-AUDIT-HEAD"
_LINE = re.compile(
    PREFIX + r"\s+seq=(?P<seq>\d+)\s+hash=(?P<hash>[0-9a-f]{64})\s+created=(?P<created>\S+)"
    r"\s+key=(?P<key>[0-9a-f]{64})\s+sig=(?P<sig>[0-9a-f]{128})"
)


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    created: str  # ISO 8601, UTC
    signature: str  # hex
    public_key: str  # hex of the 32 raw bytes
    source: str = "stored"

    def message(self) -> bytes:
        return (
            f"homecoming audit head v1\nseq={self.seq}\nhash={self.hash}\ncreated={self.created}\n".encode()
        )

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def date(self) -> str:
        return self.created[:19].replace("T", " ") + " UTC"

    def line(self) -> str:
        return (
            f"{PREFIX} seq={self.seq} hash={self.hash} created={self.created} "
            f"key={self.public_key} sig={self.signature}"
        )

    def signature_holds(self) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            key.verify(bytes.fromhex(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return False
        return True


def fingerprint(public_key_hex: str) -> str:
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


# --- the key -----------------------------------------------------------------------------------------


def key_path() -> Path | None:
    path = str(getattr(settings, "AUDIT_SIGNING_KEY", "") or "")
    return Path(path) if path else None


def create_key(path: Path) -> str:
    """Write a new Ed25519 private key (PEM, mode 0600) to ``path``; return its public key (hex)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if path.exists():
        raise ValidationError(
            f"path: {path} already exists; a signing key is never overwritten",
            field="path",
            value=str(path),
            hint="choose a new file name, or keep using the existing key",
        )
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return _public_hex(key)


def _public_hex(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def _private_key() -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path()
    if path is None:
        raise ValidationError(
            "HOMECOMING_AUDIT_SIGNING_KEY is not set: there is no key to sign the audit head with",
            field="HOMECOMING_AUDIT_SIGNING_KEY",
            value="",
            hint="create one with `homecoming audit keygen /secure/place/audit-head.key` and set "
            "HOMECOMING_AUDIT_SIGNING_KEY to its path",
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ValidationError(
            f"HOMECOMING_AUDIT_SIGNING_KEY: cannot read an Ed25519 private key from {path} ({exc})",
            field="HOMECOMING_AUDIT_SIGNING_KEY",
            value=str(path),
            hint="point it at the file `homecoming audit keygen` wrote",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValidationError(
            f"HOMECOMING_AUDIT_SIGNING_KEY: {path} is not an Ed25519 key",
            field="HOMECOMING_AUDIT_SIGNING_KEY",
            value=str(path),
            hint="create one with `homecoming audit keygen`",
        )
    return key


def trusted_public_key() -> str | None:
    """The public key of this installation's signing key, if one is set (hex)."""
    return _public_hex(_private_key()) if key_path() is not None else None


# --- writing heads -----------------------------------------------------------------------------------


def sign(seq: int, hash_: str, key: Any = None) -> Any:
    """Sign "record #seq has hash ``hash_``" and store it; returns the stored :class:`AuditHead`."""
    from homecoming.app.audit.models import AuditHead

    key = key or _private_key()
    created = timezone.now().astimezone(dt.UTC).replace(microsecond=0).isoformat()
    unsigned = Head(seq, hash_, created, "", _public_hex(key))
    signature = key.sign(unsigned.message()).hex()
    return AuditHead.objects.create(
        seq=seq,
        hash=hash_,
        created=dt.datetime.fromisoformat(created),
        signature=signature,
        public_key=unsigned.public_key,
    )


def sign_last() -> Head:
    """Sign the last record of the chain (``homecoming audit head``)."""
    from django.db import transaction

    from homecoming.app.audit.models import AuditRecord

    key = _private_key()
    with transaction.atomic():
        last = AuditRecord.objects.order_by("-seq").only("seq", "hash").first()
        if last is None:
            raise ValidationError(
                "the audit chain is empty: there is nothing to sign yet", field="seq", value=0
            )
        return as_head(sign(last.seq, last.hash, key))


def after_append(first_seq: int, last_seq: int, last_hash: str) -> None:
    """Called by the chain after records ``first_seq..last_seq`` were appended: every
    ``AUDIT_HEAD_EVERY`` records (crossing a multiple), sign the last one, if a key is set."""
    every = int(getattr(settings, "AUDIT_HEAD_EVERY", 0) or 0)
    if every <= 0 or key_path() is None:
        return
    if last_seq // every > (first_seq - 1) // every:
        sign(last_seq, last_hash)


# --- reading and checking heads ----------------------------------------------------------------------


def as_head(row: Any, source: str = "stored") -> Head:
    return Head(
        seq=row.seq,
        hash=row.hash,
        created=row.created.astimezone(dt.UTC).isoformat(),
        signature=row.signature,
        public_key=row.public_key,
        source=source,
    )


def parse(text: str) -> list[Head]:
    """The heads in ``text`` (lines printed by ``homecoming audit head``), or in the file it names."""
    candidate = Path(text.strip()) if "\n" not in text.strip() and len(text) < 4096 else None
    if candidate is not None and not text.strip().startswith(PREFIX):
        try:
            text = candidate.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValidationError(
                f"--head: {text!r} is neither a head line nor a readable file ({exc.strerror})",
                field="head",
                value=text,
                hint=f"give the file `homecoming audit head` printed to, or the line starting {PREFIX}",
            ) from None
    found = [
        Head(int(m["seq"]), m["hash"], m["created"], m["sig"], m["key"], source="given")
        for m in _LINE.finditer(text)
    ]
    if not found:
        raise ValidationError(
            f"--head: no line starting {PREFIX} with seq, hash, created, key and sig was found",
            field="head",
            value=text[:200],
            hint="copy the whole line `homecoming audit head` printed",
        )
    return found


def load(external: list[Head]) -> list[Head]:
    from homecoming.app.audit.models import AuditHead

    return [as_head(r) for r in AuditHead.objects.order_by("seq", "id")] + list(external)


def check(heads: list[Head], hashes: dict[int, str], last_seq: int) -> tuple[list[Any], list[str]]:
    """Breaks found by the heads (each head's signature, key and record) and notes for the operator."""
    from homecoming.app.audit.findings import Break

    breaks: list[Any] = []
    notes: list[str] = []
    trusted = trusted_public_key()
    if not heads:
        notes.append(
            "no signed head yet: records removed from the end of the chain cannot be found "
            "(run `homecoming audit head` and keep the line it prints)"
        )
    elif trusted is None:
        notes.append(
            "no signing key is set (HOMECOMING_AUDIT_SIGNING_KEY): heads are checked against the public "
            "keys they carry; compare their fingerprints with the one you keep"
        )
    missing_after: dict[int, tuple[Head, str]] = {}
    for head in heads:
        what = (
            f"the {'given' if head.source == 'given' else 'stored'} signed head of {head.date} (#{head.seq})"
        )
        if not head.signature_holds():
            breaks.append(Break(f"{what}: its signature does not verify (the head was forged or altered)"))
            continue
        if trusted is not None and head.public_key != trusted:
            breaks.append(
                Break(
                    f"{what}: signed by key {head.fingerprint}, not by this installation's key "
                    f"{fingerprint(trusted)} (a head made with another key)"
                )
            )
            continue
        if head.seq > last_seq:
            known = missing_after.get(last_seq)
            if known is None or head.seq > known[0].seq:
                missing_after[last_seq] = (head, what)
        elif head.seq not in hashes:
            breaks.append(Break(f"record #{head.seq}, signed in {what}, is missing", seq=head.seq))
        elif hashes[head.seq] != head.hash:
            breaks.append(
                Break(
                    f"record #{head.seq} differs from {what}: the chain was rewritten from there or before",
                    seq=head.seq,
                )
            )
    for last, (head, what) in missing_after.items():
        breaks.append(
            Break(
                f"records {last + 1}..{head.seq} are missing from the end of the chain: {what} names "
                f"record #{head.seq} (hash {head.hash[:16]}…), the chain ends at #{last}",
                seq=last + 1,
            )
        )
    return breaks, notes


__all__ = ["Head", "check", "create_key", "load", "parse", "sign", "sign_last"]
