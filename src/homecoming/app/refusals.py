"""A refusal from the services or the domain, said in the reader's language.

The domain layer imports no Django and writes its refusals in English with state codes (``state: an
agreement cannot move from in_implementation to draft; …``); they stay so for the API, the command line
and the logs. The pages show a refusal through :func:`shown`, which renders the common ones from the data
the exception carries (a refused state change: what moves, from which state, to which, what is allowed;
an edit conflict; a missing reason) with the states' labels, and falls back to the
English text for the rest.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from homecoming.errors import ConflictError, TransitionError, ValidationError

#: what moves → the sentence of a refused state change (current and target as their labels)
_REFUSED: dict[str, str] = {
    "case": gettext_noop("A case cannot move from «%(current)s» to «%(target)s»."),
    "remains": gettext_noop("A remains unit cannot move from «%(current)s» to «%(target)s»."),
    "agreement": gettext_noop("An agreement cannot move from «%(current)s» to «%(target)s»."),
    "operation": gettext_noop("An operation cannot move from «%(current)s» to «%(target)s»."),
    "report": gettext_noop("A report cannot move from «%(current)s» to «%(target)s»."),
    "request": gettext_noop("A tracing request cannot move from «%(current)s» to «%(target)s»."),
    "assertion": gettext_noop("A status claim cannot move from «%(current)s» to «%(target)s»."),
    "detention": gettext_noop("A «%(target)s» event cannot come after «%(current)s»."),
}


#: what a remains unit lacks → the sentence saying so and how to get it (the target state as its label)
_NEEDS: dict[str, str] = {
    "examination": gettext_noop(
        "The unit has no post-mortem examination, so it cannot be «%(target)s». Record the examination "
        "of the unit (Examinations)."
    ),
    "sample": gettext_noop(
        "The unit has no sample, so it cannot be «%(target)s». Take a sample from the unit (Samples)."
    ),
    "profile": gettext_noop(
        "The unit has no usable post-mortem DNA profile, so it cannot be «%(target)s». Import the "
        "laboratory's file with a profile of one of its samples (Genetics, laboratory files)."
    ),
    "handover": gettext_noop(
        "The unit has no signed handover record to the family, so it cannot be «%(target)s». Record the "
        "handover to the family (Remains, handover to the family)."
    ),
}


def _labels(subject: str) -> dict[str, Any]:
    """The labels of the states (or detention events) of ``subject``."""
    if subject == "case":
        from homecoming.app.registry.choices import CASE_STATES

        return dict(CASE_STATES)
    if subject == "remains":
        from homecoming.app.remains.choices import REMAINS_STATES

        return dict(REMAINS_STATES)
    if subject == "agreement":
        from homecoming.app.exchanges.choices import AGREEMENT_STATES

        return dict(AGREEMENT_STATES)
    if subject == "operation":
        from homecoming.app.exchanges.choices import OPERATION_STATES

        return dict(OPERATION_STATES)
    if subject == "report":
        from homecoming.app.identification.models_reports import STATE_CHOICES as REPORT_STATES

        return dict(REPORT_STATES)
    if subject == "request":
        from homecoming.app.tracing.models import STATE_CHOICES as REQUEST_STATES

        return dict(REQUEST_STATES)
    if subject == "assertion":
        from homecoming.app.registry.choices import ReviewStateChoice

        return dict(ReviewStateChoice.choices)
    if subject == "detention":
        from homecoming.app.captivity.models import EventKind

        return dict(EventKind.choices)
    return {}


def _transition(exc: TransitionError) -> str | None:
    if exc.subject not in _REFUSED or exc.target is None:
        return None
    labels = _labels(exc.subject)

    def label(code: str) -> str:
        return str(labels.get(code, code))

    if exc.needs == "report" and exc.current is not None:
        if exc.current == "identification_proposed" and exc.target not in (
            "identification_proposed",
            "identified",
        ):
            return _(
                "A unit leaves «%(current)s» only by the decision on the identification report "
                "(Identification)."
            ) % {"current": label(exc.current)}
        return _("«%(target)s» is reached only through a signed identification report (Identification).") % {
            "target": label(exc.target)
        }
    if exc.needs in _NEEDS:
        return _(_NEEDS[exc.needs]) % {"target": label(exc.target)}

    allowed = ", ".join(f"«{label(s)}»" for s in exc.allowed)
    if exc.subject == "detention" and exc.current is None:
        text = _("A «%(target)s» event cannot be the first event.") % {"target": label(exc.target)}
    elif exc.current is None:
        return None
    else:
        text = _(_REFUSED[exc.subject]) % {"current": label(exc.current), "target": label(exc.target)}
    if exc.subject == "detention":
        more = (
            _("Allowed next: %(allowed)s.") % {"allowed": allowed}
            if allowed
            else _("No further event is allowed.")
        )
    elif allowed:
        more = _("From «%(current)s» it may move to: %(allowed)s.") % {
            "current": label(exc.current or ""),
            "allowed": allowed,
        }
    else:
        more = _("«%(current)s» is a final state: it does not change any more.") % {
            "current": label(exc.current or "")
        }
    return f"{text} {more}"


def _reason_missing(exc: ValidationError) -> bool:
    """Whether every problem of ``exc`` is a missing reason (a state change that needs one)."""

    def missing(field: str | None, message: str) -> bool:
        return field == "reason" and ("required" in message or "needs a written reason" in message)

    if not exc.problems:
        return missing(exc.field, exc.message)
    return all(missing(p.field, p.message) for p in exc.problems)


def shown(exc: BaseException) -> str:
    """``exc`` as a page shows it: in the reader's language when it is a refusal the pages know, with labels
    instead of codes; else its own (English) text."""
    if isinstance(exc, TransitionError):
        text = _transition(exc)
        if text is not None:
            return text
    english = (get_language() or "en").startswith("en")  # the service's own text says more (who, which)
    if isinstance(exc, ConflictError) and exc.code == "edit_conflict" and not english:
        who = _CHANGED_BY.search(str(exc))
        if who is not None:
            return _(
                "%(who)s saved this record at %(when)s UTC, after you opened it. Nothing was saved: reload "
                "the page, make your change again and save."
            ) % {"who": who.group("who"), "when": who.group("when")}
        return _("Someone else saved this record first. Reload the page, make your change again and save.")
    if isinstance(exc, ValidationError) and _reason_missing(exc) and not english:
        return _("This change needs a written reason: write it in the reason field and try again.")
    return str(exc)


#: who saved first, as the services write it ("… was changed by registrar at 2026-12-04 10:00 UTC …")
_CHANGED_BY = re.compile(r" by (?P<who>.+?) at (?P<when>\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC")


def lines(exc: BaseException) -> list[str]:
    """``exc`` as the lines a page lists: one sentence in the reader's language when :func:`shown` knows
    the refusal, else each listed problem (or the text) as written."""
    text = shown(exc)
    if text != str(exc):
        return [text]
    problems = getattr(exc, "problems", None) or []
    return [str(p) for p in problems] or [str(exc)]
