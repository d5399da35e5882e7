"""Check digits for reference numbers: ISO/IEC 7064 MOD 97-10 (the scheme of IBAN).

Letters count as numbers (A=10 ... Z=35), case is ignored, and spaces and hyphens are ignored, so
"HC-2024-000123" is checked as "HC2024000123". :func:`add_check` appends two digits; the whole
string is valid when its number is 1 modulo 97. MOD 97-10 catches every single-character error and
every swap of two adjacent characters.
"""

from __future__ import annotations

import re

from homecoming.errors import Problem, ValidationError

_SEPARATORS = re.compile(r"[\s-]")
_ALNUM = re.compile(r"[0-9A-Z]+")


def _digits(text: str, *, field: str) -> str:
    compact = _SEPARATORS.sub("", text).upper()
    if not _ALNUM.fullmatch(compact):
        raise ValidationError.from_problems(
            [
                Problem(
                    field,
                    "may contain only letters A-Z, digits, spaces and hyphens",
                    text,
                    "check the reference number for typing errors",
                )
            ]
        )
    return "".join(str(int(ch, 36)) for ch in compact)


def add_check(text: str, *, field: str = "reference") -> str:
    """``text`` followed by its two MOD 97-10 check digits ("HC-2024-1" -> "HC-2024-1" + "NN")."""
    remainder = int(_digits(text, field=field) + "00") % 97
    return f"{text}{98 - remainder:02d}"


def verify_check(text: str) -> bool:
    """True when ``text`` ends with correct MOD 97-10 check digits; False for malformed text."""
    compact = _SEPARATORS.sub("", text)
    if len(compact) < 3 or not compact[-2:].isdigit():
        return False
    try:
        return int(_digits(text, field="reference")) % 97 == 1
    except ValidationError:
        return False


__all__ = ["add_check", "verify_check"]
