# SPDX-License-Identifier: BSD-3-Clause
# ruff: noqa: RUF001, RUF002  (the report is Markdown prose; its multiplication signs are meant)
"""W3a (logsumexp), W3b (log_softmax), W4 and W5 (sparse softmax and sigmoid cross-entropy).

Each in float32 and float64 (``W3a-float32``, ``W3a-float64``, ...).  The data is the
``3 * N(0, 1)`` logits of ``workloads.py``: 65,536 × 1,000 for W3a, W3b and W4 (with int64 class
labels), 4,000,000 × 10 for W5 (with 0/1 labels); small shapes with ``--quick``.  Peers: a lean
NumPy expression, SciPy, scikit-learn's loss objects, torch.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import workloads
from harness import FASTENT_RTOL, Array, Impl, Target, Workload, versus_numpy, workload

import fastent

try:
    from scipy import special
except ImportError:
    special = None

try:
    from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss
except ImportError:
    HalfBinomialLoss = HalfMultinomialLoss = None

try:
    import torch
    import torch.nn.functional as torch_f
except ImportError:
    torch = None  # type: ignore[assignment]
else:
    torch.set_num_threads(1)

NUMPY_LSE = "NumPy expression `m + log(exp(X - m).sum(1))`"
NUMPY_LOG_SOFTMAX = "NumPy expression `t - log(exp(t).sum(1))`, `t = X - max`"
TORCH_LSE = "torch `logsumexp(X, 1)`, 1 thread"
TORCH_LOG_SOFTMAX = "torch `log_softmax(X, 1)`, 1 thread"
NUMPY_CE = "NumPy expression `(logsumexp(X) - X[i, y]).mean()`"
NUMPY_SIG = "NumPy expression `(max(x, 0) - x z + log1p(exp(-|x|))).mean()`"
TORCH_CE = "torch `cross_entropy(X, y)`, 1 thread"
TORCH_SIG = "torch `binary_cross_entropy_with_logits(x, z)`, 1 thread"
MEAN = (("reduction", "mean"),)


def _numpy_logsumexp(x: Array) -> Any:
    m = x.max(1, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(1, keepdims=True)))[:, 0]


def _numpy_log_softmax(x: Array) -> Any:
    t = x - x.max(1, keepdims=True)
    return t - np.log(np.exp(t).sum(1, keepdims=True))


def _numpy_sparse_ce(x: Array, y: Any) -> Any:
    m = x.max(1, keepdims=True)
    lse = (m + np.log(np.exp(x - m).sum(1, keepdims=True)))[:, 0]
    return (lse - x[np.arange(len(y)), y]).mean()


def _numpy_sigmoid_ce(z: Array, x: Array) -> Any:
    return (np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))).mean()


def _rtol(dtype: str) -> float:
    return 1e-5 if dtype == "float32" else FASTENT_RTOL


def _logit_shape(quick: bool) -> workloads.Shape:
    return workloads.QUICK_LOGIT_SHAPE if quick else workloads.LOGIT_SHAPE


def _sigmoid_shape(quick: bool) -> workloads.Shape:
    return (40_000, 10) if quick else (4_000_000, 10)


def _loss_labels(quick: bool) -> tuple[Any, Any]:
    """W4's int64 class labels and W5's 0/1 labels (float64)."""
    return workloads.loss_labels(_logit_shape(quick), _sigmoid_shape(quick))


# ---- W3a: logsumexp of rows -------------------------------------------------------------------


def _logsumexp(dtype: str, quick: bool) -> Workload:
    x = workloads.logits(_logit_shape(quick), dtype)
    peers = [Impl(NUMPY_LSE, functools.partial(_numpy_logsumexp, x))]
    if special is not None:
        peers.append(
            Impl("`scipy.special.logsumexp(X, axis=1)`", lambda: special.logsumexp(x, axis=1))
        )
    if torch is not None:
        t = torch.from_numpy(x)
        peers.append(Impl(TORCH_LSE, lambda: torch.logsumexp(t, 1)))
    return Workload(
        f"W3a-{dtype}",
        f"logsumexp of rows, {dtype}",
        fastent.logsumexp,
        (x,),
        tuple(peers),
        (*versus_numpy(3, NUMPY_LSE), Target("≥ 5× torch at 1 thread", TORCH_LSE, "ratio", 5)),
        data=f"{dtype} logits `3 * N(0, 1)`",
        rtol=_rtol(dtype),
    )


# ---- W3b: log_softmax of rows -----------------------------------------------------------------


def _log_softmax(dtype: str, quick: bool) -> Workload:
    x = workloads.logits(_logit_shape(quick), dtype)
    peers = [Impl(NUMPY_LOG_SOFTMAX, functools.partial(_numpy_log_softmax, x))]
    if special is not None:
        peers.append(
            Impl("`scipy.special.log_softmax(X, axis=1)`", lambda: special.log_softmax(x, axis=1))
        )
    if torch is not None:
        t = torch.from_numpy(x)
        peers.append(Impl(TORCH_LOG_SOFTMAX, lambda: torch.log_softmax(t, 1)))
    return Workload(
        f"W3b-{dtype}",
        f"log_softmax of rows, {dtype}",
        fastent.log_softmax,
        (x,),
        tuple(peers),
        (Target("≥ 2× torch at 1 thread", TORCH_LOG_SOFTMAX, "ratio", 2),),
        data=f"{dtype} logits `3 * N(0, 1)`",
        rtol=_rtol(dtype),
    )


# ---- W4: sparse softmax cross-entropy, mean ---------------------------------------------------


def _sparse_ce(dtype: str, quick: bool) -> Workload:
    shape = _logit_shape(quick)
    x = workloads.logits(shape, dtype)
    y, _ = _loss_labels(quick)
    peers = [Impl(NUMPY_CE, functools.partial(_numpy_sparse_ce, x, y))]
    if HalfMultinomialLoss is not None:
        multinomial, yf = HalfMultinomialLoss(n_classes=shape[1]), y.astype(dtype)
        peers.append(
            Impl(
                "sklearn `HalfMultinomialLoss().loss(y, X).mean()`, 1 thread",
                lambda: multinomial.loss(y_true=yf, raw_prediction=x).mean(),
            )
        )
    if torch is not None:
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        peers.append(Impl(TORCH_CE, lambda: torch_f.cross_entropy(tx, ty)))
    return Workload(
        f"W4-{dtype}",
        f"sparse softmax cross-entropy, mean, {dtype}",
        fastent.sparse_softmax_cross_entropy_with_logits,
        (y, x),
        tuple(peers),
        (*versus_numpy(3, NUMPY_CE), Target("≥ 4× torch at 1 thread", TORCH_CE, "ratio", 4)),
        data=f"{dtype} logits `3 * N(0, 1)`, int64 labels",
        rtol=_rtol(dtype),
        options=MEAN,
    )


# ---- W5: sigmoid cross-entropy with logits, mean ----------------------------------------------


def _sigmoid_ce(dtype: str, quick: bool) -> Workload:
    s = workloads.logits(_sigmoid_shape(quick), dtype)
    _, z64 = _loss_labels(quick)
    z = z64.astype(dtype)
    peers = [Impl(NUMPY_SIG, functools.partial(_numpy_sigmoid_ce, z, s))]
    if HalfBinomialLoss is not None:
        binomial, zf, flat = HalfBinomialLoss(), z.reshape(-1), s.reshape(-1)
        peers.append(
            Impl(
                "sklearn `HalfBinomialLoss().loss(z, x).mean()`, 1 thread",
                lambda: binomial.loss(y_true=zf, raw_prediction=flat).mean(),
            )
        )
    if torch is not None:
        ts, tz = torch.from_numpy(s), torch.from_numpy(z)
        peers.append(Impl(TORCH_SIG, lambda: torch_f.binary_cross_entropy_with_logits(ts, tz)))
    return Workload(
        f"W5-{dtype}",
        f"sigmoid cross-entropy with logits, mean, {dtype}",
        fastent.sigmoid_cross_entropy_with_logits,
        (z, s),
        tuple(peers),
        (Target("≥ 5× torch at 1 thread", TORCH_SIG, "ratio", 5),),
        data=f"{dtype} logits `3 * N(0, 1)`, 0/1 labels",
        rtol=_rtol(dtype),
        options=MEAN,
    )


# ---- the registered workloads, in report order ------------------------------------------------


@workload("W3a-float32")
def w3a_float32(quick: bool) -> Workload:
    """logsumexp of rows, float32."""
    return _logsumexp("float32", quick)


@workload("W3b-float32")
def w3b_float32(quick: bool) -> Workload:
    """log_softmax of rows, float32."""
    return _log_softmax("float32", quick)


@workload("W3a-float64")
def w3a_float64(quick: bool) -> Workload:
    """logsumexp of rows, float64."""
    return _logsumexp("float64", quick)


@workload("W3b-float64")
def w3b_float64(quick: bool) -> Workload:
    """log_softmax of rows, float64."""
    return _log_softmax("float64", quick)


@workload("W4-float32")
def w4_float32(quick: bool) -> Workload:
    """Sparse softmax cross-entropy (int64 labels), mean, float32."""
    return _sparse_ce("float32", quick)


@workload("W5-float32")
def w5_float32(quick: bool) -> Workload:
    """Sigmoid cross-entropy with logits (0/1 labels), mean, float32."""
    return _sigmoid_ce("float32", quick)


@workload("W4-float64")
def w4_float64(quick: bool) -> Workload:
    """Sparse softmax cross-entropy (int64 labels), mean, float64."""
    return _sparse_ce("float64", quick)


@workload("W5-float64")
def w5_float64(quick: bool) -> Workload:
    """Sigmoid cross-entropy with logits (0/1 labels), mean, float64."""
    return _sigmoid_ce("float64", quick)
