"""The screen, naively: the whole score matrix in float64, then sorted lists and counts (plain NumPy).

This module does not import ``homecoming.kinship``. It takes what the screen's kernel takes:

``table``
    ``[family, column]`` log LRs; the last column is the *skip* column (a marker left out of a body).
``columns``
    ``[body, marker]`` column indices into ``table``; a marker pointing at the skip column adds 0.

and returns what the kernel returns (:class:`RawScreen` of ``homecoming.kinship.screen``), by the
obvious route instead of the fast one:

* ``scores[body, family]`` = the sum over markers of ``table[family, columns[body, marker]]`` (0 for a
  skipped marker), in float64, over every pair: the full matrix is built;
* per body the ``top`` families by score descending, ties to the lower family index; per family the
  ``top_bodies`` bodies the same way (ties to the lower body index); an impossible pair (score
  ``-inf``) is never listed; empty places hold id -1 and score ``-inf``; family ids are ``base`` + row;
* per body and per family the number of pairs with ``score >= log(threshold)`` (none without a threshold).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class NaiveScreen:
    scores: NDArray[np.float64]  # [body, family], the full matrix
    body_scores: NDArray[np.float64]
    body_families: NDArray[np.int64]
    family_scores: NDArray[np.float64]
    family_bodies: NDArray[np.int64]
    body_counts: NDArray[np.int64]
    family_counts: NDArray[np.int64]


def score_matrix(table: NDArray[np.floating], columns: NDArray[np.integer]) -> NDArray[np.float64]:
    """``scores[b, f]`` = sum over markers of ``table[f, columns[b, m]]``, skipped markers adding 0."""
    skip = table.shape[1] - 1
    n_bodies, n_markers = columns.shape
    scores = np.zeros((n_bodies, table.shape[0]), dtype=np.float64)
    for b in range(n_bodies):
        for m in range(n_markers):
            c = int(columns[b, m])
            if c != skip:
                scores[b] += table[:, c].astype(np.float64)
    return scores


def best(row: NDArray[np.float64], k: int) -> tuple[list[float], list[int]]:
    """The ``k`` best finite entries of ``row``: score descending, then index ascending; padded."""
    ranked = sorted((i for i in range(row.size) if row[i] > -math.inf), key=lambda i: (-row[i], i))[:k]
    scores = [float(row[i]) for i in ranked] + [-math.inf] * (k - len(ranked))
    return scores, ranked + [-1] * (k - len(ranked))


def naive_screen(
    table: NDArray[np.floating],
    columns: NDArray[np.integer],
    *,
    base: int = 0,
    top: int = 10,
    top_bodies: int = 10,
    threshold: float | None = None,
) -> NaiveScreen:
    scores = score_matrix(table, columns)
    n_bodies, n_families = scores.shape
    by_body = [best(scores[b], top) for b in range(n_bodies)]
    by_family = [best(scores[:, f], top_bodies) for f in range(n_families)]
    cut = math.inf if threshold is None else math.log(threshold)
    above = scores >= cut
    return NaiveScreen(
        scores=scores,
        body_scores=np.array([s for s, _ in by_body], dtype=np.float64).reshape(n_bodies, top),
        body_families=np.array(
            [[base + i if i >= 0 else -1 for i in ids] for _, ids in by_body], dtype=np.int64
        ).reshape(n_bodies, top),
        family_scores=np.array([s for s, _ in by_family], dtype=np.float64).reshape(n_families, top_bodies),
        family_bodies=np.array([ids for _, ids in by_family], dtype=np.int64).reshape(n_families, top_bodies),
        body_counts=above.sum(axis=1).astype(np.int64),
        family_counts=above.sum(axis=0).astype(np.int64),
    )
