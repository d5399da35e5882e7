"""The one place that knows the engine's objects: plain gallery data -> ``homecoming.kinship`` calls.

Every function takes the oracle's plain data (see :mod:`.bruteforce`) and returns plain numbers, so
the comparison tests never touch the engine's API directly and API churn is absorbed here.

Conventions bridged here:

* Silent allele. The engine's :class:`Locus` keeps frequencies that sum to 1 and draws founder alleles
  with ``p_i (1 - s)`` and the silent allele with ``s``; its mutation matrices are built from the
  ``p_i`` and extended by identity for the silent allele. :func:`oracle_marker` rewrites a plain
  marker to that convention for the oracle (which uses frequencies exactly as given, plus ``s``).
* Mutation. A plain marker's ``mutation`` is ``None`` or ``{"female": spec, "male": spec}`` with
  ``spec`` a pedmut ``MODEL`` dict (``{"model", "rate", "rate2", "range"}``) or a matrix (list of
  lists, passed as a ``custom`` model). The engine builds its own matrices from a MODEL dict; the
  oracle uses :mod:`.mutation`, so the two matrix builders are compared as well.
* Genotypes. ``(a, b)`` full, ``(a, None)`` partial, ``None`` untyped; males on X ``(a, a)``.
  The oracle's ``()`` ("typed, nothing seen") has no engine counterpart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from homecoming.kinship import (
    Genotype,
    Hypothesis,
    Locus,
    MutationModel,
    Observation,
    Pedigree,
    Profile,
    SexMutation,
    genotype_distribution,
    kinship_lr,
    marker_loglik,
)

from . import bruteforce, mutation

MARKER_NAME = "M1"


def _model(spec: Any) -> MutationModel:
    if isinstance(spec, Mapping):
        return MutationModel.make(
            spec["model"],
            rate=spec.get("rate") or 0.0,
            rate2=spec.get("rate2"),
            range=spec.get("range"),
            matrix=spec.get("matrix"),
            seed=spec.get("seed"),
        )
    return MutationModel.make("custom", matrix=spec)


def locus(marker: Mapping[str, Any], *, silent_frequency: float = 0.0, name: str = MARKER_NAME) -> Locus:
    mut = marker.get("mutation")
    sex_mut = None if mut is None else SexMutation(female=_model(mut["female"]), male=_model(mut["male"]))
    return Locus(
        name=name,
        alleles=tuple(str(a) for a in marker["alleles"]),
        frequencies=tuple(float(p) for p in marker["frequencies"]),
        chromosome=marker.get("chromosome", "autosomal"),
        mutation=sex_mut,
        silent_frequency=silent_frequency,
    )


def oracle_marker(marker: Mapping[str, Any], *, silent_frequency: float = 0.0) -> dict[str, Any]:
    """The plain marker the oracle needs to reproduce the engine's founder law (see module doc)."""
    out = dict(marker)
    if silent_frequency > 0:
        out["frequencies"] = [float(p) * (1 - silent_frequency) for p in marker["frequencies"]]
        mut = marker.get("mutation")
        if mut is not None:
            # matrices from the visible-allele frequencies (summing to 1), as the engine builds them;
            # built from the scaled ones, a proportional matrix would not even be stochastic
            alleles = [str(a) for a in marker["alleles"]]
            out["mutation"] = {
                sex: (
                    mutation.matrix_for(spec, alleles, marker["frequencies"])
                    if isinstance(spec, Mapping)
                    else spec
                )
                for sex, spec in mut.items()
            }
    return out


def pedigree(members: Sequence[Mapping[str, Any]]) -> Pedigree:
    return Pedigree.from_records([dict(m) for m in members])


def _genotype(obs: Sequence[Any]) -> Genotype | None:
    return Genotype.parse(list(obs))


def _dropout_of(dropout: float | Mapping[str, float], member: str) -> float:
    return float(dropout.get(member, 0.0)) if isinstance(dropout, Mapping) else float(dropout)


def _observations(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, bruteforce.Replicates):
        return [v for v in value if v is not None]
    return [value]


def engine_likelihood(
    members: Sequence[Mapping[str, Any]],
    genotypes: Mapping[str, Any],
    marker: Mapping[str, Any],
    *,
    theta: float = 0.0,
    dropout: float | Mapping[str, float] = 0.0,
    silent_frequency: float = 0.0,
    theta_scope: str = "component",
) -> float:
    """``exp(marker_loglik(...))`` for plain data."""
    ped = pedigree(members)
    loc = locus(marker, silent_frequency=silent_frequency)
    evidence: dict[int, list[Observation]] = {}
    for member, value in genotypes.items():
        for k, obs in enumerate(_observations(value)):
            g = _genotype(obs)
            if g is not None:
                evidence.setdefault(ped.index(member), []).append(
                    Observation(f"{member}#{k}", g, _dropout_of(dropout, member))
                )
    ll = marker_loglik(ped, loc, evidence, theta=theta, theta_scope=theta_scope)
    return math.exp(ll) if ll > -math.inf else 0.0


def _profile(sample: str, value: Any, d: float) -> Profile:
    g = None if value is None else _genotype(value)
    return Profile(sample, {MARKER_NAME: g}, dropout=d)


def engine_lr(
    numerator: Sequence[Mapping[str, Any]],
    denominator: Sequence[Mapping[str, Any]],
    genotypes: Mapping[str, Any],
    marker: Mapping[str, Any],
    *,
    theta: float = 0.0,
    dropout: float | Mapping[str, float] = 0.0,
    silent_frequency: float = 0.0,
) -> float:
    """Per-marker LR from ``kinship_lr`` with every typed member's sample on the node of its name."""
    profiles = [_profile(i, g, _dropout_of(dropout, i)) for i, g in genotypes.items()]
    h1 = Hypothesis.make("H1", pedigree(numerator), placements={i: i for i in genotypes})
    h2 = Hypothesis.make("H2", pedigree(denominator), placements={i: i for i in genotypes})
    res = kinship_lr(
        [h1, h2],
        profiles=profiles,
        loci=[locus(marker, silent_frequency=silent_frequency)],
        theta=theta,
    )
    return float(res.lrs[0])


def engine_genotype_distribution(
    members: Sequence[Mapping[str, Any]],
    genotypes: Mapping[str, Any],
    marker: Mapping[str, Any],
    node: str,
    *,
    theta: float = 0.0,
    dropout: float | Mapping[str, float] = 0.0,
    silent_frequency: float = 0.0,
) -> dict[tuple[str, ...], float]:
    """The engine's distribution of ``node``'s unordered genotype, keyed like the oracle's
    (``(a, b)`` in allele order, ``(a,)`` for a male on X, ``"<silent>"`` last)."""
    ped = pedigree(members)
    family = {i: _profile(i, g, _dropout_of(dropout, i)) for i, g in genotypes.items() if g is not None}
    dist = genotype_distribution(
        ped, node, loci=[locus(marker, silent_frequency=silent_frequency)], family=family, theta=theta
    )
    md = dist.markers[0]
    probs = md.genotype_probabilities()
    if md.hemizygous:
        return {(a,): p for (a, b), p in probs.items() if a == b}
    return {(str(a), str(b)): p for (a, b), p in probs.items()}
