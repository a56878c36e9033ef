# SPDX-License-Identifier: BSD-3-Clause
"""Plain NumPy definitions of ``fastent.selection``: ``np.bincount`` tables, one pair at a time.

Same names, signatures and results as ``fastent.selection`` (the greedy loop, the column handling
and the binning are shared; the counting and the information are restated here in NumPy).

Examples
--------
>>> from fastent.reference import selection
>>> selection.mutual_info_scores([[0, 1], [0, 0], [1, 1], [1, 0]], [0, 0, 1, 1], base=2)
array([1., 0.])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import _validation as v
from .. import selection as _selection
from . import discrete as _discrete

__all__ = [
    "discretize",
    "mutual_info_matrix",
    "mutual_info_scores",
    "select_features",
    "table_entropy",
    "table_mutual_info",
]

discretize = _selection.discretize


def table_entropy(counts: np.ndarray, n_bins: float, estimator: str) -> float:
    """Entropy in nats of a count table (any shape), zeros skipped."""
    return _discrete.entropy_from_counts(counts.ravel(), n_bins, estimator)


def table_mutual_info(table: np.ndarray, estimator: str) -> float:
    """I(A; B) in nats of a 2-D count table."""
    a, b = table.sum(1), table.sum(0)
    if estimator == "plugin":
        n = table.sum()
        nz = table > 0
        outer = np.outer(a, b)[nz]
        return max(float((table[nz] / n * np.log(n * table[nz] / outer)).sum()), 0.0)
    ka, kb = float((a > 0).sum()), float((b > 0).sum())
    return (
        table_entropy(a, ka, estimator)
        + table_entropy(b, kb, estimator)
        - table_entropy(table, ka * kb, estimator)
    )


def _codes(X: Any, discrete: Any, n_bins: int, strategy: str) -> tuple[list[np.ndarray], list[str]]:
    """Every column as codes 0..k-1 (np.unique), floats binned; the column names."""
    cols = _selection._columns(X, discrete, n_bins, strategy, 1)
    codes = []
    for j in range(len(cols.names)):
        cols.make_exact(j, 1)
        codes.append(np.unique(cols.column(j), return_inverse=True)[1].reshape(-1))
    return codes, cols.names


def _target(y: Any, n: int) -> np.ndarray:
    arr = v.label_array(y, "y")
    if arr.shape[0] != n:
        raise ValueError(
            f"X and y must have the same number of samples, got {n} and {arr.shape[0]}"
        )
    return v.factorize(arr, "y")[1]


def _mi(a: np.ndarray, b: np.ndarray, estimator: str) -> float:
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    table = np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb)
    return table_mutual_info(table, estimator)


def _h(*codes: np.ndarray, estimator: str) -> float:
    """Joint entropy of compact codes, the alphabet being the product of their level counts."""
    shape = tuple(int(c.max()) + 1 for c in codes)
    counts = np.bincount(np.ravel_multi_index(codes, shape))
    return table_entropy(counts, float(np.prod(shape)), estimator)


def _cmi(a: np.ndarray, b: np.ndarray, z: np.ndarray, estimator: str) -> float:
    """I(A; B | Z) = sum over z of p(z) I(A; B | Z = z) (plug-in), else by entropies."""
    if estimator == "plugin":
        n = a.shape[0]
        terms = [
            (z == level).sum() / n * _mi(a[z == level], b[z == level], "plugin")
            for level in np.unique(z)
        ]
        return max(float(sum(terms)), 0.0)
    return (
        _h(a, z, estimator=estimator)
        + _h(b, z, estimator=estimator)
        - _h(a, z, b, estimator=estimator)
        - _h(z, estimator=estimator)
    )


def _jmi(a: np.ndarray, s: np.ndarray, y: np.ndarray, estimator: str) -> float:
    """I(A, S; Y) = H(A, S) + H(Y) - H(A, S, Y)."""
    if estimator == "plugin":
        ks = int(s.max()) + 1
        return _mi(a * ks + s, y, estimator)
    return (
        _h(a, s, estimator=estimator)
        + _h(y, estimator=estimator)
        - _h(a, s, y, estimator=estimator)
    )


def mutual_info_scores(
    X: Any,
    y: Any,
    *,
    discrete: Any = "auto",
    n_bins: int = 16,
    strategy: str = "quantile",
    estimator: str = "plugin",
    base: float | None = None,
    n_jobs: int | None = None,
) -> np.ndarray:
    """I(X_j; y) of every column, one ``np.bincount`` table per column."""
    v.check_estimator(estimator)
    scale = v.log_base(base)
    codes, _ = _codes(X, discrete, n_bins, strategy)
    target = _target(y, codes[0].shape[0])
    return np.array([_mi(c, target, estimator) for c in codes]) / scale


def mutual_info_matrix(
    X: Any,
    *,
    discrete: Any = "auto",
    n_bins: int = 16,
    strategy: str = "quantile",
    estimator: str = "plugin",
    base: float | None = None,
    n_jobs: int | None = None,
) -> np.ndarray:
    """Pairwise I(X_i; X_j), the entropies H(X_i) on the diagonal."""
    v.check_estimator(estimator)
    scale = v.log_base(base)
    codes, _ = _codes(X, discrete, n_bins, strategy)
    p = len(codes)
    out = np.empty((p, p))
    for i in range(p):
        out[i, i] = _h(codes[i], estimator=estimator)  # H(X_i) = I(X_i; X_i), any estimator
        for j in range(i + 1, p):
            out[i, j] = out[j, i] = _mi(codes[i], codes[j], estimator)
    return out / scale


def select_features(
    X: Any,
    y: Any,
    k: int,
    *,
    method: str = "mrmr",
    discrete: Any = "auto",
    n_bins: int = 16,
    strategy: str = "quantile",
    estimator: str = "plugin",
    base: float | None = None,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> _selection.Selection:
    """The greedy selection of ``fastent.selection.select_features``, every term from NumPy
    tables: I(X_j; X_s) (mrmr), I(X_j, X_s; y) of the joint code (jmi), I(X_j; y | X_s) (cmim)."""
    if method not in _selection.METHODS:
        raise ValueError(f"method must be one of {_selection.METHODS}, got {method!r}")
    v.check_estimator(estimator)
    scale = v.log_base(base)
    codes, names = _codes(X, discrete, n_bins, strategy)
    k = _selection._check_k(k, len(codes))
    target = _target(y, codes[0].shape[0])
    relevance = np.array([_mi(c, target, estimator) for c in codes])

    def criterion(candidates: Sequence[int], s: int) -> np.ndarray:
        if method == "mrmr":
            return np.array([_mi(codes[j], codes[s], estimator) for j in candidates])
        if method == "jmi":
            return np.array([_jmi(codes[j], codes[s], target, estimator) for j in candidates])
        return np.array([_cmi(codes[j], target, codes[s], estimator) for j in candidates])

    picks = _selection.select_greedy(relevance, k, method, criterion, progress)
    indices = np.asarray([j for j, _ in picks], dtype=np.intp)
    return _selection.Selection(
        indices,
        np.asarray([score for _, score in picks]) / scale,
        [names[j] for j in indices],
        relevance / scale,
    )
