# SPDX-License-Identifier: BSD-3-Clause
"""Count/bitset sweeps: many columns against one target in a pass, and information from the tables.

A sweep counts every column of a set against one target code vector (``y``, a selected column,
or the pair (selected column, ``y``)) with one kernel call, and turns each column's table into
I(X_j; target) or I(X_j; y | X_s).  Repeated sweeps over small alphabets (greedy selection, the
pairwise matrix) use bitsets instead: one bitset of samples per (column, level), built in one
pass, and a table cell is then a popcount of two ANDed bitsets (n / 64 words instead of n codes).
Columns whose table against the target is too large for a dense table are counted sparsely, like
``fastent.discrete``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .._core import measures
from .._core.codes import Codes
from .._core.counting import Cells, count, drop_missing_rows, fits_dense
from .._core.memory import allocate
from .._kernels import counting as _k
from ._columns import Columns

__all__ = ["Bitsets", "Sweeps", "Target"]

#: Bitsets for repeated sweeps are built when they take at most this many bytes or the size of X.
BITSET_BYTES = 1 << 26

#: Samples x columns counted by one kernel call: a longer sweep is cut into calls of about this
#: much work (~0.3 s each), so a KeyboardInterrupt is honoured between them, and the tables of one
#: call stay small.
SWEEP_WORK = 1 << 29


@dataclass
class Target:
    """What a sweep counts the columns against: int32 codes in [0, size), and, for a sweep by
    bitsets, a function giving the target's bitsets (one row per level).  ``drop``: the last
    level holds missing values, whose rows are left out (``missing="drop"``)."""

    codes: np.ndarray
    size: int
    bits: Callable[[], np.ndarray] | None = None
    drop: bool = False


@dataclass
class Bitsets:
    """Every column as one bitset of samples per level: level v of column j is row
    ``first[j] + v`` of ``bits`` (``ceil(n / 64)`` words a row)."""

    bits: np.ndarray
    first: np.ndarray

    @classmethod
    def build(cls, cols: Columns, n_threads: int, input_bytes: int) -> Bitsets | None:
        """The bitsets of every column (one pass over X), or None if they would be too large."""
        words = (cols.n + 63) // 64
        if cols.sparse is not None or int(np.sum(cols.size)) * words * 8 > max(
            BITSET_BYTES, input_bytes
        ):
            return None
        which = range(len(cols.names))
        bits, first, _, status = _k.count_columns(
            cols.sources, *cols.arrays(which), None, 0, n_threads, cols.n, True
        )
        if (status >= 0).any():  # a range guessed from a sample of rows was too narrow
            for j in np.flatnonzero(status >= 0):
                cols.make_exact(int(j), n_threads)
            return cls.build(cols, n_threads, input_bytes)
        return cls(bits, first)

    def rows(self, j: int, size: int) -> np.ndarray:
        """The bitsets of column j's ``size`` levels."""
        return np.asarray(self.bits[self.first[j] : self.first[j] + size])


