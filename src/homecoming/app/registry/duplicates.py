"""Is this person already registered? Exact duplicates (refused) and likely ones (warned of, reviewed).

An **exact duplicate** of a new person is a registry person (not purged, not merged into another) with
the same normalised name — one of its name forms has a key in common with the new person's family name,
given name and patronymic (or both have no patronymic) — and the same birth date and the same service
number (both given). Creating one is refused (``errors.DuplicatePerson``) unless a person confirms it
is a different person, with a reason.

A **likely duplicate** shares a key of the family name and of the given name (any script, any
transliteration: ``linkage.names``), or the service number; its score adds up what agrees and what
differs (:data:`WEIGHTS`), each comparison kept as evidence for the page that shows it. The one function
:func:`likely_duplicates` ranks them: a better scorer (the linkage model) replaces it behind the same
signature. :func:`candidate_pairs` feeds the review queue.

The review queue lists first the pairs the linkage model stored when an import registered a row it was
not sure of (``PossibleDuplicate``, :func:`open_possible_duplicates`), then :func:`candidate_pairs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects

from homecoming.app.registry.models import NameKey, Person, PersonLink, PossibleDuplicate
from homecoming.app.registry.numbers import normalise_number
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import HomecomingError
from homecoming.linkage.names import given_name_keys, name_keys

#: what agreeing (or disagreeing) on a field adds to a candidate's score
WEIGHTS: dict[str, tuple[int, int]] = {  # field -> (agrees, differs)
    "family_name": (40, -20),
    "given_name": (25, -10),
    "patronymic": (10, -5),
    "birth_date": (20, -30),
    "service_number": (50, -40),
    "sex": (0, -30),
    "place_of_birth": (5, 0),
    "unit": (5, 0),
    "father_name": (5, -5),
}
#: a candidate scoring below this is not shown
THRESHOLD = 50
#: at most this many persons sharing the name keys are scored
POOL = 500
NAME_PARTS = ("family_name", "given_name", "patronymic")


@dataclass(frozen=True)
class Agreement:
    """One field compared: ``outcome`` is agree, differ or unknown (one side empty)."""

    field: str
    outcome: str
    ours: str
    theirs: str


@dataclass(frozen=True)
class Candidate:
    """A registry person that may be the same as the one given, with the evidence."""

    person: Person
    score: int
    exact: bool
    evidence: tuple[Agreement, ...]

    def agreeing(self) -> list[str]:
        return [a.field for a in self.evidence if a.outcome == "agree"]


def part_keys(text: str, part: str) -> frozenset[str]:
    keyer = given_name_keys if part == "given_name" else name_keys
    keys: set[str] = set()
    for word in str(text or "").replace("-", " ").split():
        keys |= {k[:64] for k in keyer(word)}
    return frozenset(keys)


def name_sets(names: Iterable[Any]) -> list[dict[str, frozenset[str]]]:
    """The keys of each name part of each form (a form as a mapping or a ``NameForm``)."""
    out = []
    for form in names:
        get = form.get if isinstance(form, Mapping) else (lambda k, f=form: getattr(f, k, ""))
        out.append({part: part_keys(get(part) or "", part) for part in NAME_PARTS})
    return out


def _names_agree(
    ours: list[dict[str, frozenset[str]]], theirs: list[dict[str, frozenset[str]]]
) -> dict[str, str]:
    """Per name part: agree if some pair of forms shares a key, differ if both sides have keys but none
    shared, unknown if either side has none."""
    result = {}
    for part in NAME_PARTS:
        mine = [f[part] for f in ours if f[part]]
        other = [f[part] for f in theirs if f[part]]
        if not mine or not other:
            result[part] = "unknown"
        else:
            result[part] = "agree" if any(a & b for a in mine for b in other) else "differ"
    return result


def same_name(ours: list[dict[str, frozenset[str]]], theirs: list[dict[str, frozenset[str]]]) -> bool:
    for a in ours:
        for b in theirs:
            if not (a["family_name"] & b["family_name"] and a["given_name"] & b["given_name"]):
                continue
            if (a["patronymic"] & b["patronymic"]) or (not a["patronymic"] and not b["patronymic"]):
                return True
    return False


def _birth(text: str) -> tuple[date, date] | None:
    if not text:
        return None
    try:
        pd = PartialDate.parse(str(text), field="birth_date", today=date(9999, 12, 31))
    except HomecomingError:
        return None
    return pd.earliest(), pd.latest()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _compare_field(field: str, ours: str, theirs: str) -> str:
    if not ours or not theirs:
        return "unknown"
    if field == "birth_date":
        a, b = _birth(ours), _birth(theirs)
        if a is None or b is None:
            return "unknown"
        return "agree" if a[0] <= b[1] and b[0] <= a[1] else "differ"
    if field == "service_number":
        return "agree" if normalise_number(ours) == normalise_number(theirs) else "differ"
    if field == "sex" and "unknown" in (ours, theirs):
        return "unknown"
    return "agree" if ours.casefold() == theirs.casefold() else "differ"


def _form_text(names: list[Any], part: str) -> str:
    for form in names:
        get = form.get if isinstance(form, Mapping) else (lambda k, f=form: getattr(f, k, ""))
        if get(part):
            return str(get(part))
    return ""


def compare(data: Mapping[str, Any], names: list[Any], person: Person) -> Candidate:
    """Compare a new person's fields and names with a registry person's (names prefetched or not)."""
    theirs_forms = list(person.names.all())
    ours_sets, theirs_sets = name_sets(names), name_sets(theirs_forms)
    outcomes = _names_agree(ours_sets, theirs_sets)
    evidence = [
        Agreement(part, outcomes[part], _form_text(names, part), _form_text(theirs_forms, part))
        for part in NAME_PARTS
    ]
    for field in WEIGHTS:
        if field in NAME_PARTS:
            continue
        ours, theirs = _text(data.get(field)), _text(getattr(person, field))
        evidence.append(Agreement(field, _compare_field(field, ours, theirs), ours, theirs))
    score = 0
    for a in evidence:
        agree, differ = WEIGHTS[a.field]
        score += agree if a.outcome == "agree" else differ if a.outcome == "differ" else 0
    by_field = {a.field: a for a in evidence}
    exact = (
        same_name(ours_sets, theirs_sets)
        and bool(_text(data.get("birth_date")))
        and _text(data.get("birth_date")) == _text(person.birth_date)
        and by_field["service_number"].outcome == "agree"
    )
    return Candidate(person=person, score=score, exact=exact, evidence=tuple(evidence))


def _pool(names: list[Any], service_number: str) -> set[int]:
    ids: set[int] = set()
    for form in name_sets(names):
        if not form["family_name"]:
            continue
        by_family = NameKey.objects.filter(key__in=sorted(form["family_name"])).values_list(
            "person_id", flat=True
        )
        if form["given_name"]:
            by_given = NameKey.objects.filter(key__in=sorted(form["given_name"])).values_list(
                "person_id", flat=True
            )
            ids |= set(by_family.intersection(by_given).order_by()[:POOL])
        else:
            ids |= set(by_family.order_by().distinct()[:POOL])
    if service_number:
        number = normalise_number(service_number)
        ids |= set(Person.objects.filter(service_number=number).values_list("pk", flat=True)[:50])
    return ids


def _active(qs: Any) -> Any:
    return qs.filter(purged=False, merged_into__isnull=True)


def likely_duplicates(
    data: Mapping[str, Any], names: list[Any], *, exclude: Iterable[int] = (), limit: int = 10
) -> list[Candidate]:
    """Registry persons that may be the person described by ``data`` and ``names``, best first.

    ``data`` holds person fields (``birth_date``, ``service_number``, ``sex`` ...), ``names`` name forms
    (mappings or ``NameForm`` rows). Purged and merged persons are never candidates.
    """
    ids = _pool(names, _text(data.get("service_number"))) - set(exclude)
    if not ids:
        return []
    persons = list(_active(Person.objects.filter(pk__in=ids)).prefetch_related("names"))
    found = [c for c in (compare(data, names, p) for p in persons) if c.exact or c.score >= THRESHOLD]
    found.sort(key=lambda c: (not c.exact, -c.score, c.person.reference))
    return found[:limit]


def exact_duplicates(
    data: Mapping[str, Any], names: list[Any], *, exclude: Iterable[int] = ()
) -> list[Person]:
    """Registry persons of which the described person is an exact duplicate (see the module's text)."""
    number = normalise_number(_text(data.get("service_number")))
    birth = _text(data.get("birth_date"))
    if not number or not birth:
        return []
    qs = _active(Person.objects.filter(service_number=number, birth_date=birth)).exclude(pk__in=list(exclude))
    ours = name_sets(names)
    return [p for p in qs.prefetch_related("names") if same_name(ours, name_sets(p.names.all()))]


def person_data(person: Person) -> dict[str, Any]:
    """A registry person's fields as ``likely_duplicates`` takes them."""
    return {f: getattr(person, f) for f in WEIGHTS if f not in NAME_PARTS}


@dataclass(frozen=True)
class Pair:
    """Two registry persons that may be one, for the review queue (``left`` registered first)."""

    left: Person
    right: Person
    candidate: Candidate

    @property
    def key(self) -> str:
        return f"{self.left.pk}-{self.right.pk}"


def decided_pairs(ids: Iterable[int]) -> set[tuple[int, int]]:
    """Pairs (lower id, higher id) among ``ids`` a person said are not the same."""
    ids = list(ids)
    rows = PersonLink.objects.filter(decision=PersonLink.Decision.not_same).filter(
        Q(person_id__in=ids) | Q(other_id__in=ids)
    )
    return {(min(a, b), max(a, b)) for a, b in rows.values_list("person_id", "other_id")}


def candidate_pairs(*, window: int = 200, limit: int = 50, skip: Iterable[str] = ()) -> list[Pair]:
    """Pairs of registry persons that may be one person, best first, for a person to decide.

    The ``window`` most recently registered persons are each compared with the registry; a pair said to
    be not the same (``PersonLink``), a merged or purged person, and the pairs in ``skip`` ("later") are
    left out.
    """
    recent = list(_active(Person.objects.order_by("-pk")).prefetch_related("names")[:window])
    skipped = set(skip)
    found: dict[tuple[int, int], Candidate] = {}
    for person in recent:
        for c in likely_duplicates(
            person_data(person), list(person.names.all()), exclude=[person.pk], limit=5
        ):
            pair = (min(person.pk, c.person.pk), max(person.pk, c.person.pk))
            if pair not in found or c.score > found[pair].score:
                found[pair] = c
    rejected = decided_pairs({i for pair in found for i in pair})
    keys = [p for p in found if p not in rejected and f"{p[0]}-{p[1]}" not in skipped]
    keys.sort(key=lambda p: (not found[p].exact, -found[p].score, p))
    keys = keys[:limit]
    persons = {p.pk: p for p in Person.objects.filter(pk__in={i for k in keys for i in k})}
    prefetch_related_objects(list(persons.values()), "names")
    pairs = []
    for a, b in keys:
        left, right = persons[a], persons[b]
        pairs.append(Pair(left, right, compare(person_data(right), list(right.names.all()), left)))
    return pairs


def _same_pair(prefix: str = "") -> Q:
    """The row's two persons, either way round (``prefix`` names the outer row's fields)."""
    person, other = OuterRef(f"{prefix}person_id"), OuterRef(f"{prefix}other_id")
    return Q(person_id=person, other_id=other) | Q(person_id=other, other_id=person)


def open_possible_duplicates(*, skip: Iterable[str] = ()) -> QuerySet[PossibleDuplicate]:
    """The stored pairs not decided yet, best probability first: neither person merged or purged, no
    decision (``PersonLink``) on the two since the pair was found and none ever saying they are not the
    same, each pair once (its latest finding: the evidence of the newest import), and none of ``skip``
    ("lower id-higher id", put off for later). A query: the page reads one page of it."""
    decided = PersonLink.objects.filter(_same_pair()).filter(
        Q(at__gte=OuterRef("at")) | Q(decision=PersonLink.Decision.not_same)
    )
    later = PossibleDuplicate.objects.filter(_same_pair()).filter(pk__gt=OuterRef("pk"))
    qs = (
        PossibleDuplicate.objects.filter(
            person__purged=False,
            person__merged_into__isnull=True,
            other__purged=False,
            other__merged_into__isnull=True,
        )
        .exclude(Exists(decided))
        .exclude(Exists(later))
    )
    for key in skip:
        a, _, b = str(key).partition("-")
        if a.isdigit() and b.isdigit():
            qs = qs.exclude(Q(person_id=int(a), other_id=int(b)) | Q(person_id=int(b), other_id=int(a)))
    return qs.order_by("-probability", "id")


@dataclass(frozen=True)
class StoredPair:
    """A stored pair for the queue: ``left`` registered first (the one the row was compared with)."""

    found: PossibleDuplicate
    left: Person
    right: Person

    @property
    def key(self) -> str:
        return f"{min(self.left.pk, self.right.pk)}-{max(self.left.pk, self.right.pk)}"


def stored_pairs(found: Iterable[PossibleDuplicate]) -> list[StoredPair]:
    """The persons of a page of :func:`open_possible_duplicates`, their names read in one query."""
    rows = list(found)
    persons = {
        p.pk: p for p in Person.objects.filter(pk__in={i for r in rows for i in (r.person_id, r.other_id)})
    }
    prefetch_related_objects(list(persons.values()), "names")
    return [StoredPair(r, persons[r.other_id], persons[r.person_id]) for r in rows]
