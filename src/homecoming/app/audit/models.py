"""The audit trail: one hash-chained, insert-only record per change (and per view of sensitive data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    """One thing that happened. The database refuses UPDATE and DELETE on this table (triggers)."""

    seq = models.BigIntegerField(unique=True, help_text="position in the chain, 1, 2, 3, …")
    created = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=150, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit record")
        permissions = [("verify_chain", "Can verify the audit chain")]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class ImportedFile(models.Model):
    """One file imported whole: its SHA-256 and what it brought in, written in the import's transaction.

    The same bytes (whatever the file's name) are refused a second time unless the import is an
    explicit, reasoned re-import (``again``), which gets the next ``occurrence``. The unique
    (kind, sha256, occurrence) makes two imports of one file racing each other end with one of them
    refused. Insert-only (database triggers): a recorded import cannot be made to look undone.
    """

    kind = models.CharField(max_length=20, help_text="the importer: persons, intake or manifest")
    sha256 = models.CharField(max_length=64, db_index=True)
    rows_sha256 = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        db_index=True,
        help_text="SHA-256 of the rows as read (cleaned cells): the same list in other bytes",
    )
    occurrence = models.PositiveIntegerField(default=1, help_text="1 for the first import of these bytes")
    name = models.CharField(max_length=255, help_text="the file's name when imported")
    size = models.BigIntegerField(help_text="bytes")
    rows = models.IntegerField(help_text="rows (persons, units or lines) the file brought in")
    target = models.CharField(max_length=200, blank=True, help_text="where it went: batch, manifest")
    imported = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    imported_by_name = models.CharField(max_length=150, blank=True)
    again = models.TextField(blank=True, help_text="why these bytes were imported again (occurrence > 1)")
    audit_record = models.ForeignKey(AuditRecord, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["imported"]
        verbose_name = _("imported file")
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256", "occurrence"], name="audit_importedfile_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} sha256:{self.sha256[:12]}"


class AuditHead(models.Model):
    """A signed statement "the chain had record #seq with this hash" (Ed25519). Insert-only (triggers).

    The private key lives in a file outside the database (``HOMECOMING_AUDIT_SIGNING_KEY``); operators
    also keep the printed head elsewhere, so that deleting the end of the chain — and these rows — is
    still found by ``homecoming audit verify --head``.
    """

    seq = models.BigIntegerField(db_index=True)
    hash = models.CharField(max_length=64)
    created = models.DateTimeField()
    signature = models.CharField(max_length=128)
    public_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq", "id"]
        verbose_name = _("signed audit head")

    def __str__(self) -> str:
        return f"head #{self.seq} {self.created:%Y-%m-%d %H:%M}"


class SigningKey(models.Model):
    """An Ed25519 public key that signs lists: the organisation's own (``own``, its private key in a file
    under ``HOMECOMING_KEYS_DIR``) or another party's, trusted by name.

    Kept in the database, not in files, because trusting a key is a change like any other: each one added,
    retired or revoked is written by :mod:`homecoming.app.audit.keys` with its audit record in the same
    transaction, so who trusted which key when is in the hash chain. A retired key signs nothing new
    (bundles it signed before still verify); a revoked key's signatures are all refused.
    """

    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(max_length=64, unique=True, help_text="hex of the 32 raw bytes")
    key_id = models.CharField(max_length=16, unique=True)
    fingerprint = models.CharField(max_length=60)
    own = models.BooleanField(default=False, help_text="the organisation's own key (it can sign)")
    added = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="why it was retired or revoked")

    class Meta:
        ordering = ["added", "id"]
        verbose_name = _("signing key")

    def __str__(self) -> str:
        return f"{self.name} {self.key_id}"

    @property
    def state(self) -> str:
        return "revoked" if self.revoked else "retired" if self.retired else "active"
