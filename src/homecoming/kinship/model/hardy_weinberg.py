"""Hardy–Weinberg genotype probabilities of an unrelated person — written once, used everywhere.

An unrelated person's two genes are independent draws from the allele frequencies ``p``: the ordered
pair ``(a, b)`` has probability ``p_a p_b``, the unordered genotype ``{a, b}`` has ``2 p_a p_b``
(``a != b``) or ``p_a²``. A hemizygous person (a male at an X marker) carries one allele: ``p_a``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def genotype_probability(p: FloatArray, a: int, b: int, /, *, hemizygous: bool = False) -> float:
    """``P({a, b})`` of an unrelated person (hemizygous: ``p_a`` when ``a == b``, else 0)."""
    if hemizygous:
        return float(p[a]) if a == b else 0.0
    return float(p[a] * p[a]) if a == b else float(2.0 * p[a] * p[b])


def ordered_joint(p: FloatArray, /, *, hemizygous: bool = False) -> FloatArray:
    """``J[a, b] = P(paternal a, maternal b)``: ``p pᵀ``, or ``diag(p)`` for a hemizygous person."""
    out: FloatArray = np.diag(p) if hemizygous else np.outer(p, p)
    return out


def unordered_log(p: FloatArray, rows: IntArray, cols: IntArray, /, *, hemizygous: bool) -> FloatArray:
    """``log P({i, j})`` for the genotypes ``(rows[k], cols[k])`` (``-inf`` where impossible)."""
    with np.errstate(divide="ignore"):
        if hemizygous:
            out: FloatArray = np.where(rows == cols, np.log(p[rows]), -np.inf)
        else:
            out = np.log(np.where(rows == cols, p[rows] * p[rows], 2.0 * p[rows] * p[cols]))
    return out
