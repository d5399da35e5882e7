"""Which relative to sample next for a reference family (the liaison sees the ranking, never genotypes).

The family's pedigree comes from its live members (:func:`~homecoming.app.genetics.pedigree_view.
build_pedigree`), the typed relatives from their usable autosomal STR profiles, the allele frequencies
from the table in force (the last ``FrequencyTableActivation``) or, without one, the built-in Norwegian
table. The ranking is :func:`homecoming.kinship.power.donor_power` (each possible donor placed in a copy
of the pedigree by ``with_donor``); where that helper is not installed, the untyped members already in
the pedigree are ranked with :func:`homecoming.kinship.simulate.next_relative`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache

from homecoming.app.genetics.family_records import typed_members
from homecoming.app.genetics.frequencies import table_genotypes
from homecoming.app.genetics.frequencies import table_marker as table_marker  # screening_data imports it here
from homecoming.app.genetics.models import FrequencyTableActivation, ReferenceFamily
from homecoming.app.genetics.pedigree_view import build_pedigree
from homecoming.errors import HomecomingError, StateError
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.model.markers import Locus, Profile
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.provenance import digest

THRESHOLD = 10_000.0  # the LR an undisputed match needs (as ``homecoming screen --threshold``)
N_SIMS = 500
#: markers used when no relative is typed yet (the first of the table): the ranking of a first donor
#: needs no more, and every marker more costs a pass per candidate relation
UNTYPED_MARKERS = 15
_STR = "autosomal_str"


@dataclass(frozen=True)
class Ranked:
    relation: str
    donor: str | None
    probability: float | None  # P(LR >= threshold) for the true missing person once the donor is typed
    expected_log10_lr: float


@dataclass(frozen=True)
class Ranking:
    missing: str
    rows: tuple[Ranked, ...]
    method: str  # "donor_power" or "next_relative"
    table: str
    markers: int
    threshold: float


def frequency_table() -> FrequencyTable:
    """The table in force (last activation), else the built-in Norwegian table."""
    active = FrequencyTableActivation.objects.select_related("table").first()
    if active is None:
        return FrequencyTable.builtin("norwegian")
    markers = {
        name: (tuple(freqs), tuple(float(f) for f in freqs.values()))
        for name, freqs in active.table.markers.items()
    }
    return FrequencyTable(id=active.table.reference, markers=markers)


def _profile(code: str, loci_json: list[dict[str, Any]], table: FrequencyTable) -> Profile:
    """A kinship profile of the loci the table knows (an allele the table lacks drops that locus)."""
    return Profile.from_mapping(code, dict(table_genotypes(loci_json, table).genotypes))


def family_data(family: ReferenceFamily) -> tuple[Any, str, dict[str, Profile], list[Locus], FrequencyTable]:
    live = list(family.members.filter(removed__isnull=True).order_by("id"))
    missing = next((m for m in live if m.relation == "missing"), None)
    if missing is None:
        raise StateError(f"family {family.reference} has no missing person", field="members", value=None)
    pedigree = build_pedigree(live).validate()
    table = frequency_table()
    codes = {m.pk: m.code for m in live}
    typed: dict[str, Profile] = {}
    for pk, profiles in typed_members(family).items():
        strs = [p for p in profiles if p.method == _STR]
        if strs:
            typed[codes[pk]] = _profile(codes[pk], max(strs, key=lambda p: p.locus_count).loci, table)
    used = sorted({m for p in typed.values() for m in p.genotypes}) or list(table.names)[:UNTYPED_MARKERS]
    return pedigree, missing.code, typed, table.loci(used), table


def rank(family: ReferenceFamily, *, seed: int = 1, n_sims: int = N_SIMS) -> Ranking:
    """The ranking of possible next donors, best first (seeded: the same family gives the same figures).

    Cached per family version, typed profiles and frequency table (a new member, sample, profile or
    table in force computes it again).
    """
    pedigree, missing, typed, loci, table = family_data(family)
    profiles = sorted(typed_members(family).items())
    key = "family-rank:" + digest(
        repr(
            (family.pk, family.version, [(k, [p.pk for p in v]) for k, v in profiles], table.id, seed, n_sims)
        ).encode()
    )
    cached = cache.get(key)
    if isinstance(cached, Ranking):
        return cached
    result = _rank(pedigree, missing, typed, loci, table, seed=seed, n_sims=n_sims)
    cache.set(key, result, 24 * 3600)
    return result


def _rank(
    pedigree: Pedigree,
    missing: str,
    typed: dict[str, Profile],
    loci: list[Locus],
    table: FrequencyTable,
    *,
    seed: int,
    n_sims: int,
) -> Ranking:
    rng = np.random.default_rng(seed)
    try:
        power = importlib.import_module("homecoming.kinship.power")
    except ImportError:
        power = None
    if power is not None:
        options = power.donor_power(
            pedigree, missing, loci=loci, family=typed, threshold=THRESHOLD, rng=rng, n_sims=n_sims
        )
        rows = tuple(
            Ranked(o.relation, o.donor, o.prob_above_threshold, o.expected_log10_lr) for o in options
        )
        return Ranking(missing, rows, "donor_power", table.id, len(loci), THRESHOLD)
    from homecoming.kinship.simulate import next_relative

    try:
        found = next_relative(pedigree, missing, loci=loci, family=typed, rng=rng, n_sims=20)
    except HomecomingError:
        found = []
    rows = tuple(Ranked(code, code, None, gain / np.log(10)) for code, gain, _excl in found)
    return Ranking(missing, rows, "next_relative", table.id, len(loci), THRESHOLD)
