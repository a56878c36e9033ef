# SPDX-License-Identifier: BSD-3-Clause
"""Memory a request needs, checked against what the machine has before anything is allocated.

A request whose size comes from a product (a p x p matrix of p columns, a contingency table of
several label spaces, rows broadcast against rows) can ask for more memory than exists.  With
the kernel's overcommit, such an allocation may even succeed and the process be killed while it
fills the pages; ``allocate`` refuses it up front with a ``MemoryError`` that says what needed
how much.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any

import numpy as np

__all__ = ["allocate", "available_bytes", "check_fits"]


def _linux_available() -> int | None:
    """MemAvailable + SwapFree from /proc/meminfo (what can be used without killing anything)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            fields = dict(line.split(":", 1) for line in f)
        return sum(int(fields[k].split()[0]) * 1024 for k in ("MemAvailable", "SwapFree"))
    except (OSError, KeyError, ValueError):
        return None


def available_bytes() -> int | None:
    """Bytes of memory this process could still use, or None where that cannot be told."""
    if sys.platform.startswith("linux"):
        found = _linux_available()
        if found is not None:
            return found
    try:  # elsewhere (macOS, BSD): the physical memory, an upper bound
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


#: Requests below this size are not checked: asking the system (reading /proc/meminfo, ~60 us)
#: would cost more than the request, and if even that little memory is missing, NumPy's own
#: allocation raises MemoryError.
CHECK_FROM_BYTES = 1 << 20


def check_fits(nbytes: int, what: str) -> None:
    """Raise MemoryError if ``nbytes`` (from ``CHECK_FROM_BYTES`` up) is more than the memory
    available."""
    if nbytes < CHECK_FROM_BYTES:
        return
    available = available_bytes()
    if available is not None and nbytes > available:
        raise MemoryError(
            f"{what} needs {_size(nbytes)}; this machine has {_size(available)} of memory available"
        )


def allocate(shape: tuple[int, ...], dtype: Any, what: str, *, zero: bool = False) -> np.ndarray:
    """``np.empty`` (or ``np.zeros``) of ``shape``, after ``check_fits``."""
    dtype = np.dtype(dtype)
    check_fits(math.prod(shape) * dtype.itemsize, what)
    return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
