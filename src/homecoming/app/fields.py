"""Checks every service needs before writing into a model: required, lengths and choices, per field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models

from homecoming.errors import Problem


def field_problems(model: type[models.Model], data: Mapping[str, Any]) -> list[Problem]:
    """Text longer than its column and values outside a field's choices, as problems (no database error)."""
    problems = []
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        limit = getattr(field, "max_length", None)
        if isinstance(value, str) and limit and len(value) > limit:
            problems.append(
                Problem(name, f"is longer than {limit} characters", value[:40] + "…", "shorten it")
            )
        choices = [c[0] for c in field.choices or []] if getattr(field, "choices", None) else []
        if choices and value not in ("", None) and value not in choices:
            problems.append(
                Problem(name, "is not an allowed value", value, "use one of: " + ", ".join(choices))
            )
    return problems


def required(data: Mapping[str, Any], names: Sequence[str], what: str) -> list[Problem]:
    """A problem for each of ``names`` missing or empty in ``data``: ``capture_date: is required``.

    The hint reads "give the capture date of the detention" (``what``: "detention").
    """
    return [
        Problem(n, "is required", data.get(n), f"give the {n.replace('_', ' ')} of the {what}")
        for n in names
        if data.get(n) in (None, "")
    ]
