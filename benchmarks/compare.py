# SPDX-License-Identifier: BSD-3-Clause
# ruff: noqa: RUF001  (the report is Markdown prose; its multiplication signs are meant)
"""Time fastent against its NumPy reference and the installed peers on workloads W1, W2a, W2b.

    python benchmarks/compare.py [--quick] [--repeats N] [--output FILE]

All implementations of a workload are timed in this one process, interleaved (one call of each
per round, the starting row rotated every round), and the median over the rounds is reported.
fastent runs at 1 thread at every SIMD level the CPU supports, and at all threads at the default
level.  A first, untimed round checks every fastent row against ``fastent.reference`` (rtol 1e-10)
and records how far every other row is from it.  The Markdown report goes to stdout (and to
``--output``); progress goes to stderr.  Targets are from /work/shared/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import workloads

import fastent
from fastent import discrete, reference, selection
from fastent._core import config as _config
from fastent.reference import discrete as ref_discrete
from fastent.reference import selection as ref_selection

# Read before torch is imported: torch.set_num_threads also sets the OpenMP default that fastent's
# n_jobs=None follows (both use libgomp), so the all-threads rows pass this count explicitly.
ALL_THREADS: int = int(_config.config()["threads"])
DEFAULT_SIMD: str = _config.simd_level()

try:
    import scipy
    from scipy import spatial, special, stats
except ImportError:
    scipy = None

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

Array = npt.NDArray[np.floating]
FASTENT_RTOL = 1e-10
DEFAULT_REPEATS = 7


def fastent_label(level: str, threads: int, func: str = "") -> str:
    name = f" `{func}`" if func else ""
    default = " (default)" if level == DEFAULT_SIMD and threads == 1 else ""
    return f"fastent{name} · {level} · {threads} thread{'s' if threads > 1 else ''}{default}"


PRIMARY = fastent_label(DEFAULT_SIMD, 1)
REFERENCE = "NumPy reference"
READ = "read: `np.add.reduce(·, axis=1)` of each input"
JS_DISTANCE = fastent_label(DEFAULT_SIMD, 1, "js_distance")
JENSENSHANNON = (
    "`scipy.spatial.distance.jensenshannon(P, Q, axis=1)` (ratio vs fastent `js_distance`)"
)


def _noop() -> None:
    pass


@dataclass(frozen=True)
class Impl:
    """A table row: ``run`` is timed; ``setup`` runs untimed before every call."""

    label: str
    run: Callable[[], Any]
    setup: Callable[[], object] = _noop
    # which reference result it computes: the function's value, its sqrt (JS distance), or none
    expected: Literal["value", "sqrt"] | None = "value"
    versus: str = PRIMARY  # the fastent row its ratio divides by
    assert_rtol: float | None = None  # fail unless it agrees with the reference this closely
    max_repeats: int | None = None  # slow peers (seconds per call) are timed fewer rounds


@dataclass(frozen=True)
class Target:
    """A goal from BENCHMARKS.md: the ``column`` value of row ``row`` is ≥ (or ≤) ``bound``."""

    text: str
    row: str
    column: Literal["ratio", "read", "speedup"]  # speedup: the row's time over PRIMARY's, inverted
    bound: float
    at_least: bool = True
    why_missed: str = ""  # the measured reason, printed when the target is not met


@dataclass(frozen=True)
class Workload:
    name: str
    title: str
    func: Callable[..., Any]  # the fastent function; fastent.reference has the same name
    inputs: tuple[Array, ...]
    peers: tuple[Impl, ...]
    targets: tuple[Target, ...]
    extra_fastent: tuple[Impl, ...] = ()
    data: str = "float64 distributions, Gamma(0.5) normalised; P has ~10% exact zeros, Q none"
    rtol: float = FASTENT_RTOL  # fastent must agree with the reference this closely
    options: tuple[tuple[str, Any], ...] = ()  # keyword arguments for fastent and the reference
    # label workloads: where the reference lives, what is compared, how the size is described
    reference_module: Any = reference
    reference_repeats: int | None = None  # a slow reference is timed fewer rounds
    truth: Callable[[], Any] | None = None  # what is checked against, if not the reference
    result: Callable[[Any], Any] = np.asarray  # a call's result -> the array compared
    elements: int | None = None  # the ns/element denominator (default: largest input's size)
    unit: str = "element"
    shape_text: str | None = None  # replaces the "rows x cols {data}" text in the report
    notes: tuple[str, ...] = ()  # extra report lines (measured memory, ...)

    def reference(self) -> Any:
        function = getattr(self.reference_module, self.func.__name__)
        return function(*self.inputs, **dict(self.options))

    def expected(self) -> Any:
        return self.result(self.truth() if self.truth is not None else self.reference())

    def impls(self) -> tuple[Impl, ...]:
        has_reference = self.reference_module is not None
        return (
            *_fastent_impls(
                functools.partial(self.func, **dict(self.options)), self.inputs, self.rtol
            ),
            *self.extra_fastent,
            *(
                [Impl(REFERENCE, self.reference, max_repeats=self.reference_repeats)]
                if has_reference
                else []
            ),
            Impl(READ, functools.partial(_read, self.inputs), expected=None),
            *self.peers,
        )


def time_interleaved(impls: Sequence[Impl], repeats: int) -> dict[str, float]:
    """Median seconds per call of each impl over ``repeats`` rounds of one call each.

    Round ``r`` starts at impl ``r mod len(impls)``, so drift (clock boost, noisy neighbours)
    spreads over all rows; the garbage collector is off while timing.
    """
    samples: dict[str, list[float]] = {impl.label: [] for impl in impls}
    gc.collect()
    gc.disable()
    try:
        for r in range(repeats):
            for i in range(len(impls)):
                impl = impls[(r + i) % len(impls)]
                if impl.max_repeats is not None and len(samples[impl.label]) >= impl.max_repeats:
                    continue
                impl.setup()
                start = time.perf_counter()
                impl.run()
                samples[impl.label].append(time.perf_counter() - start)
    finally:
        gc.enable()
    return {label: statistics.median(times) for label, times in samples.items()}


def _fastent_impl(
    label: str,
    func: Callable[..., Any],
    inputs: tuple[Array, ...],
    level: str = DEFAULT_SIMD,
    threads: int = 1,
    expected: Literal["value", "sqrt"] = "value",
    rtol: float = FASTENT_RTOL,
) -> Impl:
    return Impl(
        label,
        functools.partial(func, *inputs, n_jobs=threads),
        functools.partial(_config.set_simd_level, level),
        expected,
        assert_rtol=rtol,
    )


def _fastent_impls(
    func: Callable[..., Any], inputs: tuple[Array, ...], rtol: float = FASTENT_RTOL
) -> list[Impl]:
    """``func`` at 1 thread at each SIMD level (default first), then at all threads."""
    levels = sorted(_config.supported_simd_levels(), key=lambda level: level != DEFAULT_SIMD)
    runs = [(level, 1) for level in levels]
    if ALL_THREADS > 1:
        runs.append((DEFAULT_SIMD, ALL_THREADS))
    return [
        _fastent_impl(fastent_label(level, threads), func, inputs, level, threads, rtol=rtol)
        for level, threads in runs
    ]


def _read(inputs: tuple[Array, ...]) -> None:
    for a in inputs:
        np.add.reduce(a, axis=-1)


def _scipy_js(p: Array, q: Array) -> Any:
    m = (p + q) / 2
    return (special.rel_entr(p, m) + special.rel_entr(q, m)).sum(1) / 2


def _torch_js(tp: Any, tq: Any) -> Any:
    log_m = ((tp + tq) / 2).log()
    return (
        torch_f.kl_div(log_m, tp, reduction="none") + torch_f.kl_div(log_m, tq, reduction="none")
    ).sum(1) / 2


# Lean NumPy one-liners for rows that are already normalised (no validation, no copies beyond
# the temporaries): the fastest a NumPy user would write; fastent.reference also validates and
# normalises, so it is slower.  Targets are checked against both.
NUMPY_W1 = "NumPy expression `-(P * log(where(P > 0, P, 1))).sum(1)`"
NUMPY_W2A = "NumPy expression `(P * log(where(P > 0, P / Q, 1))).sum(1)`"
NUMPY_W2B = "NumPy expression, ratio form with `M = (P + Q) / 2`"


def _numpy_entropy(p: Array) -> Any:
    return -(p * np.log(np.where(p > 0, p, 1.0))).sum(1)


def _numpy_kl(p: Array, q: Array) -> Any:
    return (p * np.log(np.where(p > 0, p / q, 1.0))).sum(1)


def _numpy_js(p: Array, q: Array) -> Any:
    m = (p + q) / 2
    return (
        (p * np.log(np.where(p > 0, p / m, 1.0))) + q * np.log(np.where(q > 0, q / m, 1.0))
    ).sum(1) / 2


# Measured on the 2-core Intel Xeon (Sapphire Rapids class) VM these results come from.
WHY_LOG_BOUND = (
    "the polynomial log costs ~0.95 ns/element in cache here (about 2 vector FP operations per "
    "cycle on zmm; BENCHMARKS.md measured 0.46 ns on Zen 5), and this VM does not overlap the "
    "memory stream with the computation (time ~ compute + read)."
)
WHY_JS = (
    "two logs and one division per element cost ~3 ns/element in cache on this CPU (measured "
    "in a C loop); 30× needs <= 2.2 ns/element including the read of P and Q "
    "(1.7 ns/element on its own). The 2-thread row reaches ~32×."
)


WHY_EXP = (
    "the polynomial exp costs ~1.5 ns/element (float64) and ~0.8 ns (float32) here, and "
    "log_softmax writes its output (read + write + read-for-ownership of the output on this "
    "memory-bound VM); see the × read column."
)


def _versus_numpy(bound: float, expression: str) -> tuple[Target, Target]:
    """The "at least bound times NumPy" target, against the reference and the lean expression."""
    return (
        Target(f"≥ {bound}× NumPy reference at 1 thread", REFERENCE, "ratio", bound),
        Target(
            f"≥ {bound}× NumPy expression at 1 thread",
            expression,
            "ratio",
            bound,
            True,
            WHY_LOG_BOUND,
        ),
    )


def build_workloads(shape: workloads.Shape) -> list[Workload]:
    p, q = workloads.w2a(shape)  # P is W1's P
    peers: dict[str, list[Impl]] = {
        "W1": [Impl(NUMPY_W1, lambda: _numpy_entropy(p))],
        "W2a": [Impl(NUMPY_W2A, lambda: _numpy_kl(p, q))],
        "W2b": [Impl(NUMPY_W2B, lambda: _numpy_js(p, q))],
    }
    if scipy is not None:
        peers["W1"] += [
            Impl("`scipy.special.entr(P).sum(1)`", lambda: special.entr(p).sum(1)),
            Impl("`scipy.stats.entropy(P, axis=1)`", lambda: stats.entropy(p, axis=1)),
        ]
        peers["W2a"] += [
            Impl("`scipy.special.rel_entr(P, Q).sum(1)`", lambda: special.rel_entr(p, q).sum(1)),
            Impl("`scipy.stats.entropy(P, Q, axis=1)`", lambda: stats.entropy(p, q, axis=1)),
        ]
        peers["W2b"] += [
            Impl("scipy `(rel_entr(P, M) + rel_entr(Q, M)).sum(1) / 2`", lambda: _scipy_js(p, q)),
            Impl(
                JENSENSHANNON,
                lambda: spatial.distance.jensenshannon(p, q, axis=1),
                expected="sqrt",
                versus=JS_DISTANCE,
            ),
        ]
    if torch is not None:  # tensors share the arrays' memory; made here, outside the timed calls
        tp, tq = torch.from_numpy(p), torch.from_numpy(q)
        peers["W1"].append(
            Impl("torch `special.entr(P).sum(1)`, 1 thread", lambda: torch.special.entr(tp).sum(1))
        )
        peers["W2a"].append(
            Impl(
                "torch `kl_div(Q.log(), P, reduction='none').sum(1)`, 1 thread",
                lambda: torch_f.kl_div(tq.log(), tp, reduction="none").sum(1),
            )
        )
        peers["W2b"].append(
            Impl("torch `kl_div` form with `M.log()`, 1 thread", lambda: _torch_js(tp, tq))
        )
    return [
        Workload(
            "W1",
            "entropy of rows",
            fastent.entropy,
            (p,),
            tuple(peers["W1"]),
            (
                *_versus_numpy(8, NUMPY_W1),
                Target("≤ 2× read at 1 thread", PRIMARY, "read", 2, False, WHY_LOG_BOUND),
            ),
        ),
        Workload(
            "W2a",
            "KL(P‖Q) of rows",
            fastent.kl_divergence,
            (p, q),
            tuple(peers["W2a"]),
            _versus_numpy(5, NUMPY_W2A),
        ),
        Workload(
            "W2b",
            "JS divergence of rows",
            fastent.js_divergence,
            (p, q),
            tuple(peers["W2b"]),
            (
                *_versus_numpy(5, NUMPY_W2B),
                Target(
                    "≥ 30× `jensenshannon` at 1 thread", JENSENSHANNON, "ratio", 30, True, WHY_JS
                ),
            ),
            extra_fastent=(
                _fastent_impl(JS_DISTANCE, fastent.js_distance, (p, q), expected="sqrt"),
            ),
        ),
    ]


def _numpy_logsumexp(x: Array) -> Any:
    m = x.max(1, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(1, keepdims=True)))[:, 0]


def _numpy_log_softmax(x: Array) -> Any:
    t = x - x.max(1, keepdims=True)
    return t - np.log(np.exp(t).sum(1, keepdims=True))


NUMPY_LSE = "NumPy expression `m + log(exp(X - m).sum(1))`"
NUMPY_LOG_SOFTMAX = "NumPy expression `t - log(exp(t).sum(1))`, `t = X - max`"
TORCH_LSE = "torch `logsumexp(X, 1)`, 1 thread"
TORCH_LOG_SOFTMAX = "torch `log_softmax(X, 1)`, 1 thread"


def build_logit_workloads(shape: workloads.Shape) -> list[Workload]:
    """W3a (logsumexp rows) and W3b (log_softmax rows), float32 and float64."""
    out = []
    for dtype in ("float32", "float64"):
        x = workloads.logits(shape, dtype)
        lse: list[Impl] = [Impl(NUMPY_LSE, functools.partial(_numpy_logsumexp, x))]
        lsm: list[Impl] = [Impl(NUMPY_LOG_SOFTMAX, functools.partial(_numpy_log_softmax, x))]
        if scipy is not None:
            lse.append(
                Impl(
                    "`scipy.special.logsumexp(X, axis=1)`", lambda x=x: special.logsumexp(x, axis=1)
                )
            )
            lsm.append(
                Impl(
                    "`scipy.special.log_softmax(X, axis=1)`",
                    lambda x=x: special.log_softmax(x, axis=1),
                )
            )
        if torch is not None:
            t = torch.from_numpy(x)
            lse.append(Impl(TORCH_LSE, lambda t=t: torch.logsumexp(t, 1)))
            lsm.append(Impl(TORCH_LOG_SOFTMAX, lambda t=t: torch.log_softmax(t, 1)))
        data = f"{dtype} logits `3 * N(0, 1)`"
        rtol = 1e-5 if dtype == "float32" else FASTENT_RTOL
        out += [
            Workload(
                f"W3a-{dtype}",
                f"logsumexp of rows, {dtype}",
                fastent.logsumexp,
                (x,),
                tuple(lse),
                (
                    *_versus_numpy(3, NUMPY_LSE),
                    Target("≥ 5× torch at 1 thread", TORCH_LSE, "ratio", 5, True, WHY_EXP),
                ),
                data=data,
                rtol=rtol,
            ),
            Workload(
                f"W3b-{dtype}",
                f"log_softmax of rows, {dtype}",
                fastent.log_softmax,
                (x,),
                tuple(lsm),
                (Target("≥ 2× torch at 1 thread", TORCH_LOG_SOFTMAX, "ratio", 2, True, WHY_EXP),),
                data=data,
                rtol=rtol,
            ),
        ]
    return out


def _numpy_sparse_ce(x: Array, y: Any) -> Any:
    m = x.max(1, keepdims=True)
    lse = (m + np.log(np.exp(x - m).sum(1, keepdims=True)))[:, 0]
    return (lse - x[np.arange(len(y)), y]).mean()


def _numpy_sigmoid_ce(z: Array, x: Array) -> Any:
    return (np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))).mean()


NUMPY_CE = "NumPy expression `(logsumexp(X) - X[i, y]).mean()`"
NUMPY_SIG = "NumPy expression `(max(x, 0) - x z + log1p(exp(-|x|))).mean()`"
TORCH_CE = "torch `cross_entropy(X, y)`, 1 thread"
TORCH_SIG = "torch `binary_cross_entropy_with_logits(x, z)`, 1 thread"


def build_loss_workloads(quick: bool) -> list[Workload]:
    """W4 (sparse softmax cross-entropy, mean) and W5 (sigmoid cross-entropy, mean)."""
    out = []
    ce_shape = workloads.QUICK_LOGIT_SHAPE if quick else workloads.LOGIT_SHAPE
    sig_shape = (40_000, 10) if quick else (4_000_000, 10)
    rng = np.random.default_rng(workloads.LOGIT_SEED + 1)
    y = rng.integers(0, ce_shape[1], ce_shape[0])
    z64 = rng.integers(0, 2, sig_shape).astype(np.float64)
    mean = (("reduction", "mean"),)
    for dtype in ("float32", "float64"):
        x = workloads.logits(ce_shape, dtype)
        s = workloads.logits(sig_shape, dtype)
        z = z64.astype(dtype)
        ce: list[Impl] = [Impl(NUMPY_CE, functools.partial(_numpy_sparse_ce, x, y))]
        sig: list[Impl] = [Impl(NUMPY_SIG, functools.partial(_numpy_sigmoid_ce, z, s))]
        if HalfMultinomialLoss is not None:
            yf, zf, flat = y.astype(dtype), z.reshape(-1), s.reshape(-1)
            multinomial, binomial = HalfMultinomialLoss(n_classes=ce_shape[1]), HalfBinomialLoss()
            ce.append(
                Impl(
                    "sklearn `HalfMultinomialLoss().loss(y, X).mean()`, 1 thread",
                    lambda m=multinomial, yf=yf, x=x: m.loss(y_true=yf, raw_prediction=x).mean(),
                )
            )
            sig.append(
                Impl(
                    "sklearn `HalfBinomialLoss().loss(z, x).mean()`, 1 thread",
                    lambda b=binomial, zf=zf, f=flat: b.loss(y_true=zf, raw_prediction=f).mean(),
                )
            )
        if torch is not None:
            tx, ty, ts, tz = (torch.from_numpy(a) for a in (x, y, s, z))
            ce.append(Impl(TORCH_CE, lambda tx=tx, ty=ty: torch_f.cross_entropy(tx, ty)))
            sig.append(
                Impl(
                    TORCH_SIG, lambda ts=ts, tz=tz: torch_f.binary_cross_entropy_with_logits(ts, tz)
                )
            )
        rtol = 1e-5 if dtype == "float32" else FASTENT_RTOL
        out += [
            Workload(
                f"W4-{dtype}",
                f"sparse softmax cross-entropy, mean, {dtype}",
                fastent.sparse_softmax_cross_entropy_with_logits,
                (y, x),
                tuple(ce),
                (
                    *_versus_numpy(3, NUMPY_CE),
                    Target("≥ 4× torch at 1 thread", TORCH_CE, "ratio", 4, True, WHY_EXP),
                ),
                data=f"{dtype} logits `3 * N(0, 1)`, int64 labels",
                rtol=rtol,
                options=mean,
            ),
            Workload(
                f"W5-{dtype}",
                f"sigmoid cross-entropy with logits, mean, {dtype}",
                fastent.sigmoid_cross_entropy_with_logits,
                (z, s),
                tuple(sig),
                (Target("≥ 5× torch at 1 thread", TORCH_SIG, "ratio", 5, True, WHY_EXP),),
                data=f"{dtype} logits `3 * N(0, 1)`, 0/1 labels",
                rtol=rtol,
                options=mean,
            ),
        ]
    return out


# --- label workloads: W6, W9, AMI, high-cardinality MI (fastent.discrete) ----------------------

try:
    from sklearn import metrics as sk_metrics
    from sklearn.feature_selection import mutual_info_classif
except ImportError:
    sk_metrics = mutual_info_classif = None

try:
    import pyitlib.discrete_random_variable as pyitlib_drv
except ImportError:
    pyitlib_drv = None


def _table_mi(table: Any) -> float:
    """I(X; Y) in nats of a count table: the NumPy expression peers use after counting."""
    table = np.asarray(table, dtype=np.float64)
    n = table.sum()
    nz = table > 0
    outer = np.outer(table.sum(1), table.sum(0))[nz]
    return float((table[nz] / n * np.log(n * table[nz] / outer)).sum())


def _numpy_mi(x: Any, y: Any, kx: int, ky: int) -> float:
    return _table_mi(np.bincount(x * ky + y, minlength=kx * ky).reshape(kx, ky))


def _numpy_cmi(x: Any, y: Any, z: Any, k: int) -> float:
    t = np.bincount((x * k + y) * k + z, minlength=k**3).reshape(k, k, k).astype(np.float64)
    n, cz, cxz, cyz = t.sum(), t.sum((0, 1)), t.sum(1), t.sum(0)
    nz = t > 0
    ratio = t * cz[None, None, :] / (cxz[:, None, :] * cyz[None, :, :])
    return float((t[nz] / n * np.log(ratio[nz])).sum())


def _peak_mb(run: Callable[[], Any]) -> float:
    """Peak traced allocation (NumPy arrays included) of one call, in MB."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


