"""Likelihood ratios between pedigree hypotheses over the same typed samples.

Impossible data has defined results: per marker ``LR = L1 / L2`` with ``x/0 = inf`` (x > 0),
``0/x = 0`` and ``0/0 = NaN``. The total is the product of the per-marker LRs, computed as
``exp(sum of per-marker log LRs)``; ``log_lr`` is natural, ``log10_lr`` base 10.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import HypothesisError, Problem
from homecoming.kinship.engine import ThetaScope
from homecoming.kinship.engine.caches import DIGESTS
from homecoming.kinship.likelihood import marker_logliks
from homecoming.kinship.model.markers import Locus, Profile, reconcile_loci
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.provenance import Provenance, digest

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Hypothesis:
    """A named pedigree with samples placed on its nodes (``(node, sample)`` pairs)."""

    name: str
    pedigree: Pedigree
    placements: tuple[tuple[str, str], ...]

    @classmethod
    def make(
        cls,
        name: str,
        pedigree: Pedigree,
        /,
        *,
        placements: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        samples: Iterable[str] = (),
    ) -> Hypothesis:
        """``placements`` maps node -> sample; if omitted every sample in ``samples`` that is a node id
        is placed on the node of the same name."""
        if placements is None:
            pairs = tuple((s, s) for s in samples if s in pedigree)
        elif isinstance(placements, Mapping):
            pairs = tuple((str(k), str(v)) for k, v in placements.items())
        else:
            pairs = tuple((str(k), str(v)) for k, v in placements)
        problems = [
            Problem(
                f"hypothesis {name}: placement",
                f"node {node} is not in the pedigree",
                node,
                f"members are {', '.join(pedigree.ids)}",
            )
            for node, _s in pairs
            if node not in pedigree
        ]
        if problems:
            raise HypothesisError(
                problems[0].message
                if len(problems) == 1
                else f"{len(problems)} placements name unknown nodes",
                field=problems[0].field,
                value=problems[0].value,
                problems=problems,
            )
        return cls(name, pedigree, pairs)

    @property
    def samples(self) -> frozenset[str]:
        return frozenset(s for _n, s in self.placements)


@dataclass(frozen=True)
class LRResult:
    """Per-marker and total likelihood ratio of ``numerator`` against ``denominator``."""

    markers: tuple[str, ...]
    numerator: str
    denominator: str
    logliks: Mapping[str, tuple[float, ...]]
    lrs: tuple[float, ...]
    lr: float
    log_lr: float
    model: Mapping[str, Any]
    provenance: Provenance
    notes: tuple[str, ...] = field(default=())

    @property
    def log10_lr(self) -> float:
        return self.log_lr / math.log(10) if not math.isnan(self.log_lr) else math.nan

    @property
    def log10_lrs(self) -> tuple[float, ...]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return tuple(float(x) for x in np.log10(np.array(self.lrs)))

    @property
    def loglik_total(self) -> dict[str, float]:
        return {h: float(sum(v)) for h, v in self.logliks.items()}

    @property
    def n_markers_lr_zero(self) -> int:
        return sum(1 for x in self.lrs if x == 0)

    def vs(self, numerator: str, denominator: str) -> LRResult:
        """The same computation read as another pair of hypotheses."""
        lrs, log_lr = _ratio(np.array(self.logliks[numerator]), np.array(self.logliks[denominator]))
        return LRResult(
            self.markers,
            numerator,
            denominator,
            self.logliks,
            lrs,
            math.exp(log_lr) if not math.isnan(log_lr) else math.nan,
            log_lr,
            self.model,
            self.provenance,
            self.notes,
        )

    def as_dict(self) -> dict[str, Any]:
        """The ``expected``-block shape of the case format, plus model and provenance."""
        return {
            "lr_total": self.lr,
            "log_lr_total": self.log_lr,
            "log10_lr_total": self.log10_lr,
            "loglik_total": self.loglik_total,
            "n_markers": len(self.markers),
            "n_markers_lr_zero": self.n_markers_lr_zero,
            "per_marker": [
                {"marker": m, "lr": self.lrs[k], "loglik": {h: v[k] for h, v in self.logliks.items()}}
                for k, m in enumerate(self.markers)
            ],
            "numerator": self.numerator,
            "denominator": self.denominator,
            "model": dict(self.model),
            "notes": list(self.notes),
            "provenance": self.provenance.as_dict(),
        }


def _ratio(num: FloatArray, den: FloatArray) -> tuple[tuple[float, ...], float]:
    with np.errstate(invalid="ignore", over="ignore"):
        log_lrs = num - den
        lrs = np.exp(log_lrs)
    log_lr = float(log_lrs.sum()) if not np.isnan(log_lrs).any() else math.nan
    return tuple(float(x) for x in lrs), log_lr


def _profiles(profiles: Mapping[str, Profile] | Sequence[Profile]) -> dict[str, Profile]:
    if isinstance(profiles, Mapping):
        return dict(profiles)
    return {p.sample: p for p in profiles}


def _check_samples(hypotheses: Sequence[Hypothesis], profiles: Mapping[str, Profile]) -> None:
    problems: list[Problem] = []
    for h in hypotheses:
        problems += [
            Problem(
                f"hypothesis {h.name}",
                f"sample {s} has no profile",
                s,
                "give its profile or remove the placement",
            )
            for s in sorted(h.samples)
            if s not in profiles
        ]
    first = hypotheses[0]
    for h in hypotheses[1:]:
        if h.samples != first.samples:
            diff = sorted(h.samples ^ first.samples)
            problems.append(
                Problem(
                    f"hypothesis {h.name}",
                    f"places other samples than {first.name} ({', '.join(diff)})",
                    diff,
                    "every hypothesis must place the same typed samples",
                )
            )
    if problems:
        raise HypothesisError.from_problems(problems, "the hypotheses", listed=None)


def kinship_lr(
    hypotheses: Sequence[Hypothesis],
    /,
    *,
    profiles: Mapping[str, Profile] | Sequence[Profile],
    loci: Sequence[Locus],
    numerator: str | None = None,
    denominator: str | None = None,
    theta: float = 0.0,
    theta_scope: ThetaScope = "component",
    unknown_alleles: Literal["error", "minimum"] = "error",
    database_size: int | None = None,
    frequency_table: str | None = None,
) -> LRResult:
    """Per-marker and total LR of ``numerator`` (default: first) against ``denominator`` (default: last).

    Every hypothesis must place the same samples. Logliks of every hypothesis are kept in the result.
    """
    if len(hypotheses) < 2:
        raise HypothesisError("need at least two hypotheses", field="hypotheses", value=len(hypotheses))
    names = [h.name for h in hypotheses]
    if len(set(names)) != len(names):
        raise HypothesisError("hypothesis names must be distinct", field="hypotheses", value=names)
    num = numerator or names[0]
    den = denominator or names[-1]
    for which in (num, den):
        if which not in names:
            raise HypothesisError(
                f"no hypothesis named {which}",
                field="hypotheses",
                value=which,
                hint=f"choose one of {', '.join(names)}",
            )
    profs = _profiles(profiles)
    _check_samples(hypotheses, profs)
    used = [profs[s] for s in sorted(hypotheses[0].samples)]
    loci, notes = reconcile_loci(loci, used, unknown_alleles=unknown_alleles, database_size=database_size)
    logliks: dict[str, tuple[float, ...]] = {}
    for h in hypotheses:
        placed: dict[str, list[Profile]] = {}
        for node, sample in h.placements:
            placed.setdefault(node, []).append(profs[sample])
        values = marker_logliks(h.pedigree, loci, placed, theta=theta, theta_scope=theta_scope)
        logliks[h.name] = tuple(float(v) for v in values)
    lrs, log_lr = _ratio(np.array(logliks[num]), np.array(logliks[den]))
    model = {
        "frequency_table": frequency_table,
        "theta": theta,
        "theta_scope": theta_scope,
        "markers": [locus.describe() for locus in loci],
        "unknown_alleles": unknown_alleles,
        "database_size": database_size,
    }
    prov = Provenance.make(
        "homecoming.kinship.kinship_lr",
        parameters={
            "numerator": num,
            "denominator": den,
            "theta": theta,
            "theta_scope": theta_scope,
            "frequency_table": frequency_table,
            "unknown_alleles": unknown_alleles,
        },
        inputs={
            "hypotheses": [[h.name, h.pedigree.records(), list(h.placements)] for h in hypotheses],
            "profiles": [p.digest for p in used],
        },
    )
    prov = replace(prov, inputs={**prov.inputs, "loci": loci_digest(loci, describe=True)})
    total = math.exp(log_lr) if not math.isnan(log_lr) else math.nan
    return LRResult(
        tuple(lc.name for lc in loci), num, den, logliks, lrs, total, log_lr, model, prov, tuple(notes)
    )


def missing_person_lr(
    reference: Pedigree,
    missing: str,
    poi: Profile,
    /,
    *,
    family: Mapping[str, Profile] | Sequence[Profile],
    loci: Sequence[Locus],
    theta: float = 0.0,
    unknown_alleles: Literal["error", "minimum"] = "error",
    database_size: int | None = None,
    frequency_table: str | None = None,
) -> LRResult:
    """LR of "the POI is the missing person ``missing``" (H1) against "the POI is unrelated" (H2).

    ``family`` profiles are placed on the nodes named by their sample ids. With ``theta > 0`` all
    founders, the unrelated POI included, are drawn jointly (``theta_scope="pedigree"``).
    """
    fam = _profiles(family)
    reference.index(missing)
    placements = [(s, s) for s in fam if s in reference]
    unknown = [s for s in fam if s not in reference]
    if unknown:
        raise HypothesisError(
            f"family sample {unknown[0]} is not a member of the pedigree",
            field="family",
            value=unknown[0],
            hint="name family profiles by node id",
        )
    poi_node = _free_name(reference, poi.sample)
    sex = {1: "male", 2: "female"}.get(reference.sex[reference.index(missing)], "unknown")
    h1 = Hypothesis.make("H1", reference, placements=[*placements, (missing, poi.sample)])
    h2 = Hypothesis.make(
        "H2",
        reference.with_members([{"id": poi_node, "sex": sex}]),
        placements=[*placements, (poi_node, poi.sample)],
    )
    return kinship_lr(
        [h1, h2],
        profiles={**fam, poi.sample: poi},
        loci=loci,
        theta=theta,
        theta_scope="pedigree",
        unknown_alleles=unknown_alleles,
        database_size=database_size,
        frequency_table=frequency_table,
    )


def loci_digest(loci: Sequence[Locus], /, *, describe: bool) -> str:
    """Provenance digest of ``[[name, alleles, frequencies(, describe())], ...]``, cached per loci objects
    (in :data:`..engine.caches.DIGESTS`, keyed by the frozen loci themselves)."""
    key = (describe, tuple(loci))
    hit: str | None = DIGESTS.get(key)
    if hit is None:
        value = [
            [lc.name, list(lc.alleles), list(lc.frequencies), *([lc.describe()] if describe else [])]
            for lc in loci
        ]
        hit = DIGESTS.put(key, digest(value))
    return hit


def _free_name(ped: Pedigree, wanted: str) -> str:
    name, k = wanted, 1
    while name in ped:
        k += 1
        name = f"{wanted}_{k}"
    return name
