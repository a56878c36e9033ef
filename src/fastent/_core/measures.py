# SPDX-License-Identifier: BSD-3-Clause
"""Counts -> information, in nats: the estimators and every measure built from count tables.

The formulas themselves are C (``_kernels/counting.h``: ``fe_entropy_counts`` for the four
estimators, ``fe_plugin_term`` for the plug-in sums, MI and CMI of dense tables, E[I]); this
module applies them to the cells of ``fastent._core.counting`` and to the column tables of
``fastent.selection``, and holds the conventions around them (clipping, normalising averages,
the chance adjustment).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._kernels import counting as _k
from .checks import log_base
from .counting import Cells

__all__ = [
    "AVERAGES",
    "ESTIMATORS",
    "PLUGIN",
    "adjusted_mutual_info",
    "cells_conditional_expected_mutual_info",
    "cells_expected_mutual_info",
    "check_average",
    "conditional_entropy",
    "conditional_mutual_info",
    "drop_levels",
    "entropy",
    "entropy_of_counts",
    "estimator_code",
    "expected_mutual_info",
    "given_tables",
    "in_units",
    "joint_tables",
    "mutual_info",
    "normalized_mutual_info",
    "table_conditional_expected_mutual_info",
    "table_conditional_mutual_info",
    "table_expected_mutual_info",
    "table_mutual_info",
    "variation_of_information",
]

#: Entropy estimators, by name (the kernels' codes are ``_kernels.counting.ESTIMATORS``).
ESTIMATORS: tuple[str, ...] = tuple(_k.ESTIMATORS)
PLUGIN: int = _k.ESTIMATORS["plugin"]
#: Means of two entropies that normalise mutual information (as scikit-learn's average_method).
AVERAGES = ("arithmetic", "geometric", "min", "max")


def estimator_code(estimator: str) -> int:
    """The kernel code of ``estimator`` (a ``ValueError`` for an unknown name)."""
    if estimator not in _k.ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    return int(_k.ESTIMATORS[estimator])


def check_average(average: str) -> str:
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    return average


def in_units(nats: float, base: float | None) -> np.float64:
    """A measure in nats converted to ``base`` units."""
    return np.float64(nats / log_base(base))


# ---- measures of joint cells (fastent.discrete) ----------------------------------------------


def entropy(cells: Cells, which: tuple[int, ...], estimator: int) -> float:
    """H of the variables ``which``; the shrinkage alphabet is the product of their observed
    level counts."""
    counts, _ = cells.marginal(which)
    return float(_k.entropy_counts(counts, cells.n_levels(which), estimator))


def entropy_of_counts(counts: np.ndarray, estimator: int) -> float:
    """H of a histogram over its nonzero bins."""
    nonzero = np.ascontiguousarray(counts[counts > 0], dtype=np.int64)
    return float(_k.entropy_counts(nonzero, float(nonzero.size), estimator))


def _plugin_sum(c: np.ndarray, u: Any, w1: Any, w2: Any) -> float:
    """sum c log(c u / (w1 w2)) over cells, with scalars or per-cell arrays."""
    m = c.shape[0]
    args = [np.broadcast_to(np.asarray(a, dtype=np.float64), (m,)) for a in (u, w1, w2)]
    return float(_k.plugin_sum(c, *args))


def mutual_info(cells: Cells, estimator: int) -> float:
    """I(X; Y) of a two-variable table: the plug-in sum over the nonzero cells, clipped at 0, or
    H(X) + H(Y) - H(X, Y) by the estimator."""
    if estimator == PLUGIN:
        _, a = cells.marginal((0,))
        _, b = cells.marginal((1,))
        return max(_plugin_sum(cells.counts, cells.n, a, b) / cells.n, 0.0)
    hx, hy = entropy(cells, (0,), estimator), entropy(cells, (1,), estimator)
    return hx + hy - entropy(cells, (0, 1), estimator)


def conditional_entropy(cells: Cells, estimator: int) -> float:
    """H(X | Y) of a two-variable table (x, y)."""
    if estimator == PLUGIN:
        _, b = cells.marginal((1,))
        return max(-_plugin_sum(cells.counts, 1.0, b, 1.0) / cells.n, 0.0)
    return entropy(cells, (0, 1), estimator) - entropy(cells, (1,), estimator)


def conditional_mutual_info(cells: Cells, estimator: int) -> float:
    """I(X; Y | Z) of a three-variable table (x, y, z)."""
    if estimator == PLUGIN:
        _, cz = cells.marginal((2,))
        _, cxz = cells.marginal((0, 2))
        _, cyz = cells.marginal((1, 2))
        return max(_plugin_sum(cells.counts, cz, cxz, cyz) / cells.n, 0.0)
    return (
        entropy(cells, (0, 2), estimator)
        + entropy(cells, (1, 2), estimator)
        - entropy(cells, (0, 1, 2), estimator)
        - entropy(cells, (2,), estimator)
    )


def variation_of_information(cells: Cells) -> float:
    """H(X | Y) + H(Y | X), summed directly over the nonzero cells."""
    _, a = cells.marginal((0,))
    _, b = cells.marginal((1,))
    c = cells.counts
    return max(-(_plugin_sum(c, 1.0, a, 1.0) + _plugin_sum(c, 1.0, b, 1.0)) / cells.n, 0.0)


# ---- normalised and chance-adjusted MI of two labellings --------------------------------------


def _generalized_average(u: float, w: float, average: str) -> float:
    """The ``average`` mean of two non-negative numbers."""
    if average == "arithmetic":
        return (u + w) / 2
    if average == "geometric":
        return math.sqrt(u * w)
    return min(u, w) if average == "min" else max(u, w)


def _normalizer(a: np.ndarray, b: np.ndarray, average: str) -> float:
    """The ``average`` mean of the plug-in entropies of two marginal count vectors."""
    ha, hb = (float(_k.entropy_counts(c, float(c.size), PLUGIN)) for c in (a, b))
    return _generalized_average(ha, hb, average)


def normalized_mutual_info(cells: Cells, average: str) -> float:
    """I / mean(H_X, H_Y), scikit-learn's conventions: 1 for two constant labellings, 0 when the
    MI is 0."""
    a, b = cells.marginal((0,))[0], cells.marginal((1,))[0]
    if a.size == b.size == 1:
        return 1.0
    mi = mutual_info(cells, PLUGIN)
    return 0.0 if mi == 0 else mi / _normalizer(a, b, average)


def expected_mutual_info(a: np.ndarray, b: np.ndarray) -> float:
    """E[I] in nats of two labellings with marginal counts ``a`` and ``b`` (equal totals) under
    random permutation: the hypergeometric model of Vinh et al. (2010), as scikit-learn's AMI."""
    a, b = a[a > 0].astype(np.int64), b[b > 0].astype(np.int64)
    if a.size <= 1 or b.size <= 1:
        return 0.0  # a constant labelling shares nothing, however permuted
    a_values, a_mult = np.unique(a, return_counts=True)
    b_values, b_mult = np.unique(b, return_counts=True)
    return float(
        _k.expected_mutual_info(
            a_values, a_mult.astype(np.int64), b_values, b_mult.astype(np.int64), int(a.sum())
        )
    )


