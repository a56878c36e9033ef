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
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _validation as v
from ._kernels import discrete as _k

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

ContinuousLabelsWarning = v.ContinuousLabelsWarning

#: Integer labels spanning at most max(DIRECT_SPAN, n) values are counted without factorising.
DIRECT_SPAN = 1 << 16
#: Joint spaces of at most max(DENSE_CELLS, n / 2) cells are counted in a dense table.
DENSE_CELLS = 1 << 16
#: Samples the range of an integer variable is first read from (the rest are checked).
GUESS_SAMPLE = 1 << 14
#: Largest table ``contingency`` returns densely.
MAX_CONTINGENCY_CELLS = 10**8


# ---- labels -> codes -----------------------------------------------------------------------------


@dataclass
class Codes:
    """One variable's samples as integer codes the kernels count.

    ``data`` is a contiguous integer array (the input itself on the fast path); sample i has code
    ``data[i] - offset`` in ``[0, size)``.  ``levels`` maps codes to values when the variable was
    factorised; on the fast path (``levels is None``) code c stands for ``offset + c`` of ``dtype``.
    A fast-path range read off a sample of the data is not ``exact``: the counting kernel checks
    every value against it and the variable is re-encoded from its true range if one falls out.
    """

    data: np.ndarray
    offset: int
    size: int
    levels: np.ndarray | None
    dtype: np.dtype[Any]
    exact: bool = True

    def values(self, codes: np.ndarray) -> np.ndarray:
        """The label values of ``codes``."""
        if self.levels is not None:
            return np.asarray(self.levels[codes])
        return (codes + self.offset).astype(self.dtype)


def _factorized(arr: np.ndarray, name: str) -> Codes:
    levels, codes = v.factorize(arr, name)
    small = np.int32 if levels.size < 2**31 else np.int64
    return Codes(codes.astype(small), 0, int(levels.size), levels, arr.dtype)


def _categorical(x: Any, name: str) -> Codes | None:
    """Codes of a pandas Categorical (or categorical Series), None for anything else."""
    if getattr(getattr(x, "dtype", None), "name", None) != "category":
        return None
    cat = getattr(x, "array", x)  # Series -> Categorical
    codes = np.asarray(cat.codes)
    if codes.ndim != 1 or codes.size == 0:
        v.label_array(codes, name)  # raises the shape / empty error
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(f"{name}[{i}] is missing (NaN); labels must not be NaN or None")
    levels = np.asarray(cat.categories)
    order = v.sort_order(levels)
    if (order != np.arange(levels.size)).any():  # categories not sorted: renumber the codes
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        codes, levels = rank[codes], levels[order]
    codes = np.ascontiguousarray(codes)
    return Codes(codes, 0, int(levels.size), levels, levels.dtype)


