# SPDX-License-Identifier: BSD-3-Clause
"""Input coercion, argument checks and error messages: the one place every public function uses.

The kernels never raise for data problems; they report a status (NaN for an invalid row, the index
of the first bad element) and the public layer calls the ``check_*``/``raise_*`` helpers here,
which locate the first offending position and raise a ``ValueError`` naming the argument.  The
same checks run up front in ``fastent.reference`` so both raise identically.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import warnings
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ._kernels import runtime

_Scalar = TypeVar("_Scalar", bound=np.generic)

#: Below this many elements a call runs serially (a parallel region costs ~1 us per thread).
PARALLEL_MIN_WORK = 50_000

# GNU libgomp is not fork-safe: a child forked after the parent ran OpenMP threads hangs in its
# first parallel region.  A forked child therefore runs every kernel serially (``spawn`` and
# ``forkserver`` children are fresh processes and keep their threads).
_in_forked_child = False


def _mark_forked_child() -> None:
    global _in_forked_child
    _in_forked_child = True


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_mark_forked_child)


def as_float_array(x: npt.ArrayLike, name: str) -> np.ndarray:
    """``x`` as a float32/float64 ndarray in native byte order (no copy when it already is one).

    float16 -> float32; bool, signed and unsigned integers -> float64; float32/float64 kept.
    Anything else (complex, strings, objects that are not numbers) is a ``TypeError``.
    """
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested sequences and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    kind = arr.dtype.kind
    if kind == "f" and arr.dtype.itemsize <= 2:
        target: np.dtype[Any] = np.dtype(np.float32)
    elif kind == "f" and arr.dtype.itemsize in (4, 8):
        target = arr.dtype.newbyteorder("=")
    elif kind in "biu" or (kind == "f" and arr.dtype.itemsize > 8):
        target = np.dtype(np.float64)
    elif kind == "O":
        try:
            return as_float_array(arr.astype(np.float64), name)
        except (TypeError, ValueError):
            raise TypeError(f"{name} has unsupported dtype object (non-numeric values)") from None
    else:
        raise TypeError(f"{name} has unsupported dtype {arr.dtype}; expected real numbers")
    return np.asarray(arr, dtype=target)


def log_base(base: float | None) -> float:
    """``log(base)``, the divisor that converts nats to ``base`` units (1.0 for ``None``)."""
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number or None, got {type(base).__name__}")
    b = float(base)
    if not (b > 0 and math.isfinite(b)) or b == 1:
        raise ValueError(f"base must be positive, finite and not 1, got {base!r}")
    return math.log(b)


def check_distance_base(base: float | None) -> None:
    """A square-root measure (``js_distance``) needs log(base) > 0."""
    if log_base(base) < 0:
        raise ValueError(f"base must be greater than 1 for a distance, got {base!r}")


def normalize_axis(axis: int | None, ndim: int) -> int | None:
    """Validate ``axis`` for ``ndim`` dimensions; negative values count from the end."""
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer or None, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return int(axis) % ndim


def effective_n_threads(n_jobs: int | None, work: int = PARALLEL_MIN_WORK) -> int:
    """Threads to use for ``n_jobs`` on ``work`` elements (DESIGN.md section 2).

    None: all threads OpenMP allows (``omp_get_max_threads()``, which follows OMP_NUM_THREADS and
    threadpoolctl); k > 0: k threads; -1: all; -k: all but k - 1; 0 is invalid.  Work below
    ``PARALLEL_MIN_WORK`` elements, and everything in a forked child process, runs serially.
    """
    if n_jobs is not None and (
        isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral)
    ):
        raise TypeError(f"n_jobs must be an integer or None, got {type(n_jobs).__name__}")
    if n_jobs == 0:
        raise ValueError("n_jobs = 0 is invalid")
    max_threads = int(runtime.max_threads())
    if n_jobs is None:
        n = max_threads
    elif n_jobs < 0:
        n = max(max_threads + int(n_jobs) + 1, 1)
    else:
        n = int(n_jobs)
    return 1 if work < PARALLEL_MIN_WORK or _in_forked_child else n


def scalar_or_array(out: npt.NDArray[_Scalar]) -> _Scalar | npt.NDArray[_Scalar]:
    """A 0-d result as a NumPy scalar (``np.float64``, ``np.float32``), anything else as is."""
    return out.flat[0] if out.ndim == 0 else out


def index_str(name: str, index: tuple[int | str, ...]) -> str:
    """``p[3, 17]`` for ``index_str("p", (3, 17))``; just ``p`` for a 0-d index."""
    return f"{name}[{', '.join(str(i) for i in index)}]" if index else name


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(int(np.flatnonzero(mask)[0]), mask.shape))


def check_probabilities(x: np.ndarray, name: str, axis: int | None) -> None:
    """Raise ``ValueError`` at the first element of ``x`` that is negative, NaN or infinite, or at
    the first slice along ``axis`` (``None``: the whole array) that is empty or sums to zero."""
    valid = (x >= 0) & (x <= np.finfo(x.dtype).max)
    if not valid.all():
        where = _first(~valid)
        v = x[where]
        what = "NaN" if np.isnan(v) else "infinite" if np.isinf(v) else "negative"
        raise ValueError(
            f"{index_str(name, where)} is {what} ({float(v)!r}); expected probabilities >= 0"
        )
    if x.ndim == 0:
        raise ValueError(f"{name} must be at least 1-D, got a scalar")
    if x.size == 0 and (axis is None or x.shape[axis] == 0):
        raise ValueError(f"{name} is empty along axis {axis}; a distribution needs an element")
    zero = x.sum(axis=axis, keepdims=True) == 0
    if zero.any():
        where = _first(zero)
        index = tuple(":" if axis is None or d == axis else i for d, i in enumerate(where))
        raise ValueError(f"{index_str(name, index)} sums to zero; expected a positive total")


def check_unit_interval(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` at the first element of ``x`` outside [0, 1] (NaN included)."""
    valid = (x >= 0) & (x <= 1)
    if not valid.all():
        where = _first(~valid)
        raise ValueError(
            f"{index_str(name, where)} is not a probability ({float(x[where])!r}); "
            f"expected 0 <= {name} <= 1"
        )


