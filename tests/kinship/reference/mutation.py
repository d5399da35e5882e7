"""Mutation matrices of R pedmut, re-implemented from their written definitions.

Written from the table in ``../shared/formats/kinship-case.md`` (and pedmut's documented
definitions), independently of ``homecoming.kinship.model.mutation``. Every function returns a plain
``list[list[float]]`` ``M`` with ``M[i][j]`` = P(parent allele ``alleles[i]`` is transmitted as
``alleles[j]``). Loops are written out one entry at a time on purpose: this is a reference, not a
fast path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Matrix = list[list[float]]

MODELS = ("equal", "proportional", "random", "onestep", "stepwise", "trivial")


def trivial(n: int) -> Matrix:
    """The identity: no mutation possible."""
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def equal(n: int, rate: float) -> Matrix:
    """``M[i][i] = 1 - rate``; every other allele ``rate / (n - 1)``."""
    if n == 1:
        return trivial(1)
    off = rate / (n - 1)
    return [[1.0 - rate if i == j else off for j in range(n)] for i in range(n)]


def proportional(frequencies: Sequence[float], rate: float) -> Matrix:
    """``a = rate / sum(p (1 - p))``; row i is ``a * p[j]`` off the diagonal, ``1 - a + a p[i]`` on it."""
    p = [float(x) for x in frequencies]
    n = len(p)
    if n == 1:
        return trivial(1)
    a = rate / sum(x * (1.0 - x) for x in p)
    return [[(1.0 - a) + a * p[j] if i == j else a * p[j] for j in range(n)] for i in range(n)]


def random(n: int, rng: np.random.Generator) -> Matrix:
    """Independent uniform(0, 1) entries, each row divided by its sum (pedmut ``random``).

    pedmut draws with R's RNG; this one takes a NumPy Generator, so the matrices differ from R's
    but have the same law. Pass the same matrix to both implementations when comparing.
    """
    rows = []
    for _ in range(n):
        draws = [float(x) for x in rng.uniform(0.0, 1.0, size=n)]
        total = sum(draws)
        rows.append([x / total for x in draws])
    return rows


def onestep(alleles: Sequence[str], rate: float) -> Matrix:
    """Integer ladders: mutate to the neighbours at distance exactly 1, ``rate / k`` each (k = 1 or 2).

    An allele with no neighbour at distance 1 cannot mutate (diagonal 1).
    """
    values = [_number(a, "onestep") for a in alleles]
    for label, v in zip(alleles, values, strict=True):
        if v != round(v):
            raise ValueError(f"onestep needs integer alleles, got {label!r}")
    n = len(values)
    m = [[0.0] * n for _ in range(n)]
    for i in range(n):
        neighbours = [j for j in range(n) if abs(values[j] - values[i]) == 1]
        if not neighbours:
            m[i][i] = 1.0
            continue
        m[i][i] = 1.0 - rate
        for j in neighbours:
            m[i][j] = rate / len(neighbours)
    return m


def microvariant_class(value: float) -> int:
    """``round(10 * (a - round(a)))``, with round-half-to-even as in R (``9.3`` -> 3, ``10`` -> 0)."""
    return round(10 * (value - round(value)))


def stepwise(alleles: Sequence[str], rate: float, rate2: float, range_: float) -> Matrix:
    """pedmut's ``stepwise`` model.

    Alleles are grouped by microvariant class. To another allele of the same class the weight is
    ``range ** |a_i - a_j|``, scaled so those weights sum to ``rate``; to each allele of another class
    ``rate2 / (n - size of own class)``; the diagonal is ``1 - rate`` if all alleles share one class,
    ``1 - rate2`` if allele i is alone in its class, otherwise ``1 - rate - rate2``.
    """
    values = [_number(a, "stepwise") for a in alleles]
    n = len(values)
    if n == 1:
        return trivial(1)
    classes = [microvariant_class(v) for v in values]
    m = [[0.0] * n for _ in range(n)]
    for i in range(n):
        same = [j for j in range(n) if classes[j] == classes[i]]
        others = [j for j in range(n) if classes[j] != classes[i]]
        if not others:
            m[i][i] = 1.0 - rate
        elif len(same) == 1:
            m[i][i] = 1.0 - rate2
        else:
            m[i][i] = 1.0 - rate - rate2
        for j in others:
            m[i][j] = rate2 / (n - len(same))
        peers = [j for j in same if j != i]
        weights = {j: range_ ** abs(values[i] - values[j]) for j in peers}
        total = sum(weights.values())
        for j in peers:
            m[i][j] = weights[j] / total * rate
    return m


def matrix_for(model: dict, alleles: Sequence[str], frequencies: Sequence[float]) -> Matrix:
    """The matrix of one case-file ``MODEL`` object (``{"model", "rate", "rate2", "range", ...}``)."""
    name = model["model"]
    n = len(alleles)
    if name == "custom" or not model.get("reconstructible", True):
        return [[float(x) for x in row] for row in model["matrix"]]
    if name == "trivial":
        return trivial(n)
    if name == "equal":
        return equal(n, model["rate"])
    if name == "proportional":
        return proportional(frequencies, model["rate"])
    if name == "onestep":
        return onestep(alleles, model["rate"])
    if name == "stepwise":
        return stepwise(alleles, model["rate"], model["rate2"], model["range"])
    raise ValueError(f"model {name!r} cannot be rebuilt from parameters (random needs a Generator)")


def _number(label: str, model: str) -> float:
    try:
        return float(label)
    except ValueError:
        raise ValueError(f"the {model} model needs numeric allele labels, got {label!r}") from None
