"""What importing a person list would do, row by row, before anything is written.

Each row is one of:

* **registered, unchanged** / **registered, differs** — recognised by its reference, an external id
  recorded before, or as an exact duplicate (:mod:`homecoming.app.registry.recognising`);
* **matches** — the registry's linkage model (:mod:`homecoming.app.registry.linkage`) gives one
  registered person a match probability of at least ``MATCH`` and no other person ``UNCERTAIN``: the row
  is linked to that person (a ``ListRowLink``, its status claim submitted on them) and nobody is created;
* **uncertain** — some person reaches ``UNCERTAIN`` but not that: the row is registered as a new person
  and each such pair goes to the review queue (``PossibleDuplicate``) for a person to merge or keep apart;
* **new** — nobody reaches ``UNCERTAIN``: a new person.

A registrar may decide otherwise for any matching or uncertain row (:func:`decisions_from`): link it to
one of its candidates, or register it as new. Nothing is merged by the import.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from homecoming.app.registry import linkage
from homecoming.app.registry.recognising import Match, Recognised
from homecoming.errors import Problem, ValidationError
from homecoming.io.persons import PersonRow

KINDS = ("new", "match", "uncertain", "unchanged", "conflict")
KIND_WORDS = {
    "new": "a new person",
    "match": "a match",
    "uncertain": "uncertain",
    "unchanged": "a registered person, unchanged",
    "conflict": "a registered person that differs",
}
NEW = "new"


@dataclass(frozen=True)
class RowPreview:
    """One row: its class, its candidates (matching and uncertain rows) or how it was recognised."""

    row: PersonRow
    kind: str
    candidates: tuple[linkage.RowCandidate, ...] = ()
    recognised: Match | None = None

    @property
    def name(self) -> str:
        return " ".join(
            p for p in (self.row.family_name.upper(), self.row.given_name, self.row.patronymic) if p
        )

    @property
    def default(self) -> str | int:
        """What the import does unless told otherwise: a person's id (link) or ``"new"``."""
        return self.candidates[0].person.pk if self.kind == "match" else NEW


@dataclass(frozen=True)
class Preview:
    rows: tuple[RowPreview, ...]
    model_source: str
    seconds: dict[str, float] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in KINDS}

    def of_kind(self, kind: str) -> list[RowPreview]:
        return [r for r in self.rows if r.kind == kind]


def classify(candidates: Sequence[linkage.RowCandidate]) -> str:
    if not candidates:
        return "new"
    if candidates[0].probability >= linkage.MATCH and (
        len(candidates) == 1 or candidates[1].probability < linkage.UNCERTAIN
    ):
        return "match"
    return "uncertain"


def model_source() -> str:
    """The model in force, in the reader's language."""
    from django.utils import formats, timezone
    from django.utils.translation import gettext as _

    _model, row = linkage.current()
    if row is None:
        return _("the model shipped with Homecoming, trained without labels on synthetic lists")
    return _("model %(id)s, trained on %(n)s registry persons on %(date)s") % {
        "id": row.pk,
        "n": formats.number_format(row.records, force_grouping=True),
        "date": formats.date_format(timezone.localtime(row.at)),
    }


def preview_rows(rows: Sequence[PersonRow], found: Recognised) -> Preview:
    """The preview of ``rows`` (all of a file's), given what :func:`recognise` found among them."""
    started = time.perf_counter()
    new_rows = list(found.new)
    timings: dict[str, float] = {}
    by_row = linkage.candidates(new_rows, timings=timings) if new_rows else {}
    scored = time.perf_counter()
    recognised = {m.row: ("unchanged", m) for m in found.unchanged} | {
        m.row: ("conflict", m) for m in found.conflicts
    }
    index = {id(r): i for i, r in enumerate(new_rows)}
    out = []
    for row in rows:
        if row.row in recognised:
            kind, match = recognised[row.row]
            out.append(RowPreview(row, kind, recognised=match))
            continue
        cands = tuple(by_row.get(index[id(row)], ()))
        out.append(RowPreview(row, classify(cands), cands))
    return Preview(tuple(out), model_source(), {"linkage": scored - started, **timings})


#: decisions read at most (a list's rows are far fewer; more is a mistake or an attack)
MAX_DECISIONS = 100_000


def decisions_from(preview: Preview, chosen: Mapping[int, str]) -> dict[int, str | int]:
    """The import's decision for every matching or uncertain row: ``chosen`` (row number -> ``"new"`` or
    a candidate person's id as text) where given, else the row's default. Every decision that cannot be
    taken — for a row the list does not have, for a row that is new or registered (nothing to decide), or
    naming someone who is not among the row's candidates — is refused, each named, and nothing is taken."""
    if len(chosen) > MAX_DECISIONS:
        raise ValidationError.from_problems(
            [
                Problem(
                    "decisions", f"more than {MAX_DECISIONS:,} decisions", len(chosen), "one per row at most"
                )
            ]
        )
    rows = {r.row.row: r for r in preview.rows}
    problems: list[Problem] = []
    for number, value in sorted(chosen.items()):
        r = rows.get(number)
        if value is None or value == "":
            continue
        if r is None:
            problems.append(
                Problem(
                    "decisions",
                    f"the list has no row {number}",
                    value,
                    "give the row numbers of the file",
                    number,
                )
            )
        elif r.kind not in ("match", "uncertain"):
            problems.append(
                Problem(
                    "decisions",
                    f"row {number} is {KIND_WORDS[r.kind]}: there is nothing to decide",
                    value,
                    "decide only rows that match or may match a registered person",
                    number,
                )
            )
        elif str(value) != NEW and str(value) not in {str(c.person.pk) for c in r.candidates}:
            problems.append(
                Problem(
                    "decisions",
                    f"row {number}: the person chosen is not among the row's candidates "
                    f"({', '.join(c.person.reference for c in r.candidates)})",
                    value,
                    "choose one of the row's candidates, or 'new' to register it as a new person",
                    number,
                )
            )
    if problems:
        raise ValidationError.from_problems(problems, "the decisions", listed=20)
    out: dict[int, str | int] = {}
    for r in preview.rows:
        if r.kind not in ("match", "uncertain"):
            continue
        value = chosen.get(r.row.row)
        if value is None or value == "":
            out[r.row.row] = r.default
        elif str(value) == NEW:
            out[r.row.row] = NEW
        else:
            out[r.row.row] = int(value)
    return out


def evidence_json(candidate: linkage.RowCandidate) -> list[list[Any]]:
    return [[c, level, weight] for c, level, weight in candidate.evidence]


__all__ = [
    "KINDS",
    "NEW",
    "Preview",
    "RowPreview",
    "classify",
    "decisions_from",
    "evidence_json",
    "preview_rows",
]