@dataclass(frozen=True)
class Rows:
    """Inputs laid out as C-contiguous rows along the reduction axis, for the row kernels."""

    rows: list[
        tuple[np.ndarray, int]
    ]  # per input: (rows of length m, row step: 1, or 0 = broadcast)
    shape: tuple[int, ...]  # the broadcast shape of the inputs
    axis: int | None  # the normalised axis; None: all elements form one row
    m: int  # the row length
    out_shape: tuple[int, ...]  # the shape of a reduction's result (keepdims applied)

    @property
    def n_rows(self) -> int:
        return int(np.prod(self.out_shape))

    def unrows(self, out: np.ndarray) -> np.ndarray:
        """Rows of a transform's output (n_rows, m) back in the inputs' shape and axis order."""
        if self.axis is None:
            return out.reshape(self.shape)
        moved = self.shape[: self.axis] + self.shape[self.axis + 1 :] + (self.m,)
        return np.moveaxis(out.reshape(moved), -1, self.axis)


def _one_row_step(a: np.ndarray, shape: tuple[int, ...], axis: int) -> tuple[np.ndarray, int]:
    """``a`` (broadcastable to ``shape``) as C-contiguous rows along ``axis``, and the row step.

    A single row broadcast against a batch is passed once with step 0 instead of being repeated;
    otherwise at most one copy is made, and none when the layout already fits.
    """
    a = a.reshape((1,) * (len(shape) - a.ndim) + a.shape)
    m = shape[axis]
    if a.size == m and a.shape[axis] == m:
        return np.ascontiguousarray(np.moveaxis(a, axis, -1)).reshape(1, m), 0
    rows = np.moveaxis(np.broadcast_to(a, shape), axis, -1)
    return np.ascontiguousarray(rows).reshape(-1, m), 1


