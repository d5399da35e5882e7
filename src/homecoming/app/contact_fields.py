"""Form fields for phone numbers, e-mail addresses and countries (the rules: ``domain.contacts``).

A country is chosen from a select of every ISO 3166-1 country, named in the language of the page and
sorted in its alphabetical order; the value stored is the alpha-2 code. A phone number is cleaned to
E.164. The services check the same values again, so the API and the imports refuse what a form refuses.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homecoming.domain import contacts


def _choices_for_page(blank: str) -> list[tuple[str, str]]:
    return [("", blank), *contacts.country_choices(get_language() or "en")]


class CountryField(forms.ChoiceField):
    """A select of the countries (alpha-2 codes), named in the active language."""

    def __init__(self, *, blank: Any = None, **kwargs: Any) -> None:
        shown = blank if blank is not None else _("— choose a country —")
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid_choice",
            _("%(value)s is not a country code: choose the country from the list"),
        )
        super().__init__(choices=lambda: _choices_for_page(str(shown)), **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value).strip()
        return text.upper() if text.upper() in contacts.COUNTRY_CODES else text

    def keep(self, value: str) -> None:
        """Offer ``value``, stored before codes were checked, so that editing does not silently drop it.

        It is shown as written and selected; saving it unchanged is refused by the service by name, so
        the user chooses the country it meant.
        """
        if value and value.strip().upper() not in contacts.COUNTRY_CODES:
            self.choices = [*self.choices, (value, value)]


class PhoneField(forms.CharField):
    """A phone number, cleaned to E.164 (a number without a country code is read as Ukrainian)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        cleaned, problem = contacts.phone_problem("phone", text)
        if problem is not None:
            raise forms.ValidationError(
                _("%(value)s is not a phone number: write it with the country code, e.g. +380 44 123 45 67"),
                code="invalid_phone",
                params={"value": text},
            )
        return cleaned


class EmailField(forms.CharField):
    """An e-mail address with a whole domain (``olga@example`` is refused, ``olga@example.org`` is not)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": "email"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        cleaned, problem = contacts.email_problem("email", text)
        if problem is not None:
            raise forms.ValidationError(
                _("%(value)s is not an e-mail address: write it as name@domain, e.g. olga@example.org"),
                code="invalid_email",
                params={"value": text},
            )
        return cleaned
