# SPDX-License-Identifier: BSD-3-Clause
"""The contract every fuzzed call is held to: fastent gives what ``fastent.reference`` gives
(within the dtype's tolerance), or raises the same ``ValueError``/``TypeError``; any other
exception, a different answer, or a modified input is a ``ContractViolation``."""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np


class ContractViolation(AssertionError):
    """fastent broke its contract on a fuzzed call (the message says how and on what)."""


def _run(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The result, or the ValueError/TypeError class raised; other exceptions propagate."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        return type(exc)


def _copy(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value)
    return value


def _same_input(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        if before.dtype.kind in "fc":
            return np.array_equal(before, after, equal_nan=True)
        if before.dtype == object:  # the copy holds the same objects (NaN != NaN)
            return after.shape == before.shape and all(map(operator.is_, before.flat, after.flat))
        return before.dtype == after.dtype and bool(np.all(before == after))
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(map(_same_input, before, after))
    return True


def _tolerance(value: np.ndarray, float32_input: bool) -> tuple[float, float]:
    """float32 results to their precision; float64 results to 1e-9, or to the contract's 1e-6 of
    float32 input (reductions of float32 input may take their logs in float32)."""
    if value.dtype in (np.float32, np.float16):
        return 2e-5, 1e-6
    return (1e-6, 1e-12) if float32_input else (1e-9, 1e-12)


def _float32_input(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    values = [*args, *kwargs.values()]
    return any(
        isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.dtype.itemsize <= 4 for v in values
    )


def _close(
    got: Any,
    want: Any,
    where: str,
    normwise: bool = False,
    floor: float = 0.0,
    float32_input: bool = False,
) -> str | None:
    """Why ``got`` differs from ``want``, or None.  ``normwise``: the tolerance scales with the
    array's largest finite element, and at least with ``floor`` (gradients: an element is a
    small difference of large terms, as large as the labels' row sums)."""
    if isinstance(want, tuple) and hasattr(want, "_fields"):  # the reference's Selection
        return _close_selection(got, want, where)
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return f"{where}: {type(got).__name__} of {len(got)} vs {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            if (why := _close(g, w, f"{where}[{i}]", float32_input=float32_input)) is not None:
                return why
        return None
    g, w = np.asarray(got), np.asarray(want)
    if g.shape != w.shape:
        return f"{where}: shape {g.shape} vs the reference's {w.shape}"
    if g.dtype.kind in "fc" or w.dtype.kind in "fc":
        if g.dtype != w.dtype:
            return f"{where}: dtype {g.dtype} vs the reference's {w.dtype}"
        rtol, atol = _tolerance(w, float32_input)
        g64, w64 = g.astype(np.float64), w.astype(np.float64)
        same_special = (
            (np.isnan(g64) == np.isnan(w64))
            & (np.isinf(g64) == np.isinf(w64))
            & np.where(np.isinf(w64), g64 == w64, True)
        )
        scale = np.maximum(np.abs(w64), np.abs(g64))
        finite = np.isfinite(w64) & np.isfinite(g64)
        if normwise and finite.any():
            scale = np.full_like(scale, max(scale[finite].max(), floor))
        with np.errstate(invalid="ignore", over="ignore"):
            close = np.abs(g64 - w64) <= atol + rtol * np.where(finite, scale, 0.0)
        bad = ~np.where(finite, close, same_special)
        if bad.any():
            i = tuple(int(k) for k in np.argwhere(bad)[0]) if g.ndim else ()
            return f"{where}{list(i)}: {g64[i]!r} vs the reference's {w64[i]!r}"
        return None
    if not np.array_equal(g, w):
        return f"{where}: {g!r} vs the reference's {w!r}"
    return None


def _label_scale(labels: Any, axis: Any) -> float:
    """The largest row sum of |labels| (0 when it cannot be formed): the size of the terms whose
    difference a soft-label gradient is (softmax * sum(labels) - labels)."""
    try:
        z = np.abs(np.asarray(labels, dtype=np.float64))
        sums = np.sum(z, axis=axis) if z.ndim else z
        finite = sums[np.isfinite(sums)]
    except (TypeError, ValueError, np.exceptions.AxisError):
        return 0.0
    return float(finite.max()) if finite.size else 0.0


def _close_selection(got: Any, want: Any, where: str) -> str | None:
    """Greedy picks agree, but for ties: where the orders part, the two scores must tie."""
    if (why := _close(got.relevance, want.relevance, f"{where}.relevance")) is not None:
        return why
    gi, wi = np.asarray(got.indices), np.asarray(want.indices)
    differ = np.flatnonzero(gi != wi)
    stop = int(differ[0]) if differ.size else gi.size
    if stop < gi.size and abs(float(got.scores[stop]) - float(want.scores[stop])) > 1e-9 * max(
        1.0, abs(float(want.scores[stop]))
    ):
        return f"{where}.indices: {gi.tolist()} vs the reference's {wi.tolist()}"
    return _close(got.scores[:stop], want.scores[:stop], f"{where}.scores")


def check(
    name: str,
    fast: Callable[..., Any],
    reference: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    """Call both; raise ContractViolation if fastent does not keep its contract."""
    saved = _copy(args), {k: _copy(v) for k, v in kwargs.items()}
    call = f"{name}({', '.join(_short(a) for a in args)}, {kwargs})"
    try:
        got = _run(fast, args, kwargs)
    except Exception as exc:
        raise ContractViolation(f"{call} raised {type(exc).__name__}: {exc}") from exc
    if not _same_input(saved[0], args) or not all(
        _same_input(saved[1][k], kwargs[k]) for k in kwargs
    ):
        raise ContractViolation(f"{call} modified its input")
    want = _run(reference, _copy(saved[0]), dict(saved[1]))
    if isinstance(got, type) and isinstance(want, type):
        return  # both refuse the input (which error comes first may differ: either is the contract)
    if isinstance(got, type) or isinstance(want, type):
        if got is not want:
            shown = [r.__name__ if isinstance(r, type) else "a result" for r in (got, want)]
            raise ContractViolation(f"{call}: fastent gave {shown[0]}, the reference {shown[1]}")
        return
    if name == "js_distance":  # sqrt turns JS's absolute rounding (1.5 eps) into 1e-8: squares
        got, want = np.square(got), np.square(want)
    low = _float32_input(saved[0], saved[1])
    if kwargs.get("return_grad") and isinstance(want, tuple) and isinstance(got, tuple):
        floor = _label_scale(args[0], kwargs.get("axis", -1))
        why = _close(got[0], want[0], f"{name}[0]", float32_input=low) or _close(
            got[1], want[1], f"{name}[1]", True, floor, low
        )
    else:
        why = _close(got, want, name, float32_input=low)
    if why is not None:
        raise ContractViolation(f"{call}: {why}")


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        body = np.array2string(value.ravel()[:8], precision=4, threshold=8)
        order = "F" if value.flags.f_contiguous and not value.flags.c_contiguous else ""
        return (
            f"array({body}{'...' if value.size > 8 else ''}, {value.dtype}, {value.shape}{order})"
        )
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."
