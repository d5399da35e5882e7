"""What the audit chain's verification reports (a :class:`Break` per finding, one :class:`ChainReport`), and
the JSON form of a model field value that records and replays compare.

Apart from ``services`` so that the chain heads (``heads``) and the replay of the conclusion tables
(``state``) report breaks without importing the services that call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from homecoming.jsonable import jsonable


def field_value(value: Any) -> Any:
    """A model field value (or a ``before``/``after`` dict of them) as JSON values: the shared
    :func:`~homecoming.jsonable.jsonable` (dates as ISO strings, non-finite floats as ``"NaN"``/``"Inf"``),
    with model instances as their ids, files as their names and anything else as its string."""
    return jsonable(value, default=_model_value)


def _model_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name"):  # FieldFile (and plain enums: their names)
        return value.name or None
    return str(value)


@dataclass(frozen=True)
class Break:
    """One thing ``verify`` found wrong: a record (``seq``/``id``), a signed head, or a row of a table."""

    problem: str
    seq: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    breaks: tuple[Break, ...] = ()
    heads_checked: int = 0
    rows_checked: int = 0
    notes: tuple[str, ...] = ()

    @property
    def first_broken_seq(self) -> int | None:
        return next((b.seq for b in self.breaks if b.seq is not None), None)

    @property
    def first_broken_id(self) -> int | None:
        return next((b.id for b in self.breaks if b.id is not None), None)

    @property
    def problem(self) -> str:
        return self.breaks[0].problem if self.breaks else ""
