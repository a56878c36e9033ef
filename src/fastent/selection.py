# SPDX-License-Identifier: BSD-3-Clause
"""Feature scoring and selection by mutual information: many columns against one target at once.

Every column of ``X`` is a discrete variable (integer, bool, categorical or string columns as they
are; float columns binned by :func:`discretize`).  One kernel does all the counting: every column
against one target code vector, in row blocks that stay in cache, threads over row ranges.  The
target is ``y`` for the relevance scores, a selected column for mRMR's redundancy terms and for
the pairwise matrix, and the pair (selected column, ``y``) for JMI and CMIM, so each greedy step is
one pass over the remaining columns and no pair is ever counted twice.

Examples
--------
>>> import numpy as np
>>> from fastent import selection
>>> rng = np.random.default_rng(0)
>>> y = rng.integers(0, 2, 1000)
>>> X = np.column_stack([y, rng.integers(0, 2, 1000), y ^ (rng.random(1000) < 0.1)])
>>> selection.mutual_info_scores(X, y, base=2).round(2)
array([1.  , 0.  , 0.47])
>>> selection.select_features(X, y, 2, method="mrmr").indices
array([0, 1])
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _validation as v
from . import discrete as _discrete
from ._kernels import discrete as _kd
from ._kernels import selection as _k

if TYPE_CHECKING:  # pragma: no cover
    from ._sklearn import MutualInfoSelector  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "METHODS",
    "STRATEGIES",
    "MutualInfoSelector",
    "Selection",
    "discretize",
    "mutual_info_matrix",
    "mutual_info_scores",
    "select_features",
]

#: Greedy selection criteria of :func:`select_features`.
METHODS = ("mi", "mrmr", "jmi", "cmim")
#: Binning strategies of :func:`discretize`.
STRATEGIES = ("quantile", "uniform")
#: Rows whose values give a first guess of each integer column's range (the kernel checks all).
GUESS_ROWS = 1 << 12


# ---- discretisation ------------------------------------------------------------------------------


def _bin_edges(column: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    if strategy == "quantile":
        edges = np.quantile(column, np.linspace(0.0, 1.0, n_bins + 1))
    else:
        edges = np.linspace(column.min(), column.max(), n_bins + 1)
    return np.unique(edges)


def _check_binning(n_bins: int, strategy: str) -> None:
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral):
        raise TypeError(f"n_bins must be an integer, got {type(n_bins).__name__}")
    if not 2 <= n_bins <= 65536:
        raise ValueError(f"n_bins must be in [2, 65536], got {n_bins}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")


def _bin_column(
    column: np.ndarray, n_bins: int, strategy: str, name: str
) -> tuple[np.ndarray, ...]:
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
    _check_binning(n_bins, strategy)
    names, columns = _split_columns(X, "X")
    pairs = [_bin_column(c, n_bins, strategy, name) for name, c in zip(names, columns, strict=True)]
    width = np.uint16 if any(c.dtype == np.uint16 for c, _ in pairs) else np.uint8
    codes = np.empty((columns[0].shape[0], len(pairs)), dtype=width, order="F")
    for j, (c, _) in enumerate(pairs):
        codes[:, j] = c
    return codes, [e for _, e in pairs]


# ---- columns -> codes the kernel counts ----------------------------------------------------------


def _is_dataframe(X: Any) -> bool:
    return hasattr(X, "columns") and not isinstance(X, np.ndarray)


def _split_columns(X: Any, name: str) -> tuple[list[str], list[Any]]:
    """(column names, columns) of a DataFrame or a 2-D array (a column per feature)."""
    if _is_dataframe(X):
        names = [str(c) for c in X.columns]
        if hasattr(X, "iloc"):  # pandas
            columns = [X.iloc[:, j] for j in range(len(names))]
        else:  # polars
            columns = [X.get_column(c) for c in X.columns]
        if not names:
            raise ValueError(f"{name} has no columns")
        if len(columns[0]) == 0:
            raise ValueError(f"{name} has no rows")
        return names, columns
    arr = _as_matrix(X, name)
    return [str(j) for j in range(arr.shape[1])], [arr[:, j] for j in range(arr.shape[1])]


def _as_matrix(X: Any, name: str) -> np.ndarray:
    if isinstance(X, (str, bytes)):
        raise ValueError(f"{name} must be a 2-D array, got a {type(X).__name__}")
    try:
        arr = np.asarray(X)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype.kind in "cV":
        raise TypeError(f"{name} has unsupported dtype {arr.dtype}")
    return arr


@dataclass
class Columns:
    """Every feature as a strided integer view the counting kernel reads.

    Column j is element ``start[j] + i * stride[j]`` of ``sources[source[j]]`` for sample i, with
    values in ``[offset[j], offset[j] + size[j])`` (``exact[j]`` False: a range guessed from a
    sample of rows, which the kernel checks).
    """

    names: list[str]
    n: int
    sources: list[np.ndarray] = field(default_factory=list)
    source: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    stride: list[int] = field(default_factory=list)
    offset: list[int] = field(default_factory=list)
    size: list[int] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)

    def add(self, codes: _discrete.Codes) -> None:
        """A separate contiguous column."""
        self._append(codes.data, 0, 1, codes.offset, codes.size, codes.exact)

    def _append(
        self, src: np.ndarray, start: int, stride: int, offset: int, size: int, exact: bool
    ) -> None:
        if not (self.sources and self.sources[-1] is src):
            self.sources.append(src)
        self.source.append(len(self.sources) - 1)
        self.start.append(start)
        self.stride.append(stride)
        self.offset.append(int(offset))
        self.size.append(int(size))
        self.exact.append(bool(exact))

    def arrays(
        self, which: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The kernel arguments (source, start, stride, offset, size) of columns ``which``."""
        idx = np.asarray(which, dtype=np.intp)
        return (
            np.asarray(self.source, dtype=np.intp)[idx],
            np.asarray(self.start, dtype=np.intp)[idx],
            np.asarray(self.stride, dtype=np.intp)[idx],
            np.asarray(self.offset, dtype=np.int64)[idx],
            np.asarray(self.size, dtype=np.int64)[idx],
        )

    def column(self, j: int) -> np.ndarray:
        """Column j as a (possibly strided) 1-D view of its source."""
        src = self.sources[self.source[j]].reshape(-1)
        return src[self.start[j] :: self.stride[j]][: self.n]

    def make_exact(self, j: int, n_threads: int) -> None:
        """Re-encode column j from its true range if it was guessed."""
        if not self.exact[j]:
            self.reencode(j, n_threads)

    def reencode(self, j: int, n_threads: int) -> None:
        """Column j encoded from its true range (factorised when the range is too wide)."""
        col = self.column(j)
        codes = _discrete.encode(np.ascontiguousarray(col), self.names[j], n_threads)
        codes = _discrete._exact(codes, n_threads)
        self.sources.append(codes.data)
        self.source[j] = len(self.sources) - 1
        self.start[j], self.stride[j] = 0, 1
        self.offset[j], self.size[j], self.exact[j] = int(codes.offset), int(codes.size), True

    def codes(self, j: int) -> np.ndarray:
        """Column j as int32 codes in [0, size)."""
        return (self.column(j).astype(np.int64) - self.offset[j]).astype(np.int32)


