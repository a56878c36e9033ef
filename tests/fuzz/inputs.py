# SPDX-License-Identifier: BSD-3-Clause
"""Fuzz bytes -> the inputs a user could pass: arrays of any kind and layout, argument values.

``Draw`` reads choices from the bytes (atheris's ``FuzzedDataProvider`` when it runs under
atheris, else ``Bytes`` below); every choice is from a palette that holds the values that break
code: zeros, subnormals, the largest floats, +-inf, NaN, int64/uint64 limits, wrong types.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


class Provider(Protocol):
    """The part of atheris's FuzzedDataProvider the draws use."""

    def ConsumeIntInRange(self, lo: int, hi: int) -> int: ...

    def ConsumeRegularFloat(self) -> float: ...

    def remaining_bytes(self) -> int: ...


class Bytes:
    """A FuzzedDataProvider stand-in reading plain bytes (runs without atheris)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def _take(self, n: int) -> int:
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return int.from_bytes(chunk.ljust(n, b"\0"), "little")

    def ConsumeIntInRange(self, lo: int, hi: int) -> int:
        span = hi - lo + 1
        return lo + self._take(max(1, (span.bit_length() + 7) // 8)) % span

    def ConsumeRegularFloat(self) -> float:
        value = float(np.frombuffer(self._take(8).to_bytes(8, "little"), dtype=np.float64)[0])
        return value if np.isfinite(value) else 0.5

    def remaining_bytes(self) -> int:
        return max(0, len(self.data) - self.at)


FLOATS = [
    0.0, 1.0, 0.5, 2.0, -1.0, -0.5, 1e-300, 5e-324, 2.2250738585072014e-308, 1e-8, 1e300,
    1.7976931348623157e308, -1e300, np.inf, -np.inf, np.nan, 3.0, 1 / 3, 1e15, 7.0, 0.25,
    -3.5, 100.0, -708.4, 800.0, 1e38, 3.4028235e38, 1e-45,
]  # fmt: skip
INTS = [0, 1, 2, 3, -1, 7, 255, 65535, 2**31 - 1, 2**32, -(2**31), 2**62, 2**63 - 1, -(2**63)]
STRINGS = ["a", "b", "", "é", "ab", "zz", "1"]
FLOAT_DTYPES = ["f8", "f4", "f2", ">f8", ">f4"]
INT_DTYPES = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", ">i8", ">u4", "?"]
OTHER_DTYPES = ["c16", "O", "U3", "M8[s]"]


class Draw:
    """Choices read from fuzz bytes."""

    def __init__(self, provider: Provider) -> None:
        self.p = provider

    def int(self, lo: int, hi: int) -> int:
        return self.p.ConsumeIntInRange(lo, hi) if self.p.remaining_bytes() else lo

    def bool(self) -> bool:
        return bool(self.int(0, 1))

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.int(0, len(options) - 1)]

    def shape(self, ndim: int | None = None, most: int = 7) -> tuple[int, ...]:
        n = self.int(0, 3) if ndim is None else ndim
        return tuple(
            self.int(0, most) if self.int(0, 9) == 0 else self.int(1, most) for _ in range(n)
        )

    def values(self, n: int, palette: Sequence[Any], random: bool = True) -> list[Any]:
        """n values: mostly from the palette, some random floats (when ``random``)."""
        out = []
        for _ in range(n):
            if random and self.int(0, 2) == 0:
                out.append(
                    abs(self.p.ConsumeRegularFloat()) % 10.0 if self.bool() else self.int(0, 9)
                )
            else:
                out.append(self.pick(palette))
        return out

    def layout(self, a: np.ndarray) -> np.ndarray:
        """``a`` as the same values in another memory layout (or as is)."""
        kind = self.int(0, 4)
        if kind == 1 and a.ndim >= 1:
            return np.asfortranarray(a)
        if kind == 2 and a.ndim >= 1:  # strided: every other element of a larger array
            wide = np.repeat(a, 2, axis=-1)
            return wide[..., ::2]
        if kind == 3 and a.ndim >= 2:  # transposed view of the transposed values
            return np.ascontiguousarray(np.swapaxes(a, 0, 1)).swapaxes(0, 1)
        return a

    def numbers(self, shape: tuple[int, ...], positive: bool = False) -> np.ndarray:
        """A numeric array of ``shape``: float or integer dtype, any byte order and layout."""
        n = int(np.prod(shape))
        if self.int(0, 5) == 0:  # integer or bool input (promoted by fastent)
            dtype = np.dtype(self.pick(INT_DTYPES))
            vals = list(self.values(n, INTS, random=False))
            info = np.iinfo(dtype) if dtype.kind in "iu" else None
            vals = [v if info is None else min(max(v, info.min), info.max) for v in vals]
            a = np.asarray(vals, dtype=dtype.newbyteorder("=")).astype(dtype)
        else:
            dtype = np.dtype(self.pick(FLOAT_DTYPES))
            vals = self.values(n, FLOATS)
            if positive:
                vals = [abs(v) if self.int(0, 7) else v for v in vals]
            with np.errstate(over="ignore"):
                a = np.asarray(vals, dtype=np.float64).astype(dtype)
        return self.layout(a.reshape(shape))

    def anything(self, shape: tuple[int, ...]) -> Any:
        """Mostly numbers; sometimes what a user might pass by mistake."""
        kind = self.int(0, 19)
        if kind == 0:
            return np.asarray(self.values(int(np.prod(shape)), STRINGS, random=False)).reshape(
                shape
            )
        if kind == 1:
            return np.ones(shape, dtype=self.pick(OTHER_DTYPES))
        if kind == 2:  # nested lists, sometimes ragged
            return [[1.0, 2.0], [3.0]] if self.bool() else self.numbers(shape).tolist()
        if kind == 3:
            return self.pick([None, "abc", 3, 0.5, [], [[]], (), 10**400, object()])
        return self.numbers(shape, positive=kind > 8)

    def labels(self, n: int) -> Any:
        """n class labels of any kind: ints of any width (in place or factorised), bools,
        floats, strings, objects, categoricals, with an occasional missing or infinite one."""
        kind = self.int(0, 7)
        if kind == 0:
            a = np.asarray(self.values(n, STRINGS, random=False))
        elif kind == 1:
            a = np.asarray(
                self.values(n, [0.0, 1.5, -2.0, 3.0, 1e300, np.nan, np.inf], random=False)
            )
        elif kind == 2:
            a = np.empty(n, dtype=object)
            a[:] = self.values(n, [1, "a", 2.5, (1, 2), frozenset({1}), None, True], random=False)
        elif kind == 3:
            a = np.asarray(self.values(n, [True, False], random=False))
        else:
            dtype = np.dtype(self.pick(INT_DTYPES))
            vals = self.values(n, INTS if self.bool() else [0, 1, 2, 3, 4], random=False)
            info = np.iinfo(dtype) if dtype.kind in "iu" else None
            vals = [v if info is None else min(max(v, info.min), info.max) for v in vals]
            a = np.asarray(vals, dtype=dtype.newbyteorder("=")).astype(dtype)
        return self.layout(a)

    def axis(self, ndim: int) -> Any:
        options: list[Any] = [None, -1, 0, 1, 2, ndim, -ndim - 1, (0, 1), (0, -1), (0, 0), 1.5, "0"]
        return self.pick(options if self.int(0, 3) == 0 else [-1, 0, None, -1])

    def base(self) -> Any:
        common: list[Any] = [None, 2, None, np.e]
        rare: list[Any] = [0.5, 10, 1, 0, -2, np.nan, np.inf, 10**400, "e", True, 1e-300]
        return self.pick(rare if self.int(0, 5) == 0 else common)

    def n_jobs(self) -> Any:
        rare: list[Any] = [0, -1000, 10**6, 2**40, 1.5, "2", True]
        return self.pick(rare if self.int(0, 7) == 0 else [None, 1, 2, -1])
