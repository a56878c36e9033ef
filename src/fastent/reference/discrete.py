# SPDX-License-Identifier: BSD-3-Clause
"""Plain NumPy definitions of ``fastent.discrete``: factorise with ``np.unique``, count with
``np.bincount``, and apply the textbook formulas.

Same names, signatures and errors as ``fastent.discrete`` (with the reference's own label checks).

Examples
--------
>>> from fastent.reference import discrete
>>> float(discrete.mutual_info([0, 0, 1, 1], [0, 0, 1, 1], base=2))
1.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _checks as c

__all__ = [
    "adjusted_mutual_info",
    "conditional_entropy",
    "conditional_mutual_info",
    "contingency",
    "entropy",
    "entropy_from_counts",
    "expected_mutual_info",
    "gammaln",
    "joint_entropy",
    "mutual_info",
    "normalized_mutual_info",
    "variation_of_information",
]


def _codes(
    variables: tuple[Any, ...], n_jobs: Any, missing: str = "error"
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(levels, codes) of each validated, factorised label array (n_jobs checked first).

    ``missing``: "error" refuses missing labels (NaN, None, NaT, ``pandas.NA``); "level" makes
    them one more level of their variable, the last, whose value is None; "drop" leaves out the
    rows where any variable is missing, before the labels are factorised (as dropping them by
    hand)."""
    c.n_jobs(n_jobs)
    policy = c.missing_policy(missing)
    if not variables:
        raise ValueError("at least one variable is required")
    names = ["x", "y", "z"] if len(variables) <= 3 else [f"variables[{i}]" for i in range(8)]
    if len(variables) > 8:
        raise ValueError(f"at most 8 variables, got {len(variables)}")
    arrays = [c.labels(x, name, policy) for x, name in zip(variables, names, strict=False)]
    c.same_length(arrays, names[: len(arrays)])
    absent = [c.missing_mask(a) for a in arrays]
    if policy == "drop":
        keep = ~np.logical_or.reduce(absent)
        if not keep.any():
            raise ValueError("no rows are left once the rows with missing values are dropped")
        arrays = [a[keep] for a in arrays]
        absent = [m[keep] for m in absent]
    levels, codes = [], []
    for a, m in zip(arrays, absent, strict=True):
        lv, code = c.factorize_present(a, m)
        if m.any():  # "level": missing is the last level, None
            lv = np.concatenate([np.asarray(lv, dtype=object), np.array([None], dtype=object)])
            code = np.where(m, lv.size - 1, code)
        levels.append(lv)
        codes.append(code)
    return levels, codes


def _table(levels: list[np.ndarray], codes: list[np.ndarray]) -> np.ndarray:
    """The joint count table of the codes (one axis per variable, every level)."""
    shape = tuple(lv.size for lv in levels)
    counts = np.bincount(np.ravel_multi_index(codes, shape), minlength=math.prod(shape))
    return counts.reshape(shape).astype(np.int64)


