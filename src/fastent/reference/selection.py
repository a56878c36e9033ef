# SPDX-License-Identifier: BSD-3-Clause
"""Plain NumPy definitions of ``fastent.selection``: ``np.bincount`` tables, one pair at a time.

Same names, signatures and results as ``fastent.selection``, sharing none of its code: the columns
are coded here with ``np.unique`` (floats binned by ``np.quantile``/``np.linspace`` edges), every
table is one ``np.bincount``, and the greedy loop below recomputes each candidate's score from
the pairwise terms, as the criteria are written in the papers.

Examples
--------
>>> from fastent.reference import selection
>>> selection.mutual_info_scores([[0, 1], [0, 0], [1, 1], [1, 0]], [0, 0, 1, 1], base=2)
array([1., 0.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from . import _checks as c
from .discrete import entropy_from_counts

__all__ = [
    "Selection",
    "discretize",
    "mutual_info_matrix",
    "mutual_info_scores",
    "select_features",
    "table_entropy",
    "table_mutual_info",
]

METHODS = ("mi", "mrmr", "jmi", "cmim")


class Selection(NamedTuple):
    """The picks in order, each pick's score, their names, and every column's relevance."""

    indices: np.ndarray
    scores: np.ndarray
    names: list[str]
    relevance: np.ndarray


def table_entropy(counts: np.ndarray, n_bins: float, estimator: str) -> float:
    """Entropy in nats of a count table (any shape), zeros skipped."""
    return entropy_from_counts(counts.ravel(), n_bins, estimator)


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


# ---- columns ------------------------------------------------------------------------------------


def _bins(values: Any, n_bins: int, strategy: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(bin of each value, edges) of a numeric column.

    At most ``n_bins`` distinct values: one bin per value, edges halfway between them.  Quantile
    bins of a column with ties (and at most 4096 values): equal-frequency bins of whole values.
    Else quantile or equal-width edges (scikit-learn's KBinsDiscretizer: repeated edges merged,
    the last bin closed on the right), where a value repeated among the quantile edges (it holds
    a bin's worth of samples) is cut out into a bin of its own, halfway to its neighbours."""
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"column {name} is not numeric: it cannot be binned") from None
    if not np.isfinite(x).all():
        raise ValueError(f"column {name} has a non-finite value")
    levels, counts = np.unique(x, return_counts=True)
    half = levels / 2  # halfway points as a/2 + b/2: no overflow near +-1e308
    if levels.size <= n_bins:
        edges = np.concatenate([levels[:1], half[:-1] + half[1:], levels[-1:]])
        return np.searchsorted(levels, x), edges
    if strategy == "quantile" and levels.size < x.size and levels.size <= 4096:
        # ties: one bin per value, then merge the adjacent pair with the fewest samples (the
        # leftmost of equal pairs) until n_bins bins remain
        starts, sizes = list(range(levels.size)), list(counts)
        while len(sizes) > n_bins:
            i = int(np.argmin(np.add(sizes[:-1], sizes[1:])))
            sizes[i : i + 2] = [sizes[i] + sizes[i + 1]]
            del starts[i + 1]
        cut = np.array(starts[1:])
        edges = np.concatenate([levels[:1], half[cut - 1] + half[cut], levels[-1:]])
        return np.searchsorted(edges[1:-1], x, side="right"), edges
    if strategy == "uniform":
        edges = np.unique(2 * np.linspace(x.min() / 2, x.max() / 2, n_bins + 1))
    else:
        q = 2 * np.quantile(x / 2, np.linspace(0, 1, n_bins + 1))
        cuts = list(np.unique(q))
        for v in np.unique(q[1:][q[1:] == q[:-1]]):  # heavy ties
            i = int(np.searchsorted(levels, v))
            cuts.append(half[i] + half[i + 1] if i + 1 < levels.size else half[i - 1] + half[i])
        edges = np.unique(np.array(cuts))
    return np.searchsorted(edges[1:-1], x, side="right"), edges


def _check_binning(n_bins: Any, strategy: str) -> None:
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)):
        raise TypeError(f"n_bins must be an integer, got {type(n_bins).__name__}")
    if not 2 <= n_bins <= 65536:
        raise ValueError(f"n_bins must be in [2, 65536], got {n_bins}")
    if strategy not in ("quantile", "uniform"):
        raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")


def _columns(X: Any) -> tuple[list[str], list[Any], list[bool]]:
    """(names, columns, which are floats) of a DataFrame or a 2-D array."""
    if hasattr(X, "columns") and not isinstance(X, np.ndarray):
        names = [str(name) for name in X.columns]
        if hasattr(X, "iloc"):  # pandas
            columns = [X.iloc[:, j] for j in range(len(names))]
            floats = [
                str(col.dtype) != "category" and getattr(col.dtype, "kind", "O") == "f"
                for col in columns
            ]
        else:  # polars
            columns = [X.get_column(name) for name in X.columns]
            floats = [col.dtype.is_float() for col in columns]
        return names, columns, floats
    a = np.asarray(X)
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {a.shape}")
    if a.dtype.kind in "cV":
        raise TypeError(f"X has unsupported dtype {a.dtype}")
    return [str(j) for j in range(a.shape[1])], list(a.T), [a.dtype.kind == "f"] * a.shape[1]


def _is_discrete(discrete: Any, names: list[str], floats: list[bool]) -> list[bool]:
    if isinstance(discrete, str) and discrete == "auto":
        return [not f for f in floats]
    if isinstance(discrete, (bool, np.bool_)):
        return [bool(discrete)] * len(names)
    items = list(discrete)
    if items and all(isinstance(i, (bool, np.bool_)) for i in items):
        return [bool(i) for i in items]
    chosen = {names.index(i) if isinstance(i, str) else int(i) % len(names) for i in items}
    return [j in chosen for j in range(len(names))]


