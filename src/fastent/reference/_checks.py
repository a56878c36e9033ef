# SPDX-License-Identifier: BSD-3-Clause
"""The reference's own input checks, written plainly and independently of fastent's core.

The public functions and these raise the same exception types for the same bad input (and the
same messages where the tests compare them), but share no code: a bug in fastent's checks shows
up as a disagreement with these.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

ESTIMATORS = ("plugin", "miller_madow", "shrinkage", "chao_shen")
AVERAGES = ("arithmetic", "geometric", "min", "max")
REDUCTIONS = ("none", "mean", "sum")


def where(name: str, index: tuple[Any, ...]) -> str:
    return name + ("[" + ", ".join(map(str, index)) + "]" if index else "")


def nats(base: Any) -> float:
    """How many nats make one unit of ``base`` (1 for None)."""
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, (int, float, np.integer, np.floating)):
        raise TypeError(f"base must be a real number or None, got {type(base).__name__}")
    if not 0 < base < math.inf or base == 1:
        raise ValueError(f"base must be positive, finite and not 1, got {base!r}")
    return math.log(base)


def n_jobs(value: Any) -> None:
    """The reference is serial; it only checks that ``n_jobs`` is a valid setting."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"n_jobs must be an integer or None, got {type(value).__name__}")
    if value == 0:
        raise ValueError("n_jobs = 0 is invalid")


def axis(value: Any, ndim: int) -> Any:
    """An axis, a tuple of axes or None, checked and made non-negative."""
    if value is None:
        return None
    if isinstance(value, tuple):
        axes = tuple(axis(v, ndim) for v in value)
        if len(set(axes)) != len(axes):
            raise ValueError(f"axis {value} repeats an axis")
        return axes
    try:
        a = operator.index(value)
    except TypeError:
        raise TypeError(f"axis must be an integer or None, got {type(value).__name__}") from None
    if isinstance(value, bool) or not -ndim <= a < ndim:
        raise ValueError(f"axis {value} is out of bounds for array of dimension {ndim}")
    return a % ndim


def floats(x: Any, name: str) -> np.ndarray:
    """Real numbers as float32 (float16, float32 input) or float64 (everything else real)."""
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if a.dtype == object:
        if any(v is None for v in a.ravel()):
            raise TypeError(f"{name} has None where numbers are expected")
        try:
            a = a.astype(np.float64)
        except OverflowError:
            raise ValueError(f"{name} has a number too large for a float") from None
        except (TypeError, ValueError):
            raise TypeError(f"{name} has unsupported dtype object (non-numeric values)") from None
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} has unsupported dtype {a.dtype}; expected real numbers")
    small = a.dtype.kind == "f" and a.dtype.itemsize <= 4
    return a.astype(np.float32 if small else np.float64)


def _first(bad: np.ndarray) -> tuple[int, ...]:
    """The index of the first True of ``bad`` (in C order)."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), bad.shape))


def probabilities(x: np.ndarray, name: str, ax: int | None) -> None:
    """Every element finite and >= 0, every slice along ``ax`` with a positive total."""
    with np.errstate(invalid="ignore"):
        bad = ~((x >= 0) & np.isfinite(x))
    if bad.any():
        index = _first(bad)
        v = float(x[index])
        kind = "NaN" if v != v else "infinite" if v in (math.inf, -math.inf) else "negative"
        raise ValueError(f"{where(name, index)} is {kind} ({v!r}); expected probabilities >= 0")
    if x.ndim == 0:
        raise ValueError(f"{name} must be at least 1-D, got a scalar")
    reduced = range(x.ndim) if ax is None else ax if isinstance(ax, tuple) else (ax,)
    if x.size == 0 and any(x.shape[d] == 0 for d in reduced):
        raise ValueError(f"{name} is empty along axis {ax}; a distribution needs an element")
    zero = x.sum(axis=ax, keepdims=True) == 0
    if zero.any():
        index = _first(zero)
        shown = tuple(":" if d in reduced else i for d, i in enumerate(index))
        raise ValueError(f"{where(name, shown)} sums to zero; expected a positive total")


def unit_interval(x: np.ndarray, name: str, text: str) -> None:
    """Every element in [0, 1]; ``text`` says what a bad one is, e.g. "is not in [0, 1]"."""
    with np.errstate(invalid="ignore"):
        bad = ~((x >= 0) & (x <= 1))
    if bad.any():
        index = _first(bad)
        raise ValueError(f"{where(name, index)} {text} ({float(x[index])!r})")


# ---- labels -----------------------------------------------------------------------------------


#: What the label functions do with missing values (their ``missing`` argument).
MISSING = ("error", "level", "drop")


def missing_policy(value: Any) -> str:
    """``missing`` checked: "error", "level" or "drop"."""
    if not isinstance(value, str) or value not in MISSING:
        raise ValueError(f"missing must be one of {MISSING}, got {value!r}")
    return value


def _missing(v: Any) -> bool:
    """Whether one value is missing: None, a float NaN, NaT, ``pandas.NA``."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(v, (float, np.floating)):
        return bool(v != v)
    return isinstance(v, (np.datetime64, np.timedelta64)) and bool(np.isnat(v))


