"""The registry's linkage model, and which registered persons a list's rows may be.

The registry's model is the newest :class:`~homecoming.app.registry.models.LinkageModel` (one trained
on the registry's own persons: :func:`homecoming.app.registry.training.train_on_registry`), or, until
there is one, the model shipped with Homecoming (``linkage/default_model.json``, trained without labels
on the synthetic development set).

:func:`candidates` finds the registry persons each row may be: a *pool* read from the database (persons
sharing a surname key and a given-name key with the row, or either key and the whole birth date (a
typo in one name), or the service number; purged and merged persons never), then every (row, pool
person) pair that shares a block is scored by the model (:func:`homecoming.linkage.matching.match`), each
name form of a person a record of its own (a person's best form counts).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from django.db import connection, transaction

from homecoming.app.audit import services as audit
from homecoming.app.registry.models import LinkageModel, NameForm, NameKey, Person
from homecoming.io.persons import PersonRow
from homecoming.linkage.engine import check_model
from homecoming.linkage.matching import PairMatch, match
from homecoming.linkage.model import LinkRecord
from homecoming.linkage.names import given_name_keys, name_keys, pair_keys

#: from this match probability a row is the registered person (unless two persons reach it)
MATCH = 0.99
#: from this match probability (below MATCH) a row may be the person: a person decides
UNCERTAIN = 0.5
CHUNK = 2000


def shipped_model() -> dict[str, Any]:
    """The model shipped with Homecoming (trained on the synthetic development set)."""
    text = resources.files("homecoming.linkage").joinpath("default_model.json").read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(text)
    return model


def current() -> tuple[dict[str, Any], LinkageModel | None]:
    """The model in force and its row (None: the shipped model)."""
    row = LinkageModel.objects.order_by("-at", "-id").first()
    if row is None:
        return shipped_model(), None
    return dict(row.model), row


def save_model(
    *, actor: Any, model: dict[str, Any], trained_on: str, persons: int | None = None
) -> LinkageModel:
    """Put ``model`` in force (a new row, audited); the previous ones stay, for the record."""
    check_model(model)
    with transaction.atomic():
        row = LinkageModel.objects.create(
            model=model,
            trained_on=trained_on[:300],
            records=persons if persons is not None else int(model.get("provenance", {}).get("records", 0)),
            actor=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action="train linkage model",
            obj=row,
            after={"trained_on": row.trained_on, "records": row.records, **model.get("provenance", {})},
        )
    return row


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _words(text: str | None) -> list[str]:
    return str(text or "").replace("-", " ").split()


def _surname_keys(text: str | None) -> set[str]:
    return {k[:64] for w in _words(text) for k in name_keys(w)}


def _given_keys(text: str | None) -> set[str]:
    return {k[:64] for w in _words(text) for k in given_name_keys(w)}


def _row_forms(row: PersonRow) -> list[tuple[str, str, str | None]]:
    forms = [(row.family_name, row.given_name, row.patronymic)]
    if row.family_name_latin or row.given_name_latin:
        forms.append((row.family_name_latin or "", row.given_name_latin or "", row.patronymic_latin))
    return forms


def row_records(rows: Sequence[PersonRow]) -> tuple[list[LinkRecord], list[int]]:
    """Each row's name forms as records to link, and the row (its index in ``rows``) of each record."""
    records: list[LinkRecord] = []
    owners: list[int] = []
    for i, row in enumerate(rows):
        for family, given, patronymic in _row_forms(row):
            if not family and not given:
                continue
            records.append(
                LinkRecord(
                    record_id=f"row{row.row}",
                    source="list",
                    family_name=family,
                    given_name=given,
                    patronymic=patronymic or None,
                    sex=row.sex if row.sex in ("male", "female") else None,
                    birth_date=str(row.birth_date) if row.birth_date is not None else None,
                    place_of_birth=row.place_of_birth,
                    service_number=row.service_number,
                    unit=row.unit,
                )
            )
            owners.append(i)
    return records, owners


def _pool_query(table_sql: str, join_sql: str, values: list[tuple[Any, ...]]) -> set[int]:
    """Person ids from a join of the wanted ``values`` (a temporary table) with the name keys."""
    if not values:
        return set()
    found: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS hc_wanted")
        cursor.execute(f"CREATE TEMPORARY TABLE hc_wanted ({table_sql})")
        width = len(values[0])
        marks = ", ".join(["%s"] * width)
        for chunk in _chunks(values):
            cursor.executemany(f"INSERT INTO hc_wanted VALUES ({marks})", list(chunk))
        cursor.execute(join_sql)
        found = {r[0] for r in cursor.fetchall()}
        cursor.execute("DROP TABLE hc_wanted")
    return found


def pool(rows: Sequence[PersonRow]) -> set[int]:
    """Ids of the registry persons any row may be (see the module's text): an indexed look-up of the
    rows' pair keys (surname and given name together: ``linkage.names.pair_keys``), of either name key
    with the whole birth date, and of the service numbers."""
    pairs: set[str] = set()
    names_and_birth: set[tuple[str, date]] = set()
    numbers: set[str] = set()
    for row in rows:
        for family, given, _ in _row_forms(row):
            pairs |= pair_keys(family, given)
            if row.birth_date is not None and row.birth_date.day is not None:
                born = row.birth_date.earliest()
                names_and_birth |= {(k, born) for k in _surname_keys(family) | _given_keys(given)}
        if row.service_number:
            numbers.add(row.service_number)
    ids: set[int] = set()
    for chunk in _chunks(sorted(pairs)):
        ids |= set(NameKey.objects.filter(key__in=list(chunk)).values_list("person_id", flat=True))
    key = NameKey._meta.db_table
    person = Person._meta.db_table
    ids |= _pool_query(
        "k varchar(64), bf date",
        f"SELECT DISTINCT p.id FROM hc_wanted w JOIN {person} p ON p.birth_from = w.bf AND p.birth_to = w.bf "
        f"JOIN {key} a ON a.person_id = p.id AND a.key = w.k",
        sorted(names_and_birth),
    )
    for chunk in _chunks(sorted(numbers)):
        ids |= set(Person.objects.filter(service_number__in=list(chunk)).values_list("pk", flat=True))
    return ids


