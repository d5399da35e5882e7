"""Mutation matrices with pedmut's definitions."""

from __future__ import annotations

import numpy as np
import pytest

from homecoming.errors import MarkerError
from homecoming.kinship import mutation_matrix


def test_equal_and_proportional() -> None:
    m = mutation_matrix("equal", ["1", "2", "3"], [0.2, 0.3, 0.5], rate=0.1)
    assert np.allclose(m, [[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]], rtol=0, atol=1e-16)
    p = np.array([0.2, 0.3, 0.5])
    prop = mutation_matrix("proportional", ["1", "2", "3"], p, rate=0.1)
    a = 0.1 / np.sum(p * (1 - p))
    assert prop[0, 1] == pytest.approx(a * 0.3, rel=1e-15)
    assert np.allclose(prop.sum(axis=1), 1, rtol=0, atol=1e-15)
    # stationary: p M = p
    assert np.allclose(p @ prop, p, rtol=0, atol=1e-15)


def test_onestep() -> None:
    m = mutation_matrix("onestep", ["9", "10", "11", "14"], [0.25] * 4, rate=0.02)
    assert m[1, 0] == m[1, 2] == pytest.approx(0.01) and m[0, 1] == pytest.approx(0.02)
    assert m[3, 3] == 1.0
    with pytest.raises(MarkerError, match="integer"):
        mutation_matrix("onestep", ["9", "9.3"], [0.5, 0.5], rate=0.02)


def test_stepwise_microvariants() -> None:
    als = ["9", "9.3", "10", "11"]
    m = mutation_matrix("stepwise", als, [0.25] * 4, rate=0.01, rate2=0.001, range=0.5)
    assert m[1, 1] == pytest.approx(1 - 0.001)  # 9.3 alone in its class
    assert m[0, 0] == pytest.approx(1 - 0.01 - 0.001)
    assert m[0, 1] == pytest.approx(0.001 / 1)  # other class: rate2 / (n - class size)
    assert m[0, 2] / m[0, 3] == pytest.approx(2.0)  # range^1 vs range^2
    assert m[0, 2] + m[0, 3] == pytest.approx(0.01)
    assert np.allclose(m.sum(axis=1), 1, atol=1e-15)


def test_trivial_random_custom() -> None:
    assert np.array_equal(mutation_matrix("trivial", ["a", "b"], [0.5, 0.5]), np.eye(2))
    r = mutation_matrix("random", ["a", "b", "c"], [0.2, 0.3, 0.5], seed=4)
    assert np.allclose(r.sum(axis=1), 1)
    c = mutation_matrix("custom", ["a", "b"], [0.5, 0.5], matrix=[[0.9, 0.1], [0.2, 0.8]])
    assert c[1, 0] == 0.2
    with pytest.raises(MarkerError, match="row 1 sums"):
        mutation_matrix("custom", ["a", "b"], [0.5, 0.5], matrix=[[0.5, 0.1], [0.2, 0.8]])
    with pytest.raises(MarkerError, match="unknown mutation model"):
        mutation_matrix("bogus", ["a"], [1.0])
