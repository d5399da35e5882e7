"""Choices of the captivity app (GC III terms)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    capture = "capture", _("capture")
    registration = "registration", _("registration")
    transfer = "transfer", _("transfer")
    hospital_admission = "hospital_admission", _("hospital admission")
    hospital_discharge = "hospital_discharge", _("hospital discharge")
    escape = "escape", _("escape")
    release = "release", _("release")
    repatriation = "repatriation", _("repatriation")
    death = "death", _("death")


class HealthOnCard(models.TextChoices):
    """Item 11 of the Annex IV B capture card."""

    good = "good", _("good health")
    not_wounded = "not_wounded", _("not wounded")
    recovered = "recovered", _("recovered")
    convalescent = "convalescent", _("convalescent")
    sick = "sick", _("sick")
    slightly_wounded = "slightly_wounded", _("slightly wounded")
    seriously_wounded = "seriously_wounded", _("seriously wounded")


class Recipient(models.TextChoices):
    family = "family", _("family")
    central_tracing_agency = "central_tracing_agency", _("Central Tracing Agency (ICRC)")


class Art110Category(models.TextChoices):
    incurable = "110_1_1", _("Art. 110(1)(1): incurably wounded or sick, fitness gravely diminished")
    not_recovering = "110_1_2", _("Art. 110(1)(2): not likely to recover within one year")
    permanently_diminished = (
        "110_1_3",
        _("Art. 110(1)(3): recovered, fitness gravely and permanently diminished"),
    )
    neutral_accommodation = "110_2", _("Art. 110(2): accommodation in a neutral country")


class Finding(models.TextChoices):
    pending = "pending", _("pending")
    eligible = "eligible", _("eligible")
    not_eligible = "not_eligible", _("not eligible")


class Consent(models.TextChoices):
    not_asked = "not_asked", _("not asked")
    given = "given", _("given")
    refused = "refused", _("refused")


class HealthCondition(models.TextChoices):
    serious = "serious", _("seriously ill or wounded")
    improving = "improving", _("improving")
    stable = "stable", _("stable, no longer serious")
    deceased = "deceased", _("deceased")