NUMPY_W6 = "NumPy expression: `bincount(x * 16 + y)`, MI of the table"
SKLEARN_MI = "`sklearn.metrics.mutual_info_score(x, y)`"
WHY_COUNT_BOUND = (
    "counting reads 16 bytes per sample of int64 labels: ~1.6-2 ns/sample at this VM's read "
    "bandwidth (see × read), while the NumPy expression makes ~5 passes over int64 temporaries "
    "(~6-7 ns/sample here; BENCHMARKS.md measured 3.8 on Zen 5): the ratio is bounded by memory "
    "traffic here.  The 2-thread row and the int8 rows show the kernel's own speed."
)


def build_discrete_workloads(quick: bool) -> list[Workload]:
    """W6 (MI), W9 (CMI), adjusted MI with 5,000 labels a side, MI with 10^6 labels a side."""
    n = 100_000 if quick else 10_000_000
    x, y = workloads.w6(n)
    w6: list[Impl] = [Impl(NUMPY_W6, lambda: _numpy_mi(x, y, 16, 16))]
    if scipy is not None:
        w6.append(
            Impl(
                "`scipy.stats.contingency.crosstab(x, y)`, MI of the table",
                lambda: _table_mi(stats.contingency.crosstab(x, y).count),
            )
        )
    if sk_metrics is not None:
        w6.append(Impl(SKLEARN_MI, lambda: sk_metrics.mutual_info_score(x, y), max_repeats=3))
    if pyitlib_drv is not None:
        w6.append(
            Impl(
                "pyitlib `information_mutual(x, y, base=e)`",
                lambda: pyitlib_drv.information_mutual(x, y, base=np.e, fill_value=None),
                max_repeats=1,
            )
        )
    xs, ys, zs = workloads.w9(n)
    numpy_w9 = "NumPy expression: `bincount((x * 8 + y) * 8 + z)`, CMI of the table"
    w9: list[Impl] = [Impl(numpy_w9, lambda: _numpy_cmi(xs, ys, zs, 8))]
    if sk_metrics is not None:
        w9.append(
            Impl(
                "sklearn chain rule `mutual_info_score(x, 8 * y + z) - mutual_info_score(x, z)`",
                lambda: (
                    sk_metrics.mutual_info_score(xs, 8 * ys + zs)
                    - sk_metrics.mutual_info_score(xs, zs)
                ),
                max_repeats=3,
            )
        )
    if pyitlib_drv is not None:
        w9.append(
            Impl(
                "pyitlib `information_mutual_conditional(x, y, z, base=e)`",
                lambda: pyitlib_drv.information_mutual_conditional(
                    xs, ys, zs, base=np.e, fill_value=None
                ),
                max_repeats=1,
            )
        )
    samples = f"{n:,} samples"
    out = [
        Workload(
            "W6",
            "mutual information of two label arrays, 16 × 16 levels",
            discrete.mutual_info,
            (x, y),
            tuple(w6),
            (
                Target("≥ 5× NumPy at 1 thread", NUMPY_W6, "ratio", 5, True, WHY_COUNT_BOUND),
                Target("≥ 100× scikit-learn at 1 thread", SKLEARN_MI, "ratio", 100),
            ),
            reference_module=ref_discrete,
            elements=n,
            unit="sample",
            shape_text=f"int64 labels, y = x + U{{0..3}} mod 16, {samples}",
        ),
        Workload(
            "W9",
            "conditional mutual information I(X; Y | Z), 8 levels each",
            discrete.conditional_mutual_info,
            (xs, ys, zs),
            tuple(w9),
            (Target("≥ 5× NumPy at 1 thread", numpy_w9, "ratio", 5, True, WHY_COUNT_BOUND),),
            reference_module=ref_discrete,
            elements=n,
            unit="sample",
            shape_text=f"int64 labels, y = x + z + U{{0..2}} mod 8, {samples}",
        ),
    ]
    if sk_metrics is None:
        return out
    n_ami, levels = (10_000, 500) if quick else (100_000, 5_000)
    a, b = workloads.many_labels(n_ami, levels)
    sklearn_ami = "`sklearn.metrics.adjusted_mutual_info_score(x, y)`"
    out.append(
        Workload(
            "AMI",
            f"adjusted mutual information, {levels:,} labels a side",
            discrete.adjusted_mutual_info,
            (a, b),
            (
                Impl(
                    sklearn_ami, lambda: sk_metrics.adjusted_mutual_info_score(a, b), max_repeats=1
                ),
            ),
            (Target("≥ 10× scikit-learn at 1 thread", sklearn_ami, "ratio", 10),),
            reference_module=ref_discrete,
            reference_repeats=1,
            truth=lambda: sk_metrics.adjusted_mutual_info_score(a, b),
            rtol=1e-9,  # scikit-learn's expected MI is itself ~2e-12 relative from exact
            elements=n_ami,
            unit="sample",
            shape_text=f"int64 labels, half of y copied from x, {n_ami:,} samples",
        )
    )
    n_big, levels_big = (20_000, 10_000) if quick else (2_000_000, 1_000_000)
    u, w = workloads.many_labels(n_big, levels_big)
    out.append(
        Workload(
            "MI-high-cardinality",
            f"mutual information, {levels_big:,} labels a side (sparse counting)",
            discrete.mutual_info,
            (u, w),
            (Impl(SKLEARN_MI, lambda: sk_metrics.mutual_info_score(u, w), max_repeats=3),),
            (),
            reference_module=None,
            truth=lambda: sk_metrics.mutual_info_score(u, w),
            elements=n_big,
            unit="sample",
            shape_text=f"int64 labels, half of y copied from x, {n_big:,} samples",
        )
    )
    return out


