"""``{% load counts %}{{ n|count }}``: a count grouped by thousands in the page's language (``6 000``)."""

from __future__ import annotations

from typing import Any

from django import template

from homecoming.app import counts

register = template.Library()


@register.filter
def count(value: Any) -> str:
    return counts.count(value)