@dataclass(frozen=True)
class Known:
    """A pool person as the preview shows them."""

    pk: int
    reference: str
    name: str
    birth_date: str
    service_number: str


def person_records(ids: Iterable[int]) -> tuple[list[LinkRecord], list[int], dict[int, Known]]:
    """The active persons among ``ids``: each name form a record, the person of each record, and the
    persons' summaries."""
    fields = ("pk", "reference", "sex", "birth_date", "place_of_birth", "service_number", "unit")
    persons: dict[int, tuple[Any, ...]] = {}
    forms: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(ids)):
        qs = Person.objects.filter(pk__in=list(chunk), purged=False, merged_into__isnull=True)
        persons.update((p[0], p) for p in qs.values_list(*fields))
        names = NameForm.objects.filter(person_id__in=list(chunk)).order_by("person_id", "position", "id")
        for pid, family, given, patronymic in names.values_list(
            "person_id", "family_name", "given_name", "patronymic"
        ):
            forms[pid].append((family, given, patronymic))
    records: list[LinkRecord] = []
    owners: list[int] = []
    known: dict[int, Known] = {}
    for pid, (_, reference, sex, birth, place, number, unit) in sorted(persons.items()):
        first = forms[pid][0] if forms[pid] else ("", "", "")
        known[pid] = Known(
            pid, reference, " ".join(p for p in (first[0].upper(), *first[1:]) if p), birth, number
        )
        for family, given, patronymic in forms[pid]:
            records.append(
                LinkRecord(
                    record_id=str(pid),
                    source="registry",
                    family_name=family,
                    given_name=given,
                    patronymic=patronymic or None,
                    sex=sex if sex in ("male", "female") else None,
                    birth_date=birth or None,
                    place_of_birth=place or None,
                    service_number=number or None,
                    unit=unit or None,
                )
            )
            owners.append(pid)
    return records, owners, known


@dataclass(frozen=True)
class RowCandidate:
    """A registry person a row may be: the model's probability and evidence (the best name forms')."""

    person: Known
    probability: float
    evidence: tuple[tuple[str, str, float], ...]  # comparison, level, weight in bits


#: rows scored together: each group has its own pool, so the pairs grow with the rows, not their square
ROWS_PER_GROUP = 4000


def _groups(rows: Sequence[PersonRow]) -> list[list[int]]:
    """Row indices in groups of :data:`ROWS_PER_GROUP`, namesakes together (sorted by surname key): a
    group's pool is the few surnames it holds, and the model's blocks pair rows with their own namesakes."""
    order = sorted(
        range(len(rows)),
        key=lambda i: (min(_surname_keys(rows[i].family_name) or {""}), rows[i].given_name, i),
    )
    return [order[k : k + ROWS_PER_GROUP] for k in range(0, len(order), ROWS_PER_GROUP)]


def candidates(
    rows: Sequence[PersonRow],
    *,
    model: dict[str, Any] | None = None,
    threshold: float = UNCERTAIN,
    timings: dict[str, float] | None = None,
) -> dict[int, list[RowCandidate]]:
    """For each row (its index in ``rows``) the registry persons it may be, best first. ``timings``
    receives the seconds of each stage (pool, records, scoring) and the pools' sizes."""
    clock = timings if timings is not None else {}
    for stage in ("pool", "records", "scoring", "pool_persons"):
        clock.setdefault(stage, 0.0)
    settings_model = model or current()[0]
    out: dict[int, list[RowCandidate]] = defaultdict(list)
    for group in _groups(rows):
        started = time.perf_counter()
        chosen = [rows[i] for i in group]
        ids = pool(chosen)
        clock["pool"] += time.perf_counter() - started
        if not ids:
            continue
        started = time.perf_counter()
        known_records, known_owner, known = person_records(ids)
        new_records, new_owner = row_records(chosen)
        clock["records"] += time.perf_counter() - started
        clock["pool_persons"] += len(known)
        if not known_records or not new_records:
            continue
        started = time.perf_counter()
        scored = match(new_records, known_records, model=settings_model, threshold=threshold)
        clock["scoring"] += time.perf_counter() - started
        best: dict[tuple[int, int], PairMatch] = {}
        for pair in scored:
            key = (group[new_owner[pair.new]], known_owner[pair.known])
            if key not in best or pair.probability > best[key].probability:
                best[key] = pair
        for (row, pid), pair in best.items():
            evidence = tuple((e.comparison, e.level, round(e.weight, 3)) for e in pair.evidence)
            out[row].append(RowCandidate(known[pid], pair.probability, evidence))
    for found in out.values():
        found.sort(key=lambda c: (-c.probability, c.person.reference))
    return dict(out)


__all__ = [
    "MATCH",
    "UNCERTAIN",
    "Known",
    "RowCandidate",
    "candidates",
    "current",
    "person_records",
    "pool",
    "row_records",
    "save_model",
    "shipped_model",
]
