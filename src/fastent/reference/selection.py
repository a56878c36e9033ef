# SPDX-License-Identifier: BSD-3-Clause
"""Plain NumPy definitions of ``fastent.selection``: ``np.bincount`` tables, one pair at a time.

Same names, signatures and results as ``fastent.selection``, sharing none of its code: the columns
are coded here with ``np.unique`` (floats binned by ``np.quantile``/``np.linspace`` edges), every
table is one ``np.bincount``, and the greedy loop below recomputes each candidate's score from
the pairwise terms, as the criteria are written in the papers.

Missing values are the code -1 of a column (or of the target) until a term is computed: with
``missing="level"`` they are one more level; with ``missing="drop"`` every term is computed on
the rows where all of its variables are present (as if those rows were dropped by hand for that
term).  Chance-corrected terms (``adjusted``) subtract the expected mutual information under
random permutation of the term's own table (``discrete.expected_mutual_info``).

``mutual_info_classif`` and ``mutual_info_regression`` are scikit-learn's nearest-neighbour
estimates (Kraskov et al.; Ross), its numbers for the same ``random_state``: the same scaling
and jitter drawn in the same order, then every neighbour search by brute force, blocks of rows
at a time, with scikit-learn's own distance formulas (see ``_mi_cd``).

Examples
--------
>>> from fastent.reference import selection
>>> selection.mutual_info_scores([[0, 1], [0, 0], [1, 1], [1, 0]], [0, 0, 1, 1], base=2)
array([1., 0.])
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from . import _checks as c
from .discrete import entropy_from_counts, expected_mutual_info

__all__ = [
    "Selection",
    "discretize",
    "mutual_info_classif",
    "mutual_info_matrix",
    "mutual_info_regression",
    "mutual_info_scores",
    "mutual_info_test",
    "select_features",
    "table_entropy",
    "table_mutual_info",
]

METHODS = ("mi", "mrmr", "jmi", "cmim")


class Selection(NamedTuple):
    """The picks in order, each pick's score, their names, every column's relevance, and whether
    the target was continuous and binned."""

    indices: np.ndarray
    scores: np.ndarray
    names: list[str]
    relevance: np.ndarray
    target_binned: bool = False


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
        h = 2.0 if np.abs(x).max() > np.finfo(np.float64).max / 4 else 1.0  # no overflow
        edges = np.unique(h * np.linspace(x.min() / h, x.max() / h, n_bins + 1))
    else:
        h = 2.0 if np.abs(x).max() > np.finfo(np.float64).max / 4 else 1.0  # no overflow
        q = h * np.quantile(x / h, np.linspace(0, 1, n_bins + 1))
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


def _library(X: Any) -> str:
    return type(X).__module__.partition(".")[0]


def _columns(X: Any) -> tuple[list[str], list[np.ndarray], list[str], bool]:
    """(names, values, kinds, whether X is a DataFrame) of the columns of X.

    X is a pandas or polars DataFrame, a polars LazyFrame (collected), a pyarrow Table or
    RecordBatch, a ``scipy.sparse`` matrix (densified) or anything NumPy makes a 2-D array of.
    Each column's values are a 1-D array (missing values left in as NaN, None, NaT or
    ``pandas.NA``) and its kind "f" (floats), "i" (integers), "b" (bools) or another NumPy kind
    letter ("O", "U", "M": labels)."""
    if _library(X) == "polars" and type(X).__name__ == "LazyFrame":
        X = X.collect()
    if _library(X) == "scipy" and hasattr(X, "toarray") and hasattr(X, "nnz"):
        X = X.toarray()
    if _library(X) == "pyarrow" and hasattr(X, "column_names"):  # Table, RecordBatch
        names = [str(name) for name in X.column_names]
        columns = [X.column(j) for j in range(len(names))]
        rows = X.num_rows
    elif hasattr(X, "columns") and not isinstance(X, np.ndarray):
        names = [str(name) for name in X.columns]
        if hasattr(X, "iloc"):  # pandas
            columns = [X.iloc[:, j] for j in range(len(names))]
        else:  # polars
            columns = [X.get_column(name) for name in X.columns]
        rows = len(X)
    else:
        a = np.asarray(X)
        if a.ndim != 2 or 0 in a.shape:
            raise ValueError(f"X must be a non-empty 2-D array, got shape {a.shape}")
        if a.dtype.kind in "cV":
            raise TypeError(f"X has unsupported dtype {a.dtype}")
        kind = {"u": "i"}.get(a.dtype.kind, a.dtype.kind)
        return [str(j) for j in range(a.shape[1])], list(a.T), [kind] * a.shape[1], False
    if not names:
        raise ValueError("X has no columns")
    if rows == 0:
        raise ValueError("X has no rows")
    if len(set(names)) != len(names):
        raise ValueError("X has a column name more than once")
    values, kinds = [], []
    for column in columns:
        found = c.series(column)
        assert found is not None, f"not a column of a frame library: {type(column).__name__}"
        values.append(found[0])
        kinds.append(found[1])
    return names, values, kinds, True


def _is_discrete(discrete: Any, names: list[str], kinds: list[str]) -> list[bool]:
    if isinstance(discrete, str) and discrete == "auto":
        return [k != "f" for k in kinds]
    if isinstance(discrete, (bool, np.bool_)):
        return [bool(discrete)] * len(names)
    items = list(discrete)
    if items and all(isinstance(i, (bool, np.bool_)) for i in items):
        return [bool(i) for i in items]
    chosen = {names.index(i) if isinstance(i, str) else int(i) % len(names) for i in items}
    return [j in chosen for j in range(len(names))]


def _binned(values: np.ndarray, n_bins: int, strategy: str, name: str) -> np.ndarray:
    """Codes 0..k-1 of the bins of a numeric column's present values (bins computed from them
    alone), -1 where a value is missing."""
    absent = c.missing_mask(values)
    codes = np.full(values.shape[0], -1, dtype=np.intp)
    if (~absent).any():
        bins = _bins(values[~absent], n_bins, strategy, name)[0]
        codes[~absent] = np.unique(bins, return_inverse=True)[1].reshape(-1)
    return codes


def _labelled(values: Any, name: str) -> np.ndarray:
    """Codes 0..k-1 of a label column's present values, -1 where a value is missing."""
    a = c.labels(values, name, "level")
    return c.factorize_present(a, c.missing_mask(a))[1]


