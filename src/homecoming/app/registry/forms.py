"""Forms of the registry pages; the rules themselves live in services and domain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from homecoming.app.contact_fields import CountryField, EmailField, PhoneField
from homecoming.app.registry.choices import (
    CASE_STATES,
    LANGUAGES,
    NameKind,
    PersonStatusChoice,
    ReliabilityChoice,
    Script,
    SourceTypeChoice,
)
from homecoming.app.registry.models import Person
from homecoming.io.person_columns import PERSON_FIELDS

# The one person field list (io.person_columns), but the date an age is as of: a page gives it as of today.
PERSON_FORM_FIELDS = [f for f in PERSON_FIELDS if f != "age_on"]


class PersonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("reason for the change"), required=False, max_length=500)
    # a model field's label starts with a capital on the form (Django's capfirst of its verbose name)
    citizenship = CountryField(label=capfirst(_("citizenship")), required=False)
    power = CountryField(label=capfirst(_("Power on which the person depends")), required=False)

    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS
        widgets = {
            "distinguishing_marks": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:  # a new person has nothing to change yet: no reason asked
            del self.fields["reason"]
        for name in ("citizenship", "power"):
            field = self.fields[name]
            assert isinstance(field, CountryField)
            field.keep(getattr(self.instance, name) or "")

    def clean_birth_date(self) -> str:
        return (self.cleaned_data.get("birth_date") or "").strip()


class NameFormForm(forms.Form):
    family_name = forms.CharField(label=_("family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("given name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("patronymic"), max_length=100, required=False)
    script = forms.ChoiceField(
        label=_("script"), choices=[("", _("detect"))] + list(Script.choices), required=False
    )
    language = forms.ChoiceField(label=_("language"), choices=[("", _("detect"))] + LANGUAGES, required=False)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("default"))] + list(NameKind.choices), required=False
    )


NameFormSet = forms.formset_factory(NameFormForm, extra=3, max_num=10)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("name, service number or reference"), required=False)
    birth_date = forms.CharField(
        label=_("birth date"), required=False, help_text=_("1990, 1990-05 or 1990-05-17")
    )
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("any"))] + list(PersonStatusChoice.choices), required=False
    )
    include_merged = forms.BooleanField(label=_("also persons merged into another"), required=False)


class CaseForm(forms.Form):
    last_contact_date = forms.CharField(label=_("last contact date"), required=False)
    last_contact_place = forms.CharField(label=_("last contact place"), required=False, max_length=200)
    last_contact_latitude = forms.CharField(
        label=_("last contact latitude"), required=False, help_text=_("decimal degrees, e.g. 48.015883")
    )
    last_contact_longitude = forms.CharField(
        label=_("last contact longitude"), required=False, help_text=_("decimal degrees, e.g. 37.802850")
    )
    unit_at_disappearance = forms.CharField(label=_("unit at disappearance"), required=False, max_length=200)
    circumstances = forms.CharField(label=_("circumstances"), required=False, widget=forms.Textarea)
    external_references = forms.CharField(
        label=_("external references (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    enquirer_name = forms.CharField(label=_("enquirer's name"), required=False, max_length=200)
    enquirer_relationship = forms.CharField(label=_("relationship"), required=False, max_length=100)
    enquirer_phone = PhoneField(
        label=_("phone"), required=False, help_text=_("with the country code, e.g. +380 44 123 45 67")
    )
    enquirer_email = EmailField(label=_("email"), required=False)


class TransitionForm(forms.Form):
    state = forms.ChoiceField(label=_("new state"), choices=CASE_STATES)
    reason = forms.CharField(label=_("reason"), required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssertionForm(forms.Form):
    status = forms.ChoiceField(label=_("claimed status"), choices=PersonStatusChoice.choices)
    source_type = forms.ChoiceField(label=_("source type"), choices=SourceTypeChoice.choices)
    source_name = forms.CharField(label=_("source name"), max_length=200)
    source_date = forms.DateField(label=_("source date"), widget=forms.DateInput(attrs={"type": "date"}))
    reliability = forms.ChoiceField(label=_("reliability"), choices=ReliabilityChoice.choices, initial="F")
    evidence = forms.CharField(label=_("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accepted", _("accept")), ("rejected", _("reject"))])
    note = forms.CharField(required=False, max_length=1000)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("photo (JPEG or PNG)"))
    caption = forms.CharField(label=_("caption"), required=False, max_length=200)
