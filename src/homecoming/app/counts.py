"""Counts as people read them in the page's language: ``6 000`` in Ukrainian, ``6,000`` in English.

Only for what people read (tables, charts, messages); identifiers, years, CSV and JSON keep plain digits.
Grouped by the active locale's ``THOUSAND_SEPARATOR`` whatever ``USE_THOUSAND_SEPARATOR`` says (that
setting would also group the ids in links and the years on the pages).
"""

from __future__ import annotations

from typing import Any

from django.utils import formats


def count(value: Any) -> str:
    """``value`` grouped by thousands in the active language; ``None`` and ``""`` stay as they are."""
    if value is None or value == "" or isinstance(value, bool):
        return "" if value is None else str(value)
    try:
        return str(formats.number_format(value, force_grouping=True, use_l10n=True))
    except (TypeError, ValueError):
        return str(value)
