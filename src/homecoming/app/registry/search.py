"""Finding persons by any spelling of a name, a service number or a birth date.

Every name token of a person is stored as folded keys (``NameKey``; see ``linkage.names``); a query word
matches a person when one of its keys is among the person's keys, and a person is found when every
query word matches. Keys forgive case, accents, Ukrainian-vs-Russian romanisation and the usual
transliteration differences; proper record linkage comes later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from homecoming.app.registry.models import NameKey, Person
from homecoming.domain.partial_dates import PartialDate
from homecoming.linkage.names import name_keys

_DIGITS = re.compile(r"^[\w\-/]*\d[\w\-/]*$")


@dataclass(frozen=True)
class Query:
    text: str = ""
    birth_date: str = ""
    status: str = ""


def _normalise_number(text: str) -> str:
    return re.sub(r"[\s\-/]", "", text).upper()


def search_persons(query: Query, *, limit: int = 50) -> QuerySet[Person]:
    """Persons matching every word of ``query.text`` (names or numbers) and the birth date, if given."""
    qs = Person.objects.filter(purged=False)
    words = [w for w in re.split(r"[\s,]+", query.text.strip()) if w]
    for word in words:
        if _DIGITS.match(word):
            number = word.strip()
            qs = qs.filter(
                Q(service_number__iexact=number)
                | Q(identity_document__iexact=number)
                | Q(reference__iexact=number)
                | Q(service_number__iexact=_normalise_number(number))
            )
            continue
        keys = sorted(name_keys(word))
        if not keys:
            continue
        qs = qs.filter(pk__in=NameKey.objects.filter(key__in=keys).values("person_id"))
    if query.birth_date:
        pd = PartialDate.parse(query.birth_date, field="birth_date")
        qs = qs.filter(birth_from__lte=pd.latest(), birth_to__gte=pd.earliest())
    if query.status:
        qs = qs.filter(current_status=query.status)
    if not words and not query.birth_date and not query.status:
        return qs.none()
    return qs.order_by("reference").prefetch_related("names")[:limit]
