# SPDX-License-Identifier: BSD-3-Clause
"""Mutual information of Dask arrays and DataFrames: per-partition count tables, summed by a tree.

Every partition is counted into a :class:`fastent.stream.MutualInfoAccumulator` where it lies
(one Dask task, fastent's own threads set to 1: Dask runs the tasks in parallel), the
accumulators are merged by a tree of tasks (``split_every`` at a time), and the last one gives
the scores, the selection or the matrix -- the numbers :mod:`fastent.selection` gives on the
computed data.  Only count tables travel between workers, never rows.  The functions run on the
current Dask scheduler: the local threads or processes, or a ``distributed`` cluster when a
``Client`` is active; with ``compute=False`` they return the lazy result (a ``Delayed``).

Continuous columns need bin edges fixed in advance (``edges=``, e.g. from
:func:`fastent.selection.discretize` on a sample).  Dask is an optional dependency:
``pip install 'fastentropy[dask]'``.

Examples
--------
>>> import numpy as np
>>> import dask.array as da
>>> import fastent.dask
>>> rng = np.random.default_rng(0)
>>> X = rng.integers(0, 3, (1000, 2))
>>> dX = da.from_array(X, chunks=(250, 2))
>>> dy = da.from_array(X[:, 0] == 2, chunks=250)
>>> fastent.dask.mutual_info_scores(dX, dy, base=2).round(2)
array([0.92, 0.  ])
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

try:
    from dask.base import is_dask_collection
    from dask.delayed import delayed
except ImportError:  # pragma: no cover - dask is an optional extra
    raise ImportError(
        "fastent.dask needs Dask: pip install 'fastentropy[dask]' (or pip install "
        "'dask[array,dataframe]' distributed)"
    ) from None

from ._core.checks import check_adjusted, check_k, log_base
from ._core.measures import estimator_code
from .selection import METHODS
from .stream import MutualInfoAccumulator

__all__ = ["accumulate", "mutual_info_matrix", "mutual_info_scores", "select_features"]

#: Where the per-partition tables come from, for error messages.
_WHAT = "fastent.dask takes Dask arrays and DataFrames"


def _collection(x: Any, name: str) -> str:
    """ "array", "frame" or "series" for a Dask collection, else a TypeError."""
    if is_dask_collection(x):
        import dask.array as da

        if isinstance(x, da.Array):
            return "array"
        if type(x).__module__.partition(".")[0] in ("dask", "dask_expr", "dask_cudf"):
            import dask.dataframe as dd

            if isinstance(x, dd.DataFrame):
                return "frame"
            if isinstance(x, dd.Series):
                return "series"
    raise TypeError(
        f"{_WHAT} ({name} is a {type(x).__name__}); for data in memory use fastent.selection, "
        "for data read chunk by chunk fastent.stream"
    )


def _parts(dX: Any, dy: Any) -> tuple[list[Any], list[Any] | None, Any, Any, str | None]:
    """(partitions of X, of y or None, X's metadata, y's, the target column name or None): the
    partitions as Delayed objects, X's columns in one chunk, y's chunks aligned with X's."""
    kind = _collection(dX, "dX")
    target = dy if isinstance(dy, str) else None
    if kind == "series":
        raise TypeError("dX must be 2-D: a Dask DataFrame or 2-D Dask array, got a Series")
    if kind == "array":
        if dX.ndim != 2:
            raise ValueError(f"dX must be a 2-D Dask array, got {dX.ndim} dimensions")
        if len(dX.chunks[1]) > 1:  # one chunk of columns: each task sees whole rows
            dX = dX.rechunk({1: -1})
        xs = list(dX.to_delayed().ravel())
        meta_x: Any = np.empty((0, dX.shape[1]), dtype=dX.dtype)
    else:
        if target is not None and target not in dX.columns:
            raise ValueError(f"dX has no column {target!r} (the target)")
        xs = list(dX.to_delayed())
        meta_x = dX._meta
        if target is not None:
            return xs, None, meta_x.drop(columns=[target]), meta_x[target], target
    if dy is None:
        return xs, None, meta_x, None, None
    if target is not None:
        raise TypeError("dy may be a column name only when dX is a Dask DataFrame")
    y_kind = _collection(dy, "dy")
    if y_kind == "frame" or (y_kind == "array" and dy.ndim != 1):
        raise ValueError("dy must be 1-D: a Dask Series or 1-D Dask array")
    if y_kind == "array":
        if kind == "array" and dy.chunks[0] != dX.chunks[0]:
            known = not any(np.isnan(dX.chunks[0])) and not any(np.isnan(dy.chunks[0]))
            if known and dy.shape[0] == dX.shape[0]:
                dy = dy.rechunk({0: dX.chunks[0]})
        ys = list(dy.to_delayed().ravel())
        meta_y: Any = np.empty(0, dtype=dy.dtype)
    elif kind == "frame":  # a Series: joined to dX, so Dask aligns the partitions (columns
        # of one source may be read in other partitions once projected apart)
        name = "__fastent_target__"
        while name in dX.columns:
            name += "_"
        return list(dX.assign(**{name: dy}).to_delayed()), None, meta_x, dy._meta, name
    else:
        ys = list(dy.to_delayed())
        meta_y = dy._meta
    if len(ys) != len(xs):
        raise ValueError(
            f"dX and dy must be split alike: dX has {len(xs)} row partitions, dy {len(ys)}"
        )
    return xs, ys, meta_x, meta_y, None


