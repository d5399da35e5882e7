"""Read, write and run kinship case files (JSON, ``kind: "kinship"``; see docs/methods/kinship.md).

Numbers follow the case format: non-finite values are the strings ``"Inf"``, ``"-Inf"``, ``"NaN"``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homecoming.errors import CaseFileError
from homecoming.jsonable import jsonable as jsonable  # re-exported: the case format spells non-finite numbers
from homecoming.kinship.lr import Hypothesis
from homecoming.kinship.model.markers import Chromosome, Locus, Profile
from homecoming.kinship.model.mutation import MutationModel, SexMutation
from homecoming.kinship.model.pedigree import Pedigree

_NONFINITE = {
    "Inf": math.inf,
    "+Inf": math.inf,
    "-Inf": -math.inf,
    "NaN": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "nan": math.nan,
    "Infinity": math.inf,
    "-Infinity": -math.inf,
}


@dataclass(frozen=True)
class KinshipCase:
    """A parsed kinship case: loci, profiles, hypotheses, comparison, θ and the raw document."""

    id: str
    title: str
    theta: float
    loci: tuple[Locus, ...]
    profiles: Mapping[str, Profile]
    hypotheses: tuple[Hypothesis, ...]
    numerator: str
    denominator: str
    expected: Mapping[str, Any] | None
    document: Mapping[str, Any]


def number(value: Any, where: str = "value") -> float:
    """A float from a JSON number or one of the strings "Inf", "-Inf", "NaN"."""
    if isinstance(value, bool) or value is None:
        raise CaseFileError(f"{where}: expected a number", field=where, value=value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value in _NONFINITE:
        return _NONFINITE[value]
    raise CaseFileError(f"{where}: expected a number or 'Inf'/'-Inf'/'NaN'", field=where, value=value)


def _model(raw: Mapping[str, Any], where: str) -> MutationModel:
    try:
        name = str(raw["model"])
        # an explicit matrix is the peer's own matrix: use it whenever present (exact by definition)
        if raw.get("reconstructible") is False or name == "custom" or raw.get("matrix") is not None:
            return MutationModel.make(
                "custom",
                rate=number(raw.get("rate") or 0, f"{where}.rate"),
                matrix=[[number(x, f"{where}.matrix") for x in row] for row in raw["matrix"]],
            )
        rate2 = raw.get("rate2")
        rng = raw.get("range")
        return MutationModel.make(
            name,
            rate=number(raw.get("rate") or 0, f"{where}.rate"),
            rate2=None if rate2 is None else number(rate2, f"{where}.rate2"),
            range=None if rng is None else number(rng, f"{where}.range"),
            seed=raw.get("seed"),
        )
    except KeyError as exc:
        raise CaseFileError(f"{where}: missing key {exc.args[0]!r}", field=where, value=None) from None


def _locus(raw: Mapping[str, Any], k: int) -> Locus:
    where = f"markers[{k}]"
    try:
        name = str(raw["name"])
        alleles = tuple(str(a) for a in raw["alleles"])
        freqs = tuple(number(f, f"{where}.frequencies") for f in raw["frequencies"])
        mut = raw.get("mutation")
        mutation = (
            None
            if mut is None
            else SexMutation(
                female=_model(mut["female"], f"{where}.mutation.female"),
                male=_model(mut["male"], f"{where}.mutation.male"),
            )
        )
        chrom_raw = str(raw.get("chromosome", "autosomal"))
        if chrom_raw not in ("autosomal", "X"):
            raise CaseFileError(
                f"{where}.chromosome: unknown chromosome {chrom_raw!r}",
                field=f"{where}.chromosome",
                value=chrom_raw,
                hint="use 'autosomal' or 'X'",
            )
        chrom: Chromosome = "X" if chrom_raw == "X" else "autosomal"
        silent = number(raw.get("silent_frequency", 0.0), f"{where}.silent_frequency")
    except KeyError as exc:
        raise CaseFileError(f"{where}: missing key {exc.args[0]!r}", field=where, value=None) from None
    return Locus(name, alleles, freqs, chromosome=chrom, mutation=mutation, silent_frequency=silent)


def _load(source: Path | str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(source, Mapping):
        return dict(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CaseFileError(
            f"cannot read case file {path}: {exc.strerror}",
            field="case",
            value=str(path),
            hint="check the path",
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            field="case",
            value=str(path),
        ) from None
    if not isinstance(doc, dict):
        raise CaseFileError(f"{path}: a case file is a JSON object", field="case", value=type(doc).__name__)
    return doc


def read_case(source: Path | str | Mapping[str, Any]) -> KinshipCase:
    """Parse a kinship case (path or already-loaded mapping)."""
    with shape_errors("the kinship case"):
        return _read_case(source)


@contextmanager
def shape_errors(what: str) -> Iterator[None]:
    """A value of the wrong JSON type anywhere in a case file becomes one CaseFileError, not a traceback."""
    try:
        yield
    except (TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
        if isinstance(exc, CaseFileError):
            raise
        raise CaseFileError(
            f"{what} has a value of the wrong shape ({type(exc).__name__}: {exc})",
            field="case",
            value=None,
            hint="check it against the kinship-case format (objects, lists and strings "
            "where the format has them)",
        ) from None


def _read_case(source: Path | str | Mapping[str, Any]) -> KinshipCase:
    doc = _load(source)
    kind = doc.get("kind", "kinship")
    if kind != "kinship":
        raise CaseFileError(
            f"case kind is {kind!r}; this reads kinship cases",
            field="kind",
            value=kind,
            hint="use the DVI reader for kind 'dvi'",
        )
    for key in ("markers", "samples", "hypotheses"):
        if key not in doc:
            raise CaseFileError(f"case file has no {key!r}", field=key, value=None)
    loci = tuple(_locus(m, k) for k, m in enumerate(doc["markers"]))
    dropout = doc.get("dropout") or {}
    profiles = {
        str(s): Profile.from_mapping(str(s), g or {}, dropout=number(dropout.get(s, 0.0), "dropout"))
        for s, g in doc["samples"].items()
    }
    hyps = []
    for k, h in enumerate(doc["hypotheses"]):
        try:
            ped = Pedigree.from_records(h["members"])
            placements = [(str(p["node"]), str(p["sample"])) for p in h.get("placements", [])]
            hyps.append(Hypothesis.make(str(h["name"]), ped, placements=placements))
        except KeyError as exc:
            raise CaseFileError(
                f"hypotheses[{k}]: missing key {exc.args[0]!r}", field=f"hypotheses[{k}]", value=None
            ) from None
    comp = doc.get("comparison") or {}
    names = [h.name for h in hyps]
    num = str(comp.get("numerator", names[0] if names else ""))
    den = str(comp.get("denominator", names[-1] if names else ""))
    return KinshipCase(
        id=str(doc.get("id", "")),
        title=str(doc.get("title", "")),
        theta=number(doc.get("theta", 0.0), "theta"),
        loci=loci,
        profiles=profiles,
        hypotheses=tuple(hyps),
        numerator=num,
        denominator=den,
        expected=doc.get("expected"),
        document=doc,
    )


def write_case(case: KinshipCase, path: Path | str, /, *, expected: Mapping[str, Any] | None = None) -> None:
    """Write a case document (with ``expected`` replaced if given)."""
    doc = dict(case.document)
    if expected is not None:
        doc["expected"] = dict(expected)
    Path(path).write_text(json.dumps(jsonable(doc), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
