# SPDX-License-Identifier: BSD-3-Clause
"""fastent.stream: accumulators fed chunk by chunk and merged in any order give the numbers of the
in-memory fastent.selection call on all the data (an independent call: the whole data coded and
counted at once), keep count tables only, and reject bad chunks naming the chunk."""

import itertools
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from fastent import selection as S
from fastent._core.codes import MissingValuesError
from fastent.stream import MutualInfoAccumulator

pd = pytest.importorskip("pandas")

ESTIMATORS = ["plugin", "miller_madow", "shrinkage", "chao_shen"]
#: Uneven chunks: one row, a few, many, none (a 0-row chunk counts nothing).
SIZES = (1, 7, 1000, 0, 492, 500)


def split(n, sizes=SIZES):
    """Row ranges of consecutive chunks of ``sizes`` rows (the last takes the rest)."""
    bounds = [*itertools.accumulate((0, *sizes[:-1])), n]
    return [slice(a, b) for a, b in itertools.pairwise(bounds)]


def fed(X, y, sizes=SIZES, **kwargs):
    """An accumulator fed the rows of X, y in chunks of ``sizes`` rows."""
    acc = MutualInfoAccumulator(**kwargs)
    for rows in split(len(y), sizes):
        part = X.iloc[rows] if hasattr(X, "iloc") else X[rows]
        acc.update(part, y.iloc[rows] if hasattr(y, "iloc") else y[rows])
    return acc


def ints(n=2000, p=4, seed=0):
    """Integer columns and a target that depends on the first two; levels first seen late."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 5, (n, p))
    X[n // 2 :, 1] += 3  # levels 5..7 of column 1 appear in the second half only
    y = (X[:, 0] + (X[:, 1] > 4) + (rng.random(n) < 0.2)) % 3
    y[-300:] += 3  # target levels first seen in the last chunk
    return X, y


def frame(n=2000, seed=1):
    """A DataFrame of every column kind, with labels first seen late, and a string target.
    Strings are categoricals with sorted categories, so the in-memory coder orders their levels
    as the accumulator does (see test_appearance_order_differs_in_the_last_bit_only)."""
    rng = np.random.default_rng(seed)
    s = rng.choice(["b", "a", "d", "c"], n).astype(object)
    s[int(0.8 * n) :] = "late"
    X = pd.DataFrame(
        {
            "s": pd.Categorical(s, categories=sorted(set(s))),
            "i": rng.integers(-3, 30, n),
            "b": rng.random(n) < 0.3,
            "f": rng.normal(size=n),
            "c": pd.Categorical(rng.choice(["x", "w", "v"], n), categories=["v", "w", "x"]),
        }
    )
    labels = np.where(X["f"] > 0, "pos", "neg").astype(object)
    labels[rng.random(n) < 0.2] = "noise"
    labels[-250:] = "zlate"
    y = pd.Series(pd.Categorical(labels, categories=sorted(set(labels))))
    return X, y


def frame_edges(X):
    """Bin edges of the float column from all the data: the in-memory call bins it so too."""
    return {"f": S.discretize(X[["f"]])[1][0]}


# ---- 1. scores equal the in-memory call ----------------------------------------------------------


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_integer_chunks_equal_in_memory(estimator):
    X, y = ints()
    acc = fed(X, y)
    assert acc.n_samples == len(y)
    assert acc.n_chunks == len(SIZES)
    assert acc.columns == ["0", "1", "2", "3"]
    assert_array_equal(
        acc.scores(estimator=estimator), S.mutual_info_scores(X, y, estimator=estimator)
    )
    assert_array_equal(
        acc.scores(estimator=estimator, base=2),
        S.mutual_info_scores(X, y, estimator=estimator, base=2),
    )


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_frame_chunks_equal_in_memory(estimator):
    X, y = frame()
    acc = fed(X, y, edges=frame_edges(X))
    assert_array_equal(
        acc.scores(estimator=estimator), S.mutual_info_scores(X, y, estimator=estimator)
    )


def test_adjusted_equals_in_memory():
    X, y = frame()
    acc = fed(X, y, edges=frame_edges(X))
    assert_array_equal(acc.scores(adjusted=True), S.mutual_info_scores(X, y, adjusted=True))
    Xi, yi = ints()
    assert_array_equal(
        fed(Xi, yi).scores(adjusted=True), S.mutual_info_scores(Xi, yi, adjusted=True)
    )


def test_string_columns_of_every_frame_library():
    """Object strings, polars and pyarrow chunks: labels matched across chunks by value."""
    X, y = frame()
    X = X.drop(columns="f").assign(s=X["s"].astype(object), c=X["c"].astype(str))
    y = y.astype(str)
    expected = S.mutual_info_scores(X, y)
    assert_allclose(fed(X, y).scores(), expected, rtol=1e-12)
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    for convert in (pl.from_pandas, lambda d: pa.Table.from_pandas(d, preserve_index=False)):
        acc = MutualInfoAccumulator()
        for rows in split(len(y)):
            acc.update(convert(X.iloc[rows]), y.iloc[rows].to_numpy())
        assert_allclose(acc.scores(), expected, rtol=1e-12)


def test_appearance_order_differs_in_the_last_bit_only():
    """The in-memory coder keeps object strings in order of appearance, the accumulator sorts
    them: the same cells summed in another order (equal up to rounding), and exactly equal to
    the in-memory call on the same labels with sorted categories."""
    X, y = frame()
    X = X.drop(columns="f")
    acc = fed(X.astype(object), y.astype(object), pairs=True)
    as_objects = S.select_features(
        X.astype(object), y.astype(object), 4, method="cmim", adjusted=True
    )
    sorted_order = S.select_features(X, y, 4, method="cmim", adjusted=True)
    got = acc.select(4, method="cmim", adjusted=True)
    assert_array_equal(got.scores, sorted_order.scores)
    assert_allclose(got.scores, as_objects.scores, rtol=1e-12)


def test_continuous_columns_with_edges_from_a_sample():
    """Edges from a sample: the in-memory call on the data binned by hand with those edges
    (values beyond the edges fall in the first or last bin)."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3000, 3)) * [1, 2, 3]
    y = (X[:, 0] > 0.3).astype(int) + (X[:, 2] > 1)
    _, edges = S.discretize(X[:200], n_bins=8)
    acc = fed(X, y, edges=edges)
    by_hand = np.column_stack(
        [np.searchsorted(e[1:-1], X[:, j], side="right") for j, e in enumerate(edges)]
    )
    assert by_hand.min() == 0
    assert X.min() < min(e[0] for e in edges)
    assert_array_equal(acc.scores(), S.mutual_info_scores(by_hand, y))
    # the same edges as a mapping by index, and discrete columns mixed in
    edges = {0: edges[0], 1: edges[1], -2: edges[2]}
    acc = fed(np.column_stack([X, y % 2]), y, edges=edges, discrete=[3])
    assert_array_equal(acc.scores(), S.mutual_info_scores(np.column_stack([by_hand, y % 2]), y))