def _apply_missing(codes: np.ndarray, policy: str, name: str) -> np.ndarray:
    """ "error": no -1 allowed; "level": -1 becomes one more code; "drop": -1 stays."""
    if not (codes < 0).any() or policy == "drop":
        return codes
    if policy == "error":
        i = int(np.argmax(codes < 0))
        raise ValueError(
            f"{name}[{i}] is missing; pass missing='level' to count missing values as a level of "
            "their own, or missing='drop' to leave those rows out"
        )
    return np.where(codes < 0, int(codes.max()) + 1, codes)


def _codes(
    X: Any,
    discrete: Any,
    n_bins: int,
    strategy: str,
    missing: str = "error",
    rows: np.ndarray | None = None,
) -> tuple[list[np.ndarray], list[str]]:
    """Every column as codes 0..k-1 of its observed values (floats binned), missing values as
    ``missing`` says (-1 with "drop"); the names.  ``rows``: a mask of the rows to keep, taken
    before anything is coded."""
    _check_binning(n_bins, strategy)
    policy = c.missing_policy(missing)
    names, columns, kinds, frame = _columns(X)
    if rows is not None:
        if rows.shape[0] != columns[0].shape[0]:
            raise ValueError(
                "X and y must have the same number of samples, got "
                f"{columns[0].shape[0]} and {rows.shape[0]}"
            )
        columns = [column[rows] for column in columns]
    codes = []
    for name, column, kind, label in zip(
        names, columns, kinds, _is_discrete(discrete, names, kinds), strict=True
    ):
        if label:
            coded = _labelled(column, f"column {name}")
        elif frame and kind == "O":  # a frame's column of labels (strings, objects) is no number
            raise TypeError(f"column {name} is not numeric: it cannot be binned; mark it discrete")
        else:
            coded = _binned(column, n_bins, strategy, name)
        codes.append(_apply_missing(coded, policy, f"column {name}"))
    return codes, names


def _looks_continuous(y: Any) -> bool:
    """The automatic rule: a numeric, non-bool target is continuous when its present values
    include fractions, or more than 20 distinct values with at most 20 rows per value."""
    found = c.series(y)
    if found is not None:
        values, kind = found
    else:
        values = c.labels(y, "y", "level")
        kind = {"u": "i"}.get(values.dtype.kind, values.dtype.kind)
    if kind not in ("f", "i"):
        return False
    present = values[~c.missing_mask(values)]
    if present.size == 0:
        return False
    if kind == "f":
        levels = np.unique(present.astype(np.float64))
        if not bool(np.all(levels == np.round(levels))):
            return True
    else:
        levels = np.unique(present)
    return levels.size > 20 and levels.size * 20 >= present.size


def _target(
    y: Any,
    n: int,
    missing: str = "error",
    discrete_target: Any = True,
    n_bins: int = 16,
    strategy: str = "quantile",
) -> tuple[np.ndarray, bool]:
    """(codes of the target, whether it was binned): labels, or bins of a continuous target
    (``discrete_target`` None: the automatic rule); missing values as ``missing`` says."""
    policy = c.missing_policy(missing)
    if discrete_target is not None and not isinstance(discrete_target, (bool, np.bool_)):
        raise TypeError(
            f"discrete_target must be None, True or False, got {type(discrete_target).__name__}"
        )
    binned = _looks_continuous(y) if discrete_target is None else not discrete_target
    if binned:
        found = c.series(y)
        if found is not None and found[1] == "O":
            raise TypeError("y is not numeric: it cannot be binned; pass discrete_target=True")
        values = found[0] if found is not None else c.labels(y, "y", "level")
        codes = _binned(values, n_bins, strategy, "y")
    else:
        codes = _labelled(y, "y")
    if codes.shape[0] != n:
        raise ValueError(f"X and y must have the same number of samples, got {n} and {len(codes)}")
    return _apply_missing(codes, policy, "y"), binned