def _block_sums(t: np.ndarray, first: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Sums over each column's block of table columns: ``t[:, first[j] : first[j] + sizes[j]]``
    summed along axis 1, for every j (empty blocks sum to 0)."""
    csum = np.zeros((t.shape[0], t.shape[1] + 1), dtype=np.int64)
    np.cumsum(t, axis=1, out=csum[:, 1:])
    return csum[:, first + sizes] - csum[:, first]


#: The information of column tables: f(tables, positions, step, columns) -> one value a column.
Information = Callable[[np.ndarray, np.ndarray, int, list[int]], np.ndarray]


class Sweeps:
    """The sweeps of one scoring call: the coded columns, the estimator, the thread count, for
    repeated sweeps the columns' bitsets, and ``adjusted``: every information minus its
    expectation under permutation (chance-corrected)."""

    def __init__(
        self,
        cols: Columns,
        estimator: int,
        n_threads: int,
        bitsets: Bitsets | None = None,
        adjusted: bool = False,
    ) -> None:
        self.cols, self.estimator, self.n_threads = cols, estimator, n_threads
        self.bitsets, self.adjusted = bitsets, adjusted

    def target(self, codes: Codes) -> Target:
        """Exact int32 codes as a target (with their bitsets when the sweeps use bitsets)."""
        bits = None
        if self.bitsets is not None:
            bits = functools.partial(np.asarray, _k.bitsets(codes.data, codes.size))
        return Target(codes.data, codes.size, bits, codes.drop_missing)

    def column_target(self, j: int) -> Target:
        """Column j as a target (its bitsets are the rows the bitsets already hold)."""
        codes = self.cols.codes(j, self.n_threads)
        bits = None if self.bitsets is None else functools.partial(self.bitsets.rows, j, codes.size)
        return Target(codes.data, codes.size, bits, self.cols.drop[j])

    def _sparse_tables(
        self, which: Sequence[int], target: Target
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """(tables, positions, step) of sparse columns: the stored entries counted by their
        codes, and each column's implicit zeros as the rest of each target level's rows."""
        sparse, cols = self.cols.sparse, self.cols
        assert sparse is not None
        idx = np.asarray(which, dtype=np.intp)
        sizes = cols.sizes(which)
        positions = np.zeros(idx.size, dtype=np.intp)
        positions[1:] = np.cumsum(sizes)[:-1]
        step, kt = int(sizes.sum()), target.size
        lo, hi = sparse.indptr[idx], sparse.indptr[idx + 1]
        rows = np.concatenate([sparse.rows[a:b] for a, b in zip(lo, hi, strict=True)])
        codes = np.concatenate([sparse.codes[a:b] for a, b in zip(lo, hi, strict=True)])
        cell = target.codes[rows].astype(np.int64) * step + np.repeat(positions, hi - lo) + codes
        tables = np.bincount(cell, minlength=kt * step).astype(np.int64)
        t = tables.reshape(kt, step)
        stored = _block_sums(t, positions, sizes)
        totals = np.bincount(target.codes, minlength=kt)
        t[:, positions + sparse.zero[idx]] += totals[:, None] - stored
        return tables, positions, step

    def counts(self, which: Sequence[int], target: Target) -> tuple[np.ndarray, np.ndarray, int]:
        """(tables, positions, step) of columns ``which`` against the target, in the layout of
        ``count_columns`` (cell (v, t) of the i-th column at ``t * step + positions[i] + v``; the
        counts ``fastent.stream`` accumulates), by bitsets when the alphabets are small enough
        for popcounts to beat counting, else by counting."""
        cols = self.cols
        if cols.sparse is not None:
            return self._sparse_tables(which, target)
        cells = int(cols.sizes(which).max()) * target.size
        if self.bitsets is not None and target.bits is not None:
            if cells <= _k.bit_cells_limit():
                first = self.bitsets.first[np.asarray(which, dtype=np.intp)]
                return _k.bit_tables(
                    self.bitsets.bits, first, cols.sizes(which), target.bits(), self.n_threads
                )
        tables, positions, step, status = _k.count_columns(
            cols.sources, *cols.arrays(which), target.codes, target.size, self.n_threads
        )
        if (status >= 0).any():  # a value outside a range guessed from a sample of rows
            for i in np.flatnonzero(status >= 0):
                cols.make_exact(int(which[int(i)]), self.n_threads)
            return self.counts(which, target)
        for j in which:  # every value was inside its guessed range: the guess is the true range
            cols.exact[j] = True
        return tables, positions, step

    def _split(self, which: Sequence[int], n_target: int) -> tuple[list[int], list[int]]:
        """Positions in ``which`` of the columns whose table against ``n_target`` levels is
        counted densely, and of the others (counted sparsely)."""
        dense = fits_dense(self.cols.sizes(which) * n_target, self.cols.n)
        return np.flatnonzero(dense).tolist(), np.flatnonzero(~dense).tolist()

    def _swept(
        self,
        which: list[int],
        positions: list[int],
        target: Target,
        information: Information,
        out: np.ndarray,
    ) -> None:
        """``out[i] = information(tables, positions, step, columns)`` of the columns
        ``which[i]``, i in ``positions``, against ``target``: counted in kernel calls of about
        ``SWEEP_WORK`` samples x columns each, returning to Python (and its signal handlers) in
        between."""
        per_call = max(1, SWEEP_WORK // max(self.cols.n, 1))
        for start in range(0, len(positions), per_call):
            part = positions[start : start + per_call]
            columns = [which[i] for i in part]
            tables, first, step = self.counts(columns, target)
            out[part] = information(tables, first, step, columns)

    def _kept(
        self,
        tables: np.ndarray,
        first: np.ndarray,
        step: int,
        columns: list[int],
        targets: tuple[Target, ...],
    ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, tuple[int, ...]]:
        """The tables with the levels of missing values (``missing="drop"``) left out."""
        sizes, shape = self.cols.sizes(columns), tuple(t.size for t in targets)
        drops = self.cols.drops(columns)
        drop_target = tuple(t.drop for t in targets)
        if not (drops.any() or any(drop_target)):
            return tables, first, step, sizes, shape
        return measures.drop_levels(tables, first, step, sizes, shape, drops, drop_target)

    def _cells(self, j: int, targets: tuple[Target, ...]) -> Cells:
        """The nonzero cells of column j and the targets, counted sparsely (tables too large)."""
        variables = [self.cols.codes(j, self.n_threads)] + [
            Codes(t.codes, 0, t.size, None, np.dtype(np.int32), drop_missing=t.drop)
            for t in targets
        ]
        return count(drop_missing_rows(variables), self.n_threads)

    def mutual_info(self, which: Sequence[int], target: Target) -> np.ndarray:
        """I(X_j; target) in nats for j in ``which`` (minus E[I] when adjusted)."""
        which = list(which)
        dense, wide = self._split(which, target.size)
        out = np.empty(len(which))

        def information(
            tables: np.ndarray, first: np.ndarray, step: int, columns: list[int]
        ) -> np.ndarray:
            tables, first, step, sizes, (kt,) = self._kept(tables, first, step, columns, (target,))
            mi = measures.table_mutual_info(
                tables, first, step, sizes, kt, self.estimator, self.n_threads
            )
            if self.adjusted:
                mi -= measures.table_expected_mutual_info(tables, first, step, sizes, kt)
            return mi

        self._swept(which, dense, target, information, out)
        for i in wide:
            cells = self._cells(which[i], (target,))
            if cells.n == 0:  # every row dropped for its missing values
                out[i] = 0.0
                continue
            out[i] = measures.mutual_info(cells, self.estimator)
            if self.adjusted:
                out[i] -= measures.cells_expected_mutual_info(cells)
        return out

    def _pair(self, given: Target, y: Target) -> Target:
        """The joint code z * ky + y of a column and the target (with bitsets when both have
        them)."""
        ks, ky = given.size, y.size
        pair_bits = None
        if given.bits is not None and y.bits is not None:
            s_bits, y_bits = given.bits, y.bits

            @functools.cache  # once for all the calls of the sweep
            def pair_bits() -> np.ndarray:  # rows s = w and y = c, ANDed, in order w * ky + c
                rows, target = s_bits(), y_bits()
                return np.asarray((rows[:, None, :] & target[None, :, :]).reshape(ks * ky, -1))

        return Target(given.codes * np.int32(ky) + y.codes, ks * ky, pair_bits)

    def _given(
        self,
        which: Sequence[int],
        s: int,
        y: Target,
        from_tables: Callable[[np.ndarray, np.ndarray, int, np.ndarray, int, int], np.ndarray],
        from_cells: Callable[[int, Target, Cells], float],
    ) -> np.ndarray:
        """A measure of every column of ``which`` with y and X_s: ``from_tables(tables,
        positions, step, sizes, kz, ky)`` of the tables against the joint code of (X_s, y), the
        levels of missing values left out, or ``from_cells(j, X_s, cells of (X_j, y, X_s))``
        for the columns whose tables are too large."""
        given = self.column_target(s)
        which = list(which)
        dense, wide = self._split(which, given.size * y.size)
        out = np.empty(len(which))

        def information(
            tables: np.ndarray, first: np.ndarray, step: int, columns: list[int]
        ) -> np.ndarray:
            tables, first, step, sizes, (kz, ky) = self._kept(
                tables, first, step, columns, (given, y)
            )
            return from_tables(tables, first, step, sizes, kz, ky)

        if dense:
            self._swept(which, dense, self._pair(given, y), information, out)
        for i in wide:
            cells = self._cells(which[i], (y, given))
            out[i] = 0.0 if cells.n == 0 else from_cells(which[i], given, cells)
        return out

    def conditional_mutual_info(self, which: Sequence[int], s: int, y: Target) -> np.ndarray:
        """I(X_j; y | X_s) in nats for j in ``which``: the columns against the joint code of
        (X_s, y) (minus its expectation under permutation within the strata of X_s when
        adjusted)."""

        def from_tables(
            tables: np.ndarray, first: np.ndarray, step: int, sizes: np.ndarray, kz: int, ky: int
        ) -> np.ndarray:
            cmi = measures.table_conditional_mutual_info(
                tables, first, step, sizes, kz, ky, self.estimator, self.n_threads
            )
            if self.adjusted:
                cmi -= measures.table_conditional_expected_mutual_info(
                    tables, first, step, sizes, kz, ky
                )
            return cmi

        def from_cells(j: int, given: Target, cells: Cells) -> float:
            cmi = measures.conditional_mutual_info(cells, self.estimator)
            if self.adjusted:
                cmi -= measures.cells_conditional_expected_mutual_info(cells)
            return cmi

        return self._given(which, s, y, from_tables, from_cells)

    def joint_mutual_info(self, which: Sequence[int], s: int, y: Target) -> np.ndarray:
        """I(X_j, X_s; y) = I(X_s; y) + I(X_j; y | X_s) in nats for j in ``which``, both terms
        from the tables of the columns against the joint code of (X_s, y), so over the same
        rows (those where X_j, X_s and y are present); minus E[I] of the pair (X_j, X_s) as one
        variable when adjusted (plug-in)."""

        def from_tables(
            tables: np.ndarray, first: np.ndarray, step: int, sizes: np.ndarray, kz: int, ky: int
        ) -> np.ndarray:
            mi = measures.table_conditional_mutual_info(
                tables, first, step, sizes, kz, ky, self.estimator, self.n_threads
            )
            pairs = measures.given_tables(tables, first, step, sizes, kz, ky)
            mi += measures.table_mutual_info(*pairs, ky, self.estimator, self.n_threads)
            if self.adjusted:
                joint = measures.joint_tables(tables, first, step, sizes, kz, ky)
                mi -= measures.table_expected_mutual_info(*joint, ky)
            return mi

        def from_cells(j: int, given: Target, cells: Cells) -> float:
            # I(X_s; y) over the rows of the cells (x, y, s): those where all three are present
            mi = measures.mutual_info(cells.of((1, 2)), self.estimator)
            mi += measures.conditional_mutual_info(cells, self.estimator)
            if self.adjusted:
                mi -= measures.cells_expected_mutual_info(cells, (1,), (0, 2))
            return mi

        return self._given(which, s, y, from_tables, from_cells)

    def g_test(self, which: Sequence[int], target: Target) -> np.ndarray:
        """(plug-in I in nats, rows counted, degrees of freedom) of every column of ``which``
        against the target: the G statistic is 2 * rows * I, with (levels seen - 1) x (target
        levels seen - 1) degrees of freedom."""
        which = list(which)
        dense, wide = self._split(which, target.size)
        out = np.empty((len(which), 3))

        def information(
            tables: np.ndarray, first: np.ndarray, step: int, columns: list[int]
        ) -> np.ndarray:
            tables, first, step, sizes, (kt,) = self._kept(tables, first, step, columns, (target,))
            mi = measures.table_mutual_info(
                tables, first, step, sizes, kt, measures.PLUGIN, self.n_threads
            )
            t = tables[: kt * step].reshape(kt, step)
            per_target = _block_sums(t, first, sizes)
            kx = _block_sums((t.sum(axis=0) > 0)[None, :], first, sizes)[0]
            ky = (per_target > 0).sum(axis=0)
            dof = np.maximum(kx - 1, 0) * np.maximum(ky - 1, 0)
            return np.column_stack([mi, per_target.sum(axis=0), dof])

        self._swept(which, dense, target, information, out)
        for i in wide:
            cells = self._cells(which[i], (target,))
            if cells.n == 0:
                out[i] = 0.0
                continue
            dof = max(cells.levels_seen(0) - 1, 0) * max(cells.levels_seen(1) - 1, 0)
            out[i] = measures.mutual_info(cells, measures.PLUGIN), cells.n, dof
        return out

    def matrix(self) -> np.ndarray:
        """I(X_i; X_j) in nats of every pair of columns, H(X_i) on the diagonal: column i
        against the columns after it, so each pair is counted once."""
        p = len(self.cols.names)
        out = allocate((p, p), np.float64, f"the {p} x {p} matrix")
        for i in range(p):
            out[i, i + 1 :] = out[i + 1 :, i] = self.mutual_info(
                range(i + 1, p), self.column_target(i)
            )
            out[i, i] = self.entropy(i)  # H(X_i), any estimator
        return out

    def entropy(self, j: int) -> float:
        """H(X_j) by the estimator, over column j's observed levels (present values only when
        its missing values are dropped)."""
        codes = self.cols.codes(j, self.n_threads)
        counts = np.bincount(codes.data, minlength=codes.size)
        if codes.drop_missing:
            counts = counts[:-1]
        return measures.entropy_of_counts(counts, self.estimator)
