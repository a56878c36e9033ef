# SPDX-License-Identifier: BSD-3-Clause
"""Seeded, cached input data of fastent's benchmarks (the workloads of BENCHMARKS.md).

- W1, W2a, W2b (``p_rows``, ``q_rows``, ``w1``, ``w2a``, ``w2b``): rows of Dirichlet-like
  distributions (``Gamma(0.5)`` draws, each row normalised to sum to 1); ``P`` has about 10% exact
  zeros, ``Q`` none.  W2a (KL) and W2b (JS) use the same ``P`` and ``Q``.
- W3a, W3b, W4, W5 (``logits``, ``loss_labels``): ``3 * N(0, 1)`` logits, float32 or float64;
  int64 class labels (W4) and 0/1 labels (W5).
- W6, W9, AMI, high-cardinality MI (``w6``, ``w9``, ``many_labels``): int64 label arrays.
- W7, W8 (``w7``, ``w8``): a label matrix X (10 levels per column) and a class label y.

Every array is generated from a fixed seed the first time it is asked for and then cached, so
workloads that share data (W1-W2b, W3a-W4) share it: treat the returned arrays as read-only.
``clear()`` empties the caches (``compare.py`` calls it after each workload to free the memory).
The benchmark functions themselves (peers, targets) are in ``families/``.
"""

from __future__ import annotations

import functools
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "FULL_SHAPE",
    "LOGIT_SHAPE",
    "QUICK_LOGIT_SHAPE",
    "QUICK_SHAPE",
    "clear",
    "distributions",
    "logits",
    "loss_labels",
    "many_labels",
    "p_rows",
    "q_rows",
    "w1",
    "w2a",
    "w2b",
    "w6",
    "w7",
    "w8",
    "w9",
]

Array = npt.NDArray[np.floating]
Shape = tuple[int, int]

FULL_SHAPE: Final[Shape] = (2_000, 10_000)
QUICK_SHAPE: Final[Shape] = (200, 1_000)
LOGIT_SHAPE: Final[Shape] = (65_536, 1_000)  # W3-W5 logits
QUICK_LOGIT_SHAPE: Final[Shape] = (1_024, 1_000)
LOGIT_SEED: Final = 20_251_103
P_SEED: Final = 20_251_101
Q_SEED: Final = 20_251_102
P_ZERO_FRACTION: Final = 0.1
GAMMA_SHAPE: Final = 0.5


def distributions(
    rows: int,
    cols: int,
    *,
    seed: int,
    zero_fraction: float = 0.0,
    dtype: npt.DTypeLike = np.float64,
) -> Array:
    """``rows`` distributions over ``cols`` outcomes, C-contiguous, cached per argument set.

    About ``zero_fraction`` of the elements are exact zeros; the others are positive.
    """
    return _distributions(rows, cols, seed, zero_fraction, np.dtype(dtype).name)


@functools.cache
def _distributions(rows: int, cols: int, seed: int, zero_fraction: float, dtype: str) -> Array:
    rng = np.random.default_rng(seed)
    x = rng.gamma(GAMMA_SHAPE, size=(rows, cols))
    if zero_fraction > 0:
        x[rng.random((rows, cols)) < zero_fraction] = 0.0
    x /= x.sum(axis=1, keepdims=True)
    return x.astype(dtype, copy=False)


def p_rows(shape: Shape = FULL_SHAPE, dtype: npt.DTypeLike = np.float64) -> Array:
    """``P``: distributions with about 10% exact zeros."""
    return distributions(*shape, seed=P_SEED, zero_fraction=P_ZERO_FRACTION, dtype=dtype)


def q_rows(shape: Shape = FULL_SHAPE, dtype: npt.DTypeLike = np.float64) -> Array:
    """``Q``: distributions without zeros, independent of ``P``."""
    return distributions(*shape, seed=Q_SEED, dtype=dtype)


@functools.cache
def q_close_rows(shape: Shape = FULL_SHAPE) -> Array:
    """``Q`` close to ``P``: each element of ``P`` times ``1 + 0.1 U(-1, 1)``, plus a floor of
    1e-3 of a row's mean (``P``'s zeros), rows normalised: a model against its last checkpoint,
    one sample's histogram against another's (KL ~ 2e-3)."""
    p = p_rows(shape)
    rng = np.random.default_rng(Q_SEED + 1)
    q = p * (1.0 + 0.1 * rng.uniform(-1.0, 1.0, p.shape)) + 1e-3 / p.shape[1]
    q /= q.sum(axis=1, keepdims=True)
    return np.asarray(q, dtype=np.float64)


def w1(shape: Shape = FULL_SHAPE) -> Array:
    """W1 (entropy of rows): float64 ``P``."""
    return p_rows(shape)


def w2a(shape: Shape = FULL_SHAPE) -> tuple[Array, Array]:
    """W2a (KL(P‖Q) of rows): float64 ``P`` (W1's) and ``Q``."""
    return p_rows(shape), q_rows(shape)


def w2b(shape: Shape = FULL_SHAPE) -> tuple[Array, Array]:
    """W2b (JS divergence of rows): the same ``P`` and ``Q`` as W2a."""
    return w2a(shape)


def w2_close(shape: Shape = FULL_SHAPE) -> tuple[Array, Array]:
    """W2a-close, W2b-close (KL and JS of close distributions): W1's ``P`` and ``Q`` close to it,
    where the terms ``p log(p / q)`` change sign and their sums cancel to ~(p - q)^2."""
    return p_rows(shape), q_close_rows(shape)