def test_continuous_target_with_y_edges():
    X, _ = ints()
    y = np.random.default_rng(4).normal(size=len(X)) + X[:, 0]
    y_edges = S.discretize(y)[1]  # what the in-memory call bins a continuous target with
    acc = fed(X, y, y_edges=y_edges, pairs=True)
    assert_array_equal(acc.scores(), S.mutual_info_scores(X, y, discrete_target=False))
    got, expected = acc.select(3), S.select_features(X, y, 3, discrete_target=False)
    assert got.target_binned
    assert expected.target_binned
    assert_array_equal(got.indices, expected.indices)
    assert_array_equal(got.scores, expected.scores)


def test_sparse_and_list_chunks():
    sparse = pytest.importorskip("scipy.sparse")
    X, y = ints()
    acc = MutualInfoAccumulator()
    for i, rows in enumerate(split(len(y))):
        part = X[rows]
        acc.update(sparse.csr_matrix(part) if i % 2 else part.tolist(), list(y[rows]))
    assert_array_equal(acc.scores(), S.mutual_info_scores(X, y))


def test_wide_tables_are_summed_as_cells():
    """Alphabets too large for dense tables in memory (an ID-like column against a many-level
    target): the accumulator takes the in-memory call's sparse path too."""
    rng = np.random.default_rng(5)
    n = 3000
    X = np.column_stack([rng.permutation(n), rng.integers(0, 40, n), rng.integers(0, 3, n)])
    y = rng.integers(0, 30, n)
    acc = fed(X, y, pairs=True)
    assert_array_equal(acc.scores(), S.mutual_info_scores(X, y))
    for method in ("cmim", "jmi"):
        got, expected = acc.select(3, method=method), S.select_features(X, y, 3, method=method)
        assert_array_equal(got.indices, expected.indices)
        assert_array_equal(got.scores, expected.scores)


