# SPDX-License-Identifier: BSD-3-Clause
"""Information from samples of discrete variables: counts in, entropies and mutual information out.

Every function takes 1-D label arrays of equal length: integers of any width and sign, bools,
floats with integer or categorical meaning, strings, objects, pandas Categoricals, pandas/polars
series.  The samples are counted once into a joint table by the C kernels of
``_kernels/counting.h`` and the measures are computed from its nonzero cells:

* small integer codes (a range of at most ``max(65536, n)`` values) are counted directly, without
  factorising; anything else is factorised once (sorted distinct values -> codes);
* a joint table of at most ``max(65536, n / 2)`` cells is counted densely (one partial table per
  thread); a larger joint space is counted by sorting 64-bit cell keys, so memory stays O(n).

Examples
--------
>>> from fastent import discrete
>>> x = [0, 0, 1, 1]
>>> float(discrete.mutual_info(x, x, base=2))
1.0
>>> float(discrete.entropy(["a", "b", "b", "c"], base=2))
1.5
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._core import measures
from ._core.checks import log_base
from ._core.codes import ContinuousLabelsWarning, is_empty
from ._core.counting import count_labels
from ._core.measures import estimator_code, in_units
from ._core.memory import allocate
from ._core.threads import effective_n_threads

__all__ = [
    "ContinuousLabelsWarning",
    "adjusted_mutual_info",
    "conditional_entropy",
    "conditional_mutual_info",
    "contingency",
    "entropy",
    "joint_entropy",
    "mutual_info",
    "normalized_mutual_info",
    "variation_of_information",
]

#: Largest table ``contingency`` returns densely.
MAX_CONTINGENCY_CELLS = 10**8


def _names(k: int) -> tuple[str, ...]:
    """The argument names of k label arrays in error messages."""
    return ("x", "y", "z")[:k] if k <= 3 else tuple(f"variables[{i}]" for i in range(k))


# ---- public API ----------------------------------------------------------------------------------


def contingency(
    *variables: Any, missing: str = "error", n_jobs: int | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Joint count table of one or more label arrays and the observed levels of each.

    Parameters
    ----------
    *variables : array_like of shape (n_samples,)
        Label arrays of equal length (at most 8).
    missing : {"error", "level", "drop"}, default "error"
        Missing labels (NaN, None, ``pandas.NA``, NaT, Arrow/polars nulls): a ``ValueError``
        naming the first and the count; ``"level"``: missing is a level of its own;
        ``"drop"``: the rows where any variable is missing are left out (as dropping them by
        hand).
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    counts : ndarray of int64, shape (n_levels_0, n_levels_1, ...)
        ``counts[i, j, ...]`` samples have level ``levels[0][i]``, ``levels[1][j]``, ...
    levels : list of ndarray
        Each variable's distinct observed values, sorted.

    Raises
    ------
    ValueError
        Unequal lengths, empty or non-1-D input, missing labels, or a table of more than 10**8
        cells (the measures count such spaces sparsely; use them instead).

    See Also
    --------
    sklearn.metrics.cluster.contingency_matrix : the same table for two variables.

    Examples
    --------
    >>> from fastent import discrete
    >>> counts, levels = discrete.contingency([1, 1, 2, 5], ["a", "b", "b", "b"])
    >>> counts
    array([[1, 1],
           [0, 1],
           [0, 1]])
    >>> [lv.tolist() for lv in levels]
    [[1, 2, 5], ['a', 'b']]
    """
    cells = count_labels(variables, _names(len(variables)), n_jobs, missing)
    used = [np.unique(i) for i in cells.index]
    shape = tuple(u.size for u in used)
    if math.prod(shape) > MAX_CONTINGENCY_CELLS:
        raise ValueError(
            f"the contingency table would have {math.prod(shape)} cells (shape {shape}); "
            "the information measures count such label spaces sparsely"
        )
    table = allocate(shape, np.int64, f"a contingency table of shape {shape}", zero=True)
    table[tuple(np.searchsorted(u, i) for u, i in zip(used, cells.index, strict=True))] = (
        cells.counts
    )
    levels = [c.values(u) for c, u in zip(cells.variables, used, strict=True)]
    return table, levels


