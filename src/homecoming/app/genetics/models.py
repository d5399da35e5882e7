"""Genetics: lab files and the DNA profiles they bring, reference families with consent, frequency tables.

* A :class:`LabFile` is one file a laboratory sent (CMF, genotype table, ``.fam``), imported whole or not
  at all; each :class:`Profile` it brought names its file and line. A profile lands on a post-mortem
  :class:`~homecoming.app.remains.models.Sample`, on a relative's :class:`ReferenceSample`, or is an
  elimination profile (staff, known contamination). Profiles are insert-only: a new analysis is a new
  profile (replicate), and a consensus of replicates is its own profile naming them.
* A :class:`ReferenceFamily` gathers the relatives of one or more missing persons of the registry as
  :class:`FamilyMember` rows (a pedigree: father and mother links), their :class:`ReferenceSample`\\ s,
  and the family's consent as insert-only :class:`ConsentEvent` rows per scope.
* A :class:`FrequencyTable` is a versioned allele-frequency table (population, source, sample size,
  minimum-frequency rule, SHA-256); the one in force is the last :class:`FrequencyTableActivation`.
* At import, post-mortem profiles are compared with elimination profiles (:class:`EliminationMatch`) and
  with each other (:class:`ReassociationProposal`, confirmed or rejected by an examiner as
  :class:`ProposalDecision` rows, a confirmation writing a ``remains.UnitLink``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.app.genetics.choices import (
    CATEGORY_CHOICES,
    METHOD_CHOICES,
    ConsentAction,
    ConsentScope,
    LabFormat,
    MemberSex,
    MinimumFrequencyRule,
    ProfileKind,
    ReferenceSampleKind,
    Relation,
)
from homecoming.app.genetics.choices import ProposalDecision as Decision

USER = settings.AUTH_USER_MODEL


class FrequencyTable(models.Model):
    """A versioned allele-frequency table; ``markers`` is ``{marker: {allele: frequency}}``."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    population = models.CharField(_("population"), max_length=200)
    source = models.CharField(_("source (publication or laboratory)"), max_length=500)
    sample_size = models.PositiveIntegerField(_("sample size (persons)"), null=True, blank=True)
    minimum_rule = models.CharField(
        _("minimum frequency rule"),
        max_length=16,
        choices=MinimumFrequencyRule.choices,
        default=MinimumFrequencyRule.five_over_2n,
    )
    minimum_frequency = models.FloatField(_("minimum frequency"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_layout = models.CharField(_("file layout"), max_length=20, blank=True)
    markers = models.JSONField(default=dict, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    imported_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("frequency table")

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class FrequencyTableActivation(models.Model):
    """The table put in force from this moment (insert-only; the last one is the table in force)."""

    table = models.ForeignKey(FrequencyTable, on_delete=models.PROTECT, related_name="activations")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class LabFile(models.Model):
    """One file a laboratory sent, imported whole (every profile) or not at all."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=LabFormat.choices)
    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    source_lab = models.CharField(_("laboratory"), max_length=200, blank=True)
    batch = models.ForeignKey(
        "remains.IntakeBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="lab_files"
    )
    profile_count = models.PositiveIntegerField(default=0, editable=False)
    notes = models.JSONField(default=list, blank=True, editable=False)
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    imported_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("laboratory file")

    def __str__(self) -> str:
        return f"{self.reference} {self.file_name}"


class ReferenceFamily(models.Model):
    """The relatives of one or more missing persons who gave (or may give) reference samples."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reference"]
        verbose_name = _("reference family")
        verbose_name_plural = _("reference families")

    def __str__(self) -> str:
        return self.reference


class FamilyMember(models.Model):
    """A person of a reference family's pedigree: the missing person, a donor or an untyped connection."""

    family = models.ForeignKey(ReferenceFamily, on_delete=models.PROTECT, related_name="members")
    code = models.CharField(_("code in the pedigree"), max_length=24)
    relation = models.CharField(_("relation"), max_length=24, choices=Relation.choices)
    relative_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("relative of"),
    )
    sex = models.CharField(_("sex"), max_length=8, choices=MemberSex.choices, default=MemberSex.unknown)
    father = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mother = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="family_members"
    )
    display_name = models.CharField(_("name (as the family gives it)"), max_length=200, blank=True)
    removed = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["family", "id"]
        verbose_name = _("family member")
        constraints = [models.UniqueConstraint(fields=["family", "code"], name="family_member_code")]

    def __str__(self) -> str:
        return f"{self.family_id}:{self.code}"

    @property
    def is_missing(self) -> bool:
        return self.relation == Relation.missing


