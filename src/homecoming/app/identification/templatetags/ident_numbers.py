"""Template filters: the numbers of the identification pages in the reader's locale, each in a span whose
title is the exact value (:mod:`homecoming.app.identification.numbers`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from homecoming.app.identification import numbers

register = template.Library()


@register.filter
def lr(value: Any) -> SafeString:
    """A likelihood ratio, four significant digits (``3,23 × 10¹⁴``)."""
    return numbers.shown(numbers.lr(value), value)


@register.filter
def sig(value: Any, digits: int = 4) -> SafeString:
    """A number with ``digits`` significant digits."""
    return numbers.shown(numbers.number(value, int(digits)), value)


@register.filter
def log10(value: Any) -> SafeString:
    """A log10, two decimals."""
    return numbers.shown(numbers.log10(value), value)


@register.filter
def probability(value: Any) -> SafeString:
    """A probability with the digits that show it is not 1."""
    return numbers.shown(numbers.posterior(value), value)
