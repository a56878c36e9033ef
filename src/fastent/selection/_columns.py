# SPDX-License-Identifier: BSD-3-Clause
"""Column coding of ``X``: every feature as integer codes the counting kernel reads in place.

Integer columns of a 2-D array are read where they lie (no copy), with each column's range
guessed from a sample of rows (``fastent._core.codes.guess_step``) and checked by the counting
pass; label columns of a DataFrame are encoded like ``fastent.discrete``'s labels; float columns
are binned (``_binning``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._core import codes as _codes
from .._core.checks import check_binning
from .._core.frames import as_matrix, column_kind, is_dataframe, split_columns
from ._binning import bin_column

__all__ = ["Columns", "code_columns", "code_target"]


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

    def add(self, codes: _codes.Codes) -> None:
        """A separate contiguous column."""
        self.add_view(codes.data, 0, 1, codes.offset, codes.size, codes.exact)

    def add_view(
        self, src: np.ndarray, start: int, stride: int, offset: int, size: int, exact: bool
    ) -> None:
        """A column that is a strided view of ``src`` (shared with the columns before it)."""
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

    def sizes(self, which: Sequence[int]) -> np.ndarray:
        """The level counts of columns ``which``."""
        return np.asarray(self.size, dtype=np.int64)[np.asarray(which, dtype=np.intp)]

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
        codes = _codes.encode(np.ascontiguousarray(col), self.names[j], n_threads)
        codes = _codes.exact(codes, n_threads)
        self.sources.append(codes.data)
        self.source[j] = len(self.sources) - 1
        self.start[j], self.stride[j] = 0, 1
        self.offset[j], self.size[j], self.exact[j] = int(codes.offset), int(codes.size), True

    def codes(self, j: int, n_threads: int) -> _codes.Codes:
        """Column j as exact int32 codes in [0, size)."""
        self.make_exact(j, n_threads)
        data = (self.column(j).astype(np.int64) - self.offset[j]).astype(np.int32)
        return _codes.Codes(data, 0, self.size[j], None, np.dtype(np.int32))


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
    if not (kind in "biu" and all(mask) and arr.dtype != np.uint64):
        for j in range(arr.shape[1]):
            _add_column(cols, arr[:, j], mask[j], n_bins, strategy, j, n_threads)
        return
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
    step = _codes.guess_step(n)
    rows = arr[::step]
    lo, hi = rows.min(axis=0).tolist(), rows.max(axis=0).tolist()  # Python ints: no overflow
    for j, start in enumerate(starts):
        if _codes.is_direct(lo[j], hi[j], n):
            cols.add_view(src, start, stride, lo[j], hi[j] - lo[j] + 1, step == 1)
        else:  # too wide for a dense range: factorise
            cols.add_view(src, start, stride, 0, 1, False)
            cols.reencode(j, n_threads)


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
            codes = _codes.encode(column, f"column {name}", n_threads)
        except ValueError as exc:
            raise ValueError(
                str(exc).replace(f"column {name}[", f"column {name} at row [")
            ) from None
        cols.add(_codes.exact(codes, n_threads))
    else:
        binned, edges = bin_column(np.asarray(column), n_bins, strategy, name)
        cols.add(_codes.Codes(binned, 0, max(edges.size - 1, 1), None, binned.dtype))


def code_columns(X: Any, discrete: Any, n_bins: int, strategy: str, n_threads: int) -> Columns:
    """Every column of ``X`` coded: discrete ones as labels, the others binned."""
    check_binning(n_bins, strategy)
    if is_dataframe(X):
        names, columns = split_columns(X, "X")
        cols = Columns(names, len(columns[0]))
        mask = _discrete_mask(discrete, names, [column_kind(c) for c in columns])
        for j, column in enumerate(columns):
            _add_column(cols, column, mask[j], n_bins, strategy, j, n_threads)
        return cols
    arr = as_matrix(X, "X")
    cols = Columns([str(j) for j in range(arr.shape[1])], arr.shape[0])
    _matrix_columns(arr, cols, discrete, n_bins, strategy, n_threads)
    return cols


def code_target(y: Any, n: int, n_threads: int) -> _codes.Codes:
    """The target as exact, compact int32 codes in [0, size)."""
    codes = _codes.encode(y, "y", n_threads)
    if codes.data.shape[0] != n:
        raise ValueError(
            f"X and y must have the same number of samples, got {n} and {codes.data.shape[0]}"
        )
    codes = _codes.compacted(_codes.exact(codes, n_threads), n_threads)
    return _codes.Codes(codes.zero_based(), 0, codes.size, None, np.dtype(np.int32))
