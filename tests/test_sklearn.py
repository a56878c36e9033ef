# SPDX-License-Identifier: BSD-3-Clause
"""fastent.selection.MutualInfoSelector: the scikit-learn transformer over select_features."""

from functools import partial

import numpy as np
import pytest

pytest.importorskip("sklearn", minversion="1.6")  # validate_data, __sklearn_tags__

from sklearn.datasets import load_digits
from sklearn.feature_selection import SelectKBest, mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from fastent import selection
from fastent.selection import MutualInfoSelector

K_WARNING = "ignore:k=.* is greater than n_features:UserWarning"


@pytest.fixture(scope="module")
def digits():
    """sklearn's digits: 1797 x 64 pixel counts in 0..16 (as int64) and the digit."""
    X, y = load_digits(return_X_y=True)
    return X.astype(np.int64), y


@pytest.fixture(scope="module")
def frame():
    """A DataFrame of mixed column types and a string target."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 600
    a, b = rng.integers(0, 3, (2, n))
    y = np.array(["x", "y", "z"])[a]
    df = pd.DataFrame(
        {
            "copy": a,
            "noisy": np.where(rng.random(n) < 0.2, b, a),
            "other": b,
            "level": rng.normal(size=n) + a,
            "colour": np.array(["red", "green", "blue"])[b],
            "kind": pd.Categorical(np.where(a == 0, "p", "q")),
            "noise": rng.integers(0, 5, n),
        }
    )
    return df, y


# The default instance (k=10) keeps every feature of the checks' narrow data, with the warning
# SelectKBest gives; the others select fewer than the checks' feature counts.
@pytest.mark.filterwarnings(K_WARNING)
@parametrize_with_checks(
    [
        MutualInfoSelector(),
        MutualInfoSelector(k=1, method="mi"),
        MutualInfoSelector(k=2, method="cmim"),
    ]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_pipeline_with_logistic_regression(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    pipe = Pipeline(
        [
            ("select", MutualInfoSelector(k=20)),
            ("scale", StandardScaler()),
            ("clf", LogisticRegression(max_iter=2000)),
        ]
    ).fit(X_train, y_train)
    assert pipe.score(X_test, y_test) > 0.9
    support = pipe.named_steps["select"].get_support()
    assert support.shape == (64,)
    assert support.sum() == 20
    assert pipe[:-1].transform(X_test).shape == (X_test.shape[0], 20)


@pytest.mark.parametrize("method", selection.METHODS)
def test_selects_what_select_features_selects(digits, method):
    X, y = digits
    selector = MutualInfoSelector(k=8, method=method).fit(X, y)
    expected = selection.select_features(X, y, 8, method=method)
    np.testing.assert_array_equal(selector.selected_indices_, expected.indices)
    np.testing.assert_array_equal(selector.selection_.scores, expected.scores)
    np.testing.assert_allclose(selector.scores_, selection.mutual_info_scores(X, y), rtol=1e-12)
    np.testing.assert_array_equal(selector.get_support(indices=True), np.sort(expected.indices))
    np.testing.assert_array_equal(selector.transform(X), X[:, np.sort(expected.indices)])
    ranking = selector.ranking_
    np.testing.assert_array_equal(ranking[expected.indices], np.arange(1, 9))
    assert (np.delete(ranking, expected.indices) == 9).all()


def test_float_columns_are_binned_as_select_features_bins_them(digits):
    X, y = digits
    X = X + np.random.default_rng(0).random(X.shape)  # continuous: binned
    selector = MutualInfoSelector(k=5, n_bins=8, strategy="uniform").fit(X, y)
    expected = selection.select_features(X, y, 5, n_bins=8, strategy="uniform")
    np.testing.assert_array_equal(selector.selected_indices_, expected.indices)


def test_dataframe_keeps_its_column_types(frame):
    df, y = frame
    selector = MutualInfoSelector(k=3).fit(df, y)
    expected = selection.select_features(df, y, 3)
    np.testing.assert_array_equal(selector.selected_indices_, expected.indices)
    assert selector.selection_.names == expected.names
    assert selector.selection_.names[0] == "copy"
    np.testing.assert_array_equal(selector.feature_names_in_, df.columns)
    names = selector.get_feature_names_out()
    assert names.tolist() == [c for c in df.columns if c in expected.names]  # column order
    out = selector.set_output(transform="pandas").transform(df)
    assert out.columns.tolist() == names.tolist()
    assert out.equals(df[names.tolist()])  # string and categorical columns kept as they are


def test_get_feature_names_out_and_pandas_output(digits):
    pd = pytest.importorskip("pandas")
    X, y = digits
    columns = [f"pixel_{i}_{j}" for i in range(8) for j in range(8)]
    df = pd.DataFrame(X, columns=columns)
    selector = MutualInfoSelector(k=6, method="jmi").set_output(transform="pandas")
    out = selector.fit_transform(df, y)
    picked = sorted(selector.selected_indices_)
    expected_names = [columns[j] for j in picked]
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == expected_names
    assert selector.get_feature_names_out().tolist() == expected_names
    np.testing.assert_array_equal(out.to_numpy(), X[:, picked])
    # fitted on an array: x0, x1, ... names
    plain = MutualInfoSelector(k=6, method="jmi").fit(X, y)
    assert plain.get_feature_names_out().tolist() == [f"x{j}" for j in picked]


def test_select_k_best_with_mutual_info_scores_matches_sklearn(digits):
    X, y = digits
    ours = SelectKBest(score_func=selection.mutual_info_scores, k=10).fit(X, y)
    theirs = SelectKBest(partial(mutual_info_classif, discrete_features=True), k=10).fit(X, y)
    np.testing.assert_array_equal(ours.get_support(), theirs.get_support())
    np.testing.assert_allclose(ours.scores_, theirs.scores_, rtol=1e-12, atol=1e-15)
    # float pixels: discrete=True says they are labels, as discrete_features=True does
    Xf = X.astype(np.float64)
    floats = SelectKBest(partial(selection.mutual_info_scores, discrete=True), k=10).fit(Xf, y)
    np.testing.assert_array_equal(floats.get_support(), theirs.get_support())


def test_k_greater_than_n_features_warns_and_keeps_all():
    rng = np.random.default_rng(1)
    X, y = rng.integers(0, 4, (200, 3)), rng.integers(0, 2, 200)
    with pytest.warns(UserWarning, match=r"k=5 is greater than n_features=3"):
        selector = MutualInfoSelector(k=5).fit(X, y)
    assert selector.get_support().all()
    assert sorted(selector.selected_indices_) == [0, 1, 2]
    assert selector.transform(X).shape == (200, 3)


def test_k_all_keeps_all_ranked():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 300)
    X = np.column_stack([rng.integers(0, 2, 300), y, y ^ (rng.random(300) < 0.2)])
    selector = MutualInfoSelector(k="all", method="mi").fit(X, y)
    assert selector.get_support().all()
    np.testing.assert_array_equal(selector.selected_indices_, [1, 2, 0])
    np.testing.assert_array_equal(selector.ranking_, [3, 1, 2])


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"k": 0}, ValueError, "k must be a positive integer or 'all', got 0"),
        ({"k": -3}, ValueError, "k must be a positive integer"),
        ({"k": "some"}, ValueError, "k must be a positive integer or 'all', got 'some'"),
        ({"k": 2.5}, TypeError, "k must be a positive integer or 'all', got float"),
        ({"k": True}, TypeError, "k must be a positive integer"),
        ({"method": "relief"}, ValueError, "method must be one of"),
        ({"strategy": "kmeans"}, ValueError, "strategy must be one of"),
        ({"estimator": "nsb"}, ValueError, "estimator must be one of"),
        ({"n_bins": 1}, ValueError, "n_bins must be in"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
    ],
)
def test_bad_parameters_raise_at_fit(params, error, match):
    X, y = np.eye(4, dtype=int), [0, 1, 0, 1]
    selector = MutualInfoSelector(**{"k": 2, **params})  # construction never validates
    with pytest.raises(error, match=match):
        selector.fit(X, y)


def test_continuous_target_is_binned_and_multioutput_rejected():
    """A continuous target is binned as select_features bins it (the same rule and bins); a
    multi-output target is a ValueError."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 3, (300, 4))
    y = X[:, 2] + rng.normal(size=300) * 0.3
    selector = MutualInfoSelector(k=2, method="mi").fit(X, y)
    codes, _ = selection.discretize(y)
    expected = selection.mutual_info_scores(X, codes)
    np.testing.assert_allclose(selector.scores_, expected, rtol=1e-12)
    assert selector.selected_indices_[0] == 2
    assert selector.selection_.target_binned
    with pytest.raises(ValueError, match=r"1d array|Unknown label type"):
        MutualInfoSelector(k=2).fit(X, np.column_stack([y, y]))
    # floats that are whole numbers (few of them) are labels
    labels = rng.integers(0, 3, 300).astype(np.float64)
    fitted = MutualInfoSelector(k=2).fit(X, labels)
    assert fitted.get_support().sum() == 2
    assert not fitted.selection_.target_binned
    # discrete_target=True keeps the continuous values as classes
    forced = MutualInfoSelector(k=2, method="mi", discrete_target=True).fit(X, y)
    np.testing.assert_allclose(
        forced.scores_, selection.mutual_info_scores(X, y, discrete_target=True), rtol=1e-12
    )


def test_string_labels_and_nan_in_x():
    X = np.array([[0, 1], [1, 1], [0, 0], [1, 0]])
    selector = MutualInfoSelector(k=1, method="mi").fit(X, ["a", "b", "a", "b"])
    np.testing.assert_array_equal(selector.selected_indices_, [0])
    with pytest.raises(ValueError, match="NaN"):
        MutualInfoSelector(k=1).fit(np.where(X == 0, np.nan, 1.0), [0, 1, 0, 1])
