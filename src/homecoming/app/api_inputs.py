"""The constraints of a model's columns on the API schema that takes them, so the schema documents them
and the API refuses what breaks them before any service runs.

``@constrained(Model)`` on an input schema gives each text field that is a column of ``Model`` (same
name, or the name given in ``columns``) the column's maximum length and, when the column has choices,
those choices as an enum (``""`` too when the column may be blank or the field defaults to it). A value
beyond them is refused with 422 in the one error shape, naming the field and the value.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from copy import copy
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from django.db import models
from pydantic import StringConstraints, create_model
from pydantic.fields import FieldInfo

_NONE = type(None)


def _is_text(annotation: Any) -> tuple[bool, bool]:
    """(is it ``str`` or ``str | None``, may it be None)."""
    if annotation is str:
        return True, False
    if get_origin(annotation) in (Union, types.UnionType):
        args = set(get_args(annotation))
        return args == {str, _NONE}, _NONE in args
    return False, False


def column_constraints(model: type[models.Model], column: str, info: FieldInfo) -> dict[str, Any]:
    """The maximum length and the choices of ``model.column`` ({} when it has neither or is no column)."""
    try:
        field = model._meta.get_field(column)
    except Exception:
        return {}
    if field.is_relation:
        return {}
    found: dict[str, Any] = {}
    if getattr(field, "max_length", None):
        found["max_length"] = field.max_length
    if field.choices:
        values = [str(value) for value, _label in field.flatchoices]
        if (field.blank or info.default == "") and "" not in values:
            values.append("")
        found["choices"] = values
    return found


def constrained(model: type[models.Model], **columns: str) -> Callable[[type[Any]], type[Any]]:
    """Class decorator: the input schema with ``model``'s column constraints on its text fields.

    ``columns`` maps a field of the schema to the model's column when their names differ.
    """

    def decorate(schema: type[Any]) -> type[Any]:
        overrides: dict[str, Any] = {}
        for name, info in schema.model_fields.items():
            text, nullable = _is_text(info.annotation)
            if not text:
                continue
            found = column_constraints(model, columns.get(name, name), info)
            if not found:
                continue
            annotation: Any = (
                Literal[tuple(found["choices"])]
                if "choices" in found
                else Annotated[str, StringConstraints(max_length=found["max_length"])]
            )
            if nullable:
                annotation = annotation | None
            overrides[name] = (annotation, copy(info))
        if not overrides:
            return schema
        built = create_model(
            schema.__name__,
            __base__=schema,
            __module__=schema.__module__,
            __doc__=schema.__doc__,
            **overrides,
        )
        built.__qualname__ = schema.__qualname__
        return built

    return decorate