def as_rows(named: list[tuple[str, np.ndarray]], axis: int | None, keepdims: bool) -> Rows:
    """Broadcast the named arrays and lay them out as rows along ``axis`` (None: one row of all
    elements).  Raises ``ValueError`` for shapes that do not broadcast, a scalar, a bad axis."""
    arrays = [a for _, a in named]
    dtype = np.result_type(*arrays)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = " and ".join(f"{n} with shape {a.shape}" for n, a in named)
        raise ValueError(f"{shapes} cannot be broadcast together") from None
    if not shape:
        raise ValueError(f"{named[0][0]} must be at least 1-D, got a scalar")
    ax = normalize_axis(axis, len(shape))
    if ax is None:
        out_shape = (1,) * len(shape) if keepdims else ()
        flat = (int(np.prod(shape)),)
        rows = [
            _one_row_step(np.broadcast_to(a, shape).ravel().astype(dtype, copy=False), flat, 0)
            for a in arrays
        ]
        return Rows(rows, shape, None, flat[0], out_shape)
    out_shape = shape[:ax] + ((1,) if keepdims else ()) + shape[ax + 1 :]
    rows = [_one_row_step(np.asarray(a, dtype=dtype), shape, ax) for a in arrays]
    return Rows(rows, shape, ax, shape[ax], out_shape)


