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
from .._core.counting import count, fits_dense
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
    bitsets, a function giving the target's bitsets (one row per level)."""

    codes: np.ndarray
    size: int
    bits: Callable[[], np.ndarray] | None = None


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
        if int(np.sum(cols.size)) * words * 8 > max(BITSET_BYTES, input_bytes):
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


class Sweeps:
    """The sweeps of one scoring call: the coded columns, the estimator, the thread count and,
    for repeated sweeps, the columns' bitsets."""

    def __init__(
        self, cols: Columns, estimator: int, n_threads: int, bitsets: Bitsets | None = None
    ) -> None:
        self.cols, self.estimator, self.n_threads, self.bitsets = (
            cols,
            estimator,
            n_threads,
            bitsets,
        )

    def target(self, codes: Codes) -> Target:
        """Exact int32 codes as a target (with their bitsets when the sweeps use bitsets)."""
        bits = None
        if self.bitsets is not None:
            bits = functools.partial(np.asarray, _k.bitsets(codes.data, codes.size))
        return Target(codes.data, codes.size, bits)

    def column_target(self, j: int) -> Target:
        """Column j as a target (its bitsets are the rows the bitsets already hold)."""
        codes = self.cols.codes(j, self.n_threads)
        bits = None if self.bitsets is None else functools.partial(self.bitsets.rows, j, codes.size)
        return Target(codes.data, codes.size, bits)

    def _tables(self, which: Sequence[int], target: Target) -> tuple[np.ndarray, np.ndarray, int]:
        """(tables, positions, step) of columns ``which`` against the target, by bitsets when the
        alphabets are small enough for popcounts to beat counting, else by counting."""
        cols = self.cols
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
            return self._tables(which, target)
        for j in which:  # every value was inside its guessed range: the guess is the true range
            cols.exact[j] = True
        return tables, positions, step

    def _split(self, which: Sequence[int], n_target: int) -> tuple[list[int], list[int]]:
        """Positions in ``which`` of the columns whose table against ``n_target`` levels is
        counted densely, and of the others (counted sparsely)."""
        dense = [fits_dense(int(size) * n_target, self.cols.n) for size in self.cols.sizes(which)]
        return [i for i, d in enumerate(dense) if d], [i for i, d in enumerate(dense) if not d]

    def _swept(
        self,
        which: list[int],
        positions: list[int],
        target: Target,
        information: Callable[[np.ndarray, np.ndarray, int, np.ndarray], np.ndarray],
        out: np.ndarray,
    ) -> None:
        """``out[i] = information(tables, positions, step, sizes)`` of the columns ``which[i]``,
        i in ``positions``, against ``target``: counted in kernel calls of about ``SWEEP_WORK``
        samples x columns each, returning to Python (and its signal handlers) in between."""
        per_call = max(1, SWEEP_WORK // max(self.cols.n, 1))
        for start in range(0, len(positions), per_call):
            part = positions[start : start + per_call]
            columns = [which[i] for i in part]
            tables, first, step = self._tables(columns, target)
            out[part] = information(tables, first, step, self.cols.sizes(columns))

    def mutual_info(self, which: Sequence[int], target: Target) -> np.ndarray:
        """I(X_j; target) in nats for j in ``which``."""
        which = list(which)
        dense, wide = self._split(which, target.size)
        out = np.empty(len(which))
        self._swept(
            which,
            dense,
            target,
            lambda tables, first, step, sizes: measures.table_mutual_info(
                tables, first, step, sizes, target.size, self.estimator, self.n_threads
            ),
            out,
        )
        t = Codes(target.codes, 0, target.size, None, np.dtype(np.int32))
        for i in wide:
            cells = count([self.cols.codes(which[i], self.n_threads), t], self.n_threads)
            out[i] = measures.mutual_info(cells, self.estimator)
        return out

    def conditional_mutual_info(self, which: Sequence[int], s: int, y: Target) -> np.ndarray:
        """I(X_j; y | X_s) in nats for j in ``which``: the columns against the joint code of
        (X_s, y)."""
        given = self.column_target(s)
        ks, ky = given.size, y.size
        which = list(which)
        dense, wide = self._split(which, ks * ky)
        out = np.empty(len(which))
        if dense:
            pair_bits = None
            if given.bits is not None and y.bits is not None:
                s_bits, y_bits = given.bits, y.bits

                @functools.cache  # once for all the calls of the sweep
                def pair_bits() -> np.ndarray:  # rows s = w and y = c, ANDed, in order w * ky + c
                    rows, target = s_bits(), y_bits()
                    return np.asarray((rows[:, None, :] & target[None, :, :]).reshape(ks * ky, -1))

            pair = Target(given.codes * np.int32(ky) + y.codes, ks * ky, pair_bits)
            self._swept(
                which,
                dense,
                pair,
                lambda tables, first, step, sizes: measures.table_conditional_mutual_info(
                    tables, first, step, sizes, ks, ky, self.estimator, self.n_threads
                ),
                out,
            )
        if wide:
            target = Codes(y.codes, 0, ky, None, np.dtype(np.int32))
            z = Codes(given.codes, 0, ks, None, np.dtype(np.int32))
            for i in wide:
                variables = [self.cols.codes(which[i], self.n_threads), target, z]
                out[i] = measures.conditional_mutual_info(
                    count(variables, self.n_threads), self.estimator
                )
        return out

    def entropy(self, j: int) -> float:
        """H(X_j) by the estimator, over column j's observed levels."""
        codes = self.cols.codes(j, self.n_threads)
        return measures.entropy_of_counts(np.bincount(codes.data), self.estimator)