def encode(x: Any, name: str, n_threads: int = 1) -> Codes:
    """Validate one label array and turn it into codes (no copy on the small-integer fast path)."""
    found = _categorical(x, name)
    if found is not None:
        return found
    arr = v.label_array(x, name)
    kind = arr.dtype.kind
    if kind == "b":
        return Codes(np.ascontiguousarray(arr).view(np.uint8), 0, 2, None, arr.dtype)
    if kind in "iu":
        direct = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("="))
        if direct.dtype == np.uint64:
            if int(direct.max()) >= 2**63:
                return _factorized(arr, name)
            direct = direct.view(np.int64)
        n = direct.size
        # the range of a sample (a prefix and a stride) saves a pass over the data when it holds
        sample = direct if n <= 2 * GUESS_SAMPLE else direct[:: n // GUESS_SAMPLE].copy()
        lo, hi = _k.minmax(sample, 1)
        if hi - lo < max(DIRECT_SPAN, n):
            return Codes(direct, lo, hi - lo + 1, None, arr.dtype, exact=sample is direct)
        return _exact(Codes(direct, lo, hi - lo + 1, None, arr.dtype, exact=False), n_threads)
    return _factorized(arr, name)


def _exact(codes: Codes, n_threads: int) -> Codes:
    """The variable encoded from its true range (factorised if the range is too wide)."""
    if codes.exact:
        return codes
    lo, hi = _k.minmax(codes.data, n_threads)
    if hi - lo < max(DIRECT_SPAN, codes.data.size):
        return Codes(codes.data, lo, hi - lo + 1, None, codes.dtype)
    levels, index = np.unique(codes.data, return_inverse=True)
    return Codes(
        index.astype(np.int64), 0, int(levels.size), levels.astype(codes.dtype), codes.dtype
    )


def _compacted(codes: Codes, n_threads: int) -> Codes:
    """The variable renumbered over its observed values only (fast-path codes leave gaps)."""
    if codes.levels is not None:
        return codes
    codes = _exact(codes, n_threads)
    counts = _k.count([codes.data], [codes.offset], [codes.size], n_threads)
    assert counts is not None  # exact codes are all in range
    present = counts > 0
    if present.all():
        return codes
    used = np.flatnonzero(present)
    remap = np.cumsum(present, dtype=np.int32) - 1
    data = remap[codes.data.astype(np.int64) - codes.offset]
    return Codes(data, 0, int(used.size), codes.values(used), codes.dtype)


# ---- counting ------------------------------------------------------------------------------------


@dataclass
class Cells:
    """The nonzero cells of a joint count table: ``counts[k]`` samples fell in the cell whose code
    for variable j is ``index[j][k]``."""

    counts: np.ndarray
    index: tuple[np.ndarray, ...]
    variables: list[Codes]
    n: int

    def marginal(self, which: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(nonzero counts of the marginal table over variables ``which``, each cell's count)."""
        if len(which) == len(self.variables):
            return self.counts, self.counts
        if len(which) == 1:  # one variable: its codes index a table of its size directly
            j = which[0]
            size = self.variables[j].size
            table = np.bincount(self.index[j], weights=self.counts, minlength=size).astype(np.int64)
            return table[table > 0], table[self.index[j]]
        key = self.index[which[0]].astype(np.int64)
        for j in which[1:]:
            key = key * self.variables[j].size + self.index[j]
        groups, per_cell = np.unique(key, return_inverse=True)
        counts = np.bincount(per_cell, weights=self.counts, minlength=groups.size)
        counts = counts.astype(np.int64)
        return counts, counts[per_cell]

    def levels_seen(self, j: int) -> int:
        """How many distinct values variable j takes."""
        return int(np.count_nonzero(np.bincount(self.index[j], minlength=self.variables[j].size)))

    def n_levels(self, which: tuple[int, ...]) -> float:
        """Product of the observed level counts of variables ``which`` (the joint alphabet)."""
        return float(math.prod(self.levels_seen(j) for j in which))


def _dense_limit(n: int) -> int:
    return max(DENSE_CELLS, n // 2)


def count(variables: list[Codes], n_threads: int) -> Cells:
    """Count the samples of the variables into the nonzero cells of their joint table."""
    n = variables[0].data.shape[0]
    if math.prod(c.size for c in variables) > _dense_limit(n):
        variables = [_compacted(c, n_threads) for c in variables]
    sizes = [c.size for c in variables]
    n_cells = math.prod(sizes)
    if n_cells >= 2**63:  # too many cells for 64-bit keys: pair up the first two variables
        head = variables[:2]
        pair_keys = _k.keys([c.data for c in head], [c.offset for c in head], sizes[:2], n_threads)
        pairs, pair_codes = np.unique(pair_keys.astype(np.int64), return_inverse=True)
        pair = Codes(pair_codes.astype(np.int64), 0, int(pairs.size), None, np.dtype(np.int64))
        cells = count([pair, *variables[2:]], n_threads)
        first = np.unravel_index(pairs[cells.index[0]], sizes[:2])
        return Cells(cells.counts, (*first, *cells.index[1:]), variables, n)
    data = [c.data for c in variables]
    offsets = [c.offset for c in variables]
    if n_cells <= _dense_limit(n):
        threads = max(1, min(n_threads, max(2**17, n) // max(n_cells, 1)))
        table = _k.count(data, offsets, sizes, threads)
        if table is None:  # a value outside a range guessed from a sample
            return count([_exact(c, n_threads) for c in variables], n_threads)
        flat = np.flatnonzero(table)
        counts = table[flat]
    else:
        variables = [_exact(c, n_threads) for c in variables]
        data = [c.data for c in variables]
        offsets = [c.offset for c in variables]
        sizes = [c.size for c in variables]
        flat, counts = np.unique(_k.keys(data, offsets, sizes, n_threads), return_counts=True)
        counts = counts.astype(np.int64)
    index = np.unravel_index(flat.astype(np.intp), sizes)
    return Cells(counts, tuple(index), variables, n)


def _cells(arrays: tuple[Any, ...], names: tuple[str, ...], n_jobs: int | None) -> Cells:
    if not arrays:
        raise ValueError("at least one variable is required")
    if len(arrays) > _k.MAX_VARIABLES:
        raise ValueError(f"at most {_k.MAX_VARIABLES} variables, got {len(arrays)}")
    lengths = [len(a) if hasattr(a, "__len__") else -1 for a in arrays]
    threads = v.effective_n_threads(n_jobs, max(lengths))
    variables = [encode(a, name, threads) for a, name in zip(arrays, names, strict=True)]
    v.check_same_length([c.data for c in variables], list(names))
    return count(variables, threads)


def _names(k: int) -> tuple[str, ...]:
    return ("x", "y", "z")[:k] if k <= 3 else tuple(f"variables[{i}]" for i in range(k))


# ---- measures from cells -------------------------------------------------------------------------


def _entropy_of(cells: Cells, which: tuple[int, ...], estimator: int) -> float:
    counts, _ = cells.marginal(which)
    return float(_k.entropy_counts(counts, cells.n_levels(which), estimator))


def _sum_log_ratio(c: np.ndarray, u: Any, w1: Any, w2: Any) -> float:
    """sum c log(c u / (w1 w2)) with scalars or per-cell arrays."""
    m = c.shape[0]
    args = [np.broadcast_to(np.asarray(a, dtype=np.float64), (m,)) for a in (u, w1, w2)]
    return float(_k.sum_c_log_ratio(c, *args))


def _mutual_info_of(cells: Cells, estimator: int) -> float:
    """I(X; Y) in nats of a two-variable table."""
    if estimator == 0:
        _, a = cells.marginal((0,))
        _, b = cells.marginal((1,))
        return max(_sum_log_ratio(cells.counts, cells.n, a, b) / cells.n, 0.0)
    hx, hy = _entropy_of(cells, (0,), estimator), _entropy_of(cells, (1,), estimator)
    return hx + hy - _entropy_of(cells, (0, 1), estimator)


def _conditional_mutual_info_of(cells: Cells, estimator: int) -> float:
    """I(X; Y | Z) in nats of a three-variable table (x, y, z)."""
    if estimator == 0:
        _, cz = cells.marginal((2,))
        _, cxz = cells.marginal((0, 2))
        _, cyz = cells.marginal((1, 2))
        return max(_sum_log_ratio(cells.counts, cz, cxz, cyz) / cells.n, 0.0)
    return (
        _entropy_of(cells, (0, 2), estimator)
        + _entropy_of(cells, (1, 2), estimator)
        - _entropy_of(cells, (0, 1, 2), estimator)
        - _entropy_of(cells, (2,), estimator)
    )


def _nats(value: float, base: float | None) -> np.float64:
    return np.float64(value / v.log_base(base))


# ---- public API ----------------------------------------------------------------------------------


def contingency(*variables: Any, n_jobs: int | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Joint count table of one or more label arrays and the observed levels of each.

    Parameters
    ----------
    *variables : array_like of shape (n_samples,)
        Label arrays of equal length (at most 8).
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
    cells = _cells(variables, _names(len(variables)), n_jobs)
    used = [np.unique(i) for i in cells.index]
    shape = tuple(u.size for u in used)
    if math.prod(shape) > MAX_CONTINGENCY_CELLS:
        raise ValueError(
            f"the contingency table would have {math.prod(shape)} cells (shape {shape}); "
            "the information measures count such label spaces sparsely"
        )
    table = np.zeros(shape, dtype=np.int64)
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
    est = v.check_estimator(estimator)
    v.log_base(base)
    cells = _cells((x,), ("x",), n_jobs)
    return _nats(_entropy_of(cells, (0,), est), base)


def joint_entropy(
    *variables: Any,
    base: float | None = None,
    estimator: str = "plugin",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Joint entropy :math:`H(X, Y, \dots)` of one or more label arrays.

    Parameters
    ----------
    *variables : array_like of shape (n_samples,)
        Label arrays of equal length (at most 8).
    base, estimator, n_jobs
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
    est = v.check_estimator(estimator)
    v.log_base(base)
    cells = _cells(variables, _names(len(variables)), n_jobs)
    return _nats(_entropy_of(cells, tuple(range(len(variables))), est), base)


def conditional_entropy(
    x: Any,
    y: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
    n_jobs: int | None = None,
) -> np.float64:
    r"""Conditional entropy :math:`H(X \mid Y) = H(X, Y) - H(Y)`.

    The plug-in estimate is summed directly over the table,
    :math:`\sum_{xy} \hat p_{xy} \log(\hat p_y / \hat p_{xy})` (every term non-negative).

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    base, estimator, n_jobs
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
    est = v.check_estimator(estimator)
    v.log_base(base)
    cells = _cells((x, y), ("x", "y"), n_jobs)
    if est == 0:
        _, b = cells.marginal((1,))
        value = max(-_sum_log_ratio(cells.counts, 1.0, b, 1.0) / cells.n, 0.0)
    else:
        value = _entropy_of(cells, (0, 1), est) - _entropy_of(cells, (1,), est)
    return _nats(value, base)


def mutual_info(
    x: Any,
    y: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
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
    base, estimator, n_jobs
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
    est = v.check_estimator(estimator)
    v.log_base(base)
    return _nats(_mutual_info_of(_cells((x, y), ("x", "y"), n_jobs), est), base)


def conditional_mutual_info(
    x: Any,
    y: Any,
    z: Any,
    *,
    base: float | None = None,
    estimator: str = "plugin",
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
    base, estimator, n_jobs
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
    est = v.check_estimator(estimator)
    v.log_base(base)
    return _nats(_conditional_mutual_info_of(_cells((x, y, z), ("x", "y", "z"), n_jobs), est), base)


def _labellings(
    x: Any, y: Any, average: str, n_jobs: int | None
) -> tuple[Cells, np.ndarray, np.ndarray]:
    """The joint cells of two labellings and their nonzero marginal counts (NMI, AMI)."""
    v.check_average(average)
    cells = _cells((x, y), ("x", "y"), n_jobs)
    return cells, cells.marginal((0,))[0], cells.marginal((1,))[0]


def _normalizer(a: np.ndarray, b: np.ndarray, average: str) -> float:
    """The ``average`` mean of the plug-in entropies of two marginal count vectors."""
    ha, hb = (float(_k.entropy_counts(c, float(c.size), 0)) for c in (a, b))
    return v.generalized_average(ha, hb, average)


def normalized_mutual_info(
    x: Any, y: Any, *, average: str = "arithmetic", n_jobs: int | None = None
) -> np.float64:
    r"""Normalised mutual information :math:`I(X; Y) / \mathrm{mean}(H(X), H(Y))` in [0, 1].

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    average : {"arithmetic", "geometric", "min", "max"}, default "arithmetic"
        The mean of the two entropies.
    n_jobs : int, optional
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64
        Equal to ``sklearn.metrics.normalized_mutual_info_score(x, y, average_method=average)``,
        with its conventions: 1 when both labellings are constant, 0 when the MI is 0.

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.normalized_mutual_info([0, 0, 1, 1], [1, 1, 0, 0]))
    1.0
    """
    cells, a, b = _labellings(x, y, average, n_jobs)
    if a.size == b.size == 1:
        return np.float64(1.0)
    mi = _mutual_info_of(cells, 0)
    if mi == 0:
        return np.float64(0.0)
    return np.float64(mi / _normalizer(a, b, average))


def adjusted_mutual_info(
    x: Any, y: Any, *, average: str = "arithmetic", n_jobs: int | None = None
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
    n_jobs : int, optional
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64
        Equal to ``sklearn.metrics.adjusted_mutual_info_score(x, y, average_method=average)``,
        with its conventions (1 when both labellings are constant, 0 when only one is).

    Examples
    --------
    >>> from fastent import discrete
    >>> float(discrete.adjusted_mutual_info([0, 0, 1, 1], [1, 1, 0, 0]))
    1.0
    """
    cells, a, b = _labellings(x, y, average, n_jobs)
    if a.size == b.size == 1:
        return np.float64(1.0)
    if a.size == 1 or b.size == 1:
        return np.float64(0.0)
    mi = _mutual_info_of(cells, 0)
    a_values, a_mult = np.unique(a, return_counts=True)
    b_values, b_mult = np.unique(b, return_counts=True)
    emi = float(_k.expected_mutual_info(a_values, a_mult, b_values, b_mult, cells.n))
    return np.float64(v.adjust_for_chance(mi, emi, _normalizer(a, b, average)))


def variation_of_information(
    x: Any, y: Any, *, base: float | None = None, n_jobs: int | None = None
) -> np.float64:
    r"""Variation of information :math:`H(X \mid Y) + H(Y \mid X)`, a metric on labellings.

    Summed directly over the nonzero cells:
    :math:`\sum_{xy} \hat p_{xy} \log \frac{\hat p_x \hat p_y}{\hat p_{xy}^2}`.

    Parameters
    ----------
    x, y : array_like of shape (n_samples,)
        Label arrays of equal length.
    base, n_jobs
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
    v.log_base(base)
    cells = _cells((x, y), ("x", "y"), n_jobs)
    _, a = cells.marginal((0,))
    _, b = cells.marginal((1,))
    c = cells.counts
    value = -(_sum_log_ratio(c, 1.0, a, 1.0) + _sum_log_ratio(c, 1.0, b, 1.0)) / cells.n
    return _nats(max(value, 0.0), base)
