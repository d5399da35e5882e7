"""Pages of the notification of death: the liaison's list by state and deadline, one notification with its
contacts (its history) and the form to record a contact.

The list holds no DNA and no family contact data (references, dates, states). A notification's page opens
for every role that sees the families to notify; its contacts' family data (who was told, their relation,
where, the support details, the family's questions, the answers, the words chosen for them) only for the
roles that may see them (``notification_contacts``: the liaison), every such view audited; the others see
when, how, by whom and what support was offered, with a note that their role does not show the family's
personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app.audit import services as audit
from homecoming.app.identification import notifications
from homecoming.app.identification.models_notifications import (
    ContactMethod,
    ContactPurpose,
    MessageLanguage,
    NotificationState,
)
from homecoming.app.permissions import may, page_requires
from homecoming.app.printed import Printed
from homecoming.errors import HomecomingError

_NOTIFY = "identification.view_familynotification"
_CONTACTS = "notification_contacts"
_RECORD = "identification.add_notificationcontact"
#: the printable record of one notification (uk, en, ru): the same readers as its page
PRINTED = Printed("identification/notify_print.html", ("uk", "en", "ru"), "notification record")


class ContactForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=ContactPurpose.choices)
    method = forms.ChoiceField(label=gettext_lazy("How"), choices=ContactMethod.choices)
    at = forms.DateTimeField(
        label=gettext_lazy("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=gettext_lazy("Where"), max_length=200, required=False)
    informed_name = forms.CharField(label=gettext_lazy("Family member informed (name)"), max_length=200)
    informed_relation = forms.CharField(label=gettext_lazy("Relation to the missing person"), max_length=100)
    support_psychological = forms.BooleanField(
        label=gettext_lazy("Psychological support contact given"), required=False
    )
    support_legal = forms.BooleanField(label=gettext_lazy("Legal aid offered"), required=False)
    support_other = forms.BooleanField(label=gettext_lazy("Other support offered"), required=False)
    support_text = forms.CharField(
        label=gettext_lazy("Support offered (details)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    questions = forms.CharField(
        label=gettext_lazy("The family's questions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    answers = forms.CharField(
        label=gettext_lazy("The answers given"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    message = forms.CharField(
        label=gettext_lazy("Words chosen for the family (the family portal shows them)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    message_language = forms.ChoiceField(
        label=gettext_lazy("Language of the message"), choices=MessageLanguage.choices
    )
    request = forms.ChoiceField(
        label=gettext_lazy("Tracing request of the family member told"),
        required=False,
        help_text=gettext_lazy(
            "The words reach the family portal only on this request; another family asking about the same "
            "person is told by a person first, in a contact of its own."
        ),
    )
    follow_up_planned = forms.BooleanField(label=gettext_lazy("Follow-up planned"), required=False)
    follow_up_due = forms.DateField(
        label=gettext_lazy("Follow-up due"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


def _with_requests(form: ContactForm, requests: list[Any]) -> ContactForm:
    """The form's choice of tracing request: those linked to the notification's person."""
    field = form.fields["request"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", "—")] + [
        (str(r.pk), f"{r.reference} · {r.enquirer_relationship} · {r.get_language_display()}")
        for r in requests
    ]
    return form


def _row(n: Any, today: dt.date) -> dict[str, Any]:
    due = notifications.deadline(n)
    return {"n": n, "state": n.state, "deadline": due, "overdue": due is not None and due < today}


@page_requires(_NOTIFY)
def notify_list(request: HttpRequest) -> HttpResponse:
    """The families to notify, by state, the earliest deadline first (notification due, follow-up due)."""
    state = request.GET.get("state", NotificationState.to_notify.value)
    if state not in NotificationState.values and state != "all":
        state = NotificationState.to_notify.value
    today = timezone.localdate()
    rows = [_row(n, today) for n in notifications.queue("" if state == "all" else state)]
    ctx = {
        "rows": rows,
        "state": state,
        "states": [*NotificationState.choices, ("all", _("all"))],
        "labels": dict(NotificationState.choices),
        "may_open": True,
    }
    return render(request, "identification/notify_list.html", ctx)


def _initial() -> dict[str, Any]:
    return {"at": timezone.localtime().replace(second=0, microsecond=0), "message_language": "uk"}


@page_requires(_NOTIFY)
def notify_detail(request: HttpRequest, notification_id: int) -> HttpResponse:
    """One notification: its state, deadline, contacts (the history) and, for the liaison, the form."""
    return _detail(request, notification_id, None)


def _detail(request: HttpRequest, notification_id: int, form: ContactForm | None) -> HttpResponse:
    n = notifications.get_notification(notification_id)
    show_contacts = may(request.user, _CONTACTS)
    if show_contacts:
        audit.record_view(actor=request.user, obj=n, what="notification contacts")
    may_record = may(request.user, _RECORD)
    if form is None and may_record:
        purpose = (
            ContactPurpose.follow_up if n.state == NotificationState.notified else ContactPurpose.notification
        )
        form = ContactForm(initial={**_initial(), "purpose": purpose.value})
    requests = notifications.linked_requests(n)
    if form is not None:
        _with_requests(form, requests)
    ctx = {
        "n": n,
        "requests": requests,
        "state_label": dict(NotificationState.choices)[n.state],
        "deadline": notifications.deadline(n),
        "contacts": notifications.contacts_of(n),
        "form": form if may_record else None,
        "show_contacts": show_contacts,
    }
    return render(request, "identification/notify_detail.html", ctx)


@page_requires(_NOTIFY, _CONTACTS, _RECORD)
def notify_record(request: HttpRequest, notification_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("identification:notification", notification_id)
    form = _with_requests(
        ContactForm(request.POST),
        notifications.linked_requests(notifications.get_notification(notification_id)),
    )
    if form.is_valid():
        raw = request.POST.get("expected_version", "")
        try:
            contact = notifications.record_contact(
                actor=request.user,
                notification_id=notification_id,
                data=form.cleaned_data,
                expected_version=int(raw) if raw.isdigit() else None,
            )
        except HomecomingError as exc:
            from homecoming.app.forms import show_problems

            show_problems(form, exc)
        else:
            n = contact.notification
            if contact.request is not None and contact.message and n.notified_at is not None:
                # "there is news, please look": never the news itself (portal.send_news)
                from homecoming.app.tracing import portal

                portal.send_news(
                    contact.request, status_url=request.build_absolute_uri(reverse("family:status"))
                )
            messages.success(
                request,
                _("Contact recorded. The notification is now: %(state)s.")
                % {"state": dict(NotificationState.choices)[n.state]},
            )
            return redirect("identification:notification", notification_id)
    return _detail(request, notification_id, form)


# --- the printable record ---------------------------------------------------------------------------------


def _name(user: Any) -> str:
    return ((user.get_full_name() or "").strip() or user.get_username()) if user is not None else ""


def record_context(n: Any) -> dict[str, Any]:
    """The record of one notification: the family to notify, the report it follows, every contact (who
    informed whom, how, when, where, support, questions and answers, the words and whether the portal
    shows them, follow-up)."""
    contacts = [
        {
            "c": c,
            "informer": _name(c.recorded_by),
            "released": bool(c.message and n.notified_at and c.method in notifications.COUNTING),
        }
        for c in notifications.contacts_of(n)
    ]
    return {
        "n": n,
        "state_label": dict(NotificationState.choices)[n.state],
        "deadline": notifications.deadline(n),
        "signer": _name(n.report.signed_by) if n.report.signed_by_id else "",
        "notified_by": _name(n.notified_by),
        "contacts": contacts,
    }


def audit_reading(request: HttpRequest, n: Any, form: str, lang: str) -> None:
    audit.record_view(actor=request.user, obj=n, what=f"notification record ({form}, {lang})")


def _record(request: HttpRequest, notification_id: int, *, pdf: bool) -> HttpResponse:
    n = notifications.get_notification(notification_id)
    return PRINTED.response(
        request,
        lambda: record_context(n),
        reference=f"{n.report.reference}-notification",
        pdf=pdf,
        audited=lambda form, lang: audit_reading(request, n, form, lang),
    )


@page_requires(_NOTIFY, _CONTACTS)
def notify_print(request: HttpRequest, notification_id: int) -> HttpResponse:
    """The record of one notification as a print view (``?lang=uk|en|ru``), audited."""
    return _record(request, notification_id, pdf=False)


@page_requires(_NOTIFY, _CONTACTS)
def notify_pdf(request: HttpRequest, notification_id: int) -> HttpResponse:
    """The record of one notification as PDF (WeasyPrint, the same template), audited."""
    return _record(request, notification_id, pdf=True)