# ---- 2. merges in any order ----------------------------------------------------------------------


def _merged(accs, order, tree):
    """The accumulators merged in ``order``, pairwise as a balanced tree or left to right."""
    accs = [accs[i] for i in order]
    if not tree:
        for a in accs[1:]:
            accs[0].merge(a)
        return accs[0]
    while len(accs) > 1:
        accs = [
            a.merge(b) if b is not None else a
            for a, b in itertools.zip_longest(accs[::2], accs[1::2])
        ]
    return accs[0]


@settings(max_examples=25, deadline=None)
@given(
    cuts=st.lists(st.integers(0, 600), min_size=1, max_size=6),
    order=st.randoms(use_true_random=False),
    tree=st.booleans(),
    pairs=st.booleans(),
)
def test_merges_in_any_order_and_tree(cuts, order, tree, pairs):
    X, y = ints(n=600, p=3, seed=7)
    bounds = sorted({0, 600, *cuts})
    accs = []
    for a, b in itertools.pairwise(bounds):
        accs.append(MutualInfoAccumulator(pairs=pairs).update(X[a:b], y[a:b]))
    permutation = list(range(len(accs)))
    order.shuffle(permutation)
    acc = _merged(accs, permutation, tree)
    assert acc.n_samples == 600
    assert_array_equal(acc.scores(), S.mutual_info_scores(X, y))
    if pairs:
        assert_array_equal(acc.matrix(), S.mutual_info_matrix(X))
        expected = S.select_features(X, y, 3, method="jmi")
        got = acc.select(3, method="jmi")
        assert_array_equal(got.indices, expected.indices)
        assert_array_equal(got.scores, expected.scores)


def test_merge_matches_labels_seen_on_one_side_only():
    """The right side holds labels (of a column and of y) the left never saw, in another
    order: merged, the tables are those of one accumulator fed everything."""
    X, y = frame()
    edges = frame_edges(X)
    left = fed(X.iloc[:1500], y.iloc[:1500], edges=edges, pairs=True)
    right = fed(
        X.iloc[1500:][::-1], y.iloc[1500:][::-1], sizes=(3, 100, 397), edges=edges, pairs=True
    )
    both = MutualInfoAccumulator(edges=edges, pairs=True).merge(right).merge(left)
    assert_array_equal(both.scores(), S.mutual_info_scores(X, y))
    assert_array_equal(both.matrix(), S.mutual_info_matrix(X))
    assert_array_equal(left.merge(right).scores(), both.scores())
    assert both.n_chunks == len(SIZES) + 3


# ---- 3. missing values ---------------------------------------------------------------------------


def gappy(n=2000, seed=6):
    """Columns and a target with missing values (None, pandas.NA, NaN), the float column binned
    by hand with the edges the accumulator is given, so the in-memory call codes it alike."""
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    f[rng.random(n) < 0.05] = np.nan
    edges = np.linspace(-2, 2, 7)
    binned = pd.array(np.searchsorted(edges[1:-1], np.nan_to_num(f), side="right"), dtype="Int64")
    binned[np.isnan(f)] = pd.NA
    i = pd.array(rng.integers(0, 5, n), dtype="Int64")
    i[rng.random(n) < 0.1] = pd.NA
    s = pd.Categorical(rng.choice(["a", "b", "d", None], n), categories=["a", "b", "d"])
    y = pd.Categorical(rng.choice(["p", "q", None], n, p=[0.45, 0.45, 0.1]), categories=["p", "q"])
    X = pd.DataFrame({"s": s, "i": i, "f": f, "k": rng.integers(0, 3, n)})
    return X, X.assign(f=binned), pd.Series(y), {"f": edges}


