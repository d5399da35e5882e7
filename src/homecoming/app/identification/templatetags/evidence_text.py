"""Template filters: a stored factor's or rule's explanation, and a factor's name, in the reader's language
(:mod:`homecoming.app.identification.evidence_text`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from homecoming.app.identification import evidence_text

register = template.Library()


@register.filter
def factor_explanation(factor: Mapping[str, Any]) -> str:
    return evidence_text.factor_explanation(factor)


@register.filter
def factor_label(factor: Mapping[str, Any]) -> str:
    return evidence_text.factor_label(factor)


@register.filter
def rule_explanation(rule: Mapping[str, Any]) -> str:
    return evidence_text.rule_explanation(rule)