# --- selection workloads: W7 (scores of all columns), W8 (mRMR) ----------------------------------


def _numpy_fused_scores(X: Any, y: Any) -> Any:
    """The fused NumPy reference of W7: one bincount over (column, value, class) cells."""
    lo = X.min(0)
    k = X.max(0) - lo + 1
    ky = int(y.max()) + 1
    start = np.concatenate([[0], np.cumsum(k * ky)[:-1]])
    counts = np.bincount(
        ((X - lo) * ky + y[:, None] + start).ravel(), minlength=int((k * ky).sum())
    )
    return np.array(
        [_table_mi(counts[s : s + kj * ky].reshape(kj, ky)) for s, kj in zip(start, k, strict=True)]
    )


NUMPY_FUSED = "NumPy fused reference: one `bincount` of (column, value, class) cells"
SKLEARN_W7 = "`sklearn mutual_info_classif(X, y, discrete_features=True)`"
WHY_W7 = (
    "the kernel spends ~0.9 ns per element counting (the int8 rows, compute-bound: one table "
    "increment per element) and int64 X adds ~1 ns/element of reading at this VM's bandwidth, not "
    "overlapped (see × read); the fused NumPy expression runs at 10-15 ns/element here, so 8× "
    "needs <= 1.3-1.9 ns/element in all.  BENCHMARKS.md's NumPy figure (4.9 ns) is from Zen 5."
)
WHY_W8 = (
    "20 passes over the candidates' bitsets (25 MB, 100 popcounted cells per column and step: "
    "~9 ms a step at ~1.1 words/cycle with VPOPCNTQ) plus one pass over X to build them; the NumPy "
    "greedy reference runs ~140 ns/element here.  Two threads reach ~14x."
)