def _count(
    settings: dict[str, Any], X: Any, y: Any, i: int, target: str | None
) -> MutualInfoAccumulator:
    """The accumulator of partition i (one Dask task: fastent's own threads set to 1)."""
    if target is not None:
        X, y = X.drop(columns=[target]), X[target]
    elif y is None:  # the pairwise matrix: the tables against a constant target
        y = np.zeros(len(X), dtype=np.int8)
    return MutualInfoAccumulator(**settings, n_jobs=1).update(X, y, chunk=f"partition {i}")


def _merged(*parts: MutualInfoAccumulator) -> MutualInfoAccumulator:
    """The accumulators merged, in order (a node of the tree; the inputs are left as they are)."""
    out = copy.deepcopy(parts[0])
    for part in parts[1:]:
        out.merge(part)
    return out


def accumulate(
    dX: Any,
    dy: Any = None,
    *,
    discrete: Any = "auto",
    edges: Any = None,
    y_edges: Any = None,
    missing: str = "error",
    pairs: bool = False,
    split_every: int = 8,
    compute: bool = True,
) -> Any:
    """The :class:`~fastent.stream.MutualInfoAccumulator` of a Dask collection: every partition
    counted where it lies, the accumulators merged by a tree of tasks.

    Parameters
    ----------
    dX : dask.array.Array or dask.dataframe.DataFrame of shape (n_samples, n_features)
        A 2-D Dask array (its row chunks are the partitions; its columns are rechunked into
        one chunk) or a Dask DataFrame.
    dy : dask.array.Array, dask.dataframe.Series or str, optional
        The target: a 1-D Dask array or Series split into as many partitions as ``dX``, with
        the same rows each (a Dask array whose chunks differ from ``dX``'s is rechunked to
        them), or the name of ``dX``'s target column (then the other columns are the
        features, and each partition is read once).  None: a constant target (for the pairwise
        matrix).
    discrete, edges, y_edges, missing, pairs
        As in :class:`~fastent.stream.MutualInfoAccumulator`.
    split_every : int, default 8
        Accumulators merged by each task of the tree.
    compute : bool, default True
        Compute on the current scheduler, or return the lazy result (a ``dask.delayed``
        object whose ``.compute()`` gives the accumulator).

    Returns
    -------
    MutualInfoAccumulator, or a Delayed with ``compute=False``

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import fastent.dask
    >>> X = np.arange(12).reshape(6, 2) % 3
    >>> acc = fastent.dask.accumulate(da.from_array(X, chunks=(2, 2)), da.from_array(X[:, 0], 2))
    >>> acc.n_samples, acc.n_chunks
    (6, 3)
    """
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise ValueError(f"split_every must be an integer >= 2, got {split_every!r}")
    if not isinstance(compute, (bool, np.bool_)):
        raise TypeError(f"compute must be True or False, got {type(compute).__name__}")
    settings = {
        "discrete": discrete,
        "edges": edges,
        "y_edges": y_edges,
        "missing": missing,
        "pairs": pairs,
    }
    xs, ys, meta_x, meta_y, target = _parts(dX, dy)
    # the settings and the columns (names, kinds, edges) checked now, from the metadata
    meta_y = np.zeros(0, dtype=np.int8) if meta_y is None else meta_y
    MutualInfoAccumulator(**settings).update(meta_x, meta_y, chunk="dX's metadata")
    count = delayed(_count, pure=True)
    parts = [count(settings, x, None if ys is None else ys[i], i, target) for i, x in enumerate(xs)]
    merge = delayed(_merged, pure=True)
    while len(parts) > 1:  # a tree: each level merges split_every accumulators per task
        parts = [merge(*parts[i : i + split_every]) for i in range(0, len(parts), split_every)]
    return parts[0].compute() if compute else parts[0]


