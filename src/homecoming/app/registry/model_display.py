"""The linkage model in numbers for the pages: its weights (bits) and probabilities in the page's language,
comparisons and levels labelled (``linkage_labels``) and in the pages' order."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format

from homecoming.app.registry.linkage_labels import COMPARISONS, comparison_label, level_label
from homecoming.linkage.model import describe


def bits(weight: float | None) -> str:
    """A match weight in bits, signed, in the page's language ("+12.3", "−4.5"; "—" for none)."""
    if weight is None or not math.isfinite(weight):
        return "—"
    text = number_format(abs(weight), decimal_pos=1)
    return ("+" if weight >= 0.05 else "−" if weight <= -0.05 else "") + text


def probability(value: float | None) -> str:
    """A probability (m, u) as a decimal in the page's language; tiny ones as a power of ten."""
    if value is None:
        return "—"
    if value == 0:
        return "0"
    if value >= 0.001:
        return number_format(value, decimal_pos=4 if value < 0.01 else 3)
    exponent = math.floor(math.log10(value))
    mantissa = value / 10**exponent
    superscript = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{number_format(mantissa, decimal_pos=1)}·10{superscript}"


def percent(value: float) -> str:
    """A match probability as a percentage in the page's language ("97.4 %")."""
    return f"{number_format(100 * value, decimal_pos=1)} %"


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    m: float | None
    u: float | None
    weight: float | None

    @property
    def m_text(self) -> str:
        return probability(self.m)

    @property
    def u_text(self) -> str:
        return probability(self.u)

    @property
    def weight_text(self) -> str:
        return bits(self.weight)

    @property
    def side(self) -> str:
        """for, against or none (the CSS class of its weight)."""
        return side(self.weight)


def side(weight: float | None) -> str:
    if weight is None or abs(weight) < 0.05:
        return "none"
    return "for" if weight > 0 else "against"


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    levels: tuple[Level, ...]


def weights(settings: Mapping[str, Any]) -> list[Comparison]:
    """The model's comparisons and levels (the null level left out: it weighs nothing), labelled."""
    grouped: dict[str, list[Level]] = {}
    for row in describe(settings):
        grouped.setdefault(row["comparison"], []).append(
            Level(row["level"], level_label(row["level"]), row["m"], row["u"], row["weight"])
        )
    order = [c for c in COMPARISONS if c in grouped] + [c for c in grouped if c not in COMPARISONS]
    return [Comparison(c, comparison_label(c), tuple(grouped[c])) for c in order]


def prior_bits(settings: Mapping[str, Any]) -> tuple[float, float]:
    """The prior: the probability that two records picked at random are one person, and its weight."""
    p = float(settings.get("probability_two_random_records_match") or 0.0)
    return p, (math.log2(p / (1 - p)) if 0 < p < 1 else float("nan"))


@dataclass(frozen=True)
class Evidence:
    """One comparison of a pair as the model weighed it."""

    key: str
    label: str
    level: str
    weight: float

    @property
    def weight_text(self) -> str:
        return bits(self.weight)

    @property
    def side(self) -> str:
        return side(self.weight)


def evidence(rows: Sequence[Sequence[Any]]) -> list[Evidence]:
    """A stored pair's evidence (``[comparison, level, weight]`` rows) labelled, in the pages' order."""
    found = [Evidence(str(c), comparison_label(str(c)), level_label(str(lv)), float(w)) for c, lv, w in rows]
    order = list(COMPARISONS)
    found.sort(key=lambda e: order.index(e.key) if e.key in order else len(order))
    return found


__all__ = [
    "Comparison",
    "Evidence",
    "Level",
    "bits",
    "evidence",
    "percent",
    "prior_bits",
    "probability",
    "weights",
]