def discretize(X: Any, *, n_bins: int = 16, strategy: str = "quantile") -> tuple[np.ndarray, Any]:
    """(codes, edges) of every column binned (uint8, uint16 above 256 bins); a 1-D array is one
    column (1-D codes, one array of edges)."""
    _check_binning(n_bins, strategy)
    if not hasattr(X, "columns") and np.ndim(X) == 1:
        codes, edges = discretize(np.asarray(X)[:, None], n_bins=n_bins, strategy=strategy)
        return codes[:, 0], edges[0]
    names, columns, kinds, frame = _columns(X)
    if frame and "O" in kinds:
        raise TypeError(f"column {names[kinds.index('O')]} is not numeric: it cannot be binned")
    pairs = [
        _bins(column, n_bins, strategy, name) for name, column in zip(names, columns, strict=True)
    ]
    dtype = np.uint8 if all(edges.size <= 257 for _, edges in pairs) else np.uint16
    return np.column_stack([codes for codes, _ in pairs]).astype(dtype), [e for _, e in pairs]


# ---- information of code arrays ------------------------------------------------------------------


def _rows(*codes: np.ndarray) -> list[np.ndarray]:
    """The variables on the rows where all of them are present (code >= 0), each renumbered
    0..k-1 over the values seen in those rows (as if the other rows had been dropped by hand)."""
    keep = np.logical_and.reduce([code >= 0 for code in codes])
    return [np.unique(code[keep], return_inverse=True)[1].reshape(-1) for code in codes]


def _table(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The count table of two compact code arrays (rows: a, columns: b)."""
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    return np.bincount(a * kb + b, minlength=ka * kb).reshape(ka, kb)


def _mi(a: np.ndarray, b: np.ndarray, estimator: str) -> float:
    """I(A; B) in nats on the rows where both are present (0 when there are none)."""
    a, b = _rows(a, b)
    if a.size == 0:
        return 0.0
    return table_mutual_info(_table(a, b), estimator)


def _emi(a: np.ndarray, b: np.ndarray) -> float:
    """E[I(A; B)] in nats under random permutation (the hypergeometric model) of the table of A
    and B on the rows where both are present; 0 when a margin has a single level."""
    a, b = _rows(a, b)
    if a.size == 0 or a.max() == 0 or b.max() == 0:
        return 0.0
    return expected_mutual_info(np.bincount(a), np.bincount(b), int(a.size))


def _h(*codes: np.ndarray, estimator: str) -> float:
    """Joint entropy of compact codes, the alphabet being the product of their level counts."""
    shape = tuple(int(c.max()) + 1 for c in codes)
    counts = np.bincount(np.ravel_multi_index(codes, shape))
    return table_entropy(counts, float(np.prod(shape)), estimator)


def _cmi(a: np.ndarray, b: np.ndarray, z: np.ndarray, estimator: str) -> float:
    """I(A; B | Z) = sum over z of p(z) I(A; B | Z = z) (plug-in), else by entropies; on the
    rows where all three are present."""
    a, b, z = _rows(a, b, z)
    if a.size == 0:
        return 0.0
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


def _conditional_emi(a: np.ndarray, b: np.ndarray, z: np.ndarray) -> float:
    """E[I(A; B | Z)] under permutation within each stratum of Z: sum over z of p(z) times the
    expectation from the stratum's own margins (rows where all three are present)."""
    a, b, z = _rows(a, b, z)
    n = a.shape[0]
    return float(
        sum((z == level).sum() / n * _emi(a[z == level], b[z == level]) for level in np.unique(z))
    )


def _jmi(a: np.ndarray, s: np.ndarray, y: np.ndarray, estimator: str) -> float:
    """I(A, S; Y) = H(A, S) + H(Y) - H(A, S, Y) on the rows where all three are present."""
    a, s, y = _rows(a, s, y)
    if a.size == 0:
        return 0.0
    if estimator == "plugin":
        ks = int(s.max()) + 1
        return _mi(a * ks + s, y, estimator)
    return (
        _h(a, s, estimator=estimator)
        + _h(y, estimator=estimator)
        - _h(a, s, y, estimator=estimator)
    )


def _joint_emi(a: np.ndarray, s: np.ndarray, y: np.ndarray) -> float:
    """E[I((A, S); Y)] of the pair (A, S) as one variable (rows where all three are present)."""
    a, s, y = _rows(a, s, y)
    if a.size == 0:
        return 0.0
    return _emi(a * (int(s.max()) + 1) + s, y)


def _entropy(a: np.ndarray, estimator: str) -> float:
    """H(A) over the rows where A is present (0 when there are none)."""
    (a,) = _rows(a)
    return 0.0 if a.size == 0 else _h(a, estimator=estimator)


def _check_adjusted(adjusted: Any, estimator: str) -> bool:
    if not isinstance(adjusted, (bool, np.bool_)):
        raise TypeError(f"adjusted must be True or False, got {type(adjusted).__name__}")
    if adjusted and estimator != "plugin":
        raise ValueError(f"adjusted=True needs estimator='plugin', got {estimator!r}")
    return bool(adjusted)


def _coded(
    X: Any,
    y: Any,
    discrete: Any,
    n_bins: int,
    strategy: str,
    missing: str,
    discrete_target: Any,
) -> tuple[list[np.ndarray], list[str], np.ndarray, bool]:
    """(column codes, names, target codes, whether the target was binned).  With
    ``missing="drop"`` the rows where y is missing are removed first, before any column is
    binned, as if dropped by hand (a y with no value at all is a ValueError)."""
    if c.missing_policy(missing) != "drop":
        codes, names = _codes(X, discrete, n_bins, strategy, missing)
        target, binned = _target(y, codes[0].shape[0], missing, discrete_target, n_bins, strategy)
        return codes, names, target, binned
    _check_binning(n_bins, strategy)
    n = _columns(X)[1][0].shape[0]
    target, binned = _target(y, n, missing, discrete_target, n_bins, strategy)
    present = target >= 0
    if not present.any():
        raise ValueError("y has no values: every row is missing")
    codes, names = _codes(X, discrete, n_bins, strategy, missing, present)
    return codes, names, target[present], binned


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
    missing: str = "error",
    discrete_target: bool | None = None,
    adjusted: bool = False,
    n_jobs: int | None = None,
) -> np.ndarray:
    """I(X_j; y) of every column, one ``np.bincount`` table per column (on the rows where X_j
    and y are present with ``missing="drop"``; minus E[I] when ``adjusted``)."""
    c.estimator(estimator)
    scale = c.nats(base)
    adjusted = _check_adjusted(adjusted, estimator)
    c.n_jobs(n_jobs)
    codes, _, target, _ = _coded(X, y, discrete, n_bins, strategy, missing, discrete_target)
    scores = [
        _mi(col, target, estimator) - (_emi(col, target) if adjusted else 0.0) for col in codes
    ]
    return np.array(scores) / scale


