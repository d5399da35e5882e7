"""Allele spaces: the alleles one marker computation runs over, lumped where that is exact.

Alleles never named in any observation of a marker are lumped into one allele when every mutation
matrix is lumpable for that split (always for no mutation, equal, proportional: Kemeny–Snell strong
lumpability); a silent allele, when the locus has one, is an extra allele that never shows. The lumped
spaces of a locus are cached on the (frozen) locus itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from homecoming.kinship.model.markers import Locus

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class AlleleSpace:
    """The alleles used for one marker computation (possibly lumped, possibly with a silent allele)."""

    freqs: FloatArray
    male: FloatArray | None
    female: FloatArray | None
    silent: int
    codes: Mapping[int, int]  # locus allele index (or -1 for silent) -> index here
    lumped: bool
    n: int = field(init=False)  # how many alleles

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", int(self.freqs.size))

    def expansion(self, locus: Locus) -> tuple[IntArray, IntArray]:
        """Where each genotype ``{i <= j}`` of ``locus`` lies in a flat ``n x n`` table over this space:
        at ``(i, j)`` and ``(j, i)``, every allele the space does not name mapped to the lumped one."""
        return self._expansions(locus.n_alleles)

    @cached_property
    def _expansion_cache(self) -> dict[int, tuple[IntArray, IntArray]]:
        return {}

    def lookup(self, n_alleles: int) -> IntArray:
        """``index[a]``: where locus allele ``a`` lies in this space (the lumped allele if unnamed)."""
        got = self._expansion_cache.get(-n_alleles - 1)
        if got is None:
            idx = np.full(n_alleles, self.n - 1, dtype=np.intp)
            for a, code in self.codes.items():
                if a >= 0:
                    idx[a] = code
            got = self._expansion_cache[-n_alleles - 1] = (idx, idx)
        return got[0]

    def _expansions(self, n_alleles: int) -> tuple[IntArray, IntArray]:
        got = self._expansion_cache.get(n_alleles)
        if got is None:
            k = self.n
            idx = self.lookup(n_alleles)
            i, j = np.tril_indices(n_alleles)
            got = self._expansion_cache[n_alleles] = (idx[i] * k + idx[j], idx[j] * k + idx[i])
        return got


def allele_space(locus: Locus, named: set[int], *, lump: bool) -> AlleleSpace:
    """Alleles of ``locus`` (+ silent), lumping the never-named ones when exact."""
    p = locus.freq_array
    mats = [locus.male_matrix, locus.female_matrix]
    silent = -1
    if locus.silent_frequency > 0:
        s = locus.silent_frequency
        p = np.append(p * (1 - s), s)
        mats = [None if m is None else _extend_identity(m) for m in mats]
        silent = p.size - 1
    n = p.size
    named_idx = sorted({silent if i == -1 else i for i in named} | ({silent} if silent >= 0 else set()))
    rest = [i for i in range(n) if i not in set(named_idx)]
    if (
        lump
        and len(rest) >= 2
        and (_always_lumpable(locus) or all(m is None or _lumpable(m, rest, named_idx) for m in mats))
    ):
        freqs = np.append(p[named_idx], p[rest].sum())
        lumped = [None if m is None else _lump(m, named_idx, rest) for m in mats]
        codes = {(-1 if i == silent else i): j for j, i in enumerate(named_idx)}
        return AlleleSpace(freqs, lumped[0], lumped[1], codes.get(-1, -1), codes, lumped=True)
    codes = {(-1 if i == silent else i): i for i in range(n)}
    return AlleleSpace(p, mats[0], mats[1], silent, codes, lumped=False)


_ALWAYS_LUMPABLE = frozenset({"equal", "proportional", "trivial"})


def _always_lumpable(locus: Locus) -> bool:
    """Models lumpable for every split of the alleles (Kemeny-Snell strong lumpability)."""
    mut = locus.mutation
    return mut is None or (mut.female.model in _ALWAYS_LUMPABLE and mut.male.model in _ALWAYS_LUMPABLE)


def _extend_identity(m: FloatArray) -> FloatArray:
    n = m.shape[0]
    out = np.zeros((n + 1, n + 1))
    out[:n, :n] = m
    out[n, n] = 1.0
    return out


def _lumpable(m: FloatArray, rest: list[int], named: list[int]) -> bool:
    block = m[np.ix_(rest, named)]
    if block.size and not np.allclose(block, block[0], rtol=1e-13, atol=1e-300):
        return False
    within = m[np.ix_(rest, rest)].sum(axis=1)
    return bool(np.allclose(within, within[0], rtol=1e-13, atol=1e-300))


def _lump(m: FloatArray, named: list[int], rest: list[int]) -> FloatArray:
    k = len(named)
    rows = m[named]
    out = np.empty((k + 1, k + 1))
    out[:k, :k] = rows[:, named]
    out[:k, k] = rows[:, rest].sum(axis=1)
    out[k, :k] = m[rest[0], named]
    out[k, k] = m[rest[0], rest].sum()
    return out


def lumped_space(locus: Locus, named: Collection[int]) -> AlleleSpace:
    """The space of ``locus`` naming ``named`` (locus allele indices), the others lumped where exact.

    Cached on the locus: the same loci and named alleles come back family after family.
    """
    key = tuple(sorted(set(named)))
    cache = locus.space_cache
    space = cache.get(key)
    if space is None:
        if len(cache) > 4096:
            cache.clear()
        space = cache[key] = allele_space(locus, set(key), lump=True)
    return space
