"""Partial dates ("1990", "May 1990", "17 May 1990") and age ranges ("25-30", "~25").

Lists of the missing and of prisoners often know only a birth year, or a month and year, or an
estimated age. :class:`PartialDate` keeps exactly what is known and says which real dates it
covers (:meth:`PartialDate.earliest` .. :meth:`PartialDate.latest`); two partial dates are compatible
when those spans overlap. :class:`AgeRange` turns an estimated age at a given day into the birth
years it allows.

Accepted text (:meth:`PartialDate.parse`)::

    1990            year
    1990-05         year and month (ISO)
    1990-05-17      full date (ISO)
    05.1990         month and year (Ukrainian/Russian style)
    17.05.1990      full date, day first
    17/05/1990      full date, day first

Years before 1850 and dates in the future are refused (no living missing person or prisoner is
older; a future date is a typing error).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import total_ordering
from typing import Literal, NoReturn

from homecoming.errors import Problem, ValidationError

MIN_YEAR = 1850
ACCEPTED_FORMATS = "YYYY, YYYY-MM, YYYY-MM-DD, MM.YYYY, DD.MM.YYYY or DD/MM/YYYY"

Precision = Literal["year", "month", "day"]

_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(\d{4})"), ("y",)),
    (re.compile(r"(\d{4})-(\d{1,2})"), ("y", "m")),
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})\.(\d{4})"), ("m", "y")),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), ("d", "m", "y")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("d", "m", "y")),
)


def _fail(
    field: str, message: str, value: object, hint: str = f"write the date as {ACCEPTED_FORMATS}"
) -> NoReturn:
    problem = Problem(field, message, value, hint)
    raise ValidationError.from_problems([problem])


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day. Ordered by :meth:`sort_key`."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            _fail("date", problem, str(self._raw()))

    def _raw(self) -> str:
        return "-".join(str(p) for p in (self.year, self.month, self.day) if p is not None)

    def _problem(self) -> str:
        if self.year < MIN_YEAR or self.year > 9999:
            return f"year must be between {MIN_YEAR} and the current year"
        if self.month is None:
            return "a day without a month is not a date" if self.day is not None else ""
        if not 1 <= self.month <= 12:
            return "month must be between 1 and 12"
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                return f"day must be between 1 and {last} in {self.year}-{self.month:02d}"
        return ""

    @classmethod
    def parse(cls, text: str, *, field: str = "date", today: date | None = None) -> PartialDate:
        """Read a partial date; raise :class:`ValidationError` naming ``field`` and the text."""
        raw = text.strip() if isinstance(text, str) else text
        if not isinstance(raw, str) or not raw:
            _fail(field, "is empty", text)
        for pattern, order in _PATTERNS:
            match = pattern.fullmatch(raw)
            if match:
                parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
                break
        else:
            _fail(field, "is not a date in a known format", text)
        candidate = cls.__new__(cls)
        object.__setattr__(candidate, "year", parts["y"])
        object.__setattr__(candidate, "month", parts.get("m"))
        object.__setattr__(candidate, "day", parts.get("d"))
        problem = candidate._problem()
        if problem:
            _fail(field, f"is not a real date: {problem}", text)
        limit = today or date.today()
        if candidate.earliest() > limit:
            _fail(
                field,
                f"is in the future (today is {limit.isoformat()})",
                text,
                "check the year; future dates are not accepted",
            )
        return candidate

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def precision(self) -> Precision:
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def earliest(self) -> date:
        """The first real day this partial date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last real day this partial date can mean."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def overlaps(self, other: PartialDate) -> bool:
        """True when some real day is covered by both (so the two may be the same date)."""
        return self.earliest() <= other.latest() and other.earliest() <= self.latest()

    def sort_key(self) -> tuple[int, int, int]:
        """Chronological key; a less precise date sorts before the more precise ones it contains."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)


MAX_AGE = 130
APPROXIMATE_SPREAD = 2
"""``~25`` means 23-27: an estimated age is taken as plus or minus this many years."""


@dataclass(frozen=True)
class AgeRange:
    """An age in whole years known to lie between ``min_years`` and ``max_years`` inclusive."""

    min_years: int
    max_years: int

    def __post_init__(self) -> None:
        if not 0 <= self.min_years <= self.max_years <= MAX_AGE:
            _fail(
                "age_range",
                f"must satisfy 0 <= min <= max <= {MAX_AGE}",
                f"{self.min_years}-{self.max_years}",
                "write it as 25-30, 25 or ~25",
            )

    @classmethod
    def parse(cls, text: str, *, field: str = "age_range") -> AgeRange:
        """Read "25-30" (also with an en dash), "25" or "~25" (= 23-27)."""
        hint = "write it as 25-30, 25 or ~25"
        raw = text.strip() if isinstance(text, str) else ""
        match = re.fullmatch(r"(~)?\s*(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?", raw)
        if not match or (match.group(1) and match.group(3)):
            _fail(field, "is not an age range", text, hint)
        low = int(match.group(2))
        if match.group(1):
            low, high = max(0, low - APPROXIMATE_SPREAD), low + APPROXIMATE_SPREAD
        else:
            high = int(match.group(3)) if match.group(3) else low
        if not 0 <= low <= high <= MAX_AGE:
            _fail(field, f"must run from a lower to a higher age, at most {MAX_AGE}", text, hint)
        return cls(low, high)

    def __str__(self) -> str:
        return (
            str(self.min_years) if self.min_years == self.max_years else f"{self.min_years}-{self.max_years}"
        )

    def birth_year_range(self, on: date) -> tuple[int, int]:
        """The earliest and latest birth years of someone of this age on the day ``on``.

        Someone aged exactly N on ``on`` was born between ``on`` minus N+1 years (plus a day) and
        ``on`` minus N years, so the years run from ``on.year - max - 1`` to ``on.year - min``.
        """
        return (on.year - self.max_years - 1, on.year - self.min_years)


__all__ = ["ACCEPTED_FORMATS", "MIN_YEAR", "AgeRange", "PartialDate", "Precision"]
