# SPDX-License-Identifier: BSD-3-Clause
"""scikit-learn transformer over :func:`fastent.selection.select_features`.

Imported on first access of ``fastent.selection.MutualInfoSelector``, so scikit-learn stays an
optional dependency (the ``sklearn`` extra).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator  # type: ignore[import-untyped]
    from sklearn.feature_selection import SelectorMixin  # type: ignore[import-untyped]
    from sklearn.utils import check_consistent_length  # type: ignore[import-untyped]
    from sklearn.utils.multiclass import type_of_target  # type: ignore[import-untyped]
    from sklearn.utils.validation import (  # type: ignore[import-untyped]
        check_is_fitted,
        column_or_1d,
        validate_data,
    )
except ImportError as exc:  # pragma: no cover - only without scikit-learn (>= 1.6)
    raise ImportError(
        "fastent.selection.MutualInfoSelector needs scikit-learn >= 1.6: "
        "pip install 'fastentropy[sklearn]'"
    ) from exc

from .._core.frames import eager, is_dataframe
from ._greedy import select

__all__ = ["MutualInfoSelector"]

#: Target types of ``sklearn.utils.multiclass.type_of_target`` the selector takes: class labels,
#: and a continuous target (binned, see ``discrete_target``).
_ONE_TARGET = ("binary", "multiclass", "continuous")


class MutualInfoSelector(SelectorMixin, BaseEstimator):  # type: ignore[misc]
    r"""Select features by mutual information with a class label: mRMR, JMI, CMIM or plain MI.

    A scikit-learn transformer over :func:`fastent.selection.select_features`: ``fit`` picks
    ``k`` columns greedily, ``transform`` keeps them.  Works in a ``Pipeline``, with
    ``get_support``, ``get_feature_names_out`` and ``set_output``.

    Parameters
    ----------
    k : int or "all", default 10
        Number of features to select.  More than the number of features warns and keeps them
        all (as ``SelectKBest`` does); ``"all"`` keeps them all (ranked, see ``ranking_``).
    method : {"mrmr", "mi", "jmi", "cmim"}, default "mrmr"
        The greedy criterion (see :func:`fastent.selection.select_features`): ``"mi"`` ranks by
        relevance :math:`I(X_j; y)` alone, ``"mrmr"`` subtracts the mean redundancy with the
        features already picked, ``"jmi"`` sums :math:`I(X_j, X_s; y)`, ``"cmim"`` takes the
        minimum of :math:`I(X_j; y \mid X_s)`.
    discrete : "auto", bool, bool mask or list of columns, default "auto"
        Which columns are discrete labels; the others are binned.  ``"auto"``: integer, bool,
        categorical and string columns are discrete, float columns are binned.
    n_bins : int, default 16
        Most bins per continuous column.
    strategy : {"quantile", "uniform"}, default "quantile"
        Equal-frequency or equal-width bins (see :func:`fastent.selection.discretize`).
    estimator : {"plugin", "miller_madow", "shrinkage", "chao_shen"}, default "plugin"
        Entropy estimator behind the mutual information.
    missing : {"error", "level", "drop"}, default "error"
        Missing values (NaN, None, nulls): an error listing the columns, a level of their own,
        or each term on the rows where its variables are present.
    discrete_target : bool, optional
        Whether ``y`` holds class labels; None decides as
        :func:`~fastent.selection.mutual_info_scores` does (a continuous target is binned).
    adjusted : bool, default False
        Chance-corrected terms (:math:`I - E[I]`), so ID-like and many-level columns do not win
        by chance.
    continuous : {"bin", "knn"}, default "bin"
        Continuous columns and targets by bins or by nearest neighbours (scikit-learn's
        estimators; see :func:`~fastent.selection.select_features`).
    n_neighbors : int, default 3
        Neighbours of the ``"knn"`` estimators.
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Attributes
    ----------
    selection_ : fastent.selection.Selection
        The full result of :func:`~fastent.selection.select_features`.
    selected_indices_ : ndarray of intp, shape (n_selected,)
        The selected columns in the order they were picked.
    scores_ : ndarray of float64, shape (`n_features_in_`,)
        Relevance :math:`I(X_j; y)` of every feature, in nats (minus :math:`E[I]` when
        ``adjusted``).
    pvalues_ : ndarray of float64, shape (`n_features_in_`,)
        G-test p-value of each feature's relevance (as
        :func:`~fastent.selection.mutual_info_test`).
    ranking_ : ndarray of intp, shape (`n_features_in_`,)
        Pick position of each feature: ``ranking_[j] == 1`` for the first pick, 2 for the second,
        and ``n_selected + 1`` for every feature not selected.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str, shape (`n_features_in_`,)
        Column names of a DataFrame passed to ``fit`` (when they are all strings).

    Notes
    -----
    ``y`` holds class labels (integers, strings, bools) or a continuous target, which is binned
    like a continuous column (the rule of :func:`~fastent.selection.mutual_info_scores`;
    ``discrete_target`` overrides it); a multi-output target is a ``ValueError``.  A DataFrame
    (pandas, polars, pyarrow) is scored column by column with its own column types
    (categorical and string columns included), exactly as
    :func:`~fastent.selection.select_features` scores it; a ``scipy.sparse`` matrix without
    densifying it; other inputs are validated by scikit-learn (numeric, finite unless
    ``missing`` allows NaN) first.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from fastent.selection import MutualInfoSelector
    >>> X, y = load_digits(return_X_y=True)
    >>> selector = MutualInfoSelector(k=5, method="mrmr").fit(X.astype(int), y)
    >>> selector.selected_indices_.tolist()
    [21, 33, 61, 43, 26]
    >>> selector.transform(X).shape
    (1797, 5)
    """

    def __init__(
        self,
        k: int | str = 10,
        method: str = "mrmr",
        *,
        discrete: Any = "auto",
        n_bins: int = 16,
        strategy: str = "quantile",
        estimator: str = "plugin",
        missing: str = "error",
        discrete_target: bool | None = None,
        adjusted: bool = False,
        continuous: str = "bin",
        n_neighbors: int = 3,
        n_jobs: int | None = None,
    ) -> None:
        self.k = k
        self.method = method
        self.discrete = discrete
        self.n_bins = n_bins
        self.strategy = strategy
        self.estimator = estimator
        self.missing = missing
        self.discrete_target = discrete_target
        self.adjusted = adjusted
        self.continuous = continuous
        self.n_neighbors = n_neighbors
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any) -> MutualInfoSelector:
        """Select the features of ``X`` by mutual information with the labels ``y``.

        Parameters
        ----------
        X : array_like or DataFrame of shape (n_samples, n_features)
            Training data.
        y : array_like of shape (n_samples,)
            Class labels or a continuous target.

        Returns
        -------
        self
        """
        self._check_params()
        X = eager(X)  # a lazy frame: every column is needed
        if is_dataframe(X):
            # keep the columns' own types (int columns stay discrete, strings are labels)
            X, y = validate_data(self, X, y, skip_check_array=True)
            y = column_or_1d(y, warn=True)
            check_consistent_length(X, y)
        else:
            finite = True if self.missing == "error" else "allow-nan"
            X, y = validate_data(
                self, X, y, dtype="numeric", accept_sparse=("csr", "csc"), ensure_all_finite=finite
            )
        _check_target(y)
        p = self.n_features_in_
        k = p if self.k == "all" else int(self.k)
        if k > p:
            warnings.warn(
                f"k={k} is greater than n_features={p}. All the features will be returned.",
                UserWarning,
                stacklevel=2,
            )
            k = p
        self.selection_ = select(
            X,
            y,
            k,
            method=self.method,
            discrete=self.discrete,
            n_bins=self.n_bins,
            strategy=self.strategy,
            estimator=self.estimator,
            missing=self.missing,
            discrete_target=self.discrete_target,
            adjusted=self.adjusted,
            continuous=self.continuous,
            n_neighbors=self.n_neighbors,
            n_jobs=self.n_jobs,
            pvalues=True,
        )
        self.selected_indices_ = self.selection_.indices
        self.scores_ = self.selection_.relevance
        self.pvalues_ = self.selection_.pvalues
        ranking = np.full(p, k + 1, dtype=np.intp)
        ranking[self.selected_indices_] = np.arange(1, k + 1)
        self.ranking_ = ranking
        return self

    def _check_params(self) -> None:
        k = self.k
        if isinstance(k, str):
            if k != "all":
                raise ValueError(f"k must be a positive integer or 'all', got {k!r}")
        elif isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral):
            raise TypeError(f"k must be a positive integer or 'all', got {type(k).__name__}")
        elif k < 1:
            raise ValueError(f"k must be a positive integer or 'all', got {k}")
        # the other parameters are checked by select_features, with the same messages

    def _get_support_mask(self) -> np.ndarray:
        check_is_fitted(self)
        mask = np.zeros(self.n_features_in_, dtype=bool)
        mask[self.selected_indices_] = True
        return mask

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True  # a supervised selector: y holds the class labels
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = self.missing != "error"
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]  # columns kept as they are
        return tags


def _check_target(y: np.ndarray) -> None:
    """One target (labels or continuous): a multi-output target is a ValueError."""
    kind = type_of_target(y, input_name="y")
    if kind not in _ONE_TARGET:
        raise ValueError(
            f"Unknown label type: {kind}. MutualInfoSelector scores features against one "
            "target: class labels or a continuous target (see discrete_target)"
        )
