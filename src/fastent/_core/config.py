# SPDX-License-Identifier: BSD-3-Clause
"""Build/runtime configuration: ``show_config()`` and the SIMD level the kernels use.

The level is chosen once at import: the best the CPU supports (baseline SSE2, AVX2+FMA, AVX-512),
or what the ``FASTENT_SIMD`` environment variable asks for (``baseline``, ``avx2``, ``avx512``;
a level the CPU lacks falls back to the best it has, with a warning).  ``set_simd_level`` switches
it at run time (tests and benchmarks use it to run every code path on one machine).
"""

from __future__ import annotations

import os
import platform
import sys
import warnings
from typing import Any

from .._kernels import counting, distributions, logits, runtime
from .._version import __version__

#: SIMD levels, lowest first (the kernels' codes are ``_kernels.runtime.LEVELS``).
LEVELS: tuple[str, ...] = tuple(runtime.LEVELS)
# every kernel module with a set_simd_level
_DISPATCHED = (runtime, distributions, logits, counting)
_level = 0


def supported_simd_levels() -> tuple[str, ...]:
    """The SIMD levels this CPU can run, lowest first."""
    return LEVELS[: int(runtime.CPU_LEVEL) + 1]


def simd_level() -> str:
    """The SIMD level the kernels use now."""
    return LEVELS[_level]


def set_simd_level(level: str) -> str:
    """Make every kernel use the code compiled for ``level``; returns the previous level.

    Raises ``ValueError`` for an unknown level or one the CPU cannot run.
    """
    global _level
    if level not in LEVELS:
        raise ValueError(f"unknown SIMD level {level!r}; expected one of {LEVELS}")
    index = LEVELS.index(level)
    if index > runtime.CPU_LEVEL:
        raise ValueError(
            f"this CPU cannot run SIMD level {level!r} (supported: {supported_simd_levels()})"
        )
    previous = LEVELS[_level]
    for module in _DISPATCHED:
        module.set_simd_level(runtime.LEVELS[level])
    _level = index
    return previous


def _select_from_environment() -> None:
    wanted = os.environ.get("FASTENT_SIMD", "").strip().lower()
    best = supported_simd_levels()[-1]
    if wanted and wanted not in LEVELS:
        warnings.warn(
            f"FASTENT_SIMD={wanted!r} is not one of {LEVELS}; using {best!r}",
            RuntimeWarning,
            stacklevel=3,
        )
        wanted = ""
    if wanted and LEVELS.index(wanted) > runtime.CPU_LEVEL:
        warnings.warn(
            f"FASTENT_SIMD={wanted!r} is not supported by this CPU; using {best!r}",
            RuntimeWarning,
            stacklevel=3,
        )
        wanted = ""
    set_simd_level(wanted or best)


def config() -> dict[str, Any]:
    """The facts ``show_config`` prints, as a dict."""
    import numpy as np

    return {
        "fastent": __version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "platform": f"{platform.system()} {platform.machine()}",
        "compiler": runtime.COMPILER,
        "openmp": bool(runtime.OPENMP),
        "threads": int(runtime.max_threads()),
        "simd_level": simd_level(),
        "simd_supported": ", ".join(supported_simd_levels()),
    }


def show_config() -> None:
    """Print fastent's version, build and runtime configuration.

    Shows the version, OpenMP (on/off) and the thread count ``n_jobs=None`` uses, the SIMD level
    in use and the levels the CPU supports, and the compiler the kernels were built with.

    Examples
    --------
    >>> import fastent
    >>> fastent.show_config()  # doctest: +ELLIPSIS
    fastent: ...
    """
    for key, value in config().items():
        print(f"{key}: {value}")


_select_from_environment()