WHY_THREADS = (
    "both threads share this VM's memory bandwidth: one thread already reads int64 X at ~half "
    "the read bound (see × read), so the second thread adds bandwidth, not a second core's worth "
    "of counting."
)


def build_selection_workloads(quick: bool) -> list[Workload]:
    n, p = (20_000, 50) if quick else (1_000_000, 200)
    out = []
    for variant, dtype, order in (
        ("W7", "int64", "C"),
        ("W7-F", "int64", "F"),
        ("W7-int8", "int8", "C"),
    ):
        X, y = workloads.w7(n, p, dtype, order)
        peers: list[Impl] = [Impl(NUMPY_FUSED, functools.partial(_numpy_fused_scores, X, y))]
        targets: list[Target] = [
            Target(
                "≥ 8× the fused NumPy reference at 1 thread", NUMPY_FUSED, "ratio", 8, True, WHY_W7
            )
        ]
        if variant == "W7" and mutual_info_classif is not None:
            for jobs in (1, -1):
                label = f"{SKLEARN_W7[:-2]}, n_jobs={jobs})`"
                peers.append(
                    Impl(
                        label,
                        functools.partial(
                            mutual_info_classif, X, y, discrete_features=True, n_jobs=jobs
                        ),
                        max_repeats=1,
                    )
                )
            targets.append(
                Target("≥ 100× scikit-learn (n_jobs=1) at 1 thread", peers[1].label, "ratio", 100)
            )
        if ALL_THREADS > 1:
            targets.append(
                Target(
                    f"{ALL_THREADS} threads ≥ 1.7× faster than 1",
                    fastent_label(DEFAULT_SIMD, ALL_THREADS),
                    "speedup",
                    1.7,
                    True,
                    WHY_THREADS,
                )
            )
        mb = {
            t: _peak_mb(functools.partial(selection.mutual_info_scores, X, y, n_jobs=t))
            for t in (1, ALL_THREADS)
        }
        notes = tuple(
            f"- Peak traced memory of the fastent call at {t} thread(s): {m:.1f} MB "
            f"({100 * m * 1e6 / X.nbytes:.2f}% of X's {X.nbytes / 1e6:,.0f} MB)"
            for t, m in mb.items()
        )
        out.append(
            Workload(
                variant,
                f"MI of every column with y: {dtype}, {order} order",
                selection.mutual_info_scores,
                (X, y),
                tuple(peers),
                tuple(targets),
                reference_module=ref_selection,
                reference_repeats=1,
                elements=n * p,
                shape_text=f"X {n:,} × {p} {dtype} ({order} order), 10 levels, y binary",
                notes=notes,
            )
        )
    n8, p8, k = (5_000, 40, 5) if quick else (100_000, 200, 20)
    X8, y8 = workloads.w8(n8, p8)
    out.append(
        Workload(
            "W8",
            f"mRMR, k = {k} of {p8} features",
            selection.select_features,
            (X8, y8),
            (),
            (Target("≥ 15× the NumPy greedy reference", REFERENCE, "ratio", 15, True, WHY_W8),),
            options=(("k", k), ("method", "mrmr")),
            reference_module=ref_selection,
            reference_repeats=3,
            result=lambda r: np.asarray(r.indices),
            elements=n8 * p8,
            shape_text=f"X {n8:,} × {p8} int64, 10 levels, y 3 classes; same selection checked",
        )
    )
    return out


