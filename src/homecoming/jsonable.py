"""Values made ready for JSON, once for every package: case files, canonical digests, audit, error shapes.

:func:`jsonable` walks a value and returns one that ``json.dumps`` writes as strict JSON:

* ``None``, booleans, integers and strings are kept (their subclasses too: enums of ``str``/``int``);
* finite floats are kept; non-finite ones become the strings ``"NaN"``, ``"Inf"``, ``"-Inf"``, as the
  case files spell them (strict JSON has no such numbers, and PostgreSQL's ``jsonb`` refuses them);
* mappings become dicts with string keys; lists, tuples, sets and frozensets become lists (in their
  own order: a set of strings is not sorted);
* dates, times and datetimes become ISO 8601 strings; ``Decimal`` and ``UUID`` become their strings;
* anything else goes to ``default`` (as with ``json.dumps(default=...)``), or is kept as it is when there
  is no ``default``: then ``json.dumps`` refuses it, as it would have without this walk.

Pure: no Django, no NumPy (NumPy's ``float64`` is a ``float``). The app's audit passes a ``default``
that turns model instances into their ids; error shapes pass ``str``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["jsonable", "nonfinite"]

_SEQUENCES = (list, tuple, set, frozenset)
_AS_TEXT = (decimal.Decimal, uuid.UUID)
_DATES = (dt.datetime, dt.date, dt.time)


def nonfinite(value: float) -> str | None:
    """``"NaN"``, ``"Inf"`` or ``"-Inf"`` for a non-finite float (the case files' spelling); ``None`` for
    a finite one."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return None


def jsonable(value: Any, *, default: Callable[[Any], Any] | None = None) -> Any:
    """A JSON-ready copy of ``value`` (see the module docstring); ``default`` takes what is left."""
    if value is None or isinstance(value, (str, int)):  # bool is an int
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else nonfinite(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, default=default) for k, v in value.items()}
    if isinstance(value, _SEQUENCES):
        return [jsonable(v, default=default) for v in value]
    if isinstance(value, _DATES):
        return value.isoformat()
    if isinstance(value, _AS_TEXT):
        return str(value)
    return value if default is None else default(value)
