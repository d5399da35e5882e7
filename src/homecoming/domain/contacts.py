"""Phone numbers, e-mail addresses and country codes: checked and written one way everywhere.

- A phone number is parsed by ``phonenumbers`` (Google's libphonenumber), a number without a country
  code as a Ukrainian one, and stored in E.164: ``044 123 45 67`` → ``+380441234567``.
- An e-mail address needs a name, an ``@`` and a domain with a dot: ``olga@example`` is refused.
- A country is an ISO 3166-1 alpha-2 code from ``pycountry``'s list (``XX`` is refused), stored upper-case;
  :func:`country_choices` gives the list with each name in Ukrainian, Russian or English, sorted in that
  language's alphabetical order.

Each check returns the cleaned value and a :class:`~homecoming.errors.Problem` naming the field, the value
and the fix (``None`` when the value is good). An empty value is good and stays empty.
"""

from __future__ import annotations

import functools
import gettext
import re

import phonenumbers
import pycountry

from homecoming.errors import Problem

#: the region a phone number without a country code is read in
DEFAULT_PHONE_REGION = "UA"

COUNTRY_CODES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)

# name@domain.tld: no spaces, one @, a domain of dot-separated labels ending in a label of 2+ letters
_EMAIL = re.compile(
    r"[^@\s\"(),:;<>\[\]\\]+@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})",
    re.IGNORECASE,
)

_ALPHABETS = {
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def phone_problem(field: str, value: str | None) -> tuple[str, Problem | None]:
    """``(E.164 number, None)`` for a valid phone number, ``(value, problem)`` otherwise."""
    text = (value or "").strip()
    if not text:
        return "", None
    hint = "write it with the country code, e.g. +380 44 123 45 67 (without one it is read as Ukrainian)"
    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return text, Problem(field, "is not a phone number", text, hint)
    if not phonenumbers.is_valid_number(number):
        return text, Problem(field, "is not a valid phone number", text, hint)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def email_problem(field: str, value: str | None) -> tuple[str, Problem | None]:
    """``(address, None)`` for a plausible e-mail address, ``(value, problem)`` otherwise."""
    text = (value or "").strip()
    if not text:
        return "", None
    if len(text) > 254 or not _EMAIL.fullmatch(text) or ".." in text:
        return text, Problem(
            field,
            "is not an e-mail address",
            text,
            "write it as name@domain with the whole domain, e.g. olga@example.org",
        )
    return text, None


def country_problem(field: str, value: str | None) -> tuple[str, Problem | None]:
    """``(upper-case alpha-2 code, None)`` for an ISO 3166-1 country, ``(value, problem)`` otherwise."""
    text = (value or "").strip()
    if not text:
        return "", None
    code = text.upper()
    if code in COUNTRY_CODES:
        return code, None
    return text, Problem(
        field,
        "is not an ISO 3166-1 alpha-2 country code",
        text,
        "use the two-letter code of a country, e.g. UA for Ukraine, PL for Poland",
    )


def _sort_key(name: str, language: str) -> tuple[tuple[int, int], ...]:
    alphabet = _ALPHABETS.get(language, "")
    key = []
    for ch in name.casefold():
        at = alphabet.find(ch)
        # letters of the language first in their order, then everything else by code point
        key.append((0, at) if at >= 0 else (1, ord(ch)))
    return tuple(key)


@functools.cache
def country_choices(language: str = "en") -> tuple[tuple[str, str], ...]:
    """Every ISO 3166-1 country as ``(alpha-2 code, name in language)``, sorted by that name.

    ``language`` is ``uk``, ``ru`` or anything else for English (pycountry's gettext catalogues).
    """
    lang = (language or "en").split("-")[0].lower()
    try:
        catalogue: gettext.NullTranslations = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[lang]
        )
    except OSError:
        catalogue = gettext.NullTranslations()
    named = [
        (c.alpha_2, catalogue.gettext(getattr(c, "common_name", None) or c.name)) for c in pycountry.countries
    ]
    return tuple(sorted(named, key=lambda pair: _sort_key(pair[1], lang)))


def country_name(code: str, language: str = "en") -> str:
    """The name of the country ``code`` in ``language``; the code itself when it is no country."""
    return dict(country_choices(language)).get((code or "").upper(), code)