def class_labels(
    labels: npt.ArrayLike, batch_shape: tuple[int, ...], n_classes: int, ignore_index: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(labels as int64 with -1 for ignored rows, mask of the contributing rows)."""
    raw = np.asarray(labels)
    if raw.dtype.kind not in "iuf":
        raise TypeError(f"labels must be integer class indices, got dtype {raw.dtype}")
    if raw.shape != batch_shape:
        raise ValueError(
            f"labels with shape {raw.shape} must have the logits' batch shape {batch_shape}"
        )
    if raw.dtype.kind == "f":
        integral = np.isfinite(raw) & (raw == np.round(raw))
        if not integral.all():
            where = np.unravel_index(int(np.flatnonzero(~integral)[0]), raw.shape)
            value = float(raw[where])
            raise ValueError(
                f"{index_str('labels', tuple(int(i) for i in where))} = {value!r} is not an "
                "integer class index"
            )
    y = raw.astype(np.int64).reshape(-1)
    keep = np.ones(y.shape, bool) if ignore_index is None else y != ignore_index
    bad = keep & ((y < 0) | (y >= n_classes))
    if bad.any():
        where = np.unravel_index(int(np.flatnonzero(bad)[0]), batch_shape)
        raise ValueError(
            f"{index_str('labels', tuple(int(i) for i in where))} = {int(raw[where])} is out of "
            f"range for {n_classes} classes"
        )
    return np.where(keep, y, -1), keep


# ---- loss arguments (shared by fastent.logits and fastent.reference) ----------------------------

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return reduction


def check_mean_denominator(reduction: str, denominator: float) -> None:
    """``reduction="mean"`` needs a positive count (or total weight) to divide by."""
    if reduction == "mean" and not denominator > 0:
        raise ValueError(
            "reduction='mean' over zero contributing elements (an empty batch, all labels "
            "ignored or a zero total weight)"
        )


def labels_like(labels: npt.ArrayLike, values: npt.ArrayLike, name: str) -> tuple[np.ndarray, ...]:
    """(labels, values) as C-ordered float arrays of the values' dtype and of equal shapes."""
    x = as_float_array(values, name)
    z = as_float_array(labels, "labels")
    if z.shape != x.shape:
        raise ValueError(
            f"labels with shape {z.shape} and {name} with shape {x.shape} must have the same shape"
        )
    return np.asarray(z, dtype=x.dtype, order="C"), np.asarray(x, order="C")  # 0-d stays 0-d


def check_label_smoothing(label_smoothing: float) -> float:
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def class_weights(weights: npt.ArrayLike | None, n_classes: int) -> np.ndarray | None:
    """Finite per-class weights of shape (n_classes,), or None."""
    if weights is None:
        return None
    w = as_float_array(weights, "weights")
    if w.shape != (n_classes,):
        raise ValueError(f"weights must have shape ({n_classes},), got {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError("weights must be finite")
    return w


def check_clip_eps(eps: float | None) -> float:
    """A probability clip ``eps`` in (0, 0.5), or 0.0 for None (no clipping)."""
    if eps is None:
        return 0.0
    if not 0.0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps!r}")
    return float(eps)


# ---- labels (shared by fastent.discrete, fastent.selection and fastent.reference) ---------------

#: Entropy estimators of fastent.discrete (the kernels' codes are the positions).
ESTIMATORS = ("plugin", "miller_madow", "shrinkage", "chao_shen")
#: Means of two entropies that normalise mutual information (as scikit-learn's average_method).
AVERAGES = ("arithmetic", "geometric", "min", "max")


class ContinuousLabelsWarning(UserWarning):
    """Float labels that look like samples of a continuous variable (bin them first)."""


def check_estimator(estimator: str) -> int:
    """The kernel code of ``estimator``."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    return ESTIMATORS.index(estimator)


def check_average(average: str) -> str:
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    return average


def generalized_average(u: float, w: float, average: str) -> float:
    """The ``average`` mean of two non-negative numbers."""
    if average == "arithmetic":
        return (u + w) / 2
    if average == "geometric":
        return math.sqrt(u * w)
    return min(u, w) if average == "min" else max(u, w)


def _is_missing(value: Any) -> bool:
    """None, a float NaN (Python or NumPy), a NumPy or pandas NaT, or pandas.NA."""
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    return type(value).__name__ in ("NAType", "NaTType")


def _type_then_value(value: Any) -> tuple[str, Any]:
    return type(value).__name__, value


def sort_order(values: np.ndarray) -> np.ndarray:
    """Indices that sort ``values``; values of types that do not compare with each other (ints
    and strings in one object array) are ordered by type name, then value."""
    try:
        return np.argsort(values, kind="stable")
    except TypeError:
        keys = [_type_then_value(value) for value in values.tolist()]
        return np.asarray(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.intp)


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside fastent."""
    frame: Any = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("fastent"):
        frame, level = frame.f_back, level + 1
    return level


def label_array(x: Any, name: str) -> np.ndarray:
    """``x`` as a 1-D, non-empty array of labels without missing values.

    Accepts integers, bools, floats, strings, objects, datetimes, pandas/polars series (pandas
    Categoricals become their values).  NaN, None and NaT are a ``ValueError`` naming the first
    position; complex and structured dtypes a ``TypeError``.
    """
    if isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be a 1-D array of labels, got a single {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of labels, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    kind = arr.dtype.kind
    if kind in "cV":
        raise TypeError(f"{name} has unsupported dtype {arr.dtype} for labels")
    if kind == "f":
        missing = np.isnan(arr)
    elif kind in "mM":
        missing = np.isnat(arr)
    elif kind == "O":
        missing = np.frompyfunc(_is_missing, 1, 1)(arr).astype(bool)
    else:
        return arr
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{name}[{i}] is missing ({arr[i]!r}); labels must not be NaN or None")
    return arr


def warn_if_continuous(levels: np.ndarray, n: int, name: str) -> None:
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

    Values of mixed types that do not compare (ints and strings in one object array) are ordered
    by type name, then value.
    """
    try:
        levels, codes = np.unique(arr, return_inverse=True)
    except TypeError:
        distinct = sorted(set(arr.tolist()), key=_type_then_value)
        levels = np.empty(len(distinct), dtype=object)
        levels[:] = distinct
        lookup = {value: code for code, value in enumerate(distinct)}
        codes = np.fromiter((lookup[value] for value in arr.tolist()), np.intp, arr.size)
    warn_if_continuous(levels, arr.size, name)
    return levels, codes.reshape(-1)


def check_same_length(arrays: list[np.ndarray], names: list[str]) -> int:
    """The common length of the label arrays."""
    n = arrays[0].shape[0]
    for arr, name in zip(arrays[1:], names[1:], strict=True):
        if arr.shape[0] != n:
            raise ValueError(
                f"{names[0]} and {name} must have the same length, got {n} and {arr.shape[0]}"
            )
    return int(n)


def adjust_for_chance(mi: float, emi: float, normalizer: float) -> float:
    """(mi - emi) / (normalizer - emi), both differences kept at least one eps from 0 with their
    sign (scikit-learn's ``adjusted_mutual_info_score`` convention for perfect matches)."""
    eps = float(np.finfo(np.float64).eps)
    denominator = normalizer - emi
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    numerator = mi - emi
    numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
    return numerator / denominator


def argmax_lowest(score: np.ndarray, mask: np.ndarray) -> int:
    """Index of the largest ``score`` where ``mask`` holds; scores within 1e-12 (relative to
    max(1, |best|)) of the best tie, and ties go to the lowest index.  The tolerance makes the
    kernels and the NumPy reference, whose sums round differently, pick the same columns."""
    masked = np.where(mask, score, -np.inf)
    best = float(masked.max())
    return int(np.flatnonzero(masked >= best - 1e-12 * max(1.0, abs(best)))[0])
