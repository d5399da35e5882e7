"""Read DVI case files (JSON, ``kind: "dvi"``; see docs/methods/joint.md and the case format).

Victims are singletons keyed by victim id in ``samples``; families hold reference pedigrees whose
``typed`` members have samples keyed by member id and whose ``missing`` members are untyped.
``candidate_pairings`` gives each victim's candidate missing persons (default: sex-compatible).
Every problem raises one :class:`~homecoming.errors.CaseFileError` naming the key to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homecoming.errors import CaseFileError, HomecomingError
from homecoming.kinship.dvi.joint import (
    DviProblem,
    Family,
)
from homecoming.kinship.formats.case import _load, _locus, number, shape_errors
from homecoming.kinship.model.markers import Profile
from homecoming.kinship.model.pedigree import Pedigree


@dataclass(frozen=True)
class DviCase:
    """A parsed DVI case: the problem, its metadata and the raw document."""

    id: str
    title: str
    problem: DviProblem
    truth: tuple[tuple[str, str], ...] | None
    expected: Mapping[str, Any] | None
    document: Mapping[str, Any]


def _need(doc: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in doc:
        raise CaseFileError(
            f"{where}: missing key {key!r}",
            field=f"{where}.{key}".lstrip("."),
            value=None,
            hint=f"add {key!r} (see the DVI case format)",
        )
    value = doc[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise CaseFileError(
            f"{where}.{key}: expected {names}".lstrip("."),
            field=f"{where}.{key}".lstrip("."),
            value=type(value).__name__,
        )
    return value


def _profile(samples: Mapping[str, Any], sample: str, where: str) -> Profile:
    if sample not in samples:
        raise CaseFileError(
            f"{where}: sample {sample!r} has no entry in 'samples'",
            field=where,
            value=sample,
            hint="add its genotypes to 'samples' or remove it from the list",
        )
    raw = samples[sample]
    if not isinstance(raw, Mapping):
        raise CaseFileError(
            f"samples.{sample}: expected an object marker -> genotype",
            field=f"samples.{sample}",
            value=type(raw).__name__,
        )
    try:
        return Profile.from_mapping(sample, raw)
    except HomecomingError as exc:
        raise CaseFileError(
            f"samples.{sample}: {exc.message}", field=f"samples.{sample}", value=exc.value, hint=exc.hint
        ) from None


def _family(raw: Any, k: int, samples: Mapping[str, Any]) -> Family:
    where = f"families[{k}]"
    if not isinstance(raw, Mapping):
        raise CaseFileError(f"{where}: expected an object", field=where, value=type(raw).__name__)
    name = str(_need(raw, "name", where, (str, int)))
    members = _need(raw, "members", where, list)
    try:
        ped = Pedigree.from_records(members)
    except HomecomingError as exc:
        raise CaseFileError(
            f"{where} ({name}).members: {exc.message}",
            field=f"{where}.members",
            value=exc.value,
            hint=exc.hint,
        ) from None
    typed = [str(t) for t in _need(raw, "typed", where, list)]
    missing = tuple(str(m) for m in _need(raw, "missing", where, list))
    for key, ids in (("typed", typed), ("missing", missing)):
        for ident in ids:
            if ident not in ped:
                raise CaseFileError(
                    f"{where} ({name}).{key}: {ident} is not a member",
                    field=f"{where}.{key}",
                    value=ident,
                    hint="add the member or fix the id",
                )
    refs = {t: _profile(samples, t, f"{where}.typed") for t in typed}
    return Family(name, ped, refs, missing)


def read_dvi_case(source: Path | str | Mapping[str, Any]) -> DviCase:
    """Parse a DVI case (path or already-loaded mapping)."""
    with shape_errors("the DVI case"):
        return _read_dvi_case(source)


def _read_dvi_case(source: Path | str | Mapping[str, Any]) -> DviCase:
    doc = _load(source)
    kind = doc.get("kind", "dvi")
    if kind != "dvi":
        raise CaseFileError(
            f"case kind is {kind!r}; this reads DVI cases",
            field="kind",
            value=kind,
            hint="use `homecoming kinship` for kind 'kinship'",
        )
    markers = _need(doc, "markers", "", list)
    samples = _need(doc, "samples", "", Mapping)
    loci = [_locus(m, k) for k, m in enumerate(markers)]
    victims_raw = _need(doc, "victims", "", list)
    victims, sexes = [], {}
    for k, v in enumerate(victims_raw):
        where = f"victims[{k}]"
        if not isinstance(v, Mapping):
            raise CaseFileError(f"{where}: expected an object", field=where, value=type(v).__name__)
        vid = str(_need(v, "id", where, (str, int)))
        sexes[vid] = str(v.get("sex", "unknown"))
        if sexes[vid] not in ("male", "female", "unknown"):
            raise CaseFileError(
                f"{where}.sex: unknown sex",
                field=f"{where}.sex",
                value=sexes[vid],
                hint="use 'male', 'female' or 'unknown'",
            )
        victims.append(_profile(samples, vid, where))
    families = [_family(f, k, samples) for k, f in enumerate(_need(doc, "families", "", list))]
    pairings = doc.get("candidate_pairings")
    candidates: dict[str, list[str]] | None = None
    allow: dict[str, bool] = {}
    if pairings is not None:
        if not isinstance(pairings, Mapping):
            raise CaseFileError(
                "candidate_pairings: expected an object victim -> {candidates}",
                field="candidate_pairings",
                value=type(pairings).__name__,
            )
        candidates = {}
        for vid, entry in pairings.items():
            where = f"candidate_pairings.{vid}"
            if not isinstance(entry, Mapping):
                raise CaseFileError(f"{where}: expected an object", field=where, value=type(entry).__name__)
            candidates[str(vid)] = [str(m) for m in _need(entry, "candidates", where, list)]
            allow[str(vid)] = bool(entry.get("allow_unassigned", True))
        unknown = sorted(set(candidates) - set(sexes))
        if unknown:
            raise CaseFileError(
                f"candidate_pairings: {unknown[0]} is not a victim",
                field="candidate_pairings",
                value=unknown[0],
                hint="list pairings only for ids in 'victims'",
            )
    try:
        problem = DviProblem.make(
            victims,
            families,
            loci=loci,
            victim_sex=sexes,
            candidates=candidates,
            allow_unassigned=allow,
            theta=number(doc.get("theta", 0.0), "theta"),
        )
    except CaseFileError:
        raise
    except HomecomingError as exc:
        raise CaseFileError(
            str(exc).splitlines()[0], field=exc.field, value=exc.value, hint=exc.hint
        ) from None
    truth = doc.get("truth")
    pairs = None
    if isinstance(truth, Mapping) and isinstance(truth.get("pairs"), list):
        pairs = tuple((str(a), str(b)) for a, b in truth["pairs"])
    return DviCase(
        str(doc.get("id", "")), str(doc.get("title", "")), problem, pairs, doc.get("expected"), doc
    )
