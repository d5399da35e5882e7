"""Link a manifest version's claimed identities to the registry in one step (issue 14).

Every line of the version that names someone (``claimed_name``) and has no registry person yet (none given
by reference, no :class:`~homecoming.app.exchanges.models.LineLink`) is scored against the registry with
the registry's linkage model (:func:`homecoming.app.registry.linkage.candidates`), its claimed name split
into family, given and patronymic, its claimed birth date read as a partial date and its claimed identity
taken as a service number when it looks like one (:func:`service_number_of`). Each line is then:

* **match** — one registered person reaches ``MATCH`` and no other ``UNCERTAIN`` (the registry import's
  classes, :func:`homecoming.app.registry.previewing.classify`): linked unless a person decides otherwise;
* **uncertain** — someone reaches ``UNCERTAIN`` but not that: listed with its candidates, linked only to
  the one a person chooses;
* **none** — nobody reaches ``UNCERTAIN``: not in the registry, stays unlinked;
* **linked** (a person already) and **unnamed** (a bag without a claimed name): nothing to do.

:func:`link_manifest` previews (``dry_run``) or writes every link in one transaction, audited once on the
version. A link is the handing party's claim tied to a registry person — the line is "said to be" that
person — and never an identification: identification results stay the only record of who a person or body
is (a signed comparison report that names someone else contradicts the linked claim).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from homecoming.app.audit import services as audit
from homecoming.app.exchanges.models import LineLink, ManifestLine, ManifestVersion
from homecoming.app.lookup import by_id
from homecoming.app.registry import linkage
from homecoming.app.registry.previewing import classify, model_source
from homecoming.domain.partial_dates import PartialDate
from homecoming.errors import PermissionDenied, Problem, ValidationError
from homecoming.io.persons import PersonRow
from homecoming.linkage.names import detect_script, split_full_name

#: the classes of a line, in the order the preview counts them
KINDS = ("match", "uncertain", "none", "linked", "unnamed")
#: a decision that leaves a line unlinked ("not in the registry", or none of its candidates)
NONE = "none"

# a service number: at most two letters, then 6 to 10 digits (spaces, dashes, dots and slashes between)
_SERVICE = re.compile(r"[A-ZА-ЯІЇЄҐ]{0,2}\d{6,10}")
# a claimed identity that names a document is a document number, not a service number
_DOCUMENT = re.compile(r"passport|паспорт|id[\s-]*card|посвідч|удостовер|\bid\b", re.IGNORECASE)


def service_number_of(claimed_identity: str) -> str | None:
    """The claimed identity as a service number when it looks like one ("A123456", "КМ 875676",
    "service number 0012345"); None when it names a document (passport, ID card) or has another shape."""
    text = claimed_identity.strip().upper()
    if not text or _DOCUMENT.search(text):
        return None
    whole = re.sub(r"[\s\-./]+", "", text)
    if _SERVICE.fullmatch(whole):
        return whole
    words = text.split()
    for k in (2, 1):
        tail = re.sub(r"[\-./]+", "", "".join(words[-k:]))
        if len(words) > k and _SERVICE.fullmatch(tail):
            return tail
    return None


def person_row(line: ManifestLine) -> PersonRow:
    """The line's claim as a person-list row the linkage model reads (its line number as the row)."""
    parts = split_full_name(line.claimed_name)
    try:
        born = PartialDate.parse(line.claimed_birth_date) if line.claimed_birth_date else None
    except ValidationError:
        born = None  # checked when the version was added; an old line that fails stays without a date
    return PersonRow(
        row=line.line_no,
        values={},
        family_name=parts.family,
        given_name=parts.given,
        patronymic=parts.patronymic or None,
        script="cyrillic" if detect_script(line.claimed_name) == "cyrillic" else "latin",
        birth_date=born,
        service_number=service_number_of(line.claimed_identity),
    )


@dataclass(frozen=True)
class LinePreview:
    """One line: its class and the registry persons it may be (best first)."""

    line: ManifestLine
    kind: str
    candidates: tuple[linkage.RowCandidate, ...] = ()

    @property
    def best(self) -> linkage.RowCandidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class LinkPreview:
    version: ManifestVersion
    lines: tuple[LinePreview, ...]
    model_source: str

    def of_kind(self, kind: str) -> list[LinePreview]:
        return [p for p in self.lines if p.kind == kind]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of_kind(kind)) for kind in KINDS}

    def line(self, line_no: int) -> LinePreview | None:
        return next((p for p in self.lines if p.line.line_no == line_no), None)


