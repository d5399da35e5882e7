"""Rules for the detention of prisoners of war under the Third Geneva Convention (GC III, 1949).

Event sequence (:func:`check_event_sequence`)::

    (nothing yet)        -> capture | registration (when the capture itself was not recorded)
    detained             -> registration | transfer | hospital_admission | hospital_discharge (only
                            while in hospital) | escape | release | repatriation | death
    after escape         -> capture (recaptured)
    after release        -> repatriation (released on the detaining side, then sent home) | capture
    after repatriation   -> capture (a new detention)
    after death          -> nothing

Deadlines:

* Capture card: GC III Art. 70 -- immediately upon capture, or not more than one week after arrival
  at a camp (also on sickness, transfer to hospital or to another camp), the prisoner shall be
  enabled to write a capture card to the family and to the Central Prisoners of War Agency
  (:data:`CAPTURE_CARD_LIMIT`, :func:`capture_card_due`).
* Health of the seriously ill or wounded: GC III Art. 122 para. 6 -- the Information Bureau
  supplies information on the state of health of prisoners who are seriously ill or seriously
  wounded "regularly, every week if possible" (:data:`HEALTH_REPORT_INTERVAL`,
  :func:`next_health_report_due`).

Repatriation of the sick and wounded: GC III Art. 110 (:class:`Art110Category`); Art. 109 para. 3:
no sick or injured prisoner may be repatriated against their will during hostilities
(:class:`Consent`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from homecoming.errors import TransitionError


class DetentionEventKind(StrEnum):
    capture = "capture"
    registration = "registration"
    transfer = "transfer"
    hospital_admission = "hospital_admission"
    hospital_discharge = "hospital_discharge"
    escape = "escape"
    release = "release"
    repatriation = "repatriation"
    death = "death"


K = DetentionEventKind
_IN_CUSTODY = frozenset({K.capture, K.registration, K.transfer, K.hospital_admission, K.hospital_discharge})
_WHILE_DETAINED = frozenset(
    {K.registration, K.transfer, K.hospital_admission, K.escape, K.release, K.repatriation, K.death}
)
_AFTER_END: dict[DetentionEventKind, frozenset[DetentionEventKind]] = {
    K.escape: frozenset({K.capture}),
    K.release: frozenset({K.repatriation, K.capture}),
    K.repatriation: frozenset({K.capture}),
    K.death: frozenset(),
}


def allowed_next(previous_kinds: Sequence[DetentionEventKind]) -> frozenset[DetentionEventKind]:
    """The event kinds that may follow ``previous_kinds`` (in date order)."""
    if not previous_kinds:
        return frozenset({K.capture, K.registration})
    last = DetentionEventKind(previous_kinds[-1])
    if last in _AFTER_END:
        return _AFTER_END[last]
    in_hospital = False
    for kind in previous_kinds:
        if kind == K.hospital_admission:
            in_hospital = True
        elif kind in (K.hospital_discharge, K.capture) or kind in _AFTER_END:
            in_hospital = False
    return _WHILE_DETAINED | ({K.hospital_discharge} if in_hospital else frozenset())


def check_event_sequence(previous_kinds: Sequence[DetentionEventKind], new: DetentionEventKind) -> None:
    """Raise :class:`TransitionError` when ``new`` cannot follow ``previous_kinds``."""
    allowed = allowed_next(previous_kinds)
    new = DetentionEventKind(new)
    if new not in allowed:
        after = (
            f"after {DetentionEventKind(previous_kinds[-1]).value}"
            if previous_kinds
            else "as the first event"
        )
        names = ", ".join(k.value for k in DetentionEventKind if k in allowed) or "no further events"
        hint = f"allowed {after}: {names}"
        raise TransitionError(
            f"kind: a {new.value} event cannot come {after}; {hint}",
            subject="detention",
            current=DetentionEventKind(previous_kinds[-1]).value if previous_kinds else None,
            target=new.value,
            allowed=[k.value for k in DetentionEventKind if k in allowed],
            field="kind",
            value=new.value,
            hint=hint,
        )


CAPTURE_CARD_LIMIT = timedelta(days=7)
"""GC III Art. 70: capture card within one week of capture or arrival at a camp."""

HEALTH_REPORT_INTERVAL = timedelta(days=7)
"""GC III Art. 122 para. 6: weekly, if possible, while health is serious."""


def capture_card_due(captured_on: date) -> date:
    """The last day for the capture card (Art. 70): one week after capture or arrival at a camp."""
    return captured_on + CAPTURE_CARD_LIMIT


def is_overdue(due: date, done: date | None, today: date) -> bool:
    """Done after the due day, or not done and the due day has passed."""
    return (done if done is not None else today) > due


def next_health_report_due(last_report: date | None, since: date) -> date:
    """The next weekly health report for a seriously ill or wounded prisoner (Art. 122 para. 6).

    ``since`` is the day the condition was recorded as serious; the first report is due a week
    after it, then a week after each report.
    """
    base = since if last_report is None or last_report < since else last_report
    return base + HEALTH_REPORT_INTERVAL


class Art110Category(StrEnum):
    """GC III Art. 110: who is repatriated direct (para. 1) or accommodated in a neutral country (para. 2)."""

    incurable = "incurable"
    """1(1) incurably wounded and sick whose mental or physical fitness seems gravely diminished."""
    not_recovering_within_year = "not_recovering_within_year"
    """1(2) not likely to recover within one year, needing treatment, fitness gravely diminished."""
    recovered_permanently_diminished = "recovered_permanently_diminished"
    """1(3) recovered, but mental or physical fitness gravely and permanently diminished."""
    neutral_recovery_within_year = "neutral_recovery_within_year"
    """2(1) recovery expected within a year, more certain and speedy if treated in a neutral country."""
    neutral_health_threatened = "neutral_health_threatened"
    """2(2) health seriously threatened by continued captivity; a neutral country may remove it."""


DIRECT_REPATRIATION: frozenset[Art110Category] = frozenset(
    {
        Art110Category.incurable,
        Art110Category.not_recovering_within_year,
        Art110Category.recovered_permanently_diminished,
    }
)

ART110_LABELS: dict[Art110Category, str] = {
    Art110Category.incurable: "Art. 110(1)(1): incurably wounded or sick, fitness gravely diminished",
    Art110Category.not_recovering_within_year: "Art. 110(1)(2): not likely to recover within one year",
    Art110Category.recovered_permanently_diminished: "Art. 110(1)(3): recovered, fitness permanently lower",
    Art110Category.neutral_recovery_within_year: "Art. 110(2)(1): neutral country, recovery within one year",
    Art110Category.neutral_health_threatened: "Art. 110(2)(2): neutral country, captivity threatens health",
}


class Consent(StrEnum):
    """The prisoner's consent to repatriation (Art. 109 para. 3: never against their will)."""

    given = "given"
    refused = "refused"
    not_asked = "not_asked"


__all__ = [
    "ART110_LABELS",
    "CAPTURE_CARD_LIMIT",
    "DIRECT_REPATRIATION",
    "HEALTH_REPORT_INTERVAL",
    "Art110Category",
    "Consent",
    "DetentionEventKind",
    "allowed_next",
    "capture_card_due",
    "check_event_sequence",
    "is_overdue",
    "next_health_report_due",
]
