"""What produced a result: software version, parameters, input digests, frequency-table id.

A 2026 identification must be re-derivable in 2036: every stored result carries a ``Provenance``.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from homecoming import __version__
from homecoming.jsonable import jsonable


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept; values through
    :func:`~homecoming.jsonable.jsonable` (non-finite floats as ``"NaN"``, ``"Inf"``, ``"-Inf"``)."""
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value`` (or of bytes as given)."""
    data = value if isinstance(value, bytes) else canonical_json(value).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Provenance:
    """The producer of a result and everything needed to reproduce it."""

    software: str
    version: str
    parameters: dict[str, Any]
    inputs: dict[str, str]
    created: str
    python: str = field(default_factory=platform.python_version)

    @classmethod
    def make(cls, software: str, *, parameters: dict[str, Any], inputs: dict[str, Any]) -> Provenance:
        return cls(
            software=software,
            version=__version__,
            parameters=dict(parameters),
            inputs={name: digest(value) for name, value in inputs.items()},
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
