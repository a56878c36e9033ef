# SPDX-License-Identifier: BSD-3-Clause
"""Mutual information of every column with a target, and of every pair of columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core.checks import check_adjusted, log_base
from .._core.codes import MissingValuesError, check_missing
from .._core.measures import estimator_code
from .._core.threads import effective_n_threads
from ._columns import (
    CodedTarget,
    Columns,
    MissingColumnsError,
    check_samples,
    code_columns,
    code_target,
    present_rows,
)
from ._neighbors import check_continuous, knn_relevance, prepare
from ._sweeps import Bitsets, Sweeps

__all__ = [
    "Scoring",
    "check_adjusted",
    "check_knn",
    "g_test_pvalues",
    "mutual_info_matrix",
    "mutual_info_scores",
    "mutual_info_test",
    "scoring",
]


@dataclass
class Scoring:
    """A scoring call's coded columns, estimator code and threads, and its coded target."""

    cols: Columns
    estimator: int
    threads: int
    target: CodedTarget | None = None


def scoring(
    X: Any,
    y: Any,
    discrete: Any,
    n_bins: int,
    strategy: str,
    estimator: str,
    n_jobs: int | None,
    missing: str = "error",
    discrete_target: bool | None = None,
    keep_values: bool = False,
) -> Scoring:
    """The columns (and, unless ``y`` is None, the target) of a scoring call coded, the
    arguments checked.  With ``missing="drop"`` the rows where ``y`` is missing are left out of
    the whole call (before any column is binned), as if dropped by hand."""
    est = estimator_code(estimator)
    check_missing(missing)
    threads = effective_n_threads(n_jobs, X.size if isinstance(X, np.ndarray) else 0)
    target, rows = None, None
    if y is not None and missing == "drop":  # the rows where y is missing leave the call
        target = code_target(y, None, threads, missing, discrete_target, n_bins, strategy)
        target, rows = present_rows(target)
    try:
        cols = code_columns(X, discrete, n_bins, strategy, threads, missing, rows, keep_values)
    except MissingColumnsError as err:  # one error that lists the target's gaps too
        if y is not None and target is None:
            try:
                code_target(y, None, threads, missing, discrete_target, n_bins, strategy)
            except MissingValuesError as gap:
                raise err.including(gap) from None
            except (TypeError, ValueError):
                pass  # the columns' error comes first
        raise
    threads = effective_n_threads(n_jobs, cols.n * len(cols.names))
    if y is not None and target is None:
        target = code_target(y, cols.n, threads, missing, discrete_target, n_bins, strategy)
    if target is not None:
        check_samples(cols.n, target.codes.data.shape[0])
    return Scoring(cols, est, threads, target)


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
    missing: str = "error",
    discrete_target: bool | None = None,
    adjusted: bool = False,
    continuous: str = "bin",
    n_neighbors: int = 3,
    n_jobs: int | None = None,
) -> np.ndarray:
    r"""Mutual information :math:`I(X_j; y)` of every column with the target.

    Parameters
    ----------
    X : array_like, DataFrame or sparse matrix of shape (n_samples, n_features)
        A 2-D array of any integer, bool or float dtype (C or F order); a DataFrame of any kind
        (pandas with NumPy, nullable, Arrow or Categorical columns, polars DataFrame or
        LazyFrame, a pyarrow Table or RecordBatch, anything with ``__arrow_c_stream__``) with
        columns of mixed types (categorical, string, bool, int, float); or a ``scipy.sparse``
        matrix, scored without densifying it (the implicit zeros are a level).  A Dask
        collection is a ``TypeError``: it is never computed behind your back.
    y : array_like of shape (n_samples,)
        Target: class labels (as in :func:`fastent.discrete.mutual_info`), or a continuous
        target, binned like a continuous column (see ``discrete_target``).
    discrete : "auto", bool, bool mask or list of columns, default "auto"
        Which columns are discrete labels; the others are binned by :func:`discretize`.  "auto":
        integer, bool, categorical and string columns are discrete, float columns are binned.
    n_bins, strategy
        Binning of the continuous columns (see :func:`discretize`).
    estimator : {"plugin", "miller_madow", "shrinkage", "chao_shen"}, default "plugin"
        As in :func:`fastent.discrete.entropy`.
    base : float, optional
        Logarithm base of the result: None for nats, 2 for bits.
    missing : {"error", "level", "drop"}, default "error"
        Missing values (NaN, None, ``pandas.NA``, NaT, Arrow and polars nulls): an error that
        lists every affected column; ``"level"``: missing is a level of its own (informative
        missingness scores); ``"drop"``: each column is scored on the rows where it and the
        target are both present (as if those rows were dropped by hand for that column).
    discrete_target : bool, optional
        Whether ``y`` holds class labels.  None (automatic): a numeric target is continuous
        when it has fractions (as scikit-learn's ``type_of_target``) or more than 20 distinct
        values with fewer than 20 rows per value (the diabetes target: 214 values in 442 rows),
        and is then binned with ``n_bins`` and ``strategy``; strings, bools and categoricals
        are labels.
    adjusted : bool, default False
        Score :math:`I - E[I]`, the expected mutual information under random permutation of the
        target (the hypergeometric model of the adjusted mutual information): a near-unique
        column (an ID) or one with many levels no longer wins by chance; its score is near 0.
        Needs ``estimator="plugin"`` (E[I] is the plug-in estimate's expectation).
    continuous : {"bin", "knn"}, default "bin"
        How pairs with a continuous column or target are estimated: from bins (``n_bins``,
        ``strategy``), or by nearest neighbours (``n_neighbors``): Kraskov et al. for two
        continuous variables, Ross for a continuous and a discrete one -- scikit-learn's
        ``mutual_info_classif`` / ``mutual_info_regression`` estimators, with their scaling and
        1e-10 noise (seeded with 0, so results are reproducible).  Discrete pairs are counted.
    n_neighbors : int, default 3
        Neighbours of the ``"knn"`` estimators.
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    ndarray of float64, shape (n_features,)

    Raises
    ------
    ValueError
        Missing values with ``missing="error"`` (the message lists the columns), X not 2-D or
        empty, a length mismatch.
    TypeError
        A Dask collection, a GPU array, a tensor that requires grad.

    Notes
    -----
    Integer columns are counted in place, without a copy: each column's range is guessed from a
    sample of rows and checked by the counting kernel (a column that breaks it is re-encoded from
    its true range).  String and categorical columns are coded by the frame library's own
    encoder.  With the default plug-in estimator the scores equal
    ``sklearn.feature_selection.mutual_info_classif(X, y, discrete_features=True)`` (dense or
    sparse X), so the function works as ``SelectKBest(score_func=mutual_info_scores)``.
    Unlike scikit-learn, ``discrete="auto"`` goes by dtype: float columns are binned, the
    others are labels (scikit-learn's ``"auto"`` treats all dense input as continuous).

    Examples
    --------
    >>> from fastent import selection
    >>> X = [[0, 1], [0, 0], [1, 1], [1, 0]]
    >>> selection.mutual_info_scores(X, [0, 0, 1, 1], base=2)
    array([1., 0.])
    """
    estimator_code(estimator)
    scale = log_base(base)
    adjusted = check_adjusted(adjusted, estimator)
    continuous, k = check_knn(continuous, n_neighbors, adjusted)
    knn = continuous == "knn"
    run = scoring(
        X, y, discrete, n_bins, strategy, estimator, n_jobs, missing, discrete_target, knn
    )
    assert run.target is not None
    sweeps = Sweeps(run.cols, run.estimator, run.threads, adjusted=adjusted)
    scores = sweeps.mutual_info(range(len(run.cols.names)), sweeps.target(run.target.codes))
    if knn:
        prepared = prepare(run.cols, run.target, run.threads)
        scores = knn_relevance(prepared, run.cols, run.target, scores, k, run.threads)
    return scores / scale if scale != 1.0 else scores


