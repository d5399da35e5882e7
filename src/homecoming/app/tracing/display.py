"""How the liaison's pages show what the code stores in English or as codes: states, the reasons the code
wrote on state changes, what a candidate agrees on, and the evidence a confirmation rests on.

The stored rows stay as they are (transitions and releases are insert-only, and the audit keeps the
English text and the record keys); only their display is translated.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app.tracing.models import STATE_CHOICES

#: the reasons the code writes on a request's state changes (``portal.submit``, ``services``), shown
#: translated; an officer's own reason is shown as written
SYSTEM_REASONS = {
    "submitted by the family": gettext_lazy("submitted by the family"),
    "an answer was released to the family": gettext_lazy("an answer was released to the family"),
}
_LINKED = re.compile(r"linked to (?P<person>P-\S+)")

#: what a candidate agrees on (``matching`` reason codes)
AGREES = {
    "family_name": gettext_lazy("surname"),
    "given_name": gettext_lazy("given name"),
    "patronymic": gettext_lazy("patronymic"),
    "birth_date": gettext_lazy("date of birth"),
    "birth_date_differs": gettext_lazy("date of birth differs"),
    "service_number": gettext_lazy("service number"),
    "unit": gettext_lazy("military unit"),
}

#: the record key a confirmation's basis starts with ("detention:12: …"): kept for the audit, not shown
_BASIS_KEY = re.compile(r"^(?:detention|identification|assertion):\d+:\s*")


def state_label(code: str) -> str:
    """A request state's translated label; an empty state (the first row) shows as a dash."""
    if not code:
        return "—"
    return str(dict(STATE_CHOICES).get(code, code))


def reason(text: str) -> str:
    """A transition's reason: the code's own reasons translated, an officer's as written."""
    known = SYSTEM_REASONS.get(text)
    if known is not None:
        return str(known)
    linked = _LINKED.fullmatch(text)
    if linked:
        return _("linked to %(person)s") % {"person": linked["person"]}
    return text


def agrees(codes: list[str]) -> str:
    """What a candidate agrees on, as translated words."""
    return ", ".join(str(AGREES.get(c, c)) for c in codes)


def evidence(basis: str) -> str:
    """A confirmation's basis without the record key it starts with."""
    return _BASIS_KEY.sub("", basis or "", count=1)


def transitions(rows: Any) -> list[dict[str, Any]]:
    """A request's history rows as the page shows them."""
    return [
        {
            "t": t,
            "from": state_label(t.from_state),
            "to": state_label(t.to_state),
            "reason": reason(t.reason),
        }
        for t in rows
    ]
