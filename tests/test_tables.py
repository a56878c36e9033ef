# SPDX-License-Identifier: BSD-3-Clause
"""Real tables: every DataFrame kind, sparse X, missing values, continuous targets,
chance-corrected scores and G-test p-values (issue 12), against hand-made NumPy equivalents,
scikit-learn and SciPy."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from fastent import discrete as D
from fastent import selection as S
from fastent._core import frames
from fastent._core.codes import ContinuousLabelsWarning
from fastent.reference import selection as R
from fastent.selection._columns import read_table

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")


def mixed_table(n=600, seed=0):
    """(pandas frame with int, string, float and bool columns, y, the same as NumPy codes)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    a = np.where(rng.random(n) < 0.7, y, rng.integers(0, 3, n))
    names = np.array(["red", "green", "blue", "gray"], dtype=object)
    s = names[(a + rng.integers(0, 2, n)) % 4]
    f = a + rng.normal(size=n)
    b = rng.random(n) < 0.3 + 0.2 * (y == 1)
    frame = pd.DataFrame({"a": a, "s": s, "f": f, "b": b})
    return frame, y


def numpy_scores(frame, y, **kwargs):
    """The scores of the same columns as plain NumPy arrays (strings factorised by hand)."""
    s_codes = np.unique(frame["s"].to_numpy(dtype=object).astype(str), return_inverse=True)[1]
    f_codes, _ = S.discretize(frame["f"].to_numpy(dtype=float))
    X = np.column_stack([frame["a"].to_numpy(), s_codes, f_codes, frame["b"].to_numpy()])
    return S.mutual_info_scores(X, y, **kwargs)


FRAME_KINDS = {
    "pandas numpy": lambda f: f,
    "pandas nullable": lambda f: f.convert_dtypes(),
    "pandas arrow": lambda f: f.astype(
        {"a": "int64[pyarrow]", "s": "string[pyarrow]", "f": "float64[pyarrow]"}
    ),
    "pandas categorical": lambda f: f.astype({"s": "category"}),
    "polars": lambda f: pl.from_pandas(f),
    "polars lazy": lambda f: pl.from_pandas(f).lazy(),
    "polars categorical": lambda f: pl.from_pandas(f).with_columns(
        pl.col("s").cast(pl.Categorical)
    ),
    "polars enum": lambda f: pl.from_pandas(f).with_columns(
        pl.col("s").cast(pl.Enum(["blue", "gray", "green", "red"]))
    ),
    "pyarrow table": lambda f: pa.table(f),
    "pyarrow record batch": lambda f: pa.RecordBatch.from_pandas(f, preserve_index=False),
    "arrow c stream": lambda f: ArrowStream(pa.table(f)),
}


class ArrowStream:
    """Any object that exports the Arrow C stream interface (as DuckDB or ADBC results do)."""

    def __init__(self, table):
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


@pytest.mark.parametrize("kind", FRAME_KINDS)
def test_every_frame_kind_equals_numpy(kind):
    frame, y = mixed_table()
    X = FRAME_KINDS[kind](frame)
    expected = numpy_scores(frame, y)
    assert_allclose(S.mutual_info_scores(X, y), expected, rtol=1e-12)
    assert_allclose(
        S.mutual_info_matrix(X).diagonal()[:2],
        S.mutual_info_matrix(frame).diagonal()[:2],
        rtol=1e-12,
    )
    picked = S.select_features(X, y, 3, method="jmi")
    assert picked.names == S.select_features(frame, y, 3, method="jmi").names
    assert picked.binned == ["f"]


INTEGER_FRAME_KINDS = {
    "pandas numpy": lambda f: f,
    "polars": lambda f: pl.from_pandas(f),
    "polars lazy": lambda f: pl.from_pandas(f).lazy(),
    "pyarrow table": lambda f: pa.table(f),
    "pyarrow record batch": lambda f: pa.RecordBatch.from_pandas(f, preserve_index=False),
    "arrow c stream": lambda f: ArrowStream(pa.table(f)),
}


