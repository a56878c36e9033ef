# SPDX-License-Identifier: BSD-3-Clause
"""Label arrays -> integer codes the counting kernels read.

Small integer labels are counted where they lie: their range is guessed from an evenly spaced
sample (``guess_step``) and checked by the counting pass itself, so a variable is read once when
the guess holds.  Anything else (strings, objects, floats, wide integer ranges, pandas
Categoricals) is factorised once into sorted levels and codes.
"""

from __future__ import annotations

import itertools
import sys
import warnings
from dataclasses import dataclass
from typing import Any, overload

import numpy as np

from .._kernels import counting as _k
from .frames import Column, check_not_lazy_collection, column_data
from .layout import to_array

__all__ = [
    "DIRECT_SPAN",
    "GUESS_SAMPLE",
    "MISSING",
    "Codes",
    "ContinuousLabelsWarning",
    "MissingValuesError",
    "check_missing",
    "check_same_length",
    "column_ranges",
    "compacted",
    "continuous_target",
    "encode",
    "exact",
    "factorize",
    "guess_step",
    "has_fractions",
    "is_direct",
    "is_empty",
    "label_array",
    "looks_continuous",
    "missing_mask",
    "reduce_error",
    "sorted_levels",
    "user_stacklevel",
    "with_message",
]

#: Integer labels spanning fewer than max(DIRECT_SPAN, n) values are counted without factorising.
DIRECT_SPAN = 1 << 16
#: Samples (evenly spaced) an integer variable's range is first read from; the count checks all.
GUESS_SAMPLE = 1 << 12
#: The most an F-ordered matrix's range sample copies at once (a chunk of its columns' runs).
SAMPLE_BYTES = 1 << 22


def guess_step(n: int) -> int:
    """The stride of the range-guess sample of n samples: 1 (read them all, the range is exact)
    for up to 2 * GUESS_SAMPLE, else n // GUESS_SAMPLE."""
    return 1 if n <= 2 * GUESS_SAMPLE else n // GUESS_SAMPLE


@overload
def is_direct(lo: int, hi: int, n: int) -> bool: ...
@overload
def is_direct(lo: np.ndarray, hi: np.ndarray, n: int) -> np.ndarray: ...
def is_direct(lo: int | np.ndarray, hi: int | np.ndarray, n: int) -> bool | np.ndarray:
    """Whether integer labels in [lo, hi] (n samples) are counted as they are (elementwise for
    int64 arrays of ranges)."""
    if isinstance(lo, np.ndarray):  # hi - lo in uint64: exact for hi >= lo, where int64 wraps
        return np.asarray(hi).astype(np.uint64) - lo.astype(np.uint64) < max(DIRECT_SPAN, n)
    return hi - lo < max(DIRECT_SPAN, n)


