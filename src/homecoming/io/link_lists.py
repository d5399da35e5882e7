"""Person lists to link with each other (``homecoming link``): the person-list columns plus ``record_id``.

A list to link is a person list (``docs/formats/persons.md``, read and checked by the same rules as
:func:`homecoming.io.persons.read_persons`: unknown columns, empty names, impossible dates and a list of
no rows are refused, naming file, row, column and value) with three differences:

* a ``record_id`` column names each row (unique over all lists linked together); without it the
  ``external_id`` is used, and without that ``<file name>:<row>``;
* the columns of lists as other parties write them are read too: ``surname`` for ``family_name``,
  ``dob`` for ``birth_date``, and ``M``/``F`` for ``male``/``female`` in ``sex``;
* a list may name one person twice (finding that is what linking is for), so a ``service_number`` or
  ``external_id`` may repeat.

A word typed with a lookalike letter of the other alphabet ("Сидорoвський" with a Latin o) is read in
its own alphabet and counted (:attr:`LinkList.lookalikes`); a word that mixes letters that do not look
alike ("Шевchenko") is refused as in any import.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from homecoming.errors import Problem
from homecoming.io.person_columns import COLUMN_NAMES, COLUMNS
from homecoming.io.persons import PersonRow, _RowChecker
from homecoming.io.tables import (
    Cells,
    Column,
    collect_rows,
    file_error,
    file_problem,
    read_header,
    read_records,
    rows_error,
)

RECORD_ID = Column(
    "record_id", False, "the list's identifier of this row; unique over the lists linked", "A0001", 64
)
LINK_COLUMNS: tuple[Column, ...] = (RECORD_ID, *COLUMNS)
#: other names of columns, as lists from other parties write them
ALIASES = {
    "surname": "family_name",
    "dob": "birth_date",
    "date_of_birth": "birth_date",
    "first_name": "given_name",
}
_SEX = {"m": "male", "f": "female", "u": "unknown"}

_LATIN_LOOKALIKES = "aceiopxykmthbACEIOPXYKMTHB"
_CYRILLIC_OF_LATIN = "асеіорхукмтнвАСЕІОРХУКМТНВ"
_CYRILLIC_LOOKALIKES = "асеіорхуАВСЕІКМНОРТХУ"
_LATIN_OF_CYRILLIC = "aceiopxyABCEIKMHOPTXY"
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_OF_LATIN)
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_OF_CYRILLIC)
_WORD = re.compile(r"[^\W\d_]+")
_NAME_COLUMNS = (
    "family_name",
    "given_name",
    "patronymic",
    "place_of_birth",
    "father_name",
    "mother_maiden_name",
)


@dataclass(frozen=True)
class LinkRow:
    """One checked row of a list: where it is, its record id, and the person as the person reader reads it."""

    source: str
    row: int
    record_id: str
    person: PersonRow


@dataclass(frozen=True)
class LinkList:
    """The checked rows of one file, and how many words had lookalike letters read in their own alphabet."""

    name: str
    rows: list[LinkRow]
    lookalikes: int


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def unmix_word(word: str) -> str:
    """A word mixing Latin and Cyrillic letters where the letters of one alphabet all look like letters of
    the other, written wholly in the other (the alphabet of the non-lookalike letters, else of most
    letters); any other word unchanged (a truly mixed word is refused by the import's cell checks)."""
    latin = [ch for ch in word if ch.isascii() and ch.isalpha()]
    cyrillic = [ch for ch in word if _is_cyrillic(ch)]
    if not latin or not cyrillic:
        return word
    latin_alike = all(ch in _LATIN_LOOKALIKES for ch in latin)
    cyrillic_alike = all(ch in _CYRILLIC_LOOKALIKES for ch in cyrillic)
    if latin_alike and (not cyrillic_alike or len(cyrillic) >= len(latin)):
        return word.translate(_TO_CYRILLIC)
    if cyrillic_alike:
        return word.translate(_TO_LATIN)
    return word


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u052f]")


def _unmix(text: str) -> str:
    if text.isascii() or not _ASCII_LETTER.search(text) or not _CYRILLIC_LETTER.search(text):
        return text  # the common case: one alphabet
    return _WORD.sub(lambda m: unmix_word(m.group()), text)


def _header(record: Cells) -> Cells:
    out: Cells = []
    for cell in record:
        key = (cell or "").strip().lstrip("\ufeff").lower()
        out.append(ALIASES.get(key, cell))
    return out


class _LinkRowChecker(_RowChecker):
    """The person rows' checks, but a person may appear twice (no uniqueness of ids or numbers)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = {}
        self.lookalikes = 0

    def check_link(self, row: int, values: dict[str, str | None]) -> tuple[str | None, PersonRow] | None:
        record_id = values.pop("record_id", None)
        sex = values.get("sex")
        if sex and sex.lower() in _SEX:
            values["sex"] = _SEX[sex.lower()]
        person = self.check(row, values)
        return None if person is None else (record_id, person)


def _cleaned(records: Iterator[Cells], names: list[str | None], checker: _LinkRowChecker) -> Iterator[Cells]:
    positions = [i for i, n in enumerate(names) if n in _NAME_COLUMNS]
    for record in records:
        for i in positions:
            if i < len(record) and record[i]:
                fixed = _unmix(record[i] or "")
                if fixed != record[i]:
                    checker.lookalikes += 1
                    record[i] = fixed
        yield record


def read_link_list(path: Path, *, max_problems: int = 1000) -> LinkList:
    """Read and check one list to link; :class:`ImportFileError` lists every problem (nothing is read)."""
    path = Path(path)
    records = read_records(path)
    first = next(records, None)
    head = [_header(first)] if first is not None else []
    names = read_header(itertools.chain(head, records), path.name, LINK_COLUMNS, field="header")
    checker = _LinkRowChecker()
    result = collect_rows(
        _cleaned(records, names, checker),
        names,
        ("record_id", *COLUMN_NAMES),
        checker.check_link,
        checker.problems,
        max_problems=max_problems,
    )
    if checker.problems:
        raise rows_error(path.name, checker.problems)
    if not result:
        raise file_problem(path.name, "has a header but no rows", "add one row per person below the header")
    rows = []
    for record_id, person in result:
        fallback = person.external_id or f"{path.name}:{person.row}"
        rows.append(LinkRow(path.name, person.row, record_id or fallback, person))
    return LinkList(path.name, rows, checker.lookalikes)


def check_record_ids(lists: list[LinkList]) -> None:
    """Every record id once over all lists, or an :class:`ImportFileError` naming each repeat."""
    seen: dict[str, LinkRow] = {}
    problems: list[Problem] = []
    where = ""
    for link_list in lists:
        for row in link_list.rows:
            first = seen.setdefault(row.record_id, row)
            if first is not row:
                where = where or row.source
                problems.append(
                    Problem(
                        "record_id",
                        f"in {row.source} repeats row {first.row} of {first.source}",
                        row.record_id,
                        "give every row of the lists linked together its own record_id",
                        row.row,
                    )
                )
    if problems:
        raise file_error(where, "record ids repeat", problems)


__all__ = [
    "ALIASES",
    "LINK_COLUMNS",
    "RECORD_ID",
    "LinkList",
    "LinkRow",
    "check_record_ids",
    "read_link_list",
    "unmix_word",
]