def _codes(X: Any, discrete: Any, n_bins: int, strategy: str) -> tuple[list[np.ndarray], list[str]]:
    """Every column as codes 0..k-1 of its observed values (floats binned); the names."""
    _check_binning(n_bins, strategy)
    names, columns, floats = _columns(X)
    codes = []
    for name, column, label in zip(
        names, columns, _is_discrete(discrete, names, floats), strict=True
    ):
        if label:
            codes.append(c.factorize(c.labels(column, f"column {name}"))[1])
        else:
            codes.append(
                np.unique(_bins(column, n_bins, strategy, name)[0], return_inverse=True)[1]
            )
    return codes, names


def _target(y: Any, n: int) -> np.ndarray:
    labels = c.labels(y, "y")
    if labels.shape[0] != n:
        raise ValueError(f"X and y must have the same number of samples, got {n} and {len(labels)}")
    return c.factorize(labels)[1]


def discretize(X: Any, *, n_bins: int = 16, strategy: str = "quantile") -> tuple[np.ndarray, Any]:
    """(codes, edges) of every column binned (uint8, uint16 above 256 bins); a 1-D array is one
    column (1-D codes, one array of edges)."""
    _check_binning(n_bins, strategy)
    if not hasattr(X, "columns") and np.ndim(X) == 1:
        codes, edges = discretize(np.asarray(X)[:, None], n_bins=n_bins, strategy=strategy)
        return codes[:, 0], edges[0]
    names, columns, _ = _columns(X)
    pairs = [
        _bins(column, n_bins, strategy, name) for name, column in zip(names, columns, strict=True)
    ]
    dtype = np.uint8 if all(edges.size <= 257 for _, edges in pairs) else np.uint16
    return np.column_stack([codes for codes, _ in pairs]).astype(dtype), [e for _, e in pairs]


# ---- information of code arrays ------------------------------------------------------------------


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


# ---- the public functions ------------------------------------------------------------------------


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
    c.estimator(estimator)
    scale = c.nats(base)
    c.n_jobs(n_jobs)
    codes, _ = _codes(X, discrete, n_bins, strategy)
    target = _target(y, codes[0].shape[0])
    return np.array([_mi(col, target, estimator) for col in codes]) / scale


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
    c.estimator(estimator)
    scale = c.nats(base)
    c.n_jobs(n_jobs)
    codes, _ = _codes(X, discrete, n_bins, strategy)
    p = len(codes)
    out = np.empty((p, p))
    for i in range(p):
        out[i, i] = _h(codes[i], estimator=estimator)  # H(X_i) = I(X_i; X_i), any estimator
        for j in range(i + 1, p):
            out[i, j] = out[j, i] = _mi(codes[i], codes[j], estimator)
    return out / scale


def _greedy(
    relevance: np.ndarray, k: int, score: Callable[[int, list[int]], float]
) -> list[tuple[int, float]]:
    """k picks: each time the candidate of highest ``score(j, picked)`` (the first pick: the
    highest relevance); scores within 1e-12 of the best (relative to max(1, |best|)) tie, and a
    tie goes to the lowest index."""
    picked: list[int] = []
    out = []
    for _ in range(k):
        candidates = [j for j in range(relevance.size) if j not in picked]
        scores = [relevance[j] if not picked else score(j, picked) for j in candidates]
        best = max(scores)
        i = next(i for i, s in enumerate(scores) if s >= best - 1e-12 * max(1.0, abs(best)))
        picked.append(candidates[i])
        out.append((candidates[i], float(scores[i])))
    return out


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
) -> Selection:
    """Greedy selection, every score recomputed from the pairwise terms: mrmr
    I(X_j; y) - mean_s I(X_j; X_s); jmi sum_s I(X_j, X_s; y); cmim min_s I(X_j; y | X_s)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    c.estimator(estimator)
    scale = c.nats(base)
    c.n_jobs(n_jobs)
    codes, names = _codes(X, discrete, n_bins, strategy)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an integer, got {type(k).__name__}")
    if not 1 <= k <= len(codes):
        raise ValueError(f"k must be in [1, n_features={len(codes)}], got {k}")
    target = _target(y, codes[0].shape[0])
    relevance = np.array([_mi(col, target, estimator) for col in codes])
    terms: dict[tuple[int, int], float] = {}  # each pair's term, computed once

    def term(j: int, s: int) -> float:
        if (j, s) not in terms:
            if method == "mrmr":
                terms[j, s] = _mi(codes[j], codes[s], estimator)
            elif method == "jmi":
                terms[j, s] = _jmi(codes[j], codes[s], target, estimator)
            else:
                terms[j, s] = _cmi(codes[j], target, codes[s], estimator)
        return terms[j, s]

    def score(j: int, picked: list[int]) -> float:
        if method == "mi":
            return float(relevance[j])
        values = [term(j, s) for s in picked]
        if method == "mrmr":
            return float(relevance[j] - sum(values) / len(values))
        return float(sum(values) if method == "jmi" else min(values))

    picks = _greedy(relevance, k, score)
    if progress is not None:
        for step in range(1, k + 1):
            progress(step, k)
    indices = np.array([j for j, _ in picks], dtype=np.intp)
    return Selection(
        indices,
        np.array([s for _, s in picks]) / scale,
        [names[j] for j in indices],
        relevance / scale,
    )
