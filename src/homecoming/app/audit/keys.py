"""The keys that sign lists: the organisation's own Ed25519 keys and the trusted public keys of others.

Private keys are files under ``HOMECOMING_KEYS_DIR`` (folder 0700, file 0600, PEM PKCS#8, encrypted with
``HOMECOMING_KEY_PASSPHRASE`` when it is set). Every public key — ours and those of the other parties —
is a :class:`~homecoming.app.audit.models.SigningKey` row, and every change of one (generated, trusted,
retired, revoked) is written here with its audit record in the same transaction: who came to trust
which key, and when, is in the audit chain like any other change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from homecoming.app.audit import services as audit
from homecoming.app.audit.models import SigningKey
from homecoming.errors import NotFound, StateError, ValidationError
from homecoming.io import bundles

_PEM_PUBLIC = re.compile(rb"-----BEGIN PUBLIC KEY-----")


def keys_dir() -> Path:
    return Path(str(getattr(settings, "KEYS_DIR", "") or Path(settings.DATA_DIR) / "keys"))


def passphrase_from_environment() -> str:
    return os.environ.get("HOMECOMING_KEY_PASSPHRASE", "")


def _public_hex(public: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def _snapshot(row: SigningKey) -> dict[str, Any]:
    return audit.snapshot(row)


def generate(*, actor: Any, passphrase: str = "", name: str = "") -> SigningKey:
    """A new organisation key: the private key written under ``keys_dir()``, the public key recorded.

    The organisation's key in use before (if any) is retired in the same transaction: what it signed
    before still verifies, it signs nothing more.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    public = _public_hex(key.public_key())
    kid = bundles.key_id(public)
    folder = keys_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    encryption: Any = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    path = folder / f"{kid}.key"
    now = timezone.now()
    with transaction.atomic():
        for old in SigningKey.objects.select_for_update().filter(own=True, retired=None, revoked=None):
            _set(actor, old, "retire", retired=now, reason=f"replaced by the new key {kid}")
        row = SigningKey.objects.create(
            name=name or settings.ORGANISATION,
            public_key=public,
            key_id=kid,
            fingerprint=bundles.fingerprint(public),
            own=True,
            added=now,
            added_by=audit.user_or_none(actor),
        )
        audit.record(
            actor=actor,
            action="generate_key",
            obj=row,
            after=_snapshot(row) | {"private_key_file": str(path), "encrypted": bool(passphrase)},
            reason="the organisation's key for signing lists",
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
    return row


def _public_from(data: bytes, source: str) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = data.strip()
    if re.fullmatch(rb"[0-9a-fA-F]{64}", text):
        return text.decode("ascii").lower()
    if _PEM_PUBLIC.search(text):
        try:
            public = serialization.load_pem_public_key(text)
        except ValueError as exc:
            raise ValidationError(
                f"key: {source} holds no readable public key ({exc})", field="key", value=source
            ) from None
        if isinstance(public, Ed25519PublicKey):
            return _public_hex(public)
    raise ValidationError(
        f"key: {source} is not an Ed25519 public key",
        field="key",
        value=source,
        hint="give the file `homecoming keys export` wrote (PEM), or the 64 hex digits of the key",
    )


def trust(*, actor: Any, name: str, data: bytes, source: str = "key", reason: str = "") -> SigningKey:
    """Trust another party's public key (PEM or 64 hex digits) under ``name``; audited."""
    if not name.strip():
        raise ValidationError(
            "name: a trusted key needs the name of its party",
            field="name",
            value=name,
            hint="e.g. 'ICRC CTA'",
        )
    public = _public_from(data, source)
    with transaction.atomic():
        known = SigningKey.objects.filter(public_key=public).first()
        if known is not None:
            raise StateError(
                f"key: {known.fingerprint} is already known as {known.name!r} ({known.state})",
                field="key",
                value=known.fingerprint,
                hint="`homecoming keys list` shows every key",
            )
        row = SigningKey.objects.create(
            name=name.strip(),
            public_key=public,
            key_id=bundles.key_id(public),
            fingerprint=bundles.fingerprint(public),
            own=False,
            added=timezone.now(),
            added_by=audit.user_or_none(actor),
        )
        audit.record(actor=actor, action="trust_key", obj=row, after=_snapshot(row), reason=reason)
    return row


def find(key_id: str) -> SigningKey:
    """The key whose id, fingerprint or public key is ``key_id``."""
    given = key_id.strip()
    row = (
        SigningKey.objects.filter(key_id=given.lower()).first()
        or SigningKey.objects.filter(fingerprint=given).first()
        or SigningKey.objects.filter(public_key=given.lower()).first()
    )
    if row is None:
        raise NotFound(
            f"no key {given!r}", field="key", value=given, hint="`homecoming keys list` shows the key ids"
        )
    return row


def _set(actor: Any, row: SigningKey, action: str, *, reason: str, **values: Any) -> SigningKey:
    before = _snapshot(row)
    for k, v in values.items():
        setattr(row, k, v)
    row.reason = reason
    row.save(update_fields=[*values, "reason"])
    audit.record(
        actor=actor, action=f"{action}_key", obj=row, before=before, after=_snapshot(row), reason=reason
    )
    return row


def retire(*, actor: Any, key_id: str, reason: str) -> SigningKey:
    """The key signs nothing more; bundles it signed before now still verify."""
    with transaction.atomic():
        row = SigningKey.objects.select_for_update().get(pk=find(key_id).pk)
        if row.retired or row.revoked:
            raise StateError(f"key {row.key_id} is already {row.state}", field="key", value=row.key_id)
        return _set(actor, row, "retire", retired=timezone.now(), reason=reason)


def revoke(*, actor: Any, key_id: str, reason: str) -> SigningKey:
    """Nothing the key signed is accepted any more (lost or stolen key)."""
    if not reason.strip():
        raise ValidationError(
            "reason: say why the key is revoked", field="reason", value=reason, hint="e.g. 'laptop stolen'"
        )
    with transaction.atomic():
        row = SigningKey.objects.select_for_update().get(pk=find(key_id).pk)
        if row.revoked:
            raise StateError(f"key {row.key_id} is already revoked", field="key", value=row.key_id)
        return _set(actor, row, "revoke", revoked=timezone.now(), reason=reason)


def trusted() -> dict[str, bundles.TrustedKey]:
    """Every known key (own and others', active, retired or revoked) for :func:`bundles.read_bundle`."""
    return {
        k.public_key: bundles.TrustedKey(k.public_key, k.name, retired=k.retired, revoked=k.revoked)
        for k in SigningKey.objects.all()
    }


def public_pem(row: SigningKey) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(row.public_key))
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def current() -> SigningKey:
    """The organisation's key in use (the newest own key neither retired nor revoked)."""
    row = SigningKey.objects.filter(own=True, retired=None, revoked=None).order_by("-added", "-id").first()
    if row is None:
        raise ValidationError(
            "key: the organisation has no key to sign with",
            field="key",
            value="",
            hint="create one with `homecoming keys generate`",
        )
    return row


