"""The request id of the work in progress (set by middleware, by the CLI, or by a job)."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("homecoming_request_id", default="")


def new_request_id(prefix: str = "") -> str:
    value = prefix + uuid.uuid4().hex[:16]
    request_id.set(value)
    return value
