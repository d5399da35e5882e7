"""Recipients as the staff and the log see them: masked (``o***@e***.invalid``, ``+380*******22``)."""

from __future__ import annotations


def mask(recipient: str) -> str:
    """``oksana@example.invalid`` → ``o***@e***.invalid``; ``+380440001122`` → ``+380*****22``."""
    if "@" in recipient:
        local, _at, domain = recipient.rpartition("@")
        host, dot, tld = domain.rpartition(".")
        return f"{local[:1]}***@{(host or tld)[:1]}***{dot}{tld if host else ''}"
    return recipient[:4] + "*" * max(len(recipient) - 6, 1) + recipient[-2:]
