"""Comparing new post-mortem profiles with elimination profiles and with every other post-mortem profile.

Two steps, so that a thousand new profiles against tens of thousands stored take seconds:

1. **Prefilter** (NumPy): every profile's autosomal genotypes are coded as one integer per locus (the two
   allele indices; 0 where untyped or where only one allele was seen). Over a block of new profiles
   against all others at once, the loci typed in both and those that differ are counted. A pair with
   at least :data:`MIN_COMPARED` loci compared and no mismatch is a candidate.
2. **Exact LR** on the few candidates with :func:`homecoming.kinship.dvi.direct.direct_match`
   (``dvir::directMatch``: 1/P(genotype) per identical locus, 0 on a mismatch, partial genotypes
   handled), with the frequency table in force (the last :class:`FrequencyTableActivation`) or, when
   none is in force, the built-in forrel Norwegian table — named in every result's provenance. Alleles
   the table lacks get the minimum frequency 5/2N (:func:`reconcile_loci`).

Only usable (not a mixture) autosomal-STR profiles are compared; consensus profiles are not (their
replicates are).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from homecoming.app.genetics.frequencies import locus_key
from homecoming.app.genetics.models import FrequencyTable, FrequencyTableActivation
from homecoming.kinship.dvi.direct import direct_match
from homecoming.kinship.formats.frequencies import FrequencyTable as CoreTable
from homecoming.kinship.model.markers import Genotype, Locus, reconcile_loci
from homecoming.kinship.model.markers import Profile as CoreProfile

#: a pair is a candidate with at least this many loci typed (two alleles) in both and none different
MIN_COMPARED = 10
#: N of 5/2N for alleles a table lacks, when the table does not say its sample size
ASSUMED_N = 1000
#: the comparison matrix of one block (new profiles × others × loci) stays under this many cells
BLOCK_CELLS = 8_000_000


@dataclass(frozen=True)
class Frequencies:
    """The loci results are computed with, and which table they come from."""

    loci: dict[str, Locus]  # locus_key → Locus (named as in the table)
    table: FrequencyTable | None  # None: the built-in table
    label: str
    database_size: int

    def provenance(self) -> dict[str, Any]:
        return {
            "frequency_table": self.table.reference if self.table else "builtin:norwegian",
            "frequency_table_name": self.label,
            "min_compared_loci": MIN_COMPARED,
            "unknown_allele_frequency": f"5/2N, N={self.database_size}",
        }


def frequencies_in_force() -> Frequencies:
    """The table in force (last activation), or the built-in forrel Norwegian table when none is."""
    active = FrequencyTableActivation.objects.select_related("table").first()
    if active is not None:
        table = active.table
        loci = {}
        for marker, freqs in table.markers.items():
            total = sum(freqs.values()) or 1.0
            loci[locus_key(marker)] = Locus(marker, tuple(freqs), tuple(f / total for f in freqs.values()))
        return Frequencies(loci, table, f"{table.reference} {table.name}", table.sample_size or ASSUMED_N)
    core = CoreTable.builtin("norwegian")
    loci = {locus_key(m): core.locus(m) for m in core.names}
    return Frequencies(loci, None, f"built-in {core.id} (forrel NorwegianFrequencies)", ASSUMED_N)


@dataclass(frozen=True)
class Typed:
    """One profile as compared: a key (the caller's), its owner (same owner: never compared) and
    its genotypes by locus key (canonical allele labels as used)."""

    key: Any
    owner: Any
    genotypes: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Match:
    a: Any
    b: Any
    compared: int
    mismatched: int
    log10_lr: float | None


class Encoder:
    """Codes genotypes as integers per locus, the allele indices kept per locus as they come."""

    def __init__(self, loci: Sequence[str]) -> None:
        self.loci = list(loci)
        self.column = {k: i for i, k in enumerate(self.loci)}
        self.alleles: list[dict[str, int]] = [{} for _ in self.loci]

    def _index(self, col: int, allele: str) -> int:
        table = self.alleles[col]
        return table.setdefault(allele, len(table) + 1)

    def encode(self, profiles: Sequence[Typed]) -> np.ndarray:
        out = np.zeros((len(profiles), len(self.loci)), dtype=np.int32)
        for row, p in enumerate(profiles):
            for key, used in p.genotypes.items():
                col = self.column.get(key)
                if col is None or len(used) != 2:
                    continue  # untyped, one allele (drop-out possible) or a mixture: not in the prefilter
                i, j = sorted((self._index(col, used[0]), self._index(col, used[1])))
                out[row, col] = i * 4096 + j
        return out


def _blocks(n_new: int, n_other: int, n_loci: int) -> Iterator[slice]:
    size = max(1, BLOCK_CELLS // max(1, n_other * n_loci))
    for start in range(0, n_new, size):
        yield slice(start, min(n_new, start + size))


def candidates(
    new: Sequence[Typed], others: Sequence[Typed], *, loci: Sequence[str], triangle: bool = False
) -> list[tuple[int, int, int, int]]:
    """``(i, j, compared, mismatched)`` of the pairs passing the prefilter: ``new[i]`` and ``others[j]``.

    ``triangle``: ``others`` is ``new`` itself; only pairs ``i < j`` are returned.
    """
    if not new or not others or not loci:
        return []
    encoder = Encoder(loci)
    a = encoder.encode(new)
    b = a if triangle else encoder.encode(others)
    typed_b = b > 0
    found: list[tuple[int, int, int, int]] = []
    for block in _blocks(len(new), len(others), len(loci)):
        x = a[block][:, None, :]
        both = (x > 0) & typed_b[None, :, :]
        compared = both.sum(axis=2)
        mismatched = (both & (x != b[None, :, :])).sum(axis=2)
        ok = (compared >= MIN_COMPARED) & (mismatched == 0)
        for i, j in zip(*np.nonzero(ok), strict=True):
            gi, gj = int(i) + block.start, int(j)
            if (triangle and gj <= gi) or new[gi].owner == others[gj].owner:
                continue
            found.append((gi, gj, int(compared[i, j]), int(mismatched[i, j])))
    return found


def _core(p: Typed, freq: Frequencies) -> CoreProfile:
    genotypes: dict[str, Genotype | None] = {}
    for key, used in p.genotypes.items():
        locus = freq.loci.get(key)
        if locus is not None and 1 <= len(used) <= 2:
            genotypes[locus.name] = Genotype(used[0], used[1] if len(used) == 2 else None)
    return CoreProfile(str(p.key), genotypes)


def exact(a: Typed, b: Typed, freq: Frequencies) -> float:
    """log10 LR (same person vs two unrelated people) of ``a`` and ``b`` (``-inf`` on a mismatch)."""
    pa, pb = _core(a, freq), _core(b, freq)
    shared = [freq.loci[locus_key(m)] for m in pa.markers if pb.get(m) is not None]
    loci, _notes = reconcile_loci(
        shared, [pa, pb], unknown_alleles="minimum", database_size=freq.database_size
    )
    return direct_match(pa, pb, loci=loci).log10_lr


def matches(
    new: Sequence[Typed], others: Sequence[Typed], freq: Frequencies, *, triangle: bool = False
) -> list[Match]:
    """Every pair passing the prefilter whose exact LR is not 0."""
    loci = [k for k in _loci_of(new) if k in freq.loci]
    out = []
    for i, j, compared, mismatched in candidates(new, others, loci=loci, triangle=triangle):
        log10 = exact(new[i], others[j], freq)
        if math.isfinite(log10):
            out.append(Match(new[i].key, others[j].key, compared, mismatched, log10))
    return out


def _loci_of(profiles: Iterable[Typed]) -> list[str]:
    seen: dict[str, None] = {}
    for p in profiles:
        seen.update(dict.fromkeys(p.genotypes))
    return list(seen)