@functools.cache
def _logits(rows: int, cols: int, dtype: str) -> Array:
    rng = np.random.default_rng(LOGIT_SEED)
    return (3.0 * rng.standard_normal((rows, cols))).astype(dtype)


def logits(shape: Shape = LOGIT_SHAPE, dtype: npt.DTypeLike = np.float64) -> Array:
    """W3a/W3b logits: ``3 * N(0, 1)`` rows, C-contiguous, cached per shape and dtype."""
    return _logits(*shape, np.dtype(dtype).name)


@functools.cache
def loss_labels(
    ce_shape: Shape, sig_shape: Shape
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """W4's int64 class labels (one per row of ``ce_shape`` logits) and W5's 0/1 float64 labels.

    Drawn in this order from one generator, so W4 and W5 see the same labels whichever is built.
    """
    rng = np.random.default_rng(LOGIT_SEED + 1)
    y = rng.integers(0, ce_shape[1], ce_shape[0])
    z = rng.integers(0, 2, sig_shape).astype(np.float64)
    return y, z


# ---- label workloads (W6-W9): integer samples -------------------------------------------------

LABEL_SEED: Final = 20_251_122


@functools.cache
def w6(n: int = 10_000_000) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """W6: two int64 label arrays, 16 x 16 levels, correlated (y = x + small noise, mod 16)."""
    rng = np.random.default_rng(LABEL_SEED)
    x = rng.integers(0, 16, n)
    return x, (x + rng.integers(0, 4, n)) % 16


@functools.cache
def w9(n: int = 10_000_000) -> tuple[npt.NDArray[np.int64], ...]:
    """W9: three int64 label arrays of 8 levels; y depends on x and z."""
    rng = np.random.default_rng(LABEL_SEED + 9)
    x, z = rng.integers(0, 8, (2, n))
    return x, (x + z + rng.integers(0, 3, n)) % 8, z


@functools.cache
def many_labels(n: int, levels: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Two labellings with ``levels`` labels per side (AMI / high-cardinality MI), y = x mostly."""
    rng = np.random.default_rng(LABEL_SEED + levels)
    x = rng.integers(0, levels, n)
    noise = rng.random(n) < 0.5
    return x, np.where(noise, rng.integers(0, levels, n), x)


@functools.cache
def w7(
    n: int = 1_000_000, p: int = 200, dtype: str = "int64", order: str = "C"
) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.int64]]:
    """W7: X with 10 levels per column (the first 20 columns related to y), y binary."""
    rng = np.random.default_rng(LABEL_SEED + 7)
    y = rng.integers(0, 2, n)
    X = rng.integers(0, 10, (n, p), dtype=np.int8)
    for j in range(min(20, p)):
        X[:, j] = (X[:, j] // 2 * 2 + y * (rng.random(n) < 0.3 + j / 40)) % 10
    return np.asarray(X.astype(dtype), order=order), y


@functools.cache
def w7_float(
    n: int = 2_000, p: int = 5_000
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """W7-float: continuous float64 columns, the first 20 shifted by y (binary), every seventh
    rounded to one decimal (ties: the tie-aware bins)."""
    rng = np.random.default_rng(LABEL_SEED + 70)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, p))
    X[:, :20] += 0.5 * y[:, None]
    X[:, ::7] = np.round(X[:, ::7], 1)
    return X, y


@functools.cache
def w8(n: int = 100_000, p: int = 200) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """W8: X int64 with 10 levels, y 3 classes; relevant, redundant (noisy copies) and noise
    columns, so that mRMR's choices differ from plain relevance."""
    rng = np.random.default_rng(LABEL_SEED + 8)
    y = rng.integers(0, 3, n)
    X = rng.integers(0, 10, (n, p))
    for j in range(0, min(40, p), 2):
        X[:, j] = (3 * y + rng.integers(0, 4 + j // 4, n)) % 10
        if j + 1 < p:
            X[:, j + 1] = np.where(rng.random(n) < 0.8, X[:, j], rng.integers(0, 10, n))
    return X, y


def clear() -> None:
    """Drop every cached array (the next call generates it again, identically)."""
    for cached in (_distributions, _logits, loss_labels, w6, w9, many_labels, w7, w7_float, w8):
        cached.cache_clear()


@functools.cache
def w11(
    n: int = 1_000_000, levels: int = 1_000
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.int64]]:
    """W11: one string column of ``levels`` distinct values (object array) related to y (5
    classes)."""
    rng = np.random.default_rng(LABEL_SEED + 11)
    names = np.array([f"level_{i:05d}" for i in range(levels)], dtype=object)
    index = rng.integers(0, levels, n)
    y = (index % 7 + rng.integers(0, 2, n)) % 5
    return names[index], y


@functools.cache
def w12(
    n: int = 100_000, p: int = 50
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """W12: X float64 (the first 10 columns carry the target), a class label and a continuous
    target."""
    rng = np.random.default_rng(LABEL_SEED + 12)
    X = rng.normal(size=(n, p))
    signal = X[:, : min(10, p)].sum(axis=1)
    labels = np.digitize(signal, np.quantile(signal, [1 / 3, 2 / 3]))
    target = signal + rng.normal(size=n)
    return X, labels, target
