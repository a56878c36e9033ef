# SPDX-License-Identifier: BSD-3-Clause
"""pytest-benchmark suite: entropy, KL and JS divergence of rows (the functions of W1, W2a, W2b).

fastent (1 thread, all threads) vs ``fastent.reference`` vs SciPy, float32 and float64, at the
two ``SIZES`` below.  Each benchmark group (``{func}-{dtype}-{size}``) puts the implementations
side by side; the speed-up is the reference's time / fastent's.  Inputs are the seeded, cached
``P`` (about 10% exact zeros) and ``Q`` (no zeros) of ``workloads.py``, built before timing.
The full comparison over every workload of BENCHMARKS.md, with all the peers and the targets, is
``compare.py``; this suite is a quick pytest view of the distribution functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import fastent
from fastent import reference

try:
    from scipy import spatial, stats
except ImportError:
    stats = None

Fn = Callable[..., Any]

SIZES = {"100x1000": (100, 1_000), "1000x10000": (1_000, 10_000)}
DTYPES = ("float32", "float64")
FUNCS = ("entropy", "kl_divergence", "js_divergence")
IMPLS = (
    "fastent",
    "fastent-all-threads",
    "reference",
    pytest.param("scipy", marks=pytest.mark.skipif(stats is None, reason="SciPy not installed")),
)


def _scipy(func: str) -> Fn:
    """SciPy's function for ``func`` over rows (``jensenshannon`` is the root of JS divergence)."""
    if func == "entropy":
        return lambda p: stats.entropy(p, axis=1)
    if func == "kl_divergence":
        return lambda p, q: stats.entropy(p, q, axis=1)
    return lambda p, q: spatial.distance.jensenshannon(p, q, axis=1) ** 2


def _implementation(impl: str, func: str) -> Fn:
    if impl == "fastent":
        return lambda *a: getattr(fastent, func)(*a, n_jobs=1)
    if impl == "fastent-all-threads":
        return lambda *a: getattr(fastent, func)(*a, n_jobs=-1)
    if impl == "reference":
        return getattr(reference, func)  # type: ignore[no-any-return]
    return _scipy(func)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("func", FUNCS)
def test_distribution_rows(
    benchmark: Any,
    distributions: Callable[[tuple[int, int], str], tuple[np.ndarray, np.ndarray]],
    func: str,
    impl: str,
    dtype: str,
    size: str,
) -> None:
    benchmark.group = f"{func}-{dtype}-{size}"
    p, q = distributions(SIZES[size], dtype)
    args = (p,) if func == "entropy" else (p, q)
    result = benchmark(_implementation(impl, func), *args)
    assert np.shape(result) == (p.shape[0],)
