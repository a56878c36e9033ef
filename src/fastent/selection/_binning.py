# SPDX-License-Identifier: BSD-3-Clause
"""Binning of continuous columns: the codes the scorers count for a float column."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.checks import check_binning
from .._core.frames import split_columns

__all__ = ["bin_column", "discretize"]


def _bin_edges(column: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    if strategy == "quantile":
        edges = np.quantile(column, np.linspace(0.0, 1.0, n_bins + 1))
    else:
        edges = np.linspace(column.min(), column.max(), n_bins + 1)
    return np.unique(edges)


def bin_column(
    column: np.ndarray, n_bins: int, strategy: str, name: str
) -> tuple[np.ndarray, np.ndarray]:
    """(codes, edges) of one numeric column; NaN or inf is a ValueError naming the column."""
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
    edges = _bin_edges(values, n_bins, strategy)
    codes = np.searchsorted(edges[1:-1], values, side="right")
    return codes.astype(np.uint8 if edges.size <= 257 else np.uint16), edges


def discretize(
    X: Any, *, n_bins: int = 16, strategy: str = "quantile"
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Bin every column of ``X`` into at most ``n_bins`` intervals: the binning the scorers use.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        Numeric columns (a 2-D array or a DataFrame).
    n_bins : int, default 16
        Most bins per column (fewer where edges coincide, e.g. a column with few distinct values).
    strategy : {"quantile", "uniform"}, default "quantile"
        Equal-frequency edges (quantiles of the column) or equal-width edges between its min and
        max, as scikit-learn's ``KBinsDiscretizer``.

    Returns
    -------
    codes : ndarray of shape (n_samples, n_features), uint8 (uint16 for more than 256 bins)
        Bin of each value: ``codes[i, j] = k`` when ``edges[j][k] <= X[i, j] < edges[j][k + 1]``
        (the last bin includes its right edge).
    edges : list of ndarray
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
    """
    check_binning(n_bins, strategy)
    names, columns = split_columns(X, "X")
    pairs = [bin_column(c, n_bins, strategy, name) for name, c in zip(names, columns, strict=True)]
    width = np.uint16 if any(c.dtype == np.uint16 for c, _ in pairs) else np.uint8
    codes = np.empty((columns[0].shape[0], len(pairs)), dtype=width, order="F")
    for j, (c, _) in enumerate(pairs):
        codes[:, j] = c
    return codes, [e for _, e in pairs]
