"""The published column schema of person lists (CSV/XLSX), and its Markdown table.

``docs/formats/persons.md`` contains :func:`schema_markdown` verbatim; a test keeps them equal.
"""

from __future__ import annotations

from homecoming.domain.partial_dates import ACCEPTED_FORMATS
from homecoming.domain.status import PersonStatus, SourceType
from homecoming.io import tables
from homecoming.io.tables import Column


def _c(name: str, description: str, example: str, *, required: bool = False, max_length: int = 200) -> Column:
    return Column(name, required, description, example, max_length)


_STATUSES = " | ".join(s.value for s in PersonStatus)
SOURCE_CHOICES = " | ".join(s.value for s in SourceType)

COLUMNS: tuple[Column, ...] = (
    _c(
        "external_id",
        "the sender's identifier for this row; unique in the file",
        "UA-2024-00017",
        max_length=64,
    ),
    _c(
        "reference",
        "the person's reference in this registry, as an export writes it: an import finds the person by it "
        "and creates nobody new",
        "P-0000017",
        max_length=20,
    ),
    _c("family_name", "family name (surname) as written in the list", "Шевченко", required=True),
    _c("given_name", "given (first) name", "Олександр", required=True),
    _c("patronymic", "patronymic (father's name form), if used", "Петрович"),
    _c("script", "cyrillic | latin; default: detected from the names", "cyrillic", max_length=8),
    _c("language", "language of the names, ISO 639-1 (uk, ru, en ...)", "uk", max_length=64),
    _c("family_name_latin", "family name in Latin letters as in a passport, if known", "Shevchenko"),
    _c("given_name_latin", "given name in Latin letters, if known", "Oleksandr"),
    _c("patronymic_latin", "patronymic in Latin letters, if known", "Petrovych"),
    _c("sex", "male | female | unknown", "male", max_length=7),
    _c("birth_date", f"date of birth, as much as is known: {ACCEPTED_FORMATS}", "1990-05-17", max_length=10),
    _c(
        "birth_age_range",
        "estimated age when the birth date is unknown: 25-30, 25 or ~25",
        "25-30",
        max_length=9,
    ),
    _c("place_of_birth", "place of birth", "Полтава"),
    _c(
        "citizenship",
        "citizenship, ISO 3166-1 alpha-2 code of a country (ua = UA; XX is refused)",
        "UA",
        max_length=64,
    ),
    _c("father_name", "first name of the father (GC III Art. 122)", "Петро"),
    _c("mother_maiden_name", "maiden name of the mother (GC III Art. 122)", "Коваленко"),
    _c(
        "power",
        "the Power on which the person depends, ISO 3166-1 alpha-2 code of a country",
        "UA",
        max_length=64,
    ),
    _c("force", "armed force, service or formation", "Ground Forces"),
    _c("unit", "unit", "Unit 1234"),
    _c("rank", "rank", "sergeant", max_length=64),
    _c(
        "service_number",
        "army, regimental, personal or serial number; unique in the file",
        "0000001",
        max_length=64,
    ),
    _c("identity_document", "identity disc or card number", "AA000000", max_length=64),
    _c("distinguishing_marks", "scars, tattoos and other marks", "scar on left forearm", max_length=2000),
    _c("status", f"what is known of the person: {_STATUSES}", "missing", max_length=20),
    _c(
        "status_source_type",
        f"where the status comes from (required with status): {SOURCE_CHOICES}",
        "family",
        max_length=32,
    ),
    _c("status_source_name", "name or reference of the source", "letter of 2024-03-01"),
    _c(
        "status_source_date",
        "date of the source: YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY",
        "2024-03-01",
        max_length=10,
    ),
    _c("notes", "free text", "", max_length=4000),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMNS_BY_NAME = {c.name: c for c in COLUMNS}

#: The fields of a person record that people fill in, in the order every surface shows them: the one
#: list. The registry's model has a column for each; its service accepts exactly these, its form shows
#: them (but ``age_on``, set when an age is entered), its API schemas are built from them, and a person
#: list carries those with a column of the same name (:data:`PERSON_TEXT_FIELDS` and ``sex``,
#: ``birth_date``). ``tests/app/registry/test_person_fields.py`` checks every surface against it.
PERSON_FIELDS: tuple[str, ...] = (
    "sex",
    "birth_date",
    "age_min",
    "age_max",
    "age_on",
    "place_of_birth",
    "citizenship",
    "father_name",
    "mother_maiden_name",
    "power",
    "force",
    "unit",
    "rank",
    "service_number",
    "identity_document",
    "distinguishing_marks",
    "notes",
)
#: The fields a person list carries as plain text, each in the column of the same name (empty: "").
PERSON_TEXT_FIELDS: tuple[str, ...] = tuple(
    f for f in PERSON_FIELDS if f in COLUMNS_BY_NAME and f not in ("sex", "birth_date")
)


def schema_markdown() -> str:
    """The column table of the published format, as Markdown."""
    return tables.schema_markdown(COLUMNS)


__all__ = [
    "COLUMNS",
    "COLUMNS_BY_NAME",
    "COLUMN_NAMES",
    "PERSON_FIELDS",
    "PERSON_TEXT_FIELDS",
    "SOURCE_CHOICES",
    "Column",
    "schema_markdown",
]
