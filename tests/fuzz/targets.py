# SPDX-License-Identifier: BSD-3-Clause
"""One fuzz target per public family: fuzz bytes -> a call of a public function, checked by
``harness.check`` against ``fastent.reference``.

The draws of the discrete and selection families that came first (the corpus seeds replay them)
are read first; the later ones (missing values and ``missing``, ``adjusted``,
``discrete_target``, ``mutual_info_test``, DataFrames and sparse matrices) follow them, and an
input that runs out of bytes draws none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import fastent
from fastent import discrete, reference, selection
from fastent.reference import _checks as reference_checks
from fastent.reference import discrete as reference_discrete
from fastent.reference import selection as reference_selection

from .harness import check
from .inputs import Draw


def _probabilities(draw: Draw) -> None:
    name = draw.pick(
        ["entropy", "cross_entropy", "kl_divergence", "js_divergence", "js_distance",
         "binary_entropy", "self_information"]
    )  # fmt: skip
    shape = draw.shape()
    p = draw.anything(shape)
    if name in ("binary_entropy", "self_information"):
        check(name, getattr(fastent, name), getattr(reference, name), (p,), {"base": draw.base()})
        return
    kwargs: dict[str, Any] = {
        "base": draw.base(),
        "axis": draw.axis(len(shape)),
        "keepdims": draw.bool(),
        "n_jobs": draw.n_jobs(),
    }
    if draw.int(0, 3) == 0:
        kwargs["nan_policy"] = draw.pick(["propagate", "omit", "raise", "ignore"])
    if name == "entropy":
        args: tuple[Any, ...] = (p,)
    else:  # q: the same shape, one row broadcast, or anything
        q_shape = draw.pick([shape, shape[-1:], shape[1:], draw.shape()])
        args = (p, draw.anything(q_shape))
    check(name, getattr(fastent, name), getattr(reference, name), args, kwargs)


def _logits(draw: Draw) -> None:
    name = draw.pick(
        ["logsumexp", "softmax", "log_softmax", "sigmoid", "log_sigmoid",
         "sparse_softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
         "sigmoid_cross_entropy_with_logits", "binary_cross_entropy"]
    )  # fmt: skip
    shape = draw.shape()
    x = draw.anything(shape)
    kwargs: dict[str, Any] = {}
    if name in ("logsumexp", "softmax", "log_softmax"):
        kwargs["axis"] = draw.axis(len(shape))
        if name == "logsumexp":
            kwargs["keepdims"] = draw.bool()
            if draw.int(0, 2) == 0:
                kwargs["b"] = draw.numbers(draw.pick([shape, shape[-1:], draw.shape()]))
                kwargs["return_sign"] = draw.bool()
        args: tuple[Any, ...] = (x,)
    elif name in ("sigmoid", "log_sigmoid"):
        args = (x,)
    else:
        kwargs["reduction"] = draw.pick(["none", "mean", "sum", "none", "avg"])
        classes = shape[-1] if shape else 0
        if name == "sparse_softmax_cross_entropy_with_logits":
            n = int(np.prod(shape[:-1])) if shape else 1
            labels = draw.labels(n)
            if isinstance(labels, np.ndarray) and labels.dtype.kind in "iub" and draw.bool():
                labels = np.asarray(labels, dtype=np.int64) % max(classes, 1)
            if isinstance(labels, np.ndarray) and shape:
                labels = labels.reshape(shape[:-1]) if labels.size == n else labels
            args = (labels, x)
            if draw.int(0, 2) == 0:
                kwargs["weights"] = draw.numbers((classes,) if draw.int(0, 5) else draw.shape(1))
            if draw.int(0, 2) == 0:
                kwargs["ignore_index"] = draw.pick([-100, 0, 1, -1, "1", 2**64 - 1])
            if draw.int(0, 2) == 0:
                kwargs["label_smoothing"] = draw.pick([0.0, 0.1, 1.0, 1.5, -0.1])
        elif name == "softmax_cross_entropy_with_logits":
            args = (draw.numbers(shape, positive=True), x)
            kwargs["axis"] = draw.pick([-1, 0, 1])
        else:  # labels in [0, 1] mostly
            z = draw.numbers(shape, positive=True)
            with np.errstate(invalid="ignore"):
                z = np.where(draw.bool(), np.minimum(z, 1.0), z) if z.ndim else z
            args = (z, x)
            if name == "sigmoid_cross_entropy_with_logits" and draw.int(0, 2) == 0:
                kwargs["pos_weight"] = draw.numbers(draw.pick([(), (classes,), draw.shape(1)]))
            if name == "binary_cross_entropy" and draw.int(0, 2) == 0:
                kwargs["eps"] = draw.pick([None, 1e-7, 0.0, 0.6])
        if name != "binary_cross_entropy":
            kwargs["return_grad"] = draw.bool()
    if name != "binary_cross_entropy":
        kwargs["n_jobs"] = draw.n_jobs()
    check(name, getattr(fastent, name), getattr(reference, name), args, kwargs)


#: ``missing`` values: the three policies (mostly those that take missing values), a bad one.
MISSING = ["error", "level", "drop", "level", "drop", "level", "drop", "bogus"]


def _pandas() -> Any:
    import pandas as pd

    return pd


def _holes(draw: Draw, x: Any) -> Any:
    """Labels with some values missing (NaN in a float array; None, NaN, ``pandas.NA`` or NaT
    in an object array), sometimes all of them; or ``x`` as it is."""
    if not (isinstance(x, np.ndarray) and x.ndim == 1 and x.size) or draw.int(0, 2) != 1:
        return x
    if x.dtype.kind == "f":
        out, fill = x.copy(), [np.nan]
    else:
        out = x.astype(object)
        fill = [None, np.nan, None, float("nan"), _pandas().NA, np.datetime64("NaT")]
    every = draw.int(1, 4)  # 1: every value missing
    for i in range(out.size):
        if draw.int(0, every - 1) == 0:
            out[i] = draw.pick(fill)
    return out


DISCRETE = [
    "entropy", "joint_entropy", "conditional_entropy", "mutual_info", "conditional_mutual_info",
    "normalized_mutual_info", "adjusted_mutual_info", "variation_of_information", "contingency",
]  # fmt: skip
ARITY = {"entropy": 1, "joint_entropy": 3, "conditional_mutual_info": 3, "contingency": 2}


def _discrete(draw: Draw) -> None:
    name = draw.pick(DISCRETE)
    n = draw.int(0, 60) if draw.int(0, 9) else draw.int(0, 3000)
    variables = tuple(
        draw.labels(n if draw.int(0, 15) else draw.int(0, 60)) for _ in range(ARITY.get(name, 2))
    )
    kwargs: dict[str, Any] = {"n_jobs": draw.n_jobs()}
    if name in ("normalized_mutual_info", "adjusted_mutual_info"):
        kwargs["average"] = draw.pick(["arithmetic", "geometric", "min", "max", "mean"])
    elif name != "contingency":
        kwargs["base"] = draw.base()
        if name != "variation_of_information":
            kwargs["estimator"] = draw.pick(
                ["plugin", "miller_madow", "shrinkage", "chao_shen", "ml"]
            )
    fast, ref = getattr(discrete, name), getattr(reference_discrete, name)
    if draw.int(0, 1):  # missing values and the missing argument
        variables = tuple(_holes(draw, v) for v in variables)
        kwargs["missing"] = draw.pick(MISSING)
        if name == "contingency" and kwargs["missing"] == "drop":
            # labels of mixed types that compare equal (True and 1) are one level, spelled as
            # whichever came first, and ordered among the others by type name: the counts of
            # each pair of levels are compared, not the spelling or the order of such levels
            fast, ref = _canonical(fast), _canonical(ref)
    if name == "adjusted_mutual_info" and _one_sample_per_label(variables, kwargs):
        fast, ref = _finite(fast), _finite(ref)
    check(name, fast, ref, variables, kwargs)


def _one_sample_per_label(variables: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether a labelling gives each (kept) sample its own label.  Every table with that margin
    has I = E[I] = H(other), so AMI's numerator is 0 and, for ``average="min"``, its denominator
    too: both are rounding noise, which scikit-learn's convention (each difference at least one
    eps from 0, with its sign) turns into +-1 or any ratio of two such noises."""
    try:
        table = reference_discrete.contingency(*variables, missing=kwargs.get("missing", "error"))[
            0
        ]
    except Exception:  # the call's own error is checked by check()
        return False
    return bool((table.sum(axis=0) == 1).all() or (table.sum(axis=1) == 1).all())


