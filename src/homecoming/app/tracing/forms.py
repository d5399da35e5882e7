"""Forms of the family portal and of the liaison's pages; the rules live in ``portal`` and ``services``.

The portal's fields are all optional to the form itself: ``portal.check`` checks the whole request at
once and names every problem (field, value, how to fix it) in the family's language.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from homecoming.app.tracing.models import STATE_CHOICES
from homecoming.domain.tracing_states import TRANSITIONS, RequestState

_REQUIRED = {"aria-required": "true"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [d for d in data if d]
        return [data] if data else []


class Described:
    """Each input names its help text and its errors (``aria-describedby``), and says when it is invalid."""

    fields: dict[str, Any]
    errors: Any

    def describe(self, *, again: str | None = None) -> None:
        """``again``: the file field whose files must be chosen once more (its note is described too)."""
        for name, field in self.fields.items():
            ids = [f"id_{name}_help"] if field.help_text else []
            if name == again:
                ids.append(f"id_{name}_again")
            if name in self.errors:
                ids.append(f"id_{name}_errors")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class RequestForm(Described, forms.Form):
    enquirer_name = forms.CharField(
        label=_("Your full name (required)"), required=False, widget=forms.TextInput(attrs=_REQUIRED)
    )
    enquirer_relationship = forms.CharField(
        label=_("Your relation to the person you are looking for (required)"),
        help_text=_("e.g. mother, brother, wife"),
        required=False,
        widget=forms.TextInput(attrs=_REQUIRED),
    )
    enquirer_phone = forms.CharField(
        label=_("Phone"),
        help_text=_("with the country code, e.g. +380 44 123 45 67"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    enquirer_email = forms.CharField(
        label=_("E-mail"),
        help_text=_("give a phone number, an e-mail address or both"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    family_name = forms.CharField(
        label=_("Surname (required)"),
        help_text=_("in any alphabet, as you know it"),
        required=False,
        widget=forms.TextInput(attrs=_REQUIRED),
    )
    given_name = forms.CharField(label=_("Given name"), required=False)
    patronymic = forms.CharField(label=_("Patronymic"), required=False)
    birth_date = forms.CharField(
        label=_("Date of birth"),
        help_text=_("as much as you know: 1990, 1990-05 or 17.05.1990"),
        required=False,
    )
    unit = forms.CharField(label=_("Military unit"), required=False)
    service_number = forms.CharField(label=_("Service number"), required=False)
    last_contact_date = forms.CharField(
        label=_("Date of last contact"),
        help_text=_("as much as you know: 2024, 2024-03 or 02.03.2024"),
        required=False,
    )
    last_contact_place = forms.CharField(label=_("Place of last contact"), required=False)
    circumstances = forms.CharField(
        label=_("Circumstances"),
        help_text=_("what you know of how contact was lost; other spellings of the name"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    dna_relatives = forms.CharField(
        label=_("Relatives who could give a DNA reference sample"),
        help_text=_("e.g. mother, father, children, brothers or sisters, and where they live"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        help_text=_("up to 3 photos, JPEG, PNG or WebP, at most 5 MB each"),
        required=False,
    )


class StatusForm(Described, forms.Form):
    code = forms.CharField(
        label=_("Request code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", **_REQUIRED}),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=40,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", **_REQUIRED}),
    )


# --- the liaison's pages ---------------------------------------------------------------------------------


class LinkForm(forms.Form):
    person = forms.CharField(label=_("Person (reference)"), max_length=24)
    case = forms.CharField(label=_("Missing case (reference, optional)"), max_length=24, required=False)
    confirm = forms.BooleanField(
        label=_("I checked: this person is the one the family is looking for"), required=False
    )
    reason = forms.CharField(label=_("Reason (if the link changes)"), required=False, max_length=500)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into request (reference)"), max_length=24)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AssignForm(forms.Form):
    user = forms.ChoiceField(label=_("Assign to"), required=False)


class TransitionForm(forms.Form):
    """Offers only the states a request in ``current`` may move to (``tracing_states.TRANSITIONS``)."""

    state = forms.ChoiceField(label=_("New state"), choices=STATE_CHOICES)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, current: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current is not None:
            known = {s.value for s in RequestState}
            allowed = TRANSITIONS[RequestState(current)] if current in known else frozenset()
            field = self.fields["state"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(code, label) for code, label in STATE_CHOICES if code in allowed]


class ReleaseForm(forms.Form):
    text = forms.CharField(
        label=_("Text for the family"),
        help_text=_("the family sees exactly this text on their status page"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        help_text=_("for the officers only: the family never sees notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
