"""The constraints of a model's columns on the API schema that takes them, so the schema documents them
and the API refuses what breaks them before any service runs.

``@constrained(Model)`` on an input schema gives each text field that is a column of ``Model`` (same
name, or the name given in ``columns``) the column's maximum length and, when the column has choices,
those choices as an enum (``""`` too when the column may be blank or the field defaults to it); and each
integer field the range of its column (what PostgreSQL's column holds, narrowed by the field's
minimum and maximum validators). A value beyond them is refused with 422 in the one error shape,
naming the field and the value.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from copy import copy
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from pydantic import Field, StringConstraints, create_model
from pydantic.fields import FieldInfo

_NONE = type(None)


def _kind(annotation: Any) -> tuple[type | None, bool]:
    """(``str`` or ``int`` when the field is of that type, alone or with None; whether None is allowed)."""
    if annotation in (str, int):
        return annotation, False
    if get_origin(annotation) in (Union, types.UnionType):
        args = set(get_args(annotation))
        for kind in (str, int):
            if args == {kind, _NONE}:
                return kind, True
    return None, False


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
    limits = BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type())
    if limits is not None:
        low, high = limits
        for validator in field.validators:
            if isinstance(validator, MinValueValidator):
                low = max(low, int(validator.limit_value))  # type: ignore[call-overload]
            elif isinstance(validator, MaxValueValidator):
                high = min(high, int(validator.limit_value))  # type: ignore[call-overload]
        found["range"] = (low, high)
    return found


def constrained(model: type[models.Model], **columns: str) -> Callable[[type[Any]], type[Any]]:
    """Class decorator: the input schema with ``model``'s column constraints on its text fields.

    ``columns`` maps a field of the schema to the model's column when their names differ.
    """

    def decorate(schema: type[Any]) -> type[Any]:
        overrides: dict[str, Any] = {}
        for name, info in schema.model_fields.items():
            kind, nullable = _kind(info.annotation)
            if kind is None:
                continue
            found = column_constraints(model, columns.get(name, name), info)
            annotation: Any
            if kind is int and "range" in found:
                low, high = found["range"]
                annotation = Annotated[int, Field(ge=low, le=high)]
            elif kind is str and "choices" in found:
                annotation = Literal[tuple(found["choices"])]
            elif kind is str and "max_length" in found:
                annotation = Annotated[str, StringConstraints(max_length=found["max_length"])]
            else:
                continue
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