def cells_expected_mutual_info(
    cells: Cells, which: tuple[int, ...] = (1,), first: tuple[int, ...] = (0,)
) -> float:
    """E[I(X; Y)] under permutation of a table: X the variables ``first`` taken jointly (by
    default variable 0), Y the variables ``which``."""
    return expected_mutual_info(cells.marginal(first)[0], cells.marginal(which)[0])


def cells_conditional_expected_mutual_info(cells: Cells) -> float:
    """E[I(X; Y | Z)] of a table (x, y, z) under permutation within each stratum of Z."""
    x, y, z = cells.index
    strata = np.bincount(z, weights=cells.counts)
    total = 0.0
    for w in np.flatnonzero(strata):
        inside = z == w
        a = np.bincount(x[inside], weights=cells.counts[inside])
        b = np.bincount(y[inside], weights=cells.counts[inside])
        total += strata[w] / cells.n * expected_mutual_info(a, b)
    return total


def adjusted_mutual_info(cells: Cells, average: str) -> float:
    """(I - E[I]) / (mean(H_X, H_Y) - E[I]), scikit-learn's conventions: 1 for two constant
    labellings, 0 when only one is; both differences kept at least one eps from 0 with their sign
    (perfect matches)."""
    a, b = cells.marginal((0,))[0], cells.marginal((1,))[0]
    if a.size == b.size == 1:
        return 1.0
    if a.size == 1 or b.size == 1:
        return 0.0
    mi = mutual_info(cells, PLUGIN)
    emi = expected_mutual_info(a, b)
    eps = float(np.finfo(np.float64).eps)
    denominator = _normalizer(a, b, average) - emi
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    numerator = mi - emi
    numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
    return numerator / denominator


# ---- measures of column tables (fastent.selection) --------------------------------------------


def table_mutual_info(
    tables: np.ndarray,
    positions: np.ndarray,
    step: int,
    sizes: np.ndarray,
    n_target: int,
    estimator: int,
    n_threads: int,
) -> np.ndarray:
    """I(X_j; target) of every column table (the layout of ``count_columns``)."""
    return np.asarray(_k.mi_tables(tables, positions, step, sizes, n_target, estimator, n_threads))


def table_conditional_mutual_info(
    tables: np.ndarray,
    positions: np.ndarray,
    step: int,
    sizes: np.ndarray,
    kz: int,
    ky: int,
    estimator: int,
    n_threads: int,
) -> np.ndarray:
    """I(X_j; Y | Z) of every column table against the target z * ky + y."""
    return np.asarray(_k.cmi_tables(tables, positions, step, sizes, kz, ky, estimator, n_threads))