def mutual_info_matrix(
    X: Any,
    *,
    discrete: Any = "auto",
    n_bins: int = 16,
    strategy: str = "quantile",
    estimator: str = "plugin",
    base: float | None = None,
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.ndarray:
    """Pairwise I(X_i; X_j), the entropies H(X_i) on the diagonal (each entry on the rows where
    its columns are present with ``missing="drop"``)."""
    c.estimator(estimator)
    scale = c.nats(base)
    c.n_jobs(n_jobs)
    codes, _ = _codes(X, discrete, n_bins, strategy, missing)
    p = len(codes)
    out = np.empty((p, p))
    for i in range(p):
        out[i, i] = _entropy(codes[i], estimator)  # H(X_i) = I(X_i; X_i), any estimator
        for j in range(i + 1, p):
            out[i, j] = out[j, i] = _mi(codes[i], codes[j], estimator)
    return out / scale


def mutual_info_test(
    X: Any,
    y: Any,
    *,
    discrete: Any = "auto",
    n_bins: int = 16,
    strategy: str = "quantile",
    missing: str = "error",
    discrete_target: bool | None = None,
    n_jobs: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(plug-in I(X_j; y) in nats, G-test p-value) of every column: G = 2 N I over the N rows
    used, chi-squared with (k_x - 1)(k_y - 1) degrees of freedom, k the levels seen in those
    rows; the p-value is 1 without freedom (a constant column, no rows)."""
    chi2 = importlib.import_module("scipy.stats").chi2  # SciPy, imported only here
    c.n_jobs(n_jobs)
    codes, _, target, _ = _coded(X, y, discrete, n_bins, strategy, missing, discrete_target)
    scores, pvalues = [], []
    for col in codes:
        a, b = _rows(col, target)
        if a.size == 0:
            scores.append(0.0)
            pvalues.append(1.0)
            continue
        mi = table_mutual_info(_table(a, b), "plugin")
        dof = int(a.max()) * int(b.max())  # (levels seen - 1) of each, codes being compact
        scores.append(mi)
        pvalues.append(float(chi2.sf(2.0 * a.size * mi, dof)) if dof > 0 else 1.0)
    return np.array(scores), np.array(pvalues)


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
    missing: str = "error",
    discrete_target: bool | None = None,
    adjusted: bool = False,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Selection:
    """Greedy selection, every score recomputed from the pairwise terms: mrmr
    I(X_j; y) - mean_s I(X_j; X_s); jmi sum_s I(X_j, X_s; y); cmim min_s I(X_j; y | X_s).

    With ``missing="drop"`` each term is computed on the rows where its variables are present;
    with ``adjusted`` each term is less its expectation under permutation: the relevance and
    mRMR's redundancy from their own tables, JMI's from the table of the pair (X_j, X_s) as one
    variable against y, CMIM's within each stratum of X_s."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    c.estimator(estimator)
    scale = c.nats(base)
    adjusted = _check_adjusted(adjusted, estimator)
    c.n_jobs(n_jobs)
    codes, names, target, binned = _coded(
        X, y, discrete, n_bins, strategy, missing, discrete_target
    )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an integer, got {type(k).__name__}")
    if not 1 <= k <= len(codes):
        raise ValueError(f"k must be in [1, n_features={len(codes)}], got {k}")
    relevance = np.array(
        [_mi(col, target, estimator) - (_emi(col, target) if adjusted else 0.0) for col in codes]
    )
    terms: dict[tuple[int, int], float] = {}  # each pair's term, computed once

    def term(j: int, s: int) -> float:
        if (j, s) not in terms:
            xj, xs = codes[j], codes[s]
            if method == "mrmr":
                value = _mi(xj, xs, estimator) - (_emi(xj, xs) if adjusted else 0.0)
            elif method == "jmi":
                value = _jmi(xj, xs, target, estimator)
                value -= _joint_emi(xj, xs, target) if adjusted else 0.0
            else:
                value = _cmi(xj, target, xs, estimator)
                value -= _conditional_emi(xj, target, xs) if adjusted else 0.0
            terms[j, s] = value
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
        binned,
    )


# ---- nearest-neighbour estimates (scikit-learn's mutual_info_classif / _regression) -------------

_EULER_GAMMA = Fraction("0.57721566490153286060651209008240243104215933593992")
# psi(n) = -gamma + 1 + 1/2 + ... + 1/(n - 1) for n < 32, each rounded once from exact sums;
# above, the asymptotic series, whose first omitted term (1/(132 n**10)) is below 1e-17 there
_PSI_TABLE = np.array(
    [math.nan]
    + [float(sum(Fraction(1, i) for i in range(1, n)) - _EULER_GAMMA) for n in range(1, 32)]
)
_BLOCK = 1 << 18  # pairs per block of the brute-force neighbour searches (2 MiB of float64)


def _digamma(n: Any) -> np.ndarray:
    """psi(n) of positive integers (any integer or integer-valued float array)."""
    a = np.asarray(n, dtype=np.float64)
    small = a < 32
    x = np.where(small, 32.0, a)
    inv2 = 1.0 / (x * x)
    series = inv2 * (-1 / 12 + inv2 * (1 / 120 + inv2 * (-1 / 252 + inv2 * (1 / 240))))
    large = np.log(x) - 0.5 / x + series
    return np.where(small, _PSI_TABLE[np.where(small, a, 0).astype(np.intp)], large)


def _blocks(n_rows: int, n_cols: int) -> list[slice]:
    """Row slices of at most ``_BLOCK`` pairs each (at least one row)."""
    step = max(1, _BLOCK // max(1, n_cols))
    return [slice(start, min(start + step, n_rows)) for start in range(0, n_rows, step)]


def _kth_distance(
    points: np.ndarray, k: int, dot_product_trick: bool = False, single: bool = False
) -> np.ndarray:
    """Distance of each point to its k-th nearest other point (1 <= k < number of points).

    ``points`` is (n, d) float64.  Chebyshev (max |a - b|) distances, which are exact; in one
    dimension that is also the Euclidean distance, sqrt(fl((a - b)**2)) = |a - b|.

    With ``dot_product_trick`` (one dimension only), the distance scikit-learn's brute-force
    Euclidean search computes instead: sqrt(max(0, (a*a + -2*(a*b)) + b*b)), each operation
    rounded in float64 in that order, which can be far from |a - b| for near points.  With
    ``single`` too (the points were float32), that squared distance is rounded to float32 and
    its square root taken in float32, as scikit-learn's 32-bit search returns it.  Where a*a
    overflows (values beyond ~1e154: inf - inf), the squared distance is NaN, and scikit-learn's
    search reads it as 0, as ``where(d2 > 0, d2, 0)`` does (np.maximum would keep the NaN)."""
    n = points.shape[0]
    out = np.empty(n)
    for rows in _blocks(n, n):
        if dot_product_trick:
            a, b = points[rows, 0][:, None], points[:, 0][None, :]
            d2 = (a * a + -2.0 * (a * b)) + b * b
            d2 = np.where(d2 > 0.0, d2, 0.0)  # NaN (overflow) reads as 0
            if single:
                dist = np.sqrt(d2.astype(np.float32)).astype(np.float64)
            else:
                dist = np.sqrt(d2)
        else:
            dist = np.abs(points[rows, None, :] - points[None, :, :]).max(axis=2)
        # each point's distance to itself is exactly 0 (with the trick too: a*a - 2*a*a + a*a),
        # the least of its row, so the (k+1)-th least of the row is the k-th least of the others
        out[rows] = np.partition(dist, k, axis=1)[:, k]
    return out


def _count_within(values: np.ndarray, radius: np.ndarray, squared: bool) -> np.ndarray:
    """For each i, #{j : |v_j - v_i| <= r_i} (v_i itself included), 1-D; with ``squared``,
    #{j : (v_j - v_i)**2 <= r_i**2}, scikit-learn's Euclidean KDTree predicate."""
    n = values.shape[0]
    out = np.empty(n, dtype=np.intp)
    for rows in _blocks(n, n):
        diff = values[None, :] - values[rows, None]
        r = radius[rows, None]
        inside = diff * diff <= r * r if squared else np.abs(diff) <= r
        out[rows] = inside.sum(axis=1)
    return out


def _mi_cc(x: np.ndarray, y: np.ndarray, n_neighbors: int) -> float:
    """Kraskov-Stoegbauer-Grassberger I(X; Y) of two continuous samples (their first
    estimator): psi(n) + psi(k) - mean psi(n_x + 1) - mean psi(n_y + 1), at least 0."""
    n = x.size
    if n_neighbors >= n:
        raise ValueError(
            f"n_neighbors must be less than the number of samples, got {n_neighbors} >= {n}"
        )
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    kth = _kth_distance(np.column_stack([x64, y64]), n_neighbors)
    radius = np.nextafter(kth, 0)
    nx = _count_within(x64, radius, False) - 1.0
    ny = _count_within(y64, radius, False) - 1.0
    mi = _digamma(n) + _digamma(n_neighbors) - np.mean(_digamma(nx + 1)) - np.mean(_digamma(ny + 1))
    return max(0.0, float(mi))


def _mi_cd(c: np.ndarray, d: np.ndarray, n_neighbors: int) -> float:
    """Ross's I(C; D) of a continuous and a discrete sample: psi(n) + mean psi(k) - mean
    psi(N_label) - mean psi(m), over the n points whose label occurs more than once, at least
    0.  k = min(n_neighbors, N_label - 1) and the radius is the distance to the k-th nearest
    other point of the same label, less one ulp; m counts the points (any label, the point
    itself included) within the radius.  Like scikit-learn, the distance of a label of at most
    2 n_neighbors + 1 points is the one of its brute-force search (see ``_kth_distance``)."""
    single = c.dtype == np.float32  # scikit-learn's 32-bit brute-force search
    c64 = c.astype(np.float64)
    n = c64.size
    codes = np.unique(d, return_inverse=True)[1].reshape(-1)
    counts = np.bincount(codes)
    radius = np.zeros(n)
    k_all = np.zeros(n)
    for label in np.flatnonzero(counts > 1):
        mask = codes == label
        count = int(counts[label])
        k = min(n_neighbors, count - 1)
        brute = k >= count // 2  # NearestNeighbors(algorithm="auto") on this label's points
        radius[mask] = np.nextafter(_kth_distance(c64[mask][:, None], k, brute, single), 0)
        k_all[mask] = k
    label_counts = counts[codes]
    keep = label_counts > 1
    n_kept = int(keep.sum())
    if n_kept == 0:
        raise ValueError("every label occurs once: no point has a neighbour of its own label")
    m_all = _count_within(c64[keep], radius[keep], True)
    mi = (
        _digamma(n_kept)
        + np.mean(_digamma(k_all[keep]))
        - np.mean(_digamma(label_counts[keep]))
        - np.mean(_digamma(m_all))
    )
    return max(0.0, float(mi))


def _mi_dd(x: np.ndarray, y: np.ndarray) -> float:
    """Plug-in I(X; Y) of two label samples, scikit-learn's ``mutual_info_score`` terms."""
    a = np.unique(x, return_inverse=True)[1].reshape(-1)
    b = np.unique(y, return_inverse=True)[1].reshape(-1)
    table = _table(a, b)
    if table.shape[0] == 1 or table.shape[1] == 1:
        return 0.0
    rows, cols = np.nonzero(table)
    nz = table[rows, cols]
    total = int(table.sum())
    pi, pj = table.sum(axis=1), table.sum(axis=0)
    share = nz / total
    outer = pi[rows].astype(np.int64) * pj[cols].astype(np.int64)
    log_outer = -np.log(outer) + math.log(pi.sum()) + math.log(pj.sum())
    terms = share * (np.log(nz) - math.log(total)) + share * log_outer
    terms = np.where(np.abs(terms) < np.finfo(np.float64).eps, 0.0, terms)
    return max(float(terms.sum()), 0.0)


def _random_state(seed: Any) -> np.random.RandomState:
    """scikit-learn's check_random_state: None is NumPy's global RandomState, an integer seeds a
    new one, a RandomState is used as it is (and advanced)."""
    if seed is None:
        return np.random.mtrand._rand
    if isinstance(seed, np.random.RandomState):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            f"random_state must be None, an integer or a RandomState, got {type(seed).__name__}"
        )
    if not 0 <= seed < 2**32:
        raise ValueError(f"random_state must be in [0, 2**32 - 1], got {seed}")
    return np.random.RandomState(seed)


def _nn_features(X: Any) -> tuple[np.ndarray, bool]:
    """(X as an array, whether it was a scipy.sparse matrix, densified to float64)."""
    if _library(X) == "scipy" and hasattr(X, "toarray") and hasattr(X, "nnz"):
        if X.ndim != 2 or 0 in X.shape:
            raise ValueError(f"X must be a non-empty 2-D matrix, got shape {X.shape}")
        data = np.asarray(X.data)
        if data.dtype.kind not in "biuf":
            raise ValueError(f"X has unsupported dtype {data.dtype}")
        if not np.isfinite(data.astype(np.float64)).all():
            raise ValueError("X contains NaN or infinity")
        return np.asarray(X.toarray(), dtype=np.float64), True
    a = np.asarray(X)
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {a.shape}")
    if a.dtype.kind == "O":
        a = a.astype(np.float64)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"X has unsupported dtype {a.dtype}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError("X contains NaN or infinity")
    return a, False


def _nn_target(y: Any, n: int, discrete: bool) -> np.ndarray:
    """y as a 1-D array of n samples: labels (classification) or numbers (regression)."""
    a = np.asarray(y)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a.ravel()
    if a.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {a.shape}")
    if discrete:
        if a.dtype.kind == "O" and a.size and not isinstance(a.flat[0], str):
            raise ValueError("y of objects must hold strings to be class labels")
        if a.dtype.kind == "f":
            if not np.isfinite(a).all():
                raise ValueError("y contains NaN or infinity")
            if (a != np.round(a)).any():
                raise ValueError("y is continuous: class labels must be integers or strings")
        elif a.dtype.kind == "c":
            raise ValueError("y is complex")
    else:
        if a.dtype.kind == "O":
            a = a.astype(np.float64)
        if a.dtype.kind not in "biuf":
            raise ValueError(f"y has unsupported dtype {a.dtype}")
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise ValueError("y contains NaN or infinity")
    if a.shape[0] != n:
        raise ValueError(f"X and y must have the same number of samples, got {n} and {a.shape[0]}")
    return a


def _discrete_mask(discrete_features: Any, n_features: int, sparse: bool) -> np.ndarray:
    """The boolean mask of the discrete columns: "auto" (sparse X only), a bool for all, a
    boolean mask or an array of column indices (negative ones count from the end)."""
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(f"discrete_features must be 'auto', got {discrete_features!r}")
        return np.full(n_features, sparse)
    if isinstance(discrete_features, (bool, np.bool_)):
        return np.full(n_features, bool(discrete_features))
    given = np.asarray(discrete_features)
    if given.ndim != 1 or given.size == 0:
        raise ValueError("discrete_features must be a non-empty 1-D mask or list of indices")
    if given.dtype == bool:
        if given.shape[0] != n_features:
            raise IndexError(
                f"discrete_features has {given.shape[0]} flags for {n_features} columns"
            )
        return given.copy()
    if given.dtype.kind == "f":  # NumPy's error for float indices
        raise IndexError("discrete_features must be booleans or integer column indices")
    if given.dtype.kind not in "iu":
        raise ValueError("discrete_features must be booleans or integer column indices")
    mask = np.zeros(n_features, dtype=bool)
    mask[given] = True  # IndexError out of range, as NumPy
    return mask


def _nn_mutual_info(
    X: Any,
    y: Any,
    discrete_features: Any,
    discrete_target: bool,
    n_neighbors: Any,
    copy: Any,
    random_state: Any,
    n_jobs: Any,
) -> np.ndarray:
    """scikit-learn's _estimate_mi, step by step (the same operations in the same order)."""
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, (int, np.integer)):
        raise TypeError(f"n_neighbors must be an integer, got {type(n_neighbors).__name__}")
    if n_neighbors < 1:
        raise ValueError(f"n_neighbors must be at least 1, got {n_neighbors}")
    if not isinstance(copy, (bool, np.bool_)):
        raise TypeError(f"copy must be True or False, got {type(copy).__name__}")
    c.n_jobs(n_jobs)
    k = int(n_neighbors)
    features, sparse = _nn_features(X)
    n_samples, n_features = features.shape
    target = _nn_target(y, n_samples, discrete_target)
    discrete = _discrete_mask(discrete_features, n_features, sparse)
    continuous = ~discrete
    if sparse and continuous.any():
        raise ValueError("a sparse X can't have continuous features")
    rng = _random_state(random_state)
    if continuous.any():
        features = features.astype(np.float64, copy=bool(copy))  # copy=False: X overwritten
        scaled = features[:, continuous]
        std = np.nanstd(scaled, axis=0)
        std[std < 10 * np.finfo(std.dtype).eps] = 1.0
        scaled /= std
        features[:, continuous] = scaled
        means = np.maximum(1, np.mean(np.abs(features[:, continuous]), axis=0))
        features[:, continuous] += (
            1e-10 * means * rng.standard_normal(size=(n_samples, int(continuous.sum())))
        )
    if not discrete_target:
        # scale(y, with_mean=False): float64 unless y is already a float of scikit-learn's
        # FLOAT_DTYPES, compared with == (a big-endian float32 becomes float64); a std of
        # exactly 0 (y is 1-D: a scalar std) counts as 1
        native = target.dtype in (np.float64, np.float32, np.float16)
        y_scaled = target.astype(target.dtype if native else np.float64)
        y_std = np.nanstd(y_scaled, axis=0)
        if y_std == 0.0:
            y_std = 1.0
        y_scaled /= y_std
        y_scaled += (
            1e-10 * np.maximum(1, np.mean(np.abs(y_scaled))) * rng.standard_normal(size=n_samples)
        )
        target = y_scaled
    scores = []
    for j in range(n_features):
        column = features[:, j]
        if discrete[j] and discrete_target:
            scores.append(_mi_dd(column, target))
        elif discrete[j]:
            scores.append(_mi_cd(target, column, k))
        elif discrete_target:
            scores.append(_mi_cd(column, target, k))
        else:
            scores.append(_mi_cc(column, target, k))
    return np.array(scores, dtype=np.float64)


