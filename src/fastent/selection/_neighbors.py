# SPDX-License-Identifier: BSD-3-Clause
"""Nearest-neighbour mutual information of continuous variables, with scikit-learn's numbers.

:func:`mutual_info_classif` and :func:`mutual_info_regression` are drop-ins for scikit-learn's
functions of the same names: the same signature, the same preparation of the data (continuous
columns divided by their standard deviation, then 1e-10 of noise scaled by their mean absolute
value, drawn from ``numpy.random.RandomState(random_state)`` in scikit-learn's order), and the
same estimators -- Ross (2014) for a continuous and a discrete variable, Kraskov et al. (2004)
for two continuous ones, the plug-in MI for two discrete ones -- computed by the C kernels of
``fastent._kernels.neighbors``, all columns in parallel.  ``continuous="knn"`` of the scorers
uses the same estimates (:func:`knn_relevance`, :func:`knn_redundancy`).
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core import measures
from .._core.codes import compacted, encode, exact
from .._core.counting import count
from .._core.frames import as_frame, column_data, is_sparse
from .._core.layout import to_array
from .._core.threads import effective_n_threads
from .._kernels import neighbors as _k
from ._columns import CodedTarget, Columns, check_samples

__all__ = [
    "CONTINUOUS",
    "Prepared",
    "check_continuous",
    "knn_redundancy",
    "knn_relevance",
    "mutual_info_classif",
    "mutual_info_regression",
    "pair_mutual_info",
    "prepare",
]

#: How the scorers estimate information of continuous columns: bins or nearest neighbours.
CONTINUOUS = ("bin", "knn")


def check_continuous(continuous: Any, n_neighbors: Any) -> tuple[str, int]:
    """(``continuous``, ``n_neighbors``) checked."""
    if not isinstance(continuous, str) or continuous not in CONTINUOUS:
        raise ValueError(f"continuous must be one of {CONTINUOUS}, got {continuous!r}")
    return continuous, _check_neighbors(n_neighbors)


def _check_neighbors(n_neighbors: Any) -> int:
    if isinstance(n_neighbors, (bool, np.bool_)) or not isinstance(
        n_neighbors, (numbers.Integral, np.integer)
    ):
        raise TypeError(f"n_neighbors must be an integer, got {type(n_neighbors).__name__}")
    if not 1 <= int(n_neighbors) <= _k.MAX_NEIGHBORS:
        raise ValueError(f"n_neighbors must be in [1, {_k.MAX_NEIGHBORS}], got {int(n_neighbors)}")
    return int(n_neighbors)


def _random_state(random_state: Any) -> np.random.RandomState:
    """scikit-learn's ``check_random_state``: None is NumPy's global RandomState."""
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, (bool, np.bool_)):
        raise TypeError("random_state must be None, an int or a RandomState, got a bool")
    if isinstance(random_state, (numbers.Integral, np.integer)):
        return np.random.RandomState(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return random_state
    raise ValueError(f"random_state must be None, an int or a RandomState, got {random_state!r}")


def _matrix(X: Any) -> tuple[Any, bool]:
    """(X as a float64 array or a CSC matrix, whether it is sparse); NaN or inf is a ValueError."""
    if is_sparse(X):
        csc = X.tocsc().astype(np.float64)
        if csc.shape[0] == 0 or csc.shape[1] == 0:
            raise ValueError(f"X is empty (shape {csc.shape})")
        if not np.isfinite(csc.data).all():
            raise ValueError("X contains NaN or infinity")
        return csc, True
    frame = as_frame(X, "X")
    if frame is not None:
        columns = []
        for name, series in zip(frame.names, frame.columns, strict=True):
            data = column_data(series)
            if data is None or data.values is None or data.kind == "O":
                raise ValueError(f"column {name} is not numeric")
            if data.missing is not None:
                raise ValueError(f"column {name} has missing values")
            columns.append(np.asarray(data.values, dtype=np.float64))
        arr = np.column_stack(columns)
    else:
        arr = to_array(X, "X")
        if arr.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {arr.shape}")
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"X has unsupported dtype {arr.dtype}; expected numbers")
        arr = arr.astype(np.float64, copy=False)  # read only: never written to
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"X is empty (shape {arr.shape})")
    if not np.isfinite(arr).all():
        raise ValueError("X contains NaN or infinity")
    return arr, False


def _discrete_mask(discrete_features: Any, p: int, sparse: bool) -> np.ndarray:
    """scikit-learn's rule: "auto" (sparse X only), a bool, a bool mask or column indices."""
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError("Invalid string value for discrete_features.")
        return np.full(p, sparse)
    if isinstance(discrete_features, (bool, np.bool_)):
        return np.full(p, bool(discrete_features))
    given = np.asarray(discrete_features)
    if given.dtype == bool:  # IndexErrors, as scikit-learn's indexing gives
        if given.shape != (p,):
            raise IndexError(f"discrete_features mask must have {p} entries, got {given.shape}")
        return given.copy()
    if given.ndim != 1 or given.dtype.kind not in "iu":
        raise ValueError("discrete_features must be 'auto', a bool, a bool mask or indices")
    if given.size and (given.min() < -p or given.max() >= p):
        raise IndexError(f"discrete_features indices must be in [-{p}, {p})")
    mask = np.zeros(p, dtype=bool)
    mask[given] = True
    return mask


