"""The linkage model's comparisons and levels in the reader's language (pages show these, never the
model's own English labels)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

COMPARISONS: dict[str, Any] = {
    "surname": _("surname"),
    "given_name": _("given name"),
    "patronymic": _("patronymic"),
    "birth_date": _("birth date"),
    "service_number": _("service number"),
    "unit": _("unit"),
    "place_of_birth": _("place of birth"),
    "sex": _("sex"),
}

LEVELS: dict[str, Any] = {
    "missing": _("not given"),
    "exact": _("the same"),
    "same key": _("the same after transliteration"),
    "same key or equivalent": _("the same name or its equivalent"),
    "swapped with given name": _("swapped with the given name"),
    "swapped with surname": _("swapped with the surname"),
    "Jaro-Winkler >= 0.92": _("very similar"),
    "Jaro-Winkler >= 0.85": _("similar"),
    "Jaro-Winkler >= 0.88": _("similar"),
    "Jaro-Winkler >= 0.9": _("similar"),
    "initial fits": _("an initial that fits"),
    "same father's name": _("the same father's name"),
    "father's names Jaro-Winkler >= 0.88": _("similar fathers' names"),
    "day and month swapped": _("day and month swapped"),
    "one digit off or two swapped": _("one digit wrong or two swapped"),
    "same year and month": _("the same year and month"),
    "same year, one partial": _("the same year (one date partial)"),
    "same year": _("the same year"),
    "a year apart": _("a year apart"),
    "same day and month": _("the same day and month"),
    "same digits": _("the same digits"),
    "one typo apart": _("one typo apart"),
    "same code": _("the same unit code"),
    "same": _("the same"),
    "different": _("different"),
}


def comparison_label(name: str) -> str:
    return str(COMPARISONS.get(name, name))


def level_label(label: str) -> str:
    return str(LEVELS.get(label, label))


def evidence_rows(evidence: Iterable[Any]) -> list[dict[str, Any]]:
    """(comparison, level, weight) triples (or lists) as rows for a page: labels translated, the weight's
    sign as ``for``/``against``/``none``."""
    rows = []
    for comparison, level, weight in evidence:
        w = float(weight or 0.0)
        rows.append(
            {
                "comparison": comparison_label(comparison),
                "level": level_label(level),
                "weight": w,
                "side": "for" if w > 0.05 else "against" if w < -0.05 else "none",
            }
        )
    return rows