def mutual_info_classif(
    X: Any,
    y: Any,
    *,
    discrete_features: Any = "auto",
    n_neighbors: int = 3,
    copy: bool = True,
    random_state: Any = None,
    n_jobs: int | None = None,
) -> np.ndarray:
    """I(X_j; y) in nats of every column and a class label y, scikit-learn's
    ``mutual_info_classif``: the same numbers for the same ``random_state``.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
        The features.  A sparse X must be all discrete.
    y : array-like of shape (n_samples,)
        Class labels (integers, integer-valued floats, strings).
    discrete_features : "auto", bool or array-like
        "auto": discrete if X is sparse; a bool for every column; a boolean mask or the indices
        of the discrete columns.
    n_neighbors : int
        k of the nearest-neighbour estimates (continuous columns).
    copy : bool
        False lets a float64 X be overwritten by its scaled, jittered copy.
    random_state : None, int or numpy.random.RandomState
        The source of the 1e-10 jitter added to the scaled continuous columns (None: NumPy's
        global RandomState).
    n_jobs : int or None
        Checked only; the reference runs serially.

    Returns
    -------
    numpy.ndarray
        float64 of shape (n_features,): Ross's estimate for a continuous column, the plug-in
        mutual information of the contingency table for a discrete one, both at least 0.

    Raises
    ------
    ValueError
        NaN or infinity in X or y, a continuous (fractional) y, mismatched lengths,
        ``n_neighbors < 1``, a sparse X with a continuous column, a continuous column when every
        label occurs once.
    IndexError
        A discrete mask of the wrong length or a column index out of range.
    TypeError
        A non-integer ``n_neighbors`` or ``random_state``, a non-bool ``copy``.

    Notes
    -----
    Every continuous column is divided by its standard deviation (one near 0 counting as 1)
    and jittered by ``1e-10 * max(1, mean |x|) * rng.standard_normal``, all columns drawn at
    once.  The neighbour searches are brute force, by the formulas of ``_mi_cd``.

    References
    ----------
    B. C. Ross, "Mutual information between discrete and continuous data sets", PLoS ONE 9(2),
    2014.
    """
    return _nn_mutual_info(X, y, discrete_features, True, n_neighbors, copy, random_state, n_jobs)


