"""Screening runs of a batch, cached family tables, candidates, body conclusions.

* A :class:`ScreeningRun` is one "screen this batch against every family in scope" (a background job of
  ``homecoming worker``): its parameters, where it is (``stage``, ``done`` of ``total``), and when it ends
  its provenance (software version, inputs' digests, frequency table, loci, θ) and the joint
  identification's summary (components, undisputed matches, notes).
* Its results — every :class:`ScreeningCandidate` (a body's shortlisted missing persons with the exact
  LR, inconsistent markers, undisputed or not, the posterior pairing probability) and every body's
  :class:`BodyConclusion` — are written in ONE transaction when the run ends (a killed worker leaves
  none; the run is run again), and never changed afterwards.
* A :class:`FamilyTableRow` is the cached screening table of one missing person of one family, keyed by
  the family's digest (pedigree and profiles), the reconciled loci (frequency table, alleles, mutation
  models) and θ: only families that changed since are rebuilt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["BodyConclusion", "FamilyTableRow", "RunStatus", "ScreeningCandidate", "ScreeningRun"]

USER = settings.AUTH_USER_MODEL


class RunStatus(models.TextChoices):
    queued = "queued", _("queued")
    running = "running", _("running")
    done = "done", _("done")
    failed = "failed", _("failed")


class ScreeningRun(models.Model):
    """A batch screened against the families of one consent scope, then identified jointly."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    batch = models.ForeignKey(
        "remains.IntakeBatch",
        on_delete=models.PROTECT,
        related_name="screening_runs",
        verbose_name=_("batch"),
    )
    scope = models.CharField(_("consent scope"), max_length=12)
    parameters = models.JSONField(default=dict, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.queued, db_index=True
    )
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    stage = models.CharField(_("stage"), max_length=40, blank=True, editable=False)
    done = models.PositiveIntegerField(default=0, editable=False)
    total = models.PositiveIntegerField(default=0, editable=False)
    worker = models.CharField(max_length=64, blank=True, editable=False)
    heartbeat = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True, editable=False)
    provenance = models.JSONField(default=dict, editable=False)
    summary = models.JSONField(default=dict, editable=False)
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("screening run")

    def __str__(self) -> str:
        return self.reference


class FamilyTableRow(models.Model):
    """The cached screening table (log LR per genotype column) of one missing person of one family."""

    key = models.CharField(max_length=64, unique=True)
    family = models.ForeignKey(
        "genetics.ReferenceFamily", on_delete=models.CASCADE, related_name="+", db_constraint=True
    )
    target = models.CharField(max_length=60)
    family_digest = models.CharField(max_length=64)
    loci_digest = models.CharField(max_length=64, db_index=True)
    theta = models.FloatField(default=0.0)
    log_lr = models.BinaryField()
    consistent = models.BinaryField(null=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cached family table")


class ScreeningCandidate(models.Model):
    """One body's shortlisted missing person, with the evidence (written with the run's results)."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="candidates")
    profile = models.ForeignKey("genetics.Profile", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("remains.RemainsUnit", on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey("genetics.ReferenceFamily", on_delete=models.PROTECT, related_name="+")
    missing = models.ForeignKey("genetics.FamilyMember", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    lr = models.FloatField(_("LR"))
    log10_lr = models.FloatField(_("log10 LR"))
    exclusions = models.PositiveSmallIntegerField(_("inconsistent markers"))
    markers = models.PositiveSmallIntegerField(_("markers compared"))
    undisputed = models.BooleanField(_("undisputed"), default=False)
    pairing_probability = models.FloatField(_("posterior pairing probability"), null=True)
    log10_glr = models.FloatField(_("log10 generalised LR"), null=True)
    evidence = models.JSONField(_("non-DNA evidence"), default=dict)
    prior = models.FloatField(_("prior"), null=True)
    posterior = models.FloatField(_("posterior"), null=True)

    class Meta:
        ordering = ["run", "profile", "rank"]
        verbose_name = _("screening candidate")
        constraints = [
            models.UniqueConstraint(fields=["run", "profile", "missing"], name="screening_candidate_pair")
        ]


class BodyConclusion(models.Model):
    """What the run concludes about one body (a group of units that are one person)."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="conclusions")
    profile = models.ForeignKey("genetics.Profile", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("remains.RemainsUnit", on_delete=models.PROTECT, related_name="+")
    group = models.JSONField(_("units of this person"), default=list)
    conclusion = models.CharField(_("conclusion"), max_length=16)
    family = models.ForeignKey(
        "genetics.ReferenceFamily", null=True, on_delete=models.PROTECT, related_name="+"
    )
    missing = models.ForeignKey(
        "genetics.FamilyMember", null=True, on_delete=models.PROTECT, related_name="+"
    )
    lr = models.FloatField(_("LR"), null=True)
    log10_glr = models.FloatField(_("log10 generalised LR"), null=True)
    pairing_probability = models.FloatField(_("posterior pairing probability"), null=True)
    component = models.PositiveIntegerField(_("component"), null=True)
    method = models.CharField(_("method"), max_length=60, blank=True)
    rule = models.TextField(_("rule"), blank=True)

    class Meta:
        ordering = ["run", "unit__reference"]
        verbose_name = _("body conclusion")
        constraints = [models.UniqueConstraint(fields=["run", "profile"], name="body_conclusion_once")]
