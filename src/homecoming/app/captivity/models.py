"""Captivity records as the Third Geneva Convention requires: detention, cards, health, repatriation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.app.captivity.choices import (
    Art110Category,
    Consent,
    EventKind,
    Finding,
    HealthCondition,
    HealthOnCard,
    Recipient,
)
from homecoming.app.registry.models import Person

USER = settings.AUTH_USER_MODEL


#: what each detention status (written by ``services._FINAL_STATUS``) is called on the pages
DETENTION_STATUS_LABELS = {
    "detained": _("detained"),
    "in hospital": _("in hospital"),
    "released": _("released"),
    "repatriated": _("repatriated"),
    "escaped": _("escaped"),
    "died in captivity": _("died in captivity"),
}


class DetentionRecord(models.Model):
    """A person held by a detaining power."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="detentions")
    detaining_power = models.CharField(_("detaining power"), max_length=50)
    capture_date = models.DateField(_("capture date"))
    capture_place = models.CharField(_("place of capture"), max_length=200, blank=True)
    capture_circumstances = models.TextField(_("circumstances of capture"), blank=True)
    internment_number = models.CharField(_("internment number"), max_length=50, blank=True, db_index=True)
    current_place = models.CharField(_("current place of detention"), max_length=200, blank=True)
    seriously_ill = models.BooleanField(_("seriously ill or wounded"), default=False)
    status = models.CharField(max_length=30, default="detained", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-capture_date", "-id"]
        verbose_name = _("detention record")
        permissions = [("view_health", "Can view health information of detainees")]

    def __str__(self) -> str:
        return f"{self.person.reference} held by {self.detaining_power} since {self.capture_date}"

    @property
    def status_label(self) -> str:
        """The status as the pages name it, in the active language (``status`` keeps the code)."""
        return str(DETENTION_STATUS_LABELS.get(self.status, self.status))


class DetentionEvent(models.Model):
    """One event of a detention. Insert-only."""

    record = models.ForeignKey(DetentionRecord, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    details = models.TextField(_("details"), blank=True)
    recorded = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "id"]


class CaptureCard(models.Model):
    """The capture card of GC III Annex IV B (Art. 70), written by or for the prisoner."""

    record = models.ForeignKey(DetentionRecord, on_delete=models.PROTECT, related_name="cards")
    power = models.CharField(_("Power on which the prisoner depends"), max_length=50)
    family_name = models.CharField(_("name"), max_length=100)
    first_names = models.CharField(_("first names (in full)"), max_length=200)
    father_first_name = models.CharField(_("first name of father"), max_length=100, blank=True)
    date_of_birth = models.CharField(_("date of birth"), max_length=10, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=100, blank=True)
    service_number = models.CharField(_("service number"), max_length=50, blank=True)
    family_address = models.TextField(_("address of family"), blank=True)
    taken_prisoner_on = models.DateField(_("taken prisoner on"), null=True, blank=True)
    coming_from = models.CharField(_("or coming from (camp, hospital)"), max_length=200, blank=True)
    health = models.CharField(_("state of health"), max_length=20, choices=HealthOnCard.choices, blank=True)
    present_address = models.CharField(
        _("present address (prisoner number, camp)"), max_length=200, blank=True
    )
    card_date = models.DateField(_("date"), default=timezone.localdate)
    second_language = models.CharField(max_length=8, default="uk")
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-card_date", "-id"]
        verbose_name = _("capture card")


class CardDispatch(models.Model):
    """A capture card sent to the family or to the Central Tracing Agency (Art. 70: within one week)."""

    card = models.ForeignKey(CaptureCard, on_delete=models.PROTECT, related_name="dispatches")
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    sent_on = models.DateField()
    method = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sent_on", "id"]


class HealthReport(models.Model):
    """A report on a seriously ill or wounded prisoner; due every week while serious. Sensitive."""

    record = models.ForeignKey(DetentionRecord, on_delete=models.PROTECT, related_name="health_reports")
    date = models.DateField(_("date"))
    condition = models.CharField(_("condition"), max_length=20, choices=HealthCondition.choices)
    report = models.TextField(_("report"))
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "-id"]


class RepatriationEligibility(models.Model):
    """Direct repatriation under Art. 110: category, medical commission finding, the prisoner's consent."""

    record = models.ForeignKey(DetentionRecord, on_delete=models.PROTECT, related_name="eligibility")
    category = models.CharField(_("Art. 110 category"), max_length=10, choices=Art110Category.choices)
    commission_date = models.DateField(_("medical commission date"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, default=Finding.pending)
    consent = models.CharField(
        _("prisoner's consent"), max_length=20, choices=Consent.choices, default=Consent.not_asked
    )
    notes = models.TextField(_("notes"), blank=True)
    decided = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-decided", "-id"]
