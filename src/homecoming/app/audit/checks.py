"""Deployment check: a production server signs its audit chain heads (``homecoming serve`` warns).

Without ``HOMECOMING_AUDIT_SIGNING_KEY`` no head is signed, and the deletion of the last records of the
chain cannot be detected (docs/THREAT_MODEL.md, "An insider rewrites history").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def audit_heads_are_signed(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if getattr(settings, "AUDIT_SIGNING_KEY", ""):
        return []
    return [
        checks.Warning(
            "HOMECOMING_AUDIT_SIGNING_KEY is not set: no audit chain head is signed, so deleting the last "
            "audit records cannot be detected",
            hint="create a key with `homecoming audit keygen PATH` (outside the database and its backups) "
            "and set HOMECOMING_AUDIT_SIGNING_KEY=PATH",
            id="homecoming.W802",
        )
    ]
