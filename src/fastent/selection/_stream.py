# SPDX-License-Identifier: BSD-3-Clause
"""Mergeable count tables: mutual-information scores and selection of data seen chunk by chunk.

A :class:`MutualInfoAccumulator` keeps, for every column, the table of its labels against the
target's (and with ``pairs``, for every pair of columns, the table of both against the target):
each chunk is coded by the column coder of ``_columns`` and counted by the sweeps of
``_sweeps``, its codes mapped to labels and the labels to the accumulator's own codes, so a label
first seen late gets a new code and the tables grow.  Scores come from the same sweeps serving
the kept tables instead of counting rows (``_TableSweeps``), with every variable's levels in the
coder's sorted order, so they are the in-memory call's numbers.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core import codes as _codes
from .._core.checks import check_adjusted, log_base
from .._core.counting import Cells
from .._core.frames import check_not_lazy_collection, is_sparse
from .._core.measures import PLUGIN, entropy_of_counts, estimator_code
from .._core.threads import effective_n_threads
from ._columns import (
    Columns,
    MissingColumnsError,
    Table,
    binned_codes,
    check_samples,
    code_table,
    discrete_mask,
    read_table,
)
from ._greedy import Selection, check_method, greedy_selection
from ._sweeps import Bitsets, Sweeps, Target

__all__ = ["MutualInfoAccumulator"]

#: Most bin edges of a continuous column (the bins are coded as uint16).
MAX_EDGES = (1 << 16) + 1

_NO_CODES = np.zeros(0, dtype=np.int32)

#: The kinds of columns that must not change from chunk to chunk (``discrete="auto"`` bins
#: floats), as messages name them.
_KINDS = {"f": "float numbers", "i": "integers or bools", "O": "labels (strings, categories)"}


def _kind(kind: str) -> str:
    """A column's kind as "f" (floats), "i" (integers, bools) or "O" (other labels)."""
    return "f" if kind == "f" else "i" if kind in "biu" else "O"


def _in_chunk(exc: Exception, where: str) -> Exception:
    """The same error (type and attributes) with its message prefixed by where it happened."""
    err: Exception = _codes.with_message(exc, f"{where}: {exc}")
    return err