def mutual_info_regression(
    X: Any,
    y: Any,
    *,
    discrete_features: Any = "auto",
    n_neighbors: int = 3,
    copy: bool = True,
    random_state: Any = None,
    n_jobs: int | None = None,
) -> np.ndarray:
    """I(X_j; y) in nats of every column and a continuous y, scikit-learn's
    ``mutual_info_regression``: the same numbers for the same ``random_state``.

    Parameters
    ----------
    X : array-like or scipy.sparse matrix of shape (n_samples, n_features)
        The features.  A sparse X must be all discrete.
    y : array-like of shape (n_samples,)
        The continuous target.
    discrete_features : "auto", bool or array-like
        As for ``mutual_info_classif``.
    n_neighbors : int
        k of the nearest-neighbour estimates.
    copy : bool
        False lets a float64 X be overwritten by its scaled, jittered copy.
    random_state : None, int or numpy.random.RandomState
        The source of the jitter: X's continuous columns first, then y.
    n_jobs : int or None
        Checked only; the reference runs serially.

    Returns
    -------
    numpy.ndarray
        float64 of shape (n_features,): the Kraskov-Stoegbauer-Grassberger estimate for a
        continuous column, Ross's for a discrete one, both at least 0.

    Raises
    ------
    ValueError
        NaN or infinity in X or y, mismatched lengths, ``n_neighbors < 1`` or at least the
        number of samples (continuous columns), a sparse X with a continuous column, a discrete
        column whose every value occurs once.
    IndexError
        A discrete mask of the wrong length or a column index out of range.
    TypeError
        A non-integer ``n_neighbors`` or ``random_state``, a non-bool ``copy``.

    Notes
    -----
    y is divided by its standard deviation (exactly 0 counting as 1; a float32 y stays
    float32) and jittered by ``1e-10 * max(1, mean |y|) * rng.standard_normal``, drawn after
    X's jitter.

    References
    ----------
    A. Kraskov, H. Stoegbauer and P. Grassberger, "Estimating mutual information", Phys. Rev.
    E 69, 2004.
    """
    return _nn_mutual_info(X, y, discrete_features, False, n_neighbors, copy, random_state, n_jobs)
