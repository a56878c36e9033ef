# SPDX-License-Identifier: BSD-3-Clause
"""``fastent bench`` (and ``fastent.bench()``): a quick table of fastent's speed against its NumPy
reference on this machine, in the spirit of ``bottleneck.bench()``.

One workload per family, a few seconds in all: every function is timed against
``fastent.reference`` in interleaved rounds, the median reported, and each result checked against
the reference's.  ``benchmarks/compare.py`` in the source tree is the full comparison (peers,
every SIMD level, the BENCHMARKS.md targets).
"""

from __future__ import annotations

import functools
import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from . import discrete, distributions, logits, reference, selection
from ._core import config
from .reference import discrete as ref_discrete
from .reference import selection as ref_selection

__all__ = ["Row", "bench", "measure"]

SEED = 20_261_129


@dataclass(frozen=True)
class Workload:
    """One row of the table: ``run(module, n_jobs)`` calls the function of ``module`` (fastent's
    or the reference's) on inputs built once."""

    name: str
    shape: str
    fastent: Callable[[int], Any]
    reference: Callable[[], Any]
    rtol: float = 1e-9


@dataclass(frozen=True)
class Row:
    """A measured row: median seconds of fastent and of the reference, and their agreement."""

    name: str
    shape: str
    fastent: float
    reference: float
    agrees: bool

    @property
    def speedup(self) -> float:
        return self.reference / self.fastent


