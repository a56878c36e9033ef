# SPDX-License-Identifier: BSD-3-Clause
"""Functions of logits: logsumexp, softmax, log_softmax, sigmoid, log_sigmoid.

Pure math transforms with SciPy's semantics (``scipy.special.logsumexp``, ``softmax``,
``log_softmax``, ``expit``, ``log_expit``): NaN propagates and +-inf give SciPy's answers; float32
input gives float32 output, every other real input float64.  float64 results are within a few
ulp; float32 ones within 1e-6 relative (the float32 kernels take their exponentials in float32,
at twice the SIMD width, and sum in float64), or ~1e-7 * max|x| absolute where a result cancels
to near 0.  Stable for any finite logit: the max is shifted out before exponentiating, and the terms
below the max are added through ``log1p``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from ._core import checks
from ._core.checks import NOT_NAN, Valid, raise_invalid
from ._core.layout import as_float_array, as_rows, scalar_or_array
from ._core.memory import allocate
from ._core.threads import effective_n_threads
from ._kernels import logits as _k

__all__ = [
    "binary_cross_entropy",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits",
]

Result = np.floating | npt.NDArray[np.floating]


def logsumexp(
    x: npt.ArrayLike,
    *,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    b: npt.ArrayLike | None = None,
    return_sign: bool = False,
    n_jobs: int | None = None,
) -> Result | tuple[Result, Result]:
    r"""Log of the sum of exponentials along ``axis``, without overflow or underflow.

    Parameters
    ----------
    x : array_like
        Logits (real numbers; +-inf and NaN allowed).
    axis : int, tuple of ints or None, default -1
        Axis or axes to reduce; None reduces over all elements (SciPy's default).
    keepdims : bool, default False
        Keep the reduced axes with length 1.
    b : array_like, optional
        Weights of the exponentials, broadcast against ``x``, as SciPy's ``b``: the result is
        :math:`\log |\sum_i b_i e^{x_i}|`; weights may be negative (subtraction), and an element
        with weight 0 is left out whatever its ``x``.
    return_sign : bool, default False
        Also return the sign of the sum (+1, 0 or -1; NaN for a NaN).  Without it, a negative sum
        gives NaN.
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    numpy scalar or ndarray
        :math:`\log \sum_i e^{x_i}`, float32 for float32 input, else float64 (the promoted type
        of ``x`` and ``b``); NaN where a slice has a NaN, +inf where it has a +inf, -inf for an
        empty or all -inf slice.
    sign : numpy scalar or ndarray, optional
        With ``return_sign``: the sign of the sum (SciPy's values, also -1 for an empty slice).

    See Also
    --------
    scipy.special.logsumexp : the same function, with the same ``b`` and ``return_sign``.

    Notes
    -----
    .. math:: \operatorname{lse}(x) = m + \operatorname{log1p}\Bigl(\sum_{x_i < m} e^{x_i - m}
              + (k - 1)\Bigr), \qquad m = \max_i x_i

    with :math:`k` the number of maxima, so remainders far below the maximum keep their digits.
    With weights, SciPy's algorithm in double precision (a scalar kernel).

    Examples
    --------
    >>> import fastent
    >>> float(fastent.logsumexp([1000.0, 1000.0]))  # log(2) + 1000, no overflow
    1000.6931471805599
    >>> float(fastent.logsumexp([0.0, -50.0]))
    1.9287498479639178e-22
    >>> value, sign = fastent.logsumexp([1.0, 2.0], b=[1.0, -1.0], return_sign=True)
    >>> round(float(value), 6), float(sign)
    (1.541325, -1.0)
    """
    a = as_float_array(x, "x")
    if b is not None:
        return _weighted_logsumexp(a, as_float_array(b, "b"), axis, keepdims, return_sign, n_jobs)
    if a.ndim == 0 and axis is None:  # one logit: a single-element sum, as SciPy
        a = a.reshape(1)
    layout = as_rows([("x", a)], axis, keepdims)
    out = np.empty(layout.n_rows, dtype=a.dtype)
    threads = effective_n_threads(n_jobs, out.size * layout.m)
    if layout.m == 0:  # the sum of no exponentials is 0
        out.fill(-np.inf)
    else:
        _k.logsumexp_rows(layout.rows[0][0], out, threads)
    result = scalar_or_array(out.reshape(layout.out_shape))
    if not return_sign:
        return result
    # SciPy's signs without weights: 1, 0 for a sum of 0 (all -inf), NaN for NaN; -1 when empty
    sign = np.where(out == -np.inf, 0.0, np.where(np.isnan(out), np.nan, 1.0)).astype(a.dtype)
    if layout.m == 0:
        sign.fill(-1.0)
    return result, scalar_or_array(sign.reshape(layout.out_shape))


def _weighted_logsumexp(
    a: np.ndarray, w: np.ndarray, axis: Any, keepdims: bool, return_sign: bool, n_jobs: int | None
) -> Result | tuple[Result, Result]:
    """``logsumexp(x, b=w)``: SciPy's weighted, signed sum (``_k.logsumexp_weighted_rows``)."""
    if a.ndim == 0 and w.ndim == 0 and axis is None:
        a = a.reshape(1)
    layout = as_rows([("x", a), ("b", w)], axis, keepdims)
    (x_rows, x_step), (w_rows, w_step) = layout.rows
    out = allocate((layout.n_rows,), x_rows.dtype, "the result")
    sign = allocate((layout.n_rows,), x_rows.dtype, "the signs")
    threads = effective_n_threads(n_jobs, out.size * layout.m)
    if layout.m == 0:
        out.fill(-np.inf)
        sign.fill(-1.0)  # SciPy: the sign of -inf
    elif out.size:
        _k.logsumexp_weighted_rows(x_rows, x_step, w_rows, w_step, out, sign, threads)
    if not return_sign:
        out[sign < 0] = np.nan  # the log of a negative sum
        return scalar_or_array(out.reshape(layout.out_shape))
    return scalar_or_array(out.reshape(layout.out_shape)), scalar_or_array(
        sign.reshape(layout.out_shape)
    )


def _softmax(x: npt.ArrayLike, axis: int | None, log_out: bool, n_jobs: int | None) -> Result:
    a = as_float_array(x, "x")
    if a.ndim == 0 and axis is None:
        a = a.reshape(1)
        return _softmax(a, 0, log_out, n_jobs)[0]  # type: ignore[index, no-any-return]
    layout = as_rows([("x", a)], axis, False)
    out = np.empty((layout.n_rows, layout.m), dtype=a.dtype)
    threads = effective_n_threads(n_jobs, out.size)
    if out.size:
        _k.softmax_rows(layout.rows[0][0], out, log_out, threads)
    return layout.unrows(out)


def softmax(x: npt.ArrayLike, *, axis: int | None = -1, n_jobs: int | None = None) -> Result:
    r"""Softmax along ``axis``: :math:`e^{x_i} / \sum_j e^{x_j}`, computed stably.

    Parameters
    ----------
    x : array_like
        Logits.
    axis : int or None, default -1
        Axis of the classes; None normalises over all elements.
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    ndarray
        Same shape as ``x``, float32 for float32 input, else float64; slices sum to 1.  A slice
        with a NaN or +inf gives NaN, as in SciPy.

    See Also
    --------
    scipy.special.softmax, log_softmax

    Examples
    --------
    >>> import fastent
    >>> fastent.softmax([2.0, 3.0, 5.0, 6.0]).round(6)
    array([0.012755, 0.034671, 0.256187, 0.696387])
    """
    return _softmax(x, axis, False, n_jobs)


def log_softmax(x: npt.ArrayLike, *, axis: int | None = -1, n_jobs: int | None = None) -> Result:
    r"""Log-softmax along ``axis``: :math:`x_i - \operatorname{logsumexp}(x)`.

    Parameters
    ----------
    x, axis, n_jobs
        As in :func:`softmax`.

    Returns
    -------
    ndarray
        Same shape as ``x``, float32 for float32 input, else float64; exact for very negative
        log-probabilities (no ``log`` of an underflowed softmax).

    See Also
    --------
    scipy.special.log_softmax, softmax

    Examples
    --------
    >>> import fastent
    >>> fastent.log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    """
    return _softmax(x, axis, True, n_jobs)


def _sigmoid(x: npt.ArrayLike, log_out: bool, n_jobs: int | None) -> Result:
    a = as_float_array(x, "x")
    flat = np.ascontiguousarray(a).reshape(-1)
    out = np.empty_like(flat)
    threads = effective_n_threads(n_jobs, flat.size)
    if flat.size:
        _k.sigmoid_map(flat, out, log_out, threads)
    return scalar_or_array(out.reshape(a.shape))


def sigmoid(x: npt.ArrayLike, *, n_jobs: int | None = None) -> Result:
    r"""Logistic sigmoid :math:`1 / (1 + e^{-x})`, element-wise, stable for any ``x``.

    Parameters
    ----------
    x : array_like
        Logits.
    n_jobs : int, optional
        Threads for large arrays: None uses all OpenMP allows, 1 is serial.

    Returns
    -------
    numpy scalar or ndarray
        Same shape as ``x``, float32 for float32 input, else float64.

    See Also
    --------
    scipy.special.expit

    Examples
    --------
    >>> import fastent
    >>> fastent.sigmoid([2.0, 3.0, 5.0, 6.0]).round(6)
    array([0.880797, 0.952574, 0.993307, 0.997527])
    """
    return _sigmoid(x, False, n_jobs)


def log_sigmoid(x: npt.ArrayLike, *, n_jobs: int | None = None) -> Result:
    r"""Log of the sigmoid, :math:`\min(x, 0) - \operatorname{log1p}(e^{-|x|})`, element-wise.

    Parameters
    ----------
    x, n_jobs
        As in :func:`sigmoid`.

    Returns
    -------
    numpy scalar or ndarray
        Same shape as ``x``, float32 for float32 input, else float64; accurate also where the
        sigmoid rounds to 1 (``log_sigmoid(40)`` is -4.25e-18, not 0).

    See Also
    --------
    scipy.special.log_expit

    Examples
    --------
    >>> import fastent
    >>> float(fastent.log_sigmoid(40.0))
    -4.248354255291589e-18
    """
    return _sigmoid(x, True, n_jobs)


# ---- losses ------------------------------------------------------------------------------------


#: Valid elements of the losses' arguments (``checks.raise_invalid`` reports the others).
_BINARY_LABEL = Valid(lambda v: 0 <= v <= 1, "is not in [0, 1] ({value!r})")
_PROBABILITY = Valid(lambda v: 0 <= v <= 1, "is not a probability ({value!r})")
_TARGET = Valid(lambda v: v >= 0, "is not a valid target ({value!r}); expected finite values >= 0")


def _position(status: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(status, shape))


def sigmoid_cross_entropy_with_logits(
    labels: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    reduction: str = "none",
    pos_weight: npt.ArrayLike | None = None,
    return_grad: bool = False,
    n_jobs: int | None = None,
) -> Result | tuple[Result, npt.NDArray[np.floating]]:
    r"""Multi-label (element-wise) logistic loss from logits, stable for any logit.

    Parameters
    ----------
    labels : array_like
        Targets in [0, 1] (0/1 or soft), same shape as ``logits``.
    logits : array_like
        Logits; float32 gives float32 losses, anything else float64.
    reduction : {"none", "mean", "sum"}, default "none"
        Per-element losses, their mean or their sum.
    pos_weight : array_like, optional
        Weight of the positive term per class (last axis), as in PyTorch's
        ``binary_cross_entropy_with_logits``: a scalar or one per class, finite and >= 0.
    return_grad : bool, default False
        Also return d loss / d logits of the returned (reduced) loss, from the same pass.
    n_jobs : int, optional
        Threads for large inputs: None uses all OpenMP allows, 1 is serial.

    Returns
    -------
    loss : numpy scalar or ndarray
        Per element (``"none"``) or reduced.
    grad : ndarray, optional
        Same shape as ``logits`` (with ``return_grad=True``).

    Raises
    ------
    ValueError
        Labels outside [0, 1], NaN labels or logits, different shapes, a bad ``reduction`` or
        ``pos_weight``, ``reduction="mean"`` of an empty batch.

    Notes
    -----
    .. math:: \ell = (1 - z) x + (1 + (p - 1) z)\,\bigl(\operatorname{log1p}(e^{-|x|})
              + \max(-x, 0)\bigr)

    which is :math:`\max(x, 0) - x z + \operatorname{log1p}(e^{-|x|})` for :math:`p = 1`.

    Examples
    --------
    >>> import fastent
    >>> float(fastent.sigmoid_cross_entropy_with_logits(1.0, 37.0))
    8.533047625744066e-17
    """
    red = checks.check_reduction(reduction)
    z, x = checks.labels_like(labels, logits, "logits")
    C = x.shape[-1] if x.ndim else 1
    rows = x.size // C if C else 0
    w = checks.loss_weights(pos_weight, "pos_weight", (1, C), x.dtype)
    if w is not None:
        w = np.ascontiguousarray(np.broadcast_to(w, (C,)))
    checks.check_mean_denominator(red, x.size)
    loss = np.empty((rows, C), x.dtype) if red == "none" else None
    grad = np.empty((rows, C), x.dtype) if return_grad else None
    scale = 1.0 / x.size if red == "mean" else 1.0
    total = 0.0
    threads = effective_n_threads(n_jobs, x.size)
    if x.size:
        total, bad = _k.sigmoid_ce(
            z.reshape(rows, C), x.reshape(rows, C), w, loss, grad, scale, threads
        )
        if bad >= 0:
            raise_invalid(
                _position(bad, x.shape), [("labels", z, _BINARY_LABEL), ("logits", x, NOT_NAN)]
            )
    with np.errstate(over="ignore"):  # a float32 reduction beyond its range is inf
        out = (
            scalar_or_array(loss.reshape(x.shape))
            if loss is not None
            else x.dtype.type(total * scale)
        )
    return (out, grad.reshape(x.shape)) if grad is not None else out


def binary_cross_entropy(
    labels: npt.ArrayLike,
    probs: npt.ArrayLike,
    *,
    reduction: str = "none",
    eps: float | None = None,
) -> Result:
    r"""Binary cross-entropy from probabilities: :math:`-(z \log q + (1 - z) \log(1 - q))`.

    Prefer :func:`sigmoid_cross_entropy_with_logits` when logits are at hand: it is exact where
    the probability rounds to 0 or 1.

    Parameters
    ----------
    labels : array_like
        Targets in [0, 1], same shape as ``probs``.
    probs : array_like
        Predicted probabilities in [0, 1]; float32 gives float32 losses, anything else float64.
    reduction : {"none", "mean", "sum"}, default "none"
        Per-element losses, their mean or their sum.
    eps : float, optional
        Clip ``probs`` to ``[eps, 1 - eps]`` first (Keras style).  Without it a probability of 0
        or 1 that contradicts its label costs ``inf`` (PyTorch clamps the log at -100 instead).

    Returns
    -------
    numpy scalar or ndarray
        Per element (``"none"``) or reduced.

    Raises
    ------
    ValueError
        Labels or probabilities outside [0, 1] or NaN, different shapes, a bad ``reduction`` or
        ``eps``, ``reduction="mean"`` of an empty batch.

    Examples
    --------
    >>> import fastent
    >>> round(float(fastent.binary_cross_entropy([0.0, 1.0], [0.4, 0.6], reduction="mean")), 6)
    0.510826
    """
    red = checks.check_reduction(reduction)
    clip = checks.check_clip_eps(eps)
    z, q = checks.labels_like(labels, probs, "probs")
    checks.check_mean_denominator(red, q.size)
    loss = np.empty(q.size, q.dtype) if red == "none" else None
    total, bad = _k.binary_cross_entropy(z.reshape(-1), q.reshape(-1), clip, loss)
    if bad >= 0:
        raise_invalid(
            _position(bad, q.shape), [("labels", z, _BINARY_LABEL), ("probs", q, _PROBABILITY)]
        )
    if loss is not None:
        return scalar_or_array(loss.reshape(q.shape))
    with np.errstate(over="ignore"):  # a float32 reduction beyond its range is inf
        reduced: np.floating = q.dtype.type(total / q.size if red == "mean" else total)
    return reduced


def _ce_result(
    loss: np.ndarray, batch_shape: tuple[int, ...], reduction: str, denominator: float
) -> Result:
    if reduction == "none":
        return scalar_or_array(loss.reshape(batch_shape))
    total = float(np.sum(loss, dtype=np.float64))
    with np.errstate(over="ignore"):  # a float32 reduction beyond its range is inf
        reduced: np.floating = loss.dtype.type(
            total / denominator if reduction == "mean" else total
        )
    return reduced


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
) -> Result | tuple[Result, npt.NDArray[np.floating]]:
    r"""Softmax cross-entropy of integer class labels, :math:`\operatorname{logsumexp}(x) - x_y`.

    Same numbers as ``torch.nn.functional.cross_entropy`` with class-index targets.

    Parameters
    ----------
    labels : array_like of int, shape (...)
        Class index per row (integer dtype, or floats with integral values).
    logits : array_like, shape (..., n_classes)
        Logits with the classes on the last axis; float32 gives float32 losses.
    reduction : {"none", "mean", "sum"}, default "none"
        Per-row losses, their weighted mean (divided by the sum of ``weights[label]`` over the
        rows that are not ignored, as PyTorch) or their sum.
    weights : array_like of shape (n_classes,), optional
        Weight per class, finite and >= 0 (in the logits' float dtype).
    ignore_index : int, optional
        Rows with this label contribute 0 and leave the mean's denominator; their logits are
        not read (NaN there is no error, as in PyTorch).
    label_smoothing : float in [0, 1], default 0
        Mix the one-hot target with the uniform one, as PyTorch.
    return_grad : bool, default False
        Also return d loss / d logits of the returned loss, from the same pass.
    n_jobs : int, optional
        Threads over rows: None uses all OpenMP allows, 1 is serial.

    Returns
    -------
    loss : numpy scalar or ndarray of shape (...)
    grad : ndarray of the logits' shape, optional

    Raises
    ------
    ValueError
        Labels out of range or not integral, NaN logits, shapes that do not match, bad
        ``reduction``/``weights``/``label_smoothing``, and ``reduction="mean"`` with no
        contributing row (empty batch, all ignored, zero total weight).

    Examples
    --------
    >>> import fastent
    >>> round(float(fastent.sparse_softmax_cross_entropy_with_logits(3, [2.0, 3.0, 5.0, 6.0])), 6)
    0.361849
    """
    red = checks.check_reduction(reduction)
    eps = checks.check_label_smoothing(label_smoothing)
    x = as_float_array(logits, "logits")
    if x.ndim == 0:
        raise ValueError("logits must be at least 1-D (classes on the last axis), got a scalar")
    C = x.shape[-1]
    batch_shape = x.shape[:-1]
    y, keep = checks.class_labels(labels, batch_shape, C, ignore_index)
    rows = np.ascontiguousarray(x).reshape(math.prod(batch_shape), C)
    w = checks.loss_weights(weights, "weights", (C,), x.dtype)
    weight_sum = float(C) if w is None else float(w.sum(dtype=np.float64))
    denominator = float(keep.sum()) if w is None else float(w[y[keep]].sum(dtype=np.float64))
    checks.check_mean_denominator(red, denominator)
    if C == 0 and keep.any():
        raise ValueError("logits have no classes")
    loss = np.empty(rows.shape[0], x.dtype)
    grad = np.empty(rows.shape, x.dtype) if return_grad else None
    scale = 1.0 / denominator if red == "mean" else 1.0
    threads = effective_n_threads(n_jobs, rows.size)
    if rows.shape[0] and C == 0:  # every row ignored (checked above): nothing to add
        loss.fill(0.0)
    elif rows.shape[0]:
        status = _k.ce_rows(rows, y, None, w, weight_sum, eps, loss, grad, scale, threads)
        if status >= 0:
            raise_invalid(_position(status, x.shape), [("logits", x, NOT_NAN)])
    out = _ce_result(loss, batch_shape, red, denominator)
    return (out, grad.reshape(x.shape)) if grad is not None else out


def softmax_cross_entropy_with_logits(
    labels: npt.ArrayLike,
    logits: npt.ArrayLike,
    *,
    axis: int = -1,
    reduction: str = "none",
    return_grad: bool = False,
    n_jobs: int | None = None,
) -> Result | tuple[Result, npt.NDArray[np.floating]]:
    r"""Softmax cross-entropy of probability rows, :math:`-\sum_c t_c \log \mathrm{softmax}(x)_c`.

    Same numbers as ``torch.nn.functional.cross_entropy`` with probability targets and
    TensorFlow's ``softmax_cross_entropy_with_logits``; targets need not sum to 1.

    Parameters
    ----------
    labels : array_like
        Targets >= 0 (one-hot or soft), same shape as ``logits``.
    logits : array_like
        Logits; float32 gives float32 losses.
    axis : int, default -1
        The class axis.
    reduction : {"none", "mean", "sum"}, default "none"
        Per-row losses, their mean over rows, or their sum.
    return_grad : bool, default False
        Also return d loss / d logits of the returned loss, from the same pass.
    n_jobs : int, optional
        Threads over rows: None uses all OpenMP allows, 1 is serial.

    Returns
    -------
    loss : numpy scalar or ndarray (the batch shape)
    grad : ndarray of the logits' shape, optional

    Raises
    ------
    ValueError
        Negative or NaN targets, NaN logits, different shapes, a bad ``reduction``, and
        ``reduction="mean"`` of an empty batch.

    Examples
    --------
    >>> import fastent
    >>> loss = fastent.softmax_cross_entropy_with_logits([0, 0, 0, 1], [2.0, 3.0, 5.0, 6.0])
    >>> round(float(loss), 6)
    0.361849
    """
    red = checks.check_reduction(reduction)
    z, x = checks.labels_like(labels, logits, "logits")
    if x.ndim == 0:
        raise ValueError("logits must be at least 1-D, got a scalar")
    layout = as_rows([("labels", z), ("logits", x)], axis, False)
    (t_rows, _), (x_rows, _) = layout.rows
    n = layout.n_rows
    checks.check_mean_denominator(red, n)
    loss = np.empty(n, x.dtype)
    grad = np.empty((n, layout.m), x.dtype) if return_grad else None
    scale = 1.0 / n if red == "mean" else 1.0
    threads = effective_n_threads(n_jobs, n * layout.m)
    if n and layout.m:
        status = _k.ce_rows(x_rows, None, t_rows, None, 0.0, 0.0, loss, grad, scale, threads)
        if status >= 0:
            position = layout.position(status)
            batch = tuple(i for d, i in enumerate(position) if d not in layout.axes)
            raise_invalid(
                position,
                [("labels", z, _TARGET), ("logits", x, NOT_NAN)],
                lambda: f"labels row {batch} does not sum to a finite total",
            )
    elif n:
        loss.fill(0.0)
    out = _ce_result(loss, layout.out_shape, red, float(n))
    return (out, layout.unrows(grad)) if grad is not None else out
