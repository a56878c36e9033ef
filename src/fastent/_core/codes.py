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
from typing import Any

import numpy as np

from .._kernels import counting as _k
from .layout import to_array

__all__ = [
    "DIRECT_SPAN",
    "GUESS_SAMPLE",
    "Codes",
    "ContinuousLabelsWarning",
    "check_same_length",
    "compacted",
    "encode",
    "exact",
    "factorize",
    "guess_step",
    "is_direct",
    "is_empty",
    "label_array",
    "user_stacklevel",
]

#: Integer labels spanning fewer than max(DIRECT_SPAN, n) values are counted without factorising.
DIRECT_SPAN = 1 << 16
#: Samples (evenly spaced) an integer variable's range is first read from; the count checks all.
GUESS_SAMPLE = 1 << 12


def guess_step(n: int) -> int:
    """The stride of the range-guess sample of n samples: 1 (read them all, the range is exact)
    for up to 2 * GUESS_SAMPLE, else n // GUESS_SAMPLE."""
    return 1 if n <= 2 * GUESS_SAMPLE else n // GUESS_SAMPLE


def is_direct(lo: int, hi: int, n: int) -> bool:
    """Whether integer labels in [lo, hi] (n samples) are counted as they are."""
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


def _is_infinite(value: Any) -> bool:
    return isinstance(value, (float, np.floating)) and bool(np.isinf(value))


def is_empty(x: Any) -> bool:
    """Whether ``x`` is an empty 1-D sequence of labels (scikit-learn's empty labelling)."""
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__") or len(x) != 0:
        return False
    return getattr(x, "ndim", 1) == 1


def label_array(x: Any, name: str) -> np.ndarray:
    """``x`` as a 1-D, non-empty array of labels without missing values.

    Accepts integers, bools, floats, strings, objects, datetimes, pandas/polars series (pandas
    Categoricals become their values).  NaN, None and NaT are a ``ValueError`` naming the first
    position, and so is +-inf (as scikit-learn); complex and structured dtypes a ``TypeError``.
    """
    if isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be a 1-D array of labels, got a single {type(x).__name__}")
    arr = to_array(x, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    kind = arr.dtype.kind
    if kind in "cV":
        raise TypeError(f"{name} has unsupported dtype {arr.dtype} for labels")
    if kind == "f":
        infinite = np.isinf(arr)
        if infinite.any():  # scikit-learn's check_array: "Input contains infinity"
            i = int(np.flatnonzero(infinite)[0])
            raise ValueError(f"{name}[{i}] is infinite ({arr[i]!r}); labels must be finite")
        missing = np.isnan(arr)
    elif kind in "mM":
        missing = np.isnat(arr)
    elif kind == "O":
        missing = np.frompyfunc(_is_missing, 1, 1)(arr).astype(bool)
        infinite = np.frompyfunc(_is_infinite, 1, 1)(arr).astype(bool)
        if infinite.any():
            i = int(np.flatnonzero(infinite)[0])
            raise ValueError(f"{name}[{i}] is infinite ({arr[i]!r}); labels must be finite")
    else:
        return arr
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{name}[{i}] is missing ({arr[i]!r}); labels must not be NaN or None")
    return arr


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


def _sorted_levels(distinct: list[Any]) -> list[Any]:
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
    """Indices that sort distinct values (pandas categories) as ``_sorted_levels`` orders them."""
    where = {v: i for i, v in enumerate(values.tolist())}
    return np.asarray([where[v] for v in _sorted_levels(list(where))], dtype=np.intp)


def _warn_if_continuous(levels: np.ndarray, n: int, name: str) -> None:
    """Warn when float labels have many distinct non-integer values (a continuous variable)."""
    if levels.dtype.kind != "f" or levels.size <= 20 or levels.size * 20 < n:
        return
    if np.all(levels == np.round(levels)):
        return
    warnings.warn(
        f"{name} has {levels.size} distinct non-integer float values in {n} samples: it looks "
        "continuous; bin it first (fastent.selection.discretize) or pass integer codes",
        ContinuousLabelsWarning,
        stacklevel=user_stacklevel(),
    )


def factorize(arr: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, codes) of a label array from ``label_array``.

    Object labels are told apart by equality and hashing (``np.unique`` sorts them, and a partial
    order such as the inclusion of sets merges or splits equal values), then ordered as
    ``_sorted_levels`` says; unhashable ones (lists) are compared by ``np.unique``.
    """
    if arr.dtype.kind == "O":
        values = arr.tolist()
        try:
            lookup = dict.fromkeys(values)
        except TypeError:  # unhashable labels
            lookup = None
        if lookup is not None:
            distinct = _sorted_levels(list(lookup))
            code = {value: i for i, value in enumerate(distinct)}
            levels = np.empty(len(distinct), dtype=object)
            levels[:] = distinct
            codes = np.fromiter((code[value] for value in values), np.intp, arr.size)
            _warn_if_continuous(levels, arr.size, name)
            return levels, codes
    levels, codes = np.unique(arr, return_inverse=True)
    _warn_if_continuous(levels, arr.size, name)
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

    def zero_based(self) -> np.ndarray:
        """The codes as int32 in [0, size) (exact codes only)."""
        return (self.data.astype(np.int64) - self.offset).astype(np.int32)


def _factorized(arr: np.ndarray, name: str) -> Codes:
    levels, codes = factorize(arr, name)
    small = np.int32 if levels.size < 2**31 else np.int64
    return Codes(codes.astype(small), 0, int(levels.size), levels, arr.dtype)


def _categorical(x: Any, name: str) -> Codes | None:
    """Codes of a pandas Categorical (or categorical Series), None for anything else."""
    if getattr(getattr(x, "dtype", None), "name", None) != "category":
        return None
    cat = getattr(x, "array", x)  # Series -> Categorical
    codes = np.asarray(cat.codes)
    if codes.ndim != 1 or codes.size == 0:
        label_array(codes, name)  # raises the shape / empty error
    if (codes < 0).any():
        i = int(np.flatnonzero(codes < 0)[0])
        raise ValueError(f"{name}[{i}] is missing (NaN); labels must not be NaN or None")
    levels = np.asarray(cat.categories)
    order = _sort_order(levels)
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
    arr = label_array(x, name)
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
        step = guess_step(n)  # a sample's range saves a pass over the data when it holds
        sample = direct if step == 1 else direct[::step].copy()
        lo, hi = _k.minmax(sample, 1)
        if is_direct(lo, hi, n):
            return Codes(direct, lo, hi - lo + 1, None, arr.dtype, exact=step == 1)
        return exact(Codes(direct, lo, hi - lo + 1, None, arr.dtype, exact=False), n_threads)
    return _factorized(arr, name)


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
    return Codes(data, 0, int(used.size), codes.values(used), codes.dtype)
