"""States of a missing-person (tracing) case and the transitions between them.

::

    draft ─► registered ─► verified ─► active_search ─┬─► located_alive
                                          ▲           ├─► death_confirmed_identified
                                          │           ├─► death_confirmed_not_recovered ─► ..._identified
                                          │           └─► captivity_confirmed
                                          │                 ├─► located_alive | death_confirmed_identified
                                          │                 ├─► death_confirmed_not_recovered
                                          │                 └─► active_search (contact lost)
                                          │
      any state not closed ───────────────┼──► closed_duplicate | closed_withdrawn | closed_erroneous
                                          │    (reason required)
    reopening (reason required):          │
      located_alive, death_confirmed_*,   │
      closed_duplicate, closed_withdrawn ─┘
      closed_erroneous ──────────────────► registered

Rules:

* Closing (to any ``closed_*``) and reopening both need a written ``reason``.
* Reopening goes back to ``active_search``, except from ``closed_erroneous``: that closure said the
  record itself was wrong (e.g. the person was never missing), so a reopened erroneous case goes back
  to ``registered`` and must be verified again before anyone searches.
* ``captivity_confirmed`` stays open until the person's whereabouts are known; it may fall back to
  ``active_search`` when contact is lost (no reason needed: the case never closed).
* ``death_confirmed_not_recovered`` stays open (the remains are still sought) and moves to
  ``death_confirmed_identified`` when remains are recovered and identified.
"""

from __future__ import annotations

from enum import StrEnum

from homecoming.errors import Problem, TransitionError, ValidationError


class CaseState(StrEnum):
    draft = "draft"
    registered = "registered"
    verified = "verified"
    active_search = "active_search"
    located_alive = "located_alive"
    captivity_confirmed = "captivity_confirmed"
    death_confirmed_identified = "death_confirmed_identified"
    death_confirmed_not_recovered = "death_confirmed_not_recovered"
    closed_duplicate = "closed_duplicate"
    closed_withdrawn = "closed_withdrawn"
    closed_erroneous = "closed_erroneous"


S = CaseState

LABELS: dict[CaseState, str] = {
    S.draft: "Draft",
    S.registered: "Registered",
    S.verified: "Verified",
    S.active_search: "Active search",
    S.located_alive: "Located alive",
    S.captivity_confirmed: "Captivity confirmed",
    S.death_confirmed_identified: "Death confirmed, remains identified",
    S.death_confirmed_not_recovered: "Death confirmed, remains not recovered",
    S.closed_duplicate: "Closed: duplicate",
    S.closed_withdrawn: "Closed: withdrawn by the requester",
    S.closed_erroneous: "Closed: recorded in error",
}

CLOSED: frozenset[CaseState] = frozenset({S.closed_duplicate, S.closed_withdrawn, S.closed_erroneous})
RESOLVED: frozenset[CaseState] = frozenset({S.located_alive, S.death_confirmed_identified})
REOPENABLE: frozenset[CaseState] = frozenset(
    {S.located_alive, S.death_confirmed_identified, S.death_confirmed_not_recovered} | CLOSED
)

_FORWARD: dict[CaseState, frozenset[CaseState]] = {
    S.draft: frozenset({S.registered}),
    S.registered: frozenset({S.verified}),
    S.verified: frozenset({S.active_search}),
    S.active_search: frozenset(
        {
            S.located_alive,
            S.captivity_confirmed,
            S.death_confirmed_identified,
            S.death_confirmed_not_recovered,
        }
    ),
    S.captivity_confirmed: frozenset(
        {S.located_alive, S.death_confirmed_identified, S.death_confirmed_not_recovered, S.active_search}
    ),
    S.death_confirmed_not_recovered: frozenset({S.death_confirmed_identified}),
}


def reopen_target(state: CaseState) -> CaseState:
    """Where a reopened case goes: ``registered`` after ``closed_erroneous``, else ``active_search``."""
    return S.registered if state is S.closed_erroneous else S.active_search


def _allowed(state: CaseState) -> frozenset[CaseState]:
    targets = set(_FORWARD.get(state, frozenset()))
    if state not in CLOSED:
        targets |= CLOSED
    if state in REOPENABLE:
        targets.add(reopen_target(state))
    return frozenset(targets)


ALLOWED: dict[CaseState, frozenset[CaseState]] = {state: _allowed(state) for state in CaseState}


def is_open(state: CaseState) -> bool:
    """True while the person (or their remains) is still sought.

    Open: everything except ``located_alive``, ``death_confirmed_identified`` and ``closed_*``.
    ``captivity_confirmed`` and ``death_confirmed_not_recovered`` are open.
    """
    return state not in RESOLVED and state not in CLOSED


def is_reopening(current: CaseState, target: CaseState) -> bool:
    """True when the move takes a resolved, death-confirmed or closed case back into the search."""
    return current in REOPENABLE and target is reopen_target(current)


def is_closing(current: CaseState, target: CaseState) -> bool:
    return target in CLOSED and current not in CLOSED


def needs_reason(current: CaseState, target: CaseState) -> bool:
    return is_closing(current, target) or is_reopening(current, target)


def _names(states: frozenset[CaseState]) -> str:
    return ", ".join(s.value for s in CaseState if s in states) or "none"


def check_transition(current: CaseState, target: CaseState, *, reason: str = "") -> None:
    """Refuse a move the rules do not allow; a closing or reopening move also needs a reason.

    Raises :class:`TransitionError` (listing the allowed targets) or :class:`ValidationError` on
    field ``reason``.
    """
    current, target = CaseState(current), CaseState(target)
    allowed = ALLOWED[current]
    if target not in allowed:
        hint = f"allowed from {current.value}: {_names(allowed)}"
        raise TransitionError(
            f"state: a case cannot move from {current.value} to {target.value}; {hint}",
            subject="case",
            current=current.value,
            target=target.value,
            allowed=[s.value for s in CaseState if s in allowed],
            field="state",
            value=target.value,
            hint=hint,
            problems=[
                Problem("state", f"cannot move from {current.value} to {target.value}", target.value, hint)
            ],
        )
    if needs_reason(current, target) and not reason.strip():
        kind = "closing" if is_closing(current, target) else "reopening"
        raise ValidationError.from_problems(
            [
                Problem(
                    "reason",
                    f"is required when {kind} a case ({current.value} → {target.value})",
                    reason,
                    "write why, e.g. the number of the duplicate case or the new information",
                )
            ]
        )


__all__ = [
    "ALLOWED",
    "CLOSED",
    "LABELS",
    "REOPENABLE",
    "RESOLVED",
    "CaseState",
    "check_transition",
    "is_closing",
    "is_open",
    "is_reopening",
    "needs_reason",
    "reopen_target",
]
