"""Mutation models as transition matrices, with the definitions and parameters of pedmut.

``M[i, j]`` is the probability that parent allele ``i`` is transmitted as allele ``j``. Models:

* ``trivial``: identity.
* ``equal``: ``M[i, i] = 1 - rate``, ``M[i, j] = rate / (n - 1)``.
* ``proportional``: ``a = rate / sum(p (1 - p))``, ``M = (1 - a) I + a 1 p^T``.
* ``random``: uniform(0, 1) entries, rows normalised (drawn from ``numpy.random.default_rng(seed)``;
  not the same numbers as R's ``set.seed``).
* ``onestep``: integer ladders only; ``rate / k`` to each of the ``k`` alleles at distance exactly 1,
  ``1 - rate`` on the diagonal (1 if there is no neighbour).
* ``stepwise``: microvariant classes ``round(10 (a - round(a)))``; within a class weights
  ``range ** |a_i - a_j|`` scaled to sum to ``rate``; to other classes ``rate2 / (n - class size)``
  each; diagonal ``1 - rate`` (one class), ``1 - rate2`` (alone in its class), else ``1 - rate - rate2``.
* ``custom``: an explicit matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from homecoming.errors import MarkerError, Problem

MODELS = ("custom", "equal", "onestep", "proportional", "random", "stepwise", "trivial")

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MutationModel:
    """A pedmut-style mutation model; ``matrix_for`` builds its matrix for a list of alleles."""

    model: str
    rate: float = 0.0
    rate2: float | None = None
    range: float | None = None
    matrix: tuple[tuple[float, ...], ...] | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        problems = _check_params(self)
        if problems:
            raise MarkerError(
                str(problems[0]),
                field=problems[0].field,
                value=problems[0].value,
                hint=problems[0].hint,
                problems=problems,
            )

    @classmethod
    def make(
        cls,
        model: str,
        /,
        *,
        rate: float = 0.0,
        rate2: float | None = None,
        range: float | None = None,
        matrix: Sequence[Sequence[float]] | None = None,
        seed: int | None = None,
    ) -> MutationModel:
        """Factory by pedmut name (``"equal"``, ``"stepwise"``, ...)."""
        mat = None if matrix is None else tuple(tuple(float(x) for x in row) for row in matrix)
        return cls(
            model=model,
            rate=float(rate),
            rate2=None if rate2 is None else float(rate2),
            range=None if range is None else float(range),
            matrix=mat,
            seed=seed,
        )

    def describe(self) -> dict[str, object]:
        return {
            "model": self.model,
            "rate": self.rate,
            "rate2": self.rate2,
            "range": self.range,
            "custom_matrix": self.matrix is not None,
            "seed": self.seed,
        }

    def matrix_for(self, alleles: Sequence[str], freqs: FloatArray) -> FloatArray:
        """The transition matrix over ``alleles`` (in that order)."""
        n = len(alleles)
        if self.model == "custom":
            assert self.matrix is not None
            mat = np.array(self.matrix, dtype=np.float64)
            if mat.shape != (n, n):
                raise MarkerError(
                    f"custom mutation matrix is {mat.shape[0]}x{mat.shape[1]} but the marker has {n} alleles",
                    field="mutation.matrix",
                    value=mat.shape,
                    hint="give one row and column per allele",
                )
            _check_rows(mat)
            return mat
        if n <= 1 or self.model == "trivial":
            return np.eye(n)
        builder = _BUILDERS[self.model]
        return builder(self, list(alleles), np.asarray(freqs, dtype=np.float64))


def _check_params(m: MutationModel) -> list[Problem]:
    out: list[Problem] = []
    if m.model not in MODELS:
        out.append(
            Problem("mutation.model", "unknown mutation model", m.model, f"use one of {', '.join(MODELS)}")
        )
        return out
    if not (0.0 <= m.rate <= 1.0):
        out.append(Problem("mutation.rate", "rate must be in [0, 1]", m.rate))
    if m.model == "stepwise":
        if m.rate2 is None or not (0.0 <= m.rate2 <= 1.0):
            out.append(Problem("mutation.rate2", "stepwise needs rate2 in [0, 1]", m.rate2))
        elif m.rate + m.rate2 > 1:
            out.append(Problem("mutation.rate2", "rate + rate2 must be at most 1", m.rate + m.rate2))
        if m.range is None or not m.range > 0:
            out.append(Problem("mutation.range", "stepwise needs a positive range", m.range))
    if m.model == "custom" and m.matrix is None:
        out.append(
            Problem(
                "mutation.matrix",
                "the custom model needs a matrix",
                None,
                "give a square matrix with rows summing to 1",
            )
        )
    return out


def _check_rows(mat: FloatArray) -> None:
    if np.any(mat < 0) or np.any(mat > 1):
        raise MarkerError(
            "mutation matrix entries must be in [0, 1]",
            field="mutation.matrix",
            value=float(mat.min() if np.any(mat < 0) else mat.max()),
        )
    sums = mat.sum(axis=1)
    bad = np.nonzero(np.abs(sums - 1) > 1e-3)[0]
    if bad.size:
        raise MarkerError(
            f"mutation matrix row {int(bad[0]) + 1} sums to {sums[bad[0]]!r}, not 1",
            field="mutation.matrix",
            value=float(sums[bad[0]]),
            hint="normalise each row",
        )


def _numeric(alleles: list[str], model: str) -> FloatArray:
    try:
        return np.array([float(a) for a in alleles], dtype=np.float64)
    except ValueError:
        raise MarkerError(
            f"the {model} mutation model needs numeric allele labels",
            field="alleles",
            value=alleles,
            hint="use equal or proportional",
        ) from None


def _equal(m: MutationModel, alleles: list[str], p: FloatArray) -> FloatArray:
    n = len(alleles)
    mat = np.full((n, n), m.rate / (n - 1))
    np.fill_diagonal(mat, 1 - m.rate)
    return mat


def _proportional(m: MutationModel, alleles: list[str], p: FloatArray) -> FloatArray:
    n = len(alleles)
    alpha = m.rate / float(np.sum(p * (1 - p)))
    mat: FloatArray = (1 - alpha) * np.eye(n) + alpha * np.tile(p, (n, 1))
    if np.any(mat > 1):
        raise MarkerError(
            "impossible proportional mutation matrix",
            field="mutation.rate",
            value=m.rate,
            hint="reduce the rate",
        )
    return mat


def _random(m: MutationModel, alleles: list[str], p: FloatArray) -> FloatArray:
    n = len(alleles)
    mat = np.random.default_rng(m.seed).uniform(0, 1, size=(n, n))
    out: FloatArray = mat / mat.sum(axis=1, keepdims=True)
    return out


def _onestep(m: MutationModel, alleles: list[str], p: FloatArray) -> FloatArray:
    num = _numeric(alleles, "onestep")
    if np.any(np.round(num) != num):
        raise MarkerError(
            "the onestep mutation model needs integer alleles",
            field="alleles",
            value=next(a for a, x in zip(alleles, num, strict=True) if round(x) != x),
            hint="use stepwise for microvariants",
        )
    n = len(alleles)
    mat = np.zeros((n, n))
    for i in range(n):
        nei = np.abs(num - num[i]) == 1
        k = int(nei.sum())
        mat[i, i] = 1 - m.rate if k > 0 else 1.0
        if k:
            mat[i, nei] = m.rate / k
    return mat


def _stepwise(m: MutationModel, alleles: list[str], p: FloatArray) -> FloatArray:
    num = _numeric(alleles, "stepwise")
    rate, rate2, rng = m.rate, float(m.rate2 or 0.0), float(m.range or 1.0)
    group = np.array([round(10 * (x - _r_round(x))) for x in num])
    n = len(alleles)
    mat = np.zeros((n, n))
    for i in range(n):
        same = group == group[i]
        n_same = int(same.sum())
        for j in range(n):
            if i == j:
                mat[i, j] = 1 - rate if n_same == n else (1 - rate2 if n_same == 1 else 1 - rate - rate2)
            elif same[j]:
                mat[i, j] = rng ** abs(num[i] - num[j])
            else:
                mat[i, j] = rate2 / (n - n_same)
        same[i] = False
        if same.any():
            mat[i, same] = mat[i, same] / mat[i, same].sum() * rate
    return mat


def _r_round(x: float) -> float:
    """R's round(): half to even, like Python's."""
    return float(round(x))


_BUILDERS = {
    "equal": _equal,
    "proportional": _proportional,
    "random": _random,
    "onestep": _onestep,
    "stepwise": _stepwise,
}


@dataclass(frozen=True)
class SexMutation:
    """The mutation models of one marker for transmissions from mothers and from fathers."""

    female: MutationModel
    male: MutationModel

    @classmethod
    def same(cls, model: MutationModel) -> SexMutation:
        return cls(female=model, male=model)

    def describe(self) -> dict[str, object]:
        return {"female": self.female.describe(), "male": self.male.describe()}


def mutation_matrix(
    model: str,
    alleles: Sequence[str],
    freqs: Sequence[float] | FloatArray,
    /,
    *,
    rate: float = 0.0,
    rate2: float | None = None,
    range: float | None = None,
    matrix: Sequence[Sequence[float]] | None = None,
    seed: int | None = None,
) -> FloatArray:
    """Like ``pedmut::mutationMatrix(model, alleles, afreq, rate, rate2, range)``."""
    mm = MutationModel.make(model, rate=rate, rate2=rate2, range=range, matrix=matrix, seed=seed)
    return mm.matrix_for(list(alleles), np.asarray(freqs, dtype=np.float64))
