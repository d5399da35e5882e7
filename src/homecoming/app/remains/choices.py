"""Choices of the remains app, built from the pure rules and the published intake vocabulary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from homecoming.domain.remains_states import LABELS, RemainsState
from homecoming.io.intake import ApparentSex, Completeness, Condition, UnitKind

REMAINS_STATES = [(s.value, _(LABELS[s])) for s in RemainsState]  # msgids listed in i18n_labels.py

_KIND_LABELS = {
    UnitKind.body: _("body"),
    UnitKind.body_part: _("body part"),
    UnitKind.container: _("container (bag)"),
    UnitKind.commingled_container: _("commingled container"),
}
UNIT_KINDS = [(k.value, _KIND_LABELS[k]) for k in UnitKind]
_CONDITION_LABELS = {
    Condition.fresh: _("fresh"),
    Condition.decomposed: _("decomposed"),
    Condition.skeletonised: _("skeletonised"),
    Condition.burnt: _("burnt"),
    Condition.fragmented: _("fragmented"),
    Condition.unknown: _("unknown"),
}
_COMPLETENESS_LABELS = {
    Completeness.complete: _("complete"),
    Completeness.incomplete: _("incomplete"),
    Completeness.fragmentary: _("fragmentary"),
    Completeness.unknown: _("unknown"),
}
_SEX_LABELS = {
    ApparentSex.male: _("male"),
    ApparentSex.female: _("female"),
    ApparentSex.undetermined: _("undetermined"),
}
CONDITIONS = [(c.value, _CONDITION_LABELS[c]) for c in Condition]
COMPLETENESS = [(c.value, _COMPLETENESS_LABELS[c]) for c in Completeness]
APPARENT_SEX = [(s.value, _SEX_LABELS[s]) for s in ApparentSex]


class BatchSource(models.TextChoices):
    operation = "operation", _("handed over in an operation")
    recovery = "recovery", _("recovered (search, exhumation)")


class Transport(models.TextChoices):
    convoy = "convoy", _("convoy (vehicles)")
    train = "train", _("refrigerated train")
    other = "other", _("other")


class LinkKind(models.TextChoices):
    same_individual = "same_individual", _("same individual as")
    commingled_with = "commingled_with", _("commingled with")


class ParentLink(models.TextChoices):
    part_of = "part_of", _("part of")
    from_container = "from_container", _("from container")


class SampleKind(models.TextChoices):
    bone = "bone", _("bone")
    tooth = "tooth", _("tooth")
    tissue = "tissue", _("tissue")
    other = "other", _("other")


class EffectKind(models.TextChoices):
    identity_disc_half = "identity_disc_half", _("identity disc (half)")
    identity_document = "identity_document", _("identity document")
    document = "document", _("other document")
    personal_item = "personal_item", _("personal item")


class Disposition(models.TextChoices):
    held = "held", _("held in the sealed packet")
    with_remains = "with_remains", _("kept with the remains")
    returned_to_family = "returned_to_family", _("returned to the family")
    sent_to_other_party = "sent_to_other_party", _("sent to the other party (via the intermediary)")
    sent_to_information_bureau = "sent_to_information_bureau", _("sent to the National Information Bureau")


class CustodyObject(models.TextChoices):
    unit = "unit", _("remains unit")
    sample = "sample", _("sample")
    effect = "effect", _("personal effect")
