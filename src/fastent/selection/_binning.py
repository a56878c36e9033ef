# SPDX-License-Identifier: BSD-3-Clause
"""Binning of continuous columns: the codes the scorers count for a float column."""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np

from .._core.checks import check_binning
from .._core.frames import as_frame, as_matrix, column_data

__all__ = ["bin_column", "bin_with_edges", "discretize"]


def _midpoint(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """(a + b) / 2 without overflow near the largest floats."""
    return np.asarray(a) / 2 + np.asarray(b) / 2


def _halving(values: np.ndarray) -> float:
    """2 when differences of ``values`` could overflow (beyond a quarter of the float range),
    else 1."""
    return 2.0 if float(np.abs(values).max()) > np.finfo(np.float64).max / 4 else 1.0


#: Columns with ties and at most this many distinct values get tie-aware equal-frequency bins.
MERGE_LEVELS = 4096


def _levels(values: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(sorted distinct values, counts) of a column with ties and at most MERGE_LEVELS distinct
    values, else None (an evenly spaced sample rules most columns out without sorting them;
    below 8,192 values the sample would be the column itself, sorted once instead)."""
    step = values.size // 4096
    if step > 1 and np.unique(values[::step]).size > MERGE_LEVELS:
        return None
    levels, counts = np.unique(values, return_counts=True)
    if levels.size > MERGE_LEVELS or (levels.size == values.size and levels.size > n_bins):
        return None  # many values, or no ties: quantile edges
    return levels, counts


def _merged_edges(levels: np.ndarray, counts: np.ndarray, n_bins: int) -> np.ndarray:
    """Edges of equal-frequency bins that never split a value: starting from one bin per
    distinct value, the adjacent pair of bins with the smallest total count (the leftmost of
    equal ones) is merged until ``n_bins`` remain; each edge lies halfway between the last value
    of a bin and the first of the next."""
    m = levels.size
    right = list(range(1, m + 1))  # the bins form a linked list: bin i covers levels[i:right[i]]
    left = list(range(-1, m - 1))
    total = [int(c) for c in counts]
    heap = [(total[i] + total[i + 1], i, i + 1) for i in range(m - 1)]
    heapq.heapify(heap)
    bins = m
    while bins > n_bins:
        pair, i, j = heapq.heappop(heap)
        if right[i] != j or j >= m or total[i] + total[j] != pair or left[j] != i:
            continue  # a stale pair: one of its bins has been merged since
        total[i] = pair
        right[i] = right[j]
        left[j] = -2  # j is gone
        if right[i] < m:
            left[right[i]] = i
            heapq.heappush(heap, (total[i] + total[right[i]], i, right[i]))
        if left[i] >= 0:
            heapq.heappush(heap, (total[left[i]] + total[i], left[i], i))
        bins -= 1
    starts, i = [], 0
    while i < m:
        starts.append(i)
        i = right[i]
    cut = np.asarray(starts[1:], dtype=np.intp)
    return np.concatenate([levels[:1], _midpoint(levels[cut - 1], levels[cut]), levels[-1:]])


def _quantile_edges(values: np.ndarray, n_bins: int) -> np.ndarray:
    """Quantile edges (np.quantile's linear interpolation, as KBinsDiscretizer); a value that
    holds at least one quantile bin's worth of samples (it repeats among the edges) gets a bin
    of its own: an edge is added halfway to the next distinct value (the previous one for the
    maximum), so it is never merged with its neighbours."""
    # near +-1e308, quantiles of x / 2, doubled (exact, and no overflow interpolating); not
    # elsewhere: halving would flush the smallest subnormals to 0
    scale = _halving(values)
    raw = scale * np.quantile(values / scale, np.linspace(0.0, 1.0, n_bins + 1))
    edges = np.unique(raw)
    heavy = np.unique(raw[1:][raw[1:] == raw[:-1]])
    top = edges[-1]
    splits = []
    for v in heavy:
        if v < top:
            splits.append(_midpoint(v, values[values > v].min()))
        elif edges.size > 1:  # the maximum: its bin starts halfway from the value below it
            splits.append(_midpoint(values[values < v].max(), v))
    return np.unique(np.concatenate([edges, np.asarray(splits, dtype=np.float64)]))


def _bin_edges(values: np.ndarray, n_bins: int, strategy: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, edges) of a finite float column.

    At most ``n_bins`` distinct values: one bin per value, the edges halfway between them.
    Otherwise ``uniform``: equal widths; ``quantile``: for a column with ties and at most
    MERGE_LEVELS distinct values, equal-frequency bins that never split or needlessly merge a
    value (``_merged_edges``), else quantile edges with heavy ties cut out."""
    found = _levels(values, n_bins)
    if found is not None and (found[0].size <= n_bins or strategy == "quantile"):
        levels, counts = found
        if levels.size <= n_bins:
            edges = np.concatenate([levels[:1], _midpoint(levels[:-1], levels[1:]), levels[-1:]])
            return np.searchsorted(levels, values), edges
        edges = _merged_edges(levels, counts, n_bins)
    elif strategy == "quantile":
        edges = _quantile_edges(values, n_bins)
    else:  # equal widths over [min, max] (on x / 2 near +-1e308: max - min cannot overflow)
        scale = _halving(values)
        lo, hi = values.min() / scale, values.max() / scale
        edges = np.unique(scale * np.linspace(lo, hi, n_bins + 1))
    return bin_with_edges(values, edges), edges


def bin_with_edges(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin of each value: k where ``edges[k] <= value < edges[k + 1]``, the last bin including
    its right edge; values below the first edge fall in the first bin, values above the last in
    the last (the binning of :func:`discretize`, with edges fixed in advance)."""
    return np.searchsorted(edges[1:-1], values, side="right")


def bin_column(
    column: np.ndarray, n_bins: int, strategy: str, name: str, edges: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(codes, edges) of one numeric column (binned with ``edges`` when given, else with edges
    from its values); NaN or inf is a ValueError naming the column."""
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
        codes, edges = _bin_edges(values, n_bins, strategy)
    else:
        codes = bin_with_edges(values, edges)
    return codes.astype(np.uint8 if edges.size <= 257 else np.uint16), edges


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
            values = data.values.astype(np.float64)
            if data.missing is not None:
                values[data.missing] = np.nan  # bin_column names the first missing row
            columns.append(values)
    else:
        arr = as_matrix(X, "X")
        names = [str(j) for j in range(arr.shape[1])]
        columns = [arr[:, j] for j in range(arr.shape[1])]
    pairs = [bin_column(c, n_bins, strategy, name) for name, c in zip(names, columns, strict=True)]
    width = np.uint16 if any(c.dtype == np.uint16 for c, _ in pairs) else np.uint8
    codes = np.empty((pairs[0][0].shape[0], len(pairs)), dtype=width, order="F")
    for j, (c, _) in enumerate(pairs):
        codes[:, j] = c
    return codes, [e for _, e in pairs]
