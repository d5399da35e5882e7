"""The texts the remains app writes itself into its records, shown in the reader's language.

A custody event's purpose (``intake IB-…``, ``shipment``) and a state change's reason (``received in
IB-…``) are written by the system in English and kept as written: they are part of what was signed and
audited. The pages show them through :func:`shown`, which recognises the system's own phrasings and
translates them; anything a person typed is shown as typed.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from homecoming.app.remains.choices import COMPLETENESS, CONDITIONS

# (pattern of the stored English text, its msgid with the pattern's named groups as placeholders)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^intake (?P<ref>\S+)$"), gettext_noop("intake %(ref)s")),
    (re.compile(r"^split from (?P<ref>\S+)$"), gettext_noop("split from %(ref)s")),
    (re.compile(r"^shipment$"), gettext_noop("shipment")),
    (re.compile(r"^arrival$"), gettext_noop("arrival")),
    (re.compile(r"^sampling$"), gettext_noop("sampling")),
    (re.compile(r"^found with remains$"), gettext_noop("found with remains")),
    (
        re.compile(r"^handed over to the family \((?P<ref>[^)]+)\)$"),
        gettext_noop("handed over to the family (%(ref)s)"),
    ),
    (
        re.compile(r"^received in (?P<ref>\S+) \((?P<file>.+)\)$"),
        gettext_noop("received in %(ref)s (%(file)s)"),
    ),
    (re.compile(r"^received in (?P<ref>\S+)$"), gettext_noop("received in %(ref)s")),
    (
        re.compile(r"^candidate match in report (?P<ref>\S+)$"),
        gettext_noop("candidate match in report %(ref)s"),
    ),
    (
        re.compile(r"^identification proposed in report (?P<ref>\S+)$"),
        gettext_noop("identification proposed in report %(ref)s"),
    ),
    (
        re.compile(r"^identified by signed report (?P<ref>\S+)$"),
        gettext_noop("identified by signed report %(ref)s"),
    ),
    (
        re.compile(r"^handed over to the family in (?P<ref>\S+)$"),
        gettext_noop("handed over to the family in %(ref)s"),
    ),
    (
        re.compile(r"^handed over to the family: (?P<person>\S+) \((?P<report>[^)]+)\)$"),
        gettext_noop("handed over to the family: %(person)s (%(report)s)"),
    ),
]
_CODES = {**dict(CONDITIONS), **dict(COMPLETENESS)}


def shown(text: str) -> str:
    """``text`` in the active language if the system wrote it, else as it is."""
    if text in _CODES:
        return str(_CODES[text])
    for pattern, msgid in _PATTERNS:
        m = pattern.match(text)
        if m:
            return _(msgid) % m.groupdict() if m.groupdict() else _(msgid)
    return text
