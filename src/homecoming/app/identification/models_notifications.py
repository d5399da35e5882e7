"""Notification of death as a recorded procedure: the contacts of a family to notify.

A :class:`FamilyNotification` (one per signed identification, in ``models_reports``) is the case; each
time the family liaison officer speaks with the family it is one :class:`NotificationContact` row
(insert-only): who informed whom (name and relation of the family member), how (in person, by phone,
other), when and where, the support offered (psychological support contact, legal aid, other), the
family's questions and the answers given, whether a follow-up is planned and when, and the words the
officer chose for the family (the message a family portal may show once the notification is recorded).

The notification's state follows these rows (:mod:`homecoming.app.identification.notifications`):
to notify → notified (a first contact in person or by phone) → follow-up done (a follow-up contact in
person or by phone). Nothing else moves it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL

__all__ = ["ContactMethod", "ContactPurpose", "NotificationContact", "NotificationState"]


class NotificationState(models.TextChoices):
    to_notify = "to_notify", _("to notify")
    notified = "notified", _("notified")
    followed_up = "followed_up", _("follow-up done")


class ContactMethod(models.TextChoices):
    in_person = "in_person", _("in person")
    phone = "phone", _("by phone")
    other = "other", _("other (letter, message: does not count as notification)")


class ContactPurpose(models.TextChoices):
    notification = "notification", _("notification of death")
    follow_up = "follow_up", _("follow-up (second contact)")


class MessageLanguage(models.TextChoices):
    uk = "uk", _("Ukrainian")
    ru = "ru", _("Russian")
    en = "en", _("English")


class NotificationContact(models.Model):
    """One contact with the family about a notification of death. Insert-only."""

    notification = models.ForeignKey(
        "identification.FamilyNotification", on_delete=models.PROTECT, related_name="contacts"
    )
    number = models.PositiveIntegerField(_("contact number"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=ContactPurpose.choices)
    method = models.CharField(_("how"), max_length=12, choices=ContactMethod.choices)
    at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    informed_name = models.CharField(_("family member informed (name)"), max_length=200)
    informed_relation = models.CharField(_("relation to the missing person"), max_length=100)
    support_psychological = models.BooleanField(_("psychological support contact given"), default=False)
    support_legal = models.BooleanField(_("legal aid offered"), default=False)
    support_other = models.BooleanField(_("other support offered"), default=False)
    support_text = models.TextField(_("support offered (details)"), blank=True)
    questions = models.TextField(_("the family's questions"), blank=True)
    answers = models.TextField(_("the answers given"), blank=True)
    message = models.TextField(_("words chosen for the family (the message the portal may show)"), blank=True)
    message_language = models.CharField(
        _("language of the message"), max_length=2, choices=MessageLanguage.choices, default="uk"
    )
    # the tracing request of the family member told: the portal shows the message to that request only
    request = models.ForeignKey(
        "tracing.TracingRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tracing request of the family told"),
    )
    follow_up_planned = models.BooleanField(_("follow-up planned"), default=False)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    counts = models.BooleanField(default=False, editable=False)  # moved the state (in person or by phone)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["notification", "number"]
        verbose_name = _("notification contact")
        verbose_name_plural = _("notification contacts")
        constraints = [
            models.UniqueConstraint(fields=["notification", "number"], name="identification_contact_no")
        ]

    def __str__(self) -> str:
        return f"contact {self.number} of notification {self.notification_id}"
