# SPDX-License-Identifier: BSD-3-Clause
# ruff: noqa: RUF001, RUF002  (the report is Markdown prose; its multiplication signs are meant)
"""W7 (MI of every column of X with y) and W8 (mRMR) of fastent.selection.

W7: X 1,000,000 × 200 with 10 levels per column, y binary, as int64 C order (``W7``, 1.6 GB),
int64 F order (``W7-F``) and int8 (``W7-int8``); peers: a fused NumPy ``bincount``, scikit-learn's
``mutual_info_classif``.  Each section also reports the peak memory of the fastent call.
W7-float: MI of every column of X 2,000 × 5,000 continuous float64 columns with y (binned, 16
quantile bins); peer: scikit-learn's ``KBinsDiscretizer`` + ``mutual_info_classif``.
W8: mRMR, k = 20 of 200 columns, X 100,000 × 200 int64, y 3 classes; the same selection as the
NumPy greedy reference is checked.
W11: coding + scoring one string column of 1,000,000 rows × 1,000 levels held as a pandas object
column, a pandas ``string[pyarrow]`` column, a polars String and a polars Categorical column,
against the frame library's own encoder alone.
W12: nearest-neighbour MI of 100,000 x 50 float64 columns, ``mutual_info_classif`` and
``mutual_info_regression`` against scikit-learn's (n_jobs 1 and -1), the same numbers checked.
Small sizes with ``--quick``.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import workloads
from harness import (
    ALL_THREADS,
    DEFAULT_SIMD,
    REFERENCE,
    Impl,
    Target,
    Workload,
    fastent_label,
    workload,
)

from fastent import selection
from fastent.reference import selection as ref_selection

from .discrete import table_mi

try:
    from sklearn.feature_selection import mutual_info_classif
except ImportError:
    mutual_info_classif = None

NUMPY_FUSED = "NumPy fused reference: one `bincount` of (column, value, class) cells"
SKLEARN_W7 = "`sklearn mutual_info_classif(X, y, discrete_features=True)`"


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
        [table_mi(counts[s : s + kj * ky].reshape(kj, ky)) for s, kj in zip(start, k, strict=True)]
    )


def _thread_targets() -> list[Target]:
    """The scaling target of the selection workloads, where there are several threads."""
    if ALL_THREADS < 2:
        return []
    label = fastent_label(DEFAULT_SIMD, ALL_THREADS)
    return [Target(f"{ALL_THREADS} threads ≥ 1.7× faster than 1", label, "speedup", 1.7)]


def _peak_mb(run: Callable[[], Any]) -> float:
    """Peak traced allocation (NumPy arrays included) of one call, in MB."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _scores_workload(
    name: str,
    what: str,
    X: Any,
    y: Any,
    peers: list[Impl],
    targets: list[Target],
    shape_text: str,
    notes: tuple[str, ...] = (),
) -> Workload:
    """A workload of ``selection.mutual_info_scores(X, y)``, checked against the reference."""
    return Workload(
        name,
        f"MI of every column with y: {what}",
        selection.mutual_info_scores,
        (X, y),
        tuple(peers),
        tuple(targets),
        reference_module=ref_selection,
        reference_repeats=1,
        elements=X.shape[0] * X.shape[1],
        shape_text=shape_text,
        notes=notes,
    )


def _scores(
    variant: str, dtype: str, order: str, quick: bool, shape: tuple[int, int] = (1_000_000, 200)
) -> Workload:
    """W7 and its variants: ``selection.mutual_info_scores`` of X (``dtype``, ``order``, n × p
    ``shape``) and y."""
    n, p = (20_000, 50) if quick else shape
    X, y = workloads.w7(n, p, dtype, order)
    peers = [Impl(NUMPY_FUSED, functools.partial(_numpy_fused_scores, X, y))]
    targets = [Target("≥ 8× the fused NumPy reference at 1 thread", NUMPY_FUSED, "ratio", 8)]
    if variant in ("W7", "W7-wide") and mutual_info_classif is not None:
        for jobs in (1, -1):
            peers.append(
                Impl(
                    f"{SKLEARN_W7[:-2]}, n_jobs={jobs})`",
                    functools.partial(
                        mutual_info_classif, X, y, discrete_features=True, n_jobs=jobs
                    ),
                    max_repeats=1,
                )
            )
        targets.append(
            Target("≥ 100× scikit-learn (n_jobs=1) at 1 thread", peers[1].label, "ratio", 100)
        )
    targets += _thread_targets()
    mb = {
        t: _peak_mb(functools.partial(selection.mutual_info_scores, X, y, n_jobs=t))
        for t in (1, ALL_THREADS)
    }
    notes = tuple(
        f"- Peak traced memory of the fastent call at {t} thread(s): {m:.1f} MB "
        f"({100 * m * 1e6 / X.nbytes:.2f}% of X's {X.nbytes / 1e6:,.0f} MB)"
        for t, m in mb.items()
    )
    return _scores_workload(
        variant,
        f"{dtype}, {order} order",
        X,
        y,
        peers,
        targets,
        f"X {n:,} × {p} {dtype} ({order} order), 10 levels, y binary",
        notes,
    )


