"""Seeded random markers and genotypes for gallery pedigrees (plain data; no engine import).

A *scenario* names the model features switched on (mutation models per parent sex, theta, X,
partial genotypes, drop-out, silent allele, inconsistent data). :func:`draw` turns (gallery entry,
scenario, seed) into a marker and observed genotypes, choosing the largest allele count in 5..2 that
keeps the brute-force enumeration under ``budget`` partial assignments (counted first with
:func:`bruteforce.search_bound`); ``feasible`` is False when even 2 alleles exceed it.

Genotypes are simulated by gene dropping through the pedigree with the same mutation matrices (so
most data are consistent), then observed with drop-out (each copy lost with probability d, the
silent allele never seen); ``partial`` keeps one seen allele and writes ``(a, None)``; ``scramble``
draws genotypes ignoring the pedigree (mostly impossible data without mutation: exact zeros).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import bruteforce, mutation

SCENARIOS: dict[str, dict[str, Any]] = {
    "plain": {},
    "theta": {"theta": 0.02},
    "equal": {"mutation": ("equal", "equal")},
    "proportional-theta": {"mutation": ("proportional", "proportional"), "theta": 0.02},
    "random-matrix": {"mutation": ("random", "random")},
    "onestep": {"mutation": ("onestep", "onestep")},
    "stepwise-microvariants": {"mutation": ("stepwise", "stepwise"), "microvariants": True},
    "trivial-female-equal-male": {"mutation": ("trivial", "equal")},
    "partial": {"partial": True},
    "dropout": {"dropout": 0.1},
    "silent": {"silent": 0.05},
    "dropout-silent-theta": {"dropout": 0.1, "silent": 0.05, "theta": 0.02},
    "x": {"chromosome": "X"},
    "x-stepwise-theta": {"chromosome": "X", "mutation": ("stepwise", "equal"), "theta": 0.02},
    "x-dropout-silent-partial": {"chromosome": "X", "dropout": 0.1, "silent": 0.05, "partial": True},
    "everything": {
        "mutation": ("proportional", "stepwise"),
        "microvariants": True,
        "theta": 0.02,
        "dropout": 0.1,
        "silent": 0.05,
        "partial": True,
    },
    "inconsistent": {"scramble": True},
}


def seed_for(*parts: object) -> int:
    """A stable seed from names (Python's hash() is salted per process)."""
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def _labels(rng: np.random.Generator, n: int, microvariants: bool, gap: bool) -> list[str]:
    start = int(rng.integers(8, 13))
    values = [start + k for k in range(n)]
    if gap and n >= 3:
        values[-1] += 1  # the last allele has no one-step neighbour above and maybe none below
    labels = [str(v) for v in values]
    if microvariants and n >= 3:
        k = int(rng.integers(1, n))
        labels[k] = f"{values[k - 1]}.3"
        labels = sorted(set(labels), key=float)
    return labels


def _spec(model: str, rng: np.random.Generator, n: int) -> Any:
    if model == "random":
        return mutation.random(n, rng)
    if model == "stepwise":
        return {"model": "stepwise", "rate": 0.03, "rate2": 0.002, "range": 0.4}
    if model == "trivial":
        return {"model": "trivial", "rate": 0.0}
    return {"model": model, "rate": {"equal": 0.04, "proportional": 0.03, "onestep": 0.05}[model]}


def _matrix(spec: Any, alleles: list[str], freqs: list[float]) -> list[list[float]]:
    if isinstance(spec, Mapping):
        return mutation.matrix_for(spec, alleles, freqs)
    return spec


def _marker(rng: np.random.Generator, n: int, sc: Mapping[str, Any]) -> dict[str, Any]:
    models = sc.get("mutation")
    alleles = _labels(rng, n, bool(sc.get("microvariants")), gap=models is not None and "onestep" in models)
    freqs = [float(x) for x in rng.dirichlet(np.full(len(alleles), 2.0))]
    mut = None
    if models is not None:
        mut = {"female": _spec(models[0], rng, len(alleles)), "male": _spec(models[1], rng, len(alleles))}
    return {
        "alleles": alleles,
        "frequencies": freqs,
        "chromosome": sc.get("chromosome", "autosomal"),
        "mutation": mut,
    }


def _topological(members: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    done: set[str] = set()
    out = []
    while len(out) < len(members):
        for m in members:
            if m["id"] not in done and all(p is None or p in done for p in (m["father"], m["mother"])):
                out.append(m)
                done.add(m["id"])
    return out


def _simulate(rng, entry, marker, silent: float) -> dict[str, tuple[str, ...]]:
    """True allele copies of every member by gene dropping (the silent allele may appear)."""
    alleles = [*marker["alleles"], bruteforce.SILENT] if silent else list(marker["alleles"])
    freqs = [p * (1 - silent) for p in marker["frequencies"]] + ([silent] if silent else [])
    x = marker["chromosome"] == "X"
    mats = {}
    if marker["mutation"] is not None:
        for sex in ("female", "male"):
            m = _matrix(marker["mutation"][sex], marker["alleles"], marker["frequencies"])
            if silent:
                m = [[*row, 0.0] for row in m] + [[0.0] * len(m) + [1.0]]
            mats[sex] = m
    index = {a: i for i, a in enumerate(alleles)}

    def pass_on(parent: tuple[str, ...], sex: str) -> str:
        allele = parent[int(rng.integers(len(parent)))]
        if sex not in mats:
            return allele
        return alleles[
            int(
                rng.choice(len(alleles), p=np.array(mats[sex][index[allele]]) / sum(mats[sex][index[allele]]))
            )
        ]

    true: dict[str, tuple[str, ...]] = {}
    for m in _topological(entry["members"]):
        hemi = x and m["sex"] == "male"
        if m["father"] is None:
            draws = rng.choice(len(alleles), size=1 if hemi else 2, p=np.array(freqs) / sum(freqs))
            true[m["id"]] = tuple(alleles[int(k)] for k in draws)
        else:
            maternal = pass_on(true[m["mother"]], "female")
            true[m["id"]] = (maternal,) if hemi else (pass_on(true[m["father"]], "male"), maternal)
    return true


def _observe(rng, copies: tuple[str, ...], d: float, partial: bool):
    seen = sorted({a for a in copies if a != bruteforce.SILENT and rng.uniform() >= d}, key=str)
    if not seen:
        return None  # nothing seen: given to both implementations as untyped
    if partial:
        return (seen[int(rng.integers(len(seen)))], None)
    if len(seen) == 1:
        return (seen[0], seen[0])
    return (seen[0], seen[1])


def draw(entry: Mapping[str, Any], scenario: str, seed: int, *, budget: int) -> dict[str, Any]:
    """A marker, genotypes and options for one gallery entry and scenario (see module doc)."""
    sc = SCENARIOS[scenario]
    for n in (5, 4, 3, 2):
        rng = np.random.default_rng([seed, n])
        marker = _marker(rng, n, sc)
        silent = float(sc.get("silent", 0.0))
        sexes = {m["id"]: m["sex"] for m in entry["members"]}
        hemi = {i: marker["chromosome"] == "X" and sexes[i] == "male" for i in sexes}
        if sc.get("scramble"):
            genotypes = {}
            for i in entry["typed"]:
                a, b = (str(x) for x in rng.choice(marker["alleles"], size=2))
                genotypes[i] = (a, a) if hemi[i] else (a, b)
        else:
            true = _simulate(rng, entry, marker, silent)
            d = float(sc.get("dropout", 0.0))
            partial_ids = set(entry.get("partial", [])) | (
                {i for i in entry["typed"] if rng.uniform() < 0.5} if sc.get("partial") else set()
            )
            genotypes = {i: _observe(rng, true[i], d, i in partial_ids) for i in entry["typed"]}
        # drop-out: every other typed member has probability d, the rest 0 (per-member handling)
        dropout = {i: float(sc.get("dropout", 0.0)) for k, i in enumerate(entry["typed"]) if k % 2 == 0}
        oracle_marker = adapter_free_oracle_marker(marker, silent)
        bound = bruteforce.search_bound(
            entry["members"], genotypes, oracle_marker, silent_frequency=silent, dropout=dropout
        )
        if bound <= budget or n == 2:
            return {
                "marker": marker,
                "oracle_marker": oracle_marker,
                "genotypes": genotypes,
                "theta": float(sc.get("theta", 0.0)),
                "dropout": dropout,
                "silent_frequency": silent,
                "bound": bound,
                "feasible": bound <= budget,
                "n_alleles": len(marker["alleles"]),
            }
    raise AssertionError("unreachable")


def adapter_free_oracle_marker(marker: Mapping[str, Any], silent: float) -> dict[str, Any]:
    """The engine's silent-allele convention for the oracle (same as ``adapter.oracle_marker``, kept
    here so that drawing data needs no engine import): visible frequencies ``p (1 - s)``, mutation
    matrices built from ``p``."""
    out = dict(marker)
    if silent:
        out["frequencies"] = [p * (1 - silent) for p in marker["frequencies"]]
        if marker["mutation"] is not None:
            out["mutation"] = {
                sex: _matrix(spec, list(marker["alleles"]), list(marker["frequencies"]))
                for sex, spec in marker["mutation"].items()
            }
    return out
