"""The reasons the services write themselves into audit records, shown in the reader's language.

A record's reason is part of what the chain signs, so it stays as written (in English, with references
and file names). The pages show it through :func:`shown`, which recognises the system's own phrasings
(``viewed health data``, ``merged into P-0000001: …``) and translates them, falling back to the
registry's and the remains app's own texts; anything a person typed is shown as typed.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

#: what a record of a view says was seen (``viewed <what>``)
_VIEWED: dict[str, str] = {
    "health data": gettext_noop("health data"),
    "enquirer contacts": gettext_noop("enquirer contacts"),
    "tracing request contacts": gettext_noop("tracing request contacts"),
    "post-mortem examination": gettext_noop("post-mortem examination"),
    "notification contacts": gettext_noop("notification contacts"),
    "reference family": gettext_noop("reference family"),
    "genotypes (alleles)": gettext_noop("genotypes (alleles)"),
    "family address": gettext_noop("family address"),
    "the wounded list": gettext_noop("the wounded list"),
}

# (pattern of the stored English text, its msgid with the pattern's named groups as placeholders)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^viewed identification report \((?P<form>[^,]+), (?P<lang>[^)]+)\) with genotypes$"),
        gettext_noop("viewed identification report (%(form)s, %(lang)s) with genotypes"),
    ),
    (
        re.compile(r"^viewed identification report \((?P<form>[^,]+), (?P<lang>[^)]+)\)$"),
        gettext_noop("viewed identification report (%(form)s, %(lang)s)"),
    ),
    (
        re.compile(r"^viewed notification record \((?P<form>[^,]+), (?P<lang>[^)]+)\)$"),
        gettext_noop("viewed notification record (%(form)s, %(lang)s)"),
    ),
    (re.compile(r"^case opened for (?P<ref>\S+)$"), gettext_noop("case opened for %(ref)s")),
    (
        re.compile(r"^merged into (?P<ref>\S+): (?P<reason>.*)$", re.S),
        gettext_noop("merged into %(ref)s: %(reason)s"),
    ),
    (re.compile(r"^merged into (?P<ref>\S+)$"), gettext_noop("merged into %(ref)s")),
    (
        re.compile(r"^unmerged from (?P<ref>\S+): (?P<reason>.*)$", re.S),
        gettext_noop("unmerged from %(ref)s: %(reason)s"),
    ),
    (
        re.compile(r"^(?P<ref>\S+) and (?P<other>\S+) are not the same person: (?P<reason>.*)$", re.S),
        gettext_noop("%(ref)s and %(other)s are not the same person: %(reason)s"),
    ),
    (re.compile(r"^status claim about (?P<ref>\S+)$"), gettext_noop("status claim about %(ref)s")),
    (re.compile(r"^detention of (?P<ref>\S+)$"), gettext_noop("detention of %(ref)s")),
    (re.compile(r"^capture card for (?P<ref>\S+)$"), gettext_noop("capture card for %(ref)s")),
    (re.compile(r"^imported from (?P<file>.+)$"), gettext_noop("imported from %(file)s")),
    (
        re.compile(r"^row of (?P<file>.+) recognised as a registered person$"),
        gettext_noop("row of %(file)s recognised as a registered person"),
    ),
    (re.compile(r"^sample (?P<ref>\S+) taken$"), gettext_noop("sample %(ref)s taken")),
    (re.compile(r"^assigned to (?P<user>\S+)$"), gettext_noop("assigned to %(user)s")),
    (re.compile(r"^intake manifest (?P<file>.+)$"), gettext_noop("intake manifest %(file)s")),
    (re.compile(r"^signed list (?P<file>.+)$"), gettext_noop("signed list %(file)s")),
    (
        re.compile(r"^DNA profile imported from laboratory file (?P<ref>\S+) \((?P<file>.+)\)$"),
        gettext_noop("DNA profile imported from laboratory file %(ref)s (%(file)s)"),
    ),
    (re.compile(r"^user created$"), gettext_noop("user created")),
    (re.compile(r"^no longer needed$"), gettext_noop("no longer needed")),
    (
        re.compile(r"^temporary password set by an administrator$"),
        gettext_noop("temporary password set by an administrator"),
    ),
    (re.compile(r"^submitted by the family$"), gettext_noop("submitted by the family")),
    (
        re.compile(r"^tracing request submitted on the family portal$"),
        gettext_noop("tracing request submitted on the family portal"),
    ),
    (
        re.compile(r"^the family read the request's status$"),
        gettext_noop("the family read the request's status"),
    ),
]


def shown(text: str) -> str:
    """``text`` in the active language if the system wrote it, else as it is."""
    if not text:
        return text
    if text.startswith("viewed ") and text[7:] in _VIEWED:
        return _("viewed %(what)s") % {"what": _(_VIEWED[text[7:]])}
    for pattern, msgid in _PATTERNS:
        m = pattern.match(text)
        if m:
            return _(msgid) % m.groupdict() if m.groupdict() else _(msgid)
    from homecoming.app.registry import system_text as registry_text
    from homecoming.app.remains import system_text as remains_text

    for translate in (registry_text.shown, remains_text.shown):
        found = translate(text)
        if found != text:
            return found
    return text
