# SPDX-License-Identifier: BSD-3-Clause
"""Argument checks and error messages: the one place every public function gets them from.

The kernels never raise for data problems: a kernel that checks its data returns a status (-1, or
the flat index of the first invalid element; ``_kernels/_math.h``), and :func:`raise_invalid`
turns it into a ``ValueError`` that names the argument, the position and the value.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

from .layout import as_float_array

__all__ = [
    "NOT_NAN",
    "PROBABILITY",
    "REDUCTIONS",
    "STRATEGIES",
    "Valid",
    "check_adjusted",
    "check_binning",
    "check_clip_eps",
    "check_distance_base",
    "check_k",
    "check_label_smoothing",
    "check_mean_denominator",
    "check_reduction",
    "class_labels",
    "index_str",
    "labels_like",
    "log_base",
    "loss_weights",
    "own_index",
    "raise_invalid",
]


def index_str(name: str, index: tuple[int | str, ...]) -> str:
    """``p[3, 17]`` for ``index_str("p", (3, 17))``; just ``p`` for a 0-d index."""
    return f"{name}[{', '.join(str(i) for i in index)}]" if index else name


# ---- kernel status -> ValueError -----------------------------------------------------------------


@dataclass(frozen=True)
class Valid:
    """What a valid element of an argument is (``accept``), and what the error says of one that is
    not: ``describe`` is formatted with ``value`` (a float) and ``name`` (the argument)."""

    accept: Callable[[float], bool]
    describe: str | Callable[[float], str]

    def problem(self, value: float, name: str) -> str:
        text = self.describe(value) if callable(self.describe) else self.describe
        return text.format(value=value, name=name)


def _probability_problem(value: float) -> str:
    what = "NaN" if math.isnan(value) else "infinite" if math.isinf(value) else "negative"
    return f"is {what} ({{value!r}}); expected probabilities >= 0"


#: An unnormalised probability: finite and >= 0.
PROBABILITY = Valid(lambda v: v >= 0 and math.isfinite(v), _probability_problem)
#: Any number but NaN (logits).
NOT_NAN = Valid(lambda v: not math.isnan(v), "is NaN")


def own_index(position: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index, in an argument of ``shape`` broadcast to the full shape, of ``position``."""
    tail = position[len(position) - len(shape) :] if shape else ()
    return tuple(0 if size == 1 else i for i, size in zip(tail, shape, strict=True))


def raise_invalid(
    position: tuple[int, ...],
    arguments: Sequence[tuple[str, np.ndarray, Valid]],
    whole: Callable[[], str] | None = None,
) -> NoReturn:
    """Raise the ``ValueError`` for the invalid element a kernel reported at ``position`` (in the
    broadcast shape of the arguments): the first argument whose element there is not valid, or,
    when each is, ``whole()`` (the slice is invalid as a whole, e.g. it sums to zero)."""
    for name, values, valid in arguments:
        index = own_index(position, values.shape)
        value = float(values[index])
        if not valid.accept(value):
            raise ValueError(f"{index_str(name, index)} {valid.problem(value, name)}")
    if whole is None:
        raise AssertionError(f"a kernel reported position {position}, where every value is valid")
    raise ValueError(whole())


# ---- units and common arguments ------------------------------------------------------------------


def log_base(base: float | None) -> float:
    """``log(base)``, the divisor that converts nats to ``base`` units (1.0 for ``None``)."""
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be a real number or None, got {type(base).__name__}")
    if isinstance(base, numbers.Integral):  # exact, also beyond the float range (10**400)
        if base <= 0 or base == 1:
            raise ValueError(f"base must be positive, finite and not 1, got {base!r}")
        return math.log(int(base))
    try:
        b = float(base)
    except OverflowError:
        b = math.inf
    if not (b > 0 and math.isfinite(b)) or b == 1:
        raise ValueError(f"base must be positive, finite and not 1, got {base!r}")
    return math.log(b)


def check_distance_base(base: float | None) -> None:
    """A square-root measure (``js_distance``) needs log(base) > 0."""
    if log_base(base) < 0:
        raise ValueError(f"base must be greater than 1 for a distance, got {base!r}")


# ---- losses -----------------------------------------------------------------------------------

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction: str) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return reduction


