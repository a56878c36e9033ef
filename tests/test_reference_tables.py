# SPDX-License-Identifier: BSD-3-Clause
"""``fastent.reference`` against first principles: the missing-value policies against rows dropped
or levels made by hand, the chance-corrected terms against brute-force permutation means, the
G-test against SciPy's ``chi2_contingency``, the automatic target rule, and every kind of frame
against the NumPy arrays it holds.  The fuzz harness compares the library with the reference;
these tests check the reference itself."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from fastent.reference import discrete as RD
from fastent.reference import selection as RS

MEASURES = [
    "entropy", "joint_entropy", "conditional_entropy", "mutual_info", "conditional_mutual_info",
    "normalized_mutual_info", "adjusted_mutual_info", "variation_of_information",
]  # fmt: skip
ARITY = {"entropy": 1, "joint_entropy": 3, "conditional_mutual_info": 3}
ESTIMATORS = ["plugin", "miller_madow", "shrinkage", "chao_shen"]


def _holes(values, rng, rate=0.2):
    """``values`` as an object array with some entries None (and NaN)."""
    out = np.asarray(values).astype(object)
    out[rng.random(out.size) < rate] = None
    out[rng.random(out.size) < rate / 2] = np.nan
    return out


def _missing(a):
    return np.array([v is None or (isinstance(v, float) and v != v) for v in a], dtype=bool)


def _data(seed=0, n=80):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, n)
    y = (x + rng.integers(0, 2, n)) % 3
    z = np.where(rng.random(n) < 0.5, x, rng.integers(0, 3, n))
    return rng, [_holes(x, rng), _holes(y, rng), _holes(z, rng)]


# ---- discrete: missing="drop" and missing="level" ------------------------------------------------


@pytest.mark.parametrize("name", MEASURES)
def test_discrete_drop_is_dropping_rows_by_hand(name):
    _, variables = _data(1)
    variables = variables[: ARITY.get(name, 2)]
    keep = ~np.logical_or.reduce([_missing(v) for v in variables])
    by_hand = [v[keep].astype(np.int64) for v in variables]
    kwargs = [{}] if "normalized" in name or "adjusted" in name or "variation" in name else None
    for kw in kwargs or [{"estimator": e} for e in ESTIMATORS]:
        got = getattr(RD, name)(*variables, missing="drop", **kw)
        assert got == pytest.approx(getattr(RD, name)(*by_hand, **kw), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", MEASURES)
def test_discrete_level_is_a_level_made_by_hand(name):
    _, variables = _data(2)
    variables = variables[: ARITY.get(name, 2)]
    # the missing values as one more label of their own, spelled -1
    by_hand = [np.where(_missing(v), -1, v).astype(np.int64) for v in variables]
    kwargs = [{}] if "normalized" in name or "adjusted" in name or "variation" in name else None
    for kw in kwargs or [{"estimator": e} for e in ESTIMATORS]:
        got = getattr(RD, name)(*variables, missing="level", **kw)
        assert got == pytest.approx(getattr(RD, name)(*by_hand, **kw), rel=1e-12, abs=1e-15)


def test_contingency_missing_level_is_last_and_none():
    x = np.array([2.0, np.nan, 1.0, 2.0, np.nan])
    y = np.array(["b", "a", None, "b", "a"], dtype=object)
    table, levels = RD.contingency(x, y, missing="level")
    assert levels[0].tolist() == [1.0, 2.0, None]
    assert levels[1].tolist() == ["a", "b", None]
    assert_array_equal(table, [[0, 0, 1], [0, 2, 0], [2, 0, 0]])
    table, levels = RD.contingency(x, y, missing="drop")
    assert [lv.tolist() for lv in levels] == [[2.0], ["b"]]
    assert_array_equal(table, [[2]])


def test_missing_errors():
    x = [1, None, 2]
    with pytest.raises(ValueError, match=r"x\[1\] is missing"):
        RD.entropy(x)
    with pytest.raises(ValueError, match="missing must be one of"):
        RD.entropy([1, 2], missing="omit")
    with pytest.raises(ValueError, match="no rows are left"):
        RD.mutual_info([1, None], [None, 2], missing="drop")
    X = np.array([[1.0, 2.0], [np.nan, 1.0], [0.5, 0.0]])
    with pytest.raises(ValueError, match="is missing"):
        RS.mutual_info_scores(X, [0, 1, 0])
    with pytest.raises(ValueError, match="missing must be one of"):
        RS.mutual_info_matrix(X, missing=None)


# ---- selection: every term on its own rows -------------------------------------------------------


def _frame_data(seed=3, n=120):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = np.column_stack(
        [
            np.where(rng.random(n) < 0.7, y, rng.integers(0, 3, n)),
            rng.integers(0, 4, n),
            (y + rng.integers(0, 2, n)) % 4,
        ]
    )
    X = np.column_stack([_holes(X[:, j], rng, 0.15) for j in range(X.shape[1])])
    return X, _holes(y, rng, 0.1)


def _present(*arrays):
    keep = ~np.logical_or.reduce([_missing(a) for a in arrays])
    return [a[keep].astype(np.int64) for a in arrays]


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_scores_and_matrix_drop_by_hand(estimator):
    X, y = _frame_data()
    scores = RS.mutual_info_scores(X, y, missing="drop", estimator=estimator)
    for j in range(X.shape[1]):
        xj, yj = _present(X[:, j], y)
        assert scores[j] == pytest.approx(RD.mutual_info(xj, yj, estimator=estimator), abs=1e-14)
    M = RS.mutual_info_matrix(X, missing="drop", estimator=estimator)
    for i in range(X.shape[1]):
        assert M[i, i] == pytest.approx(RD.entropy(*_present(X[:, i]), estimator=estimator))
        for j in range(i + 1, X.shape[1]):
            expected = RD.mutual_info(*_present(X[:, i], X[:, j]), estimator=estimator)
            assert M[i, j] == M[j, i] == pytest.approx(expected, abs=1e-14)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_scores_level_by_hand(estimator):
    X, y = _frame_data(4)
    made = np.column_stack([np.where(_missing(X[:, j]), -1, X[:, j]) for j in range(3)])
    made_y = np.where(_missing(y), -1, y)
    assert_allclose(
        RS.mutual_info_scores(X, y, missing="level", estimator=estimator),
        RS.mutual_info_scores(made.astype(np.int64), made_y.astype(np.int64), estimator=estimator),
        rtol=1e-13,
        atol=1e-15,
    )


def _greedy_by_hand(X, y, k, method):
    """The picks and scores of the greedy criteria: the rows where y is missing dropped first,
    then every term on its hand-dropped rows."""
    keep = ~_missing(y)
    X, y = X[keep], y[keep]
    p = X.shape[1]
    rel = [RD.mutual_info(*_present(X[:, j], y)) for j in range(p)]

    def term(j, s):
        if method == "mrmr":
            return RD.mutual_info(*_present(X[:, j], X[:, s]))
        xj, xs, yy = _present(X[:, j], X[:, s], y)
        if method == "jmi":
            return RD.mutual_info(xj * 10 + xs, yy)
        return RD.conditional_mutual_info(xj, yy, xs)

    picks, scores = [], []
    for _ in range(k):
        cand = [j for j in range(p) if j not in picks]
        if not picks:
            score = {j: rel[j] for j in cand}
        elif method == "mrmr":
            score = {j: rel[j] - np.mean([term(j, s) for s in picks]) for j in cand}
        elif method == "jmi":
            score = {j: sum(term(j, s) for s in picks) for j in cand}
        else:
            score = {j: min(term(j, s) for s in picks) for j in cand}
        best = max(score.values())
        pick = min(j for j in cand if score[j] >= best - 1e-12)
        picks.append(pick)
        scores.append(score[pick])
    return picks, scores


@pytest.mark.parametrize("method", ["mrmr", "jmi", "cmim"])
def test_select_drop_by_hand(method):
    X, y = _frame_data(5)
    picks, scores = _greedy_by_hand(X, y, 3, method)
    sel = RS.select_features(X, y, 3, method=method, missing="drop")
    assert sel.indices.tolist() == picks
    assert_allclose(sel.scores, scores, rtol=1e-12, atol=1e-14)


def test_binned_column_bins_its_present_values():
    rng = np.random.default_rng(6)
    n = 200
    y = rng.integers(0, 2, n)
    x = rng.normal(size=n) + y
    x[rng.random(n) < 0.2] = np.nan
    present = ~np.isnan(x)
    codes = np.full(n, -1)
    codes[present] = RS.discretize(x[present], n_bins=4)[0]
    got = RS.mutual_info_scores(x[:, None], y, n_bins=4, missing="drop")
    assert got[0] == pytest.approx(RD.mutual_info(codes[present], y[present]), rel=1e-12)
    got = RS.mutual_info_scores(x[:, None], y, n_bins=4, missing="level")
    assert got[0] == pytest.approx(RD.mutual_info(codes, y), rel=1e-12)


def test_no_rows_left_scores_zero():
    X = np.array([[np.nan, 1.0], [np.nan, 2.0], [np.nan, 1.0]])
    y = np.array([0, 1, 0])
    assert_array_equal(RS.mutual_info_scores(X, y, missing="drop"), [0.0, RD.entropy(y)])
    scores, pvalues = RS.mutual_info_test(X, y, missing="drop")
    assert scores[0] == 0.0
    assert pvalues[0] == 1.0
    M = RS.mutual_info_matrix(X, missing="drop")
    assert M[0, 0] == M[0, 1] == 0.0


# ---- chance-corrected terms against permutations -------------------------------------------------


def _permutation_mean(statistic, shuffle, rng, rounds=2000):
    values = np.array([statistic(shuffle(rng)) for _ in range(rounds)])
    return values.mean(), values.std() / np.sqrt(rounds)


def test_adjusted_relevance_is_mi_minus_the_permutation_mean():
    rng = np.random.default_rng(7)
    n = 60
    y = rng.integers(0, 3, n)
    X = np.column_stack([rng.integers(0, 5, n), (y + rng.integers(0, 2, n)) % 3])
    plain = RS.mutual_info_scores(X, y)
    adjusted = RS.mutual_info_scores(X, y, adjusted=True)
    for j in range(X.shape[1]):
        mean, se = _permutation_mean(
            lambda perm, j=j: RD.mutual_info(X[:, j], perm), lambda r: r.permutation(y), rng
        )
        assert adjusted[j] == pytest.approx(plain[j] - mean, abs=5 * se + 1e-12)
    assert adjusted[0] < plain[0] / 2  # a noise column: most of its MI is chance


def test_adjusted_terms_are_the_permutation_means():
    rng = np.random.default_rng(8)
    n = 50
    y = rng.integers(0, 2, n)
    a, s = rng.integers(0, 3, n), np.where(rng.random(n) < 0.6, y, rng.integers(0, 2, n))
    X = np.column_stack([s, a])
    picked = lambda method: RS.select_features(X, y, 2, method=method, adjusted=True)  # noqa: E731
    rel = RS.mutual_info_scores(X, y, adjusted=True)
    # mRMR: I(a; s) less its mean over permutations of s
    mean, se = _permutation_mean(lambda p: RD.mutual_info(a, p), lambda r: r.permutation(s), rng)
    mrmr = picked("mrmr")
    assert mrmr.indices.tolist() == [0, 1]
    assert mrmr.scores[1] == pytest.approx(rel[1] - (RD.mutual_info(a, s) - mean), abs=5 * se)
    # JMI: I((a, s); y), the pair as one variable, less its mean over permutations of y
    joint = a * 2 + s
    mean, se = _permutation_mean(
        lambda p: RD.mutual_info(joint, p), lambda r: r.permutation(y), rng
    )
    assert picked("jmi").scores[1] == pytest.approx(RD.mutual_info(joint, y) - mean, abs=5 * se)

    # CMIM: I(a; y | s) less its mean over permutations of y within each stratum of s
    def within(r):
        out = y.copy()
        for level in np.unique(s):
            out[s == level] = r.permutation(y[s == level])
        return out

    mean, se = _permutation_mean(lambda p: RD.conditional_mutual_info(a, p, s), within, rng)
    expected = RD.conditional_mutual_info(a, y, s) - mean
    assert picked("cmim").scores[1] == pytest.approx(expected, abs=5 * se)


def test_expected_mi_of_a_constant_margin_is_zero():
    X = np.column_stack([np.zeros(30, dtype=int), np.arange(30) % 3])
    y = np.arange(30) % 2
    scores = RS.mutual_info_scores(X, y, adjusted=True)
    assert scores[0] == 0.0
    assert RD.expected_mutual_info(np.array([30]), np.array([15, 15]), 30) == 0.0


# ---- the G-test ----------------------------------------------------------------------------------


def test_g_test_pvalues_are_scipys():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(9)
    n = 300
    y = rng.integers(0, 3, n)
    X = np.column_stack(
        [
            np.where(rng.random(n) < 0.3, y, rng.integers(0, 3, n)),
            rng.integers(0, 4, n),
            rng.integers(0, 2, n),
            np.zeros(n, dtype=int),
        ]
    )
    scores, pvalues = RS.mutual_info_test(X, y)
    assert_allclose(scores, RS.mutual_info_scores(X, y), rtol=1e-14)
    for j in range(X.shape[1]):
        table, _ = RD.contingency(X[:, j], y)
        if 1 in table.shape:
            assert pvalues[j] == 1.0
            continue
        result = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        assert pvalues[j] == pytest.approx(result.pvalue, rel=1e-9)
        assert 2 * n * scores[j] == pytest.approx(result.statistic, rel=1e-9)
    assert pvalues[0] < 1e-6 < 0.01 < pvalues[1]


def test_g_test_counts_the_rows_and_levels_used():
    stats = pytest.importorskip("scipy.stats")
    X, y = _frame_data(10)
    _, pvalues = RS.mutual_info_test(X, y, missing="drop")
    for j in range(X.shape[1]):
        table, _ = RD.contingency(*_present(X[:, j], y))
        result = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        assert pvalues[j] == pytest.approx(result.pvalue, rel=1e-9)


# ---- the target: labels or binned ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("y", "binned"),
    [
        (np.array([0.5, 1.0, 2.0] * 10), True),  # fractions
        (np.array([0.0, 1.0, 2.0] * 10), False),  # whole floats, few values
        (np.arange(420) % 21, True),  # 21 values, 20 rows each: 21 * 20 >= 420
        (np.arange(441) % 21, False),  # 21 rows each
        (np.arange(400) % 20, False),  # 20 values: never continuous
        (np.arange(40) % 2 == 0, False),  # bools
        (np.array(["a", "b"] * 20), False),  # strings
        (np.array([0.5, np.nan, 1.5, 2.5] * 10), True),  # fractions beside missing values
    ],
)
def test_automatic_target_rule(y, binned):
    X = (np.arange(y.size) % 3)[:, None]
    sel = RS.select_features(X, y, 1, missing="level")
    assert sel.target_binned is binned
    assert RS.select_features(X, y, 1, missing="level", discrete_target=True).target_binned is False
    if y.dtype.kind != "U":
        assert RS.select_features(X, y, 1, missing="level", discrete_target=False).target_binned


def test_a_continuous_target_is_binned_as_a_column():
    rng = np.random.default_rng(11)
    y = rng.normal(size=200)
    X = np.column_stack([(y > 0).astype(int), rng.integers(0, 3, 200)])
    codes = RS.discretize(y, n_bins=5, strategy="uniform")[0]
    assert_allclose(
        RS.mutual_info_scores(X, y, n_bins=5, strategy="uniform"),
        RS.mutual_info_scores(X, codes),
        rtol=1e-14,
    )


# ---- frames --------------------------------------------------------------------------------------


def _mixed(seed=12, n=90):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    f = rng.normal(size=n) + y
    f[rng.random(n) < 0.1] = np.nan
    i = _holes((y + rng.integers(0, 2, n)) % 4, rng, 0.1)
    s = np.array(["a", "b", "c"], dtype=object)[(y + rng.integers(0, 2, n)) % 3]
    s[rng.random(n) < 0.1] = None
    return {"f": f, "i": i, "s": s}, y


def _as_numpy_scores(columns, y, **kw):
    """The scores of each column alone, as NumPy arrays (object arrays for labels)."""
    return np.array(
        [RS.mutual_info_scores(np.asarray(c)[:, None], y, **kw)[0] for c in columns.values()]
    )


@pytest.mark.parametrize("missing", ["level", "drop"])
def test_frames_of_every_kind(missing):
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    columns, y = _mixed()
    expected = _as_numpy_scores(columns, y, missing=missing)
    nullable = pd.DataFrame(
        {
            "f": pd.array(columns["f"], dtype="Float64"),
            "i": pd.array(columns["i"], dtype="Int64"),
            "s": pd.Series(columns["s"], dtype="string"),
        }
    )
    polars = pl.DataFrame(
        {
            "f": columns["f"],
            "i": [None if v is None or v != v else int(v) for v in columns["i"]],
            "s": list(columns["s"]),
        }
    )
    frames = {
        "pandas": pd.DataFrame(columns),
        "nullable": nullable,
        "arrow-backed": nullable.convert_dtypes(dtype_backend="pyarrow"),
        "categorical": nullable.astype({"i": "category", "s": "category"}),
        "polars": polars,
        "lazy": polars.lazy(),
        "arrow": pa.Table.from_pandas(nullable),
        "batch": pa.RecordBatch.from_pandas(nullable),
    }
    for kind, frame in frames.items():
        got = RS.mutual_info_scores(frame, y, missing=missing)
        assert_allclose(got, expected, rtol=1e-13, atol=1e-15, err_msg=kind)


def test_sparse_is_its_dense_matrix():
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(13)
    dense = rng.integers(0, 3, (100, 4)) * (rng.random((100, 4)) < 0.3)
    y = rng.integers(0, 2, 100)
    for form in (sparse.csr_matrix, sparse.csc_matrix, sparse.coo_array):
        assert_allclose(
            RS.mutual_info_scores(form(dense), y), RS.mutual_info_scores(dense, y), rtol=1e-14
        )
        assert_allclose(RS.mutual_info_matrix(form(dense)), RS.mutual_info_matrix(dense))