def missing_mask(a: np.ndarray) -> np.ndarray:
    """Which elements of a 1-D array are missing (NaN, NaT, None, ``pandas.NA``)."""
    if a.dtype.kind == "f":
        return np.asarray(np.isnan(a), dtype=bool)
    if a.dtype.kind in "mM":
        return np.asarray(np.isnat(a), dtype=bool)
    if a.dtype.kind == "O":
        return np.array([_missing(v) for v in a.tolist()], dtype=bool).reshape(a.shape)
    return np.zeros(a.shape, dtype=bool)


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-D object array of the values (tuples and lists stay elements)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def series(x: Any) -> tuple[np.ndarray, str] | None:
    """(values, kind) of a column of a frame library, or None for anything else.

    pandas Series, Index and Categorical, polars Series and pyarrow Array or ChunkedArray: the
    values as a 1-D NumPy array (an object array of Python values, with None or ``pandas.NA``
    where missing, unless the column has a NumPy dtype), and the kind of the column's type: "f"
    (floats), "i" (integers), "b" (bools) or "O" (anything else: strings, categoricals)."""
    module = type(x).__module__.partition(".")[0]
    if module == "pandas" and getattr(x, "ndim", 0) == 1 and hasattr(x, "dtype"):
        dtype = x.dtype
        if str(dtype) == "category":
            return np.asarray(x, dtype=object), "O"
        if isinstance(dtype, np.dtype):
            return np.asarray(x), "i" if dtype.kind == "u" else dtype.kind
        kind = getattr(dtype, "kind", "O")
        values = _objects(list(x.to_numpy(dtype=object)))
        return values, {"u": "i"}.get(kind, kind if kind in "fib" else "O")
    if module == "polars" and type(x).__name__ == "Series":
        dtype = x.dtype
        if dtype.is_nested():
            raise TypeError(f"a column holds nested values ({dtype}): labels must be scalars")
        if dtype.is_float() or dtype.is_integer():
            kind = "f" if dtype.is_float() else "i"
        else:
            kind = "b" if str(dtype) == "Boolean" else "O"
        return _objects(x.to_list()), kind
    if module == "pyarrow" and hasattr(x, "type") and hasattr(x, "to_pylist"):
        name = str(x.type)
        if name.startswith(("list", "large_list", "struct", "map", "fixed_size_list")):
            raise TypeError(f"a column holds nested values ({name}): labels must be scalars")
        if name in ("halffloat", "float", "double") or name.startswith(("int", "uint")):
            kind = "i" if name.startswith(("int", "uint")) else "f"
        else:
            kind = "b" if name == "bool" else "O"
        return _objects(x.to_pylist()), kind
    return None


def labels(x: Any, name: str, missing: str = "error") -> np.ndarray:
    """A non-empty 1-D array of labels; missing values are an error (``missing="error"``) or
    left in place (any other ``missing``: ``missing_mask`` finds them)."""
    if isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be a 1-D array of labels, got a single {type(x).__name__}")
    found = series(x)
    if found is not None:
        x = found[0]
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if a.dtype.kind in "cV":
        raise TypeError(f"{name} has unsupported dtype {a.dtype} for labels")
    for i, v in enumerate(a.tolist() if a.dtype.kind in "fO" else ()):
        if isinstance(v, float) and v in (math.inf, -math.inf):
            raise ValueError(f"{name}[{i}] is infinite ({a[i]!r}); labels must be finite")
    if missing == "error":
        absent = missing_mask(a)
        if absent.any():
            i = int(np.argmax(absent))
            raise ValueError(f"{name}[{i}] is missing ({a[i]!r}); labels must not be NaN or None")
    return a


