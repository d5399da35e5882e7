from datetime import date

import pytest

from homecoming.domain.captivity import (
    CAPTURE_CARD_LIMIT,
    DIRECT_REPATRIATION,
    Art110Category,
    DetentionEventKind,
    capture_card_due,
    check_event_sequence,
    is_overdue,
    next_health_report_due,
)
from homecoming.errors import TransitionError

K = DetentionEventKind


def test_normal_detention_sequence() -> None:
    history: list[DetentionEventKind] = []
    for kind in (
        K.capture,
        K.registration,
        K.transfer,
        K.hospital_admission,
        K.hospital_discharge,
        K.repatriation,
    ):
        check_event_sequence(history, kind)
        history.append(kind)


def test_first_event_must_start_custody() -> None:
    with pytest.raises(TransitionError) as info:
        check_event_sequence([], K.transfer)
    assert str(info.value) == (
        "kind: a transfer event cannot come as the first event; "
        "allowed as the first event: capture, registration"
    )


def test_nothing_after_death() -> None:
    with pytest.raises(TransitionError, match="allowed after death: no further events"):
        check_event_sequence([K.capture, K.death], K.repatriation)


@pytest.mark.parametrize(
    ("history", "new"),
    [
        ([K.capture, K.repatriation], K.transfer),
        ([K.capture, K.release], K.hospital_admission),
        ([K.capture, K.escape], K.release),
        ([K.capture], K.capture),
        ([K.capture], K.hospital_discharge),
        ([K.capture, K.hospital_admission, K.hospital_discharge], K.hospital_discharge),
    ],
)
def test_refused_sequences(history: list[DetentionEventKind], new: DetentionEventKind) -> None:
    with pytest.raises(TransitionError):
        check_event_sequence(history, new)


@pytest.mark.parametrize(
    ("history", "new"),
    [
        ([K.capture, K.escape], K.capture),
        ([K.capture, K.release], K.repatriation),
        ([K.capture, K.repatriation], K.capture),
        ([K.capture, K.hospital_admission], K.repatriation),
        ([K.capture, K.hospital_admission], K.death),
    ],
)
def test_documented_exceptions(history: list[DetentionEventKind], new: DetentionEventKind) -> None:
    check_event_sequence(history, new)


def test_capture_card_within_one_week() -> None:
    assert CAPTURE_CARD_LIMIT.days == 7
    due = capture_card_due(date(2024, 3, 1))
    assert due == date(2024, 3, 8)
    assert not is_overdue(due, date(2024, 3, 8), today=date(2024, 4, 1))
    assert is_overdue(due, date(2024, 3, 9), today=date(2024, 4, 1))
    assert not is_overdue(due, None, today=date(2024, 3, 8))
    assert is_overdue(due, None, today=date(2024, 3, 9))


def test_weekly_health_reports() -> None:
    assert next_health_report_due(None, since=date(2024, 3, 1)) == date(2024, 3, 8)
    assert next_health_report_due(date(2024, 3, 10), since=date(2024, 3, 1)) == date(2024, 3, 17)
    # a report older than the current serious episode does not count
    assert next_health_report_due(date(2024, 2, 1), since=date(2024, 3, 1)) == date(2024, 3, 8)


def test_art110_direct_repatriation_categories() -> None:
    assert {c.value for c in DIRECT_REPATRIATION} == {
        "incurable",
        "not_recovering_within_year",
        "recovered_permanently_diminished",
    }
    assert Art110Category.neutral_health_threatened not in DIRECT_REPATRIATION
