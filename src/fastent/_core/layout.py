# SPDX-License-Identifier: BSD-3-Clause
"""Numeric input as the kernels take it: float arrays, and rows along the reduction axis."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["Rows", "as_float_array", "as_rows", "normalize_axis", "scalar_or_array", "to_array"]

_Scalar = TypeVar("_Scalar", bound=np.generic)


def to_array(x: Any, name: str) -> np.ndarray:
    """``np.asarray(x)``; a ``ValueError`` naming ``x`` when it cannot be one (ragged nesting)."""
    try:
        return np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None


def as_float_array(x: npt.ArrayLike, name: str) -> np.ndarray:
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
        try:
            return as_float_array(arr.astype(np.float64), name)
        except OverflowError:  # Python ints beyond the float range
            raise ValueError(f"{name} has a number too large for a float") from None
        except (TypeError, ValueError):
            raise TypeError(f"{name} has unsupported dtype object (non-numeric values)") from None
    else:
        raise TypeError(f"{name} has unsupported dtype {arr.dtype}; expected real numbers")
    return np.asarray(arr, dtype=target)


def normalize_axis(axis: int | None, ndim: int) -> int | None:
    """Validate ``axis`` for ``ndim`` dimensions; negative values count from the end."""
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be an integer or None, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return int(axis) % ndim


def scalar_or_array(out: npt.NDArray[_Scalar]) -> _Scalar | npt.NDArray[_Scalar]:
    """A 0-d result as a NumPy scalar (``np.float64``, ``np.float32``), anything else as is."""
    return out.flat[0] if out.ndim == 0 else out


@dataclass(frozen=True)
class Rows:
    """Inputs laid out as C-contiguous rows along the reduction axis, for the row kernels."""

    rows: list[tuple[np.ndarray, int]]  # per input: (rows of length m, row step: 1, 0 = broadcast)
    shape: tuple[int, ...]  # the broadcast shape of the inputs
    axis: int | None  # the normalised axis; None: all elements form one row
    m: int  # the row length
    out_shape: tuple[int, ...]  # the shape of a reduction's result (keepdims applied)

    @property
    def n_rows(self) -> int:
        return int(np.prod(self.out_shape))

    def _moved(self) -> tuple[int, ...]:
        assert self.axis is not None
        return self.shape[: self.axis] + self.shape[self.axis + 1 :] + (self.m,)

    def unrows(self, out: np.ndarray) -> np.ndarray:
        """Rows of a transform's output (n_rows, m) back in the inputs' shape and axis order."""
        if self.axis is None:
            return out.reshape(self.shape)
        return np.moveaxis(out.reshape(self._moved()), -1, self.axis)

    def position(self, flat: int) -> tuple[int, ...]:
        """The index in the broadcast shape of element ``flat`` of the (n_rows, m) layout."""
        if self.axis is None:
            return tuple(int(i) for i in np.unravel_index(flat, self.shape))
        *outer, j = (int(i) for i in np.unravel_index(flat, self._moved()))
        return (*outer[: self.axis], j, *outer[self.axis :])


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
