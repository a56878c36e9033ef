# SPDX-License-Identifier: BSD-3-Clause
# ruff: noqa: RUF001, RUF002  (the report is Markdown prose; its multiplication signs are meant)
"""W1 (entropy), W2a (KL(P‖Q)) and W2b (JS divergence) of rows of distributions (and W2a/W2b of
close distributions; W1 also of the columns of a float32 table).

The data is ``P`` (about 10% exact zeros) and ``Q`` (no zeros) of ``workloads.py``, 2,000 ×
10,000 float64 (200 × 1,000 with ``--quick``).  Peers: a lean NumPy expression, SciPy, torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import workloads
from harness import (
    DEFAULT_SIMD,
    PRIMARY,
    Array,
    Impl,
    Target,
    Workload,
    fastent_impl,
    fastent_label,
    versus_numpy,
    workload,
)

import fastent

try:
    from scipy import spatial, special, stats
except ImportError:
    spatial = special = stats = None

try:
    import torch
    import torch.nn.functional as torch_f
except ImportError:
    torch = None  # type: ignore[assignment]
else:
    torch.set_num_threads(1)


# Lean NumPy one-liners for rows that are already normalised (no validation, no copies beyond
# the temporaries): the fastest a NumPy user would write; fastent.reference also validates and
# normalises, so it is slower.  Targets are checked against both.
NUMPY_W1 = "NumPy expression `-(P * log(where(P > 0, P, 1))).sum(1)`"
NUMPY_W2A = "NumPy expression `(P * log(where(P > 0, P / Q, 1))).sum(1)`"
NUMPY_W2B = "NumPy expression, ratio form with `M = (P + Q) / 2`"
JS_DISTANCE = fastent_label(DEFAULT_SIMD, 1, "js_distance")
JENSENSHANNON = (
    "`scipy.spatial.distance.jensenshannon(P, Q, axis=1)` (ratio vs fastent `js_distance`)"
)


def _numpy_kl(p: Array, q: Array) -> Any:
    return (p * np.log(np.where(p > 0, p / q, 1.0))).sum(1)


def _numpy_js(p: Array, q: Array) -> Any:
    m = (p + q) / 2
    return (
        (p * np.log(np.where(p > 0, p / m, 1.0))) + q * np.log(np.where(q > 0, q / m, 1.0))
    ).sum(1) / 2


def _scipy_js(p: Array, q: Array) -> Any:
    m = (p + q) / 2
    return (special.rel_entr(p, m) + special.rel_entr(q, m)).sum(1) / 2


def _torch_js(tp: Any, tq: Any) -> Any:
    log_m = ((tp + tq) / 2).log()
    return (
        torch_f.kl_div(log_m, tp, reduction="none") + torch_f.kl_div(log_m, tq, reduction="none")
    ).sum(1) / 2


def _shape(quick: bool) -> workloads.Shape:
    return workloads.QUICK_SHAPE if quick else workloads.FULL_SHAPE


def _entropy(
    name: str, title: str, p: Array, axis: int, targets: tuple[Target, ...], **extra: Any
) -> Workload:
    """A workload of fastent.entropy along ``axis`` against NumPy, SciPy and torch there."""
    expression = f"NumPy expression `-(P * log(where(P > 0, P, 1))).sum({axis})`"
    peers = [Impl(expression, lambda: -(p * np.log(np.where(p > 0, p, 1.0))).sum(axis))]
    if special is not None:
        peers += [
            Impl(f"`scipy.special.entr(P).sum({axis})`", lambda: special.entr(p).sum(axis)),
            Impl(f"`scipy.stats.entropy(P, axis={axis})`", lambda: stats.entropy(p, axis=axis)),
        ]
    if torch is not None:  # tensors share the arrays' memory; made here, outside the timed calls
        tp = torch.from_numpy(p)
        peers.append(
            Impl(
                f"torch `special.entr(P).sum({axis})`, 1 thread",
                lambda: torch.special.entr(tp).sum(axis),
            )
        )
    options = () if axis == -1 or axis == p.ndim - 1 else (("axis", axis),)
    return Workload(
        name, title, fastent.entropy, (p,), tuple(peers), targets, options=options, **extra
    )


@workload("W1")
def w1(quick: bool) -> Workload:
    """Entropy of rows (float64 P)."""
    read = Target("≤ 2× read at 1 thread", PRIMARY, "read", 2, False)
    p = workloads.w1(_shape(quick))
    return _entropy("W1", "entropy of rows", p, 1, (*versus_numpy(8, NUMPY_W1), read))


@workload("W1-float32-axis0")
def w1_float32_axis0(quick: bool) -> Workload:
    """Entropy of the columns of a float32 table (axis=0, SciPy's default axis): W1's P
    transposed, C-ordered, so each distribution is a column."""
    p = np.ascontiguousarray(workloads.w1(_shape(quick)).T.astype(np.float32))
    read = Target("≤ 1.3× read at 1 thread", PRIMARY, "read", 1.3, False)
    data = "float32 distributions in columns, Gamma(0.5) normalised; ~10% exact zeros"
    return _entropy(
        "W1-float32-axis0",
        "entropy of columns, float32, axis=0",
        p,
        0,
        (read,),
        data=data,
        rtol=1e-5,
    )


def _kl_peers(p: Array, q: Array) -> tuple[Impl, ...]:
    """What a user could pick instead of fastent.kl_divergence: NumPy, SciPy, torch."""
    peers = [Impl(NUMPY_W2A, lambda: _numpy_kl(p, q))]
    if special is not None:
        peers += [
            Impl("`scipy.special.rel_entr(P, Q).sum(1)`", lambda: special.rel_entr(p, q).sum(1)),
            Impl("`scipy.stats.entropy(P, Q, axis=1)`", lambda: stats.entropy(p, q, axis=1)),
        ]
    if torch is not None:
        tp, tq = torch.from_numpy(p), torch.from_numpy(q)
        peers.append(
            Impl(
                "torch `kl_div(Q.log(), P, reduction='none').sum(1)`, 1 thread",
                lambda: torch_f.kl_div(tq.log(), tp, reduction="none").sum(1),
            )
        )
    return tuple(peers)


def _js_peers(p: Array, q: Array) -> tuple[Impl, ...]:
    """What a user could pick instead of fastent.js_divergence (and js_distance)."""
    peers = [Impl(NUMPY_W2B, lambda: _numpy_js(p, q))]
    if special is not None:
        peers += [
            Impl("scipy `(rel_entr(P, M) + rel_entr(Q, M)).sum(1) / 2`", lambda: _scipy_js(p, q)),
            Impl(
                JENSENSHANNON,
                lambda: spatial.distance.jensenshannon(p, q, axis=1),
                expected="sqrt",
                versus=JS_DISTANCE,
            ),
        ]
    if torch is not None:
        tp, tq = torch.from_numpy(p), torch.from_numpy(q)
        peers.append(
            Impl("torch `kl_div` form with `M.log()`, 1 thread", lambda: _torch_js(tp, tq))
        )
    return tuple(peers)


def _kl(name: str, title: str, p: Array, q: Array, targets: tuple[Target, ...]) -> Workload:
    return Workload(name, title, fastent.kl_divergence, (p, q), _kl_peers(p, q), targets)


def _js(name: str, title: str, p: Array, q: Array, targets: tuple[Target, ...]) -> Workload:
    """A JS workload; also fastent's js_distance (the row jensenshannon is compared with)."""
    js_distance = fastent_impl(JS_DISTANCE, fastent.js_distance, (p, q), expected="sqrt")
    return Workload(
        name,
        title,
        fastent.js_divergence,
        (p, q),
        _js_peers(p, q),
        targets,
        extra_fastent=(js_distance,),
    )


@workload("W2a")
def w2a(quick: bool) -> Workload:
    """KL(P‖Q) of rows (float64 P and Q)."""
    p, q = workloads.w2a(_shape(quick))  # P is W1's P
    return _kl("W2a", "KL(P‖Q) of rows", p, q, versus_numpy(5, NUMPY_W2A))


@workload("W2b")
def w2b(quick: bool) -> Workload:
    """JS divergence of rows (float64 P and Q); also fastent's js_distance vs jensenshannon."""
    p, q = workloads.w2b(_shape(quick))
    targets = (
        *versus_numpy(5, NUMPY_W2B),
        Target("≥ 30× `jensenshannon` at 1 thread", JENSENSHANNON, "ratio", 30),
    )
    return _js("W2b", "JS divergence of rows", p, q, targets)


@workload("W2a-close")
def w2a_close(quick: bool) -> Workload:
    """KL(P‖Q) of rows of close distributions (float64): the terms cancel to ~(p - q)^2."""
    p, q = workloads.w2_close(_shape(quick))
    return _kl("W2a-close", "KL(P‖Q) of rows, Q within 10% of P", p, q, ())


@workload("W2b-close")
def w2b_close(quick: bool) -> Workload:
    """JS divergence of rows of close distributions (float64)."""
    p, q = workloads.w2_close(_shape(quick))
    return _js("W2b-close", "JS divergence of rows, Q within 10% of P", p, q, ())