@pytest.mark.parametrize("kind", INTEGER_FRAME_KINDS)
def test_integer_frames_are_read_as_one_array(kind, monkeypatch):
    """A frame whose columns are all integers without gaps (int8 to int64 and uint32 side by
    side) is read as one 2-D array, not a column at a time, and scores as its NumPy array does
    (and as the reference), its column names kept; a gap, a UInt64 or a float column, or more
    rows than ``MATRIX_ROWS``, send it back to the column path."""
    rng = np.random.default_rng(12)
    n = 700
    y = rng.integers(0, 3, n)
    frame = pd.DataFrame(
        {
            "small": (y + rng.integers(0, 2, n)).astype(np.int8),
            "wide": (y * 1000 + rng.integers(-5, 5, n)).astype(np.int64),
            "u32": (rng.integers(0, 4, n) + 2**31).astype(np.uint32),
            "i16": np.where(rng.random(n) < 0.6, y, 7).astype(np.int16),
        }
    )
    X = INTEGER_FRAME_KINDS[kind](frame)
    table = read_table(X)
    assert table.arr is not None
    assert table.arr.shape == (n, 4)
    assert table.names == ["small", "wide", "u32", "i16"]
    scores = S.mutual_info_scores(X, y)
    assert_array_equal(scores, S.mutual_info_scores(frame.to_numpy(), y))
    assert_allclose(scores, R.mutual_info_scores(frame.to_numpy(), y), rtol=1e-12)
    assert S.select_features(X, y, 2).names == S.select_features(frame, y, 2).names
    others = {
        "a gap": pl.from_pandas(frame).with_columns(
            pl.when(pl.col("wide") > 1000).then(None).otherwise(pl.col("wide")).alias("wide")
        ),
        "UInt64": frame.astype({"u32": np.uint64}),
        "a float column": frame.astype({"i16": np.float64}),
        "nullable Int64 (pandas)": frame.convert_dtypes(),
    }
    for name, other in others.items():
        assert read_table(other).arr is None, name
    monkeypatch.setattr(frames, "MATRIX_ROWS", n - 1)
    assert read_table(X).arr is None


CONTINUOUS_KINDS = {
    "numpy": lambda f: f.to_numpy(dtype=float),
    "pandas": lambda f: f,
    "polars": lambda f: pl.from_pandas(f),
    "pyarrow": lambda f: pa.table(f),
}


@pytest.mark.parametrize("kind", CONTINUOUS_KINDS)
def test_continuous_columns_are_binned_together(kind, monkeypatch):
    """The continuous columns of numbers without gaps (floats, integers marked continuous) are
    binned in one call, the others (a gap, inf) a column at a time, and every score is the
    reference's (which bins each column alone), the kept values (``continuous="knn"``) too."""
    from fastent.selection import _columns

    rng = np.random.default_rng(16)
    n = 900
    y = rng.integers(0, 3, n)
    frame = pd.DataFrame(
        {
            "normal": y + rng.normal(size=n),
            "ties": np.round(y + rng.normal(size=n), 1),
            "few": (y + rng.integers(0, 3, n)).astype(float),
            "ints": y * 100 + rng.integers(0, 90, n),
            "gap": np.where(rng.random(n) < 0.1, np.nan, y * rng.exponential(size=n)),
            "heavy": np.where(rng.random(n) < 0.4, 0.0, y + rng.normal(size=n)),
        }
    )
    X = CONTINUOUS_KINDS[kind](frame)
    calls = []
    real = _columns.bin_columns

    def spy(*args):
        codes, edges = real(*args)
        calls.append(sum(e is not None for e in edges))  # the columns binned
        return codes, edges

    monkeypatch.setattr(_columns, "bin_columns", spy)
    kw = {"discrete": False, "missing": "level"}
    scores = S.mutual_info_scores(X, y, **kw)
    assert calls == [5]  # in one call; "gap" (NaN) alone, through the column path
    expected = R.mutual_info_scores(frame.to_numpy(dtype=float), y, **kw)
    assert_allclose(scores, expected, rtol=1e-12, atol=1e-15)
    clean = frame.drop(columns="gap")
    kw = {"discrete": False, "continuous": "knn"}
    knn = S.mutual_info_scores(CONTINUOUS_KINDS[kind](clean), y, **kw)
    assert_allclose(knn, S.mutual_info_scores(clean.to_numpy(dtype=float), y, **kw), rtol=1e-12)
    kw = {"discrete": False, "missing": "level"}
    frame.loc[5, "ties"] = np.inf
    with pytest.raises(ValueError, match=r"column (ties|1) has a non-finite value at row 5"):
        S.mutual_info_scores(CONTINUOUS_KINDS[kind](frame), y, **kw)


