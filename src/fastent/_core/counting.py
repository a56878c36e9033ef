# SPDX-License-Identifier: BSD-3-Clause
"""Codes -> the nonzero cells of their joint count table.

A joint space of at most ``dense_limit(n)`` cells is counted into a dense table (one partial table
per thread); a larger one by sorting 64-bit cell keys, so memory stays O(n) whatever the number of
levels.  Fast-path codes whose guessed range fails the count are re-encoded and recounted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from .._kernels import counting as _k
from . import codes as _codes
from .codes import Codes
from .frames import check_not_lazy_collection
from .threads import effective_n_threads

__all__ = ["DENSE_CELLS", "Cells", "count", "count_labels", "drop_missing_rows", "fits_dense"]

#: Joint spaces of at most max(DENSE_CELLS, n / 2) cells are counted in a dense table.
DENSE_CELLS = 1 << 16


@overload
def fits_dense(n_cells: int, n: int) -> bool: ...
@overload
def fits_dense(n_cells: np.ndarray, n: int) -> np.ndarray: ...
def fits_dense(n_cells: int | np.ndarray, n: int) -> bool | np.ndarray:
    """Whether a joint space of ``n_cells`` cells over n samples is counted in a dense table
    (elementwise for an array of cell counts)."""
    return n_cells <= max(DENSE_CELLS, n // 2)


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

    def of(self, which: tuple[int, ...]) -> Cells:
        """The nonzero cells of the variables ``which`` alone (the others summed out), in the
        order ``count`` gives them (codes in lexicographic order)."""
        sizes = [self.variables[j].size for j in which]
        key = np.ravel_multi_index(tuple(self.index[j] for j in which), sizes)
        groups, per_cell = np.unique(key, return_inverse=True)
        counts = np.bincount(per_cell, weights=self.counts, minlength=groups.size)
        index = np.unravel_index(groups, sizes)
        return Cells(
            counts.astype(np.int64), tuple(index), [self.variables[j] for j in which], self.n
        )

    def levels_seen(self, j: int) -> int:
        """How many distinct values variable j takes."""
        return int(np.count_nonzero(np.bincount(self.index[j], minlength=self.variables[j].size)))

    def n_levels(self, which: tuple[int, ...]) -> float:
        """Product of the observed level counts of variables ``which`` (the joint alphabet)."""
        return float(math.prod(self.levels_seen(j) for j in which))


def count(variables: list[Codes], n_threads: int) -> Cells:
    """Count the samples of the variables into the nonzero cells of their joint table."""
    n = variables[0].data.shape[0]
    if not fits_dense(math.prod(c.size for c in variables), n):
        variables = [_codes.compacted(c, n_threads) for c in variables]
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
    if fits_dense(n_cells, n):
        threads = max(1, min(n_threads, max(2**17, n) // max(n_cells, 1)))
        table, status = _k.count(
            [c.data for c in variables], [c.offset for c in variables], sizes, threads
        )
        if status >= 0:  # a value outside a range guessed from a sample
            return count([_codes.exact(c, n_threads) for c in variables], n_threads)
        flat = np.flatnonzero(table)
        counts = table[flat]
    else:
        variables = [_codes.exact(c, n_threads) for c in variables]
        sizes = [c.size for c in variables]
        keys = _k.keys([c.data for c in variables], [c.offset for c in variables], sizes, n_threads)
        flat, counts = np.unique(keys, return_counts=True)
        counts = counts.astype(np.int64)
    index = np.unravel_index(flat.astype(np.intp), sizes)
    return Cells(counts, tuple(index), variables, n)


def drop_missing_rows(
    variables: list[Codes], also: tuple[Codes, ...] | list[Codes] = ()
) -> list[Codes]:
    """The variables restricted to the rows where none of them (nor of ``also``) holds a missing
    value to drop (``Codes.drop_missing``: the last level), those levels removed: the counts of
    the rows a user would keep by dropping them by hand."""
    dropping = [c for c in (*variables, *also) if c.drop_missing]
    if not dropping:
        return variables
    keep = np.ones(variables[0].data.shape[0], dtype=bool)
    for c in dropping:
        keep &= c.data != c.offset + c.size - 1
    out = []
    for c in variables:
        levels = c.levels
        if c.drop_missing and levels is not None:  # the None of the missing level goes
            levels = levels[:-1]
            if c.dtype.kind != "O":  # back to the labels' own dtype
                levels = levels.astype(c.dtype)
        out.append(
            Codes(
                np.ascontiguousarray(c.data[keep]),
                c.offset,
                c.size - int(c.drop_missing),
                levels,
                c.dtype,
                c.exact,
            )
        )
    return out


def count_labels(
    arrays: tuple[Any, ...], names: tuple[str, ...], n_jobs: int | None, missing: str = "error"
) -> Cells:
    """Validate, encode and count label arrays of equal length (at most MAX_VARIABLES); missing
    values as ``missing`` says (``"drop"``: the rows where any variable is missing are left
    out)."""
    if not arrays:
        raise ValueError("at least one variable is required")
    if len(arrays) > _k.MAX_VARIABLES:
        raise ValueError(f"at most {_k.MAX_VARIABLES} variables, got {len(arrays)}")
    for a, name in zip(arrays, names, strict=False):
        check_not_lazy_collection(a, name)  # before len(), which would compute it
    lengths = [len(a) if hasattr(a, "__len__") else -1 for a in arrays]
    threads = effective_n_threads(n_jobs, max(lengths))
    _codes.check_missing(missing)
    variables = [
        _codes.encode(a, name, threads, missing) for a, name in zip(arrays, names, strict=True)
    ]
    _codes.check_same_length([c.data.shape[0] for c in variables], list(names))
    variables = drop_missing_rows(variables)
    if variables[0].data.shape[0] == 0:
        raise ValueError("no rows are left once the rows with missing values are dropped")
    return count(variables, threads)
