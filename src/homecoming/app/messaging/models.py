"""The outbox of the messages sent to families (e-mail, SMS) and the history of every delivery attempt.

* An :class:`OutboundMessage` carries its state (``queued`` → ``sent`` | ``failed``), how many attempts
  were made, when the next is due and the last error. It is never deleted. Its text is stored sealed
  (Fernet, :mod:`homecoming.app.messaging.sealing`) because it may hold a tracing request's secret, and
  ERASED — text and recipient — as soon as the message is sent or finally failed; what stays is a keyed
  digest of the text (HMAC-SHA256 under the audit key) and the recipient masked (``o***@e***.invalid``).
* A :class:`MessageAttempt` is one try to deliver it, with the server's or gateway's answer: insert-only
  (database triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Channel", "MessageAttempt", "MessageState", "OutboundMessage", "Outcome", "Purpose"]


class Channel(models.TextChoices):
    email = "email", _("e-mail")
    sms = "sms", _("SMS")


class Purpose(models.TextChoices):
    request_code = "request_code", _("request code and secret")
    news = "news", _("there is news")


class MessageState(models.TextChoices):
    queued = "queued", _("queued")
    sent = "sent", _("sent")
    failed = "failed", _("failed")


class Outcome(models.TextChoices):
    sent = "sent", _("delivered")
    temporary = "temporary", _("temporary failure")
    permanent = "permanent", _("permanent failure")


LANGUAGE_CHOICES = [("uk", _("Ukrainian")), ("ru", _("Russian")), ("en", _("English"))]


class OutboundMessage(models.Model):
    """One e-mail or SMS to a family, rendered from its purpose's fixed template in the family's language."""

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True, editable=False)
    recipient_masked = models.CharField(_("recipient"), max_length=254, editable=False)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body_sealed = models.TextField(blank=True, editable=False)
    body_sha256 = models.CharField(max_length=64, editable=False)
    body_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    tracing_request_id = models.BigIntegerField(_("tracing request"), null=True, blank=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=8, choices=MessageState.choices, default=MessageState.queued, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return f"{self.channel} {self.purpose} #{self.pk} ({self.state})"


class MessageAttempt(models.Model):
    """One try to deliver a message and what the server or gateway answered (insert-only)."""

    message = models.ForeignKey(
        OutboundMessage, on_delete=models.PROTECT, related_name="attempt_rows", verbose_name=_("message")
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        ordering = ["message_id", "number"]
        constraints = [models.UniqueConstraint(fields=["message", "number"], name="messaging_attempt_once")]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"message #{self.message_id} attempt {self.number}: {self.outcome}"
