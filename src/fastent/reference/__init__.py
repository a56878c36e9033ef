# SPDX-License-Identifier: BSD-3-Clause
"""Plain NumPy definitions of fastent's public numeric functions: the math, stated plainly.

Same names, signatures and errors as the public functions, written for clarity rather than speed
with NumPy alone: the reference imports nothing from the rest of fastent (its input checks are its
own, ``_checks``), so it imports without the compiled kernels and cannot share a bug with the code
it checks.  The tests compare every kernel against these, and the benchmarks report every
kernel's speed as a ratio against them.

Examples
--------
>>> import numpy as np
>>> from fastent import reference
>>> float(reference.entropy(np.array([0.25, 0.25, 0.5]), base=2))
1.5
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _checks as c

__all__ = [
    "binary_cross_entropy",
    "binary_entropy",
    "cross_entropy",
    "entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "self_information",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits",
]


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log(y), with 0 * log(y) = 0 for any y (the 0 log 0 = 0 convention)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


Normalized = tuple[np.ndarray, np.ndarray]  # probabilities and their logarithms


def _normalized(
    given: dict[str, npt.ArrayLike], axis: Any, nan_policy: str = "raise"
) -> tuple[list[Normalized], Any]:
    """Float64 copies of the given arrays (p, or p and q), broadcast together, each summing to 1
    along axis: checked (nan_policy="raise"), or not, with NaN positions zeroed in all first
    ("omit").  Distributions of no elements are refused whatever the policy."""
    if nan_policy not in ("raise", "propagate", "omit"):
        raise ValueError(f"nan_policy must be 'raise', 'propagate' or 'omit', got {nan_policy!r}")
    named = {name: c.floats(a, name) for name, a in given.items()}
    try:
        shape = np.broadcast_shapes(*(a.shape for a in named.values()))
    except ValueError:
        shapes = " and ".join(f"{n} with shape {a.shape}" for n, a in named.items())
        raise ValueError(f"{shapes} cannot be broadcast together") from None
    if not shape:
        raise ValueError("p must be at least 1-D, got a scalar")
    ax = c.axis(axis, len(shape))
    reduced = tuple(range(len(shape))) if ax is None else ax if isinstance(ax, tuple) else (ax,)
    if any(shape[d] == 0 for d in reduced):
        raise ValueError(f"the distributions are empty along axis {axis}")
    full = []
    for name, a in named.items():  # checked as broadcast: no rows, nothing to check
        a = np.broadcast_to(a.reshape((1,) * (len(shape) - a.ndim) + a.shape), shape)
        if nan_policy == "raise":
            c.probabilities(a, name, ax)
        full.append(a.astype(np.float64))
    if nan_policy == "omit":
        nan = np.isnan(full[0]) | np.isnan(full[-1])
        full = [np.where(nan, 0.0, a) for a in full]
        # a slice of NaN only is left empty: its measure is an empty sum, 0 (SciPy); the same
        # one-hot row in p and q gives 0 for every measure
        one_hot = np.zeros(shape)
        first = tuple(0 if d in reduced else slice(None) for d in range(len(shape)))
        one_hot[first] = 1.0
        empty = nan.all(axis=reduced, keepdims=True)
        full = [np.where(empty, one_hot, a) for a in full]
    with np.errstate(invalid="ignore", divide="ignore"):
        # scaled by the largest element first, so that the sum cannot overflow; the logarithms
        # of positive values from the unscaled values, so that tiny probabilities do not underflow
        top = [np.max(np.abs(a), axis=ax, keepdims=True, initial=0.0) for a in full]
        top = [np.where((t > 0) & np.isfinite(t), t, 1.0) for t in top]
        total = [(a / t).sum(axis=ax, keepdims=True) for a, t in zip(full, top, strict=True)]
        probabilities = [a / t / s for a, t, s in zip(full, top, total, strict=True)]
        logs = [
            np.where((a > 0) & (s > 0), np.log(a) - np.log(t) - np.log(s), np.log(p))
            for a, t, s, p in zip(full, top, total, probabilities, strict=True)
        ]
    return list(zip(probabilities, logs, strict=True)), ax


def _entr(x: Normalized) -> np.ndarray:
    """SciPy's entr: -x log x, 0 at 0, -inf below 0, NaN for NaN."""
    p, log_p = x
    with np.errstate(invalid="ignore"):
        return np.where(p > 0, -p * log_p, np.where(p == 0, 0.0, np.where(p < 0, -np.inf, p)))


