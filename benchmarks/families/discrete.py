# SPDX-License-Identifier: BSD-3-Clause
# ruff: noqa: RUF001, RUF002  (the report is Markdown prose; its multiplication signs are meant)
"""W6 (MI), W9 (conditional MI), AMI and high-cardinality MI of label arrays (fastent.discrete).

The data is the int64 label arrays of ``workloads.py``: 10^7 samples for W6 (16 × 16 levels) and
W9 (8 levels each), 10^5 samples with 5,000 labels a side for AMI, 2 × 10^6 samples with 10^6
labels a side for the high-cardinality MI (small sizes with ``--quick``).  Peers: NumPy
``bincount`` expressions, SciPy's ``crosstab``, scikit-learn, pyitlib.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import workloads
from harness import Impl, Target, Workload, workload

from fastent import discrete
from fastent.reference import discrete as ref_discrete

try:
    from scipy import stats
except ImportError:
    stats = None

try:
    from sklearn import metrics as sk_metrics
except ImportError:
    sk_metrics = None

try:
    import pyitlib.discrete_random_variable as pyitlib_drv
except ImportError:
    pyitlib_drv = None

NUMPY_W6 = "NumPy expression: `bincount(x * 16 + y)`, MI of the table"
NUMPY_W9 = "NumPy expression: `bincount((x * 8 + y) * 8 + z)`, CMI of the table"
SKLEARN_MI = "`sklearn.metrics.mutual_info_score(x, y)`"


def table_mi(table: Any) -> float:
    """I(X; Y) in nats of a count table: the NumPy expression peers use after counting."""
    table = np.asarray(table, dtype=np.float64)
    n = table.sum()
    nz = table > 0
    outer = np.outer(table.sum(1), table.sum(0))[nz]
    return float((table[nz] / n * np.log(n * table[nz] / outer)).sum())


def _numpy_mi(x: Any, y: Any, kx: int, ky: int) -> float:
    return table_mi(np.bincount(x * ky + y, minlength=kx * ky).reshape(kx, ky))


def _numpy_cmi(x: Any, y: Any, z: Any, k: int) -> float:
    t = np.bincount((x * k + y) * k + z, minlength=k**3).reshape(k, k, k).astype(np.float64)
    n, cz, cxz, cyz = t.sum(), t.sum((0, 1)), t.sum(1), t.sum(0)
    nz = t > 0
    ratio = t * cz[None, None, :] / (cxz[:, None, :] * cyz[None, :, :])
    return float((t[nz] / n * np.log(ratio[nz])).sum())


def _samples(quick: bool) -> int:
    return 100_000 if quick else 10_000_000


@workload("W6")
def w6(quick: bool) -> Workload:
    """Mutual information of two int64 label arrays, 16 × 16 levels."""
    n = _samples(quick)
    x, y = workloads.w6(n)
    peers = [Impl(NUMPY_W6, lambda: _numpy_mi(x, y, 16, 16))]
    if stats is not None:
        peers.append(
            Impl(
                "`scipy.stats.contingency.crosstab(x, y)`, MI of the table",
                lambda: table_mi(stats.contingency.crosstab(x, y).count),
            )
        )
    if sk_metrics is not None:
        peers.append(Impl(SKLEARN_MI, lambda: sk_metrics.mutual_info_score(x, y), max_repeats=3))
    if pyitlib_drv is not None:
        peers.append(
            Impl(
                "pyitlib `information_mutual(x, y, base=e)`",
                lambda: pyitlib_drv.information_mutual(x, y, base=np.e, fill_value=None),
                max_repeats=1,
            )
        )
    return Workload(
        "W6",
        "mutual information of two label arrays, 16 × 16 levels",
        discrete.mutual_info,
        (x, y),
        tuple(peers),
        (
            Target("≥ 5× NumPy at 1 thread", NUMPY_W6, "ratio", 5),
            Target("≥ 100× scikit-learn at 1 thread", SKLEARN_MI, "ratio", 100),
        ),
        reference_module=ref_discrete,
        elements=n,
        unit="sample",
        shape_text=f"int64 labels, y = x + U{{0..3}} mod 16, {n:,} samples",
    )


@workload("W9")
def w9(quick: bool) -> Workload:
    """Conditional mutual information I(X; Y | Z), int64 labels, 8 levels each."""
    n = _samples(quick)
    xs, ys, zs = workloads.w9(n)
    peers = [Impl(NUMPY_W9, lambda: _numpy_cmi(xs, ys, zs, 8))]
    if sk_metrics is not None:
        peers.append(
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
        peers.append(
            Impl(
                "pyitlib `information_mutual_conditional(x, y, z, base=e)`",
                lambda: pyitlib_drv.information_mutual_conditional(
                    xs, ys, zs, base=np.e, fill_value=None
                ),
                max_repeats=1,
            )
        )
    return Workload(
        "W9",
        "conditional mutual information I(X; Y | Z), 8 levels each",
        discrete.conditional_mutual_info,
        (xs, ys, zs),
        tuple(peers),
        (Target("≥ 5× NumPy at 1 thread", NUMPY_W9, "ratio", 5),),
        reference_module=ref_discrete,
        elements=n,
        unit="sample",
        shape_text=f"int64 labels, y = x + z + U{{0..2}} mod 8, {n:,} samples",
    )


@workload("AMI", available=sk_metrics is not None)
def ami(quick: bool) -> Workload:
    """Adjusted mutual information, 5,000 labels a side (checked against scikit-learn)."""
    n, levels = (10_000, 500) if quick else (100_000, 5_000)
    a, b = workloads.many_labels(n, levels)
    sklearn_ami = "`sklearn.metrics.adjusted_mutual_info_score(x, y)`"
    return Workload(
        "AMI",
        f"adjusted mutual information, {levels:,} labels a side",
        discrete.adjusted_mutual_info,
        (a, b),
        (Impl(sklearn_ami, lambda: sk_metrics.adjusted_mutual_info_score(a, b), max_repeats=1),),
        (Target("≥ 10× scikit-learn at 1 thread", sklearn_ami, "ratio", 10),),
        reference_module=ref_discrete,
        reference_repeats=1,
        truth=lambda: sk_metrics.adjusted_mutual_info_score(a, b),
        rtol=1e-9,  # scikit-learn's expected MI is itself ~2e-12 relative from exact
        elements=n,
        unit="sample",
        shape_text=f"int64 labels, half of y copied from x, {n:,} samples",
    )


@workload("MI-high-cardinality", available=sk_metrics is not None)
def mi_high_cardinality(quick: bool) -> Workload:
    """Mutual information, 10^6 labels a side (sparse counting; checked against scikit-learn)."""
    n, levels = (20_000, 10_000) if quick else (2_000_000, 1_000_000)
    u, w = workloads.many_labels(n, levels)
    return Workload(
        "MI-high-cardinality",
        f"mutual information, {levels:,} labels a side (sparse counting)",
        discrete.mutual_info,
        (u, w),
        (Impl(SKLEARN_MI, lambda: sk_metrics.mutual_info_score(u, w), max_repeats=3),),
        (),
        reference_module=None,
        truth=lambda: sk_metrics.mutual_info_score(u, w),
        elements=n,
        unit="sample",
        shape_text=f"int64 labels, half of y copied from x, {n:,} samples",
    )