def _run(acc: Any, compute: bool, call: Any, **kwargs: Any) -> Any:
    """``call(accumulator, **kwargs)`` (a method of the accumulator's class) as the last
    task."""
    result = delayed(call, pure=True)(acc, **kwargs)
    return result.compute() if compute else result


def mutual_info_scores(
    dX: Any,
    dy: Any,
    *,
    discrete: Any = "auto",
    edges: Any = None,
    y_edges: Any = None,
    estimator: str = "plugin",
    base: float | None = None,
    missing: str = "error",
    adjusted: bool = False,
    split_every: int = 8,
    compute: bool = True,
) -> Any:
    r""":math:`I(X_j; y)` of every column of a Dask collection, as
    :func:`fastent.selection.mutual_info_scores` gives on the computed data.

    Parameters
    ----------
    dX, dy, split_every
        As in :func:`accumulate`.
    discrete, edges, y_edges, missing
        As in :class:`~fastent.stream.MutualInfoAccumulator`: continuous (float) columns need
        their bin edges.
    estimator, base, adjusted
        As in :func:`~fastent.selection.mutual_info_scores`.
    compute : bool, default True
        Compute on the current scheduler (a ``distributed`` cluster when a ``Client`` is
        active), or return the lazy result: a ``dask.delayed`` object whose ``.compute()``
        gives the array.

    Returns
    -------
    ndarray of float64, shape (n_features,), or a Delayed with ``compute=False``

    Raises
    ------
    TypeError
        ``dX`` or ``dy`` is not a Dask collection (use :mod:`fastent.selection`).
    ValueError
        Partitions that do not match, a continuous column without edges, and the errors of
        :meth:`~fastent.stream.MutualInfoAccumulator.update` (naming the partition).

    Examples
    --------
    >>> import pandas as pd
    >>> import dask.dataframe as dd
    >>> import fastent.dask
    >>> df = pd.DataFrame({"a": [0, 0, 1, 1] * 25, "b": ["u", "v"] * 50, "y": [0, 0, 1, 1] * 25})
    >>> ddf = dd.from_pandas(df, npartitions=4)
    >>> fastent.dask.mutual_info_scores(ddf, "y", base=2)  # dy: the target column's name
    array([1., 0.])
    """
    estimator_code(estimator)
    log_base(base)
    check_adjusted(adjusted, estimator)
    acc = accumulate(
        dX,
        dy,
        discrete=discrete,
        edges=edges,
        y_edges=y_edges,
        missing=missing,
        split_every=split_every,
        compute=False,
    )
    return _run(
        acc,
        compute,
        MutualInfoAccumulator.scores,
        estimator=estimator,
        base=base,
        adjusted=adjusted,
    )