@pytest.mark.parametrize("missing", ["level", "drop"])
def test_missing_values_as_in_memory(missing):
    X, binned, y, edges = gappy()
    acc = fed(X, y, edges=edges, missing=missing, pairs=True)
    present = y.notna().to_numpy() if missing == "drop" else np.ones(len(y), bool)
    assert acc.n_samples == present.sum()
    for estimator in ESTIMATORS:
        assert_array_equal(
            acc.scores(estimator=estimator),
            S.mutual_info_scores(binned, y, missing=missing, estimator=estimator),
        )
    assert_array_equal(
        acc.scores(adjusted=True), S.mutual_info_scores(binned, y, missing=missing, adjusted=True)
    )
    # the matrix over the rows counted: with "drop", those where y is present
    assert_array_equal(acc.matrix(), S.mutual_info_matrix(binned[present], missing=missing))
    for method in S.METHODS:
        got = acc.select(4, method=method)
        expected = S.select_features(binned, y, 4, method=method, missing=missing)
        assert_array_equal(got.indices, expected.indices)
        assert_array_equal(got.scores, expected.scores)


def test_missing_values_error_names_the_chunk_and_every_column():
    X, _, y, edges = gappy()
    acc = MutualInfoAccumulator(edges=edges)
    acc.update(X.iloc[:3].fillna({"i": 1, "f": 0.0}).assign(s="a"), y.iloc[:3].fillna("p"))
    with pytest.raises(
        ValueError, match=r"chunk 1: missing values .* column s .* column i .*the target y"
    ):
        acc.update(X.iloc[3:300], y.iloc[3:300])
    with pytest.raises(MissingValuesError, match=r"chunk 1: y\[\d+\] is missing"):
        acc.update(
            X.iloc[:3].fillna({"i": 1, "f": 0.0}).assign(s="a"),
            y.iloc[3:6].where([False, True, True]),
        )
    assert acc.n_samples == 3
    assert acc.n_chunks == 1


# ---- 4. selection and the matrix -----------------------------------------------------------------


@pytest.mark.parametrize("method", S.METHODS)
@pytest.mark.parametrize("adjusted", [False, True])
def test_select_every_method_equals_in_memory(method, adjusted):
    X, y = frame()
    acc = fed(X, y, edges=frame_edges(X), pairs=True)
    got = acc.select(4, method=method, adjusted=adjusted, base=2)
    expected = S.select_features(X, y, 4, method=method, adjusted=adjusted, base=2)
    assert_array_equal(got.indices, expected.indices)
    assert_array_equal(got.scores, expected.scores)
    assert_array_equal(got.relevance, expected.relevance)
    assert got.names == expected.names
    assert got.columns == expected.columns
    assert got.binned == expected.binned == ["f"]
    assert (got.method, got.base, got.adjusted) == (method, 2, adjusted)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_matrix_equals_in_memory(estimator):
    X, y = frame()
    acc = fed(X, y, edges=frame_edges(X), pairs=True)
    assert_array_equal(
        acc.matrix(estimator=estimator), S.mutual_info_matrix(X, estimator=estimator)
    )
    Xi, yi = ints()
    assert_array_equal(fed(Xi, yi, pairs=True).matrix(base=2), S.mutual_info_matrix(Xi, base=2))


def test_select_by_relevance_needs_no_pairs():
    X, y = ints()
    acc = fed(X, y)
    assert_array_equal(
        acc.select(2, method="mi").indices, S.select_features(X, y, 2, method="mi").indices
    )
    for call in (lambda: acc.select(2), lambda: acc.matrix()):
        with pytest.raises(ValueError, match="pairs=True"):
            call()


# ---- 5. state: count tables only -----------------------------------------------------------------


def test_pickles_small_and_keeps_counting():
    rng = np.random.default_rng(8)
    X = rng.integers(0, 5, (40_000, 4))
    y = (X[:, 0] + X[:, 1]) % 3
    small = fed(X[:2000], y[:2000], pairs=True)
    large = fed(X, y, pairs=True)
    assert small.n_samples == 2000
    assert large.n_samples == 40_000
    blob = pickle.dumps(large)
    assert len(blob) <= 1.1 * len(pickle.dumps(small))  # the levels, not the rows
    assert len(blob) < X.nbytes / 10
    copy = pickle.loads(blob)
    assert_array_equal(copy.scores(), S.mutual_info_scores(X, y))
    copy.update(X[:100], y[:100])
    assert_array_equal(
        copy.scores(), S.mutual_info_scores(np.vstack([X, X[:100]]), np.r_[y, y[:100]])
    )


def test_inputs_are_not_modified():
    X, y = frame()
    X0, y0 = X.copy(), y.copy()
    Xi, yi = ints()
    Xi0 = Xi.copy()
    fed(X, y, edges=frame_edges(X), pairs=True).scores()
    fed(Xi, yi).scores()
    pd.testing.assert_frame_equal(X, X0)
    pd.testing.assert_series_equal(y, y0)
    assert_array_equal(Xi, Xi0)