def check_knn(continuous: Any, n_neighbors: Any, adjusted: bool) -> tuple[str, int]:
    """(``continuous``, ``n_neighbors``) checked; the kNN estimates have no chance correction."""
    continuous, k = check_continuous(continuous, n_neighbors)
    if continuous == "knn" and adjusted:
        raise ValueError(
            "adjusted=True corrects binned or discrete estimates for chance; it does not apply "
            "to continuous='knn'"
        )
    return continuous, k


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
    r"""Pairwise mutual information :math:`I(X_i; X_j)` of the columns: symmetric, with the
    entropies :math:`H(X_i) = I(X_i; X_i)` on the diagonal.

    Parameters
    ----------
    X, discrete, n_bins, strategy, estimator, base, missing, n_jobs
        As in :func:`mutual_info_scores` (``missing="drop"``: each pair on the rows where
        both are present).

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
    run = scoring(X, None, discrete, n_bins, strategy, estimator, n_jobs, missing)
    cols, threads = run.cols, run.threads
    p = len(cols.names)
    bitsets = Bitsets.build(cols, threads, input_bytes(X)) if p > 2 else None
    out = Sweeps(cols, run.estimator, threads, bitsets).matrix()
    return out / scale if scale != 1.0 else out


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
    r"""Mutual information of every column with the target and its p-value (G-test).

    Under independence of :math:`X_j` and :math:`y`, :math:`G = 2 N \hat I(X_j; y)` (plug-in,
    nats, N rows) is asymptotically :math:`\chi^2` with :math:`(k_x - 1)(k_y - 1)` degrees of
    freedom, :math:`k` the levels seen.  Usable as ``score_func`` of scikit-learn's
    ``SelectFpr``, ``SelectFdr``, ``SelectFwe`` and ``GenericUnivariateSelect``.  Needs SciPy.

    Parameters
    ----------
    X, y, discrete, n_bins, strategy, missing, discrete_target, n_jobs
        As in :func:`mutual_info_scores`.

    Returns
    -------
    scores : ndarray of float64, shape (n_features,)
        Plug-in :math:`I(X_j; y)` in nats.
    pvalues : ndarray of float64, shape (n_features,)
        ``scipy.stats.chi2_contingency(table, correction=False,
        lambda_="log-likelihood").pvalue`` of each column's table (1 for a constant column).

    Examples
    --------
    >>> import numpy as np
    >>> from fastent import selection
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 500)
    >>> X = np.column_stack([y ^ (rng.random(500) < 0.2), rng.integers(0, 2, 500)])
    >>> scores, pvalues = selection.mutual_info_test(X, y)
    >>> bool(pvalues[0] < 1e-10), bool(pvalues[1] > 0.01)
    (True, True)
    """
    run = scoring(X, y, discrete, n_bins, strategy, "plugin", n_jobs, missing, discrete_target)
    assert run.target is not None
    sweeps = Sweeps(run.cols, run.estimator, run.threads)
    stats = sweeps.g_test(range(len(run.cols.names)), sweeps.target(run.target.codes))
    return stats[:, 0], g_test_pvalues(stats)


def g_test_pvalues(stats: np.ndarray) -> np.ndarray:
    """p-values of G = 2 * rows * I against chi-squared with the degrees of freedom, from the
    rows (I, rows, dof) of ``Sweeps.g_test``; 1 where there is no freedom (a constant column)."""
    try:
        from scipy.stats import chi2
    except ImportError:  # pragma: no cover - SciPy comes with scikit-learn
        raise ImportError("G-test p-values need SciPy: pip install scipy") from None
    mi, rows, dof = stats[:, 0], stats[:, 1], stats[:, 2]
    return np.asarray(np.where(dof > 0, chi2.sf(2.0 * rows * mi, np.maximum(dof, 1)), 1.0))