def test_binning_a_table_copies_a_chunk_at_a_time(monkeypatch):
    """Binning continuous columns copies, sorts and checks a chunk of columns at a time (no
    float64 copy or NaN mask of the whole table): the peak memory of scoring or discretizing a
    64 MB float64 table (int64 too: it is converted a chunk at a time) stays near its codes."""
    from fastent.selection import _binning

    monkeypatch.setattr(_binning, "SORT_CHUNK", 1 << 17)  # 1 MB chunks
    rng = np.random.default_rng(19)
    n, p = 20_000, 400
    y = rng.integers(0, 2, n)
    for X in (rng.normal(size=(n, p)), rng.integers(0, 10**6, (n, p))):
        for run, kwargs in (
            (S.mutual_info_scores, {"y": y, "discrete": False, "n_jobs": 1}),
            (S.discretize, {}),
        ):
            tracemalloc.start()
            try:
                run(X, **kwargs)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            assert peak < 0.3 * n * p * 8, (X.dtype, peak / (n * p * 8))


@pytest.mark.parametrize("kind", ["pandas", "polars", "polars lazy", "pyarrow"])
def test_float_columns_are_read_as_one_array(kind, monkeypatch):
    """A frame's float columns (float64 and float32, NaN and null in them) are read as one 2-D
    array, the others a column at a time, and every score, binned or as labels, with gaps as a
    level or dropped, and every missing-value error, is the column path's: NaN and null are
    both missing there too."""
    rng = np.random.default_rng(17)
    n = 600
    y = rng.integers(0, 3, n)
    gaps = np.where(rng.random(n) < 0.1, np.nan, y + rng.normal(size=n))
    frame = pd.DataFrame(
        {
            "gaps": gaps,
            "label": np.array(["u", "v", "w"])[(y + rng.integers(0, 2, n)) % 3],
            "f32": (y + rng.normal(size=n)).astype(np.float32),
            "levels": (y + rng.integers(0, 2, n)).astype(float),
        }
    )
    if kind == "pandas":
        X = frame
    else:
        X = pl.from_pandas(frame, nan_to_null=False).with_columns(  # NaN in "gaps", null here
            pl.when(pl.int_range(pl.len()) % 11 == 0).then(None).otherwise("levels").alias("levels")
        )
        X = {"polars": X, "polars lazy": X.lazy(), "pyarrow": X.to_arrow()}[kind]
    read = frames.as_frame(X, "X")
    assert sorted(read.float_columns()) == [0, 2, 3]
    results = []
    for route in ("matrix", "columns"):
        if route == "columns":
            monkeypatch.setattr(frames.Frame, "float_columns", lambda self: {})
        got = []
        for discrete in (["label"], ["label", "levels"], ["label", "gaps", "levels"]):
            for missing in ("level", "drop", "error"):
                try:
                    with warnings.catch_warnings():  # "gaps" as labels looks continuous
                        warnings.simplefilter("ignore", ContinuousLabelsWarning)
                        got.append(S.mutual_info_scores(X, y, discrete=discrete, missing=missing))
                except ValueError as err:
                    got.append(str(err))
        results.append(got)
    assert sum(isinstance(r, str) for r in results[0]) == 3  # missing="error"
    for a, b in zip(*results, strict=True):
        if isinstance(a, str):
            assert a == b
        else:
            assert_array_equal(a, b)
    monkeypatch.undo()
    if kind == "pandas":  # labels that are not strings: the columns taken by position
        labels = frame.set_axis([0, 1.5, ("t", 1), None], axis=1)
        assert_array_equal(
            S.mutual_info_scores(labels, y, discrete=[1], missing="level"), results[0][0]
        )