# ---- column tables: missing levels left out, chance expectations, joint variables ------------


def drop_levels(
    tables: np.ndarray,
    positions: np.ndarray,
    step: int,
    sizes: np.ndarray,
    shape: tuple[int, ...],
    drop_columns: np.ndarray,
    drop_target: tuple[bool, ...],
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, tuple[int, ...]]:
    """Column tables (the layout of ``count_columns``, the target of ``shape`` levels per axis)
    without the last level of the columns ``drop_columns`` flags and of the target axes
    ``drop_target`` flags: the counts of the rows where none of them is missing."""
    t = tables[: math.prod(shape) * step].reshape(*shape, step)
    index = tuple(
        slice(0, k - 1) if flag else slice(None) for k, flag in zip(shape, drop_target, strict=True)
    )
    t = t[index]
    keep = np.ones(step, dtype=bool)
    keep[(positions + sizes - 1)[drop_columns]] = False
    t = t[..., keep]
    new_sizes = (sizes - drop_columns).astype(np.int64)
    new_positions = np.zeros_like(positions)
    new_positions[1:] = np.cumsum(new_sizes)[:-1]
    new_shape = tuple(k - int(flag) for k, flag in zip(shape, drop_target, strict=True))
    return np.ascontiguousarray(t).reshape(-1), new_positions, int(keep.sum()), new_sizes, new_shape


def joint_tables(
    tables: np.ndarray, positions: np.ndarray, step: int, sizes: np.ndarray, kz: int, ky: int
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Tables against the target (z, y) (z * ky + y) rearranged as tables of the joint variable
    (z, x) against y: I((X_j, Z); Y) by ``table_mutual_info``."""
    t = tables[: kz * ky * step].reshape(kz, ky, step).transpose(1, 0, 2).reshape(ky, kz * step)
    index = np.concatenate(
        [
            (np.arange(kz)[:, None] * step + pos + np.arange(size)[None, :]).reshape(-1)
            for pos, size in zip(positions.tolist(), sizes.tolist(), strict=True)
        ]
    )
    joint_sizes = (sizes * kz).astype(np.int64)
    joint_positions = np.zeros_like(positions)
    joint_positions[1:] = np.cumsum(joint_sizes)[:-1]
    out = np.ascontiguousarray(t[:, index]).reshape(-1)
    return out, joint_positions, int(joint_sizes.sum()), joint_sizes


def given_tables(
    tables: np.ndarray, positions: np.ndarray, step: int, sizes: np.ndarray, kz: int, ky: int
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Tables against the target (z, y) (z * ky + y) with each column summed out: for every
    column, the table of Z against y over the rows of that column's table (its rows with
    missing values left out), in the layout of ``count_columns``, for ``table_mutual_info``."""
    m = positions.size
    t = tables[: kz * ky * step].reshape(kz * ky, step)
    csum = np.zeros((kz * ky, step + 1), dtype=np.int64)
    np.cumsum(t, axis=1, out=csum[:, 1:])
    summed = (csum[:, positions + sizes] - csum[:, positions]).reshape(kz, ky, m)
    out = np.ascontiguousarray(summed.transpose(1, 2, 0)).reshape(-1)
    return out, np.arange(m, dtype=np.intp) * kz, m * kz, np.full(m, kz, dtype=np.int64)


def table_expected_mutual_info(
    tables: np.ndarray, positions: np.ndarray, step: int, sizes: np.ndarray, n_target: int
) -> np.ndarray:
    """E[I(X_j; target)] under permutation of every column table."""
    t = tables[: n_target * step].reshape(n_target, step)
    return np.asarray(
        [
            expected_mutual_info(
                t[:, pos : pos + size].sum(axis=0), t[:, pos : pos + size].sum(axis=1)
            )
            for pos, size in zip(positions.tolist(), sizes.tolist(), strict=True)
        ]
    )


def table_conditional_expected_mutual_info(
    tables: np.ndarray, positions: np.ndarray, step: int, sizes: np.ndarray, kz: int, ky: int
) -> np.ndarray:
    """E[I(X_j; Y | Z)] under permutation within each stratum of Z: the strata's expectations
    weighted by their shares of the rows."""
    t = tables[: kz * ky * step].reshape(kz, ky, step)
    out = np.zeros(positions.size)
    for j, (pos, size) in enumerate(zip(positions.tolist(), sizes.tolist(), strict=True)):
        block = t[:, :, pos : pos + size]
        strata = block.sum(axis=(1, 2))
        n = strata.sum()
        if n == 0:
            continue
        out[j] = sum(
            strata[z] / n * expected_mutual_info(block[z].sum(axis=0), block[z].sum(axis=1))
            for z in np.flatnonzero(strata)
        )
    return out
