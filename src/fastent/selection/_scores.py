# SPDX-License-Identifier: BSD-3-Clause
"""Mutual information of every column with a target, and of every pair of columns."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core.checks import log_base
from .._core.measures import estimator_code
from .._core.memory import allocate
from .._core.threads import effective_n_threads
from ._columns import Columns, code_columns, code_target
from ._sweeps import Bitsets, Sweeps

__all__ = ["mutual_info_matrix", "mutual_info_scores", "scoring"]


def scoring(
    X: Any, discrete: Any, n_bins: int, strategy: str, estimator: str, n_jobs: int | None
) -> tuple[Columns, int, int]:
    """(coded columns, estimator code, threads) of a scoring call, the arguments checked."""
    est = estimator_code(estimator)
    cols = code_columns(X, discrete, n_bins, strategy, effective_n_threads(n_jobs, 0))
    return cols, est, effective_n_threads(n_jobs, cols.n * len(cols.names))


def input_bytes(X: Any) -> int:
    """Bytes of the input (0 when it is not an array: a DataFrame, a list)."""
    return int(X.nbytes) if isinstance(X, np.ndarray) else 0


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
    r"""Mutual information :math:`I(X_j; y)` of every column with the target.

    Parameters
    ----------
    X : array_like or DataFrame of shape (n_samples, n_features)
        A 2-D array of any integer, bool or float dtype (C or F order), or a pandas / polars
        DataFrame with columns of mixed types (categorical, string, bool, int, float).
    y : array_like of shape (n_samples,)
        Target labels (as in :func:`fastent.discrete.mutual_info`).
    discrete : "auto", bool, bool mask or list of columns, default "auto"
        Which columns are discrete labels; the others are binned by :func:`discretize`.  "auto":
        integer, bool, categorical and string columns are discrete, float columns are binned.
    n_bins, strategy
        Binning of the continuous columns (see :func:`discretize`).
    estimator : {"plugin", "miller_madow", "shrinkage", "chao_shen"}, default "plugin"
        As in :func:`fastent.discrete.entropy`.
    base : float, optional
        Logarithm base of the result: None for nats, 2 for bits.
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    ndarray of float64, shape (n_features,)

    Raises
    ------
    ValueError
        NaN in a column (the message names it), X not 2-D or empty, a length mismatch.

    Notes
    -----
    Integer columns are counted in place, without a copy: each column's range is guessed from a
    sample of rows and checked by the counting kernel (a column that breaks it is re-encoded from
    its true range).  With the default plug-in estimator the scores equal
    ``sklearn.feature_selection.mutual_info_classif(X, y, discrete_features=True)``, so the
    function works as ``SelectKBest(score_func=mutual_info_scores)``.

    Examples
    --------
    >>> from fastent import selection
    >>> X = [[0, 1], [0, 0], [1, 1], [1, 0]]
    >>> selection.mutual_info_scores(X, [0, 0, 1, 1], base=2)
    array([1., 0.])
    """
    estimator_code(estimator)
    scale = log_base(base)
    cols, est, threads = scoring(X, discrete, n_bins, strategy, estimator, n_jobs)
    sweeps = Sweeps(cols, est, threads)
    scores = sweeps.mutual_info(
        range(len(cols.names)), sweeps.target(code_target(y, cols.n, threads))
    )
    return scores / scale if scale != 1.0 else scores


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
    r"""Pairwise mutual information :math:`I(X_i; X_j)` of the columns: symmetric, with the
    entropies :math:`H(X_i) = I(X_i; X_i)` on the diagonal.

    Parameters
    ----------
    X, discrete, n_bins, strategy, estimator, base, n_jobs
        As in :func:`mutual_info_scores`.

    Returns
    -------
    ndarray of float64, shape (n_features, n_features)

    Examples
    --------
    >>> from fastent import selection
    >>> selection.mutual_info_matrix([[0, 0], [0, 1], [1, 0], [1, 1]], base=2)
    array([[1., 0.],
           [0., 1.]])
    """
    estimator_code(estimator)
    scale = log_base(base)
    cols, est, threads = scoring(X, discrete, n_bins, strategy, estimator, n_jobs)
    p = len(cols.names)
    bitsets = Bitsets.build(cols, threads, input_bytes(X)) if p > 2 else None
    sweeps = Sweeps(cols, est, threads, bitsets)
    out = allocate((p, p), np.float64, f"the {p} x {p} matrix")
    for i in range(p):  # column i against columns i+1..p-1: each pair counted once
        out[i, i + 1 :] = out[i + 1 :, i] = sweeps.mutual_info(
            range(i + 1, p), sweeps.column_target(i)
        )
        out[i, i] = sweeps.entropy(i)  # H(X_i), any estimator
    return out / scale if scale != 1.0 else out