@dataclass(frozen=True)
class LinkResult:
    preview: LinkPreview
    dry_run: bool
    #: line number -> (the candidate linked, whether a person chose it)
    links: dict[int, tuple[linkage.RowCandidate, bool]]

    @property
    def unlinked(self) -> list[int]:
        """Lines with candidates (or none) that stay without a registry person."""
        return [
            p.line.line_no
            for p in self.preview.lines
            if p.kind in ("match", "uncertain", "none") and p.line.line_no not in self.links
        ]


def preview(version: ManifestVersion) -> LinkPreview:
    """What linking the version would do, line by line; writes nothing."""
    lines = list(version.lines.select_related("link").order_by("line_no"))
    linked = {ln.pk for ln in lines if ln.person_id or _has_link(ln)}
    todo = [ln for ln in lines if ln.pk not in linked and ln.claimed_name.strip()]
    rows = [person_row(ln) for ln in todo]
    scored = linkage.candidates(rows) if rows else {}
    by_line = {ln.pk: tuple(scored.get(i, ())) for i, ln in enumerate(todo)}
    out = []
    for ln in lines:
        if ln.pk in linked:
            out.append(LinePreview(ln, "linked"))
        elif ln.pk not in by_line:
            out.append(LinePreview(ln, "unnamed"))
        else:
            cands = by_line[ln.pk]
            kind = classify(cands)
            out.append(LinePreview(ln, NONE if kind == "new" else kind, cands))
    return LinkPreview(version, tuple(out), model_source())


def _has_link(line: ManifestLine) -> bool:
    try:
        return line.link is not None
    except LineLink.DoesNotExist:
        return False


def decide(
    found: LinkPreview, decisions: Mapping[Any, Any] | None
) -> dict[int, tuple[linkage.RowCandidate, bool]]:
    """Line number -> (the candidate to link, whether a person chose it): each matching line's best
    candidate, unless ``decisions`` (line number -> a candidate person's reference or id, or ``"none"``)
    says otherwise; an uncertain line only by a decision. A decision for a line that has no candidates
    (other than ``"none"`` for a line not in the registry),
    for a line the version does not have, or naming someone who is not among the line's candidates is
    refused — every such decision named — and nothing is linked."""
    chosen: dict[int, str] = {}
    problems: list[Problem] = []
    for key, value in (decisions or {}).items():
        try:
            chosen[int(str(key).strip())] = str(value).strip()
        except ValueError:
            problems.append(
                Problem("decisions", "is not a line number", key, "give the line's number, e.g. 3")
            )
    out: dict[int, tuple[linkage.RowCandidate, bool]] = {}
    for p in found.lines:
        n = p.line.line_no
        if p.kind == "match":
            out[n] = (p.candidates[0], False)
        if n not in chosen:
            continue
        value = chosen.pop(n)
        if p.kind == NONE and value.lower() in (NONE, ""):
            continue  # not in the registry, and left so
        if p.kind not in ("match", "uncertain"):
            problems.append(
                Problem(
                    "decisions",
                    f"line {n} has no candidates to choose from ({_WHY[p.kind]})",
                    value,
                    "decide only for lines that match or are uncertain",
                    n,
                )
            )
            continue
        if value.lower() == NONE or value == "":
            out.pop(n, None)
            continue
        pick = next((c for c in p.candidates if value in (c.person.reference, str(c.person.pk))), None)
        if pick is None:
            problems.append(
                Problem(
                    "decisions",
                    f"line {n}: {value} is not one of the persons this line may be",
                    value,
                    "choose one of the line's candidates ("
                    + ", ".join(c.person.reference for c in p.candidates)
                    + ") or 'none'",
                    n,
                )
            )
            continue
        out[n] = (pick, n not in out or out[n][0].person.pk != pick.person.pk)
    for n, value in sorted(chosen.items()):
        problems.append(
            Problem(
                "decisions",
                f"line {n} is not a line of version {found.version.number}",
                value,
                "give the numbers of the version's lines",
                n,
            )
        )
    if problems:
        raise ValidationError.from_problems(problems, "the decisions", listed=None)
    return out


