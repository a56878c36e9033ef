# SPDX-License-Identifier: BSD-3-Clause
"""fastent.selection against scikit-learn, fastent.discrete (column by column), the NumPy reference,
first-principles greedy selections, and bad inputs."""

import functools
import inspect
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from fastent import discrete as D
from fastent import selection as S
from fastent._core import codes as core_codes
from fastent._core import config as _config
from fastent.reference import selection as R

ESTIMATORS = ["plugin", "miller_madow", "shrinkage", "chao_shen"]
METHODS = ["mi", "mrmr", "jmi", "cmim"]
LAYOUTS = {
    "C": lambda a: np.ascontiguousarray(a),
    "F": np.asfortranarray,
    "strided": lambda a: np.repeat(a, 2, axis=1)[:, ::2],
    "row-strided": lambda a: np.repeat(a, 2, axis=0)[::2],
    "byteswapped": lambda a: a.astype(
        a.dtype.newbyteorder(">" if sys.byteorder == "little" else "<")
    ),
}


def per_column(X, y, **kw):
    """I(X_j; y) of every column by fastent.discrete.mutual_info (an independent code path)."""
    X = np.asarray(X)
    return np.array([D.mutual_info(X[:, j], y, **kw) for j in range(X.shape[1])])


@pytest.fixture(scope="module")
def digits():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_digits(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def digits_expected(digits):
    fs = pytest.importorskip("sklearn.feature_selection")
    X, y = digits
    return fs.mutual_info_classif(X, y, discrete_features=True)


# ---- 1. scores equal scikit-learn and fastent.discrete ----------------------------------------

DIGIT_VIEWS = {
    "int64": lambda X: X.astype(np.int64),
    "int8": lambda X: X.astype(np.int8),
    "uint8": lambda X: X.astype(np.uint8),
    "int32": lambda X: X.astype(np.int32),
    "uint16": lambda X: X.astype(np.uint16),
    "uint64": lambda X: X.astype(np.uint64),
    "float64": lambda X: X,  # with discrete=True
    "F-int64": lambda X: np.asfortranarray(X.astype(np.int64)),
    "F-int8": lambda X: np.asfortranarray(X.astype(np.int8)),
    "big-endian-int32": lambda X: X.astype(">i4"),
    "little-endian-int16": lambda X: X.astype("<i2"),
    "transposed-view": lambda X: np.ascontiguousarray(X.T.astype(np.int16)).T,
}


@pytest.mark.parametrize("view", DIGIT_VIEWS)
def test_digits_match_mutual_info_classif(simd_level, digits, digits_expected, view):
    X, y = digits
    Xv = DIGIT_VIEWS[view](X)
    assert_array_equal(Xv, X)
    discrete = True if Xv.dtype.kind == "f" else "auto"
    got = S.mutual_info_scores(Xv, y, discrete=discrete)
    assert got.dtype == np.float64
    assert got.shape == (X.shape[1],)
    assert_allclose(got, digits_expected, rtol=1e-12, atol=1e-12)


def test_digits_target_kinds(digits, digits_expected):
    pd = pytest.importorskip("pandas")
    X, y = digits
    Xi = X.astype(np.int8)
    labels = np.array(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
    for target in (
        y.astype(np.int8),
        y.astype(np.uint64) + np.uint64(2**63),
        y * 10**15 - 7,
        y.astype(float),
        y.astype(str),
        labels[y],
        labels[y].astype(object),
        pd.Categorical(labels[y], categories=labels),
        pd.Series(y + 100),
        list(y),
    ):
        got = S.mutual_info_scores(Xi, target)
        assert_allclose(got, digits_expected, rtol=1e-12, atol=1e-12, err_msg=repr(target[:3]))
    # nested lists for X
    got = S.mutual_info_scores(X.astype(int).tolist(), y)
    assert_allclose(got, digits_expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "index", [np.s_[:, ::2], np.s_[::2], np.s_[::3, 1::5], np.s_[::-1], np.s_[:, ::-1]], ids=str
)
def test_digits_non_contiguous(digits, index):
    fs = pytest.importorskip("sklearn.feature_selection")
    X, y = digits
    rows = index[0] if isinstance(index, tuple) else index
    expected = fs.mutual_info_classif(X[index], y[rows], discrete_features=True)
    for dtype in (np.int64, np.int8, ">i2"):
        full = X.astype(dtype)
        view = full[index]
        assert np.shares_memory(view, full)
        assert not view.flags.c_contiguous
        got = S.mutual_info_scores(view, y[rows])
        assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=str(dtype))


def test_digits_select_k_best(digits, digits_expected):
    fs = pytest.importorskip("sklearn.feature_selection")
    X, y = digits
    Xi = X.astype(np.int64)
    ours = fs.SelectKBest(score_func=lambda X, y: S.mutual_info_scores(X, y), k=10).fit(Xi, y)
    theirs = fs.SelectKBest(
        score_func=functools.partial(fs.mutual_info_classif, discrete_features=True), k=10
    ).fit(Xi, y)
    assert_array_equal(ours.get_support(), theirs.get_support())
    assert_allclose(ours.scores_, digits_expected, rtol=1e-12, atol=1e-12)
    assert_array_equal(ours.transform(Xi), theirs.transform(Xi))


def test_float_columns_are_binned_by_default(digits):
    # "auto" bins float columns, even integer-valued ones; discrete=True takes them as labels
    X, y = digits
    codes, _ = S.discretize(X, n_bins=7, strategy="uniform")
    assert_allclose(
        S.mutual_info_scores(X, y, n_bins=7, strategy="uniform"),
        per_column(codes, y),
        rtol=1e-12,
        atol=1e-14,
    )
    codes, _ = S.discretize(X)
    assert_allclose(S.mutual_info_scores(X, y), per_column(codes, y), rtol=1e-12, atol=1e-14)


# n > 2 * GUESS_SAMPLE: integer ranges are guessed from a sample of rows, and the last row is not in
# the sample (rows 0, step, 2 step, ...), so a value only there breaks the guess
N_SAMPLED = 3 * core_codes.GUESS_SAMPLE + 8
assert (N_SAMPLED - 1) % (N_SAMPLED // core_codes.GUESS_SAMPLE) != 0


WIDE = ("big-levels", "wide-range", "wide-range-copy", "last-row-big", "last-row-negative")


def tricky_columns(n, seed=0, wide=True):
    """Integer columns that stress range guessing and factorisation, and a target.

    ``wide=False`` leaves out the columns whose range is wider than 65536 and n (``WIDE``)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 5, n)
    flip = rng.random(n) < 0.3
    cols = {
        "negative": rng.integers(-50, 50, n),
        "noisy-copy": np.where(flip, rng.integers(-3, 8, n), y - 3),
        "constant": np.full(n, -7),
        "big-levels": (y + rng.integers(0, 2, n)) * 10**12,
        "big-offset": 10**12 + rng.integers(0, 6, n),
        "wide-range": rng.integers(-50, 50, n) * 20_000,  # wider than 65536 and than n
        "wide-range-copy": np.where(flip, 0, y * 300_000 - 10**6),
        "last-row-big": np.r_[rng.integers(0, 4, n - 1), 10**12],
        "last-row-negative": np.r_[y[:-1], -(10**12)],
        "last-row-just-out": np.r_[rng.integers(0, 4, n - 1), 4],
        "last-rows-wide": np.r_[y[:-2], 70_000, -70_000],
    }
    names = [name for name in cols if wide or name not in WIDE]
    return np.column_stack([cols[name] for name in names]).astype(np.int64), y, names


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("n", [300, N_SAMPLED])
def test_integer_columns_match_discrete_mutual_info(n, layout):
    X, y, names = tricky_columns(n)
    expected = per_column(X, y)
    got = S.mutual_info_scores(LAYOUTS[layout](X), y)
    for j, name in enumerate(names):
        assert got[j] == pytest.approx(expected[j], rel=1e-12, abs=1e-14), name
    assert_allclose(S.mutual_info_scores(X, y, n_jobs=1), expected, rtol=1e-12, atol=1e-14)


def test_wide_matrix_ranges_from_every_row():
    """A wide C-ordered matrix read whole for its ranges (8,000 rows: no sampling, so the ranges
    are taken as exact): a column whose extremes lie only in its last rows, or in a middle one,
    scores as column by column."""
    rng = np.random.default_rng(5)
    n, p = 8000, 700
    X = rng.integers(0, 4, (n, p))
    X[-1, 1], X[-2, 2], X[n // 2, 3] = 9, -6, 12
    y = rng.integers(0, 3, n)
    got = S.mutual_info_scores(X, y, n_jobs=1)
    assert_allclose(got[:8], per_column(X[:, :8], y), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("n", [300, N_SAMPLED])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32])
def test_small_integer_dtypes_full_range(n, dtype):
    rng = np.random.default_rng(1)
    info = np.iinfo(dtype)
    y = rng.integers(0, 4, n)
    X = rng.integers(info.min, int(info.max) + 1, (n, 4), dtype=np.int64).astype(dtype)
    X[:, 1] = (y * 7 + rng.integers(0, 3, n)).astype(dtype)  # a relevant column
    X[:, 2] = rng.integers(0, 3, n).astype(dtype)
    X[-1, 2] = info.max  # only in the last (unsampled) row
    X[-1, 3], X[-2, 3] = info.min, info.max
    expected = per_column(X, y)
    for layout in ("C", "F", "byteswapped"):
        got = S.mutual_info_scores(LAYOUTS[layout](X), y)
        assert_allclose(got, expected, rtol=1e-12, atol=1e-14, err_msg=layout)


@pytest.mark.parametrize("n", [300, N_SAMPLED])
def test_uint64_beyond_int64(n):
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, n)
    X = rng.integers(0, 5, (n, 3)).astype(np.uint64)
    X[-1, 0] = 2**64 - 1
    X[:, 1] = (y.astype(np.uint64) + 1) * np.uint64(2**62)
    expected = per_column(X, y)
    assert_allclose(S.mutual_info_scores(X, y), expected, rtol=1e-12, atol=1e-14)


# Some inputs make the current code allocate (or claim to allocate) huge tables or corrupt memory:
# they run in a child process with a 4 GiB address-space limit, so a failure cannot take the test
# session or the machine down with it.  Under ASan (its shadow memory reserves terabytes of
# address space) the limit is left off: the sanitizer guards the memory instead.
ISOLATED = """
import resource, sys, numpy as np
if "libasan" not in open("/proc/self/maps").read():
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from fastent import selection
data = dict(np.load(sys.argv[1] + "/in.npz"))
out = {}
for key in sorted(data):
    if not key.startswith("X"):
        continue
    name = key[1:]
    X, y = data[key], data["y" + name]
    try:
        if name.startswith("matrix"):
            out[name] = selection.mutual_info_matrix(X)
        else:
            out[name] = selection.mutual_info_scores(X, y, discrete_target=True)
    except Exception as exc:
        print(name, type(exc).__name__, str(exc)[:200])
np.savez(sys.argv[1] + "/out.npz", **out)
"""


def run_isolated(tmp_path, cases):
    """{name: result} of mutual_info_scores(X, y) (mutual_info_matrix(X) for names starting
    with "matrix") for ``cases`` = {name: (X, y)}, computed in a child process."""
    arrays = {}
    for name, (X, y) in cases.items():
        arrays["X" + name], arrays["y" + name] = X, y
    np.savez(tmp_path / "in.npz", **arrays)
    proc = subprocess.run(
        [sys.executable, "-c", ISOLATED, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"child process died ({proc.returncode}):\n{proc.stderr[-3000:]}"
    assert proc.stdout == "", f"errors in the child process:\n{proc.stdout}"
    return dict(np.load(tmp_path / "out.npz"))


def test_int64_extremes(tmp_path):
    """Columns holding INT64_MIN / INT64_MAX (ranges that overflow int64 arithmetic)."""
    imin, imax = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    cases, expected = {}, {}
    for n in (300, N_SAMPLED):
        rng = np.random.default_rng(3)
        y = rng.integers(0, 5, n)
        cols = [y.copy() for _ in range(6)]
        cols[0][0] = imax
        cols[1][0] = imin
        cols[2][0], cols[2][1] = imin, imax
        cols[3][-1] = imin  # not in the sampled rows when n > 2 * GUESS_ROWS
        cols[4][0] = 2**63 - 2
        X = np.column_stack(cols).astype(np.int64)  # cols[5]: y itself
        cases[f"n{n}"] = (X, y)
        expected[f"n{n}"] = per_column(X, y)
    got = run_isolated(tmp_path, cases)
    for name, value in expected.items():
        assert_allclose(got[name], value, rtol=1e-12, atol=1e-14, err_msg=name)


def test_high_cardinality_pairs(tmp_path):
    """An ID-like column (every value distinct) against a high-cardinality target, and in the
    pairwise matrix: fastent.discrete counts such pairs sparsely in O(n) memory."""
    n = 50_000
    rng = np.random.default_rng(24)
    ids = rng.permutation(n) * 3 - 70_000
    small = rng.integers(0, 3, n)
    X = np.column_stack([ids, small, (ids + small) % 1000])
    cases = {"scores": (X, ids), "matrix": (X, small)}
    got = run_isolated(tmp_path, cases)
    assert_allclose(got["scores"], per_column(X, ids), rtol=1e-12)
    p = X.shape[1]
    pairs = np.array([[D.mutual_info(X[:, i], X[:, j]) for j in range(p)] for i in range(p)])
    assert_allclose(got["matrix"], pairs, rtol=1e-12)


@pytest.mark.parametrize("n", [300, N_SAMPLED])
def test_bool_columns(n):
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, n)
    X = rng.random((n, 4)) < 0.3
    X[:, 1] = y == 2
    X[:, 2] = True
    X[:-1, 3] = False
    X[-1, 3] = True  # only the last row
    expected = per_column(X, y)
    for layout in ("C", "F", "strided"):
        assert_allclose(S.mutual_info_scores(LAYOUTS[layout](X), y), expected, rtol=1e-12, atol=0)
    assert_allclose(S.mutual_info_scores(X, y), per_column(X.astype(np.int8), y), rtol=1e-12)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_estimators_match_discrete(estimator):
    for X, y, _ in (tricky_columns(500, seed=5, wide=False), tricky_columns(N_SAMPLED, seed=5)):
        for base in (None, 2, 10):
            assert_allclose(
                S.mutual_info_scores(X, y, estimator=estimator, base=base),
                per_column(X, y, estimator=estimator, base=base),
                rtol=1e-12,
                atol=1e-14,
            )


def test_base_scales_nats():
    X, y, _ = tricky_columns(400, seed=6, wide=False)
    nats = S.mutual_info_scores(X, y)
    assert_allclose(S.mutual_info_scores(X, y, base=2), nats / math.log(2), rtol=1e-14)
    assert_allclose(S.mutual_info_scores(X, y, base=0.5), nats / math.log(0.5), rtol=1e-14)
    assert_allclose(S.mutual_info_scores(X, y, base=math.e), nats, rtol=1e-14)


# ---- 2. DataFrames ------------------------------------------------------------------------------


def mixed_frame(n=600, seed=7):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    levels = ["zeta", "alpha", "mid", "beta"]  # categories in no sorted order
    noisy = np.where(rng.random(n) < 0.3, rng.integers(0, 4, n), y)
    frame = pd.DataFrame(
        {
            "cat": pd.Categorical(np.array(levels)[noisy], categories=levels),
            "str": np.array(["a", "bb", "c", "dd"], dtype=object)[rng.integers(0, 4, n)],
            "flag": (y == 1) ^ (rng.random(n) < 0.2),
            "int": rng.integers(-5, 5, n) + y,
            "float": rng.normal(size=n) + y,
            "Int64": pd.array(rng.integers(0, 4, n), dtype="Int64"),
            "string": pd.array(
                np.array(["x", "yy", "z"])[(y + rng.integers(0, 2, n)) % 3], dtype="string"
            ),
        }
    )
    return frame, y


def frame_expected(frame, y, **kw):
    codes, _ = S.discretize(frame[["float"]].to_numpy())
    return np.array(
        [
            D.mutual_info(frame["cat"].cat.codes.to_numpy(), y, **kw),
            D.mutual_info(frame["str"].to_numpy(), y, **kw),
            D.mutual_info(frame["flag"].to_numpy(), y, **kw),
            D.mutual_info(frame["int"].to_numpy(), y, **kw),
            D.mutual_info(codes[:, 0], y, **kw),
            D.mutual_info(frame["Int64"].to_numpy(dtype=np.int64), y, **kw),
            D.mutual_info(frame["string"].to_numpy(dtype=object), y, **kw),
        ]
    )


@pytest.mark.parametrize("estimator", ["plugin", "chao_shen"])
def test_pandas_and_polars_frames(estimator):
    pl = pytest.importorskip("polars")
    frame, y = mixed_frame()
    expected = frame_expected(frame, y, estimator=estimator)
    got_pd = S.mutual_info_scores(frame, y, estimator=estimator)
    assert_allclose(got_pd, expected, rtol=1e-12, atol=1e-14)
    pframe = pl.from_pandas(frame)
    got_pl = S.mutual_info_scores(pframe, y, estimator=estimator)
    assert_allclose(got_pl, expected, rtol=1e-12, atol=1e-14)
    # target as a pandas Series / polars Series
    assert_allclose(
        S.mutual_info_scores(frame, frame["int"] * 0 + y, estimator=estimator), got_pd, atol=1e-15
    )
    assert_allclose(
        S.mutual_info_scores(pframe, pl.Series("y", y), estimator=estimator), got_pl, atol=1e-15
    )


def test_frames_select_features_names():
    pl = pytest.importorskip("polars")
    frame, y = mixed_frame()
    sel_pd = S.select_features(frame, y, 4, method="jmi")
    sel_pl = S.select_features(pl.from_pandas(frame), y, 4, method="jmi")
    assert_array_equal(sel_pd.indices, sel_pl.indices)
    assert sel_pd.names == [frame.columns[j] for j in sel_pd.indices]
    assert sel_pl.names == sel_pd.names
    assert_allclose(sel_pl.scores, sel_pd.scores, rtol=1e-12)
    # non-string column labels become strings
    renamed = frame.set_axis(list(range(10, 10 + frame.shape[1])), axis=1)
    sel = S.select_features(renamed, y, 3, method="mi")
    assert sel.names == [str(10 + j) for j in sel.indices]
    # arrays: indices as strings
    X, yy, _ = tricky_columns(300, wide=False)
    sel = S.select_features(X, yy, 5)
    assert sel.names == [str(j) for j in sel.indices]
    assert all(isinstance(name, str) for name in sel.names)


def test_frame_discrete_override():
    frame, y = mixed_frame()
    pd = pytest.importorskip("pandas")
    ints = pd.DataFrame({"a": frame["int"], "b": frame["int"] * 3})
    codes, _ = S.discretize(ints[["b"]].to_numpy(), n_bins=4)
    expected = [D.mutual_info(ints["a"].to_numpy(), y), D.mutual_info(codes[:, 0], y)]
    for discrete in (["a"], [0], [True, False], np.array([True, False]), [-2]):
        got = S.mutual_info_scores(ints, y, discrete=discrete, n_bins=4)
        assert_allclose(got, expected, rtol=1e-12, atol=1e-14, err_msg=str(discrete))


def _with_missing(kind):
    pd = pytest.importorskip("pandas")
    frame, y = mixed_frame()
    if kind == "float-nan":
        frame.loc[17, "float"] = np.nan
        return frame, y, "float"
    if kind == "float-inf":
        frame.loc[17, "float"] = np.inf
        return frame, y, "float"
    if kind == "object-none":
        frame["str"] = frame["str"].astype(object)
        frame.loc[17, "str"] = None
        return frame, y, "str"
    if kind == "Int64-NA":
        frame.loc[17, "Int64"] = pd.NA
        return frame, y, "Int64"
    if kind == "category-NaN":
        frame.loc[17, "cat"] = np.nan
        return frame, y, "cat"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["float-nan", "float-inf", "object-none", "Int64-NA", "category-NaN"]
)
def test_frame_missing_values_name_the_column(kind):
    frame, y, column = _with_missing(kind)
    for func in (
        lambda X: S.mutual_info_scores(X, y),
        lambda X: S.mutual_info_matrix(X),
        lambda X: S.select_features(X, y, 2),
    ):
        with pytest.raises(ValueError, match=rf"\b{column}\b") as info:
            func(frame)
        assert "17" in str(info.value)


@pytest.mark.parametrize("kind", ["float", "str", "int", "bool", "cat"])
def test_polars_nulls_name_the_column(kind):
    pl = pytest.importorskip("polars")
    frame, y = mixed_frame()
    pframe = pl.from_pandas(frame.drop(columns=["Int64"]))
    name = {"float": "float", "str": "str", "int": "int", "bool": "flag", "cat": "cat"}[kind]
    column = pframe.get_column(name)
    values = column.to_list()
    values[17] = None
    pframe = pframe.with_columns(pl.Series(name, values, dtype=column.dtype))
    assert pframe.get_column(name).null_count() == 1
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        S.mutual_info_scores(pframe, y)


def test_frame_y_nan_and_length():
    frame, y = mixed_frame()
    with pytest.raises(ValueError, match="y"):
        S.mutual_info_scores(frame, np.where(np.arange(y.size) == 3, np.nan, y))
    with pytest.raises(ValueError, match=r"600.*599|599.*600"):
        S.mutual_info_scores(frame, y[:-1])


def test_empty_frames():
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="X"):
        S.mutual_info_scores(pd.DataFrame(index=range(5)), np.arange(5))
    with pytest.raises(ValueError, match="X"):
        S.mutual_info_scores(pd.DataFrame({"a": np.array([], dtype=np.int64)}), [])


# ---- 3. discretize -------------------------------------------------------------------------------


def _kbins(n_bins, strategy):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    params = inspect.signature(preprocessing.KBinsDiscretizer).parameters
    kw = {"n_bins": n_bins, "encode": "ordinal", "strategy": strategy}
    if "subsample" in params:
        kw["subsample"] = None
    if "quantile_method" in params and strategy == "quantile":
        kw["quantile_method"] = "linear"  # NumPy's default, as fastent's quantiles
    return preprocessing.KBinsDiscretizer(**kw)


def continuous(n=1000, seed=8):
    # n - 1 = 999 = 27 * 37: no quantile edge for these n_bins falls exactly on a sample, so
    # rounding differences between np.percentile and np.quantile cannot move a code
    rng = np.random.default_rng(seed)
    return np.column_stack(
        [
            rng.normal(size=n),
            rng.exponential(size=n) * 1e6,
            rng.uniform(-5, 5, n),
            rng.standard_t(2, n),
            rng.normal(size=n).astype(np.float32).astype(np.float64),
        ]
    )


@pytest.mark.parametrize("n_bins", [2, 5, 16, 64, 100])
@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_discretize_matches_kbins(strategy, n_bins):
    X = continuous()
    kb = _kbins(n_bins, strategy).fit(X)
    codes, edges = S.discretize(X, n_bins=n_bins, strategy=strategy)
    assert codes.shape == X.shape
    assert codes.dtype == np.uint8
    assert_array_equal(codes, kb.transform(X).astype(np.int64))
    assert len(edges) == X.shape[1]
    for j, e in enumerate(edges):
        assert_allclose(e, kb.bin_edges_[j], rtol=1e-12, atol=0)
        assert e[0] == X[:, j].min()
        assert e[-1] == X[:, j].max()
        assert np.all(np.diff(e) > 0)
        assert e.size - 1 <= n_bins
        # the documented rule: edges[k] <= x < edges[k + 1], last bin closed
        c = codes[:, j].astype(np.intp)
        assert c.max() == e.size - 2
        assert np.all(e[c] <= X[:, j])
        inner = c < e.size - 2
        assert np.all(X[inner, j] < e[c[inner] + 1])
        assert np.all(X[~inner, j] <= e[-1])


@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_discretize_layouts_and_frames(strategy):
    pd = pytest.importorskip("pandas")
    X = continuous(seed=9)
    codes, edges = S.discretize(X, n_bins=8, strategy=strategy)
    for layout in LAYOUTS:
        c2, e2 = S.discretize(LAYOUTS[layout](X), n_bins=8, strategy=strategy)
        assert_array_equal(c2, codes, err_msg=layout)
        for a, b in zip(e2, edges, strict=True):
            assert_array_equal(a, b)
    c2, _ = S.discretize(pd.DataFrame(X, columns=list("abcde")), n_bins=8, strategy=strategy)
    assert_array_equal(c2, codes)
    c2, _ = S.discretize(X.astype(np.float32), n_bins=8, strategy=strategy)
    col = X[:, 2].astype(np.float32).astype(np.float64)
    c3, _ = S.discretize(col[:, None], n_bins=8, strategy=strategy)
    assert_array_equal(c2[:, 2], c3[:, 0])


def test_quantiles_from_sorted_columns_are_numpys():
    """The quantile edges read off sorted columns (``_linear_quantiles``) are ``np.quantile``'s,
    bit for bit: every column length up to 80 and a long one, quantiles falling on samples and
    halfway between them (the two forms of its interpolation), values of wide magnitudes."""
    from fastent.selection._binning import _linear_quantiles

    rng = np.random.default_rng(14)
    for n in [*range(1, 81), 10_001]:
        x = rng.normal(size=(n, 6)) * np.exp(rng.normal(0, 20, size=(n, 6)))
        for n_bins in (2, 3, 4, 7, 16, 100):
            got = _linear_quantiles(np.sort(x, axis=0), n_bins)
            expected = np.quantile(x, np.linspace(0.0, 1.0, n_bins + 1), axis=0)
            assert_array_equal(got, expected, err_msg=f"n={n}, n_bins={n_bins}")
            for j in range(x.shape[1]):  # one column, 1-D
                single = _linear_quantiles(np.sort(x[:, j]), n_bins)
                assert_array_equal(single, np.quantile(x[:, j], np.linspace(0.0, 1.0, n_bins + 1)))


def test_discretize_in_chunks_of_columns(monkeypatch):
    """Columns binned in several chunks (a small SORT_CHUNK) get the codes and edges of one
    chunk, with chunks of one column and of several, of columns of every kind, on one thread
    and on a pool of two (a chunk a thread)."""
    from fastent.selection import _binning

    rng = np.random.default_rng(15)
    n = 500
    X = np.column_stack(
        [
            rng.normal(size=n),
            rng.integers(0, 5, n),
            np.round(rng.normal(size=n), 1),
            np.full(n, 2.0),
            rng.exponential(size=n),
            rng.integers(0, 300, n),
        ]
    ).astype(float)
    for strategy in ("quantile", "uniform"):
        codes, edges = S.discretize(X, n_bins=8, strategy=strategy)
        monkeypatch.setattr(_binning, "POOL_MIN", 0)
        for chunk in (n, 2 * n, 4 * n, 100 * n):
            monkeypatch.setattr(_binning, "SORT_CHUNK", chunk)
            for c, e in (
                S.discretize(X, n_bins=8, strategy=strategy),
                _binning.bin_columns(X, 8, strategy, 2),
            ):
                assert_array_equal(c, codes)
                for a, b in zip(e, edges, strict=True):
                    assert_array_equal(a, b)
        monkeypatch.undo()


def test_discretize_many_bins_and_few_values():
    rng = np.random.default_rng(10)
    x = rng.normal(size=(5000, 1))
    codes, edges = S.discretize(x, n_bins=300)
    assert codes.dtype == np.uint16
    assert codes.max() == edges[0].size - 2 == 299
    codes, edges = S.discretize(np.arange(10.0)[:, None], n_bins=256)
    assert codes.max() == edges[0].size - 2
    # at most n_bins distinct values: one bin per value (scikit-learn's quantile edges would
    # merge 1 and 2 here: issue 11)
    few = np.column_stack([rng.integers(0, 3, 500), rng.integers(0, 40, 500)]).astype(float)
    for strategy in ("quantile", "uniform"):
        codes, edges = S.discretize(few, n_bins=16, strategy=strategy)
        assert_array_equal(codes[:, 0], few[:, 0].astype(int), err_msg=strategy)
        assert_array_equal(edges[0], [0.0, 0.5, 1.5, 2.0])
        for e in edges:
            assert np.all(np.diff(e) > 0)
            assert e.size - 1 <= 16
    # more values with ties: uniform bins are scikit-learn's; quantile bins hold whole values,
    # all 16 used, none empty, counts as even as whole values allow
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "bins whose width are too small"
        expected = _kbins(16, "uniform").fit(few[:, 1:]).transform(few[:, 1:])
    codes, _ = S.discretize(few[:, 1:], n_bins=16, strategy="uniform")
    assert_array_equal(codes[:, 0], expected[:, 0].astype(np.int64))
    codes, _ = S.discretize(few[:, 1], n_bins=16)
    assert np.unique(codes).size == 16
    for value in np.unique(few[:, 1]):
        assert np.unique(codes[few[:, 1] == value]).size == 1  # a value is never split
    assert np.bincount(codes).max() <= 2 * 500 / 16


def test_discretize_constant_column():
    X = np.column_stack([np.full(50, 3.5), np.linspace(0, 1, 50)])
    for strategy in ("quantile", "uniform"):
        codes, edges = S.discretize(X, n_bins=4, strategy=strategy)
        assert np.all(codes[:, 0] == 0)
        assert edges[0].size <= 2
        assert np.all(edges[0] == 3.5)
        assert np.unique(codes[:, 1]).size == 4


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_discretize_non_finite_names_column(bad):
    X = continuous(n=100)
    X[42, 3] = bad
    with pytest.raises(ValueError, match=r"column 3\b.*42"):
        S.discretize(X)
    with pytest.raises(ValueError, match=r"column 3\b"):
        S.mutual_info_scores(X, np.zeros(100, dtype=int))


@pytest.mark.parametrize(
    ("kw", "exc"),
    [
        ({"n_bins": 1}, ValueError),
        ({"n_bins": 0}, ValueError),
        ({"n_bins": -4}, ValueError),
        ({"n_bins": 65537}, ValueError),
        ({"n_bins": 2.5}, TypeError),
        ({"n_bins": "8"}, TypeError),
        ({"n_bins": True}, TypeError),
        ({"strategy": "kmeans"}, ValueError),
        ({"strategy": "Quantile"}, ValueError),
    ],
    ids=str,
)
def test_bad_binning(kw, exc):
    X = continuous(n=50)
    y = np.arange(50) % 2
    name = next(iter(kw))
    for func in (
        lambda: S.discretize(X, **kw),
        lambda: S.mutual_info_scores(X, y, **kw),
        lambda: S.mutual_info_matrix(X, **kw),
        lambda: S.select_features(X, y, 2, **kw),
    ):
        with pytest.raises(exc, match=name):
            func()


def test_discretize_string_column_names_column():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"x": [0.5, 1.5, 2.5], "label": ["a", "b", "c"]})
    with pytest.raises(TypeError, match="label"):
        S.discretize(frame)


# ---- 4. mutual_info_matrix -----------------------------------------------------------------------


def matrix_data(n=400, seed=11):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, n)
    return np.column_stack(
        [
            a,
            a,  # duplicate
            np.where(rng.random(n) < 0.3, rng.integers(0, 4, n), a) - 2,
            rng.integers(0, 7, n),
            rng.integers(0, 2, n) * 1000 - 10**12,
        ]
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_matrix_definition(estimator):
    X = matrix_data()
    p = X.shape[1]
    M = S.mutual_info_matrix(X, estimator=estimator)
    assert M.shape == (p, p)
    assert M.dtype == np.float64
    assert_array_equal(M, M.T)
    assert_allclose(M, R.mutual_info_matrix(X, estimator=estimator), rtol=1e-12, atol=1e-13)
    for i in range(p):
        for j in range(i + 1, p):
            assert M[i, j] == pytest.approx(
                D.mutual_info(X[:, i], X[:, j], estimator=estimator), rel=1e-12, abs=1e-13
            )
    # the diagonal is the entropy of each column (DESIGN.md 3.4, the docstring)
    diag = [D.entropy(X[:, j], estimator=estimator) for j in range(p)]
    assert_allclose(np.diag(M), diag, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("n", [300, N_SAMPLED])
def test_matrix_and_selection_with_wide_columns(n):
    X, y, names = tricky_columns(n, seed=22)
    X = X[:, [j for j, name in enumerate(names) if name != "constant"]]
    M = S.mutual_info_matrix(X)
    for i in range(X.shape[1]):
        for j in range(i, X.shape[1]):
            assert M[i, j] == pytest.approx(D.mutual_info(X[:, i], X[:, j]), rel=1e-12, abs=1e-14)
    for method in METHODS:
        sel = S.select_features(X, y, X.shape[1], method=method)
        ref = R.select_features(X, y, X.shape[1], method=method)
        assert_array_equal(sel.indices, ref.indices, err_msg=method)
        assert_allclose(sel.scores, ref.scores, rtol=0, atol=1e-10, err_msg=method)


def test_matrix_layouts_base_and_frames():
    pd = pytest.importorskip("pandas")
    X = matrix_data(seed=12)
    M = S.mutual_info_matrix(X)
    for layout in LAYOUTS:
        assert_allclose(S.mutual_info_matrix(LAYOUTS[layout](X)), M, rtol=1e-13, atol=1e-15)
    assert_allclose(S.mutual_info_matrix(X, base=2), M / math.log(2), rtol=1e-14)
    assert_allclose(S.mutual_info_matrix(X, n_jobs=1), M, rtol=1e-13, atol=1e-15)
    frame = pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])])
    assert_allclose(S.mutual_info_matrix(frame), M, rtol=1e-13, atol=1e-15)
    # a float column is binned, as in mutual_info_scores
    Xf = np.column_stack([X[:, :3], continuous(n=400)[:, :2]])
    codes = np.column_stack([X[:, :3], S.discretize(Xf[:, 3:])[0]])
    Mf = S.mutual_info_matrix(Xf, discrete=[0, 1, 2])
    assert_allclose(Mf, S.mutual_info_matrix(codes), rtol=1e-13, atol=1e-15)
    assert_allclose(Mf, R.mutual_info_matrix(Xf, discrete=[0, 1, 2]), rtol=1e-12, atol=1e-14)
    binned = S.discretize(Xf, n_bins=6, strategy="uniform")[0]
    assert_allclose(
        S.mutual_info_matrix(Xf, n_bins=6, strategy="uniform"),
        S.mutual_info_matrix(binned),
        rtol=1e-13,
        atol=1e-15,
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_constant_columns(estimator):
    rng = np.random.default_rng(23)
    n = 300
    y = rng.integers(0, 3, n)
    X = np.column_stack([np.full(n, 4), rng.integers(0, 3, n), np.zeros(n, dtype=np.int8)])
    scores = S.mutual_info_scores(X, y, estimator=estimator)
    assert_allclose(scores, per_column(X, y, estimator=estimator), rtol=1e-12, atol=1e-15)
    assert scores[0] == scores[2] == 0.0
    M = S.mutual_info_matrix(X, estimator=estimator)
    assert M[0, 0] == M[0, 1] == M[2, 2] == 0.0
    sel = S.select_features(X, y, 3, method="mrmr", estimator=estimator)
    assert sel.indices[0] == 1


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_reference_on_constant_columns(estimator):
    rng = np.random.default_rng(23)
    n = 300
    y = rng.integers(0, 3, n)
    X = np.column_stack([np.full(n, 4), rng.integers(0, 3, n)])
    assert_allclose(
        S.mutual_info_scores(X, y, estimator=estimator),
        R.mutual_info_scores(X, y, estimator=estimator),
        rtol=1e-12,
        atol=1e-15,
    )
    assert_allclose(
        S.mutual_info_matrix(X, estimator=estimator),
        R.mutual_info_matrix(X, estimator=estimator),
        rtol=1e-12,
        atol=1e-15,
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_scores_equal_reference(estimator):
    frame, y = mixed_frame()
    X, yy, names = tricky_columns(N_SAMPLED, seed=13)
    # constant columns: see test_reference_on_constant_columns
    X = X[:, [j for j, name in enumerate(names) if name != "constant"]]
    assert_allclose(
        S.mutual_info_scores(frame, y, estimator=estimator),
        R.mutual_info_scores(frame, y, estimator=estimator),
        rtol=1e-12,
        atol=1e-14,
    )
    assert_allclose(
        S.mutual_info_scores(X, yy, estimator=estimator, base=2),
        R.mutual_info_scores(X, yy, estimator=estimator, base=2),
        rtol=1e-12,
        atol=1e-12,
    )


# ---- 5. select_features --------------------------------------------------------------------------


def structured(seed, n=600):
    """Integer features with duplicates, noisy copies of the target and XOR interactions."""
    rng = np.random.default_rng(seed)
    a, b, t = rng.integers(0, 2, (3, n))
    y = (a ^ b) + 2 * t  # 4 classes: a and b matter only together
    flip = rng.random(n)
    noisy_t = np.where(flip < 0.2, 1 - t, t)
    cols = [
        rng.integers(0, 5, n),  # noise
        a,
        noisy_t,
        np.where(flip < 0.4, rng.integers(0, 4, n), y),  # noisy copy of y
        b,
        noisy_t,  # duplicate of column 2
        rng.integers(-3, 3, n) * 1000,  # noise, spread values
        np.where(rng.random(n) < 0.5, a, rng.integers(0, 2, n)),  # weak copy of a
        (a ^ b) ^ (rng.random(n) < 0.25),  # XOR part, noisy
        rng.random(n) < 0.5,  # noise bool
    ]
    X = np.column_stack(cols).astype(np.int64)
    if seed % 2:
        X = np.asfortranarray(X)
    return X, y


def first_principles(X, y, k, method, estimator):
    """The greedy selection restated with fastent.discrete, every term recomputed at every step."""
    X = np.asarray(X)
    p = X.shape[1]
    kw = {"estimator": estimator}
    rel = [float(D.mutual_info(X[:, j], y, **kw)) for j in range(p)]

    def pair_mi(j, s):  # I(X_j, X_s; y) of the pair's joint code
        if estimator == "shrinkage":  # the shrinkage target is the product alphabet
            return float(
                D.joint_entropy(X[:, j], X[:, s], **kw)
                + D.entropy(y, **kw)
                - D.joint_entropy(X[:, j], X[:, s], y, **kw)
            )
        lo = X[:, s].min()
        code = (X[:, j] - X[:, j].min()) * (X[:, s].max() - lo + 1) + (X[:, s] - lo)
        return float(D.mutual_info(code, y, **kw))

    picks, scores = [], []
    for _ in range(k):
        cand = [j for j in range(p) if j not in picks]
        if not picks or method == "mi":
            score = {j: rel[j] for j in cand}
        elif method == "mrmr":
            score = {
                j: rel[j] - np.mean([D.mutual_info(X[:, j], X[:, s], **kw) for s in picks])
                for j in cand
            }
        elif method == "jmi":
            score = {j: sum(pair_mi(j, s) for s in picks) for j in cand}
        else:
            score = {
                j: min(D.conditional_mutual_info(X[:, j], y, X[:, s], **kw) for s in picks)
                for j in cand
            }
        best = max(score.values())
        pick = min(j for j in cand if score[j] >= best - 1e-9 * max(1.0, abs(best)))
        picks.append(pick)
        scores.append(float(score[pick]))
    return np.array(picks), np.array(scores)


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("method", METHODS)
def test_select_matches_reference(method, estimator):
    for seed in (0, 1, 2):
        X, y = structured(seed)
        p = X.shape[1]
        full = S.select_features(X, y, p, method=method, estimator=estimator)
        ref = R.select_features(X, y, p, method=method, estimator=estimator)
        assert_array_equal(full.indices, ref.indices, err_msg=f"seed {seed}")
        assert_allclose(full.scores, ref.scores, rtol=0, atol=1e-10)
        assert_allclose(full.relevance, ref.relevance, rtol=1e-12, atol=1e-14)
        assert sorted(full.indices.tolist()) == list(range(p))
        assert full.indices.dtype == np.intp
        for k in range(1, p + 1):
            sel = S.select_features(X, y, k, method=method, estimator=estimator)
            assert_array_equal(sel.indices, full.indices[:k])
            assert_allclose(sel.scores, full.scores[:k], rtol=0, atol=1e-12)
        for k in (1, 3):
            ref = R.select_features(X, y, k, method=method, estimator=estimator, base=2)
            sel = S.select_features(X, y, k, method=method, estimator=estimator, base=2)
            assert_array_equal(sel.indices, ref.indices)
            assert_allclose(sel.scores, ref.scores, rtol=0, atol=1e-10)


@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_select_with_binned_columns_matches_reference(strategy):
    X, y = structured(11, n=500)
    Xf = np.column_stack([X[:, :6], continuous(n=500, seed=11)[:, :3] + y[:, None]])
    for method in METHODS:
        kw = {"method": method, "n_bins": 4, "strategy": strategy, "discrete": list(range(6))}
        sel = S.select_features(Xf, y, 7, **kw)
        ref = R.select_features(Xf, y, 7, **kw)
        assert_array_equal(sel.indices, ref.indices, err_msg=method)
        assert_allclose(sel.scores, ref.scores, rtol=0, atol=1e-10, err_msg=method)
        codes = np.column_stack([X[:, :6], S.discretize(Xf[:, 6:], n_bins=4, strategy=strategy)[0]])
        assert_array_equal(S.select_features(codes, y, 7, method=method).indices, sel.indices)


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("method", METHODS)
def test_select_first_principles(method, estimator):
    X, y = structured(3, n=300)
    X = X[:, :7]
    picks, scores = first_principles(X, y, 5, method, estimator)
    sel = S.select_features(X, y, 5, method=method, estimator=estimator)
    assert_array_equal(sel.indices, picks)
    assert_allclose(sel.scores, scores, rtol=0, atol=1e-10)
    assert sel.scores[0] == pytest.approx(max(sel.relevance), rel=1e-14)
    assert_allclose(
        sel.relevance, S.mutual_info_scores(X, y, estimator=estimator), rtol=1e-14, atol=0
    )


def test_select_first_principles_with_floats():
    frame, y = mixed_frame(n=400, seed=14)
    codes, _ = S.discretize(frame[["float"]].to_numpy(), n_bins=5)
    coded = np.column_stack(
        [
            frame["cat"].cat.codes.to_numpy(),
            np.unique(frame["str"].to_numpy(), return_inverse=True)[1],
            frame["flag"].to_numpy().astype(int),
            frame["int"].to_numpy(),
            codes[:, 0],
            frame["Int64"].to_numpy(dtype=np.int64),
            np.unique(frame["string"].to_numpy(dtype=object), return_inverse=True)[1],
        ]
    )
    for method in METHODS:
        picks, scores = first_principles(coded, y, 7, method, "plugin")
        sel = S.select_features(frame, y, 7, method=method, n_bins=5)
        assert_array_equal(sel.indices, picks, err_msg=method)
        assert_allclose(sel.scores, scores, rtol=0, atol=1e-10, err_msg=method)


def test_xor_interaction_separates_methods():
    rng = np.random.default_rng(15)
    n = 4000
    a = rng.integers(0, 2, n)
    b = (rng.random(n) < 0.1).astype(int)
    y = a ^ b  # I(a; y) large, I(b; y) = 0, I(b; y | a) = H(b)
    c = y ^ (rng.random(n) < 0.3)  # weakly relevant copy of y
    noise = rng.integers(0, 2, n)
    X = np.column_stack([a, b, c, noise])
    expected = {"mi": [0, 2], "mrmr": [0, 2], "jmi": [0, 1], "cmim": [0, 1]}
    for method, picks in expected.items():
        sel = S.select_features(X, y, 2, method=method)
        assert sel.indices.tolist() == picks, method
        assert sel.scores[0] == pytest.approx(D.mutual_info(a, y), rel=1e-12)
    jmi = S.select_features(X, y, 2, method="jmi")
    assert jmi.scores[1] == pytest.approx(D.mutual_info(2 * a + b, y), rel=1e-12)
    assert jmi.scores[1] == pytest.approx(D.entropy(y), rel=1e-12)  # (a, b) determines y
    cmim = S.select_features(X, y, 2, method="cmim")
    assert cmim.scores[1] == pytest.approx(D.conditional_mutual_info(b, y, a), rel=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_ties_go_to_lowest_index(method):
    rng = np.random.default_rng(16)
    n = 500
    y = rng.integers(0, 3, n)
    copy = np.where(rng.random(n) < 0.2, rng.integers(0, 3, n), y)
    noise = rng.integers(0, 3, (n, 2))
    X = np.column_stack([noise[:, 0], copy, noise[:, 1], copy, copy])
    sel = S.select_features(X, y, 5, method=method)
    assert sel.indices[0] == 1
    assert sel.scores[0] == pytest.approx(D.mutual_info(copy, y), rel=1e-14)
    order = sel.indices.tolist()
    assert order.index(3) < order.index(4)  # equal columns: the lower index first
    if method == "mi":
        assert order[:3] == [1, 3, 4]
    # every column identical: any method picks 0, 1, 2, ...
    same = np.repeat(copy[:, None], 4, axis=1)
    assert S.select_features(same, y, 4, method=method).indices.tolist() == [0, 1, 2, 3]


def record(calls, done, total):
    calls.append((done, total))


@pytest.mark.parametrize("method", METHODS)
def test_progress_callback(method):
    X, y = structured(4)
    for k in (1, 4, X.shape[1]):
        calls: list = []
        S.select_features(X, y, k, method=method, progress=functools.partial(record, calls))
        assert calls == [(i, k) for i in range(1, k + 1)]


def test_select_relevance_and_defaults():
    X, y = structured(5)
    sel = S.select_features(X, y, 3)
    assert isinstance(sel, S.Selection)
    assert_array_equal(sel.indices, S.select_features(X, y, 3, method="mrmr").indices)
    assert_allclose(sel.relevance, S.mutual_info_scores(X, y), rtol=1e-14, atol=0)
    assert sel.scores.dtype == np.float64
    assert sel.scores.shape == (3,)
    sel2 = S.select_features(X, y, 3, base=2)
    assert_allclose(sel2.scores, sel.scores / math.log(2), rtol=1e-13)
    assert_allclose(sel2.relevance, sel.relevance / math.log(2), rtol=1e-13)
    assert set(S.METHODS) == set(METHODS)
    assert set(S.STRATEGIES) == {"quantile", "uniform"}


@pytest.mark.parametrize(
    ("k", "exc"),
    [
        (11, ValueError),
        (100, ValueError),
        (0, ValueError),
        (-1, ValueError),
        (2.0, (TypeError, ValueError)),
        (2.5, (TypeError, ValueError)),
        ("3", TypeError),
        (None, TypeError),
    ],
    ids=repr,
)
def test_select_bad_k(k, exc):
    X, y = structured(6)
    with pytest.raises(exc, match="k"):
        S.select_features(X, y, k)


def test_select_integer_like_k_and_bad_method():
    X, y = structured(7)
    expected = S.select_features(X, y, 3).indices
    assert_array_equal(S.select_features(X, y, np.int64(3)).indices, expected)
    assert_array_equal(S.select_features(X, y, np.uint8(3)).indices, expected)
    for method in ("MRMR", "jmim", "", None):
        with pytest.raises(ValueError, match="method"):
            S.select_features(X, y, 2, method=method)


# ---- 6. threads, SIMD levels, inputs left alone --------------------------------------------------


@pytest.fixture(scope="module")
def large():
    rng = np.random.default_rng(17)
    n, p = 300_000, 20
    y = rng.integers(0, 4, n)
    X = rng.integers(0, 8, (n, p), dtype=np.int8)
    X[:, 3] = np.where(rng.random(n) < 0.5, y, X[:, 3])
    X[:, 7] = X[:, 3]
    X[:, 11] = y ^ X[:, 5] & 1
    return X, y


def test_n_jobs_identical(large):
    X, y = large
    Xf = np.asfortranarray(X)
    base = S.mutual_info_scores(X, y, n_jobs=1)
    sel1 = S.select_features(Xf, y, 4, method="cmim", n_jobs=1)
    for n_jobs in (2, -1, None):
        assert_array_equal(S.mutual_info_scores(X, y, n_jobs=n_jobs), base)
        assert_array_equal(S.mutual_info_scores(Xf, y, n_jobs=n_jobs), base)
        sel = S.select_features(Xf, y, 4, method="cmim", n_jobs=n_jobs)
        assert_array_equal(sel.indices, sel1.indices)
        assert_array_equal(sel.scores, sel1.scores)
    assert_allclose(base[[0, 3, 11]], per_column(X[:, [0, 3, 11]], y), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.int64, np.int8])
def test_f_order_range_guess(dtype):
    """F-ordered matrices take their range guess from runs of rows: values the runs miss (the
    extremes of every column placed between them and in the last rows) still count, as in C
    order and column by column."""
    from fastent._core import codes as core_codes

    rng = np.random.default_rng(3)
    n = 5 * core_codes.GUESS_SAMPLE + 37
    X = rng.integers(0, 6, (n, 5)).astype(dtype)
    y = rng.integers(0, 3, n)
    step, run = core_codes.guess_step(n), 64 // X.itemsize
    for j, row in enumerate([run + 1, step * run - 1, n - 1, n - run, 2 * run + 5]):
        X[row, j] = 40 + j  # outside the range of every sampled row
        X[row - 1, j] = -7
    Xf = np.asfortranarray(X)
    lo, hi, exact = core_codes.column_ranges(Xf, 1)
    assert not exact  # the guess misses them
    assert (hi < 40).all()
    assert (lo >= 0).all()
    assert_array_equal(S.mutual_info_scores(Xf, y, n_jobs=1), S.mutual_info_scores(X, y, n_jobs=1))
    assert_allclose(S.mutual_info_scores(Xf, y, n_jobs=1), per_column(X, y), rtol=1e-12)


def test_f_order_range_guess_memory():
    """The runs of an F-ordered matrix's range guess are copied a chunk of columns at a time."""
    import tracemalloc

    from fastent._core import codes as core_codes

    X = np.asfortranarray(np.random.default_rng(4).integers(-3, 9, (9_000, 5_000), dtype=np.int8))
    tracemalloc.start()
    lo, hi, exact = core_codes.column_ranges(X, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < core_codes.SAMPLE_BYTES + (1 << 20)  # the sample whole: 4096 x 5000 bytes
    assert not exact
    assert lo.shape == hi.shape == (5_000,)
    step, run = core_codes.guess_step(9_000), 64
    rows = (np.arange(0, 9_000 - run + 1, step * run)[:, None] + np.arange(run)).ravel()
    assert_array_equal(lo, X[rows].min(axis=0))
    assert_array_equal(hi, X[rows].max(axis=0))


def test_n_jobs_identical_matrix(large):
    X, _ = large
    sub = X[:100_000, :8]
    M1 = S.mutual_info_matrix(sub, n_jobs=1)
    for n_jobs in (2, -1, None):
        assert_array_equal(S.mutual_info_matrix(sub, n_jobs=n_jobs), M1)


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2", True])
def test_bad_n_jobs(n_jobs):
    X, y = structured(8, n=50)
    exc = ValueError if n_jobs == 0 else TypeError
    with pytest.raises(exc, match="n_jobs"):
        S.mutual_info_scores(X, y, n_jobs=n_jobs)


def test_simd_levels_identical(simd_level):
    X, y, _ = tricky_columns(N_SAMPLED, seed=18)
    rng = np.random.default_rng(18)
    small = rng.integers(0, 6, (20_000, 9)).astype(np.int8)
    ys = rng.integers(0, 3, 20_000)
    inputs = [
        (X, y),
        (np.asfortranarray(X), y),
        (small, ys),
        (np.asfortranarray(small), ys),
        (small[:, ::2], ys),
        (small.astype(np.uint16), ys),
        (small.astype(bool), ys),
    ]

    def run():
        out = [S.mutual_info_scores(a, b) for a, b in inputs]
        out.append(S.mutual_info_matrix(small))
        sel = S.select_features(small, ys, 5, method="jmi")
        out += [sel.indices, sel.scores]
        return out

    got = run()
    _config.set_simd_level("baseline")
    try:
        expected = run()
    finally:
        _config.set_simd_level(simd_level)
    for g, e in zip(got, expected, strict=True):
        assert_array_equal(g, e)
    assert_allclose(got[2], per_column(small, ys), rtol=1e-12, atol=1e-15)


def test_inputs_not_modified():
    pd = pytest.importorskip("pandas")
    X, y, _ = tricky_columns(N_SAMPLED, seed=19)
    Xb = X.astype(">i8")
    Xf = np.asfortranarray(continuous(n=N_SAMPLED, seed=19))
    frame, fy = mixed_frame()
    saved = [a.copy(order="K") for a in (X, y, Xb, Xf)]
    frame_saved = frame.copy(deep=True)
    fy_saved = fy.copy()
    for data in (X, Xb, Xf):
        S.mutual_info_scores(data, y)
        S.select_features(data, y, 3, method="cmim")
    S.discretize(Xf)
    S.mutual_info_matrix(X[:, :4])
    S.mutual_info_scores(frame, fy)
    S.select_features(frame, fy, 3, method="jmi")
    S.mutual_info_matrix(frame)
    for a, b in zip((X, y, Xb, Xf), saved, strict=True):
        assert_array_equal(a, b)
        assert a.dtype == b.dtype
        assert a.flags.c_contiguous == b.flags.c_contiguous
    assert Xb.dtype.byteorder == ">"
    pd.testing.assert_frame_equal(frame, frame_saved)
    assert_array_equal(fy, fy_saved)


def test_read_only_inputs():
    X, y, _ = tricky_columns(N_SAMPLED, seed=20)
    Xc = continuous(n=500)
    yc = np.arange(500) % 3
    expected = (
        S.mutual_info_scores(X, y),
        S.select_features(X, y, 4, method="mrmr").indices,
        S.mutual_info_matrix(X[:, :5]),
        S.mutual_info_scores(Xc, yc),
        S.discretize(Xc)[0],
    )
    for a in (X, y, Xc, yc):
        a.setflags(write=False)
    Xf = np.asfortranarray(X)
    Xf.setflags(write=False)
    assert_array_equal(S.mutual_info_scores(X, y), expected[0])
    assert_array_equal(S.mutual_info_scores(Xf, y), expected[0])
    assert_array_equal(S.select_features(X, y, 4, method="mrmr").indices, expected[1])
    assert_array_equal(S.mutual_info_matrix(X[:, :5]), expected[2])
    assert_array_equal(S.mutual_info_scores(Xc, yc), expected[3])
    assert_array_equal(S.discretize(Xc)[0], expected[4])


# ---- 7. bad inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "X",
    [
        np.arange(10),
        np.zeros((2, 5, 3), dtype=int),
        np.zeros((0, 3), dtype=int),
        np.zeros((5, 0), dtype=int),
        np.zeros((0, 0)),
        5,
        "abc",
    ],
    ids=["1-D", "3-D", "no rows", "no columns", "0x0", "scalar", "string"],
)
def test_bad_X_shapes(X):
    y = np.arange(np.shape(X)[0] if np.ndim(X) else 1) % 2
    with pytest.raises(ValueError, match="X"):
        S.mutual_info_scores(X, y)
    with pytest.raises(ValueError, match="X"):
        S.mutual_info_matrix(X)
    with pytest.raises(ValueError, match="X"):
        S.select_features(X, y, 1)
    if np.ndim(X) != 1:  # discretize bins a 1-D array as one column (issue 11)
        with pytest.raises(ValueError, match="X"):
            S.discretize(X)


def test_discretize_one_column():
    x = np.array([3.0, 1.0, 2.0, 1.0])
    codes, edges = S.discretize(x)
    assert codes.shape == (4,)
    assert codes.tolist() == [2, 0, 1, 0]
    assert edges.tolist() == [1.0, 1.5, 2.5, 3.0]
    two_d, two_d_edges = S.discretize(x[:, None], n_bins=3, strategy="uniform")
    assert_array_equal(S.discretize(x, n_bins=3, strategy="uniform")[0], two_d[:, 0])
    assert_array_equal(S.discretize(x, n_bins=3, strategy="uniform")[1], two_d_edges[0])


def test_y_length_mismatch_mentions_both():
    X = np.zeros((50, 3), dtype=int)
    for y in (np.zeros(49, dtype=int), np.zeros(51, dtype=int)):
        for func in (S.mutual_info_scores, lambda X, y: S.select_features(X, y, 2)):
            with pytest.raises(ValueError, match=rf"50\b.*\b{y.size}\b|{y.size}\b.*\b50\b"):
                func(X, y)


@pytest.mark.parametrize(
    "y",
    [
        np.r_[np.zeros(10), np.nan, np.zeros(9)],
        np.array([None] + ["a"] * 19, dtype=object),
        np.zeros((20, 2)),
        np.array([]),
    ],
    ids=["nan", "none", "2-D", "empty"],
)
def test_bad_y(y):
    X = np.zeros((20, 3), dtype=int)
    with pytest.raises(ValueError, match="y"):
        S.mutual_info_scores(X, y)
    with pytest.raises(ValueError, match="y"):
        S.select_features(X, y, 2)


def test_complex_X_is_type_error():
    X = np.ones((10, 2), dtype=complex)
    y = np.arange(10) % 2
    with pytest.raises(TypeError, match="X"):
        S.mutual_info_scores(X, y)
    with pytest.raises(TypeError):
        S.mutual_info_matrix(X)
    with pytest.raises(TypeError):
        S.select_features(X, y, 1)
    with pytest.raises(TypeError, match="y"):
        S.mutual_info_scores(np.ones((10, 2), dtype=int), y.astype(complex))


@pytest.mark.parametrize("estimator", ["ml", "Plugin", "", None])
def test_unknown_estimator(estimator):
    X, y = structured(9, n=50)
    for func in (
        lambda: S.mutual_info_scores(X, y, estimator=estimator),
        lambda: S.mutual_info_matrix(X, estimator=estimator),
        lambda: S.select_features(X, y, 2, estimator=estimator),
    ):
        with pytest.raises(ValueError, match="estimator"):
            func()


@pytest.mark.parametrize(
    ("base", "exc"),
    [
        (1, ValueError),
        (0, ValueError),
        (-2, ValueError),
        (np.nan, ValueError),
        (np.inf, ValueError),
        ("2", TypeError),
        (True, TypeError),
    ],
    ids=repr,
)
def test_bad_base(base, exc):
    X, y = structured(10, n=50)
    for func in (
        lambda: S.mutual_info_scores(X, y, base=base),
        lambda: S.mutual_info_matrix(X, base=base),
        lambda: S.select_features(X, y, 2, base=base),
    ):
        with pytest.raises(exc, match="base"):
            func()


def test_discrete_argument_forms():
    rng = np.random.default_rng(21)
    n = 400
    y = rng.integers(0, 3, n)
    X = np.column_stack(
        [rng.integers(0, 5, n), rng.normal(size=n) + y, rng.integers(-2, 2, n) + y]
    ).astype(float)
    raw = per_column(X[:, [0, 2]], y)
    binned = per_column(S.discretize(X)[0], y)
    expected = np.array([raw[0], binned[1], raw[1]])
    forms = [
        [0, 2],
        [2, 0],
        (0, -1),
        np.array([0, 2]),
        [np.int64(0), np.int32(2)],
        [True, False, True],
        np.array([True, False, True]),
    ]
    for discrete in forms:
        got = S.mutual_info_scores(X, y, discrete=discrete)
        assert_allclose(got, expected, rtol=1e-12, atol=1e-14, err_msg=repr(discrete))
    assert_allclose(S.mutual_info_scores(X, y, discrete=False), binned, rtol=1e-12, atol=1e-14)
    assert_allclose(S.mutual_info_scores(X, y, discrete="auto"), binned, rtol=1e-12, atol=1e-14)
    assert_allclose(S.mutual_info_scores(X, y, discrete=[]), binned, rtol=1e-12, atol=1e-14)
    # integer columns listed as continuous are binned
    Xi = X[:, [0, 2]].astype(np.int64)
    assert_allclose(
        S.mutual_info_scores(Xi, y, discrete=[False, False], n_bins=3),
        per_column(S.discretize(Xi, n_bins=3)[0], y),
        rtol=1e-12,
        atol=1e-14,
    )
    # continuous float values taken as labels: fastent.discrete's warning
    with pytest.warns(D.ContinuousLabelsWarning):
        S.mutual_info_scores(X, y, discrete=True)


@pytest.mark.parametrize(
    "discrete",
    [
        "yes",
        "all",
        [3],
        [-4],
        ["nope"],
        [1.5],
        [[0]],
        [None],
        [True, False],  # a mask of the wrong length
        [True, False, True, False],
        [0, True],  # indices mixed with bools
        None,
        2.5,
    ],
    ids=repr,
)
def test_discrete_junk(discrete):
    X = np.arange(30).reshape(10, 3) % 4
    y = np.arange(10) % 2
    with pytest.raises((ValueError, TypeError), match="discrete"):
        S.mutual_info_scores(X, y, discrete=discrete)


# ---- 8. properties -------------------------------------------------------------------------------


@st.composite
def small_problem(draw):
    n = draw(st.integers(1, 40))
    p = draw(st.integers(1, 5))
    X = draw(hnp.arrays(np.int64, (n, p), elements=st.integers(-3, 3)))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 3)))
    return X, y