def _edge_array(edges: Any, name: str) -> np.ndarray:
    """Bin edges checked: 1-D, finite, non-decreasing, at least 2 (a constant column's are
    ``[v, v]``) and at most MAX_EDGES."""
    try:
        arr = np.array(edges, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of bin edges (numbers)") from None
    if arr.ndim != 1 or not 2 <= arr.size <= MAX_EDGES:
        raise ValueError(
            f"{name} must be a 1-D array of 2 to {MAX_EDGES} bin edges, got shape {arr.shape}"
        )
    if not np.isfinite(arr).all() or (np.diff(arr) < 0).any():
        raise ValueError(f"{name} must be finite and increasing, got {arr!r}")
    arr.flags.writeable = False
    return arr


def _check_edges(edges: Any) -> dict[Any, np.ndarray] | list[np.ndarray | None] | None:
    """``edges`` checked: None, a mapping {column name or index: edges} or a sequence with one
    entry (edges or None) per column."""
    if edges is None:
        return None
    if isinstance(edges, Mapping):
        out: dict[Any, np.ndarray] = {}
        for key, value in edges.items():
            if not isinstance(key, (str, numbers.Integral)) or isinstance(key, bool):
                raise TypeError(f"edges keys must be column names or indices, got {key!r}")
            out[key] = _edge_array(value, f"edges[{key!r}]")
        return out
    if isinstance(edges, (str, bytes)) or not isinstance(edges, Sequence):
        raise TypeError(
            "edges must be a dict {column: bin edges} or a list of bin edges (None for the "
            f"discrete columns), got {type(edges).__name__}"
        )
    return [None if e is None else _edge_array(e, f"edges[{j}]") for j, e in enumerate(edges)]


def _add_labels(levels: list[Any], index: dict[Any, int], labels: list[Any]) -> np.ndarray:
    """The codes of ``labels`` among ``levels`` (labels not seen before are appended)."""
    out = np.empty(len(labels), dtype=np.intp)
    for i, label in enumerate(labels):
        code = index.get(label, -1)
        if code < 0:
            code = index[label] = len(levels)
            levels.append(label)
        out[i] = code
    return out


def _sorted_codes(levels: list[Any], index: dict[Any, int]) -> np.ndarray:
    """The codes of ``levels`` in the coder's order: the labels sorted, missing (None) last."""
    present = _codes.sorted_levels([v for v in levels if v is not None])
    order = [index[v] for v in present] + ([index[None]] if None in index else [])
    return np.asarray(order, dtype=np.intp)


def _padded(table: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``table`` grown with zeros to ``shape``."""
    if table.shape == shape:
        return table
    return np.pad(table, [(0, s - c) for s, c in zip(shape, table.shape, strict=True)])


def _same_edges(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """Whether two sets of bin edges (or two None) are equal."""
    if a is None or b is None:
        return a is None and b is None
    return bool(np.array_equal(a, b))


def _hashable(labels: list[Any], name: str) -> list[Any]:
    """``labels``, checked hashable (the accumulator matches them by hashing)."""
    for label in labels:
        try:
            hash(label)
        except TypeError:
            raise TypeError(
                f"{name} has a label that cannot be hashed ({type(label).__name__}): the "
                "accumulator matches labels across chunks by value"
            ) from None
    return labels


@dataclass
class _Counts:
    """Tables to add, each over its own labels: the target's, each column's (one list per
    column), the columns' tables (levels x target levels) and the pairs' (a < b: levels of a x
    levels of b x target levels), and the rows they count."""

    y_labels: list[Any]
    labels: list[list[Any]]
    tables: list[np.ndarray]
    pairs: dict[tuple[int, int], np.ndarray]
    n: int


@dataclass
class _Layout:
    """The columns every chunk must have: names, kinds, which are discrete, the bin edges of
    the others."""

    names: list[str]
    kinds: list[str]
    discrete: list[bool]
    edges: list[np.ndarray | None]

    def check(self, table: Table) -> None:
        """A ValueError when a chunk's columns differ from these."""
        p = len(self.names)
        if len(table.names) != p:
            raise ValueError(f"X has {len(table.names)} columns, the first chunk had {p}")
        for j, (name, was) in enumerate(zip(table.names, self.names, strict=True)):
            if name != was:
                raise ValueError(f"X's column {j} is {name!r}, in the first chunk it was {was!r}")
        for name, kind, was in zip(self.names, table.kinds, self.kinds, strict=True):
            if _kind(kind) != was:
                raise ValueError(
                    f"column {name!r} changed kind: {_KINDS[was]} in the first chunk, "
                    f"{_KINDS[_kind(kind)]} here (every chunk must have the same column types)"
                )

    def same(self, other: _Layout) -> bool:
        return (
            self.names == other.names
            and self.kinds == other.kinds
            and self.discrete == other.discrete
            and all(_same_edges(a, b) for a, b in zip(self.edges, other.edges, strict=True))
        )


class MutualInfoAccumulator:
    r"""Mutual information of every column with a target, from data seen chunk by chunk.

    Keeps count tables, never rows: ``update`` counts a chunk into them, ``merge`` adds another
    accumulator's, and ``scores``, ``select`` and ``matrix`` compute what
    :func:`fastent.selection.mutual_info_scores`, :func:`~fastent.selection.select_features`
    and :func:`~fastent.selection.mutual_info_matrix` give on all the data at once -- the same
    numbers, whatever the chunks and the order of the merges.  The state is small (its size
    depends on the numbers of levels, not of rows) and pickles, so accumulators can be built
    where the data is (processes, machines: :mod:`fastent.dask`) and merged.

    Parameters
    ----------
    discrete : "auto", bool, bool mask or list of columns, default "auto"
        Which columns are discrete labels, as in :func:`~fastent.selection.mutual_info_scores`
        ("auto": integer, bool, categorical and string columns).  The others are continuous.
    edges : dict or list of array_like, optional
        Bin edges of the continuous columns: ``{column name or index: edges}``, or one entry per
        column (None for the discrete ones).  Bins are fixed in advance, e.g. the edges
        :func:`fastent.selection.discretize` returns for a sample of the data: a value in
        ``[edges[k], edges[k + 1])`` falls in bin k (the last bin includes its right edge;
        values beyond the first or last edge fall in the first or last bin).  A continuous
        column without edges is a ``ValueError``.
    y_edges : array_like, optional
        Bin edges of a continuous target.  Without them ``y`` is read as class labels (as
        ``discrete_target=True`` in :mod:`fastent.selection`).
    missing : {"error", "level", "drop"}, default "error"
        Missing values, as in :func:`~fastent.selection.mutual_info_scores`: an error naming the
        chunk and the columns; a level of their own; or left out (each column's score on the
        rows where it and the target are present; the rows where the target is missing are left
        out of everything, the pairwise matrix too).
    pairs : bool, default False
        Also keep the table of every pair of columns against the target (memory: the sum over
        pairs of the product of their level counts and the target's), which :meth:`select`
        (criteria other than "mi") and :meth:`matrix` need.
    n_jobs : int, optional
        Threads counting a chunk: None uses all OpenMP allows, 1 is serial.

    Attributes
    ----------
    columns : list of str or None
        The column names (DataFrame names, else indices as strings), set by the first chunk.
    n_samples : int
        Rows counted (with ``missing="drop"``, those where the target is present).
    n_rows : int
        Rows given to ``update`` (those dropped included), of the merged accumulators too.
    n_chunks : int
        Chunks counted (``update`` calls, and those of the merged accumulators).

    Notes
    -----
    Every chunk must have the same columns, of the same kinds (a column that is integer in one
    chunk and float or strings in another is an error: ``discrete="auto"`` would treat them
    differently), while labels may appear in any chunk.  Every estimate comes from the kept
    tables through the functions the in-memory call uses, over every variable's levels in the
    coder's sorted order.  Where the in-memory call orders levels otherwise (labels it codes in
    order of appearance: object strings, categories in their own order) it sums the same cells
    in another order, and a result can differ in the last bit; so can a conditional term of a
    table near the size from which the in-memory call counts sparsely, which it measures with
    an integer column's unseen values between its smallest and largest as levels.

    Examples
    --------
    >>> import numpy as np
    >>> from fastent import selection
    >>> from fastent.stream import MutualInfoAccumulator
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 4, (1000, 3))
    >>> y = X[:, 0] % 2
    >>> acc = MutualInfoAccumulator()
    >>> for rows in np.array_split(np.arange(1000), 4):  # chunk by chunk
    ...     _ = acc.update(X[rows], y[rows])
    >>> acc.scores(base=2).round(3)
    array([1.   , 0.002, 0.002])
    >>> bool((acc.scores() == selection.mutual_info_scores(X, y)).all())
    True
    >>> left, right = MutualInfoAccumulator(), MutualInfoAccumulator()
    >>> _ = left.update(X[:300], y[:300]), right.update(X[300:], y[300:])
    >>> bool((left.merge(right).scores() == acc.scores()).all())
    True
    """

    def __init__(
        self,
        *,
        discrete: Any = "auto",
        edges: Any = None,
        y_edges: Any = None,
        missing: str = "error",
        pairs: bool = False,
        n_jobs: int | None = None,
    ) -> None:
        if isinstance(discrete, str) and discrete != "auto":
            raise ValueError(
                "discrete must be 'auto', a bool, a bool mask or a list of columns, "
                f"got {discrete!r}"
            )
        if not isinstance(pairs, (bool, np.bool_)):
            raise TypeError(f"pairs must be True or False, got {type(pairs).__name__}")
        effective_n_threads(n_jobs)  # checked
        self.discrete = discrete
        self.edges = _check_edges(edges)
        self.y_edges = None if y_edges is None else _edge_array(y_edges, "y_edges")
        self.missing = _codes.check_missing(missing)
        self.pairs = bool(pairs)
        self.n_jobs = n_jobs
        self.n_samples = 0
        self.n_rows = 0
        self.n_chunks = 0
        self._layout: _Layout | None = None
        self._levels: list[list[Any]] = []  # per column: its labels, by code
        self._index: list[dict[Any, int]] = []  # per column: label -> code
        self._y_levels: list[Any] = []
        self._y_index: dict[Any, int] = {}
        self._tables: list[np.ndarray] = []  # per column j: (levels of j, levels of y)
        self._pair_tables: dict[tuple[int, int], np.ndarray] = {}  # a < b: (a, b, y levels)

    def __repr__(self) -> str:
        p = "no columns yet" if self._layout is None else f"{len(self._layout.names)} columns"
        return (
            f"MutualInfoAccumulator({p}, {self.n_samples} samples, {self.n_chunks} chunks, "
            f"pairs={self.pairs})"
        )

    @property
    def columns(self) -> list[str] | None:
        """The column names (set by the first chunk)."""
        return None if self._layout is None else list(self._layout.names)

    @property
    def n_levels(self) -> list[int]:
        """Distinct labels (bins of a continuous column) seen in each column, missing left out."""
        return [sum(label is not None for label in levels) for levels in self._levels]

    @property
    def n_target_levels(self) -> int:
        """Distinct labels (bins) of the target seen, its missing level included."""
        return len(self._y_levels)

    def target_entropy(self, *, estimator: str = "plugin", base: float | None = None) -> float:
        """:math:`H(y)` of the target as counted (binned with ``y_edges``; its missing values a
        level with ``missing="level"``, left out with ``"drop"``).

        Examples
        --------
        >>> from fastent.stream import MutualInfoAccumulator
        >>> MutualInfoAccumulator().update([[0], [1]], ["a", "b"]).target_entropy(base=2)
        1.0
        """
        code = estimator_code(estimator)
        scale = log_base(base)
        if not self._tables:
            raise ValueError("target_entropy() of an accumulator that has counted no rows")
        counts = self._tables[0].sum(axis=0)
        return float(entropy_of_counts(counts[counts > 0], code)) / scale

    # ---- counting ------------------------------------------------------------------------------

    def update(self, X: Any, y: Any, *, chunk: int | str | None = None) -> MutualInfoAccumulator:
        """Count a chunk of rows.

        Parameters
        ----------
        X : array_like, DataFrame or sparse matrix of shape (n_rows, n_features)
            Any input :func:`fastent.selection.mutual_info_scores` takes; the same columns (names
            and kinds) in every chunk.  A chunk with no rows is checked and counts nothing.
        y : array_like of shape (n_rows,)
            The target's values in these rows.
        chunk : int or str, optional
            What error messages call the chunk: "chunk {chunk}" for a number (by default the
            number of chunks counted before it, from 0), a string as it is (e.g.
            "partition 3").

        Returns
        -------
        self

        Raises
        ------
        ValueError, TypeError
            A chunk whose columns differ from the first's, missing values with
            ``missing="error"``, a continuous column without ``edges``, and the input errors of
            :func:`~fastent.selection.mutual_info_scores`; the message names the chunk.  The
            accumulator is unchanged by a chunk that fails.
        """
        where = (
            chunk
            if isinstance(chunk, str)
            else f"chunk {self.n_chunks if chunk is None else chunk}"
        )
        try:
            self.n_rows += self._update(X, y)
        except (TypeError, ValueError) as exc:
            raise _in_chunk(exc, where) from None
        self.n_chunks += 1
        return self

    def _update(self, X: Any, y: Any) -> int:
        """Count a chunk; its rows."""
        check_not_lazy_collection(X, "X")
        check_not_lazy_collection(y, "y")
        table = read_table(X.toarray() if is_sparse(X) else X, allow_empty=True)
        layout = self._layout
        if layout is None:
            layout = self._resolve(table)
        else:
            layout.check(table)
        n_rows = table.n
        if table.n == 0:
            n_y = len(y) if hasattr(y, "__len__") else np.asarray(y).shape[0]
            check_samples(0, n_y)
            self._start(layout)
            return 0
        threads = effective_n_threads(self.n_jobs, table.n * len(table.names))
        target = None
        if self.missing == "drop":  # the rows where y is missing leave the accumulator
            target = self._target(y, threads)
            check_samples(table.n, target[0].shape[0])
            codes, labels, missing = target
            if missing >= 0:  # the last level
                present = codes != missing
                target = (np.ascontiguousarray(codes[present]), labels[:missing], -1)
                table = table.take(present)
        if table.n == 0:  # every row dropped
            self._start(layout)
            return n_rows
        mask, edges = layout.discrete, layout.edges
        try:
            cols = code_table(table, mask, 16, "quantile", threads, self.missing, edges=edges)
        except MissingColumnsError as err:  # one error that lists the target's gaps too
            if target is None:
                try:
                    self._target(y, threads)
                except _codes.MissingValuesError as gap:
                    raise err.including(gap) from None
                except (TypeError, ValueError):
                    pass  # the columns' error comes first
            raise
        if target is None:
            target = self._target(y, threads)
            check_samples(table.n, target[0].shape[0])
        counts = self._counted(layout, cols, target[0], target[1], threads)
        self._start(layout)  # every check passed: the accumulator changes now
        self._add(counts)
        return n_rows

    def _resolve(self, table: Table) -> _Layout:
        """The layout the first chunk sets: which columns are discrete, their edges."""
        names, p = table.names, len(table.names)
        mask = discrete_mask(self.discrete, table)
        edges: list[np.ndarray | None] = [None] * p
        if isinstance(self.edges, dict):
            for key, value in self.edges.items():
                if isinstance(key, str) and key in names:
                    edges[names.index(key)] = value
                elif isinstance(key, numbers.Integral) and -p <= int(key) < p:
                    edges[int(key)] = value
                else:
                    raise ValueError(f"edges names a column X does not have: {key!r}")
        elif self.edges is not None:
            if len(self.edges) != p:
                raise ValueError(f"edges has {len(self.edges)} entries, X has {p} columns")
            edges = list(self.edges)
        for name, is_discrete, e in zip(names, mask, edges, strict=True):
            if is_discrete and e is not None:
                raise ValueError(
                    f"edges are given for column {name!r}, which is discrete: bin edges are for "
                    "continuous columns (mark it continuous with discrete=)"
                )
            if not is_discrete and e is None:
                raise ValueError(
                    f"column {name!r} is continuous: pass its bin edges in edges= (e.g. "
                    "fastent.selection.discretize(sample)[1] for a sample of the data), or mark "
                    "it discrete with discrete="
                )
        return _Layout(list(names), [_kind(k) for k in table.kinds], mask, edges)

    def _start(self, layout: _Layout) -> None:
        """Set the layout (first chunk) and the empty tables."""
        if self._layout is not None:
            return
        p = len(layout.names)
        self._layout = layout
        self._levels = [[] for _ in range(p)]
        self._index = [{} for _ in range(p)]
        self._tables = [np.zeros((0, 0), dtype=np.int64) for _ in range(p)]
        if self.pairs:
            self._pair_tables = {
                (a, b): np.zeros((0, 0, 0), dtype=np.int64) for b in range(p) for a in range(b)
            }

    def _target(self, y: Any, threads: int) -> tuple[np.ndarray, list[Any], int]:
        """(codes in [0, levels), the levels' labels, the code of missing or -1) of a chunk of
        the target: its labels, or its bins with ``y_edges``."""
        if self.y_edges is None:
            codes = _codes.encode(y, "y", threads, self.missing, sort=False, warn=False)
            codes = _codes.compacted(_codes.exact(codes, threads), threads)
            labels = codes.values(np.arange(codes.size)).tolist()
        else:
            codes = binned_codes(y, 16, "quantile", "y", self.missing, "y", edges=self.y_edges)
            codes = _codes.compacted(_codes.exact(codes, threads), threads)
            bins = max(self.y_edges.size - 1, 1)
            labels = [b if b < bins else None for b in codes.values(np.arange(codes.size)).tolist()]
        missing = labels.index(None) if codes.n_missing else -1
        return codes.zero_based(), labels, missing

    def _counted(
        self, layout: _Layout, cols: Columns, y: np.ndarray, y_labels: list[Any], threads: int
    ) -> _Counts:
        """The coded chunk's tables, each over the labels it holds (nothing is changed yet)."""
        p, ky = len(cols.names), len(y_labels)
        tables, positions, step = Sweeps(cols, PLUGIN, threads).counts(range(p), Target(y, ky))
        t = tables[: ky * step].reshape(ky, step)
        counts = _Counts(_hashable(y_labels, "y"), [], [], {}, cols.n)
        seen = []
        for j in range(p):
            block = t[:, positions[j] : positions[j] + cols.size[j]]
            observed = np.flatnonzero(block.sum(axis=0))
            edges = layout.edges[j]
            if edges is None:
                labels = cols.labels(j, observed)
            else:  # bins, and the missing values' code after them
                bins = max(edges.size - 1, 1)
                labels = [c if c < bins else None for c in observed.tolist()]
            seen.append(observed)
            counts.labels.append(_hashable(labels, f"column {cols.names[j]}"))
            counts.tables.append(np.ascontiguousarray(block[:, observed].T))
        if self.pairs:
            counts.pairs = self._counted_pairs(cols, y, ky, seen, threads)
        return counts

    def _counted_pairs(
        self, cols: Columns, y: np.ndarray, ky: int, seen: list[np.ndarray], threads: int
    ) -> dict[tuple[int, int], np.ndarray]:
        """The table of every pair of columns (a < b) against the target: column a against the
        pair (b, y), one sweep per b, on the codes compacted to the levels the chunk holds."""
        p = len(cols.names)
        compact = Columns(cols.names, cols.n)
        for j in range(p):
            remap = np.full(cols.size[j], -1, dtype=np.int32)
            remap[seen[j]] = np.arange(seen[j].size, dtype=np.int32)
            data = remap[cols.codes(j, threads).data]
            compact.add(_codes.Codes(data, 0, int(seen[j].size), None, np.dtype(np.int32)))
        sweeps = Sweeps(compact, PLUGIN, threads, Bitsets.build(compact, threads, 0))
        target = sweeps.target(_codes.Codes(y, 0, ky, None, np.dtype(np.int32)))
        out = {}
        for b in range(1, p):
            pair = sweeps._pair(sweeps.column_target(b), target)
            tables, positions, step = sweeps.counts(range(b), pair)
            t = tables[: pair.size * step].reshape(seen[b].size, ky, step)
            for a in range(b):
                block = t[:, :, positions[a] : positions[a] + seen[a].size]
                out[a, b] = np.ascontiguousarray(block.transpose(2, 0, 1))
        return out

    def _add(self, counts: _Counts) -> None:
        """Add tables over their own labels: each label mapped to its code here (a new label
        gets a new code, and the tables grow)."""
        gy = _add_labels(self._y_levels, self._y_index, counts.y_labels)
        gx = [
            _add_labels(levels, index, labels)
            for levels, index, labels in zip(self._levels, self._index, counts.labels, strict=True)
        ]
        ky = len(self._y_levels)
        for j, table in enumerate(counts.tables):
            self._tables[j] = _padded(self._tables[j], (len(self._levels[j]), ky))
            self._tables[j][np.ix_(gx[j], gy)] += table
        for (a, b), table in counts.pairs.items():
            shape = (len(self._levels[a]), len(self._levels[b]), ky)
            self._pair_tables[a, b] = _padded(self._pair_tables[a, b], shape)
            self._pair_tables[a, b][np.ix_(gx[a], gx[b], gy)] += table
        self.n_samples += counts.n

    # ---- merging ------------------------------------------------------------------------------

    def merge(self, other: MutualInfoAccumulator) -> MutualInfoAccumulator:
        """Add another accumulator's counts to this one's (``other`` is left as it is).

        The labels of ``other`` are matched to this accumulator's, so merging accumulators of
        any chunks in any order or tree gives the same tables, and the same scores, as counting
        all their chunks into one.

        Returns
        -------
        self

        Raises
        ------
        TypeError
            ``other`` is not a MutualInfoAccumulator.
        ValueError
            The accumulators differ in their settings (``discrete``, ``edges``, ``y_edges``,
            ``missing``, ``pairs``) or columns; ``other`` is this accumulator.
        """
        if not isinstance(other, MutualInfoAccumulator):
            raise TypeError(
                f"can only merge another MutualInfoAccumulator, got {type(other).__name__}"
            )
        if other is self:
            raise ValueError("cannot merge an accumulator into itself")
        if self.missing != other.missing or self.pairs != other.pairs:
            raise ValueError(
                "cannot merge accumulators with different settings: "
                f"missing={self.missing!r}, pairs={self.pairs} and missing={other.missing!r}, "
                f"pairs={other.pairs}"
            )
        if not _same_edges(self.y_edges, other.y_edges):
            raise ValueError("cannot merge accumulators with different y_edges")
        if other._layout is not None:
            self._merge_layout(other._layout)
            self._add(
                _Counts(
                    other._y_levels,
                    other._levels,
                    other._tables,
                    other._pair_tables,
                    other.n_samples,
                )
            )
        self.n_rows += other.n_rows
        self.n_chunks += other.n_chunks
        return self

    def _merge_layout(self, layout: _Layout) -> None:
        """Check another accumulator's columns against these (or take them, with none yet)."""
        if self._layout is None:
            probe = Table(layout.names, layout.kinds, 0)
            try:
                mine = self._resolve(probe)
            except ValueError as exc:
                raise ValueError(
                    f"cannot merge accumulators with different settings: {exc}"
                ) from None
            if not mine.same(layout):
                raise ValueError("cannot merge accumulators with different discrete= or edges=")
            self._start(layout)
        elif not self._layout.same(layout):
            raise ValueError(
                "cannot merge accumulators of different columns (names, kinds, discrete= or "
                f"edges=): {self._layout.names} and {layout.names}"
            )

    # ---- information ----------------------------------------------------------------------------

    def _sweeps(self, estimator: str, adjusted: bool, need_pairs: bool, what: str) -> _TableSweeps:
        """Sweeps that serve the kept tables, every variable's levels in the coder's order."""
        est = estimator_code(estimator)
        if need_pairs and not self.pairs:
            raise ValueError(
                f"{what} needs the tables of the pairs of columns: construct the accumulator "
                "with pairs=True"
            )
        if self._layout is None or self.n_samples == 0:
            raise ValueError("the accumulator has no samples: update() it with data first")
        layout = self._layout
        order_y = _sorted_codes(self._y_levels, self._y_index)
        orders = [_sorted_codes(lv, ix) for lv, ix in zip(self._levels, self._index, strict=True)]
        cols = Columns(
            list(layout.names),
            self.n_samples,
            size=[int(o.size) for o in orders],
            drop=[self.missing == "drop" and None in ix for ix in self._index],
            binned=[not d for d in layout.discrete],
        )
        relevance = [t[np.ix_(o, order_y)] for t, o in zip(self._tables, orders, strict=True)]

        def pair_table(a: int, b: int) -> np.ndarray:
            return np.asarray(self._pair_tables[a, b][np.ix_(orders[a], orders[b], order_y)])

        threads = effective_n_threads(self.n_jobs, sum(t.size for t in relevance))
        return _TableSweeps(cols, est, threads, adjusted, relevance, pair_table)

    def scores(
        self, *, estimator: str = "plugin", base: float | None = None, adjusted: bool = False
    ) -> np.ndarray:
        """:math:`I(X_j; y)` of every column, as
        :func:`fastent.selection.mutual_info_scores` gives on all the data counted.

        Parameters
        ----------
        estimator, base, adjusted
            As in :func:`~fastent.selection.mutual_info_scores`.

        Returns
        -------
        ndarray of float64, shape (n_features,)

        Examples
        --------
        >>> from fastent.stream import MutualInfoAccumulator
        >>> acc = MutualInfoAccumulator().update([[0, 1], [0, 0]], [0, 0])
        >>> acc.update([[1, 1], [1, 0]], [1, 1]).scores(base=2)
        array([1., 0.])
        """
        scale = log_base(base)
        adjusted = check_adjusted(adjusted, estimator)
        sweeps = self._sweeps(estimator, adjusted, False, "scores")
        out = sweeps.mutual_info(range(len(sweeps.cols.names)), sweeps.y_target())
        return out / scale if scale != 1.0 else out

    def select(
        self,
        k: int,
        *,
        method: str = "mrmr",
        estimator: str = "plugin",
        base: float | None = None,
        adjusted: bool = False,
    ) -> Selection:
        """Greedy selection of ``k`` columns, as :func:`fastent.selection.select_features`
        gives on all the data counted (criteria other than "mi" need ``pairs=True``).

        Parameters
        ----------
        k, method, estimator, base, adjusted
            As in :func:`~fastent.selection.select_features`.

        Returns
        -------
        Selection

        Examples
        --------
        >>> import numpy as np
        >>> from fastent.stream import MutualInfoAccumulator
        >>> rng = np.random.default_rng(1)
        >>> a, b = rng.integers(0, 2, (2, 2000))
        >>> X = np.column_stack([a, a, b])  # column 1 duplicates column 0
        >>> y = 2 * a + (b ^ (rng.random(2000) < 0.1))
        >>> acc = MutualInfoAccumulator(pairs=True)
        >>> for rows in np.array_split(np.arange(2000), 3):
        ...     _ = acc.update(X[rows], y[rows])
        >>> acc.select(2, method="mi").indices  # relevance only: column 0 twice
        array([0, 1])
        >>> acc.select(2, method="mrmr").indices  # the copy is redundant
        array([0, 2])
        """
        criterion = check_method(method)
        log_base(base)
        adjusted = check_adjusted(adjusted, estimator)
        sweeps = self._sweeps(estimator, adjusted, criterion.term is not None, f"method={method!r}")
        return greedy_selection(
            sweeps, sweeps.y_target(), k, method, base, self.y_edges is not None
        )

    def matrix(self, *, estimator: str = "plugin", base: float | None = None) -> np.ndarray:
        """Pairwise :math:`I(X_i; X_j)`, as :func:`fastent.selection.mutual_info_matrix` gives on
        all the data counted (needs ``pairs=True``).

        Parameters
        ----------
        estimator, base
            As in :func:`~fastent.selection.mutual_info_matrix`.

        Returns
        -------
        ndarray of float64, shape (n_features, n_features)

        Examples
        --------
        >>> from fastent.stream import MutualInfoAccumulator
        >>> acc = MutualInfoAccumulator(pairs=True)
        >>> acc.update([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 0, 1]).matrix(base=2)
        array([[1., 0.],
               [0., 1.]])
        """
        scale = log_base(base)
        out = self._sweeps(estimator, False, True, "matrix()").matrix()
        return out / scale if scale != 1.0 else out


@dataclass
class _Served(Target):
    """A target of the kept tables: y (``given`` None), column ``given``, or the pair
    (``given``, y) (``pair``)."""

    given: int | None = None
    pair: bool = False


class _TableSweeps(Sweeps):
    """Sweeps whose tables come from an accumulator's counts instead of rows: the relevance
    tables (column levels x y levels) and ``pair_table(a, b)`` (a < b: levels of a x levels of
    b x y levels), every variable's levels in the coder's order.  What the sweeps compute from
    the tables is theirs, unchanged."""

    def __init__(
        self,
        cols: Columns,
        estimator: int,
        n_threads: int,
        adjusted: bool,
        relevance: list[np.ndarray],
        pair_table: Callable[[int, int], np.ndarray],
    ) -> None:
        super().__init__(cols, estimator, n_threads, None, adjusted)
        self.relevance, self.ky = relevance, int(relevance[0].shape[1])
        self._pair_table = pair_table
        self._cache: dict[tuple[int, int], np.ndarray] = {}

    def pair_table(self, a: int, b: int) -> np.ndarray:
        """Columns a and b (a < b) against y."""
        if (a, b) not in self._cache:
            self._cache[a, b] = self._pair_table(a, b)
        return self._cache[a, b]

    def y_target(self) -> _Served:
        return _Served(_NO_CODES, self.ky)

    def column_target(self, j: int) -> Target:
        return _Served(_NO_CODES, self.cols.size[j], None, self.cols.drop[j], given=j)

    def _pair(self, given: Target, y: Target) -> Target:
        assert isinstance(given, _Served)
        return _Served(_NO_CODES, given.size * y.size, given=given.given, pair=True)

    def _joint(self, j: int, target: _Served) -> np.ndarray:
        """Column j's table against the target: (levels of j, levels of y), (levels of j,
        levels of s), or (levels of j, levels of s, levels of y) for the pair (s, y)."""
        s = target.given
        if s is None:
            return self.relevance[j]
        t = self.pair_table(j, s) if j < s else self.pair_table(s, j).transpose(1, 0, 2)
        return t if target.pair else t.sum(axis=2)

    def counts(self, which: Sequence[int], target: Target) -> tuple[np.ndarray, np.ndarray, int]:
        assert isinstance(target, _Served)
        blocks = [self._joint(j, target).reshape(-1, target.size).T for j in which]
        sizes = self.cols.sizes(which)
        positions = np.zeros(len(blocks), dtype=np.intp)
        positions[1:] = np.cumsum(sizes)[:-1]
        tables = np.ascontiguousarray(np.concatenate(blocks, axis=1), dtype=np.int64)
        return tables.reshape(-1), positions, int(sizes.sum())

    def _cells(self, j: int, targets: tuple[Target, ...]) -> Cells:
        if len(targets) == 1:  # (x, target)
            assert isinstance(targets[0], _Served)
            table = self._joint(j, targets[0])
        else:  # (x, y, s)
            given = targets[1]
            assert isinstance(given, _Served)
            table = self._joint(j, _Served(_NO_CODES, 0, given=given.given, pair=True))
            table = table.transpose(0, 2, 1)
        drops = (self.cols.drop[j], *(t.drop for t in targets))
        table = table[tuple(slice(0, k - int(d)) for k, d in zip(table.shape, drops, strict=True))]
        flat = np.flatnonzero(table)
        counts = np.ascontiguousarray(table.reshape(-1)[flat], dtype=np.int64)
        variables = [
            _codes.Codes(_NO_CODES, 0, int(k), None, np.dtype(np.int32)) for k in table.shape
        ]
        return Cells(counts, np.unravel_index(flat, table.shape), variables, int(counts.sum()))

    def entropy(self, j: int) -> float:
        counts = self.relevance[j].sum(axis=1)
        if self.cols.drop[j]:
            counts = counts[:-1]
        return entropy_of_counts(counts, self.estimator)