def check_mean_denominator(reduction: str, denominator: float) -> None:
    """``reduction="mean"`` needs a positive count (or total weight) to divide by, and one whose
    reciprocal (the gradient's scale) is a normal float64."""
    if reduction == "mean" and not denominator > 0:
        raise ValueError(
            "reduction='mean' over zero contributing elements (an empty batch, all labels "
            "ignored or a zero total weight)"
        )
    if reduction == "mean" and denominator < np.finfo(np.float64).tiny:
        raise ValueError(
            f"reduction='mean' with a total weight of {denominator:g}, below the smallest normal "
            "float64 (2.2e-308): the mean's scale 1 / total is not representable; scale the "
            "weights up"
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


def class_labels(
    labels: npt.ArrayLike, batch_shape: tuple[int, ...], n_classes: int, ignore_index: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(labels as int64 with -1 for ignored rows, mask of the contributing rows).

    Labels are compared with ``ignore_index`` and with the class range in their own dtype, so a
    label that does not fit int64 (uint64 above 2**63, a huge float) is out of range, never taken
    for ``ignore_index`` by a wrapping cast."""
    if ignore_index is not None and (
        isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral)
    ):
        raise TypeError(
            f"ignore_index must be an integer or None, got {type(ignore_index).__name__}"
        )
    raw = np.asarray(labels)
    if raw.dtype.kind not in "iuf":
        raise TypeError(f"labels must be integer class indices, got dtype {raw.dtype}")
    if raw.shape != batch_shape:
        hint = ""
        if raw.ndim > len(batch_shape):
            hint = (
                " (fastent takes (labels, logits); PyTorch's cross_entropy takes (input, target))"
            )
        raise ValueError(
            f"labels with shape {raw.shape} must have the logits' batch shape {batch_shape}{hint}"
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
    flat = raw.reshape(-1)
    keep = np.ones(flat.shape, bool) if ignore_index is None else flat != ignore_index
    bad = keep & ~((flat >= 0) & (flat < n_classes))
    if bad.any():
        where = np.unravel_index(int(np.flatnonzero(bad)[0]), batch_shape)
        value = raw[where]
        shown = int(value) if raw.dtype.kind in "iu" else float(value)
        raise ValueError(
            f"{index_str('labels', tuple(int(i) for i in where))} = {shown} is out of "
            f"range for {n_classes} classes"
        )
    codes = np.full(flat.shape, -1, dtype=np.int64)  # np.where(keep, flat, -1) wraps unsigned -1
    codes[keep] = flat[keep]  # in [0, n_classes): checked above
    return codes, keep


def check_label_smoothing(label_smoothing: float) -> float:
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def loss_weights(
    weights: npt.ArrayLike | None, name: str, sizes: tuple[int, ...], dtype: np.dtype[Any]
) -> np.ndarray | None:
    """Per-class weights (``weights``, ``pos_weight``) as a 1-D array in the logits' ``dtype``,
    of one of the allowed ``sizes`` (a scalar counts as size 1), finite and >= 0; or None."""
    if weights is None:
        return None
    given = as_float_array(weights, name)
    if given.ndim > 1 or given.size not in sizes:
        wanted = " or ".join(f"({n},)" for n in sizes)
        raise ValueError(f"{name} must have shape {wanted}, got {given.shape}")
    with np.errstate(over="ignore"):
        w = np.ascontiguousarray(given.reshape(-1), dtype=dtype)
    valid = np.isfinite(w) & (w >= 0)
    if not valid.all():
        i = int(np.argmin(valid))
        raise ValueError(
            f"{name}[{i}] is {float(given.reshape(-1)[i])!r}; expected a weight >= 0, finite in "
            f"{w.dtype}"
        )
    return w


def check_clip_eps(eps: float | None) -> float:
    """A probability clip ``eps`` in (0, 0.5), or 0.0 for None (no clipping)."""
    if eps is None:
        return 0.0
    if not 0.0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps!r}")
    return float(eps)


# ---- feature scoring -----------------------------------------------------------------------------

#: Binning strategies of continuous columns (``fastent.selection.discretize``).
STRATEGIES = ("quantile", "uniform")


def check_binning(n_bins: Any, strategy: str) -> None:
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral):
        raise TypeError(f"n_bins must be an integer, got {type(n_bins).__name__}")
    if not 2 <= int(n_bins) <= 65536:
        raise ValueError(f"n_bins must be in [2, 65536], got {n_bins}")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")


def check_adjusted(adjusted: Any, estimator: str) -> bool:
    """``adjusted`` checked: a bool, True only with the plug-in estimator (E[I] is the
    expectation of the plug-in mutual information)."""
    if not isinstance(adjusted, (bool, np.bool_)):
        raise TypeError(f"adjusted must be True or False, got {type(adjusted).__name__}")
    if adjusted and estimator != "plugin":
        raise ValueError(
            "adjusted=True subtracts the expected plug-in mutual information: it needs "
            f"estimator='plugin', got {estimator!r}"
        )
    return bool(adjusted)


def check_k(k: Any, p: int) -> int:
    """The number of features to select, 1 <= k <= p."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"k must be an integer, got {type(k).__name__}")
    picked = int(k)
    if not 1 <= picked <= p:
        raise ValueError(f"k must be in [1, n_features={p}], got {k}")
    return picked
