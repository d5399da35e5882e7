"""Agreements, operations, manifests (versioned, insert-only), reported figures and identification results.

Ledger decisions (insert-only, with their insert-only reviews) record which evidence a person chose for an
operation's delivered count when the executed manifest and the reported figure disagree.

Manifest versions and their lines are never edited or deleted: a change is a new version that
``supersedes`` the current one with a ``reason``. The current version of a manifest is the one no other
version supersedes. State changes of agreements and operations are insert-only transition rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.app.exchanges.choices import (
    AGREEMENT_STATES,
    OPERATION_STATES,
    Characterisation,
    Consent,
    DateQualifier,
    DecisionVerdict,
    Evidence,
    FigureRole,
    IdentificationVerdict,
    ManifestStage,
    Measure,
    OperationKind,
    Outcome,
    Qualifier,
    QuotaRule,
    Reliability,
    SourceKind,
    Unit,
)

USER = settings.AUTH_USER_MODEL


class Party(models.Model):
    """A party to the conflict (Ukraine, Russia), with the body that speaks for it in this work."""

    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("short code, e.g. UA"))
    name = models.CharField(_("name"), max_length=100)
    body = models.CharField(_("body responsible"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """An agreement between two parties to exchange or repatriate people or remains."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    party_a = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("party A"))
    party_b = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("party B"))
    intermediary = models.CharField(_("intermediary"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    date_qualifier = models.CharField(
        _("date is"), max_length=12, choices=DateQualifier.choices, default=DateQualifier.exact
    )
    date_note = models.CharField(_("date as reported"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=30, choices=AGREEMENT_STATES, default="draft", db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-date", "reference"]
        verbose_name = _("agreement")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class AgreementCategory(models.Model):
    """A category of an agreement and its quota rule (6,000 for 6,000; all the seriously wounded; ...)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="categories")
    code = models.CharField(
        _("code"), max_length=40, help_text=_("short code used in manifests, e.g. bodies")
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices, default=Unit.bodies)
    rule = models.CharField(_("quota rule"), max_length=12, choices=QuotaRule.choices)
    quota = models.PositiveIntegerField(_("quota (each way, or minimum)"), null=True, blank=True)
    giving_party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("giving party (unilateral)"),
    )
    criterion = models.CharField(
        _("criterion"),
        max_length=300,
        blank=True,
        help_text=_("who belongs to the category, e.g. seriously wounded and sick"),
    )

    class Meta:
        ordering = ["agreement", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "code"], name="exchanges_category_code")]
        verbose_name = _("agreement category")
        verbose_name_plural = _("agreement categories")

    def __str__(self) -> str:
        return self.name


class PartyStatement(models.Model):
    """What one party said the agreement is (one side's exchange is the other's unilateral repatriation)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="statements")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    characterisation = models.CharField(_("calls it"), max_length=30, choices=Characterisation.choices)
    text = models.TextField(_("statement"))
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    stated_on = models.DateField(_("stated on"), null=True, blank=True)
    date_note = models.CharField(_("date as reported"), max_length=200, blank=True)

    class Meta:
        ordering = ["agreement", "party", "id"]


class AgreementTransition(models.Model):
    """One change of an agreement's state. Insert-only."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    @property
    def from_label(self) -> str:
        """The state it left, as the pages name it."""
        return str(dict(AGREEMENT_STATES).get(self.from_state, self.from_state))

    @property
    def to_label(self) -> str:
        """The state it entered, as the pages name it."""
        return str(dict(AGREEMENT_STATES).get(self.to_state, self.to_state))

    class Meta:
        ordering = ["at", "id"]


class Operation(models.Model):
    """One exchange, release, repatriation of remains or return of civilians, on a day and at a place."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OperationKind.choices)
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operations",
        verbose_name=_("agreement"),
    )
    party_a = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("party A"))
    party_b = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("party B"))
    stage = models.CharField(
        _("stage"), max_length=100, blank=True, help_text=_("e.g. stage 3 of the agreement")
    )
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    date_qualifier = models.CharField(
        _("date is"), max_length=12, choices=DateQualifier.choices, default=DateQualifier.exact
    )
    date_note = models.CharField(_("date as reported"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    place_undisclosed = models.BooleanField(_("place undisclosed"), default=False)
    intermediary = models.CharField(_("intermediary"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=30, choices=OPERATION_STATES, default="planned", db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "reference"]
        verbose_name = _("operation")

    def __str__(self) -> str:
        return self.reference


class OperationTransition(models.Model):
    """One change of an operation's state. Insert-only."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    @property
    def from_label(self) -> str:
        """The state it left, as the pages name it."""
        return str(dict(OPERATION_STATES).get(self.from_state, self.from_state))

    @property
    def to_label(self) -> str:
        """The state it entered, as the pages name it."""
        return str(dict(OPERATION_STATES).get(self.to_state, self.to_state))

    class Meta:
        ordering = ["at", "id"]


class Manifest(models.Model):
    """The list of one direction of an operation (sender → receiver); its content lives in versions."""

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="manifests")
    sending_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("sending party")
    )
    receiving_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving party")
    )

    class Meta:
        ordering = ["operation", "sending_party"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "sending_party", "receiving_party"], name="exchanges_manifest_direction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.operation.reference}: {self.sending_party.code} → {self.receiving_party.code}"


class ManifestVersion(models.Model):
    """One version of a manifest (proposed, counter-proposal, agreed, executed). Insert-only."""

    manifest = models.ForeignKey(Manifest, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    stage = models.CharField(_("stage"), max_length=20, choices=ManifestStage.choices)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField(_("reason for the new version"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["manifest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["manifest", "number"], name="exchanges_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.manifest} v{self.number} ({self.stage})"


class ManifestLine(models.Model):
    """A person or remains on a manifest version, as the handing party states them. Insert-only."""

    version = models.ForeignKey(ManifestVersion, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="manifest_lines"
    )
    container_number = models.CharField(
        _("bag or container number"), max_length=60, blank=True, db_index=True
    )
    category = models.ForeignKey(
        AgreementCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    category_code = models.CharField(_("category"), max_length=40)
    eligibility_basis = models.CharField(_("basis of eligibility"), max_length=300, blank=True)
    claimed_name = models.CharField(_("claimed name"), max_length=300, blank=True)
    claimed_birth_date = models.CharField(_("claimed birth date"), max_length=10, blank=True)
    claimed_identity = models.CharField(_("claimed identity document or number"), max_length=200, blank=True)
    claimed_affiliation = models.CharField(_("claimed affiliation"), max_length=200, blank=True)
    consent = models.CharField(
        _("prisoner's consent"), max_length=20, choices=Consent.choices, default=Consent.not_required
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.pending)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "line_no"]
        constraints = [models.UniqueConstraint(fields=["version", "line_no"], name="exchanges_line_no")]
        indexes = [models.Index(fields=["version", "outcome"], name="exchanges_line_outcome")]

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.container_number or self.claimed_name}"

    @property
    def is_remains(self) -> bool:
        return bool(self.container_number)


class LineLink(models.Model):
    """The registry person a manifest line's claimed identity was linked to. Insert-only, once per line.

    It records whom the handing party's claim names ("said to be" this person), never who the person or
    the body is: an identification is an :class:`IdentificationResult`. The line itself is insert-only
    and its version stays current (a new version would reopen the ledger's decisions and leave the
    lines' identification results behind), so the link is a row of its own, like the registry's
    ``ListRowLink``. ``probability`` and ``evidence`` are the linkage model's; ``chosen`` marks a link a
    person chose among the line's candidates (or chose instead of the model's match).
    """

    line = models.OneToOneField(ManifestLine, on_delete=models.PROTECT, related_name="link")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="manifest_links")
    probability = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    chosen = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["line", "id"]
        verbose_name = _("link of a claimed identity to the registry")

    def __str__(self) -> str:
        return f"line {self.line_id} said to be person {self.person_id}"


class IdentificationResult(models.Model):
    """What identification established about a manifest line; may contradict the handing party's claim.

    Insert-only. Remains the handing party called the other side's that turn out to be its own soldiers
    must go back through a later operation (``return_operation``).
    """

    line = models.ForeignKey(ManifestLine, on_delete=models.PROTECT, related_name="identifications")
    verdict = models.CharField(_("verdict"), max_length=20, choices=IdentificationVerdict.choices)
    established_identity = models.CharField(_("established identity"), max_length=300, blank=True)
    established_affiliation = models.CharField(_("established affiliation"), max_length=200, blank=True)
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_operation = models.ForeignKey(
        Operation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("returned through operation"),
    )
    note = models.TextField(_("note"), blank=True)
    # null, not "": adding a nullable column keeps SQLite's insert-only triggers (no table rebuild)
    report = models.CharField(_("comparison report"), max_length=24, null=True, blank=True)
    recorded = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded", "id"]


class ReportedFigure(models.Model):
    """A count about an operation or agreement, with its qualifier, source, date and reliability.

    ``cumulative`` marks a running total ("over 6,000 so far") rather than the count of one operation.
    A figure with qualifier ``silent`` records that a source said nothing (``value`` empty).
    """

    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    operation = models.ForeignKey(
        Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    category = models.ForeignKey(
        AgreementCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="figures"
    )
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices, default=Unit.bodies)
    sending_party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    receiving_party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    value = models.PositiveIntegerField(_("value"), null=True, blank=True)
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.exact
    )
    cumulative = models.BooleanField(_("running total"), default=False)
    measure = models.CharField(
        _("what is counted"), max_length=30, choices=Measure.choices, default=Measure.delivered
    )
    role = models.CharField(
        _("role"), max_length=30, choices=FigureRole.choices, default=FigureRole.reported_by_source
    )
    source_kind = models.CharField(_("source kind"), max_length=30, choices=SourceKind.choices)
    source_name = models.CharField(_("source"), max_length=300)
    source_party = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source speaks for"),
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    date_note = models.CharField(_("date as reported"), max_length=200, blank=True)
    reliability = models.CharField(
        _("reliability"), max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    quote = models.TextField(_("quote"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reported_on", "id"]
        indexes = [models.Index(fields=["operation", "receiving_party"], name="exchanges_figure_op_to")]

    def __str__(self) -> str:
        shown = "—" if self.value is None else f"{self.value:,}"
        return f"{shown} {self.unit} ({self.source_name})"


class LedgerDecision(models.Model):
    """A person's choice of the evidence one delivered count of the ledger uses. Insert-only.

    When the executed manifest of an operation and direction disagrees with the reported figure, the ledger
    keeps the figure until a decision chooses (``use``) the manifest or the figure, with a ``reason``, and a
    second person accepts it (:class:`LedgerDecisionReview`). The decision names the evidence it was made on
    (the manifest version and its count, the figure and its value): when that evidence changes (a new
    manifest version, a better figure), the decision no longer applies and the disagreement is open again.
    """

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="ledger_decisions")
    receiving_party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    category = models.ForeignKey(
        AgreementCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    use = models.CharField(_("the total uses"), max_length=12, choices=Evidence.choices)
    manifest_version = models.ForeignKey(
        ManifestVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manifest_count = models.PositiveIntegerField(null=True, blank=True)
    figure = models.ForeignKey(
        ReportedFigure, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    figure_value = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["decided_at", "id"]
        permissions = [("review_ledgerdecision", "Can accept or reject a ledger decision")]
        indexes = [
            models.Index(fields=["operation", "receiving_party", "category"], name="exchanges_decision_key")
        ]

    def __str__(self) -> str:
        return f"{self.operation.reference} → {self.receiving_party.code}: {self.use}"


class LedgerDecisionReview(models.Model):
    """A second person's verdict on a ledger decision. Insert-only; the decision applies once accepted."""

    decision = models.ForeignKey(LedgerDecision, on_delete=models.PROTECT, related_name="reviews")
    verdict = models.CharField(_("verdict"), max_length=12, choices=DecisionVerdict.choices)
    note = models.TextField(_("note"), blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reviewed_at", "id"]
