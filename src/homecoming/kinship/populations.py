"""Seeded synthetic populations for screening benchmarks and validation (synthetic data only).

* :func:`family_pedigree` draws one reference family of a given kind (both parents; one parent and
  siblings; spouse and children; siblings only; half-siblings and grand-relatives) with its missing
  person and the members to type.
* :func:`simulate_population` builds families with simulated reference profiles, bodies of which some
  are the planted missing persons (``truth``) and the rest unrelated, optionally with untyped and
  partial markers. Mutations follow the loci's mutation models (:func:`simulate_profiles`);
  :func:`induce_mutation` adds a one-step change on purpose.

Every function takes a ``numpy.random.Generator``; the same seed gives the same population.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from homecoming.errors import HypothesisError
from homecoming.kinship.model.markers import Genotype, Locus, Profile
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.screen import ReferenceFamily
from homecoming.kinship.simulate import simulate_profiles

FAMILY_KINDS = ("parents", "parent_siblings", "spouse_children", "siblings", "half_siblings_grand")
Record = tuple[str, str | None, str | None, str]


def _sex(rng: np.random.Generator) -> str:
    return "male" if rng.random() < 0.5 else "female"


def _children(prefix: str, fa: str, mo: str, n: int, rng: np.random.Generator) -> list[Record]:
    return [(f"{prefix}{k + 1}", fa, mo, _sex(rng)) for k in range(n)]


def family_pedigree(kind: str, rng: np.random.Generator, /) -> tuple[Pedigree, str, tuple[str, ...]]:
    """``(pedigree, missing person id, ids to type)`` of one family of ``kind`` (see FAMILY_KINDS)."""
    mp: Record = ("MP", "FA", "MO", _sex(rng))
    if kind == "parents":
        recs: list[Record] = [("FA", None, None, "male"), ("MO", None, None, "female"), mp]
        typed = ["FA", "MO"]
    elif kind == "parent_siblings":
        sibs = _children("S", "FA", "MO", int(rng.integers(1, 4)), rng)
        recs = [("FA", None, None, "male"), ("MO", None, None, "female"), mp, *sibs]
        typed = [str(rng.choice(["FA", "MO"])), *[s[0] for s in sibs]]
    elif kind == "spouse_children":
        mp = ("MP", None, None, _sex(rng))
        spouse: Record = ("SP", None, None, "female" if mp[3] == "male" else "male")
        fa, mo = ("MP", "SP") if mp[3] == "male" else ("SP", "MP")
        kids = _children("C", fa, mo, int(rng.integers(1, 4)), rng)
        recs = [mp, spouse, *kids]
        typed = ["SP", *[c[0] for c in kids]]
    elif kind == "siblings":
        sibs = _children("S", "FA", "MO", int(rng.integers(2, 5)), rng)
        recs = [("FA", None, None, "male"), ("MO", None, None, "female"), mp, *sibs]
        typed = [s[0] for s in sibs]
    elif kind == "half_siblings_grand":
        recs = [
            ("GF", None, None, "male"),
            ("GM", None, None, "female"),
            ("FA", "GF", "GM", "male"),
            ("UN", "GF", "GM", "male"),
            ("MO", None, None, "female"),
            ("MO2", None, None, "female"),
            mp,
            ("HS", "FA", "MO2", _sex(rng)),
        ]
        typed = ["GM", "HS", str(rng.choice(["UN", "MO"]))]
    else:
        raise HypothesisError(
            f"unknown family kind {kind!r}",
            field="kind",
            value=kind,
            hint=f"choose one of {', '.join(FAMILY_KINDS)}",
        )
    return Pedigree.from_records(recs), "MP", tuple(typed)


def make_partial(
    profile: Profile, rng: np.random.Generator, /, *, untyped: float = 0.0, one_allele: float = 0.0
) -> Profile:
    """A degraded copy: each marker untyped with probability ``untyped``, else one allele only with
    probability ``one_allele`` (a partial genotype)."""
    calls: dict[str, Genotype | None] = {}
    for marker, g in profile.genotypes.items():
        u = rng.random()
        if g is None or u < untyped:
            calls[marker] = None
        elif u < untyped + one_allele:
            calls[marker] = Genotype(g.alleles[int(rng.integers(len(g.alleles)))])
        else:
            calls[marker] = g
    return Profile(profile.sample, calls, dropout=profile.dropout)


def induce_mutation(profile: Profile, locus: Locus, rng: np.random.Generator, /) -> Profile:
    """Change one allele of ``locus`` to a neighbouring allele of the table (one step in table order)."""
    g = profile.get(locus.name)
    if g is None or g.a2 is None:
        return profile
    which = int(rng.integers(2))
    k = locus.index(g.alleles[which])
    step = 1 if k + 1 < locus.n_alleles and (k == 0 or rng.random() < 0.5) else -1
    als = list(g.alleles)
    als[which] = locus.alleles[k + step]
    return Profile(
        profile.sample, {**profile.genotypes, locus.name: Genotype(als[0], als[1])}, dropout=profile.dropout
    )


@dataclass(frozen=True)
class Population:
    """Families, bodies, and which body is which family's missing person (``truth``: body -> family)."""

    loci: tuple[Locus, ...]
    families: tuple[ReferenceFamily, ...]
    bodies: tuple[Profile, ...]
    truth: Mapping[str, str]