def test_zero_row_chunks():
    X, y = frame()
    acc = MutualInfoAccumulator(edges=frame_edges(X))
    acc.update(X.iloc[:0], y.iloc[:0])  # sets the columns, counts nothing
    assert acc.columns == list(X.columns)
    assert acc.n_samples == 0
    with pytest.raises(ValueError, match="no samples"):
        acc.scores()
    with pytest.raises(ValueError, match=r"chunk 1: .*column 's' changed kind"):
        acc.update(X.iloc[:0].assign(s=0), y.iloc[:0])
    with pytest.raises(ValueError, match="chunk 1: X and y must have the same number of samples"):
        acc.update(X.iloc[:0], y.iloc[:2])
    acc.update(X, y)
    assert_array_equal(acc.scores(), S.mutual_info_scores(X, y))


# ---- 6. bad chunks and bad arguments -------------------------------------------------------------


def test_bad_chunks_name_the_chunk():
    X, y = ints()
    acc = MutualInfoAccumulator().update(X[:10], y[:10]).update(X[10:20], y[10:20])
    with pytest.raises(ValueError, match="chunk 2: X has 3 columns, the first chunk had 4"):
        acc.update(X[20:30, :3], y[20:30])
    with pytest.raises(
        ValueError,
        match="chunk 2: column '0' changed kind: integers or bools in the first chunk, float "
        "numbers here",
    ):
        acc.update(X[20:30] + np.array([0, 0.5, 0, 0]), y[20:30])
    with pytest.raises(ValueError, match=r"chunk 2: column '0' changed kind: .* labels"):
        acc.update(X[20:30].astype(str), y[20:30])
    with pytest.raises(ValueError, match="chunk 2: X and y must have the same number of samples"):
        acc.update(X[20:30], y[20:29])
    with pytest.raises(ValueError, match="batch 7: X has 3 columns"):
        acc.update(X[20:30, :3], y[20:30], chunk="batch 7")
    with pytest.raises(ValueError, match="chunk 41: X has 3 columns"):
        acc.update(X[20:30, :3], y[20:30], chunk=41)
    frames = MutualInfoAccumulator().update(pd.DataFrame(X[:10], columns=list("abcd")), y[:10])
    with pytest.raises(
        ValueError, match="chunk 1: X's column 2 is 'x', in the first chunk it was 'c'"
    ):
        frames.update(pd.DataFrame(X[:10], columns=list("abxd")), y[:10])
    with pytest.raises(TypeError, match=r"chunk 1: .*Dask collection.*fastent.dask"):
        frames.update(type("Collection", (), {"__module__": "dask.dataframe"})(), y[:10])
    assert acc.n_chunks == 2
    assert acc.n_samples == 20
    assert_array_equal(acc.scores(), S.mutual_info_scores(X[:20], y[:20]))


def test_a_failing_chunk_changes_nothing():
    """Checked in full before anything is counted: an unhashable label in the last column, with
    new labels of y and of the first column before it, leaves the state as it was."""
    good = np.array([[0, "u"], [1, "v"], [1, "u"], [0, "v"]], dtype=object)
    acc = MutualInfoAccumulator(pairs=True).update(good, [0, 1, 1, 0])
    before = pickle.dumps(acc)
    bad = np.array([[5, {1}], [6, {2}], [7, {1}], [8, {2}]], dtype=object)  # sets: unhashable
    with pytest.raises(TypeError, match="chunk 1: column 1 has a label that cannot be hashed"):
        acc.update(bad, [2, 3, 4, 5])
    assert pickle.dumps(acc) == before


def test_errors_pickle_with_their_message():
    """Errors cross processes (a Dask worker's to the client) as they are."""
    X, _, y, edges = gappy()
    with pytest.raises(ValueError, match="chunk 0: missing values") as info:
        MutualInfoAccumulator(edges=edges).update(X, y)
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is type(info.value)
    assert str(copy) == str(info.value)
    assert copy.errors[0].variable == "column s"


