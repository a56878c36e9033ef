# SPDX-License-Identifier: BSD-3-Clause
"""Information measures of probability arrays: entropy, cross-entropy, KL and Jensen-Shannon.

SciPy-compatible semantics (``scipy.stats.entropy``, ``scipy.special.rel_entr``,
``scipy.spatial.distance.jensenshannon``), batched along ``axis``, with ``p`` and ``q`` broadcast
against each other.  Inputs are normalised along ``axis`` (like ``scipy.stats.entropy``) in the same
kernel pass that validates them and computes the measure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._core.checks import (
    PROBABILITY,
    Valid,
    check_distance_base,
    index_str,
    log_base,
    own_index,
    raise_invalid,
)
from ._core.layout import Rows, as_float_array, as_rows, scalar_or_array
from ._core.memory import allocate, check_fits
from ._core.threads import effective_n_threads
from ._kernels import distributions as _k

__all__ = [
    "NAN_POLICIES",
    "binary_entropy",
    "cross_entropy",
    "entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "self_information",
]

Result = np.float64 | npt.NDArray[np.float64]


#: What the probability measures do with invalid slices (SciPy's nan_policy, "raise" first).
NAN_POLICIES = ("raise", "propagate", "omit")


def _reduce(
    kind: str | None,
    p: npt.ArrayLike,
    q: npt.ArrayLike | None,
    base: float | None,
    axis: Any,
    keepdims: bool,
    n_jobs: int | None,
    nan_policy: str = "raise",
) -> np.ndarray:
    """Row measure ``kind`` (None: entropy; else a ``PAIR_KINDS`` name) in units of ``base``,
    shaped like the broadcast input without ``axis`` (0-d for one distribution)."""
    if nan_policy not in NAN_POLICIES:
        raise ValueError(f"nan_policy must be 'raise', 'propagate' or 'omit', got {nan_policy!r}")
    scale = log_base(base)
    named = [("p", as_float_array(p, "p"))]
    if kind is not None:
        named.append(("q", as_float_array(q, "q")))
    layout = as_rows(named, axis, keepdims, columns=nan_policy != "omit")
    if layout.m == 0:
        raise ValueError(_empty(layout, named))
    rows = [r for r, _ in layout.rows]
    steps = [step for _, step in layout.rows]
    nothing_left = None
    out = allocate((layout.n_rows,), np.float64, "the result")
    if nan_policy == "omit":  # drop the NaN positions (of p or q: paired) from every row
        check_fits(2 * layout.n_rows * layout.m * rows[0].itemsize, "nan_policy='omit' (a copy)")
        full = [np.broadcast_to(r, (layout.n_rows, layout.m)) for r in rows]
        nan = np.logical_or.reduce([np.isnan(r) for r in full])
        rows = [np.where(nan, 0.0, r).astype(r.dtype) for r in full]
        steps = [1] * len(rows)
        nothing_left = nan.all(axis=1)  # SciPy: a measure of no elements is an empty sum, 0
    threads = effective_n_threads(n_jobs, out.size * layout.m)
    code = None if kind is None else _k.PAIR_KINDS[kind]
    if layout.columns:  # the reduced axes lead in memory: the column kernels read them in place
        cols = [r.T for r in rows]
        if code is None:
            status = _k.entropy_cols(cols[0], out, threads)
        else:
            status = _k.pair_cols(code, cols[0], cols[1], out, threads)
    elif code is None:
        status = _k.entropy_rows(rows[0], out, threads)
    else:
        status = _k.pair_rows(code, rows[0], rows[1], steps[0], steps[1], out, threads)
    if status >= 0 and nan_policy == "raise":
        position = layout.position(status)
        raise_invalid(
            position,
            [(name, a, PROBABILITY) for name, a in named],
            lambda: _zero_sum(layout, named, position),
        )
    if status >= 0:  # propagate: the invalid rows get SciPy's values
        bad = np.flatnonzero(np.isnan(out))
        picked = [r[bad * step] for r, step in zip(rows, steps, strict=True)]
        out[bad] = _scipy_values(kind, *picked)
    if nothing_left is not None:
        out[nothing_left] = 0.0
    if scale != 1.0:
        out /= scale
    return out.reshape(layout.out_shape)


def _scipy_values(kind: str | None, p: np.ndarray, q: np.ndarray | None = None) -> np.ndarray:
    """SciPy's formulas over rows that fastent rejects (nan_policy="propagate"): each row divided
    by its sum (after its largest magnitude, so that the sum does not overflow), then ``entr``
    (entropy), ``rel_entr`` (KL), their sum (cross-entropy), or ``jensenshannon``'s sum of
    ``rel_entr`` against the mean, with their NaN/inf for negative, infinite, NaN and zero-sum
    rows."""

    def entr(x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, -x * np.log(np.where(x > 0, x, 1.0)), np.where(x == 0, 0.0, -np.inf))

    def rel_entr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        both = (x > 0) & (y > 0)
        ratio = np.log(np.where(both, x, 1.0) / np.where(both, y, 1.0))
        value = np.where(both, x * ratio, np.where((x == 0) & (y >= 0), 0.0, np.inf))
        return np.where(np.isnan(x) | np.isnan(y), np.nan, value)

    def normalised(x: np.ndarray) -> np.ndarray:  # scaled by the largest first: no overflow
        x = x.astype(np.float64)
        top = np.max(np.abs(x), axis=1, keepdims=True, initial=0.0)
        x = x / np.where((top > 0) & np.isfinite(top), top, 1.0)
        return np.asarray(x / x.sum(axis=1, keepdims=True))

    with np.errstate(all="ignore"):
        a = normalised(p)
        if kind is None:
            return np.asarray(np.where(np.isnan(a), np.nan, entr(a)).sum(axis=1))
        assert q is not None
        b = normalised(q)
        if kind == "kl_divergence":
            return np.asarray(rel_entr(a, b).sum(axis=1))
        if kind == "cross_entropy":
            return np.asarray((entr(a) + rel_entr(a, b)).sum(axis=1))
        m = (a + b) / 2
        return np.asarray((rel_entr(a, m) + rel_entr(b, m)).sum(axis=1) / 2)


def _own_axes(layout: Rows, a: np.ndarray) -> tuple[tuple[int, ...], np.ndarray]:
    """The reduced axes in ``a``'s own dimensions, and ``a`` (given leading unit dimensions when
    it is broadcast along a reduced axis it lacks)."""
    lead = len(layout.shape) - a.ndim
    own = tuple(d - lead for d in layout.axes)
    if any(d < 0 for d in own):
        return layout.axes, a.reshape((1,) * lead + a.shape)
    return own, a


def _axis_text(layout: Rows, own: tuple[int, ...]) -> str:
    """The axis of a message as the user gave it: None, an int, or a tuple."""
    if layout.axis is None:
        return "None"
    return str(own[0]) if isinstance(layout.axis, int) else str(own)


def _empty(layout: Rows, named: list[tuple[str, np.ndarray]]) -> str:
    """The message for inputs with no element along the reduced axes."""
    found = [
        (name, own)
        for name, own, a in ((name, *_own_axes(layout, a)) for name, a in named)
        if a.size == 0 and any(a.shape[d] == 0 for d in own)
    ]
    name, own = found[0] if found else (named[0][0], _own_axes(layout, named[0][1])[0])
    return f"{name} is empty along axis {_axis_text(layout, own)}; a distribution needs an element"


def _zero_sum(layout: Rows, named: list[tuple[str, np.ndarray]], position: tuple[int, ...]) -> str:
    """The message for the slice through ``position`` that sums to zero (p's first, then q's)."""
    for name, a in named:
        own, a = _own_axes(layout, a)
        index = own_index(position, a.shape)
        whole = tuple(slice(None) if d in own else i for d, i in enumerate(index))
        if not a[whole].sum() > 0:
            shown = tuple(":" if d in own else i for d, i in enumerate(index))
            return f"{index_str(name, shown)} sums to zero; expected a positive total"
    raise AssertionError(f"no slice through {position} sums to zero")


def entropy(
    p: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> Result:
    r"""Shannon entropy of the distributions along ``axis``.

    Parameters
    ----------
    p : array_like of shape (..., n_outcomes, ...)
        Non-negative weights; each slice along ``axis`` is normalised to sum to 1.
    base : float, optional
        Logarithm base of the result: None for nats (natural log), 2 for bits.
    axis : int, tuple of ints or None, default -1
        Axis (or axes) holding the outcomes; None treats the whole array as one distribution.
        SciPy's ``entropy`` and ``jensenshannon`` default to axis 0.
    keepdims : bool, default False
        Keep the reduced axis with length 1.
    n_jobs : int, optional
        Threads: None uses all OpenMP allows, 1 is serial, -1 all cores.
    nan_policy : {"raise", "propagate", "omit"}, default "raise"
        An invalid distribution (a NaN, negative or infinite element, a zero sum): ``"raise"`` a
        ``ValueError`` naming the first; ``"propagate"``: its slice gets SciPy's value (NaN for a
        NaN or a zero sum, the ``entr``/``rel_entr`` values otherwise) and the other slices their
        measure; ``"omit"``: NaN elements are left out (of p and q together), then as
        ``"propagate"`` (SciPy's ``nan_policy``; SciPy's default is ``"propagate"``).

    Returns
    -------
    numpy.float64 or ndarray of float64
        :math:`H(p)`; a scalar for a single distribution.

    Raises
    ------
    ValueError
        A negative, NaN or infinite element, an empty or all-zero distribution, or a bad ``base``.
    TypeError
        Non-numeric input.

    See Also
    --------
    scipy.stats.entropy : the same quantity (``qk=None``).

    Notes
    -----
    .. math:: H(p) = -\sum_i \hat p_i \log \hat p_i, \qquad \hat p = p / \textstyle\sum_i p_i

    with :math:`0 \log 0 = 0`.

    Examples
    --------
    >>> import fastent
    >>> float(fastent.entropy([0.5, 0.5], base=2))
    1.0
    >>> fastent.entropy([[1, 1, 1, 1], [3, 1, 0, 0]], base=2).round(6)
    array([2.      , 0.811278])
    """
    return scalar_or_array(_reduce(None, p, None, base, axis, keepdims, n_jobs, nan_policy))


def cross_entropy(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> Result:
    r"""Cross-entropy :math:`H(p, q) = -\sum_i \hat p_i \log \hat q_i` along ``axis``.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, broadcast against each other; each slice along ``axis`` is
        normalised to sum to 1.
    base, axis, keepdims, n_jobs, nan_policy
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64 or ndarray of float64
        :math:`H(p, q) = H(p) + D(p \| q)`; ``inf`` where :math:`q_i = 0 < p_i`.

    Raises
    ------
    ValueError
        Invalid elements or distributions in ``p`` or ``q`` (see :func:`entropy`), shapes that
        do not broadcast.

    Examples
    --------
    >>> import fastent
    >>> float(fastent.cross_entropy([1, 0], [0.5, 0.5], base=2))
    1.0
    """
    return scalar_or_array(_reduce("cross_entropy", p, q, base, axis, keepdims, n_jobs, nan_policy))


def kl_divergence(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> Result:
    r"""Kullback-Leibler divergence :math:`D(p \| q) = \sum_i \hat p_i \log(\hat p_i / \hat q_i)`.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, broadcast against each other; each slice along ``axis`` is
        normalised to sum to 1.
    base, axis, keepdims, n_jobs, nan_policy
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64 or ndarray of float64
        The divergence, ``inf`` where :math:`q_i = 0 < p_i`.  Non-negative up to rounding
        (an identical pair gives exactly 0).

    Raises
    ------
    ValueError
        Invalid elements or distributions in ``p`` or ``q``, shapes that do not broadcast.

    See Also
    --------
    scipy.stats.entropy : the same quantity with ``qk`` given.

    Examples
    --------
    >>> import fastent
    >>> round(float(fastent.kl_divergence([0.75, 0.25], [0.5, 0.5], base=2)), 6)
    0.188722
    """
    return scalar_or_array(_reduce("kl_divergence", p, q, base, axis, keepdims, n_jobs, nan_policy))


def js_divergence(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> Result:
    r"""Jensen-Shannon divergence :math:`\tfrac12 D(\hat p \| m) + \tfrac12 D(\hat q \| m)`,
    :math:`m = (\hat p + \hat q) / 2`.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, broadcast against each other; each slice along ``axis`` is
        normalised to sum to 1.
    base, axis, keepdims, n_jobs, nan_policy
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64 or ndarray of float64
        The divergence, in :math:`[0, \log 2]` (clipped at 0 against rounding).

    Raises
    ------
    ValueError
        Invalid elements or distributions in ``p`` or ``q``, shapes that do not broadcast.

    See Also
    --------
    js_distance : its square root, SciPy's ``jensenshannon``.

    Examples
    --------
    >>> import fastent
    >>> float(fastent.js_divergence([1, 0], [0, 1], base=2))
    1.0
    """
    return scalar_or_array(_reduce("js_divergence", p, q, base, axis, keepdims, n_jobs, nan_policy))


def js_distance(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    *,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = -1,
    keepdims: bool = False,
    n_jobs: int | None = None,
    nan_policy: str = "raise",
) -> Result:
    r"""Jensen-Shannon distance, :math:`\sqrt{\mathrm{JS}(p, q)}` (a metric).

    Equal to ``scipy.spatial.distance.jensenshannon(p, q, base, axis=axis, keepdims=keepdims)``.

    Parameters
    ----------
    p, q : array_like
        Non-negative weights, broadcast against each other; each slice along ``axis`` is
        normalised to sum to 1.
    base, axis, keepdims, n_jobs, nan_policy
        As in :func:`entropy`.

    Returns
    -------
    numpy.float64 or ndarray of float64
        The distance, in :math:`[0, \sqrt{\log 2}]`.

    Raises
    ------
    ValueError
        As :func:`js_divergence`, and a ``base`` below 1 (the square root would be imaginary).

    Examples
    --------
    >>> import fastent
    >>> float(fastent.js_distance([1, 0], [0, 1], base=2))
    1.0
    """
    check_distance_base(base)
    out = _reduce("js_divergence", p, q, base, axis, keepdims, n_jobs, nan_policy)
    return scalar_or_array(np.sqrt(out, out=out))


#: The argument of binary_entropy and self_information.
_UNIT_INTERVAL = Valid(
    lambda v: 0 <= v <= 1, "is not a probability ({value!r}); expected 0 <= {name} <= 1"
)


def _elementwise(kernel: object, p: npt.ArrayLike, base: float | None) -> Result:
    scale = log_base(base)
    x = as_float_array(p, "p")
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    status = kernel(flat, out)  # type: ignore[operator]
    if status >= 0:
        position = tuple(int(i) for i in np.unravel_index(status, x.shape))
        raise_invalid(position, [("p", x, _UNIT_INTERVAL)])
    if scale != 1.0:
        out /= scale
    return scalar_or_array(out.reshape(x.shape))


def binary_entropy(p: npt.ArrayLike, *, base: float | None = None) -> Result:
    r"""Binary entropy :math:`h(p) = -p \log p - (1 - p) \log(1 - p)`, element-wise.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1].
    base : float, optional
        Logarithm base: None for nats, 2 for bits.

    Returns
    -------
    numpy.float64 or ndarray
        Same shape as ``p``; float32 input gives float32, anything else float64.

    Raises
    ------
    ValueError
        An element outside [0, 1] or NaN.

    Examples
    --------
    >>> import fastent
    >>> fastent.binary_entropy([0.0, 0.5, 0.11], base=2).round(4)
    array([0.    , 1.    , 0.4999])
    """
    return _elementwise(_k.binary_entropy_map, p, base)


def self_information(p: npt.ArrayLike, *, base: float | None = None) -> Result:
    r"""Self-information (surprisal) :math:`-\log p`, element-wise.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1]; ``p = 0`` gives ``inf``.
    base : float, optional
        Logarithm base: None for nats, 2 for bits.

    Returns
    -------
    numpy.float64 or ndarray
        Same shape as ``p``; float32 input gives float32, anything else float64.

    Raises
    ------
    ValueError
        An element outside [0, 1] or NaN.

    Examples
    --------
    >>> import fastent
    >>> fastent.self_information([1.0, 0.5, 0.125], base=2)
    array([0., 1., 3.])
    """
    return _elementwise(_k.self_information_map, p, base)
