"""Forms of the remains pages; the rules themselves live in the services and in ``homecoming.domain``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homecoming.app.remains.choices import (
    APPARENT_SEX,
    REMAINS_STATES,
    UNIT_KINDS,
    Disposition,
    EffectKind,
    SampleKind,
)
from homecoming.app.remains.models import IntakeBatch

DT = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})  # seconds allowed, not required


class BatchForm(forms.ModelForm):
    class Meta:
        model = IntakeBatch
        fields = [
            "operation",
            "source",
            "transport",
            "vehicles",
            "containers_declared",
            "containers_counted",
            "receiving_facility",
            "received_at",
            "handed_over_by",
            "received_by",
            "notes",
        ]
        widgets = {"received_at": DT}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("receiving_facility", "handed_over_by", "received_by"):
            self.fields[name].required = False  # the service names what is missing, with a hint


class ScanForm(forms.Form):
    label = forms.CharField(
        label=_("Bag label"),
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UNIT_KINDS, initial="container")
    seal = forms.CharField(label=_("Seal number"), max_length=64, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Manifest (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False, initial=True)


class TransitionForm(forms.Form):
    state = forms.ChoiceField(label=_("New state"), choices=REMAINS_STATES)
    reason = forms.CharField(label=_("Reason"), required=False)
    grave = forms.CharField(label=_("Grave (cemetery, plot, marker)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CustodyForm(forms.Form):
    at = forms.DateTimeField(label=_("Time"), required=False, widget=DT)
    from_custodian = forms.CharField(label=_("From (custodian)"), max_length=200)
    to_custodian = forms.CharField(label=_("To (custodian)"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    storage_unit = forms.CharField(label=_("Storage unit"), max_length=100, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    seal_before = forms.CharField(label=_("Seal found"), max_length=64, required=False)
    seal_after = forms.CharField(label=_("Seal applied"), max_length=64, required=False)
    condition = forms.CharField(label=_("Condition"), max_length=200, required=False)
    from_signer = forms.CharField(label=_("Signed by (handing over)"), max_length=200)
    to_signer = forms.CharField(label=_("Signed by (receiving)"), max_length=200)
    supersedes = forms.IntegerField(label=_("Corrects event #"), required=False)
    reason = forms.CharField(label=_("Reason for the correction"), required=False)


class RecoveryForm(forms.Form):
    """Where and when the unit was recovered; the service checks the values (and names the field)."""

    date_of_recovery = forms.CharField(
        label=_("Date of recovery"), required=False, help_text=_("2024, 2024-05 or 2024-05-17")
    )
    place = forms.CharField(label=_("Place of death or recovery"), required=False, max_length=200)
    recovery_latitude = forms.CharField(
        label=_("Latitude of recovery"), required=False, help_text=_("decimal degrees, e.g. 48.015883")
    )
    recovery_longitude = forms.CharField(
        label=_("Longitude of recovery"), required=False, help_text=_("decimal degrees, e.g. 37.802850")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SplitForm(forms.Form):
    bodies = forms.IntegerField(label=_("Bodies"), min_value=0, max_value=200, initial=0)
    body_parts = forms.IntegerField(label=_("Body parts"), min_value=0, max_value=500, initial=0)
    reason = forms.CharField(label=_("Note"), required=False)


class LinkForm(forms.Form):
    other = forms.CharField(label=_("Other unit (reference)"), max_length=24)
    kind = forms.ChoiceField(
        label=_("Link"),
        choices=[("same_individual", _("same individual as")), ("commingled_with", _("commingled with"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class ExaminationForm(forms.Form):
    examined_at = forms.DateTimeField(label=_("Examined at"), required=False, widget=DT)
    place = forms.CharField(label=_("Place"), required=False)
    external = forms.CharField(label=_("External examination"), widget=forms.Textarea, required=False)
    sex = forms.ChoiceField(label=_("Sex (anthropology)"), choices=APPARENT_SEX, initial="undetermined")
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=130)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=130)
    stature_cm = forms.IntegerField(label=_("Stature (cm)"), required=False)
    anthropology_notes = forms.CharField(label=_("Anthropology notes"), widget=forms.Textarea, required=False)
    dental = forms.CharField(
        label=_("Odontology (FDI): one tooth per line, e.g. '36: amalgam filling'"),
        widget=forms.Textarea,
        required=False,
    )
    fingerprints_taken = forms.BooleanField(label=_("Fingerprints taken"), required=False)
    marks = forms.CharField(label=_("Marks, scars, tattoos"), widget=forms.Textarea, required=False)
    clothing = forms.CharField(label=_("Clothing"), widget=forms.Textarea, required=False)
    cause_of_death = forms.CharField(label=_("Cause of death"), widget=forms.Textarea, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)


class SampleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SampleKind.choices)
    description = forms.CharField(label=_("Description (tooth: FDI number first)"), required=False)
    seal_after = forms.CharField(label=_("Seal applied"), required=False)


class EffectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EffectKind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    packet_number = forms.CharField(label=_("Sealed packet number"), required=False)
    photo = forms.FileField(label=_("Photo"), required=False)


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices)
    reason = forms.CharField(label=_("Note"), required=False)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=200)
    from_signer = forms.CharField(label=_("Signed by (handing over)"), max_length=200)
    to_signer = forms.CharField(label=_("Signed by (carrier)"), max_length=200)
    seal_after = forms.CharField(label=_("Seal applied"), required=False)


class ReceiveForm(forms.Form):
    laboratory = forms.CharField(label=_("Receiving laboratory"), max_length=200)
    accession_number = forms.CharField(label=_("Accession number"), max_length=64)
    from_signer = forms.CharField(label=_("Signed by (carrier)"), max_length=200)
    to_signer = forms.CharField(label=_("Signed by (laboratory)"), max_length=200)
    seal_before = forms.CharField(label=_("Seal found"), required=False)
    seal_after = forms.CharField(label=_("Seal applied"), required=False)
    storage_unit = forms.CharField(label=_("Storage unit"), required=False)
