"""The return of remains and personal effects to the family: the handover record and its inventory.

A :class:`FamilyHandover` is one signed handover (insert-only): who received (name, relation to the dead,
the identity document checked: type and number), when and where, the officer who handed over (signed by
re-entering their password), the digest of the whole record. Its :class:`HandoverItem` rows (insert-only)
are what was handed over: each remains unit, and each personal effect with its sealed packet and the
description copied from the effect's record. Recording it closes the custody chain of each unit and
effect with a last event "handed over to the family", moves each unit to ``released_to_family`` and
each effect to ``returned_to_family``, in one transaction (:mod:`homecoming.app.remains.handover`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

__all__ = ["FamilyHandover", "HandoverItem", "IdentityDocument"]


class IdentityDocument(models.TextChoices):
    passport = "passport", _("passport")
    id_card = "id_card", _("identity card")
    foreign_passport = "foreign_passport", _("passport for travel abroad")
    driving_licence = "driving_licence", _("driving licence")
    military_id = "military_id", _("military identity document")
    other = "other", _("other document")


class FamilyHandover(models.Model):
    """Remains and personal effects handed over to the family, signed by the officer. Insert-only."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("identified person")
    )
    report_reference = models.CharField(_("identification report"), max_length=24)
    receiver_name = models.CharField(_("received by (name)"), max_length=200)
    receiver_relation = models.CharField(_("relation to the dead"), max_length=100)
    id_document_type = models.CharField(
        _("identity document checked"), max_length=20, choices=IdentityDocument.choices
    )
    id_document_number = models.CharField(_("identity document number"), max_length=64)
    handed_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer"))
    officer_name = models.CharField(_("officer (name)"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    signature_hash = models.CharField(max_length=64, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-handed_at", "-id"]
        verbose_name = _("handover to the family")
        verbose_name_plural = _("handovers to the family")
        # the receiver's identity (name, relation, document, notes): family personal data
        permissions = [("view_handoverreceiver", "Can view who in the family received and their document")]

    def __str__(self) -> str:
        return self.reference


class HandoverItem(models.Model):
    """One thing handed over: a remains unit, or a personal effect (with its sealed packet). Insert-only."""

    handover = models.ForeignKey(FamilyHandover, on_delete=models.PROTECT, related_name="items")
    unit = models.OneToOneField(
        "remains.RemainsUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="handover_item"
    )
    effect = models.OneToOneField(
        "remains.PersonalEffect",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handover_item",
    )
    packet_number = models.CharField(_("sealed packet number"), max_length=64, blank=True)
    description = models.TextField(_("description"))
    custody_event = models.OneToOneField(
        "remains.CustodyEvent",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last custody event"),
    )

    class Meta:
        ordering = ["handover", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, effect__isnull=True)
                | Q(unit__isnull=True, effect__isnull=False),
                name="handover_item_one_object",
            )
        ]