def factorize_present(a: np.ndarray, absent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(levels, codes) of labels with missing values: the present values factorised
    (``factorize``), the missing ones the code -1."""
    codes = np.full(a.shape[0], -1, dtype=np.intp)
    levels, present = factorize(a[~absent])
    codes[~absent] = present
    return levels, codes


def factorize(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, the code of each sample).  Objects are told apart by ``==`` (a
    dict), then sorted: by value if that is a total order, else by (type name, value), else by
    (type name, repr) - sets, ordered by inclusion only, take the last."""
    if a.dtype != object:
        levels, codes = np.unique(a, return_inverse=True)
        return levels, codes.reshape(-1)
    try:
        seen = list(dict.fromkeys(a.tolist()))
    except TypeError:  # unhashable objects: np.unique compares them
        levels, codes = np.unique(a, return_inverse=True)
        return levels, codes.reshape(-1)

    def total(xs: list[Any]) -> bool:
        return all(x < y for x, y in itertools.pairwise(xs))

    keys: list[Callable[[Any], Any]] = [
        lambda v: v,
        lambda v: (type(v).__name__, v),
        lambda v: (type(v).__name__, repr(v)),
    ]
    for key in keys:
        try:
            ordered = sorted(seen, key=key)
            if total([key(v) for v in ordered]):
                break
        except TypeError:
            continue
    levels = np.empty(len(ordered), dtype=object)
    levels[:] = ordered
    code = {v: i for i, v in enumerate(ordered)}
    return levels, np.array([code[v] for v in a.tolist()], dtype=np.intp)


def empty_labels(x: Any) -> bool:
    """An empty 1-D labelling (scikit-learn scores two of them as identical)."""
    try:
        return not isinstance(x, (str, bytes)) and len(x) == 0 and getattr(x, "ndim", 1) == 1
    except TypeError:  # no len(): a scalar
        return False


def same_length(arrays: list[np.ndarray], names: list[str]) -> None:
    for a, name in zip(arrays[1:], names[1:], strict=False):
        if len(a) != len(arrays[0]):
            raise ValueError(
                f"{names[0]} and {name} must have the same length, got {len(arrays[0])} and "
                f"{len(a)}"
            )


def estimator(name: Any) -> str:
    if name not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {name!r}")
    return str(name)


def average(name: Any) -> str:
    if name not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {name!r}")
    return str(name)


def mean_of(u: float, w: float, how: str) -> float:
    return {
        "arithmetic": (u + w) / 2,
        "geometric": math.sqrt(u * w),
        "min": min(u, w),
        "max": max(u, w),
    }[how]


# ---- losses -----------------------------------------------------------------------------------


def reduction(name: Any) -> str:
    if name not in REDUCTIONS:
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {name!r}")
    return str(name)


def positive_denominator(den: float) -> None:
    if not den > 0:
        raise ValueError("reduction='mean' over zero contributing elements (an empty batch)")
    if den < np.finfo(np.float64).tiny:  # 1 / den, the gradient's scale, would overflow
        raise ValueError("reduction='mean' over a subnormal total weight")


def same_shape(labels_: Any, values: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    x = floats(values, name)
    z = floats(labels_, "labels")
    if z.shape != x.shape:
        raise ValueError(f"labels {z.shape} and {name} {x.shape} must have the same shape")
    return z.astype(x.dtype), x


def smoothing(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError(f"label_smoothing must be in [0, 1], got {value!r}")
    return float(value)


def clip(eps: float | None) -> float:
    if eps is not None and not 0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps!r}")
    return 0.0 if eps is None else float(eps)


def class_indices(
    y: Any, shape: tuple[int, ...], n_classes: int, ignore: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(flat int64 labels, mask of the rows that count); compared in the labels' own dtype."""
    if ignore is not None and (
        isinstance(ignore, bool) or not isinstance(ignore, (int, np.integer))
    ):
        raise TypeError(f"ignore_index must be an integer or None, got {type(ignore).__name__}")
    raw = np.asarray(y)
    if raw.dtype.kind not in "iuf":
        raise TypeError(f"labels must be integer class indices, got dtype {raw.dtype}")
    if raw.shape != shape:
        raise ValueError(f"labels with shape {raw.shape} must have the logits' batch shape {shape}")
    flat = raw.reshape(-1)
    if raw.dtype.kind == "f" and not (np.isfinite(flat) & (flat % 1 == 0)).all():
        raise ValueError("labels are not integer class indices")
    keep = (
        np.ones(flat.size, bool)
        if ignore is None
        else np.array([v != ignore for v in flat.tolist()], dtype=bool)
    )
    inside = np.array([0 <= v < n_classes for v in flat.tolist()], dtype=bool)
    if (keep & ~inside).any():
        raise ValueError(f"labels out of range for {n_classes} classes")
    return np.where(keep, flat, 0).astype(np.int64), keep


def weights(w: Any, name: str, sizes: tuple[int, ...], dtype: Any) -> np.ndarray | None:
    """Class weights: 1-D of an allowed size, finite and >= 0 once in the logits' dtype."""
    if w is None:
        return None
    a = floats(w, name)
    if a.ndim > 1 or a.size not in sizes:
        raise ValueError(f"{name} must have one of the sizes {sizes}, got shape {a.shape}")
    with np.errstate(over="ignore"):
        in_dtype = a.reshape(-1).astype(dtype)
    if not (np.isfinite(in_dtype).all() and (in_dtype >= 0).all()):
        raise ValueError(f"{name} must be finite and >= 0 in {np.dtype(dtype)}")
    return in_dtype.astype(np.float64)