class ReferenceSample(models.Model):
    """A reference sample a relative gave; ``lab_reference`` is the id the laboratory uses for it."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="samples")
    kind = models.CharField(
        _("kind"), max_length=10, choices=ReferenceSampleKind.choices, default=ReferenceSampleKind.buccal
    )
    lab_reference = models.CharField(_("laboratory's sample reference"), max_length=64, unique=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    taken_by = models.CharField(_("taken by"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reference"]
        verbose_name = _("reference sample")

    def __str__(self) -> str:
        return self.reference


class ConsentEvent(models.Model):
    """Consent given or withdrawn for one scope (insert-only; the family's consent is the last per scope)."""

    family = models.ForeignKey(ReferenceFamily, on_delete=models.PROTECT, related_name="consent_events")
    scope = models.CharField(_("scope"), max_length=12, choices=ConsentScope.choices)
    action = models.CharField(_("action"), max_length=10, choices=ConsentAction.choices)
    on = models.DateField(_("date"))
    given_by = models.ForeignKey(
        FamilyMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given or withdrawn by (family member)"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("consent event")


class Profile(models.Model):
    """One DNA profile as the laboratory reported it (insert-only).

    ``loci`` is a list of ``{"locus", "written_name", "written", "used", "flags", "kit", "batch"}`` (the
    shape of ``kinship.formats.lab.LabLocus``): alleles as written and as used. A profile with
    ``excluded_reason`` (a mixture) is stored and shown but never used for kinship.
    """

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ProfileKind.choices)
    sample = models.ForeignKey(
        "remains.Sample", null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    reference_sample = models.ForeignKey(
        ReferenceSample, null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    specimen = models.CharField(_("specimen id (laboratory)"), max_length=64, db_index=True)
    category = models.CharField(_("category"), max_length=24, choices=CATEGORY_CHOICES)
    category_written = models.CharField(max_length=64, blank=True)
    kit = models.CharField(_("kit"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=16, choices=METHOD_CHOICES)
    replicate = models.PositiveSmallIntegerField(_("replicate"), default=1)
    loci = models.JSONField(default=list)
    locus_count = models.PositiveSmallIntegerField(_("loci"), default=0)
    flags = models.JSONField(default=list, blank=True)
    excluded_reason = models.TextField(_("excluded from kinship because"), blank=True)
    consensus_of = models.JSONField(default=list, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    source_lab = models.CharField(_("laboratory"), max_length=200, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    lab_file = models.ForeignKey(
        LabFile, null=True, blank=True, on_delete=models.PROTECT, related_name="profiles"
    )
    line = models.PositiveIntegerField(_("line in the file"), null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reference"]
        verbose_name = _("DNA profile")
        permissions = [("view_genotype", "Can view genotypes (alleles)")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="post_mortem", sample__isnull=False, reference_sample__isnull=True)
                    | Q(kind="reference", sample__isnull=True, reference_sample__isnull=False)
                    | Q(kind="elimination", sample__isnull=True, reference_sample__isnull=True)
                ),
                name="profile_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def usable(self) -> bool:
        return not self.excluded_reason


class EliminationMatch(models.Model):
    """A post-mortem profile that matches an elimination profile (insert-only)."""

    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="elimination_matches")
    elimination = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    compared_loci = models.PositiveSmallIntegerField()
    mismatched_loci = models.PositiveSmallIntegerField(default=0)
    log10_lr = models.FloatField(null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]


class ReassociationProposal(models.Model):
    """Two post-mortem profiles that match each other: maybe one person in two bags (insert-only)."""

    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="proposals_from")
    other = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="proposals_to")
    compared_loci = models.PositiveSmallIntegerField()
    mismatched_loci = models.PositiveSmallIntegerField(default=0)
    log10_lr = models.FloatField(null=True)
    frequency_table = models.ForeignKey(
        FrequencyTable, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["profile", "other"], name="reassociation_pair")]


class ProposalDecision(models.Model):
    """An examiner's decision on a re-association proposal (insert-only); confirmation links the units."""

    proposal = models.ForeignKey(ReassociationProposal, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    unit_link = models.ForeignKey(
        "remains.UnitLink", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