@workload("W7")
def w7(quick: bool) -> Workload:
    """MI of every column with y: X int64, C order (1.6 GB)."""
    return _scores("W7", "int64", "C", quick)


@workload("W7-F")
def w7_f(quick: bool) -> Workload:
    """MI of every column with y: X int64, F order (1.6 GB)."""
    return _scores("W7-F", "int64", "F", quick)


@workload("W7-int8")
def w7_int8(quick: bool) -> Workload:
    """MI of every column with y: X int8, C order (200 MB)."""
    return _scores("W7-int8", "int8", "C", quick)


@workload("W7-wide")
def w7_wide(quick: bool) -> Workload:
    """MI of every column with y: a wide table, X int64 20,000 × 2,000, C order (320 MB)."""
    return _scores("W7-wide", "int64", "C", quick, (20_000, 2_000))


def _kbins_scores(X: Any, y: Any, n_bins: int) -> Any:
    """scikit-learn's way to binned MI: ``KBinsDiscretizer`` (quantile bins, NumPy's linear
    quantiles, no subsample), then ``mutual_info_classif`` of the codes as discrete features."""
    import inspect

    from sklearn.preprocessing import KBinsDiscretizer

    kw: dict[str, Any] = {"n_bins": n_bins, "encode": "ordinal", "strategy": "quantile"}
    params = inspect.signature(KBinsDiscretizer).parameters
    if "subsample" in params:
        kw["subsample"] = None
    if "quantile_method" in params:
        kw["quantile_method"] = "linear"
    codes = KBinsDiscretizer(**kw).fit_transform(X).astype(np.int64)
    return mutual_info_classif(codes, y, discrete_features=True)


@workload("W7-float")
def w7_float(quick: bool) -> Workload:
    """MI of every column with y: continuous float64 columns, 2,000 × 5,000, 16 quantile bins."""
    n, p = (500, 200) if quick else (2_000, 5_000)
    X, y = workloads.w7_float(n, p)
    peers = []
    if mutual_info_classif is not None:
        peers.append(
            Impl(
                "scikit-learn: `KBinsDiscretizer(16, quantile)` + `mutual_info_classif` (codes)",
                functools.partial(_kbins_scores, X, y, 16),
                expected=None,
                max_repeats=1,
            )
        )
    return _scores_workload(
        "W7-float",
        "continuous float64 columns (binned)",
        X,
        y,
        peers,
        _thread_targets(),
        f"X {n:,} × {p:,} float64 (C order), y binary; 16 quantile bins a column (every seventh "
        "column rounded to one decimal: ties, tie-aware bins); scikit-learn's bins differ on "
        "those columns (it merges ties), so its values are not compared",
    )


@workload("W8")
def w8(quick: bool) -> Workload:
    """mRMR, k = 20 of 200 features, X int64 with 10 levels, y 3 classes."""
    n, p, k = (5_000, 40, 5) if quick else (100_000, 200, 20)
    X, y = workloads.w8(n, p)
    return Workload(
        "W8",
        f"mRMR, k = {k} of {p} features",
        selection.select_features,
        (X, y),
        (),
        (Target("≥ 15× the NumPy greedy reference", REFERENCE, "ratio", 15),),
        options=(("k", k), ("method", "mrmr")),
        reference_module=ref_selection,
        reference_repeats=3,
        result=lambda r: np.asarray(r.indices),
        elements=n * p,
        shape_text=f"X {n:,} × {p} int64, 10 levels, y 3 classes; same selection checked",
    )


