"""Shared form helpers: show a service's problems on the form fields they name."""

from __future__ import annotations

from django import forms

from homecoming.errors import HomecomingError


def _visible(form: forms.Form, name: str | None) -> str | None:
    """The field to attach an error to: the named field if shown on the page, else the whole form."""
    if name and name in form.fields and not form.fields[name].widget.is_hidden:
        return name
    return None


def show_problems(form: forms.Form, exc: HomecomingError) -> None:
    """Attach each problem of ``exc`` to the field it names, or to the form if there is no such field; a
    refusal the pages know (a refused state change, an edit conflict, a missing reason) in the reader's
    language (:mod:`homecoming.app.refusals`)."""
    from homecoming.app import refusals

    said = refusals.shown(exc)
    if said != str(exc):
        form.add_error(_visible(form, exc.field), said)
        return
    problems = exc.problems or []
    if not problems:
        form.add_error(_visible(form, exc.field), str(exc))
        return
    for p in problems:
        text = (
            p.message
            + (f" ({p.value!r})" if p.value not in (None, "") else "")
            + (f" — {p.hint}" if p.hint else "")
        )
        field = _visible(form, p.field)
        form.add_error(field, text if field else f"{p.field}: {text}")