def test_continuous_columns_need_edges():
    X, y = frame()
    with pytest.raises(
        ValueError, match=r"chunk 0: column 'f' is continuous: pass its bin edges in edges="
    ):
        MutualInfoAccumulator().update(X, y)
    with pytest.raises(
        ValueError, match="chunk 0: edges are given for column 'i', which is discrete"
    ):
        MutualInfoAccumulator(edges={**frame_edges(X), "i": [0, 1]}).update(X, y)
    with pytest.raises(ValueError, match="chunk 0: edges names a column X does not have: 'g'"):
        MutualInfoAccumulator(edges={"g": [0, 1]}).update(X, y)
    with pytest.raises(ValueError, match="chunk 0: edges has 2 entries, X has 5 columns"):
        MutualInfoAccumulator(edges=[None, None]).update(X, y)
    # a float column marked discrete needs none; one marked continuous does
    acc = MutualInfoAccumulator(discrete=True).update(X.assign(f=X["f"].round()), y)
    assert_array_equal(
        acc.scores(), S.mutual_info_scores(X.assign(f=X["f"].round()), y, discrete=True)
    )
    with pytest.raises(ValueError, match="column 'i' is continuous"):
        MutualInfoAccumulator(discrete=["s", "b", "c"], edges=frame_edges(X)).update(X, y)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"missing": "skip"}, ValueError, "missing must be one of"),
        ({"pairs": 1}, TypeError, "pairs must be True or False"),
        ({"discrete": "yes"}, ValueError, "discrete must be 'auto'"),
        ({"n_jobs": 0}, ValueError, "n_jobs = 0 is invalid"),
        ({"n_jobs": 1.5}, TypeError, "n_jobs must be an integer"),
        ({"edges": "f"}, TypeError, "edges must be a dict"),
        ({"edges": {"f": [1.0]}}, ValueError, r"edges\['f'\] must be a 1-D array of 2 to"),
        ({"edges": {"f": [2.0, 1.0]}}, ValueError, "must be finite and increasing"),
        ({"edges": [[0.0, np.nan]]}, ValueError, "must be finite and increasing"),
        ({"edges": {"f": ["a", "b"]}}, TypeError, "bin edges"),
        ({"edges": {1.5: [0, 1]}}, TypeError, "edges keys must be column names or indices"),
        ({"y_edges": [[0, 1]]}, ValueError, "y_edges must be a 1-D array"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        MutualInfoAccumulator(**kwargs)


def test_bad_calls():
    X, y = ints()
    acc = fed(X, y, pairs=True)
    with pytest.raises(ValueError, match="estimator must be one of"):
        acc.scores(estimator="ml")
    with pytest.raises(ValueError, match=r"adjusted=True .* needs estimator='plugin'"):
        acc.scores(adjusted=True, estimator="shrinkage")
    with pytest.raises(TypeError, match="adjusted must be True or False"):
        acc.scores(adjusted="yes")
    with pytest.raises(ValueError, match="base"):
        acc.scores(base=1)
    with pytest.raises(ValueError, match="method must be one of"):
        acc.select(2, method="best")
    with pytest.raises(ValueError, match=r"k must be in \[1, n_features=4\]"):
        acc.select(5)
    with pytest.raises(TypeError, match="can only merge another MutualInfoAccumulator"):
        acc.merge(S)
    with pytest.raises(ValueError, match="into itself"):
        acc.merge(acc)
    with pytest.raises(ValueError, match="different settings"):
        acc.merge(MutualInfoAccumulator(pairs=False).update(X[:5], y[:5]))
    with pytest.raises(ValueError, match="different columns"):
        acc.merge(MutualInfoAccumulator(pairs=True).update(X[:5, :3], y[:5]))
    with pytest.raises(ValueError, match="different y_edges"):
        acc.merge(MutualInfoAccumulator(pairs=True, y_edges=[0, 1]))
    edged = MutualInfoAccumulator(edges=[[0, 1], [0, 2]]).update(np.ones((3, 2)), [0, 1, 0])
    with pytest.raises(ValueError, match="different columns"):
        edged.merge(
            MutualInfoAccumulator(edges=[[0, 1], [0, 3]]).update(np.ones((3, 2)), [0, 1, 0])
        )
    with pytest.raises(ValueError, match=r"different settings: .*continuous"):
        MutualInfoAccumulator().merge(edged)
    assert_array_equal(acc.scores(), S.mutual_info_scores(X, y))  # unchanged by the failures
    assert "4 columns, 2000 samples" in repr(acc)
