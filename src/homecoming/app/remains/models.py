"""Remains: intake batches, remains units, their links and states, custody, examinations, samples, effects.

References are check-digited (``docs/formats/reference-numbers.md``). State changes, links and custody
events are insert-only rows (database triggers); a wrong custody event is superseded, never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.app.remains.choices import (
    APPARENT_SEX,
    COMPLETENESS,
    CONDITIONS,
    REMAINS_STATES,
    UNIT_KINDS,
    BatchSource,
    CustodyObject,
    Disposition,
    EffectKind,
    LinkKind,
    ParentLink,
    SampleKind,
    Transport,
)

USER = settings.AUTH_USER_MODEL


class IntakeBatch(models.Model):
    """Remains received together: from an operation (handover) or a recovery."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    operation = models.ForeignKey(
        "exchanges.Operation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_batches",
        verbose_name=_("operation"),
    )
    source = models.CharField(
        _("source"), max_length=12, choices=BatchSource.choices, default=BatchSource.operation
    )
    transport = models.CharField(
        _("transport"), max_length=10, choices=Transport.choices, default=Transport.convoy
    )
    vehicles = models.PositiveSmallIntegerField(_("vehicles or wagons"), null=True, blank=True)
    containers_declared = models.PositiveIntegerField(
        _("containers declared by the sender"), null=True, blank=True
    )
    containers_counted = models.PositiveIntegerField(
        _("containers counted on receipt"), null=True, blank=True
    )
    receiving_facility = models.CharField(_("receiving facility"), max_length=200)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    handed_over_by = models.CharField(_("handed over by (name, organisation)"), max_length=200, blank=True)
    received_by = models.CharField(_("received by (name)"), max_length=200, blank=True)
    signature_hash = models.CharField(max_length=64, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("intake batch")
        verbose_name_plural = _("intake batches")

    def __str__(self) -> str:
        return self.reference


class RemainsUnit(models.Model):
    """A body, a body part, a bag or a commingled bag, with a unique check-digited reference."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    batch = models.ForeignKey(IntakeBatch, on_delete=models.PROTECT, related_name="units")
    bag_number = models.CharField(_("bag number (label)"), max_length=64)
    kind = models.CharField(_("kind"), max_length=24, choices=UNIT_KINDS)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    parent_link = models.CharField(max_length=16, choices=ParentLink.choices, blank=True)
    sender_reference = models.CharField(_("sender's reference"), max_length=64, blank=True)
    condition = models.CharField(_("condition"), max_length=16, choices=CONDITIONS, default="unknown")
    completeness = models.CharField(_("completeness"), max_length=16, choices=COMPLETENESS, default="unknown")
    apparent_sex = models.CharField(
        _("apparent sex"), max_length=16, choices=APPARENT_SEX, default="undetermined"
    )
    age_min = models.PositiveSmallIntegerField(_("apparent age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("apparent age to"), null=True, blank=True)
    date_of_death = models.CharField(_("date of death"), max_length=10, blank=True)
    date_of_recovery = models.CharField(_("date of recovery"), max_length=10, blank=True)
    place = models.CharField(_("place of death or recovery"), max_length=200, blank=True)
    recovery_latitude = models.DecimalField(
        _("latitude of recovery"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    recovery_longitude = models.DecimalField(
        _("longitude of recovery"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(
        _("state"), max_length=32, choices=REMAINS_STATES, default="received", db_index=True, editable=False
    )
    grave = models.CharField(_("grave"), max_length=300, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["batch", "bag_number"]
        verbose_name = _("remains unit")
        constraints = [
            models.UniqueConstraint(fields=["batch", "bag_number"], name="remains_bag_unique_in_batch")
        ]
        permissions = [("view_examination_details", "Can view post-mortem examination details")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.bag_number})"


class UnitTransition(models.Model):
    """One change of a unit's state. Insert-only."""

    unit = models.ForeignKey(RemainsUnit, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    grave = models.CharField(max_length=300, blank=True)

    @property
    def from_label(self) -> str:
        """The state it left, as the pages name it."""
        return str(dict(REMAINS_STATES).get(self.from_state, self.from_state))

    @property
    def to_label(self) -> str:
        """The state it entered, as the pages name it."""
        return str(dict(REMAINS_STATES).get(self.to_state, self.to_state))

    @property
    def reason_shown(self) -> str:
        """The reason in the reader's language when the system wrote it (``received in IB-…``)."""
        from homecoming.app.remains.system_text import shown

        return shown(self.reason)

    class Meta:
        ordering = ["at", "id"]


class UnitLink(models.Model):
    """Two units are the same individual, or were commingled. Insert-only (a wrong link is retracted)."""

    unit = models.ForeignKey(RemainsUnit, on_delete=models.PROTECT, related_name="links_from")
    other = models.ForeignKey(RemainsUnit, on_delete=models.PROTECT, related_name="links_to")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    retracts = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]


class Examination(models.Model):
    """A post-mortem examination, in the sections of the INTERPOL DVI post-mortem form."""

    unit = models.ForeignKey(RemainsUnit, on_delete=models.PROTECT, related_name="examinations")
    examiner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    examined_at = models.DateTimeField(_("examined at"), default=timezone.now)
    place = models.CharField(_("place of examination"), max_length=200, blank=True)
    external = models.TextField(_("external examination"), blank=True)
    sex = models.CharField(
        _("sex (anthropology)"), max_length=16, choices=APPARENT_SEX, default="undetermined"
    )
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    stature_cm = models.PositiveSmallIntegerField(_("stature (cm)"), null=True, blank=True)
    anthropology_notes = models.TextField(_("anthropology notes"), blank=True)
    dental = models.JSONField(_("odontology (FDI tooth: finding)"), default=dict, blank=True)
    fingerprints_taken = models.BooleanField(_("fingerprints taken"), default=False)
    marks = models.TextField(_("marks, scars and tattoos"), blank=True)
    clothing = models.TextField(_("clothing"), blank=True)
    cause_of_death = models.TextField(_("cause of death"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-examined_at", "-id"]
        verbose_name = _("examination")


class Sample(models.Model):
    """A sample taken from a unit for DNA analysis; it has its own custody chain."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    unit = models.ForeignKey(RemainsUnit, on_delete=models.PROTECT, related_name="samples")
    examination = models.ForeignKey(
        Examination, null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SampleKind.choices)
    description = models.CharField(_("description (bone, tooth FDI number)"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    taken_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reference"]
        verbose_name = _("sample")

    def __str__(self) -> str:
        return self.reference


class PersonalEffect(models.Model):
    """Effects and documents found with remains (GC I Art. 16, GC III Art. 122), in a sealed packet."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    unit = models.ForeignKey(RemainsUnit, on_delete=models.PROTECT, related_name="effects")
    kind = models.CharField(_("kind"), max_length=30, choices=EffectKind.choices)
    description = models.TextField(_("description"))
    packet_number = models.CharField(_("sealed packet number"), max_length=64, blank=True)
    disposition = models.CharField(
        _("disposition"), max_length=30, choices=Disposition.choices, default=Disposition.held
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("personal effect")

    def __str__(self) -> str:
        return self.reference


class EffectPhoto(models.Model):
    """A photograph of an effect; served only through an access-checked view."""

    effect = models.ForeignKey(PersonalEffect, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(upload_to="effects/%Y/%m/")
    content_type = models.CharField(max_length=50)
    uploaded = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")


class CustodyEvent(models.Model):
    """One handover or move of a unit, sample or effect. Insert-only; a wrong event is superseded."""

    object_kind = models.CharField(max_length=8, choices=CustodyObject.choices)
    unit = models.ForeignKey(
        RemainsUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="custody_events"
    )
    sample = models.ForeignKey(
        Sample, null=True, blank=True, on_delete=models.PROTECT, related_name="custody_events"
    )
    effect = models.ForeignKey(
        PersonalEffect, null=True, blank=True, on_delete=models.PROTECT, related_name="custody_events"
    )
    at = models.DateTimeField(_("time"))
    from_custodian = models.CharField(_("from (custodian)"), max_length=200)
    to_custodian = models.CharField(_("to (custodian)"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    storage_unit = models.CharField(_("storage unit"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    seal_before = models.CharField(_("seal found"), max_length=64, blank=True)
    seal_after = models.CharField(_("seal applied"), max_length=64, blank=True)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    from_signer = models.CharField(_("signed by (handing over)"), max_length=200)
    to_signer = models.CharField(_("signed by (receiving)"), max_length=200)
    signature_hash = models.CharField(max_length=64, editable=False)
    accession_number = models.CharField(_("accession number (laboratory)"), max_length=64, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    supersede_reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    @property
    def purpose_shown(self) -> str:
        """The purpose in the reader's language when the system wrote it (``intake IB-…``)."""
        from homecoming.app.remains.system_text import shown

        return shown(self.purpose)

    @property
    def condition_shown(self) -> str:
        """The condition in the reader's language when it is one of the intake codes (``unknown``)."""
        from homecoming.app.remains.system_text import shown

        return shown(self.condition)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(object_kind="unit", unit__isnull=False, sample__isnull=True, effect__isnull=True)
                    | Q(object_kind="sample", unit__isnull=True, sample__isnull=False, effect__isnull=True)
                    | Q(object_kind="effect", unit__isnull=True, sample__isnull=True, effect__isnull=False)
                ),
                name="custody_one_object",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "at"], name="custody_unit_at"),
            models.Index(fields=["sample", "at"], name="custody_sample_at"),
            models.Index(fields=["effect", "at"], name="custody_effect_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.from_custodian} → {self.to_custodian}"


from homecoming.app.remains.models_handover import *  # noqa: E402, F403
