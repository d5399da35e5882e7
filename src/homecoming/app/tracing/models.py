"""Tracing requests from families (the family portal) and the liaison officer's casework on them.

* A :class:`TracingRequest` is what one family member asked, about one sought person: who asks and how to
  reach them (contacts: sensitive), the sought person as the family knows them, which relatives could
  give a DNA reference sample. The family holds its random ``code`` and a secret, kept only as a
  password hash (``secret_hash``); with both they read the request's state and its releases.
* Each change of state is a :class:`RequestTransition` row (insert-only).
* A :class:`RequestNote` is an officer's note on the casework (insert-only, never shown to the family).
* A :class:`Release` is a text a liaison officer chose to show the family of that request (insert-only):
  the only thing of the registry the portal ever shows.
* A request may be linked to a registry ``Person`` (and a ``MissingCase``) once an officer confirms it —
  never automatically — and merged into another request about the same person (two enquirers, one
  case: both requests are kept, the duplicate names the request it joined).
* :class:`RequestNameKey` holds the folded name keys of the sought person (``linkage.names``), to match
  requests against each other as the registry's ``NameKey`` matches persons.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homecoming.domain.tracing_states import RequestState

USER = settings.AUTH_USER_MODEL

__all__ = ["Release", "RequestNameKey", "RequestNote", "RequestPhoto", "RequestTransition", "TracingRequest"]

STATE_CHOICES = [
    (RequestState.received.value, _("Received")),
    (RequestState.matched.value, _("Matched")),
    (RequestState.under_search.value, _("Under search")),
    (RequestState.answered.value, _("Answered")),
    (RequestState.closed.value, _("Closed")),
]
LANGUAGE_CHOICES = [("uk", "українська"), ("ru", "русский"), ("en", "English")]

RELEASE_KINDS = [
    ("captivity", _("captivity")),
    ("alive", _("alive")),
    ("death", _("death")),
]
INFORMED_METHODS = [("in_person", _("in person")), ("phone", _("by phone"))]

#: the family's contacts: shown only with ``tracing.view_requestcontacts``, kept out of the audit trail
CONTACT_FIELDS = ("enquirer_name", "enquirer_phone", "enquirer_email")


class TracingRequest(models.Model):
    """One family member's request about one sought person."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    code = models.CharField(_("request code"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=200, editable=False)
    language = models.CharField(_("language"), max_length=4, choices=LANGUAGE_CHOICES, default="uk")
    state = models.CharField(
        _("state"), max_length=20, choices=STATE_CHOICES, default=RequestState.received.value, db_index=True
    )
    # who asks
    enquirer_name = models.CharField(_("your name"), max_length=200)
    enquirer_relationship = models.CharField(_("relation to the sought person"), max_length=100)
    enquirer_phone = models.CharField(_("phone"), max_length=30, blank=True)
    enquirer_email = models.CharField(_("e-mail"), max_length=200, blank=True)
    # the sought person
    family_name = models.CharField(_("surname"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.CharField(_("date of birth"), max_length=10, blank=True)
    unit = models.CharField(_("military unit"), max_length=200, blank=True)
    service_number = models.CharField(_("service number"), max_length=50, blank=True, db_index=True)
    last_contact_date = models.CharField(_("date of last contact"), max_length=10, blank=True)
    last_contact_place = models.CharField(_("place of last contact"), max_length=200, blank=True)
    circumstances = models.TextField(_("circumstances"), blank=True)
    dna_relatives = models.TextField(_("relatives who could give a DNA sample"), blank=True)
    # the casework
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "registry.MissingCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    assigned_to = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # the family's contacts and photos were purged (retention: ``tracing.retention``); the audit trail keeps
    # their keyed digest
    contacts_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("tracing request")
        permissions = [("view_requestcontacts", "Can view the contacts of tracing requests")]

    def __str__(self) -> str:
        return self.reference

    def sought_name(self) -> str:
        return " ".join(p for p in (self.family_name.upper(), self.given_name, self.patronymic) if p)


class RequestNameKey(models.Model):
    """A folded search key of one name token of a request's sought person."""

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["key", "request"], name="requestkey_key_request")]
        constraints = [models.UniqueConstraint(fields=["request", "key"], name="requestkey_unique")]


class RequestPhoto(models.Model):
    """A photo the family sent with the request (checked with Pillow); served only to the liaison."""

    request = models.ForeignKey(TracingRequest, on_delete=models.PROTECT, related_name="photos")
    image = models.FileField(upload_to="tracing/%Y/%m/")
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("request photo")


class RequestTransition(models.Model):
    """One change of a request's state. Insert-only."""

    request = models.ForeignKey(TracingRequest, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("request transition")


class Release(models.Model):
    """A text a liaison officer released to the family of one request. Insert-only."""

    request = models.ForeignKey(TracingRequest, on_delete=models.PROTECT, related_name="releases")
    text = models.TextField(_("text for the family"))
    released_at = models.DateTimeField(_("released at"), default=timezone.now)
    released_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # a confirmation from the registry (``tracing.confirmations``): what it confirms (captivity, alive,
    # death) and the registry records it rests on; empty for a free text
    kind = models.CharField(_("confirms"), max_length=12, choices=RELEASE_KINDS, null=True, blank=True)
    basis = models.TextField(_("registry records"), null=True, blank=True)
    # a death is released only after the family was told by a person: how and when (none for other kinds)
    informed_method = models.CharField(
        _("family told"), max_length=12, choices=INFORMED_METHODS, null=True, blank=True
    )
    informed_at = models.DateTimeField(_("family told at"), null=True, blank=True)

    class Meta:
        ordering = ["request", "released_at", "id"]
        verbose_name = _("release to the family")


class RequestNote(models.Model):
    """A liaison officer's note on a request (calls made, what the family said). Insert-only; never shown
    to the family."""

    request = models.ForeignKey(TracingRequest, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("note"))
    at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["request", "at", "id"]
        verbose_name = _("request note")