def _noised_columns(
    arr: np.ndarray, columns: np.ndarray | None, rng: np.random.RandomState, n_threads: int = 1
) -> np.ndarray:
    """scikit-learn's preparation of the continuous columns ``arr[:, columns]`` (all of them for
    None; NaN where missing), returned one column per row (C-contiguous):
    ``scale(with_mean=False)`` (divided by the standard deviation, one where it is below 10
    eps), then ``+= 1e-10 * max(1, mean |x|) * rng.standard_normal`` drawn for the whole block.
    The statistics are NumPy's own calls on the block as scikit-learn selects it (their
    summation order, which depends on the layout, is the bits of the result); with two threads
    or more the noise is drawn on a second thread meanwhile (NumPy releases the GIL to draw)."""
    shape = (arr.shape[0], arr.shape[1] if columns is None else int(np.count_nonzero(columns)))
    draw = _Draw(rng, shape, background=n_threads > 1 and shape[0] * shape[1] >= 1 << 16)
    block = arr if columns is None else np.asarray(arr[:, columns])
    std = np.nanstd(block, axis=0)
    std[std < 10 * np.finfo(np.float64).eps] = 1.0
    means = np.maximum(1, np.nanmean(np.abs(block / std), axis=0))
    return _k.noised_columns(block, draw.result(), std, 1e-10 * means, n_threads)


class _Draw:
    """``rng.standard_normal(size=shape)``, drawn now or on a thread of its own."""

    def __init__(self, rng: np.random.RandomState, shape: tuple[int, ...], background: bool):
        self._values: np.ndarray | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, args=(rng, shape), daemon=True)
            self._thread.start()
        else:
            self._run(rng, shape)

    def _run(self, rng: np.random.RandomState, shape: tuple[int, ...]) -> None:
        try:
            self._values = rng.standard_normal(size=shape)
        except BaseException as error:  # re-raised in the caller's thread
            self._error = error

    def result(self) -> np.ndarray:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._values is not None
        return self._values


