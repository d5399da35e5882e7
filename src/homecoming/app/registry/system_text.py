"""The texts the registry writes itself into a case's or a person's history, shown in the reader's language.

The reasons of a case's state changes and of a person's status changes (``case opened``, ``case
MC-0000001 → registered``, ``claim accepted``) are written in English with codes and kept as written;
the pages show them through :func:`shown`, which recognises those phrasings and translates them, the
codes as their labels. Anything a person typed is shown as typed.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from homecoming.app.registry.choices import CASE_STATES, ReviewStateChoice

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^case opened$"), gettext_noop("case opened")),
    (re.compile(r"^registered on receipt$"), gettext_noop("registered on receipt")),
    (re.compile(r"^case (?P<ref>\S+) → (?P<state>\w+)$"), gettext_noop("case %(ref)s → %(state)s")),
    (re.compile(r"^claim (?P<state>\w+)$"), gettext_noop("claim %(state)s")),
]
_LABELS = {**dict(CASE_STATES), **dict(ReviewStateChoice.choices)}


def shown(text: str) -> str:
    """``text`` in the active language if the registry wrote it, else as it is."""
    for pattern, msgid in _PATTERNS:
        m = pattern.match(text)
        if m:
            values = {k: str(_LABELS.get(v, v)) if k == "state" else v for k, v in m.groupdict().items()}
            return _(msgid) % values if values else _(msgid)
    return text
