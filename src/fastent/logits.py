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

import numpy as np
import numpy.typing as npt

from . import _validation as v
from ._kernels import logits as _k

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "sigmoid", "softmax"]

Result = np.floating | npt.NDArray[np.floating]


def logsumexp(
    x: npt.ArrayLike,
    *,
    axis: int | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
) -> Result:
    r"""Log of the sum of exponentials along ``axis``, without overflow or underflow.

    Parameters
    ----------
    x : array_like
        Logits (real numbers; +-inf and NaN allowed).
    axis : int or None, default -1
        Axis to reduce; None reduces over all elements.
    keepdims : bool, default False
        Keep the reduced axis with length 1.
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.

    Returns
    -------
    numpy scalar or ndarray
        :math:`\log \sum_i e^{x_i}`, float32 for float32 input, else float64; NaN where a slice
        has a NaN, +inf where it has a +inf, -inf for an empty or all -inf slice.

    See Also
    --------
    scipy.special.logsumexp : the same function (without ``b`` and ``return_sign``).

    Notes
    -----
    .. math:: \operatorname{lse}(x) = m + \operatorname{log1p}\Bigl(\sum_{x_i < m} e^{x_i - m}
              + (k - 1)\Bigr), \qquad m = \max_i x_i

    with :math:`k` the number of maxima, so remainders far below the maximum keep their digits.

    Examples
    --------
    >>> import fastent
    >>> float(fastent.logsumexp([1000.0, 1000.0]))  # log(2) + 1000, no overflow
    1000.6931471805599
    >>> float(fastent.logsumexp([0.0, -50.0]))
    1.9287498479639178e-22
    """
    a = v.as_float_array(x, "x")
    if a.ndim == 0 and axis is None:  # one logit: a single-element sum, as SciPy
        a = a.reshape(1)
    layout = v.as_rows([("x", a)], axis, keepdims)
    out = np.empty(layout.n_rows, dtype=a.dtype)
    if layout.m == 0:  # the sum of no exponentials is 0
        out.fill(-np.inf)
    else:
        threads = v.effective_n_threads(n_jobs, out.size * layout.m)
        _k.logsumexp_rows(layout.rows[0][0], out, threads)
    return v.scalar_or_array(out.reshape(layout.out_shape))


def _softmax(x: npt.ArrayLike, axis: int | None, log_out: bool, n_jobs: int | None) -> Result:
    a = v.as_float_array(x, "x")
    if a.ndim == 0 and axis is None:
        a = a.reshape(1)
        return _softmax(a, 0, log_out, n_jobs)[0]  # type: ignore[index, no-any-return]
    layout = v.as_rows([("x", a)], axis, False)
    out = np.empty((layout.n_rows, layout.m), dtype=a.dtype)
    if out.size:
        threads = v.effective_n_threads(n_jobs, out.size)
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
    a = v.as_float_array(x, "x")
    flat = np.ascontiguousarray(a).reshape(-1)
    out = np.empty_like(flat)
    if flat.size:
        _k.sigmoid_map(flat, out, log_out, v.effective_n_threads(n_jobs, flat.size))
    return v.scalar_or_array(out.reshape(a.shape))


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
