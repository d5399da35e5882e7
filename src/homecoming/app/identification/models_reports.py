"""Comparison reports (IDEN / EQUL / FRAG), their evidence versions and transitions, families to notify.

* A :class:`ComparisonReport` is one proposed conclusion: a body is a missing person (IDEN), two
  post-mortem records are one person (EQUL), a body part belongs to a body (FRAG). It moves draft →
  proposed (analyst) → signed (a second person) → identified | excluded, or is returned with a reason
  (:mod:`homecoming.domain.report_states`); each move is a :class:`ReportTransition` row.
* Its evidence is an immutable :class:`ReportEvidence` version, computed from the stored inputs when the
  report is drafted or revised (DNA LR with its per-marker table, inconsistent markers, the family rule,
  non-DNA factors, prior and posterior, provenance). A revision is a new version; each transition names
  the version it was made on.
* A rule that fails (posterior, family rule, unexplained inconsistency) may be overridden only by a
  senior person with a written reason: a :class:`RuleOverride` row on that evidence version.
* A signed identification puts the missing person's family on the liaison's list
  (:class:`FamilyNotification`); the notification itself is a recorded procedure, its contacts in
  ``models_notifications``.

Likelihood ratios are stored as ``repr`` strings (``"inf"``, ``"nan"`` included) so that the stored
figure is the computed float exactly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.domain.report_states import Conclusion, ReportKind, ReportState

USER = settings.AUTH_USER_MODEL

__all__ = ["ComparisonReport", "FamilyNotification", "ReportEvidence", "ReportTransition", "RuleOverride"]

KIND_CHOICES = [
    (ReportKind.iden.value, _("IDEN — body is the missing person")),
    (ReportKind.equl.value, _("EQUL — two records of one person")),
    (ReportKind.frag.value, _("FRAG — body part of a body")),
]
CONCLUSION_CHOICES = [
    (Conclusion.identification.value, _("identification")),
    (Conclusion.exclusion.value, _("exclusion")),
]
STATE_CHOICES = [
    (ReportState.draft.value, _("draft")),
    (ReportState.proposed.value, _("proposed")),
    (ReportState.signed.value, _("signed")),
    (ReportState.identified.value, _("identified")),
    (ReportState.excluded.value, _("excluded")),
    (ReportState.returned.value, _("returned")),
]
RULE_CHOICES = [
    ("posterior", _("posterior probability below the threshold")),
    ("family_rule", _("identification rule: two close relatives or one with two methods")),
    ("inconsistency", _("inconsistent marker not explained by the mutation model")),
]


class ComparisonReport(models.Model):
    """One proposed conclusion about a body; its evidence is the version it points at."""

    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=4, choices=KIND_CHOICES)
    conclusion = models.CharField(
        _("conclusion"), max_length=16, choices=CONCLUSION_CHOICES, default=Conclusion.identification.value
    )
    state = models.CharField(
        _("state"), max_length=12, choices=STATE_CHOICES, default=ReportState.draft.value, db_index=True
    )
    unit = models.ForeignKey(
        "remains.RemainsUnit",
        on_delete=models.PROTECT,
        related_name="comparison_reports",
        verbose_name=_("body"),
    )
    other_unit = models.ForeignKey(
        "remains.RemainsUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("other record (EQUL) or body (FRAG)"),
    )
    family = models.ForeignKey(
        "genetics.ReferenceFamily", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    missing_member = models.ForeignKey(
        "genetics.FamilyMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comparison_reports",
        verbose_name=_("missing person"),
    )
    scope = models.CharField(_("consent scope"), max_length=12, default="domestic")
    # the screening candidate the report came from, when it did (ids of the screening part; no FK)
    source = models.JSONField(null=True, blank=True)
    note = models.TextField(_("analyst's note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("comparison report")
        verbose_name_plural = _("comparison reports")
        permissions = [
            ("propose_comparisonreport", "Can draft and propose comparison reports"),
            ("sign_comparisonreport", "Can sign or return comparison reports"),
            ("override_rule", "Can override an identification rule with a written reason"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def evidence(self) -> ReportEvidence | None:
        """The current evidence: the last version computed (a revision adds one)."""
        if not hasattr(self, "_evidence"):
            self._evidence = self.evidence_versions.order_by("-number").first()
        return self._evidence

    def forget_evidence(self) -> None:
        self.__dict__.pop("_evidence", None)


class ReportEvidence(models.Model):
    """One computation of a report's evidence from the stored inputs. Insert-only."""

    report = models.ForeignKey(ComparisonReport, on_delete=models.PROTECT, related_name="evidence_versions")
    number = models.PositiveIntegerField()
    lr = models.CharField(_("DNA likelihood ratio"), max_length=40)
    log10_lr = models.CharField(max_length=40)
    posterior = models.CharField(_("posterior probability"), max_length=40, blank=True)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="identification_evidence_no")
        ]

    def __str__(self) -> str:
        return f"{self.report.reference} evidence {self.number}"


class ReportTransition(models.Model):
    """One move of a report (who, when, from, to, why). Insert-only."""

    report = models.ForeignKey(ComparisonReport, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    evidence = models.ForeignKey(ReportEvidence, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "at", "id"]


class RuleOverride(models.Model):
    """A senior person's written decision to let a failed rule pass on one evidence version. Insert-only."""

    evidence = models.ForeignKey(ReportEvidence, on_delete=models.PROTECT, related_name="overrides")
    rule = models.CharField(_("rule"), max_length=16, choices=RULE_CHOICES)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["evidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "rule"], name="identification_override_once")
        ]


class FamilyNotification(models.Model):
    """A family to tell that their missing person was identified (the liaison's list)."""

    report = models.OneToOneField(ComparisonReport, on_delete=models.PROTECT, related_name="notification")
    family = models.ForeignKey(
        "genetics.ReferenceFamily", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    # set only by recording a follow-up contact in person or by phone (notifications.record_contact)
    followed_up_at = models.DateTimeField(_("follow-up done at"), null=True, blank=True)
    # the follow-up the last contact planned (none planned: null)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("family to notify")
        verbose_name_plural = _("families to notify")

    def __str__(self) -> str:
        return f"{self.report.reference}: {self.person.reference}"

    @property
    def state(self) -> str:
        """to_notify, notified or followed_up — what the recorded contacts show (never set by hand)."""
        if self.followed_up_at is not None:
            return "followed_up"
        return "notified" if self.notified_at is not None else "to_notify"
