# SPDX-License-Identifier: BSD-3-Clause
"""Column coding of ``X`` and ``y``: every feature as integer codes the counting kernel reads.

Integer columns of a 2-D array are read where they lie (no copy), with each column's range
guessed from a sample of rows (``fastent._core.codes.guess_step``) and checked by the counting
pass; label columns of a DataFrame are coded by the frame library's own encoder; float columns
are binned (``_binning``); the columns of a ``scipy.sparse`` matrix keep their sparsity (the
implicit zeros are a level).  Missing values follow ``missing`` (``fastent._core.codes.MISSING``):
an error listing every affected column, a level of their own, or rows left out of each count.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._core import codes as _codes
from .._core.checks import check_binning
from .._core.frames import Column, as_frame, as_matrix, column_data, is_sparse
from ._binning import bin_column, bin_columns

__all__ = [
    "CodedTarget",
    "Columns",
    "MissingColumnsError",
    "Sparse",
    "Table",
    "binned_codes",
    "check_samples",
    "code_columns",
    "code_table",
    "code_target",
    "discrete_mask",
    "present_rows",
    "read_table",
]


@dataclass
class Sparse:
    """The columns of a sparse matrix as codes of its stored entries: column j's entries are
    ``rows[indptr[j]:indptr[j + 1]]`` with codes ``codes[...]``; every other row of column j has
    code ``zero[j]`` (the level of an implicit zero)."""

    indptr: np.ndarray
    rows: np.ndarray
    codes: np.ndarray
    zero: np.ndarray

    def column(self, j: int, n: int) -> np.ndarray:
        """Column j's codes, dense (int32)."""
        out = np.full(n, self.zero[j], dtype=np.int32)
        lo, hi = self.indptr[j], self.indptr[j + 1]
        out[self.rows[lo:hi]] = self.codes[lo:hi]
        return out


