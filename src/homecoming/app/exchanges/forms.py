"""Forms of the exchanges pages (the services validate again and name every problem)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from homecoming.app.exchanges import choices as c
from homecoming.app.exchanges.models import Party


def _parties() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in Party.objects.all()]


class _PartyForm(forms.Form):
    party_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.party_fields:
            required = self.fields[name].required
            self.fields[name] = forms.ChoiceField(
                label=self.fields[name].label,
                required=required,
                choices=([("", "—")] if not required else []) + _parties(),
            )


class AgreementForm(_PartyForm):
    party_fields = ("party_a", "party_b")
    reference = forms.CharField(label=_("Reference"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=300)
    party_a = forms.CharField(label=_("Party A"))
    party_b = forms.CharField(label=_("Party B"))
    intermediary = forms.CharField(label=_("Intermediary"), required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_qualifier = forms.ChoiceField(label=_("Date is"), choices=c.DateQualifier.choices)
    date_note = forms.CharField(label=_("Date as reported"), required=False)
    place = forms.CharField(label=_("Place"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CategoryForm(_PartyForm):
    party_fields = ("giving_party",)
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.ChoiceField(label=_("Unit"), choices=c.Unit.choices)
    rule = forms.ChoiceField(label=_("Quota rule"), choices=c.QuotaRule.choices)
    quota = forms.IntegerField(label=_("Quota"), required=False, min_value=0)
    giving_party = forms.CharField(label=_("Giving party (unilateral)"), required=False)
    criterion = forms.CharField(label=_("Criterion"), required=False)


class StatementForm(_PartyForm):
    party_fields = ("party",)
    party = forms.CharField(label=_("Party"))
    characterisation = forms.ChoiceField(label=_("Calls it"), choices=c.Characterisation.choices)
    text = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 2}))
    speaker = forms.CharField(label=_("Speaker"), required=False)
    source = forms.CharField(label=_("Source"), required=False)
    stated_on = forms.DateField(
        label=_("Stated on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_note = forms.CharField(label=_("Date as reported"), required=False)


class TransitionForm(forms.Form):
    to_state = forms.CharField(label=_("New state"))
    reason = forms.CharField(label=_("Reason"), required=False)


class OperationForm(_PartyForm):
    party_fields = ("party_a", "party_b")
    reference = forms.CharField(label=_("Reference"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=c.OperationKind.choices)
    agreement = forms.IntegerField(label=_("Agreement id"), required=False, widget=forms.HiddenInput)
    party_a = forms.CharField(label=_("Party A (without agreement)"), required=False)
    party_b = forms.CharField(label=_("Party B (without agreement)"), required=False)
    stage = forms.CharField(label=_("Stage"), required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_qualifier = forms.ChoiceField(label=_("Date is"), choices=c.DateQualifier.choices)
    date_note = forms.CharField(label=_("Date as reported"), required=False)
    place = forms.CharField(label=_("Place"), required=False)
    place_undisclosed = forms.BooleanField(label=_("Place undisclosed"), required=False)
    intermediary = forms.CharField(label=_("Intermediary"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FigureForm(_PartyForm):
    party_fields = ("sending_party", "receiving_party", "source_party")
    sending_party = forms.CharField(label=_("From"), required=False)
    receiving_party = forms.CharField(label=_("To"), required=False)
    value = forms.IntegerField(label=_("Value"), required=False, min_value=0)
    qualifier = forms.ChoiceField(label=_("Qualifier"), choices=c.Qualifier.choices)
    measure = forms.ChoiceField(label=_("What is counted"), choices=c.Measure.choices)
    role = forms.ChoiceField(label=_("Role"), choices=c.FigureRole.choices)
    source_kind = forms.ChoiceField(label=_("Source kind"), choices=c.SourceKind.choices)
    source_name = forms.CharField(label=_("Source"), max_length=300)
    source_party = forms.CharField(label=_("Source speaks for"), required=False)
    reported_on = forms.DateField(
        label=_("Reported on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_note = forms.CharField(label=_("Date as reported"), required=False)
    reliability = forms.ChoiceField(label=_("Reliability"), choices=c.Reliability.choices, initial="F")
    quote = forms.CharField(label=_("Quote"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ManifestImportForm(_PartyForm):
    """The direction offers the operation's two parties only; a new form proposes the other party → ours.

    A form sent back with an error keeps every option chosen (the file alone must be chosen again: no
    browser lets a page refill a file input).
    """

    party_fields = ("sending", "receiving")
    sending = forms.CharField(label=_("Sending party"))
    receiving = forms.CharField(label=_("Receiving party"))
    stage = forms.ChoiceField(label=_("Stage"), choices=c.ManifestStage.choices)
    reason = forms.CharField(label=_("Reason (when superseding a version)"), required=False)
    file = forms.FileField(label=_("Manifest file (.csv or .xlsx)"))
    dry_run = forms.BooleanField(label=_("Only check, import nothing"), required=False)

    def __init__(self, *args: Any, operation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # shown again only after an error (a good import leaves the page)
            self.fields["file"].help_text = _(
                "choose the file again: a browser does not keep a chosen file when a form comes back"
            )
        if operation is None or not (operation.party_a_id and operation.party_b_id):
            return
        pair = [operation.party_a, operation.party_b]
        for name in self.party_fields:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—")] + [(p.code, p.name) for p in pair]
        codes = [p.code for p in pair]
        if settings.OWN_POWER in codes:  # remains and prisoners come home: the other party → ours
            codes.remove(settings.OWN_POWER)
            codes.append(settings.OWN_POWER)
        self.fields["sending"].initial, self.fields["receiving"].initial = codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sending, receiving = data.get("sending"), data.get("receiving")
        if sending and sending == receiving:
            self.add_error(
                "receiving",
                _("%(party)s sends to itself: choose the other party as the receiving party")
                % {"party": sending},
            )
        return data
