"""Shared form helpers: show a service's problems on the form fields they name."""

from __future__ import annotations

from django import forms

from homecoming.errors import HomecomingError


def show_problems(
    form: forms.Form, exc: HomecomingError, *, prefix_map: dict[str, forms.Form] | None = None
) -> None:
    """Attach each problem of ``exc`` to the field it names, or to the form if there is no such field."""
    problems = exc.problems or []
    if not problems:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        return
    for p in problems:
        target = form
        name = p.field
        if prefix_map:
            for prefix, other in prefix_map.items():
                if name.startswith(prefix):
                    target, name = other, name.split(".", 1)[-1]
        text = (
            p.message
            + (f" ({p.value!r})" if p.value not in (None, "") else "")
            + (f" — {p.hint}" if p.hint else "")
        )
        target.add_error(
            name if name in target.fields else None, text if name in target.fields else f"{p.field}: {text}"
        )