# --- checking and reporting --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    seconds: float
    ratio: float
    read: float
    rel_diff: float | None


def check(workload: Workload, impls: Sequence[Impl]) -> dict[str, float | None]:
    """Run every impl once (also the warm-up); max relative difference from the reference.

    Raises AssertionError if a row with ``assert_rtol`` (fastent) disagrees with the reference.
    """
    value = np.asarray(workload.expected())
    desired = {"value": value, "sqrt": np.sqrt(value)}
    diffs: dict[str, float | None] = {}
    for impl in impls:
        impl.setup()
        result = impl.run()
        if impl.expected is None:
            diffs[impl.label] = None
            continue
        actual = (
            result.numpy() if torch is not None and isinstance(result, torch.Tensor) else result
        )
        actual = np.asarray(workload.result(actual), dtype=np.float64)
        want = desired[impl.expected]
        if impl.assert_rtol is not None:
            atol = impl.assert_rtol * float(np.max(np.abs(want), initial=1.0))  # results near 0
            np.testing.assert_allclose(
                actual,
                want,
                rtol=impl.assert_rtol,
                atol=atol,
                err_msg=f"{workload.name}: {impl.label}",
            )
        scale = np.maximum(np.abs(want), np.finfo(np.float64).tiny)
        diffs[impl.label] = float(np.max(np.abs(actual - want) / scale))
    _config.set_simd_level(DEFAULT_SIMD)
    return diffs


