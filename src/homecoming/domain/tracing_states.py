"""States of a family's tracing request (the family portal) and the transitions between them.

::

    received ─► matched ─► under_search ─► answered ─► closed
        │          ▲  │          ▲   │        │  ▲
        │          │  └──────────┼───┼────────┘  │ (a later answer: answered ─► under_search)
        └──────────┴─────────────┘   └───────────┤
    any state but closed ───────────────────────►┘ closed (reason required)
    closed ─► under_search (reopened, reason required)

* ``matched``: a liaison officer confirmed the request's person in the registry (never automatic).
* ``under_search``: the officer works on it (with or without a match).
* ``answered``: something was released to the family; more may follow (back to ``under_search``).
* Closing and reopening need a written reason.
"""

from __future__ import annotations

from enum import StrEnum

from homecoming.errors import Problem, TransitionError, ValidationError


class RequestState(StrEnum):
    received = "received"
    matched = "matched"
    under_search = "under_search"
    answered = "answered"
    closed = "closed"


S = RequestState

LABELS: dict[RequestState, str] = {
    S.received: "Received",
    S.matched: "Matched",
    S.under_search: "Under search",
    S.answered: "Answered",
    S.closed: "Closed",
}

TRANSITIONS: dict[RequestState, frozenset[RequestState]] = {
    S.received: frozenset({S.matched, S.under_search, S.answered, S.closed}),
    S.matched: frozenset({S.under_search, S.answered, S.closed}),
    S.under_search: frozenset({S.matched, S.answered, S.closed}),
    S.answered: frozenset({S.under_search, S.matched, S.closed}),
    S.closed: frozenset({S.under_search}),
}

#: transitions that need a written reason
NEEDS_REASON = frozenset(
    {(s, S.closed) for s in RequestState if s is not S.closed} | {(S.closed, S.under_search)}
)


def parse_state(value: str, *, field: str = "state") -> RequestState:
    try:
        return RequestState(value)
    except ValueError:
        raise ValidationError.from_problems(
            [Problem(field, "is not a request state", value, "use one of: " + ", ".join(S))]
        ) from None


def check_transition(current: str, target: str, *, reason: str = "") -> RequestState:
    """The target state if a request in ``current`` may move to it (with ``reason`` where one is needed);
    TransitionError (or ValidationError for an unknown state) otherwise."""
    frm, to = parse_state(current, field="from_state"), parse_state(target)
    if to not in TRANSITIONS[frm]:
        allowed = ", ".join(sorted(TRANSITIONS[frm])) or "none"
        raise TransitionError(
            f"a {frm} request cannot become {to}",
            subject="request",
            current=str(frm),
            target=str(to),
            allowed=sorted(str(s) for s in TRANSITIONS[frm]),
            field="state",
            value=str(to),
            hint=f"from {frm} a request may become: {allowed}",
        )
    if (frm, to) in NEEDS_REASON and not reason.strip():
        raise ValidationError(
            f"reason: moving a request from {frm} to {to} needs a written reason",
            field="reason",
            value=reason,
            hint="say why (e.g. the family withdrew the request, or new information arrived)",
        )
    return to
