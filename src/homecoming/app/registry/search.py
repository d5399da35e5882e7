"""Finding persons by any spelling of a name, a service number or a birth date.

Every name token of a person is stored as folded keys (``NameKey``; see ``linkage.names``); a query word
matches a person when one of its keys is among the person's keys, and a person is found when every
query word matches. Keys forgive case, accents, Ukrainian-vs-Russian romanisation and the usual
transliteration differences; given names also carry the key of their equivalence group, so a Russian
form finds the Ukrainian one (Александр → Олександр). Proper record linkage comes later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from homecoming.app.registry.models import NameKey, Person
from homecoming.app.registry.numbers import normalise_number
from homecoming.domain.partial_dates import PartialDate
from homecoming.linkage.names import given_name_keys

_DIGITS = re.compile(r"^[\w\-/]*\d[\w\-/]*$")
#: Up to this many persons matching every name word, they are fetched by id; above it, the database
#: walks persons in reference order and checks each word (fast when matches are many).
SMALL = 5000


@dataclass(frozen=True)
class Query:
    text: str = ""
    birth_date: str = ""
    status: str = ""
    include_merged: bool = False  # persons merged into another are hidden unless asked for


def _words(text: str) -> tuple[list[str], list[str]]:
    """Number-like words, and name words (hyphenated names split, as they are indexed)."""
    numbers, names = [], []
    for word in re.split(r"[\s,]+", text.strip()):
        if not word:
            continue
        if _DIGITS.match(word):
            numbers.append(word)
        else:
            names += [w for w in word.split("-") if w]
    return numbers, names


def _among(qs: QuerySet[Person], ids: list[int]) -> QuerySet[Person]:
    """``qs`` restricted to ``ids`` (one array parameter on PostgreSQL, not thousands of placeholders)."""
    if connection.vendor == "postgresql":
        return qs.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return qs.filter(pk__in=ids)


def _name_filter(qs: QuerySet[Person], names: list[str]) -> QuerySet[Person]:
    key_sets = [sorted(k) for k in (given_name_keys(w) for w in names) if k]
    if not key_sets:
        return qs
    # the persons having a key of every word, intersected by the database (index-only scans of
    # namekey_key_person), at most SMALL + 1 of them
    found = [NameKey.objects.filter(key__in=keys).values_list("person_id", flat=True) for keys in key_sets]
    matched = found[0].intersection(*found[1:]) if len(found) > 1 else found[0].distinct()
    ids = list(matched.order_by()[: SMALL + 1])
    if len(ids) <= SMALL:
        return _among(qs, ids)
    # very common names: let the database walk persons in reference order and check each word
    for keys in key_sets:
        qs = qs.filter(pk__in=NameKey.objects.filter(key__in=keys).values("person_id"))
    return qs


def search_persons(query: Query, *, limit: int = 50) -> QuerySet[Person]:
    """Persons matching every word of ``query.text`` (names or numbers) and the birth date, if given."""
    qs = Person.objects.filter(purged=False)
    if not query.include_merged:
        qs = qs.filter(merged_into__isnull=True)
    numbers, names = _words(query.text)
    for word in numbers:
        number = normalise_number(word)
        qs = qs.filter(Q(service_number=number) | Q(identity_document=number) | Q(reference=number))
    if names:
        qs = _name_filter(qs, names)
    if query.birth_date:
        pd = PartialDate.parse(query.birth_date, field="birth_date")
        qs = qs.filter(birth_from__lte=pd.latest(), birth_to__gte=pd.earliest())
    if query.status:
        qs = qs.filter(current_status=query.status)
    if not numbers and not names and not query.birth_date and not query.status:
        return qs.none()
    # the first ``limit`` ids in reference order, then their rows: on PostgreSQL the inner query reads
    # only the covering index person_search_cover (migration 0003), not a heap row per candidate
    first = qs.order_by("reference").values("pk")[:limit]
    return (
        Person.objects.filter(pk__in=first)
        .order_by("reference")
        .select_related("merged_into")
        .prefetch_related("names")
    )