def measure(workload: Workload, repeats: int) -> list[Row]:
    impls = workload.impls()
    print(f"{workload.name}: checking {len(impls)} implementations", file=sys.stderr)
    diffs = check(workload, impls)
    print(f"{workload.name}: timing {repeats} interleaved rounds", file=sys.stderr)
    seconds = time_interleaved(impls, repeats)
    _config.set_simd_level(DEFAULT_SIMD)
    return [
        Row(
            impl.label,
            seconds[impl.label],
            seconds[impl.label] / seconds[impl.versus],
            seconds[impl.label] / seconds[READ],
            diffs[impl.label],
        )
        for impl in impls
    ]


def _target_lines(workload: Workload, rows: Sequence[Row]) -> list[str]:
    by_label = {row.label: row for row in rows}
    lines = []
    for target in workload.targets:
        row = by_label.get(target.row)
        if row is None:
            lines.append(f"- {target.text}: not measured (peer not installed)")
            continue
        value = {"ratio": row.ratio, "read": row.read, "speedup": 1 / row.ratio}[target.column]
        met = value >= target.bound if target.at_least else value <= target.bound
        lines.append(f"- {target.text}: **{'met' if met else 'NOT met'}** ({value:.2f}×)")
        if not met and target.why_missed:
            lines.append(f"  - Why: {target.why_missed}")
    return lines