@dataclass
class Columns:
    """Every feature as a strided integer view the counting kernel reads.

    Column j is element ``start[j] + i * stride[j]`` of ``sources[source[j]]`` for sample i, with
    values in ``[offset[j], offset[j] + size[j])`` (``exact[j]`` False: a range guessed from a
    sample of rows, which the kernel checks) -- or, for a sparse matrix, the codes of ``sparse``.
    ``drop[j]``: the last level of column j holds its missing values, left out of every count.
    ``binned[j]``: column j was binned as continuous; ``values[j]``: then its (values, missing
    mask), when the call keeps them (``continuous="knn"``).  ``levels[j]``: the label of each
    code of a factorised column (None: code c stands for ``offset[j] + c``, or is a bin).
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
    drop: list[bool] = field(default_factory=list)
    binned: list[bool] = field(default_factory=list)
    sparse: Sparse | None = None
    values: dict[int, tuple[np.ndarray, np.ndarray | None]] = field(default_factory=dict)
    levels: list[np.ndarray | None] = field(default_factory=list)

    def add(self, codes: _codes.Codes, binned: bool = False) -> None:
        """A separate contiguous column."""
        self.add_view(codes.data, 0, 1, codes.offset, codes.size, codes.exact)
        self.drop[-1], self.binned[-1], self.levels[-1] = codes.drop_missing, binned, codes.levels

    def add_view(
        self, src: np.ndarray, start: int, stride: int, offset: int, size: int, exact: bool
    ) -> None:
        """A column that is a strided view of ``src`` (shared with the columns before it)."""
        self.add_views(src, [start], stride, [offset], [size], [exact])

    def add_views(
        self,
        src: np.ndarray,
        starts: Sequence[int],
        stride: int,
        offsets: Sequence[int] | np.ndarray,
        sizes: Sequence[int] | np.ndarray,
        exact: Sequence[bool] | np.ndarray,
        binned: bool = False,
    ) -> None:
        """Columns that are strided views of ``src`` with one stride (a matrix's columns);
        ``binned``: continuous columns' bins."""
        if not (self.sources and self.sources[-1] is src):
            self.sources.append(src)
        k = len(starts)
        self.source.extend([len(self.sources) - 1] * k)
        self.start.extend(starts)
        self.stride.extend([stride] * k)
        self.offset.extend(np.asarray(offsets, dtype=np.int64).tolist())
        self.size.extend(np.asarray(sizes, dtype=np.int64).tolist())
        self.exact.extend(np.asarray(exact, dtype=bool).tolist())
        self.drop.extend([False] * k)
        self.binned.extend([binned] * k)
        self.levels.extend([None] * k)

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

    def sizes(self, which: Sequence[int]) -> np.ndarray:
        """The level counts of columns ``which``."""
        return np.asarray(self.size, dtype=np.int64)[np.asarray(which, dtype=np.intp)]

    def drops(self, which: Sequence[int]) -> np.ndarray:
        """Whether the last level of each column of ``which`` is left out (missing="drop")."""
        return np.asarray(self.drop, dtype=bool)[np.asarray(which, dtype=np.intp)]

    def column(self, j: int) -> np.ndarray:
        """Column j as a (possibly strided) 1-D view of its source."""
        if self.sparse is not None:
            return self.sparse.column(j, self.n)
        src = self.sources[self.source[j]].reshape(-1)
        return src[self.start[j] :: self.stride[j]][: self.n]

    def make_exact(self, j: int, n_threads: int) -> None:
        """Re-encode column j from its true range if it was guessed."""
        if not self.exact[j]:
            self.reencode(j, n_threads)

    def reencode(self, j: int, n_threads: int) -> None:
        """Column j encoded from its true range (factorised when the range is too wide)."""
        col = self.column(j)
        codes = _codes.encode(np.ascontiguousarray(col), self.names[j], n_threads)
        codes = _codes.exact(codes, n_threads)
        self.sources.append(codes.data)
        self.source[j] = len(self.sources) - 1
        self.start[j], self.stride[j] = 0, 1
        self.offset[j], self.size[j], self.exact[j] = int(codes.offset), int(codes.size), True
        self.levels[j] = codes.levels

    def labels(self, j: int, codes: np.ndarray) -> list[Any]:
        """The labels (Python values) of exact codes of column j: its levels, or
        ``offset[j] + code`` (a binned column's codes are its bins)."""
        levels = self.levels[j]
        if levels is not None:
            return list(np.asarray(levels[codes]).tolist())
        return [int(c) + self.offset[j] for c in codes.tolist()]

    def codes(self, j: int, n_threads: int) -> _codes.Codes:
        """Column j as exact int32 codes in [0, size)."""
        self.make_exact(j, n_threads)
        data = (self.column(j).astype(np.int64) - self.offset[j]).astype(np.int32)
        return _codes.Codes(
            data, 0, self.size[j], None, np.dtype(np.int32), drop_missing=self.drop[j]
        )


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


def _binned_together(
    columns: Sequence[Any],
    matrix: np.ndarray | None,
    mask: list[bool],
    n_bins: int,
    strategy: str,
    n_threads: int,
) -> tuple[dict[int, int], np.ndarray, list[np.ndarray | None]] | None:
    """The continuous columns that are numbers without gaps (``matrix``: the 2-D array whose
    columns ``columns`` are, if any), binned in one call (``bin_columns``, a chunk of columns at
    a time): ({column: its index among the binned}, their codes (F order, a column each), their
    edges), or None.  A column with NaN or inf (edges None) and the others are coded one at a
    time (gaps, errors)."""
    picked = [j for j, discrete in enumerate(mask) if not discrete]
    if matrix is not None:
        if matrix.dtype.kind not in "biuf" or not picked or matrix.shape[0] == 0:
            return None
        codes, edges = bin_columns(matrix, n_bins, strategy, n_threads, picked)
    else:
        numbers = {
            j: c.values
            for j in picked
            if isinstance(c := columns[j], Column)
            and c.values is not None
            and c.missing is None
            and c.values.dtype.kind in "biuf"
            and c.values.ndim == 1
            and c.values.size
        }
        if not numbers:
            return None
        picked = list(numbers)
        codes, edges = bin_columns(list(numbers.values()), n_bins, strategy, n_threads)
    at = {j: i for i, (j, e) in enumerate(zip(picked, edges, strict=True)) if e is not None}
    return at, codes, edges


def _add_columns(
    cols: Columns,
    columns: Sequence[Any],
    mask: list[bool],
    n_bins: int,
    strategy: str,
    n_threads: int,
    missing: str,
    keep_values: bool,
    edges: Sequence[np.ndarray | None] | None,
    matrix: np.ndarray | None = None,
) -> list[_codes.MissingValuesError]:
    """Each of ``columns`` coded: the continuous ones without gaps binned together (unless
    ``edges`` are given), each run of them added as views of their codes; the rest by
    :func:`_add_column`.  The missing-value errors."""
    together = None
    if edges is None:
        together = _binned_together(columns, matrix, mask, n_bins, strategy, n_threads)
    at, codes, found = together or ({}, np.empty((0, 0), dtype=np.uint8), [])
    source = codes.T  # C order: binned column i from element i * n
    errors = []
    j = 0
    while j < len(columns):
        if j in at:  # a run of binned columns, consecutive in both
            i, run = at[j], 1
            while j + run in at and at[j + run] == i + run:
                run += 1
            n = codes.shape[0]
            sizes = [max(e.size - 1, 1) for e in found[i : i + run] if e is not None]
            starts = range(i * n, (i + run) * n, n)
            cols.add_views(source, starts, 1, [0] * run, sizes, [True] * run, binned=True)
            if keep_values:
                for r in range(run):
                    column = columns[j + r]
                    numbers = column.values if isinstance(column, Column) else column
                    cols.values[j + r] = (np.asarray(numbers, dtype=np.float64), None)
            j += run
            continue
        err = _add_column(
            cols,
            columns[j],
            mask[j],
            n_bins,
            strategy,
            j,
            n_threads,
            missing,
            keep_values,
            None if edges is None else edges[j],
        )
        if err:
            errors.append(err)
        j += 1
    return errors


def _matrix_columns(
    arr: np.ndarray,
    cols: Columns,
    mask: list[bool],
    n_bins: int,
    strategy: str,
    n_threads: int,
    missing: str,
    keep_values: bool = False,
    edges: Sequence[np.ndarray | None] | None = None,
) -> list[_codes.MissingValuesError]:
    """Columns of a 2-D array: integer/bool columns read in place (no copy), others coded."""
    kind = arr.dtype.kind
    if not (kind in "biu" and all(mask) and arr.dtype != np.uint64):
        return _add_columns(
            cols,
            [arr[:, j] for j in range(arr.shape[1])],
            mask,
            n_bins,
            strategy,
            n_threads,
            missing,
            keep_values,
            edges,
            arr,
        )
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
    lo, hi, exact = _codes.column_ranges(arr, n_threads)
    direct = _codes.is_direct(lo, hi, n)
    first = len(cols.start)
    lo = np.where(direct, lo, 0)  # a factorised column's range is set by reencode
    cols.add_views(src, starts, stride, lo, np.where(direct, hi, 0) - lo + 1, direct & exact)
    for j in np.flatnonzero(~direct).tolist():  # too wide for a dense range: factorised
        cols.reencode(first + j, n_threads)
    return []


def _numbers(column: Any, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(values as float64, mask of missing rows or None) of a column to bin."""
    data = column if isinstance(column, Column) else column_data(column)
    if data is not None:
        if data.values is None:
            raise TypeError(f"column {name} is not numeric: it cannot be binned; mark it discrete")
        column, absent = data.values, data.missing
    else:
        absent = None
    column = np.asarray(column) if not isinstance(column, np.ndarray) else column
    if column.dtype.kind in "OmM":  # None, pandas.NA, NaT: missing, not numbers
        gaps = _codes.missing_mask(column)
        if gaps.any():
            column = np.where(gaps, np.nan, column) if column.dtype.kind == "O" else column
            absent = gaps if absent is None else absent | gaps
        if column.dtype.kind in "mM":
            raise TypeError(
                f"column {name} holds dates or times: it cannot be binned; mark it discrete"
            )
    try:
        values = np.asarray(column, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"column {name} is not numeric ({getattr(column, 'dtype', type(column).__name__)}): "
            "it cannot be binned; mark it discrete"
        ) from None
    nan = np.isnan(values)
    if nan.any():
        absent = nan if absent is None else absent | nan
    return values, absent


def binned_codes(
    column: Any,
    n_bins: int,
    strategy: str,
    name: str,
    missing: str,
    label: str = "",
    keep: list[tuple[np.ndarray, np.ndarray | None]] | None = None,
    edges: np.ndarray | None = None,
) -> _codes.Codes:
    """A continuous column (or target) binned: codes in [0, bins), missing rows (NaN, nulls) in
    one more code as ``missing`` says (``label``: the variable in messages, by default
    "column {name}"); ``keep``: its (values, missing mask) are appended there (the
    nearest-neighbour estimates read them); ``edges``: fixed bin edges (else edges from the
    values by ``n_bins`` and ``strategy``)."""
    values, absent = _numbers(column, name)
    if keep is not None:
        keep.append((values, absent))
    if absent is None:
        binned, edges = bin_column(values, n_bins, strategy, name, edges)
        return _codes.Codes(binned, 0, max(edges.size - 1, 1), None, binned.dtype)
    n_missing = int(np.count_nonzero(absent))
    if missing == "error":
        raise _codes.MissingValuesError(
            label or f"column {name}", n_missing, int(np.argmax(absent))
        )
    if n_missing == values.size:
        size = 0 if edges is None else max(edges.size - 1, 1)
        data = np.full(values.size, size, dtype=np.uint16)
    else:
        present, edges = bin_column(values[~absent], n_bins, strategy, name, edges)
        size = max(edges.size - 1, 1)
        data = np.full(values.size, size, dtype=np.uint16)
        data[~absent] = present
    return _codes.Codes(
        data, 0, size + 1, None, data.dtype, n_missing=n_missing, drop_missing=missing == "drop"
    )


def _add_column(
    cols: Columns,
    column: Any,
    is_discrete: bool,
    n_bins: int,
    strategy: str,
    j: int,
    n_threads: int,
    missing: str,
    keep_values: bool = False,
    edges: np.ndarray | None = None,
) -> _codes.MissingValuesError | None:
    """Add column j, coded (binned with ``edges`` when given); the missing-value error of the
    column when ``missing`` is "error" (collected, so that one error lists every affected
    column)."""
    name = cols.names[j]
    try:
        if is_discrete:
            try:
                codes = _codes.encode(column, f"column {name}", n_threads, missing, sort=False)
            except _codes.MissingValuesError:
                raise
            except ValueError as exc:
                raise ValueError(
                    str(exc).replace(f"column {name}[", f"column {name} at row [")
                ) from None
            cols.add(_codes.exact(codes, n_threads))
        else:
            kept: list[tuple[np.ndarray, np.ndarray | None]] | None = [] if keep_values else None
            coded = binned_codes(column, n_bins, strategy, name, missing, keep=kept, edges=edges)
            cols.add(coded, binned=True)
            if kept:
                cols.values[j] = kept[0]
    except _codes.MissingValuesError as err:
        cols.add(_codes.Codes(np.zeros(1, np.int32), 0, 1, None, np.dtype(np.int32)))
        return err
    return None


class MissingColumnsError(ValueError):
    """Missing values where ``missing="error"``: every affected column (and the target) in one
    message."""

    __reduce__ = _codes.reduce_error

    def __init__(self, errors: list[_codes.MissingValuesError], n: int) -> None:
        self.errors, self.n = errors, n
        if len(errors) <= 5:
            listed = ", ".join(
                f"{e.variable} ({e.count} of {n} rows, first at row {e.first})" for e in errors
            )
        else:  # many: each with its count only
            listed = f"(rows missing of {n}) " + ", ".join(
                f"{e.variable} ({e.count})" for e in errors
            )
        where = "in " if len(errors) == 1 else f"in {len(errors)} columns: "
        super().__init__(
            f"missing values (NaN, None, null) {where}{listed}; pass missing='level' to count "
            "missing values as a level of their own, or missing='drop' to leave the rows where "
            "a column or the target is missing out of that column's score"
        )

    def including(self, target: _codes.MissingValuesError) -> MissingColumnsError:
        """The same error with the target's missing values listed too."""
        named = _codes.MissingValuesError("the target y", target.count, target.first)
        return MissingColumnsError([*self.errors, named], self.n)


def _sparse_columns(X: Any, discrete: Any, n_bins: int, strategy: str, missing: str) -> Columns:
    """The columns of a scipy.sparse matrix, coded without densifying X: the stored values of
    each column factorised (an explicit zero joins the implicit ones), or the column binned."""
    csc = X.tocsc()
    csc.sort_indices()
    n, p = csc.shape
    if n == 0 or p == 0:
        raise ValueError(f"X is empty (shape {csc.shape})")
    names = [str(j) for j in range(p)]
    kind = csc.dtype.kind
    if kind not in "biuf":
        raise TypeError(f"X has unsupported dtype {csc.dtype}")
    mask = _discrete_mask(discrete, names, [kind] * p)
    cols = Columns(names, n)
    indptr = np.asarray(csc.indptr, dtype=np.intp)
    rows = np.asarray(csc.indices, dtype=np.intp)
    codes = np.empty(rows.size, dtype=np.int32)
    zero = np.zeros(p, dtype=np.int32)
    errors = []
    for j in range(p):
        lo, hi = indptr[j], indptr[j + 1]
        values = np.asarray(csc.data[lo:hi])
        if not mask[j]:
            dense = np.zeros(n, dtype=np.float64)
            dense[rows[lo:hi]] = values
            try:
                c = binned_codes(dense, n_bins, strategy, names[j], missing)
            except _codes.MissingValuesError as err:
                errors.append(err)
                c = _codes.Codes(np.zeros(n, np.int32), 0, 1, None, np.dtype(np.int32))
            codes[lo:hi] = c.data[rows[lo:hi]]
            implicit = np.ones(n, dtype=bool)
            implicit[rows[lo:hi]] = False
            zero[j] = c.data[np.argmax(implicit)] if implicit.any() else 0
            size, drop, binned = c.size, c.drop_missing, True
        else:
            infinite = np.isinf(values) if kind == "f" else np.zeros(values.size, dtype=bool)
            if infinite.any():
                i = int(np.argmax(infinite))
                raise ValueError(
                    f"column {names[j]} at row [{int(rows[lo + i])}] is infinite "
                    f"({values[i]!r}); labels must be finite"
                )
            nan = np.isnan(values) if kind == "f" else np.zeros(values.size, dtype=bool)
            levels, index = np.unique(np.where(nan, 0, values), return_inverse=True)
            # code 0: zero (implicit or stored); 1, 2, ...: the nonzero stored values in order
            nonzero = levels != 0
            code_of = np.where(nonzero, np.cumsum(nonzero), 0).astype(np.int32)
            c_data = code_of[index.reshape(-1)]
            size, drop = int(np.count_nonzero(nonzero)) + 1, False
            if nan.any():
                n_nan, first = int(np.count_nonzero(nan)), int(rows[lo + int(np.argmax(nan))])
                if missing == "error":
                    errors.append(_codes.MissingValuesError(f"column {names[j]}", n_nan, first))
                c_data = np.where(nan, size, c_data).astype(np.int32)
                size, drop = size + 1, missing == "drop"
            codes[lo:hi] = c_data
            binned = False
        cols.add_view(codes, 0, 1, 0, size, True)
        cols.drop[-1], cols.binned[-1] = drop, binned
    if errors:
        raise MissingColumnsError(errors, n)
    cols.sparse = Sparse(indptr, rows, codes, zero)
    return cols


def check_samples(n: int, n_target: int) -> None:
    """X's n rows and the target's must agree."""
    if n != n_target:
        raise ValueError(f"X and y must have the same number of samples, got {n} and {n_target}")


def _check_rows(n: int, rows: np.ndarray | None) -> None:
    if rows is not None:
        check_samples(n, rows.shape[0])


@dataclass
class Table:
    """``X`` read as named columns: a DataFrame's (``data``: each a :class:`Column`, None for a
    kind the adapter does not know) or a 2-D array's (``arr``); ``kinds``: each column's kind
    (a frame column's ``Column.kind``, else the array's dtype kind), which ``discrete="auto"``
    goes by."""

    names: list[str]
    kinds: list[str]
    n: int
    data: list[Column | None] | None = None
    arr: np.ndarray | None = None

    def take(self, rows: np.ndarray) -> Table:
        """The table at ``rows`` (a bool mask)."""
        n = int(rows.sum())
        if self.data is not None:
            data = [d.take(rows) if d is not None else None for d in self.data]
            return Table(self.names, self.kinds, n, data=data)
        assert self.arr is not None
        return Table(self.names, self.kinds, n, arr=self.arr[rows])


def read_table(X: Any, allow_empty: bool = False) -> Table:
    """A DataFrame or 2-D array (not sparse) as a :class:`Table` (``allow_empty``: no rows
    accepted)."""
    frame = as_frame(X, "X", allow_empty=allow_empty)
    if frame is not None:
        arr = frame.integer_matrix()  # integer columns without gaps: read as an array's
        if arr is not None:
            return Table(frame.names, ["i"] * len(frame.names), frame.n_rows, arr=arr)
        floats = frame.float_columns()  # float columns: read as one array's
        data = [
            floats[j] if j in floats else column_data(frame.column(j))
            for j in range(len(frame.names))
        ]
        kinds = [d.kind if d else "O" for d in data]
        return Table(frame.names, kinds, frame.n_rows, data=data)
    arr = as_matrix(X, "X", allow_empty=allow_empty)
    p = arr.shape[1]
    return Table([str(j) for j in range(p)], [arr.dtype.kind] * p, arr.shape[0], arr=arr)


def discrete_mask(discrete: Any, table: Table) -> list[bool]:
    """Which columns of the table are discrete (``discrete`` as in ``mutual_info_scores``)."""
    return _discrete_mask(discrete, table.names, table.kinds)


def code_columns(
    X: Any,
    discrete: Any,
    n_bins: int,
    strategy: str,
    n_threads: int,
    missing: str = "error",
    rows: np.ndarray | None = None,
    keep_values: bool = False,
) -> Columns:
    """Every column of ``X`` coded: discrete ones as labels, the others binned; only the rows
    ``rows`` (a bool mask) when given: the rows of a target that is present; ``keep_values``:
    the binned columns' values are kept too."""
    check_binning(n_bins, strategy)
    _codes.check_missing(missing)
    if is_sparse(X):
        _check_rows(X.shape[0], rows)
        return _sparse_columns(
            X if rows is None else X.tocsr()[rows], discrete, n_bins, strategy, missing
        )
    table = read_table(X)
    _check_rows(table.n, rows)
    if rows is not None:
        table = table.take(rows)
    mask = discrete_mask(discrete, table)
    return code_table(table, mask, n_bins, strategy, n_threads, missing, keep_values)


def code_table(
    table: Table,
    mask: list[bool],
    n_bins: int,
    strategy: str,
    n_threads: int,
    missing: str = "error",
    keep_values: bool = False,
    edges: Sequence[np.ndarray | None] | None = None,
) -> Columns:
    """Every column of a table coded: the discrete ones (``mask``) as labels, the others
    binned, with ``edges[j]`` when given (else with edges from their values by ``n_bins`` and
    ``strategy``); ``keep_values``: the binned columns' values are kept too."""
    cols = Columns(table.names, table.n)
    if table.data is not None:
        errors = _add_columns(
            cols, table.data, mask, n_bins, strategy, n_threads, missing, keep_values, edges
        )
    else:
        assert table.arr is not None
        errors = _matrix_columns(
            table.arr, cols, mask, n_bins, strategy, n_threads, missing, keep_values, edges
        )
    if errors:
        raise MissingColumnsError(errors, cols.n)
    return cols


@dataclass
class CodedTarget:
    """The target as exact, compact int32 codes in [0, size); ``binned``: a continuous target
    binned like a continuous column."""

    codes: _codes.Codes
    binned: bool
    values: tuple[np.ndarray, np.ndarray | None] | None = None


def _is_numeric(y: Any) -> bool:
    """Whether ``y`` holds numbers (not bools, strings or categoricals)."""
    data = column_data(y)
    if data is not None:
        return data.kind in "fi" and data.values is not None and data.values.dtype.kind != "b"
    return _codes.label_array(y, "y").dtype.kind in "iuf"


def _looks_continuous(codes: _codes.Codes) -> bool:
    """The automatic rule (``fastent._core.codes.continuous_target``) on a numeric target's
    compact codes."""
    size = codes.size - (1 if codes.n_missing else 0)
    levels = codes.values(np.arange(size))
    if levels.dtype == object:  # numbers with the missing level's None after them: numbers
        levels = levels.astype(np.float64)
    n = codes.data.shape[0] - codes.n_missing
    return _codes.continuous_target(levels, n)


def code_target(
    y: Any,
    n: int | None,
    n_threads: int,
    missing: str = "error",
    discrete_target: bool | None = None,
    n_bins: int = 16,
    strategy: str = "quantile",
) -> CodedTarget:
    """The target as exact, compact int32 codes in [0, size): labels, or bins of a continuous
    target (``discrete_target`` None: a numeric target by the rule of ``_looks_continuous``)."""
    _codes.check_missing(missing)
    if discrete_target is not None and not isinstance(discrete_target, (bool, np.bool_)):
        raise TypeError(
            f"discrete_target must be None, True or False, got {type(discrete_target).__name__}"
        )
    binned = discrete_target is not None and not discrete_target
    codes = None
    if not binned:
        # labels the user says are labels: no warning that they look continuous
        codes = _codes.encode(y, "y", n_threads, missing, sort=False, warn=False)
        codes = _codes.compacted(_codes.exact(codes, n_threads), n_threads)
        binned = discrete_target is None and _is_numeric(y) and _looks_continuous(codes)
    kept: list[tuple[np.ndarray, np.ndarray | None]] = []
    if binned:
        codes = binned_codes(y, n_bins, strategy, "y", missing, "y", keep=kept)
        codes = _codes.compacted(_codes.exact(codes, n_threads), n_threads)
    assert codes is not None
    if n is not None:
        check_samples(n, codes.data.shape[0])
    return CodedTarget(
        _codes.Codes(
            codes.zero_based(),
            0,
            codes.size,
            None,
            np.dtype(np.int32),
            n_missing=codes.n_missing,
            drop_missing=codes.drop_missing,
        ),
        binned,
        kept[0] if kept else None,
    )


def present_rows(target: CodedTarget) -> tuple[CodedTarget, np.ndarray | None]:
    """A target whose missing values are dropped (``missing="drop"``) without those rows, and
    the mask of the rows kept (None when every row is kept)."""
    codes = target.codes
    if not (codes.drop_missing and codes.n_missing):
        return target, None
    rows = codes.data != codes.size - 1
    if not rows.any():
        raise ValueError("y has no values: every row is missing")
    kept = _codes.Codes(
        np.ascontiguousarray(codes.data[rows]), 0, codes.size - 1, None, codes.dtype
    )
    values = None if target.values is None else (target.values[0][rows], None)
    return CodedTarget(kept, target.binned, values), rows