def _frame(kind: str, values: Any) -> tuple[Any, Callable[[], Any], str]:
    """(a one-column frame of ``values``, the frame library's own encoder of it, its label), or
    None for the frame library that is missing."""
    if kind.startswith("pandas"):
        import pandas as pd

        dtype = object if kind == "pandas object" else "string[pyarrow]"
        frame = pd.DataFrame({"c": pd.Series(values, dtype=dtype)})
        return frame, functools.partial(pd.factorize, frame["c"]), "`pandas.factorize` alone"
    import polars as pl

    column = pl.Series("c", values.tolist())
    if kind == "polars String":
        frame = pl.DataFrame([column])
        return (
            frame,
            lambda: frame["c"].cast(pl.Categorical).to_physical(),
            "polars cast to Categorical + `to_physical` alone",
        )
    frame = pl.DataFrame([column.cast(pl.Categorical)])
    return frame, lambda: frame["c"].to_physical(), "polars `to_physical` alone"


def _coding(name: str, kind: str, quick: bool) -> Workload:
    """W11: coding + scoring one string column held as ``kind``, vs the frame's own encoder."""
    n = 20_000 if quick else 1_000_000
    values, y = workloads.w11(n)
    frame, encoder, label = _frame(kind, values)
    return Workload(
        name,
        f"coding + scoring one string column: {kind}",
        selection.mutual_info_scores,
        (frame, y),
        (Impl(label, encoder, expected=None),),
        (Target("within 1.5× of the frame's own encoder alone", label, "ratio", 1 / 1.5),),
        reference_module=ref_selection,
        reference_repeats=1,
        elements=n,
        shape_text=f"{n:,} rows × 1,000 levels ({kind}), y 5 classes",
    )


_HAVE = {
    kind: importlib.util.find_spec(kind.split()[0]) is not None for kind in ("pandas", "polars")
}


@workload("W11-object", available=_HAVE["pandas"])
def w11_object(quick: bool) -> Workload:
    """Coding + scoring one string column: pandas object dtype."""
    return _coding("W11-object", "pandas object", quick)


@workload("W11-arrow", available=_HAVE["pandas"])
def w11_arrow(quick: bool) -> Workload:
    """Coding + scoring one string column: pandas string[pyarrow]."""
    return _coding("W11-arrow", "pandas string[pyarrow]", quick)


@workload("W11-polars", available=_HAVE["polars"])
def w11_polars(quick: bool) -> Workload:
    """Coding + scoring one string column: polars String."""
    return _coding("W11-polars", "polars String", quick)


@workload("W11-categorical", available=_HAVE["polars"])
def w11_categorical(quick: bool) -> Workload:
    """Coding + scoring one string column: polars Categorical."""
    return _coding("W11-categorical", "polars Categorical", quick)


def _knn(name: str, func_name: str, quick: bool) -> Workload:
    """W12: fastent's drop-in ``func_name`` against scikit-learn's, random_state fixed."""
    n, p = (3_000, 8) if quick else (100_000, 50)
    X, labels, target = workloads.w12(n, p)
    y = labels if func_name == "mutual_info_classif" else target
    fast = getattr(selection, func_name)
    peers = []
    if mutual_info_classif is not None:
        import sklearn.feature_selection as sk

        for jobs in (1, -1):
            peers.append(
                Impl(
                    f"`sklearn {func_name}(n_jobs={jobs})`",
                    functools.partial(getattr(sk, func_name), X, y, random_state=0, n_jobs=jobs),
                    max_repeats=1,
                    assert_rtol=1e-10,
                )
            )
    targets = []
    if peers:
        targets.append(
            Target("≥ 20× scikit-learn (n_jobs=1) at 1 thread", peers[0].label, "ratio", 20)
        )
    targets += _thread_targets()
    return Workload(
        name,
        f"nearest-neighbour MI, {func_name}",
        fast,
        (X, y),
        tuple(peers),
        tuple(targets),
        reference_module=None,
        truth=peers[0].run if peers else functools.partial(fast, X, y, random_state=0),
        options=(("random_state", 0),),
        elements=n * p,
        shape_text=f"X {n:,} × {p} float64, y {'3 classes' if y is labels else 'continuous'}",
    )


@workload("W12-classif")
def w12_classif(quick: bool) -> Workload:
    """Nearest-neighbour MI of continuous columns with a class label (Ross)."""
    return _knn("W12-classif", "mutual_info_classif", quick)


@workload("W12-regression")
def w12_regression(quick: bool) -> Workload:
    """Nearest-neighbour MI of continuous columns with a continuous target (KSG)."""
    return _knn("W12-regression", "mutual_info_regression", quick)