def contingency(
    *variables: Any, missing: str = "error", n_jobs: int | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Joint count table over the observed levels of each variable (sorted; with
    ``missing="level"`` a missing level None last)."""
    levels, codes = _codes(variables, n_jobs, missing)
    return _table(levels, codes), levels


def entropy_from_counts(counts: np.ndarray, n_bins: float, estimator: str) -> float:
    """Entropy in nats of a histogram's nonzero ``counts`` out of ``n_bins`` bins."""
    c = np.asarray(counts, dtype=np.float64)
    c = c[c > 0]
    n, m = c.sum(), c.size
    p = c / n
    if estimator == "plugin":
        return float(-(p * np.log(p)).sum())
    if estimator == "miller_madow":
        return float(-(p * np.log(p)).sum() + (m - 1) / (2 * n))
    if estimator == "shrinkage":  # Hausser & Strimmer (2009), eq. 8-10; empty bins included
        t = 1.0 / n_bins
        empty = n_bins - m
        denominator = (n - 1) * (((t - p) ** 2).sum() + empty * t**2)
        lam = (1 - (p**2).sum()) / denominator if denominator > 0 else 1.0
        lam = min(max(lam, 0.0), 1.0)
        shrunk = lam * t + (1 - lam) * p
        h = -(shrunk * np.log(shrunk)).sum()
        return float(h - (empty * lam * t * np.log(lam * t) if empty > 0 and lam > 0 else 0.0))
    # chao_shen: coverage-adjusted probabilities, Horvitz-Thompson weights (Chao & Shen 2003)
    f1 = min((c == 1).sum(), n - 1)
    pa = (1 - f1 / n) * p
    with np.errstate(divide="ignore"):  # pa = 1 (one level seen n > 1 times): log1p(-1) = -inf
        inclusion = -np.expm1(n * np.log1p(-pa))  # 1 - (1 - pa)^n, accurate for small pa
    return float(-(pa * np.log(pa) / inclusion).sum())


def _entropy_of(codes: list[np.ndarray], levels: list[np.ndarray], estimator: str) -> float:
    shape = tuple(lv.size for lv in levels)
    counts = np.bincount(np.ravel_multi_index(codes, shape))
    return entropy_from_counts(counts, float(math.prod(shape)), estimator)


def _check(estimator: str, base: float | None) -> float:
    c.estimator(estimator)
    return c.nats(base)


def entropy(
    x: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """H(X) from samples."""
    scale = _check(estimator, base)
    levels, codes = _codes((x,), n_jobs, missing)
    return np.float64(_entropy_of(codes, levels, estimator) / scale)


def joint_entropy(
    *variables: Any,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """H(X, Y, ...) from samples."""
    scale = _check(estimator, base)
    levels, codes = _codes(variables, n_jobs, missing)
    return np.float64(_entropy_of(codes, levels, estimator) / scale)


def _h(
    levels: list[np.ndarray], codes: list[np.ndarray], which: list[int], estimator: str
) -> float:
    return _entropy_of([codes[i] for i in which], [levels[i] for i in which], estimator)


def conditional_entropy(
    x: Any,
    y: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """H(X | Y) = H(X, Y) - H(Y)."""
    scale = _check(estimator, base)
    levels, codes = _codes((x, y), n_jobs, missing)
    value = _h(levels, codes, [0, 1], estimator) - _h(levels, codes, [1], estimator)
    return np.float64(max(value, 0.0) if estimator == "plugin" else value) / scale


def mutual_info(
    x: Any,
    y: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """I(X; Y): the table's sum p_xy log(p_xy / (p_x p_y)) (plug-in), else H(X) + H(Y) - H(X,Y)."""
    scale = _check(estimator, base)
    levels, codes = _codes((x, y), n_jobs, missing)
    if estimator == "plugin":
        return np.float64(_plugin_mutual_info(_table(levels, codes)) / scale)
    value = (
        _h(levels, codes, [0], estimator)
        + _h(levels, codes, [1], estimator)
        - _h(levels, codes, [0, 1], estimator)
    )
    return np.float64(value / scale)


def _plugin_mutual_info(table: np.ndarray) -> float:
    """The plug-in I in nats of a 2-D count table, clipped at 0."""
    n = table.sum()
    # the ratio p_xy / (p_x p_y) = n_xy n / (n_x n_y) from the counts: exactly 1 where the
    # variables are independent in the sample (a constant x, say)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = table * float(n) / (table.sum(1, keepdims=True) * table.sum(0, keepdims=True))
    nz = table > 0
    terms = table[nz] / n * np.log(ratio[nz])
    return max(float(terms.sum()), 0.0)


def conditional_mutual_info(
    x: Any,
    y: Any,
    z: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """I(X; Y | Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)."""
    scale = _check(estimator, base)
    levels, codes = _codes((x, y, z), n_jobs, missing)
    value = (
        _h(levels, codes, [0, 2], estimator)
        + _h(levels, codes, [1, 2], estimator)
        - _h(levels, codes, [0, 1, 2], estimator)
        - _h(levels, codes, [2], estimator)
    )
    return np.float64((max(value, 0.0) if estimator == "plugin" else value) / scale)


def gammaln(x: Any) -> Any:
    """log Gamma(x), element-wise."""
    return np.vectorize(math.lgamma, otypes=[np.float64])(x)


def expected_mutual_info(a: np.ndarray, b: np.ndarray, n: int) -> float:
    """E[I] in nats under the hypergeometric model (Vinh et al. 2010): for every pair of marginal
    counts, the sum over the possible cell counts k of P(k) (k/n) log(n k / (a b)).  Pairs with
    equal marginal counts contribute equally, so each distinct pair is summed once."""
    total = 0.0
    a_values, a_mult = np.unique(np.asarray(a, dtype=np.int64), return_counts=True)
    b_values, b_mult = np.unique(np.asarray(b, dtype=np.int64), return_counts=True)
    for ai, ma in zip(a_values.tolist(), a_mult.tolist(), strict=True):
        for bj, mb in zip(b_values.tolist(), b_mult.tolist(), strict=True):
            k = np.arange(max(1, ai + bj - n), min(ai, bj) + 1)
            log_p = (
                gammaln(ai + 1)
                + gammaln(bj + 1)
                + gammaln(n - ai + 1)
                + gammaln(n - bj + 1)
                - gammaln(n + 1)
                - gammaln(k + 1)
                - gammaln(ai - k + 1)
                - gammaln(bj - k + 1)
                - gammaln(n - ai - bj + k + 1)
            )
            terms = k / n * np.log(n * k / (ai * bj)) * np.exp(log_p)
            total += ma * mb * float(terms.sum())
    return total


def _pair_table(x: Any, y: Any, n_jobs: Any, missing: str) -> np.ndarray:
    """The (x, y) count table of two labellings, missing values as ``missing`` says."""
    levels, codes = _codes((x, y), n_jobs, missing)
    return _table(levels, codes)


def _plugin_entropies(table: np.ndarray) -> tuple[float, float]:
    """The plug-in entropies in nats of a table's two margins."""
    a, b = table.sum(1), table.sum(0)
    return (
        entropy_from_counts(a, float(a.size), "plugin"),
        entropy_from_counts(b, float(b.size), "plugin"),
    )


def normalized_mutual_info(
    x: Any,
    y: Any,
    *,
    average: str = "arithmetic",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """I(X; Y) / mean(H(X), H(Y)); 1 for two constant (or two empty) labellings."""
    c.average(average)
    c.n_jobs(n_jobs)
    if c.empty_labels(x) and c.empty_labels(y):
        return np.float64(1.0)
    table = _pair_table(x, y, n_jobs, missing)
    if table.shape == (1, 1):
        return np.float64(1.0)
    mi = _plugin_mutual_info(table)
    if mi == 0:
        return np.float64(0.0)
    return np.float64(mi / c.mean_of(*_plugin_entropies(table), average))


def adjusted_mutual_info(
    x: Any,
    y: Any,
    *,
    average: str = "arithmetic",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """(I - E[I]) / (mean(H(X), H(Y)) - E[I]); 1 for two empty labellings."""
    c.average(average)
    c.n_jobs(n_jobs)
    if c.empty_labels(x) and c.empty_labels(y):
        return np.float64(1.0)
    table = _pair_table(x, y, n_jobs, missing)
    if table.shape == (1, 1):
        return np.float64(1.0)
    if 1 in table.shape:
        return np.float64(0.0)
    emi = expected_mutual_info(table.sum(1), table.sum(0), int(table.sum()))
    normalizer = c.mean_of(*_plugin_entropies(table), average)
    return np.float64(_nonzero(_plugin_mutual_info(table) - emi) / _nonzero(normalizer - emi))


def _nonzero(d: float) -> float:
    """d, at least one float64 eps away from 0 on its side (scikit-learn's AMI convention)."""
    eps = float(np.finfo(np.float64).eps)
    return max(d, eps) if d >= 0 else min(d, -eps)


def variation_of_information(
    x: Any,
    y: Any,
    *,
    base: float | None = None,
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    """H(X | Y) + H(Y | X) = 2 H(X, Y) - H(X) - H(Y)."""
    scale = c.nats(base)
    levels, codes = _codes((x, y), n_jobs, missing)
    value = 2 * _h(levels, codes, [0, 1], "plugin") - _h(levels, codes, [0], "plugin")
    value -= _h(levels, codes, [1], "plugin")
    return np.float64(max(value, 0.0) / scale)
