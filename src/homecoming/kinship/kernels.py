"""Pairwise tensor contractions over a leading marker axis, compiled once per plan step.

A :class:`Contraction` multiplies two tables (axes = variables, after a leading marker axis) and sums
the variables the result does not keep. Everything that depends only on the variables (transpositions,
which axes to sum, broadcast shapes) is worked out once when the plan is compiled; at run time only
the array operations remain: a broadcast product when nothing is summed, otherwise one batched matrix
product (``numpy.matmul``, BLAS) with the summed variables as the inner dimension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Vars = tuple[int, ...]

UNARY, PRODUCT, MATMUL = range(3)


@dataclass(frozen=True)
class Contraction:
    """``result[vars_out] = sum over dropped vars of left[vars_left] * right[vars_right]``."""

    mode: int
    left_sum: tuple[int, ...]  # axes of the left table summed before anything else
    right_sum: tuple[int, ...]
    left_perm: tuple[int, ...]
    right_perm: tuple[int, ...]
    left_shape: tuple[int, ...]  # PRODUCT: positions of the left axes in the union (-1 = broadcast)
    right_shape: tuple[int, ...]
    groups: tuple[int, int, int, int]  # MATMUL: numbers of shared, left-only, summed, right-only axes
    out_perm: tuple[int, ...]
    # run-time shapes by operand shapes: the same plan meets the same few shapes family after family
    shapes: dict[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]] = field(
        default_factory=dict, compare=False, repr=False)

    def __call__(self, left: FloatArray, right: FloatArray | None) -> FloatArray:
        if self.left_sum:
            left = left.sum(axis=self.left_sum)
        if self.mode == UNARY or right is None:
            out: FloatArray = left.transpose(self.out_perm)
            return out
        if self.right_sum:
            right = right.sum(axis=self.right_sum)
        x = left.transpose(self.left_perm)
        y = right.transpose(self.right_perm)
        got = self.shapes.get((x.shape, y.shape))
        if got is None:
            if len(self.shapes) > 64:
                self.shapes.clear()
            got = self.shapes[(x.shape, y.shape)] = self._shapes(x.shape, y.shape)
        if self.mode == PRODUCT:
            prod: FloatArray = (x.reshape(got[0]) * y.reshape(got[1])).transpose(self.out_perm)
            return prod
        z = np.matmul(x.reshape(got[0]), y.reshape(got[1]))
        result: FloatArray = z.reshape(got[2]).transpose(self.out_perm)
        return result

    def _shapes(self, xshape: tuple[int, ...], yshape: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
        """PRODUCT: the broadcast shapes of both operands; MATMUL: both matrix shapes and the result's."""
        if self.mode == PRODUCT:
            xs = (xshape[0], *(xshape[k] if k > 0 else 1 for k in self.left_shape))
            ys = (yshape[0], *(yshape[k] if k > 0 else 1 for k in self.right_shape))
            return xs, ys
        ns, nl, nk, _nr = self.groups
        b = xshape[0]
        shared, only_l, summed = xshape[1:1 + ns], xshape[1 + ns:1 + ns + nl], xshape[1 + ns + nl:]
        only_r = yshape[1 + ns + nk:]
        s, k = math.prod(shared), math.prod(summed)
        return (b, s, math.prod(only_l), k), (b, s, k, math.prod(only_r)), (b, *shared, *only_l, *only_r)


def compile_contraction(lv: Vars, rv: Vars | None, ov: Vars) -> Contraction:
    """The contraction of tables over ``lv`` and ``rv`` (None: ``lv`` alone) into ``ov``."""
    if rv is None:
        left_sum = tuple(1 + k for k, v in enumerate(lv) if v not in ov)
        rest = [v for v in lv if v in ov]
        return Contraction(UNARY, left_sum, (), (), (), (), (), (0, 0, 0, 0),
                           (0, *(1 + rest.index(v) for v in ov)))
    keep_l, keep_r = set(rv) | set(ov), set(lv) | set(ov)
    left_sum = tuple(1 + k for k, v in enumerate(lv) if v not in keep_l)
    right_sum = tuple(1 + k for k, v in enumerate(rv) if v not in keep_r)
    lv2 = tuple(v for v in lv if v in keep_l)
    rv2 = tuple(v for v in rv if v in keep_r)
    summed = [v for v in lv2 if v in rv2 and v not in ov]
    if not summed:
        union = list(dict.fromkeys(lv2 + rv2))
        lperm = [v for v in union if v in lv2]
        rperm = [v for v in union if v in rv2]
        return Contraction(
            PRODUCT, left_sum, right_sum,
            (0, *(1 + lv2.index(v) for v in lperm)), (0, *(1 + rv2.index(v) for v in rperm)),
            tuple(1 + lperm.index(v) if v in lperm else -1 for v in union),
            tuple(1 + rperm.index(v) if v in rperm else -1 for v in union),
            (0, 0, 0, 0), (0, *(1 + union.index(v) for v in ov)))
    shared = [v for v in ov if v in lv2 and v in rv2]
    only_l = [v for v in ov if v in lv2 and v not in rv2]
    only_r = [v for v in ov if v in rv2 and v not in lv2]
    order = shared + only_l + only_r
    return Contraction(
        MATMUL, left_sum, right_sum,
        (0, *(1 + lv2.index(v) for v in shared + only_l + summed)),
        (0, *(1 + rv2.index(v) for v in shared + summed + only_r)),
        (), (), (len(shared), len(only_l), len(summed), len(only_r)),
        (0, *(1 + order.index(v) for v in ov)))
