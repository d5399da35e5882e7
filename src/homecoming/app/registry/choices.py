"""Choices of the registry, built from the pure rules in ``homecoming.domain``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from homecoming.domain.case_states import LABELS as CASE_LABELS
from homecoming.domain.case_states import CaseState


class Sex(models.TextChoices):
    male = "male", _("male")
    female = "female", _("female")
    unknown = "unknown", _("unknown")


class Script(models.TextChoices):
    cyrillic = "cyrillic", _("Cyrillic")
    latin = "latin", _("Latin")


class NameKind(models.TextChoices):
    registered = "registered", _("as registered")
    transliteration = "transliteration", _("transliteration")
    alias = "alias", _("alias")


LANGUAGES = [("uk", _("Ukrainian")), ("ru", _("Russian")), ("en", _("English")), ("other", _("other"))]

CASE_STATES = [(s.value, _(CASE_LABELS[s])) for s in CaseState]  # msgids listed in i18n_labels.py


class PersonStatusChoice(models.TextChoices):
    missing = "missing", _("missing")
    alive = "alive", _("alive")
    captive = "captive", _("captive")
    wounded_or_sick = "wounded_or_sick", _("wounded or sick")
    believed_dead = "believed_dead", _("believed dead")
    confirmed_dead = "confirmed_dead", _("confirmed dead")
    unknown = "unknown", _("unknown")


class SourceTypeChoice(models.TextChoices):
    family = "family", _("family")
    information_bureau_list = "information_bureau_list", _("information bureau list")
    icrc = "icrc", _("ICRC")
    other_party_list = "other_party_list", _("other party's list")
    open_source = "open_source", _("open source")
    returnee_testimony = "returnee_testimony", _("returnee testimony")
    forensic_report = "forensic_report", _("forensic report")
    court_decision = "court_decision", _("court decision")


class ReliabilityChoice(models.TextChoices):
    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class ReviewStateChoice(models.TextChoices):
    submitted = "submitted", _("submitted")
    accepted = "accepted", _("accepted")
    rejected = "rejected", _("rejected")
