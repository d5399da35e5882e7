"""Country codes as a reader reads them.

``{{ code|country }}``: a country code as its name in the page's language with the code, ``Україна (UA)``.
A value written before the checks (no country's code) is shown as it was written.
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from homecoming.domain import contacts

register = template.Library()


@register.filter
def country(code: object) -> str:
    text = str(code or "").strip()
    if text.upper() not in contacts.COUNTRY_CODES:
        return text
    return f"{contacts.country_name(text, get_language() or 'en')} ({text.upper()})"
