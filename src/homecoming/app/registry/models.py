"""The registry: persons, their name forms, tracing cases, status claims and their histories."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.app.registry.choices import (
    CASE_STATES,
    LANGUAGES,
    NameKind,
    PersonStatusChoice,
    ReliabilityChoice,
    ReviewStateChoice,
    Script,
    Sex,
    SourceTypeChoice,
)

USER = settings.AUTH_USER_MODEL


class Sequence(models.Model):
    """A named counter for human references (P-0000001, MC-0000001); allocated in blocks under a row lock."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)


class Person(models.Model):
    """Someone who is missing, captive or dead — or any other subject of the registry."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.unknown)
    birth_date = models.CharField(
        _("birth date"),
        max_length=10,
        blank=True,
        help_text=_("year, year-month or full date: 1990, 1990-05, 1990-05-17"),
    )
    birth_from = models.DateField(null=True, blank=True, editable=False, db_index=True)
    birth_to = models.DateField(null=True, blank=True, editable=False)
    age_min = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("age to"), null=True, blank=True)
    age_on = models.DateField(_("age as of"), null=True, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    citizenship = models.CharField(
        _("citizenship"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. UA")
    )
    father_name = models.CharField(_("father's first name"), max_length=100, blank=True)
    mother_maiden_name = models.CharField(_("mother's maiden name"), max_length=100, blank=True)
    power = models.CharField(_("Power on which the person depends"), max_length=50, blank=True)
    force = models.CharField(_("armed force or service"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=100, blank=True)
    service_number = models.CharField(_("service number"), max_length=50, blank=True, db_index=True)
    identity_document = models.CharField(
        _("identity disc or card number"), max_length=50, blank=True, db_index=True
    )
    distinguishing_marks = models.TextField(_("distinguishing marks"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    current_status = models.CharField(
        _("current status"),
        max_length=20,
        choices=PersonStatusChoice.choices,
        default=PersonStatusChoice.unknown,
        db_index=True,
        editable=False,
    )
    purged = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # set when a person decided this record is a duplicate of another (``PersonLink``); unmerge clears it
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )

    class Meta:
        verbose_name = _("person")
        ordering = ["reference"]
        permissions = [
            ("view_contacts", "Can view family and enquirer contacts"),
            ("purge_person", "Can purge a person record"),
            ("merge_person", "Can merge duplicate persons, unmerge them, and say two are not the same"),
        ]

    def __str__(self) -> str:
        primary = self.primary_name()
        return f"{self.reference} {primary}" if primary else self.reference

    def primary_name(self) -> str:
        forms = (
            list(self.names.all())
            if hasattr(self, "_prefetched_objects_cache")
            else list(self.names.order_by("position"))
        )
        return forms[0].full_name() if forms else ""


class NameForm(models.Model):
    """One spelling of a person's name: as registered, a transliteration or an alias."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="names")
    position = models.PositiveSmallIntegerField(default=0)
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    script = models.CharField(_("script"), max_length=10, choices=Script.choices)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    kind = models.CharField(_("kind"), max_length=20, choices=NameKind.choices, default=NameKind.registered)

    class Meta:
        ordering = ["person", "position", "id"]
        verbose_name = _("name form")

    def __str__(self) -> str:
        return self.full_name()

    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name.upper(), self.given_name, self.patronymic) if p)


class NameKey(models.Model):
    """A folded search key of one name token of a person (derived from the name forms)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="namekey_key_person")]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="namekey_unique")]


class Photo(models.Model):
    """A photograph of a person; served only through an access-checked view."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(upload_to="photos/%Y/%m/")
    caption = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    uploaded = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")