_WHY = {
    "none": "nobody in the registry is like it",
    "linked": "it is linked already",
    "unnamed": "it names nobody",
}


def link_manifest(
    *, actor: Any, version_id: int, decisions: Mapping[Any, Any] | None = None, dry_run: bool = False
) -> LinkResult:
    """Link the version's claimed identities to the registry (see the module's text): the preview and
    the links it would make (``dry_run``), or those links written, all in one transaction, with one audit
    record on the version. Lines are never changed (they are insert-only): each link is a
    :class:`LineLink` row."""
    if not dry_run and actor is not None and not actor.has_perm("exchanges.add_linelink"):
        raise PermissionDenied(
            "only an exchange coordinator (or an administrator) may link a manifest to the registry",
            field="actor",
            value=getattr(actor, "username", None),
            hint="link as a coordinator: --as COORDINATOR at the command line",
        )
    version = by_id(ManifestVersion, version_id, what="manifest version", field="version")
    if dry_run:
        found = preview(version)
        return LinkResult(found, True, decide(found, decisions))
    with transaction.atomic():
        # one linking at a time per version: the second waits, then sees the first one's links
        ManifestVersion.objects.select_for_update().filter(pk=version.pk).first()
        found = preview(version)
        links = decide(found, decisions)
        by_no = {p.line.line_no: p.line for p in found.lines}
        LineLink.objects.bulk_create(
            [
                LineLink(
                    line=by_no[n],
                    person_id=cand.person.pk,
                    probability=cand.probability,
                    evidence=[list(e) for e in cand.evidence],
                    chosen=chosen,
                    actor=audit.user_or_none(actor),
                )
                for n, (cand, chosen) in sorted(links.items())
            ]
        )
        result = LinkResult(found, False, links)
        audit.record(
            actor=actor,
            action="link_manifest",
            obj=version,
            after={
                "linked": {
                    str(n): {
                        "person": cand.person.reference,
                        "probability": round(cand.probability, 6),
                        "chosen": chosen,
                    }
                    for n, (cand, chosen) in sorted(links.items())
                },
                "unlinked": result.unlinked,
                "model": found.model_source,
            },
        )
    return result


def summary(result: LinkResult) -> dict[str, Any]:
    """The result as JSON (API, CLI ``--json``): counts, and every line with candidates."""
    lines = []
    for p in result.preview.lines:
        if p.kind not in ("match", "uncertain", "none"):
            continue
        linked = result.links.get(p.line.line_no)
        lines.append(
            {
                "line_no": p.line.line_no,
                "kind": p.kind,
                "claimed_name": p.line.claimed_name,
                "claimed_birth_date": p.line.claimed_birth_date,
                "claimed_identity": p.line.claimed_identity,
                "container_number": p.line.container_number,
                "linked_to": linked[0].person.reference if linked else None,
                "chosen": linked[1] if linked else False,
                "candidates": [_candidate(c) for c in p.candidates],
            }
        )
    return {
        "dry_run": result.dry_run,
        "version_id": result.preview.version.pk,
        "counts": result.preview.counts(),
        "linked": len(result.links),
        "model": result.preview.model_source,
        "lines": lines,
    }


def _candidate(c: linkage.RowCandidate) -> dict[str, Any]:
    return {
        "person_id": c.person.pk,
        "reference": c.person.reference,
        "name": c.person.name,
        "birth_date": c.person.birth_date,
        "service_number": c.person.service_number,
        "probability": round(c.probability, 6),
        "evidence": [
            {"comparison": comparison, "level": level, "weight_bits": weight}
            for comparison, level, weight in c.evidence
        ],
    }


def lines_said_to_be(lines: Sequence[ManifestLine]) -> dict[int, int]:
    """Line id -> the registry person each line's claim names (by reference or by a link), in one query."""
    out = {ln.pk: int(ln.person_id) for ln in lines if ln.person_id}
    rest = [ln.pk for ln in lines if not ln.person_id]
    if rest:
        out.update(LineLink.objects.filter(line_id__in=rest).values_list("line_id", "person_id"))
    return out


__all__ = [
    "KINDS",
    "NONE",
    "LinePreview",
    "LinkPreview",
    "LinkResult",
    "decide",
    "lines_said_to_be",
    "link_manifest",
    "person_row",
    "preview",
    "service_number_of",
    "summary",
]
