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
    "check_average",
    "conditional_entropy",
    "conditional_mutual_info",
    "entropy",
    "entropy_of_counts",
    "estimator_code",
    "in_units",
    "mutual_info",
    "normalized_mutual_info",
    "table_conditional_mutual_info",
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
    a_values, a_mult = np.unique(a, return_counts=True)
    b_values, b_mult = np.unique(b, return_counts=True)
    emi = float(_k.expected_mutual_info(a_values, a_mult, b_values, b_mult, cells.n))
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