def _rel_entr(x: Normalized, y: Normalized) -> np.ndarray:
    """SciPy's rel_entr: x log(x / y) for x, y > 0; 0 for x = 0 <= y; NaN for NaN; else inf."""
    (p, log_p), (q, log_q) = x, y
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        positive_p, positive_q = log_p > -np.inf, log_q > -np.inf  # also when p, q underflow
        ratio = p / q  # exact 0 logarithm where p = q; the logarithms where it underflows
        normal = (np.abs(ratio) >= np.finfo(np.float64).tiny) & (np.abs(ratio) < np.inf)
        log_ratio = np.where(normal & (p > 0) & (q > 0), np.log(np.abs(ratio)), log_p - log_q)
        value = np.where(positive_p & positive_q, p * log_ratio, np.inf)
        value = np.where(~positive_p & (p == 0) & (q >= 0), 0.0, value)
        return np.where(np.isnan(p) | np.isnan(q), np.nan, value)


def _finish(total: np.ndarray, base: float | None) -> np.float64 | np.ndarray:
    total = total / c.nats(base)
    return total[()] if total.ndim == 0 else total


def entropy(
    p: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> np.float64 | np.ndarray:
    """H(p) = -sum p log p of the normalised distributions along ``axis``."""
    c.n_jobs(n_jobs)
    (pn,), ax = _normalized({"p": p}, axis, nan_policy)
    return _finish(_entr(pn).sum(axis=ax, keepdims=keepdims), base)


def cross_entropy(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> np.float64 | np.ndarray:
    """H(p, q) = -sum p log q (inf where q = 0 < p)."""
    c.n_jobs(n_jobs)
    (pn, qn), ax = _normalized({"p": p, "q": q}, axis, nan_policy)
    return _finish((_entr(pn) + _rel_entr(pn, qn)).sum(axis=ax, keepdims=keepdims), base)


def kl_divergence(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> np.float64 | np.ndarray:
    """D(p || q) = sum p log(p / q) (inf where q = 0 < p)."""
    c.n_jobs(n_jobs)
    (pn, qn), ax = _normalized({"p": p, "q": q}, axis, nan_policy)
    return _finish(_rel_entr(pn, qn).sum(axis=ax, keepdims=keepdims), base)


def js_divergence(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> np.float64 | np.ndarray:
    """JS(p, q) = D(p || m) / 2 + D(q || m) / 2 with m = (p + q) / 2, clipped at 0."""
    c.n_jobs(n_jobs)
    (pn, qn), ax = _normalized({"p": p, "q": q}, axis, nan_policy)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (pn[0] + qn[0]) / 2
        both = (pn[0] >= 0) & (qn[0] >= 0)  # else SciPy's value, from the mean itself
        m = (mean, np.where(both, np.logaddexp(pn[1], qn[1]) - np.log(2.0), np.log(mean)))
    js = (_rel_entr(pn, m) + _rel_entr(qn, m)).sum(axis=ax, keepdims=keepdims) / 2
    return _finish(js if nan_policy != "raise" else np.maximum(js, 0.0), base)


def js_distance(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> np.float64 | np.ndarray:
    """sqrt(JS(p, q)), SciPy's ``jensenshannon``."""
    if c.nats(base) < 0:
        raise ValueError(f"base must be greater than 1 for a distance, got {base!r}")
    js = js_divergence(
        p, q, base=base, axis=axis, keepdims=keepdims, n_jobs=n_jobs, nan_policy=nan_policy
    )
    with np.errstate(invalid="ignore"):
        return np.sqrt(js)


def _elementwise_input(p: npt.ArrayLike) -> np.ndarray:
    x = c.floats(p, "p")
    c.unit_interval(x, "p", "is not a probability")
    return x


def binary_entropy(p: npt.ArrayLike, *, base: float | None = None) -> np.float64 | np.ndarray:
    """h(p) = -p log p - (1 - p) log(1 - p), element-wise, in p's float dtype."""
    x = _elementwise_input(p)
    x64 = x.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -_xlogy(x64, x64) - np.where(x64 == 1, 0.0, (1 - x64) * np.log1p(-x64))
    return _finish(h, base).astype(x.dtype)[()]


def self_information(p: npt.ArrayLike, *, base: float | None = None) -> np.float64 | np.ndarray:
    """-log p, element-wise, in p's float dtype (inf at p = 0)."""
    x = _elementwise_input(p)
    with np.errstate(divide="ignore"):
        s = 0.0 - np.log(x.astype(np.float64))
    return _finish(s, base).astype(x.dtype)[()]


# ---- logits (SciPy's semantics: NaN propagates, +-inf as scipy.special) ----------------------


def _logits(x: npt.ArrayLike, axis: Any) -> tuple[np.ndarray, np.dtype[Any], Any]:
    """(x in float64, x's float dtype, normalised axis); a scalar with axis None is one logit."""
    a = c.floats(x, "x")
    if a.ndim == 0 and axis is None:
        a = a.reshape(1)
    if a.ndim == 0:
        raise ValueError("x must be at least 1-D, got a scalar")
    return a.astype(np.float64), a.dtype, c.axis(axis, a.ndim)


def logsumexp(
    x: npt.ArrayLike,
    *,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    b: npt.ArrayLike | None = None,
    return_sign: bool = False,
    n_jobs: int | None = None,
) -> Any:
    """m + log1p(sum of exp(x - m) over the non-maxima + ties - 1), m = max(x); with weights b,
    log |sum b exp(x)| (an element with b = 0 left out) and its sign."""
    c.n_jobs(n_jobs)
    if b is not None:
        return _weighted_logsumexp(x, b, axis, keepdims, return_sign)
    a, dtype, ax = _logits(x, axis)
    m = np.max(a, axis=ax, keepdims=True, initial=-np.inf)
    finite = np.isfinite(m)
    shift = np.where(finite, m, 0.0)
    with np.errstate(invalid="ignore"):
        t = a - shift
    is_max = t == 0
    rest = np.where(is_max, 0.0, np.exp(t)).sum(axis=ax, keepdims=True)
    ties = is_max.sum(axis=ax, keepdims=True) - 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(finite, shift + np.log1p(rest + ties), m)  # NaN, +inf, -inf: m itself
    if not keepdims:
        out = out.reshape(()) if ax is None else np.squeeze(out, axis=ax)
    if not return_sign:
        return _as_result(out, dtype)
    sign = np.where(out == -np.inf, 0.0, np.where(np.isnan(out), np.nan, 1.0))
    if a.size == 0:
        sign = np.full_like(sign, -1.0)  # SciPy's sign of an empty sum
    return _as_result(out, dtype), _as_result(sign, dtype)


def _weighted_logsumexp(
    x: npt.ArrayLike, b: npt.ArrayLike, axis: Any, keepdims: bool, return_sign: bool
) -> Any:
    """log |sum b exp(x)| and its sign, SciPy's way (shifted by the max), but for infinite terms
    (b = +-inf at x > -inf, or x = +inf): they decide alone, as in exact arithmetic."""
    a, w = c.floats(x, "x"), c.floats(b, "b")
    dtype = np.result_type(a, w)
    shape = np.broadcast_shapes(a.shape, w.shape)
    if not shape and axis is None:  # one logit
        shape = (1,)
    if not shape:
        raise ValueError("x must be at least 1-D, got a scalar")
    a64 = np.broadcast_to(a, shape).astype(np.float64)
    w64 = np.broadcast_to(w, shape).astype(np.float64)
    ax = c.axis(axis, len(shape))
    live = w64 != 0  # a zero weight leaves its element out
    nan_term = live & (np.isnan(a64) | np.isnan(w64) | (np.isinf(w64) & (a64 == -np.inf)))
    inf_term = live & ~nan_term & (np.isinf(w64) | (a64 == np.inf))
    finite_term = live & ~nan_term & ~inf_term
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        m = np.max(np.where(finite_term, a64, -np.inf), axis=ax, keepdims=True, initial=-np.inf)
        shift = np.where(np.isfinite(m), m, 0.0)
        terms = np.where(finite_term, w64 * np.exp(a64 - shift), 0.0)
        total = terms.sum(axis=ax, keepdims=True)
        out_ = shift + np.log(np.abs(total))
    sign = np.sign(total)
    plus = (inf_term & (w64 > 0)).any(axis=ax, keepdims=True)
    minus = (inf_term & (w64 < 0)).any(axis=ax, keepdims=True)
    out_ = np.where(plus | minus, np.inf, out_)
    sign = np.where(plus, 1.0, np.where(minus, -1.0, sign))
    undefined = nan_term.any(axis=ax, keepdims=True) | (plus & minus)
    out_, sign = np.where(undefined, np.nan, out_), np.where(undefined, np.nan, sign)
    if a64.size == 0:
        out_, sign = np.full_like(out_, -np.inf), np.full_like(sign, -1.0)
    if not keepdims:
        out_ = out_.reshape(()) if ax is None else np.squeeze(out_, axis=ax)
        sign = sign.reshape(()) if ax is None else np.squeeze(sign, axis=ax)
    if not return_sign:
        return _as_result(np.where(sign < 0, np.nan, out_), dtype)
    return _as_result(out_, dtype), _as_result(sign, dtype)


def _as_result(out: np.ndarray, dtype: np.dtype[Any]) -> np.floating | np.ndarray:
    """``out`` in the input's float dtype; a NumPy scalar for a 0-d result."""
    result = out.astype(dtype)
    return result[()] if result.ndim == 0 else result


def softmax(
    x: npt.ArrayLike, *, axis: int | None = -1, n_jobs: int | None = None
) -> np.floating | np.ndarray:
    """exp(x - max) / sum(exp(x - max)) (SciPy's formula)."""
    c.n_jobs(n_jobs)
    a, dtype, ax = _logits(x, axis)
    with np.errstate(invalid="ignore"):
        e = np.exp(a - np.max(a, axis=ax, keepdims=True, initial=-np.inf))
        out = e / e.sum(axis=ax, keepdims=True)
    return _as_result(out.reshape(np.shape(x)), dtype)


def log_softmax(
    x: npt.ArrayLike, *, axis: int | None = -1, n_jobs: int | None = None
) -> np.floating | np.ndarray:
    """(x - s) - log(sum(exp(x - s))), s = max(x) where finite, else 0 (SciPy's formula)."""
    c.n_jobs(n_jobs)
    a, dtype, ax = _logits(x, axis)
    m = np.max(a, axis=ax, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = a - shift
        out = t - np.log(np.exp(t).sum(axis=ax, keepdims=True))
    return _as_result(out.reshape(np.shape(x)), dtype)


def sigmoid(x: npt.ArrayLike, *, n_jobs: int | None = None) -> np.floating | np.ndarray:
    """1 / (1 + e) for x >= 0, e / (1 + e) for x < 0, e = exp(-|x|)."""
    c.n_jobs(n_jobs)
    a = c.floats(x, "x")
    e = np.exp(-np.abs(a.astype(np.float64)))
    return _as_result(np.where(a >= 0, 1 / (1 + e), e / (1 + e)), a.dtype)


def log_sigmoid(x: npt.ArrayLike, *, n_jobs: int | None = None) -> np.floating | np.ndarray:
    """min(x, 0) - log1p(exp(-|x|))."""
    c.n_jobs(n_jobs)
    a = c.floats(x, "x")
    x64 = a.astype(np.float64)
    return _as_result(np.minimum(x64, 0.0) - np.log1p(np.exp(-np.abs(x64))), a.dtype)


# ---- binary losses (PyTorch's numbers) ----------------------------------------------------------


def _reduce_loss(loss: np.ndarray, reduction: str, denominator: float | None = None) -> Any:
    """none: the losses; sum: their sum; mean: sum / denominator (default: their count)."""
    c.reduction(reduction)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    denominator = loss.size if denominator is None else denominator
    c.positive_denominator(denominator)
    return loss.sum() / denominator


def _binary_inputs(labels: npt.ArrayLike, values: npt.ArrayLike, name: str) -> tuple[Any, ...]:
    z, x = c.same_shape(labels, values, name)
    c.unit_interval(z, "labels", "is not in [0, 1]")
    return z.astype(np.float64), x.astype(np.float64), x.dtype


def sigmoid_cross_entropy_with_logits(
    labels: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    reduction: str = "none",
    pos_weight: npt.ArrayLike | None = None,
    return_grad: bool = False,
    n_jobs: int | None = None,
) -> Any:
    """-(p z log sigmoid(x) + (1 - z) log sigmoid(-x)) = p z softplus(-x) + (1 - z) softplus(x)
    (softplus(t) = log(1 + e^t), ``np.logaddexp(0, t)``); grad (1 - z) sigmoid(x) - p z sigmoid(-x).
    """
    c.n_jobs(n_jobs)
    z, x, dtype = _binary_inputs(labels, logits, "logits")
    if np.isnan(x).any():
        raise ValueError("logits contain NaN")
    pw = c.weights(pos_weight, "pos_weight", (1, x.shape[-1] if x.ndim else 1), dtype)
    p = 1.0 if pw is None else pw[0] if pw.size == 1 else pw
    pz = p * z
    with np.errstate(invalid="ignore"):  # 0 * inf at infinite logits: the limit is 0
        positive = np.where(pz == 0, 0.0, pz * np.logaddexp(0.0, -x))
        negative = np.where(z == 1, 0.0, (1 - z) * np.logaddexp(0.0, x))
    out = _reduce_loss(positive + negative, reduction)
    result = np.asarray(out).astype(dtype)[()]
    if not return_grad:
        return result
    grad = (1 - z) * sigmoid(x) - pz * sigmoid(-x)
    if reduction == "mean":
        grad = grad / x.size
    return result, np.asarray(grad, dtype=dtype)


def binary_cross_entropy(
    labels: npt.ArrayLike,
    probs: npt.ArrayLike,
    *,
    reduction: str = "none",
    eps: float | None = None,
) -> Any:
    """-(z log q + (1 - z) log(1 - q)), 0 log 0 = 0, q clipped to [eps, 1 - eps] if eps is given."""
    clip = c.clip(eps)
    z, q, dtype = _binary_inputs(labels, probs, "probs")
    c.unit_interval(q, "probs", "is not a probability")
    if clip:
        q = np.clip(q, clip, 1 - clip)
    with np.errstate(divide="ignore"):
        loss = -(_xlogy(z, q) + np.where(z < 1, (1 - z) * np.log1p(-q), 0.0))
    return np.asarray(_reduce_loss(loss, reduction)).astype(dtype)[()]


def _log_softmax_limits(x: np.ndarray, axis: int) -> np.ndarray:
    """log_softmax for the losses, with the limits at +-inf: the K entries at +inf share the
    mass (-log K each), the others get -inf; without +inf, the finite entries normalise among
    themselves and -inf entries (or a row of -inf only) get -inf."""
    plus = x == np.inf
    k = plus.sum(axis=axis, keepdims=True)
    finite = np.isfinite(x)
    m = np.max(np.where(finite, x, -np.inf), axis=axis, keepdims=True, initial=-np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        shifted = np.where(finite, x - np.where(np.isfinite(m), m, 0.0), -np.inf)
        at_max = shifted == 0  # the rest below the max added by log1p, so that it keeps its digits
        rest = np.where(at_max, 0.0, np.exp(shifted)).sum(axis=axis, keepdims=True)
        ties = at_max.sum(axis=axis, keepdims=True) - 1.0
        among_finite = shifted - np.log1p(rest + ties)
        return np.where(
            k > 0,
            np.where(plus, -np.log(np.maximum(k, 1)), -np.inf),
            np.where(finite, among_finite, -np.inf),
        )


def sparse_softmax_cross_entropy_with_logits(
    labels: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    reduction: str = "none",
    weights: npt.ArrayLike | None = None,
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    return_grad: bool = False,
    n_jobs: int | None = None,
) -> Any:
    """(1 - e) w_y (-ls_y) + e / C sum_c w_c (-ls_c), ls = log_softmax; mean divides by the sum
    of w_y over the rows that are not ignored (PyTorch's cross_entropy)."""
    c.n_jobs(n_jobs)
    c.reduction(reduction)
    e = c.smoothing(label_smoothing)
    a = c.floats(logits, "logits")
    if a.ndim == 0:
        raise ValueError("logits must be at least 1-D (classes on the last axis), got a scalar")
    C = a.shape[-1]
    y, keep = c.class_indices(labels, a.shape[:-1], C, ignore_index)
    x = a.astype(np.float64).reshape(math.prod(a.shape[:-1]), C)
    if np.isnan(x[np.reshape(keep, -1)]).any():  # ignored rows are not read (as PyTorch)
        raise ValueError("logits contain NaN")
    given = c.weights(weights, "weights", (C,), a.dtype)
    w = np.ones(C) if given is None else given
    if C == 0:  # no classes: every row is ignored (a kept row is out of range above)
        out = np.asarray(_reduce_loss(np.zeros(x.shape[0]), reduction, 0.0))
        result = out.reshape(a.shape[:-1] if reduction == "none" else ()).astype(a.dtype)[()]
        return (result, np.zeros(a.shape, a.dtype)) if return_grad else result
    ls = _log_softmax_limits(x, -1)
    yk = np.where(keep, y, 0)
    rows = np.arange(x.shape[0])
    wy = np.where(keep, w[yk], 0.0)
    coefficient = (1 - e) * wy  # 0 * inf = 0: a weight of 0 leaves a -inf log-probability out
    with np.errstate(invalid="ignore"):
        loss = np.where(coefficient == 0, 0.0, coefficient * -ls[rows, yk])
        if e > 0:
            loss = loss + np.where(keep, e / C * -np.where(w == 0, 0.0, w * ls).sum(axis=-1), 0.0)
    den = wy.sum()
    out = np.asarray(_reduce_loss(loss, reduction, den))
    result = out.reshape(a.shape[:-1] if reduction == "none" else ()).astype(a.dtype)[()]
    if not return_grad:
        return result
    p = np.exp(ls)
    onehot = np.zeros_like(p)
    onehot[rows, yk] = 1.0
    grad = (1 - e) * wy[:, None] * (p - onehot) + e / C * (p * w.sum() - w)
    grad[~keep] = 0.0
    if reduction == "mean":
        grad /= den
    return result, grad.reshape(a.shape).astype(a.dtype)


def softmax_cross_entropy_with_logits(
    labels: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    axis: int = -1,
    reduction: str = "none",
    return_grad: bool = False,
    n_jobs: int | None = None,
) -> Any:
    """sum_c t_c (-ls_c) with 0 (-inf) = 0; grad p T - t."""
    c.n_jobs(n_jobs)
    t, x = c.same_shape(labels, logits, "logits")
    if not (t >= 0).all() or np.isnan(x).any():
        raise ValueError("labels must be >= 0 and logits not NaN")
    ax = c.axis(axis, x.ndim)
    assert ax is not None
    t64 = t.astype(np.float64)
    with np.errstate(over="ignore"):
        if not np.isfinite(t64.sum(axis=ax)).all():
            raise ValueError("a labels row does not sum to a finite total")
    ls = _log_softmax_limits(x.astype(np.float64), ax)
    loss = -np.where(t64 == 0, 0.0, t64 * ls).sum(axis=ax)
    out = np.asarray(_reduce_loss(loss, reduction)).astype(x.dtype)[()]
    if not return_grad:
        return out
    grad = np.exp(ls) * t64.sum(axis=ax, keepdims=True) - t64
    if reduction == "mean":
        grad /= loss.size
    return out, grad.astype(x.dtype)
