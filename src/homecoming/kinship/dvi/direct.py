"""Direct matches (two samples of one person) and re-association of samples across bags and batches.

:func:`direct_match` follows ``dvir::directMatch``: per marker, LR = 1 / P(g) when the two genotypes are
identical (Hardy-Weinberg, ``p^2`` or ``2 p q``), 0 on any mismatch, 1 when either sample is untyped
there (no typing-error model). Partial genotypes (one allele seen): identical -> ``1 / (1 - (1-p)^2)``;
compatible with a full genotype -> 1 (uninformative); incompatible -> 0.

:func:`reassociate` groups samples of one individual (like ``dvir``'s ``mergePM``): pairs whose profiles
are identical on every jointly typed marker, with at least ``min_shared`` such markers, grouped
transitively. Every group is flagged for review.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from homecoming.kinship.model.hardy_weinberg import genotype_probability
from homecoming.kinship.model.markers import Genotype, Locus, Profile


@dataclass(frozen=True)
class DirectMatch:
    """Per-marker and total LR of "same person" against "two unrelated people"."""

    a: str
    b: str
    markers: tuple[str, ...]
    lrs: tuple[float, ...]
    shared: int  # markers typed in both

    @property
    def lr(self) -> float:
        return math.prod(self.lrs)

    @property
    def log10_lr(self) -> float:
        return sum(math.log10(x) if x > 0 else -math.inf for x in self.lrs)


def _marker_lr(locus: Locus, g: Genotype | None, h: Genotype | None) -> float:
    if g is None or h is None:
        return 1.0
    p = locus.freq_array
    if g.a2 is not None and h.a2 is not None:
        if sorted(g.alleles) != sorted(h.alleles):
            return 0.0
        prob = genotype_probability(p, locus.index(g.a1), locus.index(g.a2))
        return 1.0 / prob if prob > 0 else math.inf
    if g.a2 is None and h.a2 is None:
        return 1.0 / (1.0 - (1.0 - p[locus.index(g.a1)]) ** 2) if g.a1 == h.a1 else 0.0
    part, full = (g, h) if g.a2 is None else (h, g)
    return 1.0 if part.a1 in full.alleles else 0.0


def direct_match(a: Profile, b: Profile, /, *, loci: Sequence[Locus]) -> DirectMatch:
    """LR that samples ``a`` and ``b`` come from the same person (``dvir::directMatch`` semantics)."""
    lrs = tuple(_marker_lr(lc, a.get(lc.name), b.get(lc.name)) for lc in loci)
    shared = sum(1 for lc in loci if a.get(lc.name) is not None and b.get(lc.name) is not None)
    return DirectMatch(a.sample, b.sample, tuple(lc.name for lc in loci), lrs, shared)


@dataclass(frozen=True)
class SampleGroup:
    """Samples judged to come from one individual; always to be reviewed by a person."""

    samples: tuple[str, ...]
    pairs: tuple[DirectMatch, ...]
    review: bool = True


def reassociate(
    profiles: Sequence[Profile], /, *, loci: Sequence[Locus], min_shared: int = 10
) -> list[SampleGroup]:
    """Groups (2+ samples) of identical profiles on all jointly typed markers (>= ``min_shared``)."""
    n = len(profiles)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    matches: list[tuple[int, DirectMatch]] = []
    for i in range(n):
        for j in range(i + 1, n):
            m = direct_match(profiles[i], profiles[j], loci=loci)
            if m.shared >= min_shared and all(x > 0 for x in m.lrs):
                parent[find(j)] = find(i)
                matches.append((i, m))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out = []
    for root, members in groups.items():
        if len(members) > 1:
            pairs = tuple(m for i, m in matches if find(i) == root)
            out.append(SampleGroup(tuple(profiles[k].sample for k in members), pairs))
    return out