def _discrete_mask(discrete: Any, names: list[str], kinds: list[str]) -> list[bool]:
    """Which columns are discrete: "auto" (all but float columns), True/False for all, a bool
    mask of one entry per column, or a list of column indices / names."""
    p = len(names)
    if isinstance(discrete, str):
        if discrete != "auto":
            raise ValueError(
                "discrete must be 'auto', a bool, a bool mask or a list of columns, "
                f"got {discrete!r}"
            )
        return [k != "f" for k in kinds]
    if isinstance(discrete, (bool, np.bool_)):
        return [bool(discrete)] * p
    try:
        items = list(np.asarray(discrete, dtype=object).ravel()) if discrete is not None else None
    except TypeError:
        items = None
    if items is None or np.ndim(discrete) != 1:
        raise TypeError(
            "discrete must be 'auto', a bool, a bool mask or a list of column indices or names, "
            f"got {type(discrete).__name__}"
        )
    flags = [isinstance(i, (bool, np.bool_)) for i in items]
    if any(flags):
        if not all(flags) or len(items) != p:
            raise ValueError(
                f"a bool mask for discrete needs one bool per column ({p}), got {len(items)} "
                "items" + ("" if all(flags) else " mixing bools with other values")
            )
        return [bool(i) for i in items]
    mask = [False] * p
    for item in items:
        if isinstance(item, str) and item in names:
            mask[names.index(item)] = True
        elif isinstance(item, (numbers.Integral, np.integer)) and -p <= int(item) < p:
            mask[int(item)] = True
        else:
            raise ValueError(
                f"discrete must list column indices in [-{p}, {p}) or column names, got {item!r}"
            )
    return mask