def _finite(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` reduced to whether its value is finite (its errors unchanged)."""

    def finite(*args: Any, **kwargs: Any) -> bool:
        return bool(np.isfinite(function(*args, **kwargs)))

    return finite


def _canonical(function: Callable[..., Any]) -> Callable[..., Any]:
    """``contingency`` with its levels as object arrays, each axis in one order (by type name,
    then repr; a bool as the int it equals): the dtype and order of the levels left out of the
    comparison (True and 1 are one level, spelled as either)."""

    def key(v: Any) -> tuple[str, str]:
        v = int(v) if isinstance(v, (bool, np.bool_)) else v
        return type(v).__name__, repr(v)

    def call(*args: Any, **kwargs: Any) -> Any:
        table, levels = function(*args, **kwargs)
        orders = [sorted(range(len(lv)), key=lambda i, lv=lv: key(lv[i])) for lv in levels]
        table = table[np.ix_(*orders)]
        return table, [
            np.asarray(lv, dtype=object)[order] for lv, order in zip(levels, orders, strict=True)
        ]

    return call


def _knn(draw: Draw, name: str) -> None:
    """The scikit-learn drop-ins (nearest-neighbour MI) against the brute-force reference."""
    rows, cols = draw.int(0, 60), draw.int(0, 4)
    X: Any = draw.numbers((rows, cols))
    if draw.int(0, 2) == 0 and X.size:  # ties: few distinct values
        X = np.round(np.asarray(X, dtype=np.float64))
    if name == "mutual_info_classif":
        y: Any = draw.labels(rows if draw.int(0, 15) else draw.int(0, 60))
    else:
        y = draw.numbers((rows if draw.int(0, 15) else draw.int(0, 60),))
    kwargs: dict[str, Any] = {
        "discrete_features": draw.pick(["auto", True, False, [0], [True] * cols, "x"]),
        "n_neighbors": draw.pick([3, 1, 2, 5, 0]),
        "random_state": draw.pick([0, 1, 7]),
        "n_jobs": draw.n_jobs(),
    }
    check(name, getattr(selection, name), getattr(reference_selection, name), (X, y), kwargs)


def _selection(draw: Draw) -> None:
    name = draw.pick(
        [
            "mutual_info_scores",
            "mutual_info_matrix",
            "select_features",
            "discretize",
            "mutual_info_classif",
            "mutual_info_regression",
        ]
    )
    if name in ("mutual_info_classif", "mutual_info_regression"):
        _knn(draw, name)
        return
    rows, cols = draw.int(0, 80), draw.int(0, 6)
    if draw.int(0, 3):  # integer codes (read in place), else floats (binned) or mixed
        X: Any = (
            np.stack([np.asarray(draw.labels(rows), dtype=object) for _ in range(cols)], 1)
            if (draw.int(0, 5) == 0 and rows and cols)
            else draw.layout(
                np.asarray(
                    draw.values(rows * cols, [0, 1, 2, 3, -1, 7, 2**40], random=False),
                    dtype=np.int64,
                )
                .astype(draw.pick(["i8", "i1", "u2", ">i4", "?"]))
                .reshape(rows, cols)
            )
        )
    else:
        X = draw.numbers((rows, cols))
    y = draw.labels(rows if draw.int(0, 15) else draw.int(0, 80))
    kwargs: dict[str, Any] = {"n_jobs": draw.n_jobs()}
    if name == "discretize":
        kwargs = {
            "n_bins": draw.pick([2, 3, 16, 1, 300]),
            "strategy": draw.pick(["quantile", "uniform", "kmeans"]),
        }
        check(name, selection.discretize, reference_selection.discretize, (X,), kwargs)
        return
    kwargs["estimator"] = draw.pick(["plugin", "miller_madow", "shrinkage", "chao_shen"])
    kwargs["n_bins"] = draw.pick([16, 2, 4])
    kwargs["base"] = draw.base()
    if draw.int(0, 3) == 0:
        kwargs["discrete"] = draw.pick([True, False, "auto", [0], [True] * cols, "x"])
    k = draw.pick([1, 2, cols, cols + 1, 0]) if name == "select_features" else 0
    if name == "select_features":
        kwargs["method"] = draw.pick(["mi", "mrmr", "jmi", "cmim"])
    if X.size and draw.int(0, 1):  # missing values, the new arguments, mutual_info_test, ...
        kwargs["missing"] = draw.pick(MISSING)
        if name != "mutual_info_matrix":
            rare = draw.int(0, 9) == 0
            kwargs["discrete_target"] = draw.pick(["yes", 1] if rare else [None, True, False])
            kwargs["adjusted"] = draw.pick([1, None] if rare else [False, True])
        X = _holes_2d(draw, X)
        y = _holes(draw, y)
        if name == "mutual_info_scores" and draw.int(0, 2) == 0:
            name = "mutual_info_test"
            for key in ("estimator", "base", "adjusted"):
                kwargs.pop(key)
        X = _container(draw, X)
    args: tuple[Any, ...] = (X,) if name == "mutual_info_matrix" else (X, y)
    if name == "select_features":
        args = (X, y, k)
    check(name, getattr(selection, name), getattr(reference_selection, name), args, kwargs)


def _holes_2d(draw: Draw, X: np.ndarray) -> np.ndarray:
    """X with some values missing: NaN in a float matrix; None, NaN or ``pandas.NA`` in an
    object one (an integer matrix becomes an object matrix); or X as is."""
    if X.size == 0 or draw.int(0, 2) != 1:
        return X
    if X.dtype.kind == "f":
        out, fill = X.copy(), [np.nan]
    else:
        out, fill = X.astype(object), [None, np.nan, _pandas().NA]
    every = draw.int(1, 5)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if draw.int(0, every - 1) == 0:
                out[i, j] = draw.pick(fill)
    return out


def _container(draw: Draw, X: np.ndarray) -> Any:
    """X as a pandas DataFrame (NumPy or nullable columns), a polars DataFrame (nulls where
    values are missing) or LazyFrame, a pyarrow Table, a scipy.sparse matrix; or as it is (also
    when the conversion fails or would hold Python objects)."""
    kind = draw.int(0, 9)
    if kind > 5 or X.size == 0:
        return X
    X = X.astype(X.dtype.newbyteorder("=") if X.dtype != np.float16 else np.float32)
    names = [f"c{j}" for j in range(X.shape[1])]
    try:
        if kind in (0, 1, 4):
            frame = _pandas().DataFrame(X, columns=names)
            if kind == 4:
                import pyarrow as pa

                table = pa.Table.from_pandas(frame)
                return table
            return frame.convert_dtypes() if kind == 1 else frame
        if kind in (2, 3):
            import polars as pl

            absent = reference_checks.missing_mask(X.ravel()).reshape(X.shape)
            if X.dtype.kind == "f":
                absent[:] = False  # NaN stays NaN in a float column
            columns = {
                name: [
                    None if m else v for v, m in zip(X[:, j].tolist(), absent[:, j], strict=True)
                ]
                for j, name in enumerate(names)
            }
            polars = pl.DataFrame(columns, strict=False)
            # columns of Python objects: polars cannot hand them to Arrow (left out)
            if any(dtype == pl.Object for dtype in polars.dtypes):
                return X
            return polars.lazy() if kind == 3 else polars
        if X.dtype.kind in "biuf":
            import scipy.sparse

            return scipy.sparse.csr_matrix(X)
    except Exception:  # a matrix the frame library cannot take: the array itself
        return X
    return X


#: The fuzz target of each family: a function of a ``Draw``.
FAMILIES: dict[str, Callable[[Draw], None]] = {
    "distributions": _probabilities,
    "logits": _logits,
    "discrete": _discrete,
    "selection": _selection,
}
