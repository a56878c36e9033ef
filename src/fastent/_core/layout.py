# SPDX-License-Identifier: BSD-3-Clause
"""Numeric input as the kernels take it: float arrays, and rows along the reduction axis."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from .memory import check_fits

__all__ = ["Rows", "as_float_array", "as_rows", "normalize_axis", "scalar_or_array", "to_array"]

_Scalar = TypeVar("_Scalar", bound=np.generic)


def _check_host_array(x: Any, name: str) -> None:
    """A ``TypeError`` for arrays NumPy must not silently copy or cannot read: a GPU array (move
    it to the CPU first) or a torch tensor that requires grad (detach it)."""
    library = type(x).__module__.partition(".")[0]
    if library == "torch":
        if getattr(x, "requires_grad", False):
            raise TypeError(
                f"{name} is a torch tensor that requires grad: pass {name}.detach() (fastent "
                "computes with NumPy, outside autograd)"
            )
        device = getattr(x, "device", None)
        if device is not None and device.type != "cpu":
            raise TypeError(f"{name} is a torch tensor on {device}: pass {name}.cpu()")
    elif library == "cupy":
        raise TypeError(f"{name} is a CuPy array on the GPU: pass {name}.get()")
    elif library in ("jax", "jaxlib") and hasattr(x, "devices"):
        platforms = {d.platform for d in x.devices()}
        if platforms - {"cpu"}:
            raise TypeError(
                f"{name} is a JAX array on {', '.join(sorted(platforms))}: move it to the CPU "
                "first (jax.device_get)"
            )


def to_array(x: Any, name: str) -> np.ndarray:
    """``np.asarray(x)`` (CPU torch/JAX arrays through their array interface); a ``ValueError``
    naming ``x`` when it cannot be one (ragged nesting), a ``TypeError`` for GPU arrays and
    tensors that require grad."""
    if not isinstance(x, np.ndarray):
        _check_host_array(x, name)
    try:
        return np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None


def as_float_array(x: Any, name: str) -> np.ndarray:
    """``x`` as a float32/float64 ndarray in native byte order (no copy when it already is one).

    float16 -> float32; bool, signed and unsigned integers -> float64; float32/float64 kept.
    Anything else (complex, strings, objects that are not numbers) is a ``TypeError``.
    """
    arr = to_array(x, name)
    kind = arr.dtype.kind
    if kind == "f" and arr.dtype.itemsize <= 2:
        target: np.dtype[Any] = np.dtype(np.float32)
    elif kind == "f" and arr.dtype.itemsize in (4, 8):
        target = arr.dtype.newbyteorder("=")
    elif kind in "biu" or (kind == "f" and arr.dtype.itemsize > 8):
        target = np.dtype(np.float64)
    elif kind == "O":
        if any(v is None for v in arr.flat):  # NumPy would read None as NaN
            raise TypeError(f"{name} has None where numbers are expected")
        try:
            return as_float_array(arr.astype(np.float64), name)
        except OverflowError:  # Python ints beyond the float range
            raise ValueError(f"{name} has a number too large for a float") from None
        except (TypeError, ValueError):
            raise TypeError(f"{name} has unsupported dtype object (non-numeric values)") from None
    else:
        raise TypeError(f"{name} has unsupported dtype {arr.dtype}; expected real numbers")
    return np.asarray(arr, dtype=target)


def normalize_axis(axis: Any, ndim: int) -> int | tuple[int, ...] | None:
    """Validate ``axis`` (an int, a tuple of ints or None) for ``ndim`` dimensions; negative
    values count from the end."""
    if axis is None:
        return None
    if isinstance(axis, tuple):
        axes = tuple(normalize_axis(a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"axis {axis} repeats an axis")
        return axes  # type: ignore[return-value]
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(
            f"axis must be an integer, a tuple of integers or None, got {type(axis).__name__}"
        )
    index = int(axis)
    if not -ndim <= index < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return index % ndim


def scalar_or_array(out: npt.NDArray[_Scalar]) -> _Scalar | npt.NDArray[_Scalar]:
    """A 0-d result as a NumPy scalar (``np.float64``, ``np.float32``), anything else as is."""
    return out.flat[0] if out.ndim == 0 else out


@dataclass(frozen=True)
class Rows:
    """Inputs laid out as C-contiguous rows over the reduced axes, for the row kernels: one row per
    index of the other axes, the reduced axes flattened (in C order) along the row.  With
    ``columns``, the rows are views whose transposes are C-contiguous (the column kernels')."""

    rows: list[tuple[np.ndarray, int]]  # per input: (rows of length m, row step: 1, 0 = broadcast)
    shape: tuple[int, ...]  # the broadcast shape of the inputs
    axis: int | tuple[int, ...] | None  # the normalised axis argument (for messages)
    axes: tuple[int, ...]  # the reduced axes, increasing (every axis for axis=None)
    m: int  # the row length
    out_shape: tuple[int, ...]  # the shape of a reduction's result (keepdims applied)
    columns: bool = False  # rows are views whose transposes (m, n_rows) are C-contiguous

    @property
    def n_rows(self) -> int:
        return math.prod(self.out_shape)

    def _order(self) -> tuple[int, ...]:
        """The axes in row layout order: the kept axes, then the reduced ones."""
        return tuple(d for d in range(len(self.shape)) if d not in self.axes) + self.axes

    def unrows(self, out: np.ndarray) -> np.ndarray:
        """Rows of a transform's output (n_rows, m) back in the inputs' shape and axis order."""
        order = self._order()
        moved = out.reshape(tuple(self.shape[d] for d in order))
        return np.transpose(moved, np.argsort(order))

    def position(self, flat: int) -> tuple[int, ...]:
        """The index in the broadcast shape of element ``flat`` of the (n_rows, m) layout."""
        order = self._order()
        moved = np.unravel_index(flat, tuple(self.shape[d] for d in order))
        index = [0] * len(self.shape)
        for d, i in zip(order, moved, strict=True):
            index[d] = int(i)
        return tuple(index)


def _one_row_step(
    a: np.ndarray, shape: tuple[int, ...], axes: tuple[int, ...]
) -> tuple[np.ndarray, int]:
    """``a`` (broadcastable to ``shape``) as C-contiguous rows over ``axes``, and the row step.

    A single row broadcast against a batch is passed once with step 0 instead of being repeated;
    otherwise at most one copy is made, and none when the layout already fits.
    """
    a = a.reshape((1,) * (len(shape) - a.ndim) + a.shape)
    kept = tuple(d for d in range(len(shape)) if d not in axes)
    m = math.prod(shape[d] for d in axes)
    if all(a.shape[d] == 1 for d in kept) and all(a.shape[d] == shape[d] for d in axes):
        return np.ascontiguousarray(np.transpose(a, kept + axes)).reshape(1, m), 0
    rows = np.transpose(np.broadcast_to(a, shape), kept + axes)
    n_rows = math.prod(shape[d] for d in kept)
    if not rows.flags.c_contiguous:
        check_fits(n_rows * m * a.itemsize, f"broadcasting to shape {shape}")
    return np.ascontiguousarray(rows).reshape(n_rows, m), 1


def _as_columns(
    arrays: list[np.ndarray], shape: tuple[int, ...], axes: tuple[int, ...]
) -> list[np.ndarray] | None:
    """The arrays as (m, n_rows) C-contiguous views, one column per row over ``axes``, when every
    array has the full shape and its reduced axes lead in memory (``axis=0`` of a C-ordered
    matrix, ``axis=1`` of a Fortran-ordered one), so the column kernels read it without a copy;
    else None."""
    kept = tuple(d for d in range(len(shape)) if d not in axes)
    m = math.prod(shape[d] for d in axes)
    columns = []
    for a in arrays:
        if a.shape != shape or np.transpose(a, kept + axes).flags.c_contiguous:
            return None
        cols = np.transpose(a, axes + kept)
        if not cols.flags.c_contiguous:
            return None
        columns.append(cols.reshape(m, -1))
    return columns


def as_rows(
    named: list[tuple[str, np.ndarray]], axis: Any, keepdims: bool, columns: bool = False
) -> Rows:
    """Broadcast the named arrays and lay them out as rows over ``axis`` (an int, a tuple of ints,
    or None: one row of all elements).  With ``columns``, inputs whose reduced axes lead in memory
    are laid out as columns instead (no copy; ``Rows.columns``).  Raises ``ValueError`` for shapes
    that do not broadcast, a scalar, a bad axis."""
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
    axes = tuple(range(len(shape))) if ax is None else (ax,) if isinstance(ax, int) else ax
    axes = tuple(sorted(axes))
    if keepdims:
        out_shape = tuple(1 if d in axes else n for d, n in enumerate(shape))
    else:
        out_shape = tuple(n for d, n in enumerate(shape) if d not in axes)
    m = math.prod(shape[d] for d in axes)
    typed = [np.asarray(a, dtype=dtype) for a in arrays]
    cols = _as_columns(typed, shape, axes) if columns and m < math.prod(shape) else None
    if cols is not None:
        return Rows([(c.T, 1) for c in cols], shape, ax, axes, m, out_shape, columns=True)
    rows = [_one_row_step(a, shape, axes) for a in typed]
    return Rows(rows, shape, ax, axes, m, out_shape)