@settings(deadline=None, max_examples=60)
@given(small_problem())
def test_scores_bounded_by_entropies(problem):
    X, y = problem
    scores = S.mutual_info_scores(X, y)
    hy = D.entropy(y)
    for j, s in enumerate(scores):
        assert 0.0 <= s <= min(D.entropy(X[:, j]), hy) + 1e-12
        assert s == pytest.approx(D.mutual_info(X[:, j], y), rel=1e-12, abs=1e-15)


@settings(deadline=None, max_examples=60)
@given(small_problem(), st.randoms(use_true_random=False))
def test_scores_permutation_invariance(problem, rnd):
    X, y = problem
    scores = S.mutual_info_scores(X, y)
    rows = list(range(X.shape[0]))
    rnd.shuffle(rows)
    assert_allclose(S.mutual_info_scores(X[rows], y[rows]), scores, rtol=1e-12, atol=1e-15)
    cols = list(range(X.shape[1]))
    rnd.shuffle(cols)
    assert_allclose(S.mutual_info_scores(X[:, cols], y), scores[cols], rtol=1e-12, atol=1e-15)
    M = S.mutual_info_matrix(X)
    assert_allclose(S.mutual_info_matrix(X[:, cols]), M[np.ix_(cols, cols)], rtol=1e-12, atol=1e-15)