def test_series_of_every_kind_as_labels():
    frame, y = mixed_table(300)
    s = frame["s"]
    expected = D.mutual_info(s.to_numpy(dtype=object), y)
    for labels in (
        s.astype("string[pyarrow]"),
        s.astype("category"),
        pl.Series(s.tolist()),
        pl.Series(s.tolist()).cast(pl.Categorical),
        pa.chunked_array([s.tolist()[:100], s.tolist()[100:]]),
        pa.array(s.tolist()),
    ):
        assert D.mutual_info(labels, y) == pytest.approx(expected, rel=1e-12)
        _counts, levels = D.contingency(labels, y)
        assert levels[0].tolist() == ["blue", "gray", "green", "red"]


def test_import_is_light_and_narwhals_loads_with_a_frame():
    code = (
        "import sys, fastent, numpy as np\n"
        "from fastent import selection\n"
        "heavy = ('narwhals', 'pandas', 'polars', 'pyarrow', 'scipy')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "selection.mutual_info_scores(np.eye(3, dtype=int), [0, 1, 1])\n"
        "assert 'narwhals' not in sys.modules\n"
        "import polars as pl\n"
        "selection.mutual_info_scores(pl.DataFrame({'a': [0, 1, 1]}), [0, 1, 1])\n"
        "assert 'narwhals' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_dask_collections_are_refused_never_computed():
    dd = pytest.importorskip("dask.dataframe")
    da = pytest.importorskip("dask.array")
    import dask

    calls = []

    def part(i):
        calls.append(i)
        return pd.DataFrame({"a": [0, 1, 1, 0]})

    ddf = dd.from_delayed([dask.delayed(part)(i) for i in range(2)], meta={"a": "int64"})
    arr = da.from_array(np.eye(4, dtype=int), chunks=2)
    for X in (ddf, arr):
        with pytest.raises(TypeError, match=r"Dask collection.*\.compute\(\)"):
            S.mutual_info_scores(X, [0, 1, 1, 0])
    with pytest.raises(TypeError, match="Dask collection"):
        S.mutual_info_scores(np.eye(4, dtype=int), ddf["a"])
    with pytest.raises(TypeError, match="Dask collection"):
        D.entropy(ddf["a"])
    assert calls == []


def test_torch_tensors():
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(1).integers(0, 3, (200, 4))
    y = X[:, 0] ^ 1
    assert_allclose(
        S.mutual_info_scores(torch.from_numpy(X), torch.from_numpy(y)), S.mutual_info_scores(X, y)
    )
    with pytest.raises(TypeError, match=r"requires grad: pass X\.detach\(\)"):
        S.mutual_info_scores(torch.zeros((3, 2), requires_grad=True), [0, 1, 0])


# ---- sparse X -----------------------------------------------------------------------------------


def sparse_counts(n=3000, p=40, seed=2):
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = sp.random(
        n,
        p,
        density=0.05,
        random_state=seed,
        format="csr",
        data_rvs=lambda k: rng.integers(1, 4, k),
    )
    X = X.tolil()
    for j in range(5):  # columns that carry y (token counts that depend on the class)
        rows = np.flatnonzero((y == j % 3) & (rng.random(n) < 0.5))
        X[rows, j] = 1 + j % 2
    X[0, p - 1] = 0  # an explicit zero
    return X.tocsr(), y


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_equals_dense_and_scikit_learn(fmt):
    from sklearn.feature_selection import mutual_info_classif

    X, y = sparse_counts()
    X = X.asformat(fmt)
    got = S.mutual_info_scores(X, y)
    assert_allclose(got, S.mutual_info_scores(X.toarray(), y), rtol=1e-12, atol=1e-15)
    assert_allclose(
        got, mutual_info_classif(X.tocsr(), y, discrete_features=True), rtol=1e-10, atol=1e-15
    )
    dense = X.toarray()
    for method in ("mrmr", "jmi", "cmim"):
        a, b = (
            S.select_features(X, y, 6, method=method),
            S.select_features(dense, y, 6, method=method),
        )
        assert_array_equal(a.indices, b.indices)
        assert_allclose(a.scores, b.scores, rtol=1e-10, atol=1e-14)
    assert_allclose(S.mutual_info_matrix(X), S.mutual_info_matrix(dense), rtol=1e-10, atol=1e-14)


def test_sparse_is_not_densified():
    sp = pytest.importorskip("scipy.sparse")
    n, p = 200_000, 400
    X = sp.random(n, p, density=0.002, random_state=0, format="csc", dtype=np.float64)
    X.data[:] = 1.0
    y = np.random.default_rng(0).integers(0, 2, n)
    tracemalloc.start()
    S.mutual_info_scores(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    dense_bytes = n * p * 8
    assert peak < dense_bytes / 20, (peak, dense_bytes)  # O(nnz + n + tables), not O(n p)


def test_sparse_with_explicit_nan():
    X, y = sparse_counts(500, 6)
    X = X.tocsc().astype(float)
    X.data[3] = np.nan
    j = int(np.searchsorted(X.indptr, 3, side="right") - 1)
    with pytest.raises(ValueError, match=rf"missing values .*in column {j} \(1 of 500 rows"):
        S.mutual_info_scores(X, y)
    dense = X.toarray()
    assert_allclose(
        S.mutual_info_scores(X, y, missing="level"),
        S.mutual_info_scores(dense, y, missing="level", discrete=True),
        rtol=1e-12,
    )
    assert_allclose(
        S.mutual_info_scores(X, y, missing="drop"),
        S.mutual_info_scores(dense, y, missing="drop", discrete=True),
        rtol=1e-12,
    )


# ---- missing values -----------------------------------------------------------------------------


MISSING_KINDS = {
    "NaN": lambda v: pd.Series(v, dtype=object).where(v != "gap", np.nan),
    "None": lambda v: pd.Series(v, dtype=object).where(v != "gap", None),
    "pd.NA": lambda v: pd.Series(v, dtype="string").where(v != "gap", pd.NA),
    "arrow null": lambda v: pa.array([None if x == "gap" else x for x in v]),
    "polars null": lambda v: pl.Series([None if x == "gap" else x for x in v]),
    "NaT": None,
}


def gappy(n=400, seed=5):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = np.array(["p", "q", "r"], dtype=object)[
        np.where(rng.random(n) < 0.6, y, rng.integers(0, 3, n))
    ]
    x[rng.random(n) < 0.15] = "gap"
    return x, y


@pytest.mark.parametrize("kind", [k for k in MISSING_KINDS if MISSING_KINDS[k]])
def test_discrete_missing_policies(kind):
    x, y = gappy()
    labels = MISSING_KINDS[kind](x)
    present = x != "gap"
    with pytest.raises(
        ValueError, match=r"x\[\d+\] is missing \(and \d+ more\); pass missing='level'"
    ):
        D.mutual_info(labels, y)
    assert D.mutual_info(labels, y, missing="drop") == pytest.approx(
        D.mutual_info(x[present], y[present]), rel=1e-12
    )
    assert D.mutual_info(labels, y, missing="level") == pytest.approx(
        D.mutual_info(x, y), rel=1e-12
    )
    assert D.entropy(labels, missing="drop") == pytest.approx(D.entropy(x[present]), rel=1e-12)
    counts, levels = D.contingency(labels, y, missing="level")
    assert levels[0][-1] is None
    assert counts[-1].sum() == (~present).sum()
    z = y[::-1].copy()
    assert D.conditional_mutual_info(labels, y, z, missing="drop") == pytest.approx(
        D.conditional_mutual_info(x[present], y[present], z[present]), rel=1e-12
    )


def test_nat_is_missing():
    t = np.array(["2020-01-01", "2021-01-01", "NaT", "2020-01-01"], dtype="datetime64[D]")
    assert D.entropy(t, missing="drop") == pytest.approx(D.entropy(t[[0, 1, 3]]))
    with pytest.raises(ValueError, match=r"x\[2\] is missing"):
        D.entropy(t)


def test_selection_missing_drop_is_pairwise_and_level_is_a_level():
    frame, y = mixed_table(500, seed=7)
    rng = np.random.default_rng(7)
    gaps = {c: rng.random(len(frame)) < 0.1 for c in ("a", "s", "f")}
    holed = frame.astype({"a": "Int64"}).copy()
    for c, g in gaps.items():
        holed.loc[g, c] = None if c != "f" else np.nan
    with pytest.raises(ValueError, match="missing values") as err:
        S.mutual_info_scores(holed, y)
    message = str(err.value)
    assert "in 3 columns" in message
    for c, g in gaps.items():
        assert f"column {c} ({g.sum()} of 500 rows" in message
    assert "missing='level'" in message
    assert "missing='drop'" in message
    y_gaps = np.where(np.arange(500) % 50 == 3, np.nan, y)
    with pytest.raises(ValueError, match=r"in 4 columns: .*the target y \(10 of 500 rows"):
        S.mutual_info_scores(holed, y_gaps)
    got = S.mutual_info_scores(holed, y, missing="drop")
    for j, c in enumerate(frame.columns):
        keep = ~gaps.get(c, np.zeros(len(frame), dtype=bool))
        one = frame[[c]][keep]
        assert got[j] == pytest.approx(S.mutual_info_scores(one, y[keep])[0], rel=1e-12), c
    # level: the missing rows as one more level of their own (binned floats: one more bin)
    level = S.mutual_info_scores(holed, y, missing="level")
    a = np.where(gaps["a"], -1, frame["a"])
    s = np.where(gaps["s"], "<missing>", frame["s"])
    f_codes = np.full(len(frame), 99)
    f_codes[~gaps["f"]] = S.discretize(frame["f"][~gaps["f"]].to_numpy())[0]
    hand = S.mutual_info_scores(
        np.column_stack([a, np.unique(s, return_inverse=True)[1], f_codes, frame["b"]]), y
    )
    assert_allclose(level, hand, rtol=1e-12)
    # a target with gaps: rows where it is missing leave every score
    y_gappy = y.astype(float)
    y_gappy[:40] = np.nan
    dropped = S.mutual_info_scores(frame, y_gappy, missing="drop", discrete_target=True)
    assert_allclose(dropped, S.mutual_info_scores(frame.iloc[40:], y[40:]), rtol=1e-12)


@pytest.mark.parametrize("method", ["mrmr", "jmi", "cmim"])
def test_select_features_missing_drop_matches_hand_dropped_terms(method):
    """Every greedy term on the rows where its variables are present: checked on data where the
    gaps of all columns fall on the same rows (then every term's rows are those rows)."""
    frame, y = mixed_table(500, seed=8)
    gap = np.random.default_rng(8).random(500) < 0.2
    holed = frame.copy()
    holed.loc[gap, ["s", "f"]] = np.nan
    holed.loc[gap, "a"] = None
    holed = holed.astype({"a": "Int64"})
    got = S.select_features(holed[["a", "s", "f"]], y, 3, method=method, missing="drop")
    # only column b is complete: without it every term's rows are the rows without gaps
    want = S.select_features(frame[["a", "s", "f"]][~gap], y[~gap], 3, method=method)
    assert got.names == want.names
    assert_allclose(got.scores, want.scores, rtol=1e-10)


def test_bad_missing_argument():
    for call in (
        lambda: D.entropy([1, 2], missing="ignore"),
        lambda: S.mutual_info_scores([[1], [2]], [0, 1], missing=None),
        lambda: S.select_features([[1], [2]], [0, 1], 1, missing="omit"),
    ):
        with pytest.raises(
            ValueError, match=r"missing must be one of \('error', 'level', 'drop'\)"
        ):
            call()


# ---- continuous targets -------------------------------------------------------------------------


def test_diabetes_target_is_continuous():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_diabetes(return_X_y=True, scaled=False)
    assert np.unique(y).size == 214
    assert np.all(y == np.round(y))
    got = S.mutual_info_scores(X, y)
    codes, _ = S.discretize(y)
    assert_allclose(got, S.mutual_info_scores(X, codes), rtol=1e-12)
    as_classes = S.mutual_info_scores(X, y, discrete_target=True)
    assert (as_classes > 1.5).sum() >= 8  # estimation bias of 214 classes in 442 rows
    assert got.max() < 0.5
    picked = S.select_features(X, y, 3)
    assert picked.target_binned
    assert not S.select_features(X, y, 3, discrete_target=True).target_binned
    # strings and bools are labels whatever their count
    ids = np.array([f"id{i}" for i in range(442)])
    assert not S.select_features(X, ids, 1, method="mi").target_binned
    with pytest.raises(TypeError, match="not numeric"):
        S.mutual_info_scores(X, ids, discrete_target=False)
    with pytest.raises(TypeError, match="discrete_target"):
        S.mutual_info_scores(X, y, discrete_target="yes")


def test_fractional_target_is_binned_like_a_column():
    rng = np.random.default_rng(9)
    X = rng.integers(0, 4, (2000, 3))
    y = X[:, 1] + rng.normal(size=2000)
    for strategy, n_bins in (("quantile", 8), ("uniform", 5)):
        codes, _ = S.discretize(y, n_bins=n_bins, strategy=strategy)
        got = S.mutual_info_scores(X, y, n_bins=n_bins, strategy=strategy)
        assert_allclose(got, S.mutual_info_scores(X, codes), rtol=1e-12)


# ---- chance-corrected scores --------------------------------------------------------------------


def permutation_mean(x, y, rounds, seed=0):
    rng = np.random.default_rng(seed)
    return np.mean([D.mutual_info(x, rng.permutation(y)) for _ in range(rounds)])


def test_adjusted_equals_mi_minus_permutation_mean():
    rng = np.random.default_rng(10)
    n = 300
    y = rng.integers(0, 3, n)
    X = np.column_stack(
        [
            np.where(rng.random(n) < 0.5, y, rng.integers(0, 3, n)),  # signal
            rng.integers(0, 40, n),  # many levels, no signal
            rng.permutation(n),  # a row ID
        ]
    )
    adjusted = S.mutual_info_scores(X, y, adjusted=True)
    plain = S.mutual_info_scores(X, y)
    for j in range(3):
        brute = plain[j] - permutation_mean(X[:, j], y, 3000, seed=j)
        assert adjusted[j] == pytest.approx(brute, abs=4e-3), j
    assert np.argmax(plain) == 2
    assert np.argmax(adjusted) == 0
    assert abs(adjusted[2]) < 1e-9  # every permutation of an ID column scores H(y)


def test_row_id_stops_winning_in_selection():
    frame, y = mixed_table(800, seed=11)
    frame["row_id"] = np.arange(800)
    plain = S.select_features(frame, y, 2, method="mi")
    assert plain.names[0] == "row_id"
    adjusted = S.select_features(frame, y, 2, method="mi", adjusted=True)
    assert adjusted.names[0] == "a"
    assert adjusted.adjusted


@pytest.mark.parametrize("method", ["mrmr", "jmi", "cmim"])
def test_adjusted_greedy_terms_vanish_on_a_shuffled_target(method):
    """With the target shuffled, every chance-corrected term is noise around 0, while the plain
    joint and conditional terms carry the bias of many cells."""
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_digits(return_X_y=True)
    X = X.astype(int)[:, ::3]
    y = np.random.default_rng(12).permutation(y)
    plain = S.select_features(X, y, 4, method=method)
    adjusted = S.select_features(X, y, 4, method=method, adjusted=True)
    assert np.all(np.abs(adjusted.scores) < 0.05), adjusted.scores
    if method != "mrmr":
        assert plain.scores[1:].max() > 3 * np.abs(adjusted.scores[1:]).max()


def test_adjusted_terms_against_brute_force():
    """CMIM's term: I(X; y | S) minus the strata's permutation means; JMI's: I((X, S); y) minus
    the permutation mean of the pair."""
    rng = np.random.default_rng(13)
    n = 240
    y = rng.integers(0, 2, n)
    s = np.where(rng.random(n) < 0.7, y, 1 - y)
    x = rng.integers(0, 5, n)
    X = np.column_stack([s, x])
    terms = {}
    for method in ("jmi", "cmim"):
        sel = S.select_features(X, y, 2, method=method, adjusted=True)
        assert sel.indices[0] == 0
        terms[method] = sel.scores[1]
    rounds = 3000
    joint = x * 2 + s
    brute_jmi = D.mutual_info(joint, y) - permutation_mean(joint, y, rounds)
    assert terms["jmi"] == pytest.approx(brute_jmi, abs=5e-3)
    cmi = D.conditional_mutual_info(x, y, s)
    expected = 0.0
    for w in (0, 1):
        inside = s == w
        expected += inside.mean() * permutation_mean(x[inside], y[inside], rounds, seed=w)
    assert terms["cmim"] == pytest.approx(cmi - expected, abs=5e-3)


# ---- G-test -------------------------------------------------------------------------------------


def test_mutual_info_test_equals_scipy_g_test():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(14)
    n = 700
    y = rng.integers(0, 4, n)
    X = np.column_stack(
        [
            np.where(rng.random(n) < 0.2, y, rng.integers(0, 4, n)),
            rng.integers(0, 3, n),
            np.zeros(n, dtype=int),  # constant: no freedom
            rng.integers(0, 50, n),
        ]
    )
    X[5, 1] = 7  # a level seen once
    scores, pvalues = S.mutual_info_test(X, y)
    assert_allclose(scores, S.mutual_info_scores(X, y), rtol=1e-12)
    for j in range(X.shape[1]):
        table = D.contingency(X[:, j], y)[0]
        if table.shape[0] == 1:
            assert pvalues[j] == 1.0
            continue
        want = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").pvalue
        assert pvalues[j] == pytest.approx(want, rel=1e-9, abs=1e-300), j


def test_mutual_info_test_in_scikit_learn_selectors():
    pytest.importorskip("sklearn")
    from sklearn.feature_selection import GenericUnivariateSelect, SelectFdr, SelectFpr

    rng = np.random.default_rng(15)
    y = rng.integers(0, 2, 1000)
    X = np.column_stack([y ^ (rng.random(1000) < 0.3), rng.integers(0, 3, (1000, 5))])
    for selector in (
        SelectFpr(S.mutual_info_test, alpha=1e-6),
        SelectFdr(S.mutual_info_test, alpha=1e-6),
        GenericUnivariateSelect(S.mutual_info_test, mode="fwe", param=1e-6),
    ):
        assert_array_equal(selector.fit(X, y).get_support(indices=True), [0])
    sel = S.MutualInfoSelector(k=2).fit(X, y)
    assert_allclose(sel.pvalues_, S.mutual_info_test(X, y)[1], rtol=1e-12)


def test_mutual_info_test_missing_drop_uses_the_rows_present():
    stats = pytest.importorskip("scipy.stats")
    x, y = gappy(500, seed=16)
    present = x != "gap"
    frame = pd.DataFrame({"x": pd.Series(x).where(present, None)})
    _, p = S.mutual_info_test(frame, y, missing="drop")
    table = D.contingency(x[present], y[present])[0]
    want = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").pvalue
    assert p[0] == pytest.approx(want, rel=1e-9)


# ---- results people look at ---------------------------------------------------------------------


def test_selection_to_frame_and_plot(tmp_path):
    frame, y = mixed_table(400, seed=17)
    sel = S.select_features(frame, y, 3, method="mrmr", base=2)
    table = sel.to_frame()
    assert list(table.columns) == ["rank", "column", "index", "score", "relevance"]
    assert table["column"].tolist() == sel.names
    assert_allclose(table["relevance"], sel.relevance[sel.indices])
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = sel.plot()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{i + 1}. {name}" for i, name in enumerate(sel.names)]
    assert "bits" in ax.get_xlabel()
    bars = sorted(ax.patches[: len(sel.names)], key=lambda b: b.get_y())
    assert_allclose([b.get_width() for b in bars][::-1], sel.scores[::-1])  # first pick on top
    ax.figure.savefig(tmp_path / "picks.png")
    assert (tmp_path / "picks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("kind", ["pandas numpy", "polars", "polars lazy", "pyarrow table"])
def test_selector_on_frames_with_gaps_and_a_continuous_target(kind):
    """scikit-learn's diabetes data with a string column, gaps and an ID column, through
    MutualInfoSelector on every frame kind: the same picks as select_features on pandas."""
    datasets = pytest.importorskip("sklearn.datasets")
    data = datasets.load_diabetes(as_frame=True, scaled=False)
    X, y = data.data.copy(), data.target.to_numpy()
    X["sex"] = X["sex"].map({1.0: "F", 2.0: "M"})
    X.loc[::17, "bmi"] = np.nan
    X["row_id"] = np.arange(len(X))
    XX = FRAME_KINDS[kind](X)
    fitted = S.MutualInfoSelector(k=4, missing="drop", adjusted=True).fit(XX, y)
    want = S.select_features(X, y, 4, missing="drop", adjusted=True)
    assert fitted.selection_.names == want.names
    assert "row_id" not in want.names
    assert want.target_binned
    assert S.select_features(X, y, 1, missing="drop").names == ["row_id"]  # unadjusted
