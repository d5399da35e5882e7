"""Finding one record by id, or a NotFound that names it: ``no detention record with id 7``."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from homecoming.errors import NotFound

_M = TypeVar("_M", bound=models.Model)


def by_id(source: type[_M] | models.QuerySet[_M], pk: Any, *, what: str, field: str) -> _M:
    """The record of ``source`` (a model, or a queryset: locked, with related rows) whose id is ``pk``.

    Raises :class:`NotFound` ``"no <what> with id <pk>"`` on ``field``, with ``pk`` as the value.
    """
    queryset = source._default_manager.all() if isinstance(source, type) else source
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no {what} with id {pk}", field=field, value=pk)
    return found