class MissingCase(models.Model):
    """A tracing case about a person: who is looking, what is known of the disappearance."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(_("state"), max_length=40, choices=CASE_STATES, default="draft", db_index=True)
    last_contact_date = models.CharField(_("last contact date"), max_length=10, blank=True)
    last_contact_place = models.CharField(_("last contact place"), max_length=200, blank=True)
    last_contact_latitude = models.DecimalField(
        _("last contact latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    last_contact_longitude = models.DecimalField(
        _("last contact longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    unit_at_disappearance = models.CharField(_("unit at disappearance"), max_length=200, blank=True)
    circumstances = models.TextField(_("circumstances"), blank=True)
    external_references = models.JSONField(_("external references"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    opened = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened"]
        verbose_name = _("missing case")

    def __str__(self) -> str:
        return self.reference


class Enquirer(models.Model):
    """Someone asking about the person (usually family). Contacts are sensitive.

    An enquirer who came through the family portal points at their ``tracing_request`` and holds none of
    its contacts (name, phone, e-mail stay empty here): they are read through the request, so the
    request's retention purge reaches them too (``tracing.enquirers``).
    """

    case = models.ForeignKey(MissingCase, on_delete=models.PROTECT, related_name="enquirers")
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.CharField(_("email"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    tracing_request = models.ForeignKey(
        "tracing.TracingRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})" if self.relationship else self.name


class CaseTransition(models.Model):
    """One change of a case's state. Insert-only."""

    case = models.ForeignKey(MissingCase, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    @property
    def from_label(self) -> str:
        """The state it left, as the pages name it."""
        return str(dict(CASE_STATES).get(self.from_state, self.from_state))

    @property
    def to_label(self) -> str:
        """The state it entered, as the pages name it."""
        return str(dict(CASE_STATES).get(self.to_state, self.to_state))

    @property
    def reason_shown(self) -> str:
        """The reason in the reader's language when the registry wrote it (``registered on receipt``)."""
        from homecoming.app.registry.system_text import shown

        return shown(self.reason)

    class Meta:
        ordering = ["at", "id"]


class StatusAssertion(models.Model):
    """A dated, sourced claim about a person's status; counts only once accepted by a reviewer."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assertions")
    status = models.CharField(_("claimed status"), max_length=20, choices=PersonStatusChoice.choices)
    source_type = models.CharField(_("source type"), max_length=30, choices=SourceTypeChoice.choices)
    source_name = models.CharField(_("source name"), max_length=200)
    source_date = models.DateField(_("source date"))
    reliability = models.CharField(
        _("reliability"), max_length=1, choices=ReliabilityChoice.choices, default=ReliabilityChoice.F
    )
    evidence = models.TextField(_("evidence"), blank=True)
    review_state = models.CharField(
        _("review state"),
        max_length=10,
        choices=ReviewStateChoice.choices,
        default=ReviewStateChoice.submitted,
        db_index=True,
    )
    submitted = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-source_date", "-id"]
        verbose_name = _("status assertion")
        permissions = [("review_statusassertion", "Can accept or reject status assertions")]

    def __str__(self) -> str:
        return f"{self.status} ({self.source_type}, {self.source_date})"


class AssertionReview(models.Model):
    """One review decision on an assertion. Insert-only."""

    assertion = models.ForeignKey(StatusAssertion, on_delete=models.PROTECT, related_name="reviews")
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class StatusChange(models.Model):
    """One change of a person's derived current status. Insert-only."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    cause = models.ForeignKey(StatusAssertion, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    @property
    def from_label(self) -> str:
        """The status it left, as the pages name it."""
        return str(dict(PersonStatusChoice.choices).get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        """The status it entered, as the pages name it."""
        return str(dict(PersonStatusChoice.choices).get(self.to_status, self.to_status))

    @property
    def reason_shown(self) -> str:
        """The reason in the reader's language when the registry wrote it (``case opened``)."""
        from homecoming.app.registry.system_text import shown

        return shown(self.reason)

    class Meta:
        ordering = ["at", "id"]


class ExternalRecord(models.Model):
    """A record of another system that was imported as (or onto) a person: a PFIF person or note record.

    Its ``record_id`` is unique per ``system``, so importing the same records again finds them and creates
    nothing; an export writes a person imported from PFIF with its original record id (a clone record).
    Written by the import, in its transaction, beside the person's (or the claim's) audit record.
    Insert-only (triggers).
    """

    system = models.CharField(max_length=20, help_text="pfif")
    kind = models.CharField(max_length=10, help_text="person or note")
    record_id = models.CharField(max_length=500)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="external_records")
    assertion = models.ForeignKey(
        StatusAssertion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("external record")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "kind", "record_id"], name="registry_externalrecord_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.record_id}"


class PersonLink(models.Model):
    """A person's decision about two registry persons: the same (merge), no longer (unmerge), or not the
    same (never proposed again). Never automatic. Insert-only: the history of every merge.

    For a merge or unmerge ``person`` is the duplicate and ``other`` the survivor it was merged into.
    """

    class Decision(models.TextChoices):
        merge = "merge", _("merged")
        unmerge = "unmerge", _("unmerged")
        not_same = "not_same", _("not the same person")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("person link")

    def __str__(self) -> str:
        return f"{self.decision} {self.person_id} {self.other_id}"


class LinkageModel(models.Model):
    """A trained linkage model (Splink's settings with their m and u, and the training's provenance), as
    :func:`homecoming.linkage.engine.train` returns it. The newest is the registry's model: an import
    preview and a manifest are scored with it. Insert-only: a retrained model is a new row."""

    model = models.JSONField()
    trained_on = models.CharField(max_length=300, help_text="what it was trained on, in words")
    records = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("linkage model")
        permissions = [("train_linkage_model", "Can train the registry's linkage model and put it in force")]

    def __str__(self) -> str:
        return f"linkage model {self.pk} ({self.trained_on})"


class PossibleDuplicate(models.Model):
    """Two registry persons the linkage model found may be one (``probability`` between the import's two
    thresholds), kept for a person to decide in the review queue (``PersonLink``). ``person`` is the one
    registered later. Insert-only; a decision is a ``PersonLink``, never an edit of this row."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="possible_duplicates")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    evidence = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=300, help_text="where the pair was found, e.g. the imported file")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-probability", "id"]
        verbose_name = _("possible duplicate")

    def __str__(self) -> str:
        return f"possible duplicate {self.person_id} ~ {self.other_id}"


class ListRowLink(models.Model):
    """A row of an imported person list recognised as a registered person and linked to them instead of
    being registered again: which file (its SHA-256 and name), which row, the probability and evidence of
    the linkage model (or how else it was recognised), who decided. Insert-only."""

    file_sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=300)
    row = models.PositiveIntegerField()
    external_id = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="list_links")
    probability = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("list row link")
        constraints = [
            models.UniqueConstraint(fields=["file_sha256", "row"], name="registry_listrowlink_once")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} row {self.row} -> {self.person_id}"