def select_features(
    dX: Any,
    dy: Any,
    k: int,
    *,
    method: str = "mrmr",
    discrete: Any = "auto",
    edges: Any = None,
    y_edges: Any = None,
    estimator: str = "plugin",
    base: float | None = None,
    missing: str = "error",
    adjusted: bool = False,
    split_every: int = 8,
    compute: bool = True,
) -> Any:
    r"""Greedy selection of ``k`` columns of a Dask collection, as
    :func:`fastent.selection.select_features` gives on the computed data (one pass over the
    data: every pair's table is counted, so the tables take the sum over pairs of columns of
    the product of their level counts and the target's).

    Parameters
    ----------
    dX, dy, split_every
        As in :func:`accumulate`.
    k, method, estimator, base, adjusted
        As in :func:`~fastent.selection.select_features`.
    discrete, edges, y_edges, missing
        As in :class:`~fastent.stream.MutualInfoAccumulator`.
    compute : bool, default True
        Compute now, or return a ``dask.delayed`` object whose ``.compute()`` gives the
        result.

    Returns
    -------
    Selection, or a Delayed with ``compute=False``

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import fastent.dask
    >>> rng = np.random.default_rng(1)
    >>> a, b = rng.integers(0, 2, (2, 2000))
    >>> X = np.column_stack([a, a, b])  # column 1 duplicates column 0
    >>> y = 2 * a + (b ^ (rng.random(2000) < 0.1))
    >>> dX, dy = da.from_array(X, chunks=(500, 3)), da.from_array(y, chunks=500)
    >>> fastent.dask.select_features(dX, dy, 2, method="mrmr").indices
    array([0, 2])
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    estimator_code(estimator)
    log_base(base)
    check_adjusted(adjusted, estimator)
    if _collection(dX, "dX") == "array" and dX.ndim == 2:
        check_k(k, int(dX.shape[1]))
    elif _collection(dX, "dX") == "frame":
        check_k(k, len(dX.columns) - int(isinstance(dy, str) and dy in dX.columns))
    acc = accumulate(
        dX,
        dy,
        discrete=discrete,
        edges=edges,
        y_edges=y_edges,
        missing=missing,
        pairs=method != "mi",
        split_every=split_every,
        compute=False,
    )
    kwargs = {"k": k, "method": method, "estimator": estimator, "base": base}
    return _run(acc, compute, MutualInfoAccumulator.select, adjusted=adjusted, **kwargs)


def mutual_info_matrix(
    dX: Any,
    *,
    discrete: Any = "auto",
    edges: Any = None,
    estimator: str = "plugin",
    base: float | None = None,
    missing: str = "error",
    split_every: int = 8,
    compute: bool = True,
) -> Any:
    r"""Pairwise :math:`I(X_i; X_j)` of the columns of a Dask collection, as
    :func:`fastent.selection.mutual_info_matrix` gives on the computed data.

    Parameters
    ----------
    dX, split_every
        As in :func:`accumulate`.
    discrete, edges, missing
        As in :class:`~fastent.stream.MutualInfoAccumulator`.
    estimator, base
        As in :func:`~fastent.selection.mutual_info_matrix`.
    compute : bool, default True
        Compute now, or return a ``dask.delayed`` object whose ``.compute()`` gives the array.

    Returns
    -------
    ndarray of float64, shape (n_features, n_features), or a Delayed with ``compute=False``

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import fastent.dask
    >>> X = da.from_array(np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 10), chunks=(8, 2))
    >>> fastent.dask.mutual_info_matrix(X, base=2)
    array([[1., 0.],
           [0., 1.]])
    """
    estimator_code(estimator)
    log_base(base)
    acc = accumulate(
        dX,
        None,
        discrete=discrete,
        edges=edges,
        missing=missing,
        pairs=True,
        split_every=split_every,
        compute=False,
    )
    return _run(acc, compute, MutualInfoAccumulator.matrix, estimator=estimator, base=base)
