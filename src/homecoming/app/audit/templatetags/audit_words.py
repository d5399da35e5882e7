"""Audit records in the reader's words: ``{{ r.action|audit_action }}``, ``{{ r.reason|audit_reason }}``."""

from __future__ import annotations

from django import template

from homecoming.app.audit import display, system_text

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """An audit action code as words (the audit app's one table of actions)."""
    return display.action_label(str(action or ""))


@register.filter
def audit_reason(reason: str) -> str:
    """A record's reason in the reader's language if the system wrote it, else as typed."""
    return system_text.shown(str(reason or ""))
