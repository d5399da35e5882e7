"""What the audit trail keeps of data the auditor may not see: a keyed digest, never the value.

Health fields, family addresses and the persons on the wounded list are kept out of the trail's
``before``/``after``. What stays is the list of withheld field names and an HMAC-SHA256 of their values
under ``settings.AUDIT_KEY`` — a secret kept apart from the database (``HOMECOMING_AUDIT_KEY`` or
``HOMECOMING_AUDIT_KEY_FILE``; see docs/settings.md). Whoever holds the key (the operators, a court
expert) can check that a given value is the one recorded; whoever reads only the database (the auditor,
a stolen backup) cannot recover a low-entropy value by trying every candidate, as they could with a
plain SHA-256 (``{"seriously_ill": true}`` has one digest). See docs/THREAT_MODEL.md, "What the auditor
sees".
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

from homecoming.provenance import canonical_json

#: the key of the digest in a record's ``after`` (``withheld_sha256`` in records before issue 10)
DIGEST_KEY = "withheld_hmac"


def audit_key() -> bytes:
    key = settings.AUDIT_KEY
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def keyed_digest(value: Any, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the canonical JSON of ``value`` under the audit key (or ``key``)."""
    data = canonical_json(value).encode("utf-8")
    return hmac.new(audit_key() if key is None else key, data, hashlib.sha256).hexdigest()


def withheld(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """``data`` without ``fields``: their names under ``withheld`` and their keyed digest instead."""
    hidden = {k: data.pop(k) for k in fields if k in data}
    if hidden:
        data["withheld"] = sorted(hidden)
        data[DIGEST_KEY] = keyed_digest(hidden)
    return data