def entropy(
    x: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Entropy :math:`H(X)` estimated from samples.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        Labels: integers, bools, strings, objects, floats with categorical meaning, pandas
        Categorical.
    base : float, optional
        Logarithm base of the result: None for nats, 2 for bits.
    estimator : {"plugin", "miller_madow", "shrinkage", "chao_shen"}, default "plugin"
        ``plugin``: maximum likelihood, :math:`-\sum \hat p \log \hat p`.  ``miller_madow``:
        plus :math:`(m - 1) / 2n` for m observed levels.  ``shrinkage``: James-Stein shrinkage
        towards the uniform distribution over the observed levels (Hausser & Strimmer 2009).
        ``chao_shen``: coverage-adjusted Horvitz-Thompson estimator (Chao & Shen 2003).
    missing : {"error", "level", "drop"}, default "error"
        Missing labels (NaN, None, ``pandas.NA``, NaT, Arrow/polars nulls): a ``ValueError``
        naming the first and the count; ``"level"``: missing is a level of its own;
        ``"drop"``: the rows where any variable is missing are left out (as dropping them by
        hand).
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    numpy.float64

    Raises
    ------
    ValueError
        Empty or non-1-D input, missing labels (NaN, None), an unknown estimator or bad base.

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.entropy([1, 2, 2, 3], base=2))
    1.5
    >>> round(float(discrete.entropy([1, 2, 2, 3], estimator="miller_madow")), 6)
    1.289721
    """
    est = estimator_code(estimator)
    log_base(base)
    cells = count_labels((x,), ("x",), n_jobs, missing)
    return in_units(measures.entropy(cells, (0,), est), base)


def joint_entropy(
    *variables: Any,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Joint entropy :math:`H(X, Y, \dots)` of one or more label arrays.

    Parameters
    ----------
    *variables : array_like of shape (n_samples,)
        Label arrays of equal length (at most 8).
    base, estimator, missing, n_jobs
        As in :func:`entropy`; the shrinkage target is uniform over the product of the observed
        level sets.

    Returns
    -------
    numpy.float64

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.joint_entropy([0, 0, 1, 1], [0, 1, 0, 1], base=2))
    2.0
    """
    est = estimator_code(estimator)
    log_base(base)
    cells = count_labels(variables, _names(len(variables)), n_jobs, missing)
    return in_units(measures.entropy(cells, tuple(range(len(variables))), est), base)


def conditional_entropy(
    x: Any,
    y: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Conditional entropy :math:`H(X \mid Y) = H(X, Y) - H(Y)`.

    The plug-in estimate is summed directly over the table,
    :math:`\sum_{xy} \hat p_{xy} \log(\hat p_y / \hat p_{xy})` (every term non-negative).

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    base, estimator, missing, n_jobs
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.conditional_entropy([0, 1, 0, 1], [0, 0, 1, 1], base=2))
    1.0
    """
    est = estimator_code(estimator)
    log_base(base)
    cells = count_labels((x, y), ("x", "y"), n_jobs, missing)
    return in_units(measures.conditional_entropy(cells, est), base)


def mutual_info(
    x: Any,
    y: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Mutual information :math:`I(X; Y)` estimated from paired samples.

    The plug-in estimate is summed directly over the nonzero cells of the contingency table,
    :math:`\sum_{xy} \hat p_{xy} \log \frac{\hat p_{xy}}{\hat p_x \hat p_y}`, and clipped at 0
    (it equals ``sklearn.metrics.mutual_info_score``).  The other estimators combine bias-corrected
    entropies, :math:`\hat H(X) + \hat H(Y) - \hat H(X, Y)`, and may be slightly negative.

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    base, estimator, missing, n_jobs
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64

    See Also
    --------
    sklearn.metrics.mutual_info_score : the plug-in estimate in nats.

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.mutual_info([0, 0, 1, 1], ["a", "a", "b", "b"], base=2))
    1.0
    >>> float(discrete.mutual_info([0, 0, 1, 1], [0, 1, 0, 1]))
    0.0
    """
    est = estimator_code(estimator)
    log_base(base)
    cells = count_labels((x, y), ("x", "y"), n_jobs, missing)
    return in_units(measures.mutual_info(cells, est), base)


