"""Synthetic persons for ``benchmarks/registry.py`` (not a benchmark itself).

Pools of Faker uk_UA/ru_RU names combined by a seeded NumPy generator into rows of the published
person-list columns; and a bulk writer (COPY on PostgreSQL) that fills the registry tables with the same
name forms and search keys ``registry.importing`` makes, but without audit records — only to fill a
benchmark database fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import numpy as np

from homecoming.app.vocabulary import RANKS, UNITS
from homecoming.io.person_columns import PERSON_TEXT_FIELDS


def name_pools(seed: int) -> dict[str, dict[str, list[str]]]:
    """Distinct Faker names per language and sex (Faker is slow; the pools are combined with NumPy)."""
    from faker import Faker

    pools: dict[str, dict[str, list[str]]] = {}
    for i, (lang, locale) in enumerate((("uk", "uk_UA"), ("ru", "ru_RU"))):
        fake = Faker(locale)
        fake.seed_instance(seed + i)
        pool: dict[str, list[str]] = {}
        for part, method in (("family", "last_name"), ("given", "first_name"), ("patronymic", "middle_name")):
            for sex in ("male", "female"):
                draw = getattr(fake, f"{method}_{sex}")
                pool[f"{part}_{sex}"] = sorted({draw() for _ in range(4000)})
        pool["city"] = sorted({fake.city() for _ in range(3000)})
        pools[lang] = pool
    return pools


class PersonMaker:
    """Rows of the published person-list columns, drawn from the name pools with a seeded Generator."""

    def __init__(self, pools: dict[str, dict[str, list[str]]]) -> None:
        from homecoming.linkage.names import romanize_ru, romanize_uk

        self.pools = pools
        rom = {"uk": romanize_uk, "ru": romanize_ru}
        self.latin = {
            lang: {name: rom[lang](name) for names in pool.values() for name in names}
            for lang, pool in pools.items()
        }

    def rows(self, rng: np.random.Generator, start: int, count: int) -> Iterator[dict[str, object]]:
        langs = np.where(rng.random(count) < 0.8, "uk", "ru")
        female = rng.random(count) < 0.07
        picks = rng.random((count, 6))
        years = rng.integers(1965, 2006, count)
        months = rng.integers(1, 13, count)
        days = rng.integers(1, 29, count)
        precision = rng.random(count)
        with_status = rng.random(count) < 0.2
        for j in range(count):
            i = start + j
            lang = str(langs[j])
            sex = "female" if female[j] else "male"
            pool = self.pools[lang]

            def pick(key: str, k: int, pool: dict[str, list[str]] = pool, j: int = j) -> str:
                names = pool[key]
                return names[int(picks[j, k] * len(names))]

            family, given = pick(f"family_{sex}", 0), pick(f"given_{sex}", 1)
            patronymic = pick(f"patronymic_{sex}", 2)
            latin = self.latin[lang]
            birth = (
                f"{years[j]}-{months[j]:02d}-{days[j]:02d}"
                if precision[j] < 0.7
                else f"{years[j]}-{months[j]:02d}"
                if precision[j] < 0.85
                else str(years[j])
            )
            row: dict[str, object] = {
                "external_id": f"BENCH-{i:07d}",
                "family_name": family,
                "given_name": given,
                "patronymic": patronymic,
                "script": "cyrillic",
                "language": lang,
                "family_name_latin": latin[family],
                "given_name_latin": latin[given],
                "patronymic_latin": latin[patronymic],
                "sex": sex,
                "birth_date": birth,
                "place_of_birth": pick("city", 3),
                "citizenship": "UA",
                "father_name": pick("given_male", 4),
                "mother_maiden_name": pick("family_female", 5),
                "power": "UA",
                "force": "Armed Forces of Ukraine",
                "unit": UNITS[i % len(UNITS)],
                "rank": RANKS[i % len(RANKS)],
                # i -> i*p mod 10^7 is a bijection (p prime, not 2 or 5): unique numbers that look random
                "service_number": f"{'ABCDEFGH'[i % 8]}{(i * 7919 + 104729) % 10_000_000:07d}",
                "identity_document": f"ID-{(i * 15485863 + 7) % 10_000_000:07d}",
            }
            if with_status[j]:
                row.update(status="missing", status_source_type="family", status_source_date="2025-03-01")
            yield row


def _bulk_tuples(
    rows: list[dict[str, object]],
    first_id: int,
    references: range,
) -> dict[str, list[tuple[object, ...]]]:
    """Table rows as ``registry.importing`` would write them (the same name forms and search keys)."""
    from homecoming.app.registry.importing import _keys, _names
    from homecoming.app.registry.models import Person
    from homecoming.domain.partial_dates import PartialDate
    from homecoming.io.persons import PersonRow

    now = datetime.now(UTC)
    fields = [f for f in Person._meta.concrete_fields if f.column != "id"]
    defaults = {f.attname: f.get_default() for f in fields}
    out: dict[str, list[tuple[object, ...]]] = {"person": [], "nameform": [], "namekey": [], "assertion": []}
    for k, row in enumerate(rows):
        pid = first_id + k
        birth = PartialDate.parse(str(row["birth_date"]))
        values = (
            defaults
            | {key: row.get(key) or "" for key in _PERSON_TEXT}
            | {
                "reference": f"P-{references[k]:07d}",
                "birth_date": str(birth),
                "birth_from": birth.earliest(),
                "birth_to": birth.latest(),
                "created": now,
                "updated": now,
                "created_by_id": None,
            }
        )
        out["person"].append((pid, *(values[f.attname] for f in fields)))
        forms = _names(
            PersonRow(
                row=k + 2,
                values={},
                family_name=str(row["family_name"]),
                given_name=str(row["given_name"]),
                patronymic=str(row["patronymic"]),
                script="cyrillic",
                language=str(row["language"]),
                family_name_latin=str(row["family_name_latin"]),
                given_name_latin=str(row["given_name_latin"]),
                patronymic_latin=str(row["patronymic_latin"]),
            )
        )
        keys: set[str] = set()
        for position, form in enumerate(forms):
            out["nameform"].append(
                (
                    pid,
                    position,
                    form["family_name"],
                    form["given_name"],
                    form["patronymic"],
                    form["script"],
                    form["language"],
                    form["kind"],
                )
            )
            keys |= _keys([form])
        out["namekey"] += [(pid, key[:64]) for key in sorted(keys)]
        if row.get("status"):
            out["assertion"].append(
                (
                    pid,
                    row["status"],
                    row["status_source_type"],
                    "benchmark list",
                    row["status_source_date"],
                    "F",
                    "",
                    "submitted",
                    now,
                    None,
                )
            )
    return out


_PERSON_TEXT = ("sex", *PERSON_TEXT_FIELDS)  # the one field list (io/person_columns.py)
_COLUMNS = {
    "person": None,  # from the model
    "nameform": (
        "registry_nameform",
        "person_id, position, family_name, given_name, patronymic, script, language, kind",
    ),
    "namekey": ("registry_namekey", "person_id, key"),
    "assertion": (
        "registry_statusassertion",
        "person_id, status, source_type, source_name, source_date, "
        "reliability, evidence, review_state, submitted, submitted_by_id",
    ),
}


def _write(table: str, columns: str, tuples: list[tuple[object, ...]]) -> None:
    from django.db import connection

    if not tuples:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for t in tuples:
                    copy.write_row(t)
        else:
            marks = ", ".join(["%s"] * len(tuples[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuples)


def bulk_load(
    maker: PersonMaker, rng: np.random.Generator, total: int, advance: Callable[[int], None]
) -> None:
    """Write ``total`` persons straight into the tables (COPY on PostgreSQL), without audit records.

    Only to fill the database fast; ``import persons`` itself is timed on the last file (see ``load``).
    """
    from django.db import connection, transaction

    from homecoming.app.registry.models import Person
    from homecoming.app.registry.services import allocate

    fields = [f for f in Person._meta.concrete_fields if f.column != "id"]
    person_columns = ", ".join(["id"] + [connection.ops.quote_name(f.column) for f in fields])
    step = 20_000
    with transaction.atomic():
        references = allocate("person", total)
        for start in range(0, total, step):
            count = min(step, total - start)
            tuples = _bulk_tuples(
                list(maker.rows(rng, start, count)), start + 1, references[start : start + count]
            )
            _write("registry_person", person_columns, tuples.pop("person"))
            for name, rows in tuples.items():
                table, columns = _COLUMNS[name]  # type: ignore[misc]
                _write(table, columns, rows)
            advance(count)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in (
                    "registry_person",
                    "registry_nameform",
                    "registry_namekey",
                    "registry_statusassertion",
                ):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
