"""Choices of the genetics app; the lab vocabularies come from the pure reader (``kinship.formats.lab``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from homecoming.kinship.formats.lab import CATEGORIES, METHODS

_CATEGORY_LABELS = {
    "unidentified_person": _("unidentified person (remains)"),
    "missing_person": _("missing person (own sample)"),
    "mother": _("biological mother"),
    "father": _("biological father"),
    "sibling": _("biological sibling"),
    "child": _("biological child"),
    "maternal_relative": _("maternal relative"),
    "paternal_relative": _("paternal relative"),
    "spouse": _("spouse"),
    "staff": _("staff (elimination)"),
    "elimination_known": _("known elimination profile"),
    "reference": _("reference (relation not stated)"),
}
CATEGORY_CHOICES = [(c, _CATEGORY_LABELS[c]) for c in CATEGORIES]

_METHOD_LABELS = {
    "autosomal_str": _("autosomal STR"),
    "y_str": _("Y-STR"),
    "x_str": _("X-STR"),
    "snp": _("SNP panel"),
}
METHOD_CHOICES = [(m, _METHOD_LABELS[m]) for m in METHODS]


class LabFormat(models.TextChoices):
    cmf = "cmf", _("CODIS CMF 3.2 XML")
    table = "table", _("genotype table (GeneMapper, CSV/TSV/XLSX)")
    fam = "fam", _("Familias .fam")


class ProfileKind(models.TextChoices):
    post_mortem = "post_mortem", _("post-mortem (remains)")
    reference = "reference", _("reference (relative)")
    elimination = "elimination", _("elimination (staff, known contamination)")


class Relation(models.TextChoices):
    """How a member of a reference family is related to the member named as ``relative_to``."""

    missing = "missing", _("missing person")
    father = "father", _("father")
    mother = "mother", _("mother")
    full_sibling = "full_sibling", _("full sibling")
    paternal_half_sibling = "paternal_half_sibling", _("half sibling (same father)")
    maternal_half_sibling = "maternal_half_sibling", _("half sibling (same mother)")
    child = "child", _("child")
    spouse = "spouse", _("spouse or partner")
    paternal_grandfather = "paternal_grandfather", _("paternal grandfather")
    paternal_grandmother = "paternal_grandmother", _("paternal grandmother")
    maternal_grandfather = "maternal_grandfather", _("maternal grandfather")
    maternal_grandmother = "maternal_grandmother", _("maternal grandmother")
    paternal_uncle_aunt = "paternal_uncle_aunt", _("uncle or aunt (father's side)")
    maternal_uncle_aunt = "maternal_uncle_aunt", _("uncle or aunt (mother's side)")
    paternal_cousin = "paternal_cousin", _("first cousin (father's side)")
    maternal_cousin = "maternal_cousin", _("first cousin (mother's side)")
    connecting = "connecting", _("untyped connecting relative")


class MemberSex(models.TextChoices):
    male = "male", _("male")
    female = "female", _("female")
    unknown = "unknown", _("unknown")


class ReferenceSampleKind(models.TextChoices):
    buccal = "buccal", _("buccal swab")
    blood = "blood", _("blood (FTA card)")
    other = "other", _("other")


class ConsentScope(models.TextChoices):
    """What a family consents its reference profiles may be used for (each given and withdrawn apart)."""

    domestic = "domestic", _("domestic identification")
    icrc = "icrc", _("ICRC")
    icmp = "icmp", _("ICMP")
    interpol = "interpol", _("INTERPOL I-Familia")
    research = "research", _("research")


class ConsentAction(models.TextChoices):
    given = "given", _("given")
    withdrawn = "withdrawn", _("withdrawn")


class MinimumFrequencyRule(models.TextChoices):
    none = "none", _("none")
    five_over_2n = "five_over_2n", _("5/2N (NRC II)")
    fixed = "fixed", _("fixed value")


class ProposalDecision(models.TextChoices):
    confirmed = "confirmed", _("confirmed: same individual")
    rejected = "rejected", _("rejected")


#: labels of the locus and profile quality flags (``kinship.formats.lab.LOCUS_FLAGS`` / ``PROFILE_FLAGS``)
FLAG_LABELS = {
    "off_ladder": _("off-ladder allele (OL)"),
    "below_ladder": _("below the allelic ladder (<n)"),
    "above_ladder": _("above the allelic ladder (>n)"),
    "one_allele": _("one allele seen: possible drop-out"),
    "homozygote_written_once": _("homozygote written once"),
    "more_than_two": _("more than two alleles at the locus"),
    "no_frequencies": _("no allele frequencies for the locus"),
    "amelogenin_unread": _("amelogenin value neither X nor Y: sex not read from it"),
    "mixture": _("mixture"),
    "partial": _("partial profile"),
    "elimination_match": _("matches an elimination profile"),
    "duplicate": _("matches another post-mortem profile"),
}

#: labels of the kinds of disagreement between replicates (``replicates.consensus``)
CONFLICT_LABELS = {
    "dropout": _("drop-out: a replicate shows fewer alleles"),
    "disagree": _("replicates disagree: locus left out"),
    "excluded": _("replicate excluded from kinship"),
}
