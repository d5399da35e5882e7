"""Forms of the captivity pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homecoming.app.captivity.choices import (
    Art110Category,
    Consent,
    EventKind,
    Finding,
    HealthCondition,
    HealthOnCard,
    Recipient,
)
from homecoming.app.contact_fields import CountryField

DATE = forms.DateInput(attrs={"type": "date"})


class DetentionForm(forms.Form):
    detaining_power = CountryField(label=_("detaining power"))
    capture_date = forms.DateField(label=_("capture date"), widget=DATE)
    capture_place = forms.CharField(label=_("place of capture"), max_length=200, required=False)
    capture_circumstances = forms.CharField(
        label=_("circumstances of capture"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    internment_number = forms.CharField(label=_("internment number"), max_length=50, required=False)
    current_place = forms.CharField(label=_("current place of detention"), max_length=200, required=False)
    seriously_ill = forms.BooleanField(label=_("seriously ill or wounded"), required=False)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("event"), choices=EventKind.choices)
    date = forms.DateField(label=_("date"), widget=DATE)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    details = forms.CharField(label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CardForm(forms.Form):
    power = CountryField(label=_("Power on which the prisoner depends"))
    family_name = forms.CharField(label=_("name"), max_length=100)
    first_names = forms.CharField(label=_("first names (in full)"), max_length=200)
    father_first_name = forms.CharField(label=_("first name of father"), max_length=100, required=False)
    date_of_birth = forms.CharField(label=_("date of birth"), max_length=10, required=False)
    place_of_birth = forms.CharField(label=_("place of birth"), max_length=200, required=False)
    rank = forms.CharField(label=_("rank"), max_length=100, required=False)
    service_number = forms.CharField(label=_("service number"), max_length=50, required=False)
    family_address = forms.CharField(
        label=_("address of family"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    taken_prisoner_on = forms.DateField(label=_("taken prisoner on"), required=False, widget=DATE)
    coming_from = forms.CharField(label=_("or coming from (camp, hospital)"), max_length=200, required=False)
    health = forms.ChoiceField(
        label=_("state of health"), choices=[("", "—")] + list(HealthOnCard.choices), required=False
    )
    present_address = forms.CharField(
        label=_("present address (prisoner number, camp)"), max_length=200, required=False
    )
    card_date = forms.DateField(label=_("date"), required=False, widget=DATE)


class DispatchForm(forms.Form):
    recipient = forms.ChoiceField(label=_("sent to"), choices=Recipient.choices)
    sent_on = forms.DateField(label=_("sent on"), widget=DATE)
    method = forms.CharField(label=_("how"), max_length=100, required=False)
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)


class HealthForm(forms.Form):
    on = forms.DateField(label=_("date"), widget=DATE)
    condition = forms.ChoiceField(label=_("condition"), choices=HealthCondition.choices)
    report = forms.CharField(label=_("report"), widget=forms.Textarea)


class EligibilityForm(forms.Form):
    category = forms.ChoiceField(label=_("Art. 110 category"), choices=Art110Category.choices)
    commission_date = forms.DateField(label=_("medical commission date"), required=False, widget=DATE)
    finding = forms.ChoiceField(label=_("finding"), choices=Finding.choices)
    consent = forms.ChoiceField(label=_("prisoner's consent"), choices=Consent.choices)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