def _matrix_columns(
    arr: np.ndarray, cols: Columns, discrete: Any, n_bins: int, strategy: str, n_threads: int
) -> None:
    """Columns of a 2-D array: integer/bool columns read in place (no copy), others coded."""
    kind = arr.dtype.kind
    mask = _discrete_mask(discrete, cols.names, [kind] * arr.shape[1])
    direct = kind in "biu" and all(mask) and arr.dtype != np.uint64
    if direct:
        if arr.dtype.kind == "b":
            arr = arr.view(np.uint8)
        if not arr.dtype.isnative:
            arr = arr.astype(arr.dtype.newbyteorder("="))
        if arr.flags.c_contiguous:
            src, starts, stride = arr, range(arr.shape[1]), arr.shape[1]
        else:
            src = np.asfortranarray(arr).T  # F-ordered: each column contiguous (copy if neither)
            starts, stride = range(0, arr.size, arr.shape[0]), 1
        n = arr.shape[0]
        rows = arr if n <= 2 * GUESS_ROWS else arr[:: n // GUESS_ROWS]
        lo, hi = rows.min(axis=0).tolist(), rows.max(axis=0).tolist()  # Python ints: no overflow
        exact = rows is arr
        for j, start in enumerate(starts):
            span = hi[j] - lo[j] + 1
            if span > max(_discrete.DIRECT_SPAN, n):  # too wide for a dense range: factorise
                cols._append(src, start, stride, 0, 1, False)
                cols.reencode(j, n_threads)
            else:
                cols._append(src, start, stride, lo[j], span, exact)
        return
    for j in range(arr.shape[1]):
        _add_column(cols, arr[:, j], mask[j], n_bins, strategy, j, n_threads)


def _add_column(
    cols: Columns,
    column: Any,
    is_discrete: bool,
    n_bins: int,
    strategy: str,
    j: int,
    n_threads: int,
) -> None:
    name = cols.names[j]
    if is_discrete:
        try:
            codes = _discrete.encode(column, f"column {name}", n_threads)
        except ValueError as exc:
            raise ValueError(
                str(exc).replace(f"column {name}[", f"column {name} at row [")
            ) from None
        cols.add(_discrete._exact(codes, n_threads))
    else:
        binned, edges = _bin_column(np.asarray(column), n_bins, strategy, name)
        cols.add(_discrete.Codes(binned, 0, max(edges.size - 1, 1), None, binned.dtype))


def _columns(X: Any, discrete: Any, n_bins: int, strategy: str, n_threads: int) -> Columns:
    _check_binning(n_bins, strategy)
    if _is_dataframe(X):
        names, columns = _split_columns(X, "X")
        cols = Columns(names, len(columns[0]))
        kinds = [_column_kind(c) for c in columns]
        mask = _discrete_mask(discrete, names, kinds)
        for j, column in enumerate(columns):
            _add_column(cols, column, mask[j], n_bins, strategy, j, n_threads)
        return cols
    arr = _as_matrix(X, "X")
    cols = Columns([str(j) for j in range(arr.shape[1])], arr.shape[0])
    _matrix_columns(arr, cols, discrete, n_bins, strategy, n_threads)
    return cols


def _column_kind(column: Any) -> str:
    """'f' for a float column of a DataFrame, else the kind of its values."""
    dtype = getattr(column, "dtype", None)
    if getattr(dtype, "name", None) == "category":
        return "O"
    if dtype is not None and hasattr(dtype, "is_float"):  # polars
        return "f" if dtype.is_float() else "O"
    return str(getattr(dtype, "kind", "O"))  # NumPy and pandas (incl. nullable Float64: "f")


def _target(y: Any, n: int, n_threads: int) -> tuple[np.ndarray, int]:
    """(int32 codes in [0, k), k) of the target."""
    codes = _discrete.encode(y, "y", n_threads)
    if codes.data.shape[0] != n:
        raise ValueError(
            f"X and y must have the same number of samples, got {n} and {codes.data.shape[0]}"
        )
    codes = _discrete._compacted(_discrete._exact(codes, n_threads), n_threads)
    return (codes.data.astype(np.int64) - codes.offset).astype(np.int32), codes.size


# ---- counting sweeps -----------------------------------------------------------------------------


def _sweep(
    cols: Columns, which: Sequence[int], target: np.ndarray, n_target: int, n_threads: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """(tables, positions, step): the (column, target) counts of every column in ``which``
    (cell (v, t) of the i-th is ``tables[t * step + positions[i] + v]``)."""
    tables, positions, step, bad = _k.count_columns(
        cols.sources, *cols.arrays(which), target, n_target, n_threads
    )
    if bad.any():  # a value outside a range guessed from a sample of rows: re-encode, recount
        for i in np.flatnonzero(bad):
            cols.make_exact(int(which[int(i)]), n_threads)
        return _sweep(cols, which, target, n_target, n_threads)
    for j in which:  # every value was inside its guessed range: the guess is the true range
        cols.exact[j] = True
    return tables, positions, step


def _sizes(cols: Columns, which: Sequence[int]) -> np.ndarray:
    return np.asarray(cols.size, dtype=np.int64)[np.asarray(which, dtype=np.intp)]


def _split_wide(cols: Columns, which: Sequence[int], n_target: int) -> tuple[list[int], list[int]]:
    """Positions in ``which`` of the columns whose table against ``n_target`` levels is small
    enough for the dense kernels, and of the others (counted sparsely, like fastent.discrete)."""
    limit = max(_discrete.DENSE_CELLS, cols.n // 2)
    sizes = _sizes(cols, which) * n_target
    return np.flatnonzero(sizes <= limit).tolist(), np.flatnonzero(sizes > limit).tolist()


def _column_codes(cols: Columns, j: int, n_threads: int) -> _discrete.Codes:
    cols.make_exact(j, n_threads)
    return _discrete.Codes(cols.codes(j), 0, cols.size[j], None, np.dtype(np.int32))


def _mi_against(
    cols: Columns,
    which: Sequence[int],
    target: np.ndarray,
    n_target: int,
    estimator: int,
    n_threads: int,
    bitsets: Bitsets | None = None,
    target_bits: Callable[[], np.ndarray] | None = None,
) -> np.ndarray:
    """I(X_j; target) in nats for j in ``which`` (by bitsets when given and worth it)."""
    which = list(which)
    dense, wide = _split_wide(cols, which, n_target)
    out = np.empty(len(which))
    if dense:
        cols_dense = [which[i] for i in dense]
        tables, positions, step = _sweep_tables(
            cols, bitsets, cols_dense, target, n_target, target_bits, n_threads
        )
        sizes = _sizes(cols, cols_dense)
        out[dense] = _k.mi_tables(tables, positions, step, sizes, n_target, estimator, n_threads)
    t = _discrete.Codes(target, 0, n_target, None, np.dtype(np.int32))
    for i in wide:
        cells = _discrete.count([_column_codes(cols, which[i], n_threads), t], n_threads)
        out[i] = _discrete._mutual_info_of(cells, estimator)
    return out


def _cmi_given(
    cols: Columns,
    which: Sequence[int],
    s: int,
    y: np.ndarray,
    ky: int,
    estimator: int,
    n_threads: int,
    bitsets: Bitsets | None = None,
    y_bits: np.ndarray | None = None,
) -> np.ndarray:
    """I(X_j; y | X_s) in nats for j in ``which``: columns against the joint code of (X_s, y)."""
    cols.make_exact(s, n_threads)
    ks = cols.size[s]
    which = list(which)
    dense, wide = _split_wide(cols, which, ks * ky)
    out = np.empty(len(which))

    def pair_bits() -> np.ndarray:  # rows s = w and y = c, ANDed, in the order w * ky + c
        assert bitsets is not None
        assert y_bits is not None
        rows = bitsets.rows(s, ks)
        return np.asarray((rows[:, None, :] & y_bits[None, :, :]).reshape(ks * ky, -1))

    if dense:
        cols_dense = [which[i] for i in dense]
        pair = cols.codes(s) * np.int32(ky) + y
        tables, positions, step = _sweep_tables(
            cols, bitsets, cols_dense, pair, ks * ky, pair_bits, n_threads
        )
        rows = _sizes(cols, cols_dense)
        out[dense] = _k.cmi_tables(tables, positions, step, rows, ks, ky, estimator, n_threads)
    if wide:
        target = _discrete.Codes(y, 0, ky, None, np.dtype(np.int32))
        given = _column_codes(cols, s, n_threads)
        for i in wide:
            variables = [_column_codes(cols, which[i], n_threads), target, given]
            out[i] = _discrete._conditional_mutual_info_of(
                _discrete.count(variables, n_threads), estimator
            )
    return out


#: Bitsets for repeated sweeps are built when they take at most this many bytes or the size of X.
BITSET_BYTES = 1 << 26


@dataclass
class Bitsets:
    """Every column as one bitset of samples per level: level v of column j is row
    ``first[j] + v`` of ``bits`` (``ceil(n / 64)`` words a row).  A pair table of a column and a
    target is then a popcount of ANDed rows: repeated sweeps over small alphabets (greedy
    selection, the pairwise matrix) read n / 64 words per cell instead of n codes."""

    bits: np.ndarray
    first: np.ndarray

    @classmethod
    def build(cls, cols: Columns, n_threads: int, input_bytes: int) -> Bitsets | None:
        """The bitsets of every column (one pass over X), or None if they would be too large."""
        sizes = np.asarray(cols.size, dtype=np.int64)
        words = (cols.n + 63) // 64
        if int(sizes.sum()) * words * 8 > max(BITSET_BYTES, input_bytes):
            return None
        which = range(len(cols.names))
        bits, first, _, bad = _k.count_columns(
            cols.sources, *cols.arrays(which), None, 0, n_threads, cols.n, True
        )
        if bad.any():  # a range guessed from a sample of rows was too narrow: re-encode, rebuild
            for j in np.flatnonzero(bad):
                cols.make_exact(int(j), n_threads)
            return cls.build(cols, n_threads, input_bytes)
        return cls(bits, first)

    def rows(self, j: int, size: int) -> np.ndarray:
        """The bitsets of column j's ``size`` levels."""
        return np.asarray(self.bits[self.first[j] : self.first[j] + size])


def _rows_of(bitsets: Bitsets | None, j: int, size: int) -> Callable[[], np.ndarray] | None:
    """Column j's bitsets as a sweep's target (None without bitsets)."""
    return None if bitsets is None else functools.partial(bitsets.rows, j, size)


def _sweep_tables(
    cols: Columns,
    bitsets: Bitsets | None,
    which: Sequence[int],
    target: np.ndarray,
    n_target: int,
    target_bits: Callable[[], np.ndarray] | None,
    n_threads: int,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(tables, positions, step) of columns ``which`` against a target, by bitsets when the
    alphabets are small enough for popcounts to beat counting, else by the counting kernel."""
    cells = int(_sizes(cols, which).max()) * n_target
    if bitsets is not None and target_bits is not None and cells <= _k.bit_cells_limit():
        first = bitsets.first[np.asarray(which, dtype=np.intp)]
        return _k.bit_tables(bitsets.bits, first, _sizes(cols, which), target_bits(), n_threads)
    return _sweep(cols, which, target, n_target, n_threads)


def _nbytes(X: Any) -> int:
    """Bytes of the input (0 when it is not an array: a DataFrame, a list)."""
    return int(X.nbytes) if isinstance(X, np.ndarray) else 0


def _threads(n_jobs: int | None, cols: Columns) -> int:
    return v.effective_n_threads(n_jobs, cols.n * len(cols.names))


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
    est = v.check_estimator(estimator)
    scale = v.log_base(base)
    threads = v.effective_n_threads(n_jobs, 0)
    cols = _columns(X, discrete, n_bins, strategy, threads)
    threads = _threads(n_jobs, cols)
    target, k = _target(y, cols.n, threads)
    scores = _mi_against(cols, range(len(cols.names)), target, k, est, threads)
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
    est = v.check_estimator(estimator)
    scale = v.log_base(base)
    cols = _columns(X, discrete, n_bins, strategy, v.effective_n_threads(n_jobs, 0))
    threads = _threads(n_jobs, cols)
    p = len(cols.names)
    out = np.empty((p, p))
    bitsets = Bitsets.build(cols, threads, _nbytes(X)) if p > 2 else None
    for i in range(p):  # column i against columns i+1..p-1: each pair counted once
        cols.make_exact(i, threads)
        row = _mi_against(
            cols,
            range(i + 1, p),
            cols.codes(i),
            cols.size[i],
            est,
            threads,
            bitsets,
            _rows_of(bitsets, i, cols.size[i]),
        )
        out[i, i + 1 :] = out[i + 1 :, i] = row
        counts = np.bincount(cols.codes(i))
        counts = counts[counts > 0]
        out[i, i] = _kd.entropy_counts(counts, float(counts.size), est)  # H(X_i), any estimator
    return out / scale if scale != 1.0 else out


@dataclass(frozen=True)
class Selection:
    """The result of :func:`select_features`.

    Attributes
    ----------
    indices : ndarray of intp
        The selected columns, in the order they were picked.
    scores : ndarray of float64
        The criterion of each pick when it was made (``scores[0]`` is the relevance
        :math:`I(X_{j_0}; y)` of the first pick).
    names : list of str
        Column names of the picks (DataFrame column names, else the indices as strings).
    relevance : ndarray of float64
        :math:`I(X_j; y)` of every column.
    """

    indices: np.ndarray
    scores: np.ndarray
    names: list[str]
    relevance: np.ndarray


def _check_k(k: Any, p: int) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"k must be an integer, got {type(k).__name__}")
    if not 1 <= int(k) <= p:
        raise ValueError(f"k must be in [1, n_features={p}], got {k}")
    return int(k)


def select_features(
    X: Any,
    y: Any,
    k: int,
    *,
    method: str = "mrmr",
    discrete: Any = "auto",
    n_bins: int = 16,
    strategy: str = "quantile",
    estimator: str = "plugin",
    base: float | None = None,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Selection:
    r"""Greedy selection of ``k`` columns by a mutual-information criterion.

    Parameters
    ----------
    X, y, discrete, n_bins, strategy, estimator, base, n_jobs
        As in :func:`mutual_info_scores`.
    k : int
        Number of columns to select, 1 <= k <= n_features.
    method : {"mi", "mrmr", "jmi", "cmim"}, default "mrmr"
        The score of a candidate column :math:`X_j` given the selected set S:

        * ``mi``: relevance :math:`I(X_j; y)` (no redundancy term);
        * ``mrmr``: :math:`I(X_j; y) - \frac{1}{|S|} \sum_{s \in S} I(X_j; X_s)` (Peng et al.
          2005, difference form);
        * ``jmi``: :math:`\sum_{s \in S} I(X_j, X_s; y)` (Yang & Moody 1999);
        * ``cmim``: :math:`\min_{s \in S} I(X_j; y \mid X_s)` (Fleuret 2004).

        The first pick is the most relevant column.  Ties (within 1e-12 relative) go to the
        lowest column index.
    progress : callable, optional
        Called as ``progress(done, k)`` after every pick.

    Returns
    -------
    Selection
        ``.indices`` (selection order), ``.scores`` (criterion at each pick), ``.names``,
        ``.relevance``.

    Raises
    ------
    ValueError
        k outside [1, n_features], an unknown method, and the input errors of
        :func:`mutual_info_scores`.

    Notes
    -----
    Each step counts every remaining column against one target in a single pass (the last pick
    for mRMR; the pair of the last pick and y for JMI and CMIM) and updates the running
    redundancy sums or minima, so no pair is counted twice: ``k`` passes over the data in all.

    Examples
    --------
    >>> import numpy as np
    >>> from fastent import selection
    >>> rng = np.random.default_rng(1)
    >>> a, b = rng.integers(0, 2, (2, 2000))
    >>> X = np.column_stack([a, a, b])  # column 1 duplicates column 0
    >>> y = 2 * a + (b ^ (rng.random(2000) < 0.1))  # a, and a noisy copy of b
    >>> selection.select_features(X, y, 2, method="mi").indices  # relevance only: a twice
    array([0, 1])
    >>> selection.select_features(X, y, 2, method="mrmr").indices  # the copy is redundant
    array([0, 2])
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    est = v.check_estimator(estimator)
    scale = v.log_base(base)
    cols = _columns(X, discrete, n_bins, strategy, v.effective_n_threads(n_jobs, 0))
    p = len(cols.names)
    k = _check_k(k, p)
    threads = _threads(n_jobs, cols)
    y_codes, ky = _target(y, cols.n, threads)
    # repeated sweeps (a pick's redundancy terms): bitsets of every column, built in one pass
    bitsets = Bitsets.build(cols, threads, _nbytes(X)) if method != "mi" and k > 1 else None
    y_bits = _k.bitsets(y_codes, ky) if bitsets is not None else None
    y_rows = None if y_bits is None else functools.partial(np.asarray, y_bits)
    relevance = _mi_against(cols, range(p), y_codes, ky, est, threads, bitsets, y_rows)

    def criterion(j: Sequence[int], s: int) -> np.ndarray:
        """The step's term for candidates ``j`` given the new pick ``s``."""
        if method == "mrmr":
            cols.make_exact(s, threads)
            return _mi_against(
                cols,
                j,
                cols.codes(s),
                cols.size[s],
                est,
                threads,
                bitsets,
                _rows_of(bitsets, s, cols.size[s]),
            )
        cmi = _cmi_given(cols, j, s, y_codes, ky, est, threads, bitsets, y_bits)
        # JMI's I(X_j, X_s; y) = I(X_s; y) + I(X_j; y | X_s): the same table as CMIM's term
        return relevance[s] + cmi if method == "jmi" else cmi

    picks = select_greedy(relevance, k, method, criterion, progress)
    indices = np.asarray([j for j, _ in picks], dtype=np.intp)
    scores = np.asarray([score for _, score in picks]) / scale
    return Selection(indices, scores, [cols.names[j] for j in indices], relevance / scale)


def select_greedy(
    relevance: np.ndarray,
    k: int,
    method: str,
    criterion: Callable[[Sequence[int], int], np.ndarray],
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[int, float]]:
    """The greedy loop shared with ``fastent.reference.selection``: [(pick, score), ...].

    ``criterion(candidates, s)`` returns the new term of each candidate given the new pick s:
    I(X_j; X_s) for mrmr, I(X_j, X_s; y) for jmi, I(X_j; y | X_s) for cmim.
    """
    p = relevance.shape[0]
    remaining = np.ones(p, dtype=bool)
    acc = np.zeros(p) if method != "cmim" else np.full(p, np.inf)
    score = relevance.copy()
    picks: list[tuple[int, float]] = []
    for step in range(k):
        pick = v.argmax_lowest(score, remaining)
        picks.append((pick, float(score[pick])))
        remaining[pick] = False
        if progress is not None:
            progress(step + 1, k)
        if step + 1 == k or method == "mi":
            continue
        candidates = np.flatnonzero(remaining)
        term = criterion(candidates.tolist(), pick)
        if method == "cmim":
            acc[candidates] = np.minimum(acc[candidates], term)
            score[candidates] = acc[candidates]
        else:
            acc[candidates] += term
            score[candidates] = (
                relevance[candidates] - acc[candidates] / (step + 1)
                if method == "mrmr"
                else acc[candidates]
            )
    return picks


def __getattr__(name: str) -> Any:
    if name == "MutualInfoSelector":  # scikit-learn is optional: imported on first use
        from ._sklearn import MutualInfoSelector

        return MutualInfoSelector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