def _workloads(quick: bool) -> list[Workload]:
    rng = np.random.default_rng(SEED)
    scale = 10 if quick else 1
    rows, cols = 500 // scale, 10_000 // scale
    p = rng.gamma(0.5, size=(rows, cols))
    q = rng.gamma(0.5, size=(rows, cols)) + 1e-3
    x = 3 * rng.standard_normal((8_192 // scale, 1_000))
    y = rng.integers(0, 1_000, x.shape[0])
    n = 1_000_000 // scale
    a = rng.integers(0, 16, n)
    b = (a + rng.integers(0, 4, n)) % 16
    c = rng.integers(0, 8, n)
    X = rng.integers(0, 10, (100_000 // scale, 50))
    t = (X[:, 0] + X[:, 1] + rng.integers(0, 3, X.shape[0])) % 3
    X8, t8 = X[: 20_000 // scale, :30], t[: 20_000 // scale]
    return [
        Workload(
            "entropy",
            f"{rows:,} x {cols:,} float64",
            lambda jobs: distributions.entropy(p, n_jobs=jobs),
            lambda: reference.entropy(p),
        ),
        Workload(
            "kl_divergence",
            f"{rows:,} x {cols:,} float64",
            lambda jobs: distributions.kl_divergence(p, q, n_jobs=jobs),
            lambda: reference.kl_divergence(p, q),
        ),
        Workload(
            "js_divergence",
            f"{rows:,} x {cols:,} float64",
            lambda jobs: distributions.js_divergence(p, q, n_jobs=jobs),
            lambda: reference.js_divergence(p, q),
        ),
        Workload(
            "logsumexp",
            f"{x.shape[0]:,} x {x.shape[1]:,} float64",
            lambda jobs: logits.logsumexp(x, n_jobs=jobs),
            lambda: reference.logsumexp(x),
        ),
        Workload(
            "log_softmax",
            f"{x.shape[0]:,} x {x.shape[1]:,} float64",
            lambda jobs: logits.log_softmax(x, n_jobs=jobs),
            lambda: reference.log_softmax(x),
        ),
        Workload(
            "sparse_softmax_cross_entropy_with_logits",
            f"{x.shape[0]:,} x {x.shape[1]:,}, mean",
            lambda jobs: logits.sparse_softmax_cross_entropy_with_logits(
                y, x, reduction="mean", n_jobs=jobs
            ),
            lambda: reference.sparse_softmax_cross_entropy_with_logits(y, x, reduction="mean"),
        ),
        Workload(
            "discrete.mutual_info",
            f"{n:,} int64 labels, 16 x 16",
            lambda jobs: discrete.mutual_info(a, b, n_jobs=jobs),
            lambda: ref_discrete.mutual_info(a, b),
        ),
        Workload(
            "discrete.conditional_mutual_info",
            f"{n:,} int64 labels, 16 x 16 x 8",
            lambda jobs: discrete.conditional_mutual_info(a, b, c, n_jobs=jobs),
            lambda: ref_discrete.conditional_mutual_info(a, b, c),
        ),
        Workload(
            "selection.mutual_info_scores",
            f"{X.shape[0]:,} x {X.shape[1]} int64",
            lambda jobs: selection.mutual_info_scores(X, t, n_jobs=jobs),
            lambda: ref_selection.mutual_info_scores(X, t),
        ),
        Workload(
            "selection.select_features",
            f"mRMR, 5 of {X8.shape[0]:,} x {X8.shape[1]} int64",
            lambda jobs: selection.select_features(X8, t8, 5, n_jobs=jobs).indices,
            lambda: ref_selection.select_features(X8, t8, 5).indices,
            rtol=0.0,
        ),
    ]


def _median_seconds(calls: Sequence[Callable[[], Any]], repeats: int) -> list[float]:
    """Median seconds of each call over ``repeats`` interleaved rounds (one call each)."""
    times: list[list[float]] = [[] for _ in calls]
    gc.collect()
    gc.disable()
    try:
        for r in range(repeats):
            for i in range(len(calls)):
                k = (r + i) % len(calls)  # rotate the starting call: drift spreads evenly
                start = time.perf_counter()
                calls[k]()
                times[k].append(time.perf_counter() - start)
    finally:
        gc.enable()
    return [statistics.median(t) for t in times]


def measure(quick: bool = False, n_jobs: int = 1, repeats: int | None = None) -> list[Row]:
    """Time every workload: fastent (``n_jobs`` threads) against the reference."""
    rounds = repeats if repeats is not None else 1 if quick else 3
    rows = []
    for w in _workloads(quick):
        got, expected = np.asarray(w.fastent(n_jobs)), np.asarray(w.reference())  # also warm-up
        agrees = bool(np.allclose(got, expected, rtol=w.rtol, atol=w.rtol * 1e-3))
        ours, theirs = _median_seconds([functools.partial(w.fastent, n_jobs), w.reference], rounds)
        rows.append(Row(w.name, w.shape, ours, theirs, agrees))
    return rows


def bench(
    *, quick: bool = False, n_jobs: int = 1, repeats: int | None = None, file: TextIO | None = None
) -> list[Row]:
    """Print fastent's speed against its NumPy reference on this machine.

    Parameters
    ----------
    quick : bool, default False
        Inputs 10x smaller and one round (a smoke test; the ratios then mean little).
    n_jobs : int, default 1
        fastent's threads (the reference is single-threaded NumPy).
    repeats : int, optional
        Interleaved rounds per workload (default 3; 1 with ``quick``).
    file : file-like, optional
        Where to print (default ``sys.stdout``).

    Returns
    -------
    list of Row
        The measured rows (median seconds of fastent and the reference, and whether they agree).

    Examples
    --------
    >>> import fastent
    >>> rows = fastent.bench(quick=True)  # doctest: +ELLIPSIS
    fastent ... bench: ...
    >>> all(row.agrees for row in rows)
    True
    """
    rows = measure(quick, n_jobs, repeats)
    facts = config.config()
    rounds = repeats if repeats is not None else 1 if quick else 3
    name = max(len("function"), *(len(row.name) for row in rows))
    shape = max(len("input"), *(len(row.shape) for row in rows))
    lines = [
        f"fastent {facts['fastent']} bench: median of {rounds} interleaved round(s), "
        f"{n_jobs} thread(s), SIMD {facts['simd_level']}, NumPy {facts['numpy']}",
        f"{'function':<{name}}  {'input':<{shape}}  {'fastent':>10}  {'reference':>10}  "
        f"{'speed-up':>8}",
    ]
    for row in rows:
        mark = "" if row.agrees else "  (results differ!)"
        lines.append(
            f"{row.name:<{name}}  {row.shape:<{shape}}  {row.fastent * 1e3:>7.2f} ms  "
            f"{row.reference * 1e3:>7.1f} ms  {row.speedup:>7.1f}x{mark}"
        )
    print("\n".join(lines), file=file)
    return rows