def _noised_target(y: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    """scikit-learn's preparation of a continuous target, drawn after the columns' noise: its
    dtype kept (float32 stays float32), divided by its standard deviation (a scalar: one only
    where it is 0), then its 1e-10 noise."""
    std = np.nanstd(y, axis=0)
    y = y / (std if std != 0 else 1.0)
    y += 1e-10 * np.maximum(1, np.nanmean(np.abs(y))) * rng.standard_normal(size=y.shape[0])
    return y


def _codes_of(x: np.ndarray, n_threads: int) -> tuple[np.ndarray, int]:
    """(int32 codes in [0, k), k) of a discrete variable's values."""
    c = compacted(exact(encode(x, "x", n_threads, sort=False, warn=False), n_threads), n_threads)
    return c.zero_based(), c.size


def _estimate(
    X: Any,
    y: Any,
    discrete_features: Any,
    discrete_target: bool,
    n_neighbors: Any,
    random_state: Any,
    n_jobs: int | None,
) -> np.ndarray:
    """scikit-learn's ``_estimate_mi``: the preparation, then every column's estimate."""
    k = _check_neighbors(n_neighbors)
    arr, sparse = _matrix(X)
    n, p = arr.shape
    target = to_array(y, "y")
    if target.ndim == 2 and target.shape[1] == 1:  # a column vector, as column_or_1d takes it
        target = target[:, 0]
    if target.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {target.shape}")
    check_samples(n, target.shape[0])
    if target.dtype.kind not in "biuf":
        if not discrete_target:
            raise ValueError("y must be numeric for mutual_info_regression")
    elif not np.isfinite(target.astype(np.float64)).all():
        raise ValueError("y contains NaN or infinity")
    discrete = _discrete_mask(discrete_features, p, sparse)
    continuous = ~discrete
    if continuous.any() and sparse:
        raise ValueError("Sparse matrix `X` can't have continuous features.")
    threads = effective_n_threads(n_jobs, n * p * 64)
    rng = _random_state(random_state)
    cont = np.empty((0, n))
    if continuous.any():
        cont = _noised_columns(arr, continuous, rng, threads)
    single = False
    if discrete_target:
        y_codes, ky = _codes_of(target, threads)
        if cont.shape[0] and np.bincount(y_codes).max() < 2:
            raise ValueError("every label of y is unique: no neighbours of the same class")
    else:
        y_values = _noised_target(
            # scale() keeps scikit-learn's FLOAT_DTYPES (by ==: not a big-endian float32)
            target.astype(
                target.dtype if target.dtype in (np.float64, np.float32, np.float16) else np.float64
            ),
            rng,
        )
        single = y_values.dtype == np.float32
        y_values = y_values.astype(np.float64)
    if cont.shape[0] and not discrete_target and k >= n:
        raise ValueError(f"n_neighbors ({k}) must be below the number of samples ({n})")

    out = np.empty(p)
    where = np.flatnonzero(continuous)
    if where.size:
        if discrete_target:
            out[where] = _k.ross(cont, y_codes[None, :], np.array([ky], np.int32), k, threads)
        else:
            out[where] = _k.ksg(cont, y_values[None, :], k, threads)
    where = np.flatnonzero(discrete)
    if where.size:
        columns = [_dense_column(arr, int(j), sparse) for j in where]
        if discrete_target:
            t = encode(y_codes, "y", threads)
            out[where] = [
                measures.mutual_info(
                    count([exact(encode(c, "x", threads, warn=False), threads), t], threads),
                    measures.PLUGIN,
                )
                for c in columns
            ]
        else:
            coded = [_codes_of(c, threads) for c in columns]
            if any(np.bincount(c).max() < 2 for c, _ in coded):
                raise ValueError("a discrete feature has only unique values: no neighbours")
            codes = np.ascontiguousarray(np.stack([c for c, _ in coded]))
            sizes = np.asarray([s for _, s in coded], dtype=np.int32)
            out[where] = _k.ross(y_values[None, :], codes, sizes, k, threads, single)
    return out


def _dense_column(arr: Any, j: int, sparse: bool) -> np.ndarray:
    if not sparse:
        return np.asarray(arr[:, j])
    column = np.zeros(arr.shape[0])
    lo, hi = arr.indptr[j], arr.indptr[j + 1]
    column[arr.indices[lo:hi]] = arr.data[lo:hi]
    return column


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
    """Mutual information of every feature with a class label: scikit-learn's function, fast.

    A drop-in for ``sklearn.feature_selection.mutual_info_classif``: the same parameters and the
    same numbers for the same ``random_state`` (to ~1e-13), without scikit-learn.  Continuous
    features (dense X; scikit-learn's ``discrete_features="auto"`` means "all continuous" for a
    dense X and "all discrete" for a sparse one) use Ross's nearest-neighbour estimator, discrete
    ones the plug-in MI of their contingency table with y.

    Parameters
    ----------
    X : array_like, DataFrame or sparse matrix of shape (n_samples, n_features)
        Numeric features; a sparse matrix only with discrete features.
    y : array_like of shape (n_samples,)
        Class labels.
    discrete_features : "auto", bool, bool mask or indices, default "auto"
        Which features are discrete (scikit-learn's rule).
    n_neighbors : int, default 3
        Neighbours of the estimator (1 to 256).
    copy : bool, default True
        Accepted for compatibility: fastent never overwrites X (scikit-learn does with False).
    random_state : int, RandomState or None
        Seeds the 1e-10 noise added to continuous features (as scikit-learn).
    n_jobs : int, optional
        Threads (features in parallel): None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    ndarray of float64, shape (n_features,)
        Estimated mutual information in nats, each clipped at 0.

    Examples
    --------
    >>> import numpy as np
    >>> from fastent import selection
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> X = np.column_stack([y + rng.normal(size=2000), rng.normal(size=2000)])
    >>> selection.mutual_info_classif(X, y, random_state=0).round(2)
    array([0.11, 0.01])
    """
    _check_copy(copy)
    _check_labels(y)
    return _estimate(X, y, discrete_features, True, n_neighbors, random_state, n_jobs)


def _check_copy(copy: Any) -> None:
    """``copy`` is a bool (fastent never overwrites X, whatever it says)."""
    if not isinstance(copy, (bool, np.bool_)):
        raise TypeError(f"copy must be True or False, got {type(copy).__name__}")


def _check_labels(y: Any) -> None:
    """scikit-learn's ``check_classification_targets``: float labels must be whole numbers,
    objects must be strings."""
    arr = to_array(y, "y")
    if arr.dtype.kind == "O" and not all(isinstance(v, str) for v in arr.ravel().tolist()):
        raise ValueError("Unknown label type: unknown. Labels must be numbers or strings")
    if arr.dtype.kind == "f" and arr.size and np.isfinite(arr).all():
        if not np.all(arr == np.round(arr)):
            raise ValueError(
                "Unknown label type: continuous. mutual_info_classif takes class labels; use "
                "mutual_info_regression for a continuous target"
            )


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
    """Mutual information of every feature with a continuous target: scikit-learn's function.

    A drop-in for ``sklearn.feature_selection.mutual_info_regression`` (see
    :func:`mutual_info_classif` for the parameters): continuous features use the estimator of
    Kraskov, Stögbauer and Grassberger, discrete ones Ross's, the target scaled and noised as
    scikit-learn does.

    Examples
    --------
    >>> import numpy as np
    >>> from fastent import selection
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 2))
    >>> y = x[:, 0] + 0.5 * rng.normal(size=2000)
    >>> selection.mutual_info_regression(x, y, random_state=0).round(2)
    array([0.8, 0. ])
    """
    _check_copy(copy)
    return _estimate(X, y, discrete_features, False, n_neighbors, random_state, n_jobs)


# ---- continuous="knn" of the scorers -----------------------------------------------------------


@dataclass
class Prepared:
    """The continuous variables of a scoring call, prepared as scikit-learn prepares them
    (divided by their standard deviation, 1e-10 of noise from ``RandomState(0)``): column j's
    values (NaN where missing) and the target's (None for class labels)."""

    columns: dict[int, np.ndarray]
    target: np.ndarray | None


def prepare(cols: Columns, target: CodedTarget, n_threads: int = 1) -> Prepared:
    """The continuous columns and target of a scoring call prepared for the kNN estimators."""
    rng = np.random.RandomState(0)
    which = sorted(cols.values)
    columns: dict[int, np.ndarray] = {}
    if which:
        block = np.column_stack(
            [
                np.where(absent, np.nan, values) if absent is not None else values
                for values, absent in (cols.values[j] for j in which)
            ]
        )
        block = _noised_columns(block, None, rng, n_threads)
        columns = {j: block[i] for i, j in enumerate(which)}
    values = None
    if target.values is not None:
        raw, absent = target.values
        if absent is not None and absent.any():
            raise ValueError(
                "continuous='knn' cannot make a level of a continuous target's missing values: "
                "use missing='drop'"
            )
        values = _noised_target(np.asarray(raw, dtype=np.float64), rng)
    return Prepared(columns, values)


def _variable(prep: Prepared, cols: Columns, j: int, n_threads: int) -> tuple[Any, ...]:
    """Column j as ("c", values) or ("d", codes, size, missing last level)."""
    if j in prep.columns:
        return ("c", prep.columns[j])
    codes = cols.codes(j, n_threads)
    return ("d", codes.data, codes.size, cols.drop[j])


def _target_variable(prep: Prepared, target: CodedTarget) -> tuple[Any, ...]:
    if prep.target is not None:
        return ("c", prep.target)
    codes = target.codes
    return ("d", codes.data, codes.size, codes.drop_missing)


def _present(v: tuple[Any, ...]) -> np.ndarray | None:
    """The rows where a variable has a value (None: all)."""
    if v[0] == "c":
        nan = np.isnan(v[1])
        return ~nan if nan.any() else None
    if v[3]:
        return np.asarray(v[1] != v[2] - 1)
    return None


def pair_mutual_info(a: tuple[Any, ...], b: tuple[Any, ...], k: int, n_threads: int) -> float:
    """I(A; B) by nearest neighbours of two variables, at least one continuous, on the rows
    where both have a value (a discrete variable's levels need not all appear)."""
    rows = [m for m in (_present(a), _present(b)) if m is not None]
    keep = np.logical_and.reduce(rows) if rows else None

    def part(x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(x if keep is None else x[keep])

    if a[0] == "d":
        a, b = b, a
    c = part(a[1]).astype(np.float64)
    if c.size < 2:
        return 0.0
    if b[0] == "c":
        if k >= c.size:
            raise ValueError(f"n_neighbors ({k}) must be below the number of rows ({c.size})")
        return float(_k.ksg(c[None, :], part(b[1]).astype(np.float64)[None, :], k, n_threads)[0])
    d = part(b[1]).astype(np.int32)
    return float(_k.ross(c[None, :], d[None, :], np.array([b[2]], np.int32), k, n_threads)[0])


def knn_relevance(
    prep: Prepared, cols: Columns, target: CodedTarget, counted: np.ndarray, k: int, n_threads: int
) -> np.ndarray:
    """I(X_j; y) of every column: by nearest neighbours where X_j or y is continuous (the
    columns without missing values in one kernel call, in parallel), the ``counted``
    (count-based) value where both are discrete."""
    out = counted.copy()
    y = _target_variable(prep, target)
    pairs = [j for j in range(len(cols.names)) if j in prep.columns or y[0] == "c"]
    variables = {j: _variable(prep, cols, j, n_threads) for j in pairs}
    whole = [j for j in pairs if _present(variables[j]) is None]
    cont = [j for j in whole if variables[j][0] == "c"]
    disc = [j for j in whole if variables[j][0] == "d"]
    n = y[1].shape[0]
    if cont and (y[0] == "d" or k < n):
        block = np.ascontiguousarray(np.stack([variables[j][1] for j in cont]))
        if y[0] == "c":
            out[cont] = _k.ksg(block, y[1][None, :], k, n_threads)
        else:
            sizes = np.array([y[2]], np.int32)
            out[cont] = _k.ross(block, y[1].astype(np.int32)[None, :], sizes, k, n_threads)
    if disc:  # a continuous y against discrete columns: Ross with y as the continuous side
        codes = np.ascontiguousarray(np.stack([variables[j][1] for j in disc]).astype(np.int32))
        sizes = np.asarray([variables[j][2] for j in disc], dtype=np.int32)
        out[disc] = _k.ross(y[1][None, :], codes, sizes, k, n_threads)
    done = set(cont if (y[0] == "d" or k < n) else []) | set(disc)
    for j in pairs:
        if j not in done:
            out[j] = pair_mutual_info(variables[j], y, k, n_threads)
    return out


def knn_redundancy(
    prep: Prepared,
    cols: Columns,
    which: Sequence[int],
    s: int,
    counted: Callable[[list[int]], np.ndarray],
    k: int,
    n_threads: int,
) -> np.ndarray:
    """I(X_j; X_s) for j in ``which``: by nearest neighbours where either is continuous, else
    ``counted(columns)``."""
    which = list(which)
    out = np.empty(len(which))
    given = _variable(prep, cols, s, n_threads)
    discrete = [i for i, j in enumerate(which) if j not in prep.columns and given[0] == "d"]
    if discrete:
        out[discrete] = counted([which[i] for i in discrete])
    for i, j in enumerate(which):
        if j in prep.columns or given[0] == "c":
            out[i] = pair_mutual_info(_variable(prep, cols, j, n_threads), given, k, n_threads)
    return out