def simulate_family(
    family_id: str,
    kind: str,
    loci: Sequence[Locus],
    rng: np.random.Generator,
    /,
) -> tuple[ReferenceFamily, Profile]:
    """One family of ``kind`` and the profile of its missing person (named ``family_id``/MP)."""
    ped, missing, typed = family_pedigree(kind, rng)
    profiles = simulate_profiles(ped, loci, rng, typed=[*typed, missing])
    truth = profiles.pop(missing)
    fam = ReferenceFamily(family_id, ped, missing, tuple(profiles[t] for t in typed))
    return fam, Profile(f"{family_id}/{missing}", truth.genotypes)


def simulate_population(
    loci: Sequence[Locus],
    rng: np.random.Generator,
    /,
    *,
    n_families: int,
    n_bodies: int,
    n_planted: int | None = None,
    kinds: Sequence[str] = FAMILY_KINDS,
    untyped: float = 0.0,
    one_allele: float = 0.0,
    mutated: float = 0.0,
) -> Population:
    """``n_families`` families (kinds in turn), ``n_bodies`` bodies of which ``n_planted`` (default: as
    many as possible) are missing persons of distinct families; bodies shuffled and named B000001...

    Each body marker is untyped with probability ``untyped`` or partial with ``one_allele``; a planted
    body gets one induced one-step mutation with probability ``mutated``.
    """
    planted = min(n_families, n_bodies) if n_planted is None else n_planted
    if planted > min(n_families, n_bodies):
        raise HypothesisError(
            "more planted bodies than families or bodies",
            field="n_planted",
            value=planted,
            hint=f"at most {min(n_families, n_bodies)}",
        )
    families, truths = [], []
    for k in range(n_families):
        fam, mp = simulate_family(f"F{k + 1:06d}", kinds[k % len(kinds)], loci, rng)
        families.append(fam)
        truths.append(mp)
    chosen = rng.choice(n_families, size=planted, replace=False)
    raw: list[tuple[Profile, str | None]] = []
    for f in chosen:
        body = truths[int(f)]
        if rng.random() < mutated:
            body = induce_mutation(body, loci[int(rng.integers(len(loci)))], rng)
        raw.append((body, families[int(f)].id))
    single = Pedigree.singleton("U")
    raw += [(simulate_profiles(single, loci, rng)["U"], None) for _ in range(n_bodies - planted)]
    order = rng.permutation(len(raw))
    bodies, truth = [], {}
    for k, pos in enumerate(order):
        prof, fid = raw[int(pos)]
        name = f"B{k + 1:06d}"
        bodies.append(
            make_partial(Profile(name, prof.genotypes), rng, untyped=untyped, one_allele=one_allele)
        )
        if fid is not None:
            truth[name] = fid
    return Population(tuple(loci), tuple(families), tuple(bodies), truth)
