"""Numbers of the identification pages and the report in the reader's locale (presentation only).

Likelihood ratios with four significant digits, in scientific notation when large or small
(``3,23 × 10¹⁴``); log10 with two decimals; a posterior with as many digits as it takes to show it is
not 1 (``1 − 1,7 × 10⁻¹³``). The exact values stay in the API and in the ``title`` of the number shown.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString

__all__ = ["exact", "log10", "lr", "number", "posterior", "shown"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
DASH = "—"


def _float(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _fixed(x: float, decimals: int) -> str:
    """``x`` with at most ``decimals`` decimals (trailing zeros dropped), the locale's separator."""
    text = f"{x:.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return str(formats.number_format(text, use_l10n=True))


def _scientific(x: float, digits: int) -> str:
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{_fixed(float(mantissa), digits - 1)} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def number(value: Any, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits in the active locale; scientific below 10⁻⁴ and
    from 10⁶ on; ``∞`` for an infinite value, ``—`` for none."""
    x = _float(value)
    if x is None or math.isnan(x):
        return DASH
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    if not 1e-4 <= abs(x) < 1e6:
        return _scientific(x, digits)
    rounded = float(f"{x:.{digits - 1}e}")
    if abs(rounded) >= 1e6:
        return _scientific(x, digits)
    return _fixed(rounded, digits - 1 - math.floor(math.log10(abs(rounded))))


def lr(value: Any) -> str:
    """A likelihood ratio: four significant digits (scientific for large and small values)."""
    return number(value, 4)


def log10(value: Any) -> str:
    x = _float(value)
    if x is None or math.isnan(x):
        return DASH
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return str(formats.number_format(round(x, 2), 2, use_l10n=True))


def posterior(value: Any) -> str:
    """A probability with the digits it takes to show it is not 1: ``0,9995``, ``1 − 1,7 × 10⁻¹³``."""
    p = _float(value)
    if p is None or math.isnan(p):
        return DASH
    if p >= 1:
        return "1"
    if p <= 0:
        return "0"
    if p < 0.99:
        return number(p, 4)
    q = 1 - p
    decimals = math.ceil(-math.log10(q) - 1e-9) + 1
    if decimals <= 6:
        return _fixed(p, decimals)
    return f"1 − {number(q, 2)}"


def exact(value: Any) -> str:
    """The stored value as it is (``repr`` of a float), for a ``title``."""
    x = _float(value)
    return DASH if x is None else repr(x)


def shown(text: str, value: Any) -> SafeString:
    """``text`` in a span whose title is the exact value."""
    return format_html('<span class="num" title="{}">{}</span>', exact(value), text)