class ContinuousLabelsWarning(UserWarning):
    """Float labels that look like samples of a continuous variable (bin them first)."""


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside fastent."""
    frame: Any = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("fastent"):
        frame, level = frame.f_back, level + 1
    return level


# ---- validation ----------------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    """None, a float NaN (Python or NumPy), a NumPy or pandas NaT, or pandas.NA."""
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    return type(value).__name__ in ("NAType", "NaTType")


def missing_mask(arr: np.ndarray) -> np.ndarray:
    """Where a 1-D array holds a missing value: NaN, None, NaT, pandas.NA."""
    kind = arr.dtype.kind
    if kind == "f":
        return np.asarray(np.isnan(arr))
    if kind in "mM":
        return np.asarray(np.isnat(arr))
    if kind == "O":
        return np.asarray(np.frompyfunc(_is_missing, 1, 1)(arr), dtype=bool)
    return np.zeros(arr.shape, dtype=bool)


def _is_infinite(value: Any) -> bool:
    return isinstance(value, (float, np.floating)) and bool(np.isinf(value))


def is_empty(x: Any) -> bool:
    """Whether ``x`` is an empty 1-D sequence of labels (scikit-learn's empty labelling)."""
    check_not_lazy_collection(x, "the labels")
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__") or len(x) != 0:
        return False
    return getattr(x, "ndim", 1) == 1


def label_array(x: Any, name: str) -> np.ndarray:
    """``x`` as a 1-D, non-empty array of labels (missing values left in: ``encode`` finds them).

    Accepts integers, bools, floats, strings, objects, datetimes; +-inf is a ``ValueError``
    naming the first position (as scikit-learn), complex and structured dtypes a ``TypeError``.
    """
    if isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be a 1-D array of labels, got a single {type(x).__name__}")
    check_not_lazy_collection(x, name)
    arr = to_array(x, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    kind = arr.dtype.kind
    if kind in "cV":
        raise TypeError(f"{name} has unsupported dtype {arr.dtype} for labels")
    if kind == "f":
        _check_finite(np.isinf(arr), arr, name)
    return arr


def _check_finite(infinite: np.ndarray, values: Any, name: str) -> None:
    """A ValueError at the first infinite value."""
    if infinite.any():  # scikit-learn's check_array: "Input contains infinity"
        i = int(np.flatnonzero(infinite)[0])
        raise ValueError(f"{name}[{i}] is infinite ({values[i]!r}); labels must be finite")


def _check_levels_finite(levels: np.ndarray, codes: np.ndarray, name: str) -> None:
    """A ValueError at the first row whose level is infinite (codes -1: missing)."""
    if levels.dtype.kind == "f":
        infinite = np.isinf(levels)
    elif levels.dtype.kind == "O":
        infinite = np.frompyfunc(_is_infinite, 1, 1)(levels).astype(bool)
    else:
        return
    if infinite.any():  # a level no row uses (a frame's rows left out by missing="drop"): fine
        rows = np.flatnonzero(np.append(infinite, False)[codes])  # code -1: the appended False
        if rows.size:
            i = int(rows[0])
            raise ValueError(
                f"{name}[{i}] is infinite ({levels[codes[i]]!r}); labels must be finite"
            )


#: What to do with missing values (NaN, None, pandas.NA, NaT, nulls): the ``missing`` argument.
MISSING = ("error", "level", "drop")


def check_missing(missing: Any) -> str:
    """``missing`` checked: one of MISSING."""
    if not isinstance(missing, str) or missing not in MISSING:
        raise ValueError(f"missing must be one of {MISSING}, got {missing!r}")
    return missing


def _rebuilt(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    err = cls.__new__(cls, *args)
    err.args = args
    err.__dict__.update(state)
    return err


def with_message(err: BaseException, message: str) -> Any:
    """A copy of ``err`` (its type and attributes) with another message."""
    return _rebuilt(type(err), (message,), err.__dict__)


def reduce_error(err: BaseException) -> tuple[Any, ...]:
    """``__reduce__`` of an exception whose ``__init__`` does not take its message: it pickles
    (to a Dask worker's client, a process pool's parent) as it is, message and attributes."""
    return _rebuilt, (type(err), err.args, err.__dict__)


class MissingValuesError(ValueError):
    """Missing values where ``missing="error"``: the message names the variable, the count and
    the options."""

    __reduce__ = reduce_error

    def __init__(self, name: str, count: int, first: int) -> None:
        self.variable, self.count, self.first = name, count, first
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(
            f"{name}[{first}] is missing{more}; pass missing='level' to count missing values as "
            "a level of their own, or missing='drop' to leave those rows out"
        )


def check_same_length(lengths: list[int], names: list[str]) -> int:
    """The common length of label arrays."""
    n = lengths[0]
    for length, name in zip(lengths[1:], names[1:], strict=True):
        if length != n:
            raise ValueError(
                f"{names[0]} and {name} must have the same length, got {n} and {length}"
            )
    return int(n)


# ---- factorising ---------------------------------------------------------------------------------


def _type_then_value(value: Any) -> tuple[str, Any]:
    return type(value).__name__, value


def _increasing(seq: list[Any]) -> bool:
    return all(a < b for a, b in itertools.pairwise(seq))


def sorted_levels(distinct: list[Any]) -> list[Any]:
    """Distinct labels in sorted order: by value when ``<`` orders them totally; by type name,
    then value, when types do not compare (ints and strings); by type name, then repr, when
    ``<`` is only partial (sets order by inclusion)."""
    for key in (None, _type_then_value):
        try:
            ordered = sorted(distinct, key=key)
        except TypeError:
            continue
        if _increasing(ordered if key is None else [key(v) for v in ordered]):
            return ordered
    return sorted(distinct, key=lambda v: (type(v).__name__, repr(v)))


def _sort_order(values: np.ndarray) -> np.ndarray:
    """Indices that sort distinct values (pandas categories) as ``sorted_levels`` orders them."""
    where = {v: i for i, v in enumerate(values.tolist())}
    return np.asarray([where[v] for v in sorted_levels(list(where))], dtype=np.intp)


def looks_continuous(levels: np.ndarray, n: int) -> bool:
    """Whether n numeric samples with these distinct values look like samples of a continuous
    variable: more than 20 distinct values, and fewer than 20 samples per value on average (as
    many levels as that make a plug-in estimate mostly bias)."""
    return levels.dtype.kind in "iuf" and levels.size > 20 and levels.size * 20 >= n


def has_fractions(levels: np.ndarray) -> bool:
    """Whether float values include some that are not whole numbers."""
    return levels.dtype.kind == "f" and not bool(np.all(levels == np.round(levels)))


def continuous_target(levels: np.ndarray, n: int) -> bool:
    """The automatic rule for a numeric target with these distinct values over n samples: a
    continuous variable (binned) when its values are many for the rows (:func:`looks_continuous`)
    or include fractions (as scikit-learn's ``type_of_target``); never a constant one."""
    return levels.size > 1 and (looks_continuous(levels, n) or has_fractions(levels))


def _warn_if_continuous(levels: np.ndarray, n: int, name: str) -> None:
    """Warn when float labels have many distinct non-integer values (a continuous variable)."""
    if not (looks_continuous(levels, n) and has_fractions(levels)):
        return
    warnings.warn(
        f"{name} has {levels.size} distinct non-integer float values in {n} samples: it looks "
        "continuous; bin it first (fastent.selection.discretize) or pass integer codes",
        ContinuousLabelsWarning,
        stacklevel=user_stacklevel(),
    )


def _hash_factorize(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(distinct values in order of appearance, codes; -1 where missing) of object labels by
    hashing: pandas' ``factorize`` when pandas is installed, else a dict; None when the labels
    are unhashable."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        pd = None
    if pd is not None:
        try:
            codes, uniques = pd.factorize(arr, use_na_sentinel=True)
        except TypeError:
            return None
        return np.asarray(uniques, dtype=object), np.asarray(codes)
    values = arr.tolist()
    missing = [_is_missing(v) for v in values]
    try:
        lookup = dict.fromkeys(v for v, m in zip(values, missing, strict=True) if not m)
    except TypeError:
        return None
    code = {value: i for i, value in enumerate(lookup)}
    codes = np.fromiter(
        (-1 if m else code[v] for v, m in zip(values, missing, strict=True)), np.intp, arr.size
    )
    levels = np.empty(len(code), dtype=object)
    levels[:] = list(code)
    return levels, codes


def factorize(arr: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, codes) of a label array from ``label_array``: codes -1 where a value is
    missing (NaN, None, NaT, pandas.NA), the values in no particular order.

    Object labels are told apart by equality and hashing (``np.unique`` sorts them, and a partial
    order such as the inclusion of sets merges or splits equal values); unhashable ones (lists)
    are compared by ``np.unique``.
    """
    kind = arr.dtype.kind
    if kind == "O":
        found = _hash_factorize(arr)
        if found is not None:
            levels, codes = found
            _check_levels_finite(levels, codes, name)
            return levels, codes
    missing = missing_mask(arr)
    if missing.any():
        levels, codes = np.unique(arr[~missing], return_inverse=True)
        full = np.full(arr.size, -1, dtype=np.intp)
        full[~missing] = codes.reshape(-1)
        return levels, full
    levels, codes = np.unique(arr, return_inverse=True)
    return levels, codes.reshape(-1)


# ---- codes ---------------------------------------------------------------------------------------


@dataclass
class Codes:
    """One variable's samples as integer codes the kernels count.

    ``data`` is a contiguous integer array (the input itself on the fast path); sample i has code
    ``data[i] - offset`` in ``[0, size)``.  ``levels`` maps codes to values when the variable was
    factorised; on the fast path (``levels is None``) code c stands for ``offset + c`` of ``dtype``.
    A fast-path range read off a sample of the data is not ``exact``: the counting kernel checks
    every value against it and the variable is re-encoded from its true range if one falls out.
    ``n_missing`` samples were missing: they hold the last code (level value None), and
    ``drop_missing`` says that their rows are left out of every count (``missing="drop"``).
    """

    data: np.ndarray
    offset: int
    size: int
    levels: np.ndarray | None
    dtype: np.dtype[Any]
    exact: bool = True
    n_missing: int = 0
    drop_missing: bool = False

    def values(self, codes: np.ndarray) -> np.ndarray:
        """The label values of ``codes``."""
        if self.levels is not None:
            return np.asarray(self.levels[codes])
        return (codes + self.offset).astype(self.dtype)

    def zero_based(self) -> np.ndarray:
        """The codes as int32 in [0, size) (exact codes only): one pass, no copy when they are
        already."""
        if self.offset == 0 and self.data.dtype == np.int32:
            return self.data
        out = np.empty(self.data.shape[0], dtype=np.int32)
        if self.data.dtype.kind == "u" or self.data.dtype.itemsize < 8:
            np.subtract(self.data, self.offset, out=out, dtype=np.int64, casting="unsafe")
        else:  # int64 data with an offset: the difference fits int32 (exact codes)
            np.subtract(self.data, np.int64(self.offset), out=out, casting="unsafe")
        return out


def _sorted(levels: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levels in sorted order (``sorted_levels``), the codes renumbered (-1 kept)."""
    if levels.dtype.kind != "O":
        order = np.argsort(levels, kind="stable")
    else:
        order = _sort_order(levels)
    if (order == np.arange(levels.size)).all():
        return levels, codes
    rank = np.empty(order.size + 1, dtype=np.intp)
    rank[order] = np.arange(order.size)
    rank[-1] = -1  # code -1 (missing) stays -1
    return levels[order], rank[codes]


def _labels(
    codes: np.ndarray,
    levels: np.ndarray,
    name: str,
    missing: str,
    dtype: np.dtype[Any],
    sort: bool,
    warn: bool = True,
) -> Codes:
    """Codes of factorised labels (-1 where missing), the missing-value policy applied."""
    n = codes.size
    if warn:
        _warn_if_continuous(levels, n, name)
    if sort:
        levels, codes = _sorted(levels, codes)
    absent = codes < 0
    n_missing = int(np.count_nonzero(absent))
    small = np.int32 if levels.size < 2**31 - 1 else np.int64
    if n_missing == 0:
        if codes.dtype.kind in "iu" and codes.dtype.itemsize <= 4:  # as they are (no copy)
            return Codes(np.ascontiguousarray(codes), 0, int(levels.size), levels, dtype)
        return Codes(np.ascontiguousarray(codes, dtype=small), 0, int(levels.size), levels, dtype)
    if missing == "error":
        raise MissingValuesError(name, n_missing, int(np.flatnonzero(absent)[0]))
    data = np.where(absent, levels.size, codes).astype(small)
    with_missing = np.empty(levels.size + 1, dtype=object)
    with_missing[:-1] = levels
    with_missing[-1] = None
    return Codes(
        data, 0, int(levels.size) + 1, with_missing, dtype, True, n_missing, missing == "drop"
    )


def _numbers(
    values: np.ndarray, absent: np.ndarray | None, name: str, missing: str, warn: bool
) -> Codes:
    """Codes of numeric labels with a mask of missing rows."""
    if absent is None or not absent.any():
        return encode(values, name, 1, missing, True, warn)
    values = values.copy()
    values[absent] = values[~absent][0] if (~absent).any() else 0
    levels, codes = factorize(values, name)
    codes = np.where(absent, -1, codes)
    return _labels(codes, levels, name, missing, values.dtype, True, warn)


def column_ranges(arr: np.ndarray, n_threads: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Each column's minimum and maximum (int64 arrays) of a 2-D integer array with rows, from
    the range sample of ``GUESS_SAMPLE`` rows, every ``guess_step``-th row as ``_integers`` takes
    a label array's; and whether they are exact (the sample was every row).  Contiguous columns
    (F order) give runs of the rows one cache line of a column holds, as far apart: a row a
    step would read a line of each column for each element (W7-F, 1e6 x 200 int64: 8 ms, a
    tenth of the count); the runs are copied ``SAMPLE_BYTES`` at a time, a chunk of columns."""
    n = arr.shape[0]
    step = guess_step(n)
    run = max(1, 64 // arr.itemsize)
    if step > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous and n >= step * run:
        rows = (np.arange(0, n - run + 1, step * run)[:, None] + np.arange(run)).ravel()
        per = max(1, SAMPLE_BYTES // (rows.size * arr.itemsize))
        parts = [
            _k.column_ranges(arr[rows, c : c + per], n_threads) for c in range(0, arr.shape[1], per)
        ]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), False
    lo, hi = _k.column_ranges(arr[::step], n_threads)
    return lo, hi, step == 1


def _integers(arr: np.ndarray, name: str, n_threads: int) -> Codes | None:
    """Fast-path codes of integer labels in a narrow range (the array itself), else None."""
    direct = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("="))
    if direct.dtype == np.uint64:
        if int(direct.max()) >= 2**63:
            return None
        direct = direct.view(np.int64)
    n = direct.size
    step = guess_step(n)  # a sample's range saves a pass over the data when it holds
    sample = direct if step == 1 else direct[::step].copy()
    lo, hi = _k.minmax(sample, 1)
    if is_direct(lo, hi, n):
        return Codes(direct, lo, hi - lo + 1, None, arr.dtype, exact=step == 1)
    return exact(Codes(direct, lo, hi - lo + 1, None, arr.dtype, exact=False), n_threads)


def _column(column: Column, name: str, missing: str, sort: bool, warn: bool) -> Codes:
    """Codes of a frame library's column (its own encoder's codes, or its numbers)."""
    if column.codes is not None:
        assert column.levels is not None
        levels, codes = column.levels, np.asarray(column.codes)
        if codes.size == 0:
            raise ValueError(f"{name} is empty")
        _check_levels_finite(levels, codes, name)
        return _labels(codes, levels, name, missing, levels.dtype, sort, warn)
    assert column.values is not None
    values = column.values
    if values.ndim != 1 or values.size == 0:
        label_array(values, name)  # the shape or empty error
    if values.dtype.kind == "f":
        _check_finite(np.isinf(values), values, name)
    return _numbers(values, column.missing, name, missing, warn)


def encode(
    x: Any,
    name: str,
    n_threads: int = 1,
    missing: str = "error",
    sort: bool = True,
    warn: bool = True,
) -> Codes:
    """Validate one label array and turn it into codes (no copy on the small-integer fast path).

    Series of a frame library are coded by its own encoder (pandas ``factorize``, Arrow
    ``dictionary_encode``, Categorical codes); ``missing`` says what NaN, None, NaT, pandas.NA
    and nulls become (``MISSING``); ``sort`` orders the levels (else any order: the counts do not
    depend on it); ``warn``: a ``ContinuousLabelsWarning`` for floats that look continuous.
    """
    column = x if isinstance(x, Column) else column_data(x)
    if column is not None:
        return _column(column, name, missing, sort, warn)
    arr = label_array(x, name)
    kind = arr.dtype.kind
    if kind == "b":
        return Codes(np.ascontiguousarray(arr).view(np.uint8), 0, 2, None, arr.dtype)
    if kind in "iu":
        found = _integers(arr, name, n_threads)
        if found is not None:
            return found
    levels, codes = factorize(arr, name)
    return _labels(codes, levels, name, missing, arr.dtype, sort, warn)


def exact(codes: Codes, n_threads: int) -> Codes:
    """The variable encoded from its true range (factorised if the range is too wide)."""
    if codes.exact:
        return codes
    lo, hi = _k.minmax(codes.data, n_threads)
    if is_direct(lo, hi, codes.data.size):
        return Codes(codes.data, lo, hi - lo + 1, None, codes.dtype)
    levels, index = np.unique(codes.data, return_inverse=True)
    return Codes(
        index.astype(np.int64), 0, int(levels.size), levels.astype(codes.dtype), codes.dtype
    )


def compacted(codes: Codes, n_threads: int) -> Codes:
    """The variable renumbered over its observed values only (fast-path codes leave gaps)."""
    if codes.levels is not None:
        return codes
    codes = exact(codes, n_threads)
    counts, status = _k.count([codes.data], [codes.offset], [codes.size], n_threads)
    assert status < 0, "exact codes are all in range"
    present = counts > 0
    if present.all():
        return codes
    used = np.flatnonzero(present)
    remap = np.cumsum(present, dtype=np.int32) - 1
    data = remap[codes.data.astype(np.int64) - codes.offset]
    return Codes(
        data,
        0,
        int(used.size),
        codes.values(used),
        codes.dtype,
        n_missing=codes.n_missing,
        drop_missing=codes.drop_missing,
    )
