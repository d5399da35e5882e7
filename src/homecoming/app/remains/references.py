"""Check-digited reference numbers of remains, samples, effects and intake batches.

``PP-YYYY-NNNNNN-CC``: a two-letter prefix (RU remains unit, SM sample, PE personal effect, IB intake
batch, FH handover to the family), the year of registration, a six-digit serial per prefix and year,
and two ISO 7064 MOD 97-10 check digits over everything before them (``homecoming.domain.checkdigit``).
Any single wrong character and any swap of two adjacent characters is detected.
See docs/formats/reference-numbers.md.
"""

from __future__ import annotations

import re

from django.utils import timezone

from homecoming.app.registry.services import allocate
from homecoming.domain.checkdigit import add_check, verify_check
from homecoming.errors import Problem, ValidationError

PREFIXES = {
    "RU": "remains unit",
    "SM": "sample",
    "PE": "personal effect",
    "IB": "intake batch",
    "FH": "handover to the family",
}
PATTERN = re.compile(r"(RU|SM|PE|IB|FH)-(\d{4})-(\d{6})-(\d{2})")


def format_reference(prefix: str, year: int, number: int) -> str:
    return add_check(f"{prefix}-{year:04d}-{number:06d}-")


def new_references(prefix: str, count: int = 1, *, year: int | None = None) -> list[str]:
    """Allocate ``count`` consecutive references (inside the caller's transaction)."""
    year = year or timezone.now().year
    return [format_reference(prefix, year, n) for n in allocate(f"remains:{prefix}:{year}", count)]


def check_reference(text: str, *, field: str = "reference") -> str:
    """The reference in canonical form; a malformed one or a typo (bad check digits) is refused."""
    compact = text.strip().upper().replace(" ", "")
    if not PATTERN.fullmatch(compact):
        raise ValidationError.from_problems(
            [
                Problem(
                    field,
                    "is not a reference number",
                    text,
                    "write it as PP-YYYY-NNNNNN-CC, e.g. RU-2025-000017-xx (PP: " + ", ".join(PREFIXES) + ")",
                )
            ]
        )
    if not verify_check(compact):
        raise ValidationError.from_problems(
            [
                Problem(
                    field,
                    "has wrong check digits: a character is mistyped or two are swapped",
                    text,
                    "read the label again and retype the reference",
                )
            ]
        )
    return compact
