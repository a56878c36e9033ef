# SPDX-License-Identifier: BSD-3-Clause
"""Binning of continuous columns: the codes the scorers count for a float column."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from .._core.checks import check_binning
from .._core.frames import as_frame, as_matrix, column_data
from .._core.threads import effective_n_threads
from .._kernels import counting as _counting

__all__ = ["bin_column", "bin_columns", "discretize"]


def _midpoint(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """(a + b) / 2 without overflow near the largest floats."""
    return np.asarray(a) / 2 + np.asarray(b) / 2


def _halving(values: np.ndarray) -> float:
    """2 when differences of ``values`` could overflow (beyond a quarter of the float range),
    else 1."""
    return 2.0 if float(np.abs(values).max()) > np.finfo(np.float64).max / 4 else 1.0


#: Columns with ties and at most this many distinct values get tie-aware equal-frequency bins.
MERGE_LEVELS = 4096


def _linear_quantiles(ordered: np.ndarray, n_bins: int) -> np.ndarray:
    """The ``n_bins + 1`` evenly spaced quantiles from 0 to 1 of each column of ``ordered``
    (sorted along axis 0, at least one row), rows of the result: ``np.quantile``'s "linear"
    method (the default, as ``KBinsDiscretizer``) to the bit, read off the sorted values instead
    of partitioning them again."""
    n = ordered.shape[0]
    virtual = (n - 1) * np.linspace(0.0, 1.0, n_bins + 1)
    below = np.floor(virtual).astype(np.intp)
    below[virtual >= n - 1] = n - 1  # the maximum: both neighbours are the last value
    above = np.minimum(below + 1, n - 1)
    gamma = (virtual - np.where(virtual >= n - 1, -1, below)).reshape(
        (-1,) + (1,) * (ordered.ndim - 1)
    )
    a, b = ordered[below], ordered[above]
    diff = b - a
    return np.asarray(np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma))


def _merged_edges(levels: np.ndarray, counts: np.ndarray, n_bins: int) -> np.ndarray:
    """Edges of equal-frequency bins that never split a value: starting from one bin per
    distinct value, the adjacent pair of bins with the smallest total count (the leftmost of
    equal ones) is merged until ``n_bins`` remain (the kernel's heap); each edge lies halfway
    between the last value of a bin and the first of the next."""
    cut = _counting.merge_bins(np.asarray(counts, dtype=np.int64), n_bins)[1:]
    return np.concatenate([levels[:1], _midpoint(levels[cut - 1], levels[cut]), levels[-1:]])


def _quantile_edges(ordered: np.ndarray, n_bins: int) -> np.ndarray:
    """Quantile edges of a sorted column (``_linear_quantiles``); a value that holds at least
    one quantile bin's worth of samples (it repeats among the edges) gets a bin of its own: an
    edge is added halfway to the next distinct value (the previous one for the maximum), so it
    is never merged with its neighbours."""
    # near +-1e308, quantiles of x / 2, doubled (exact, and no overflow interpolating); not
    # elsewhere: halving would flush the smallest subnormals to 0
    scale = _halving(ordered[[0, -1]])
    raw = scale * _linear_quantiles(ordered / scale, n_bins)
    edges = np.unique(raw)
    heavy = np.unique(raw[1:][raw[1:] == raw[:-1]])
    top = edges[-1]
    splits = []
    for v in heavy:
        if v < top:
            splits.append(_midpoint(v, ordered[np.searchsorted(ordered, v, side="right")]))
        elif edges.size > 1:  # the maximum: its bin starts halfway from the value below it
            splits.append(_midpoint(ordered[np.searchsorted(ordered, v) - 1], v))
    return np.unique(np.concatenate([edges, np.asarray(splits, dtype=np.float64)]))


def _column_edges(
    ordered: np.ndarray, first: np.ndarray, n_bins: int, strategy: str
) -> tuple[np.ndarray, np.ndarray]:
    """(edges, cuts) of a sorted finite column, ``first`` marking the first of each run of equal
    values; a value's code is the number of cuts at or below it.

    At most ``n_bins`` distinct values: one bin per value, the edges halfway between them (the
    cuts: the values but the first).  Otherwise ``uniform``: equal widths; ``quantile``: for a
    column with ties and at most MERGE_LEVELS distinct values, equal-frequency bins that never
    split or needlessly merge a value (``_merged_edges``), else quantile edges with heavy ties
    cut out (``_quantile_edges``); the cuts are the inner edges."""
    levels = ordered[first]
    if levels.size <= n_bins:
        edges = np.concatenate([levels[:1], _midpoint(levels[:-1], levels[1:]), levels[-1:]])
        return edges, levels[1:]
    if strategy == "quantile" and levels.size < ordered.size and levels.size <= MERGE_LEVELS:
        counts = np.diff(np.append(np.flatnonzero(first), ordered.size))
        edges = _merged_edges(levels, counts, n_bins)
    elif strategy == "quantile":
        edges = _quantile_edges(ordered, n_bins)
    else:  # equal widths over [min, max] (on x / 2 near +-1e308: max - min cannot overflow)
        scale = _halving(ordered[[0, -1]])
        lo, hi = ordered[0] / scale, ordered[-1] / scale
        edges = np.unique(scale * np.linspace(lo, hi, n_bins + 1))
    return edges, edges[1:-1]


def _bin_finite(
    values: np.ndarray,
    ordered: np.ndarray,
    n_bins: int,
    strategy: str,
    n_threads: int,
    out: np.ndarray,
) -> list[np.ndarray]:
    """:func:`bin_columns` of a chunk of finite float64 columns ``values`` (any strides): the
    codes into ``out``, the edges returned; ``ordered``, an F-ordered copy of them of its own, is
    sorted in place."""
    n, p = values.shape
    ordered.sort(axis=0)  # a contiguous column at a time
    first = np.empty((n, p), dtype=bool, order="F")
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    n_distinct = np.count_nonzero(first, axis=0)
    # the columns whose edges follow one rule for all (``_column_edges``' quantiles without
    # ties, or equal widths), away from the float range's ends (no halving), taken at once
    top = np.finfo(np.float64).max / 4
    ruled = (n_distinct > n_bins) & (np.maximum(-ordered[0], ordered[-1]) <= top)
    if strategy == "quantile":
        ruled &= (n_distinct == n) | (n_distinct > MERGE_LEVELS)
        with np.errstate(over="ignore", invalid="ignore"):  # (the halved columns: not ruled)
            common = _linear_quantiles(ordered, n_bins)[:, ruled]
    else:  # (a step of 0, a subnormal range, would change linspace's arithmetic for all)
        with np.errstate(over="ignore"):  # the ranges past the float range are not ruled
            ruled &= (ordered[-1] - ordered[0]) / n_bins != 0
        common = np.linspace(ordered[0, ruled], ordered[-1, ruled], n_bins + 1)
    increasing = (common[1:] > common[:-1]).all(axis=0)  # no ties among the edges to undo
    common = np.ascontiguousarray(common[:, increasing].T)  # a row of edges a column
    taken = np.zeros(p, dtype=bool)
    taken[np.flatnonzero(ruled)[increasing]] = True
    edges: list[np.ndarray] = [np.empty(0)] * p
    for i, j in enumerate(np.flatnonzero(taken).tolist()):
        edges[j] = common[i]
    cuts = {
        j: _column_edges(ordered[:, j], first[:, j], n_bins, strategy)
        for j in np.flatnonzero(~taken).tolist()
    }
    width = max([n_bins - 1 if common.size else 1] + [c.size for _, c in cuts.values()])
    matrix = np.full((p, width), np.inf)
    n_cuts = np.zeros(p, dtype=np.intp)
    if common.size:
        matrix[taken, : n_bins - 1] = common[:, 1:-1]
        n_cuts[taken] = n_bins - 1
    for j, (e, c) in cuts.items():
        edges[j], matrix[j, : c.size], n_cuts[j] = e, c, c.size
    _counting.bin_columns(values, matrix, n_cuts, out, n_threads)
    return edges


def _in_a_row(columns: list[int]) -> slice | None:
    """``columns`` as a slice when they follow one another (a view, not a copy, of an array's)."""
    return (
        slice(columns[0], columns[-1] + 1)
        if columns == list(range(columns[0], columns[-1] + 1))
        else None
    )


def _chunk(values: np.ndarray | Sequence[Any], columns: list[int]) -> np.ndarray:
    """Columns ``columns`` of ``values`` (a 2-D array, or a sequence of 1-D columns of one length)
    as a float64 F-ordered 2-D array of their own."""
    if isinstance(values, np.ndarray):
        run = _in_a_row(columns)
        return np.array(values[:, columns if run is None else run], np.float64, order="F")
    out = np.empty((len(values[columns[0]]), len(columns)), np.float64, order="F")
    for i, j in enumerate(columns):
        out[:, i] = values[j]
    return out


def _bin_chunk(
    values: np.ndarray | Sequence[Any],
    columns: list[int],
    n_bins: int,
    strategy: str,
    n_threads: int,
    out: np.ndarray,
) -> list[np.ndarray | None]:
    """:func:`bin_columns` of a chunk of columns: their codes into ``out``, their edges returned
    (None for a column with NaN or inf: not binned)."""
    chunk = _chunk(values, columns)
    finite = np.isfinite(chunk).all(axis=0)
    if finite.all():
        run = _in_a_row(columns)
        if (  # float64 columns in a row of an array: binned where they lie, the copy sorted
            isinstance(values, np.ndarray)
            and values.dtype == np.float64
            and values.flags.aligned
            and run is not None
        ):
            return list(_bin_finite(values[:, run], chunk, n_bins, strategy, n_threads, out))
        return list(_bin_finite(chunk, chunk.copy(order="F"), n_bins, strategy, n_threads, out))
    edges: list[np.ndarray | None] = [None] * len(columns)
    kept = np.flatnonzero(finite)
    if kept.size:
        codes = np.empty((chunk.shape[0], kept.size), dtype=out.dtype, order="F")
        part = np.asfortranarray(chunk[:, kept])
        found = _bin_finite(part, part.copy(order="F"), n_bins, strategy, n_threads, codes)
        out[:, kept] = codes
        for i, e in zip(kept.tolist(), found, strict=True):
            edges[i] = e
    return edges


#: Most values :func:`bin_columns` sorts at once, a chunk of columns (its temporaries: about three
#: copies of them).
SORT_CHUNK = 1 << 22
#: Fewest values binned by a pool of threads (starting one costs ~0.1-1 ms; sorting a million
#: values ~10 ms).
POOL_MIN = 1 << 20


def bin_columns(
    values: np.ndarray | Sequence[Any],
    n_bins: int,
    strategy: str,
    n_threads: int,
    columns: Sequence[int] | None = None,
) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """(codes, edges) of the columns ``columns`` (default: all) of ``values``, a 2-D array or a
    sequence of 1-D columns of one length, of numbers: ``_column_edges`` of each column (None for
    a column with NaN or inf, which is not binned: its codes are meaningless), and the bin of
    each value, F-ordered uint8 codes (uint16 when a column has more than 257 edges).

    Chunks of columns of at most about SORT_CHUNK values, each copied as float64 (no copy of the
    whole table): a chunk sorted in one call, the edges of its columns of many distinct values by
    one rule for all where that gives no ties, the others column by column, and the codes in one
    kernel pass.  From POOL_MIN values and with several threads, at least one chunk a thread, the
    chunks going to a pool of ``n_threads`` Python threads (NumPy's sort and the kernel release
    the GIL), each binning its chunk on one thread."""
    if columns is None:
        columns = range(values.shape[1] if isinstance(values, np.ndarray) else len(values))
    picked = list(columns)
    if isinstance(values, np.ndarray):
        n = values.shape[0]
    else:
        n = len(values[picked[0]]) if picked else 0
    p = len(picked)
    codes = np.empty((n, p), dtype=np.uint8 if n_bins <= 256 else np.uint16, order="F")
    if n == 0 or p == 0:  # no values (a target of no samples): no edges
        return codes.astype(np.uint8, order="F"), [np.empty(0) for _ in range(p)]
    n_chunks = -(-n * p // SORT_CHUNK)
    pooled = n_threads > 1 and p > 1 and n * p >= POOL_MIN
    if pooled:
        n_chunks = max(n_chunks, min(n_threads, p))
    step = -(-p // n_chunks)
    chunks = [slice(a, a + step) for a in range(0, p, step)]

    def bin_chunk(chunk: slice) -> list[np.ndarray | None]:
        threads = 1 if pooled else n_threads
        return _bin_chunk(values, picked[chunk], n_bins, strategy, threads, codes[:, chunk])

    if pooled:
        with ThreadPoolExecutor(n_threads) as pool:
            parts = list(pool.map(bin_chunk, chunks))
    else:
        parts = [bin_chunk(c) for c in chunks]
    edges = [e for part in parts for e in part]
    if codes.dtype == np.uint16 and all(e is None or e.size <= 257 for e in edges):
        codes = codes.astype(np.uint8, order="F")
    return codes, edges


def bin_column(
    column: np.ndarray,
    n_bins: int,
    strategy: str,
    name: str,
    edges: np.ndarray | None = None,
    n_threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """(codes, edges) of one numeric column (binned with ``edges`` when given, else with edges
    from its values, as :func:`bin_columns`); NaN or inf is a ValueError naming the column."""
    try:
        values = np.asarray(column, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"column {name} is not numeric ({getattr(column, 'dtype', type(column).__name__)}): "
            "it cannot be binned; mark it discrete"
        ) from None
    finite = np.isfinite(values)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"column {name} has a non-finite value at row {i} ({values[i]!r})")
    if edges is None:
        codes, found = bin_columns(values[:, None], n_bins, strategy, n_threads)
        assert found[0] is not None  # finite
        return codes[:, 0], found[0]
    codes = np.empty((values.size, 1), dtype=np.uint8 if edges.size <= 257 else np.uint16)
    cuts = np.ascontiguousarray(edges[None, 1:-1]) if edges.size > 2 else np.full((1, 1), np.inf)
    n_cuts = np.array([edges.size - 2], dtype=np.intp)
    _counting.bin_columns(values[:, None], cuts, n_cuts, codes, n_threads)
    return codes[:, 0], edges


def discretize(X: Any, *, n_bins: int = 16, strategy: str = "quantile") -> tuple[np.ndarray, Any]:
    """Bin every column of ``X`` into at most ``n_bins`` intervals: the binning the scorers use.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features) or (n_samples,)
        Numeric columns (a 2-D array or a DataFrame), or one column (a 1-D array).
    n_bins : int, default 16
        Most bins per column.  A column with at most ``n_bins`` distinct values is coded by its
        values: one bin per value, the edges halfway between them.
    strategy : {"quantile", "uniform"}, default "quantile"
        For columns with more distinct values: equal-frequency edges (quantiles of the column) or
        equal-width edges between its min and max, as scikit-learn's ``KBinsDiscretizer``.  A
        value that holds a quantile bin's worth of samples or more gets a bin of its own (a
        heavy tie is never merged with its neighbours).

    Returns
    -------
    codes : ndarray of shape (n_samples, n_features) or (n_samples,)
        uint8 (uint16 for more than 256 bins).  Bin of each value: ``codes[i, j] = k`` when
        ``edges[j][k] <= X[i, j] < edges[j][k + 1]`` (the last bin includes its right edge).
    edges : list of ndarray, or ndarray for 1-D input
        The bin edges of each column, increasing, from the column's min to its max.

    Raises
    ------
    ValueError
        NaN or inf in a column (the message names it), a bad ``n_bins`` or ``strategy``.

    Examples
    --------
    >>> from fastent import selection
    >>> codes, edges = selection.discretize([[0.0], [1.0], [2.0], [3.0]], n_bins=2)
    >>> codes.ravel().tolist(), edges[0].tolist()
    ([0, 0, 1, 1], [0.0, 1.5, 3.0])
    >>> codes, edges = selection.discretize([1.0, 2.0, 3.0])  # few values: one bin each
    >>> codes.tolist(), edges.tolist()
    ([0, 1, 2], [1.0, 1.5, 2.5, 3.0])
    """
    check_binning(n_bins, strategy)
    frame = as_frame(X, "X")
    if frame is None and np.ndim(X) == 1:
        codes, edges = discretize(np.asarray(X)[:, None], n_bins=n_bins, strategy=strategy)
        return codes[:, 0], edges[0]
    if frame is not None:
        names = frame.names
        columns: list[Any] = []
        for name, c in zip(names, frame.columns, strict=True):
            data = column_data(c)
            if data is None or data.values is None or data.kind == "O":
                raise TypeError(f"column {name} is not numeric: it cannot be binned")
            numbers = data.values.astype(np.float64)
            if data.missing is not None:
                numbers[data.missing] = np.nan  # bin_column names the first missing row
            columns.append(numbers)
        values: np.ndarray | list[Any] = columns
        n = len(columns[0])
    else:
        arr = as_matrix(X, "X")
        names = [str(j) for j in range(arr.shape[1])]
        try:
            values = arr if arr.dtype.kind in "biuf" else arr.astype(np.float64)
        except (TypeError, ValueError):
            for j in range(arr.shape[1]):  # the first column that is not numbers: its error
                bin_column(arr[:, j], n_bins, strategy, names[j])
            raise
        n = arr.shape[0]
    n_threads = effective_n_threads(None, n * len(names))
    codes, edges = bin_columns(values, n_bins, strategy, n_threads)
    for j, e in enumerate(edges):
        if e is None:  # the first column with NaN or inf: its error
            column = values[j] if isinstance(values, list) else values[:, j]
            bin_column(column, n_bins, strategy, names[j])
    return codes, edges
