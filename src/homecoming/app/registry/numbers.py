"""Identifying numbers (service numbers, identity documents, references) in one stored form."""

from __future__ import annotations

import re


def normalise_number(text: str) -> str:
    """Upper-case, without spaces: how the numbers are stored, so that search matches them exactly."""
    return re.sub(r"\s+", "", text).upper()