def workload_section(workload: Workload, rows: Sequence[Row]) -> str:
    main = max(workload.inputs, key=lambda a: a.size)  # the logits / distributions / labels
    elements = workload.elements or main.size
    module = workload.func.__module__.removeprefix("fastent.")
    module = "" if module in ("distributions", "logits") else f"{module}."
    name = f"{module}{workload.func.__name__}"
    shape = workload.shape_text or (
        f"{main.shape[0]:,} × {main.shape[1]:,} {workload.data}; {elements:,} elements per input"
    )
    against = (
        f" vs NumPy reference `fastent.reference.{name}`"
        if workload.reference_module is not None
        else " (no NumPy reference row: its dense table would not fit)"
    )
    unit = workload.unit
    lines = [
        f"## {workload.name}: {workload.title}",
        "",
        f"`fastent.{name}`{against}; {shape}.",
        "",
        f"| implementation | median (ms) | ns/{unit} | ratio | × read | max rel. diff vs "
        f"{'reference' if workload.truth is None else 'the checked value'} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        diff = "—" if row.rel_diff is None else f"{row.rel_diff:.1e}"
        lines.append(
            f"| {row.label} | {row.seconds * 1e3:.2f} | {row.seconds * 1e9 / elements:.2f} "
            f"| {row.ratio:.2f} | {row.read:.2f} | {diff} |"
        )
    lines += ["", *workload.notes, "", "Targets (BENCHMARKS.md):", *_target_lines(workload, rows)]
    return "\n".join([*lines, ""])


def header(repeats: int, quick: bool) -> str:
    env = workloads.environment()
    openmp = "on" if env["openmp"] == "True" else "off"
    versions = [
        f"fastent {env['fastent']} (compiler {env['compiler']}, OpenMP {openmp})",
        f"Python {env['python']}",
        f"NumPy {np.__version__}",
    ]
    if scipy is not None:
        versions.append(f"SciPy {scipy.__version__}")
    if torch is not None:
        versions.append(f"PyTorch {torch.__version__}")
    lines = [
        "# fastent vs NumPy reference and peers",
        "",
        f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC}",
        f"- CPU: {env['cpu']} ({env['cpu_count']} logical CPUs), {env['platform']}",
        f"- SIMD level in use: {DEFAULT_SIMD} (supported: {env['simd_supported']})",
        f"- Threads: {ALL_THREADS} (OpenMP default; OMP_NUM_THREADS {env['OMP_NUM_THREADS']})",
        f"- Versions: {', '.join(versions)}",
        "- Data: per workload below, fixed seeds (benchmarks/workloads.py)",
        f"- Method: median of {repeats} interleaved rounds in one process, after an untimed "
        "check/warm-up round; fastent rows agree with the reference (rtol 1e-10 for float64, "
        "1e-5 for float32)",
        "- Columns: ns/element = time / (rows × cols); ratio = this row's time / time of "
        f"{PRIMARY} (above 1: fastent is faster); × read = time / time of `np.add.reduce` over the "
        "same inputs",
    ]
    if quick:
        lines.append("- **Quick smoke run: small shapes, 1 round — these timings mean nothing.**")
    return "\n".join([*lines, ""])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes, 1 round (CI smoke run)")
    parser.add_argument(
        "--repeats", type=int, help=f"timed rounds (default {DEFAULT_REPEATS}; 1 with --quick)"
    )
    parser.add_argument("--output", type=Path, help="also write the Markdown report to this file")
    parser.add_argument("--only", help="comma-separated workload names or prefixes, e.g. W1,W3")
    args = parser.parse_args(argv)
    repeats = args.repeats if args.repeats is not None else 1 if args.quick else DEFAULT_REPEATS
    if repeats < 1:
        parser.error("--repeats must be at least 1")
    quick = args.quick
    chosen = [
        w
        for w in [
            *build_workloads(workloads.QUICK_SHAPE if quick else workloads.FULL_SHAPE),
            *build_logit_workloads(workloads.QUICK_LOGIT_SHAPE if quick else workloads.LOGIT_SHAPE),
            *build_loss_workloads(quick),
            *build_discrete_workloads(quick),
            *build_selection_workloads(quick),
        ]
        if not args.only or any(w.name.startswith(name) for name in args.only.split(","))
    ]
    sections = [header(repeats, quick)]
    for workload in chosen:
        sections.append(workload_section(workload, measure(workload, repeats)))
    report = "\n".join(sections)
    print(report)
    if args.output is not None:
        args.output.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
