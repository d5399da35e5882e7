from datetime import date

import pytest

from homecoming.domain.partial_dates import AgeRange, PartialDate
from homecoming.errors import ValidationError

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("1990", "1990", "year"),
        ("1990-05", "1990-05", "month"),
        ("1990-05-17", "1990-05-17", "day"),
        ("05.1990", "1990-05", "month"),
        ("17.05.1990", "1990-05-17", "day"),
        ("17/05/1990", "1990-05-17", "day"),
        (" 1990-5-7 ", "1990-05-07", "day"),
    ],
)
def test_parse_accepts_the_published_formats(text: str, expected: str, precision: str) -> None:
    parsed = PartialDate.parse(text, today=TODAY)
    assert str(parsed) == expected
    assert parsed.precision == precision


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1990-02-30", "is not a real date: day must be between 1 and 28 in 1990-02"),
        ("1992-13", "is not a real date: month must be between 1 and 12"),
        ("1849", "is not a real date: year must be between 1850"),
        ("2031", "is in the future (today is 2025-06-01)"),
        ("May 1990", "is not a date in a known format"),
        ("", "is empty"),
    ],
)
def test_parse_refuses_with_field_value_and_formats(text: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        PartialDate.parse(text, field="birth_date", today=TODAY)
    message = str(info.value)
    assert message.startswith(f"birth_date: {reason}")
    assert repr(text) in message
    assert info.value.field == "birth_date"
    assert info.value.problems[0].value == text
    if "future" not in reason:
        assert "YYYY-MM-DD, MM.YYYY, DD.MM.YYYY or DD/MM/YYYY" in info.value.hint


def test_leap_day_is_accepted_only_in_leap_years() -> None:
    assert str(PartialDate.parse("29.02.1992", today=TODAY)) == "1992-02-29"
    with pytest.raises(ValidationError, match="day must be between 1 and 28"):
        PartialDate.parse("29.02.1991", today=TODAY)


def test_constructor_refuses_day_without_month() -> None:
    with pytest.raises(ValidationError, match="a day without a month is not a date"):
        PartialDate(1990, None, 5)


def test_earliest_and_latest_span_the_unknown_part() -> None:
    assert PartialDate(1990).earliest() == date(1990, 1, 1)
    assert PartialDate(1990).latest() == date(1990, 12, 31)
    assert PartialDate(1992, 2).latest() == date(1992, 2, 29)
    assert PartialDate(1990, 5, 17).earliest() == PartialDate(1990, 5, 17).latest() == date(1990, 5, 17)


def test_overlaps_means_compatible() -> None:
    assert PartialDate(1990).overlaps(PartialDate(1990, 5, 17))
    assert PartialDate(1990, 5).overlaps(PartialDate(1990, 5, 31))
    assert not PartialDate(1990, 5).overlaps(PartialDate(1990, 6, 1))
    assert not PartialDate(1990).overlaps(PartialDate(1991))


def test_sorting_is_chronological_with_less_precise_first() -> None:
    dates = [PartialDate(1990, 5, 17), PartialDate(1989), PartialDate(1990, 5), PartialDate(1990)]
    assert [str(d) for d in sorted(dates)] == ["1989", "1990", "1990-05", "1990-05-17"]
    assert sorted(dates, key=PartialDate.sort_key) == sorted(dates)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("25-30", 25, 30), ("25 – 30", 25, 30), ("~25", 23, 27), ("40", 40, 40), ("~1", 0, 3)],
)
def test_age_range_parse(text: str, low: int, high: int) -> None:
    assert AgeRange.parse(text) == AgeRange(low, high)


@pytest.mark.parametrize("text", ["30-25", "abc", "~25-30", "200"])
def test_age_range_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        AgeRange.parse(text, field="birth_age_range")
    assert str(info.value).startswith("birth_age_range: ")
    assert "write it as 25-30, 25 or ~25" in str(info.value)


def test_birth_year_range() -> None:
    # aged 25..30 on 2024-06-01: born 2024-06-02 minus 31 years .. 2024-06-01 minus 25 years
    assert AgeRange(25, 30).birth_year_range(date(2024, 6, 1)) == (1993, 1999)
    assert AgeRange(0, 0).birth_year_range(date(2024, 1, 1)) == (2023, 2024)