def conditional_mutual_info(
    x: Any,
    y: Any,
    z: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Conditional mutual information :math:`I(X; Y \mid Z)`.

    Plug-in: :math:`\sum_{xyz} \hat p_{xyz} \log \frac{\hat p_z \hat p_{xyz}}{\hat p_{xz}
    \hat p_{yz}}` over the nonzero cells, clipped at 0.  Other estimators:
    :math:`\hat H(X,Z) + \hat H(Y,Z) - \hat H(X,Y,Z) - \hat H(Z)`.

    Parameters
    ----------
    x, y, z : array_like of shape (n_samples,)
        Label arrays of equal length.
    base, estimator, missing, n_jobs
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64

    Examples
    --------
    >>> from fastent import discrete
    >>> x, z = [0, 0, 1, 1], [0, 1, 0, 1]
    >>> y = [a ^ b for a, b in zip(x, z)]  # y = x XOR z
    >>> float(discrete.mutual_info(x, y)), float(discrete.conditional_mutual_info(x, y, z, base=2))
    (0.0, 1.0)
    """
    est = estimator_code(estimator)
    log_base(base)
    cells = count_labels((x, y, z), ("x", "y", "z"), n_jobs, missing)
    return in_units(measures.conditional_mutual_info(cells, est), base)


def _both_empty(x: Any, y: Any, n_jobs: int | None) -> bool:
    """Whether x and y are two empty labellings (``n_jobs`` checked all the same)."""
    effective_n_threads(n_jobs)
    return is_empty(x) and is_empty(y)


def normalized_mutual_info(
    x: Any,
    y: Any,
    *,
    average: str = "arithmetic",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Normalised mutual information :math:`I(X; Y) / \mathrm{mean}(H(X), H(Y))` in [0, 1].

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    average : {"arithmetic", "geometric", "min", "max"}, default "arithmetic"
        The mean of the two entropies.
    missing, n_jobs : optional
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64
        Equal to ``sklearn.metrics.normalized_mutual_info_score(x, y, average_method=average)``,
        with its conventions: 1 when both labellings are constant or both empty, 0 when the MI
        is 0.

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.normalized_mutual_info([0, 0, 1, 1], [1, 1, 0, 0]))
    1.0
    """
    measures.check_average(average)
    if _both_empty(x, y, n_jobs):  # two empty labellings are identical (scikit-learn)
        return np.float64(1.0)
    cells = count_labels((x, y), ("x", "y"), n_jobs, missing)
    return np.float64(measures.normalized_mutual_info(cells, average))


def adjusted_mutual_info(
    x: Any,
    y: Any,
    *,
    average: str = "arithmetic",
    missing: str = "error",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Mutual information adjusted for chance, :math:`\frac{I - E[I]}{\mathrm{mean}(H_X, H_Y)
    - E[I]}`.

    :math:`E[I]` is the expected mutual information of two random labellings with the same
    marginal counts (hypergeometric model, Vinh, Epps & Bailey 2010), summed in log-gamma space
    once per pair of distinct marginal counts, so thousands of labels per side stay fast.

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    average : {"arithmetic", "geometric", "min", "max"}, default "arithmetic"
        The mean of the two entropies.
    missing, n_jobs : optional
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64
        Equal to ``sklearn.metrics.adjusted_mutual_info_score(x, y, average_method=average)``,
        with its conventions (1 when both labellings are constant or both empty, 0 when only one
        is constant).

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.adjusted_mutual_info([0, 0, 1, 1], [1, 1, 0, 0]))
    1.0
    """
    measures.check_average(average)
    if _both_empty(x, y, n_jobs):  # two empty labellings are identical (scikit-learn)
        return np.float64(1.0)
    cells = count_labels((x, y), ("x", "y"), n_jobs, missing)
    return np.float64(measures.adjusted_mutual_info(cells, average))


def variation_of_information(
    x: Any, y: Any, *, base: float | None = None, missing: str = "error", n_jobs: int | None = None
) -> np.float64:
    r"""Variation of information :math:`H(X \mid Y) + H(Y \mid X)`, a metric on labellings.

    Summed directly over the nonzero cells:
    :math:`\sum_{xy} \hat p_{xy} \log \frac{\hat p_x \hat p_y}{\hat p_{xy}^2}`.

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    base, missing, n_jobs
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.variation_of_information([0, 0, 1, 1], [0, 1, 0, 1], base=2))
    2.0
    """
    log_base(base)
    cells = count_labels((x, y), ("x", "y"), n_jobs, missing)
    return in_units(measures.variation_of_information(cells), base)
