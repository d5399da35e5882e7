"""What is known about a person's fate: status assertions, their sources, and the derived status.

Every statement about a person ("captive, per the ICRC, 2024-03-01") is an :class:`AssertionFact`
with a source type, a source date, a reliability grade (NATO Admiralty code, A-F) and a review
state. The person's current status is *derived* from the accepted facts by :func:`derive_status`:

1. Only facts in review state ``accepted`` count. Facts with status ``unknown`` say nothing and are
   skipped. With nothing left, the result is ``default`` (``unknown``; the case layer passes
   ``missing`` for a person with an open tracing case).
2. Confirmed death is final: once an accepted ``confirmed_dead`` fact exists, the result is
   ``confirmed_dead`` -- *unless* an accepted fact showing the person alive (``alive``, ``captive``
   or ``wounded_or_sick``) from an official source (:data:`OFFICIAL_SOURCES`) has a source date
   strictly later than the latest ``confirmed_dead`` fact. Then the death facts are set aside and
   rule 3 decides among the rest.
3. Otherwise the fact with the latest ``source_date`` wins.
4. Ties on the source date go to the more reliable source (A before B ... before F; F, "cannot be
   judged", sorts last so that an unjudged source never wins a tie).
5. Remaining ties go to the graver status, in the order of :data:`PRECEDENCE`:
   confirmed_dead > believed_dead > captive > wounded_or_sick > alive > missing.
6. Remaining ties go to the fact recorded last (``recorded_at``).

``confirmed_dead`` itself may only be asserted from an official source (:func:`check_assertion`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from homecoming.errors import Problem, TransitionError, ValidationError


class PersonStatus(StrEnum):
    missing = "missing"
    alive = "alive"
    captive = "captive"
    wounded_or_sick = "wounded_or_sick"
    believed_dead = "believed_dead"
    confirmed_dead = "confirmed_dead"
    unknown = "unknown"


class SourceType(StrEnum):
    family = "family"
    information_bureau_list = "information_bureau_list"
    icrc = "icrc"
    other_party_list = "other_party_list"
    open_source = "open_source"
    returnee_testimony = "returnee_testimony"
    forensic_report = "forensic_report"
    court_decision = "court_decision"


class Reliability(StrEnum):
    """Source reliability, NATO Admiralty code (STANAG 2511 / AJP-2.1)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


RELIABILITY_LABELS: dict[Reliability, str] = {
    Reliability.A: "A: completely reliable",
    Reliability.B: "B: usually reliable",
    Reliability.C: "C: fairly reliable",
    Reliability.D: "D: not usually reliable",
    Reliability.E: "E: unreliable",
    Reliability.F: "F: reliability cannot be judged",
}


class ReviewState(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"


REVIEW_ALLOWED: dict[ReviewState, frozenset[ReviewState]] = {
    ReviewState.submitted: frozenset({ReviewState.accepted, ReviewState.rejected}),
    ReviewState.accepted: frozenset({ReviewState.rejected}),
    ReviewState.rejected: frozenset({ReviewState.accepted}),
}
"""Submitted facts are accepted or rejected; a later review may reverse either; none returns to submitted."""

OFFICIAL_SOURCES: frozenset[SourceType] = frozenset(
    {
        SourceType.forensic_report,
        SourceType.court_decision,
        SourceType.icrc,
        SourceType.information_bureau_list,
    }
)

PRECEDENCE: tuple[PersonStatus, ...] = (
    PersonStatus.confirmed_dead,
    PersonStatus.believed_dead,
    PersonStatus.captive,
    PersonStatus.wounded_or_sick,
    PersonStatus.alive,
    PersonStatus.missing,
    PersonStatus.unknown,
)
"""Graver first; breaks ties between facts of the same date and reliability."""

ALIVE_STATUSES: frozenset[PersonStatus] = frozenset(
    {PersonStatus.alive, PersonStatus.captive, PersonStatus.wounded_or_sick}
)


def check_review(current: ReviewState, target: ReviewState) -> None:
    """Raise :class:`TransitionError` unless ``current`` → ``target`` is a permitted review step."""
    current, target = ReviewState(current), ReviewState(target)
    allowed = REVIEW_ALLOWED[current]
    if target not in allowed:
        hint = f"allowed from {current.value}: " + ", ".join(sorted(allowed))
        raise TransitionError(
            f"review_state: an assertion cannot move from {current.value} to {target.value}; {hint}",
            subject="assertion",
            current=current.value,
            target=target.value,
            allowed=sorted(s.value for s in allowed),
            field="review_state",
            value=target.value,
            hint=hint,
        )


def check_assertion(status: PersonStatus, source_type: SourceType, *, field: str = "source_type") -> None:
    """Refuse ``confirmed_dead`` unless the source is official (forensic report, court, ICRC, bureau list)."""
    if (
        PersonStatus(status) is PersonStatus.confirmed_dead
        and SourceType(source_type) not in OFFICIAL_SOURCES
    ):
        official = ", ".join(sorted(OFFICIAL_SOURCES))
        raise ValidationError.from_problems(
            [
                Problem(
                    field,
                    f"confirmed_dead needs an official source, not {SourceType(source_type).value}",
                    str(source_type),
                    f"use one of {official}, or record the status as believed_dead",
                )
            ]
        )


@dataclass(frozen=True)
class AssertionFact:
    """One statement of a person's status from one source, as reviewed."""

    status: PersonStatus
    source_type: SourceType
    source_date: date
    reliability: Reliability
    review_state: ReviewState
    recorded_at: datetime


def _rank(fact: AssertionFact) -> tuple[date, int, int, datetime]:
    reliability = -"ABCDEF".index(Reliability(fact.reliability).value)
    gravity = -PRECEDENCE.index(PersonStatus(fact.status))
    return (fact.source_date, reliability, gravity, fact.recorded_at)


def derive_status(
    facts: Iterable[AssertionFact], *, default: PersonStatus = PersonStatus.unknown
) -> PersonStatus:
    """The current status by the rules in the module docstring."""
    accepted = [
        f for f in facts if f.review_state == ReviewState.accepted and f.status != PersonStatus.unknown
    ]
    if not accepted:
        return default
    deaths = [f for f in accepted if f.status == PersonStatus.confirmed_dead]
    if deaths:
        last_death = max(f.source_date for f in deaths)
        overturned = any(
            f.status in ALIVE_STATUSES and f.source_type in OFFICIAL_SOURCES and f.source_date > last_death
            for f in accepted
        )
        if not overturned:
            return PersonStatus.confirmed_dead
        accepted = [f for f in accepted if f.status != PersonStatus.confirmed_dead]
    return PersonStatus(max(accepted, key=_rank).status)


__all__ = [
    "ALIVE_STATUSES",
    "OFFICIAL_SOURCES",
    "PRECEDENCE",
    "RELIABILITY_LABELS",
    "REVIEW_ALLOWED",
    "AssertionFact",
    "PersonStatus",
    "Reliability",
    "ReviewState",
    "SourceType",
    "check_assertion",
    "check_review",
    "derive_status",
]