def private_key(row: SigningKey, passphrase: str = "") -> Any:
    """The private key of our own key ``row``, read from ``keys_dir()``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = keys_dir() / f"{row.key_id}.key"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"HOMECOMING_KEYS_DIR: cannot read the private key {path} ({exc.strerror})",
            field="HOMECOMING_KEYS_DIR",
            value=str(path),
            hint="point HOMECOMING_KEYS_DIR at the folder `homecoming keys generate` wrote to",
        ) from None
    encrypted = b"ENCRYPTED" in data
    try:
        key = serialization.load_pem_private_key(
            data, password=passphrase.encode("utf-8") if encrypted and passphrase else None
        )
    except (ValueError, TypeError):
        raise ValidationError(
            f"HOMECOMING_KEY_PASSPHRASE: the private key {path} "
            + (
                "is encrypted; no passphrase was given"
                if encrypted and not passphrase
                else "cannot be opened"
            ),
            field="HOMECOMING_KEY_PASSPHRASE",
            value=str(path),
            hint="set HOMECOMING_KEY_PASSPHRASE to the passphrase the key was generated with",
        ) from None
    if not isinstance(key, Ed25519PrivateKey) or _public_hex(key.public_key()) != row.public_key:
        raise ValidationError(
            f"HOMECOMING_KEYS_DIR: {path} is not the private key of {row.key_id}",
            field="HOMECOMING_KEYS_DIR",
            value=str(path),
        )
    return key


def is_encrypted(row: SigningKey) -> bool:
    try:
        return b"ENCRYPTED" in (keys_dir() / f"{row.key_id}.key").read_bytes()
    except OSError:
        return False


__all__ = [
    "current",
    "find",
    "generate",
    "is_encrypted",
    "keys_dir",
    "private_key",
    "public_pem",
    "retire",
    "revoke",
    "trust",
    "trusted",
]
