# SPDX-License-Identifier: BSD-3-Clause
"""Nearest-neighbour mutual information (issue 13): ``mutual_info_classif`` and
``mutual_info_regression`` against scikit-learn's, to 1e-10 relative (1e-12 absolute near 0),
for the same ``random_state``.

Every test takes the implementation under test as ``module``: the NumPy reference
(``fastent.reference.selection``, brute-force neighbour searches) and, once its kernels provide
them, ``fastent.selection``, added to ``IMPLEMENTATIONS`` automatically below.

scikit-learn's numbers depend on how it searches for neighbours: for a label of at most
2 n_neighbors + 1 points, ``NearestNeighbors(algorithm="auto")`` searches by brute force with
the dot-product expansion of the squared distance, sqrt(max(0, (a*a + -2*(a*b)) + b*b)), which
is not |a - b| for near points (ties broken by the 1e-10 jitter); the cases below with small
classes and ties check that this is reproduced.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

sklearn_mi = pytest.importorskip("sklearn.feature_selection")

from sklearn.datasets import make_classification, make_regression  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402 (a dependency of scikit-learn)

from fastent import selection as fastent_selection  # noqa: E402
from fastent.reference import selection as reference_selection  # noqa: E402

# fastent.selection joins as soon as its kernels provide the two functions
IMPLEMENTATIONS = [reference_selection] + (
    [fastent_selection] if hasattr(fastent_selection, "mutual_info_classif") else []
)
FUNCTIONS = ["mutual_info_classif", "mutual_info_regression"]
RTOL, ATOL = 1e-10, 1e-12

implementations = pytest.mark.parametrize(
    "module", IMPLEMENTATIONS, ids=lambda m: m.__name__.removeprefix("fastent.")
)
functions = pytest.mark.parametrize("name", FUNCTIONS)


def _copy(a):
    return a.copy() if hasattr(a, "copy") else a


def sklearn_result(name, X, y, **kwargs):
    """scikit-learn's answer (its warnings about labels and column vectors silenced; one
    OpenMP thread: its neighbour searches on a few points are much faster so)."""
    with warnings.catch_warnings(), threadpool_limits(1, user_api="openmp"):
        warnings.simplefilter("ignore")
        return getattr(sklearn_mi, name)(_copy(X), _copy(y), **kwargs)


def check(module, name, X, y, **kwargs):
    """module's answer equals scikit-learn's (a RandomState ``random_state`` is copied, so that
    both start from the same state); returns it."""
    state = kwargs.get("random_state")
    if isinstance(state, np.random.RandomState):
        kwargs["random_state"] = _same_state(state)
    expected = sklearn_result(name, X, y, **kwargs)
    if isinstance(state, np.random.RandomState):
        kwargs["random_state"] = state
    got = getattr(module, name)(_copy(X), _copy(y), **kwargs)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.shape == expected.shape
    assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    return got


def _same_state(state):
    twin = np.random.RandomState()
    twin.set_state(state.get_state())
    return twin


def raises_like_sklearn(module, name, exception, X, y, **kwargs):
    """scikit-learn and module both raise ``exception``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(exception):
            getattr(sklearn_mi, name)(X, y, **kwargs)
    with pytest.raises(exception):
        getattr(module, name)(X, y, **kwargs)


def bivariate_normal(rng, n, corr=0.5, sigma=(1.0, 10.0)):
    cov = np.array(
        [
            [sigma[0] ** 2, corr * sigma[0] * sigma[1]],
            [corr * sigma[0] * sigma[1], sigma[1] ** 2],
        ]
    )
    theory = np.log(sigma[0]) + np.log(sigma[1]) - 0.5 * np.log(np.linalg.det(cov))
    return rng.multivariate_normal(np.zeros(2), cov, size=n), theory


# ---- scikit-learn's own test cases ---------------------------------------------------------------


@implementations
def test_discrete_discrete_by_hand(module):
    x = np.array([0, 1, 1, 0, 0])
    y = np.array([1, 0, 0, 0, 1])
    h_x = h_y = -(3 / 5) * np.log(3 / 5) - (2 / 5) * np.log(2 / 5)
    h_xy = -1 / 5 * np.log(1 / 5) - 2 / 5 * np.log(2 / 5) - 2 / 5 * np.log(2 / 5)
    mi = check(module, "mutual_info_classif", x[:, None], y, discrete_features=True)
    assert_allclose(mi, [h_x + h_y - h_xy], rtol=1e-12)


@implementations
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_continuous_continuous_bivariate_normal(module, dtype):
    Z, theory = bivariate_normal(np.random.RandomState(0), 1000)
    Z = Z.astype(dtype)
    for n_neighbors in [3, 5, 7]:
        mi = check(
            module,
            "mutual_info_regression",
            Z[:, :1],
            Z[:, 1],
            n_neighbors=n_neighbors,
            random_state=0,
        )
        # scikit-learn's test calls _compute_mi on unscaled data (within 10%); the public
        # function scales both variables first, which changes the Chebyshev neighbourhoods
        assert_allclose(mi, [theory], rtol=0.2)


@implementations
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_continuous_discrete_bernoulli_uniform(module, dtype):
    # X ~ Bernoulli(p); Y | X=0 ~ U(-1, 1); Y | X=1 ~ U(0, 2)
    rng = np.random.RandomState(0)
    for p in [0.3, 0.5, 0.7]:
        x = rng.uniform(size=1000) > p
        y = np.empty(1000, dtype)
        y[~x] = rng.uniform(-1, 1, size=(~x).sum())
        y[x] = rng.uniform(0, 2, size=x.sum())
        theory = -0.5 * (
            (1 - p) * np.log(0.5 * (1 - p)) + p * np.log(0.5 * p) + np.log(0.5)
        ) - np.log(2)
        for n_neighbors in [3, 5, 7]:
            by_regression = check(
                module,
                "mutual_info_regression",
                x[:, None],
                y,
                discrete_features=True,
                n_neighbors=n_neighbors,
                random_state=1,
            )
            by_classif = check(
                module,
                "mutual_info_classif",
                y[:, None],
                x,
                n_neighbors=n_neighbors,
                random_state=1,
            )
            assert_allclose(by_regression, [theory], rtol=0.1)
            assert_allclose(by_classif, [theory], rtol=0.1)


@implementations
def test_unique_label_changes_nothing(module):
    rng = np.random.RandomState(0)
    x = rng.uniform(size=100) > 0.5
    c = np.where(x, rng.uniform(0, 2, 100), rng.uniform(-1, 1, 100))
    before = check(module, "mutual_info_classif", c[:, None], x.astype(int), random_state=0)
    after = check(
        module,
        "mutual_info_classif",
        np.append(c, 10.0)[:, None],
        np.append(x.astype(int), 2),
        random_state=0,
    )
    assert_allclose(after, before, rtol=1e-12)


@implementations
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_classif_discrete_ordering(module, dtype):
    X = np.array([[0, 0, 0], [1, 1, 0], [2, 0, 1], [2, 0, 1], [2, 0, 1]], dtype=dtype)
    y = np.array([0, 1, 2, 2, 1])
    mi = check(module, "mutual_info_classif", X, y, discrete_features=True)
    assert list(np.argsort(-mi)) == [0, 2, 1]


@implementations
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_regression_ordering(module, dtype):
    T = np.array([[1, 0.5, 2, 1], [0, 1, 0.1, 0.0], [0, 0.1, 1, 0.1], [0, 0.1, 0.1, 1]])
    Z = np.random.RandomState(0).multivariate_normal(np.zeros(4), T @ T.T, size=1000)
    Z = Z.astype(dtype)
    mi = check(module, "mutual_info_regression", Z[:, 1:], Z[:, 0], random_state=0)
    assert list(np.argsort(-mi)) == [1, 2, 0]


@implementations
def test_classif_mixed(module):
    rng = np.random.RandomState(0)
    X = rng.rand(1000, 3)
    X[:, 1] += X[:, 0]
    y = ((0.5 * X[:, 0] + X[:, 2]) > 0.5).astype(int)
    X[:, 2] = X[:, 2] > 0.5
    mi = check(module, "mutual_info_classif", X, y, discrete_features=[2], random_state=0)
    assert list(np.argsort(-mi)) == [2, 0, 1]
    for n_neighbors in [5, 7, 9]:
        mi_nn = check(
            module,
            "mutual_info_classif",
            X,
            y,
            discrete_features=[2],
            n_neighbors=n_neighbors,
            random_state=0,
        )
        assert mi_nn[0] > mi[0]
        assert mi_nn[1] > mi[1]
        assert mi_nn[2] == mi[2]


@implementations
@functions
def test_options(module, name):
    sparse = pytest.importorskip("scipy.sparse")
    X = np.array([[0, 0, 0], [1, 1, 0], [2, 0, 1], [2, 0, 1], [2, 0, 1]], dtype=float)
    y = np.array([0, 1, 2, 2, 1], dtype=float)
    X_csr = sparse.csr_matrix(X)
    for exception, X_in, mask in [
        (ValueError, X_csr, False),
        (ValueError, X, "manual"),
        (ValueError, X_csr, [True, False, True]),
        (IndexError, X, [True, False, True, False]),
        (IndexError, X, [1, 4]),
    ]:
        raises_like_sklearn(module, name, exception, X_in, y, discrete_features=mask)
    mi_1 = check(module, name, X, y, discrete_features="auto", random_state=0)
    mi_2 = check(module, name, X, y, discrete_features=False, random_state=0)
    mi_3 = check(module, name, X_csr, y, discrete_features="auto", random_state=0)
    mi_4 = check(module, name, X_csr, y, discrete_features=True, random_state=0)
    mi_5 = check(module, name, X, y, discrete_features=[True, False, True], random_state=0)
    mi_6 = check(module, name, X, y, discrete_features=[0, 2], random_state=0)
    assert_allclose(mi_1, mi_2)
    assert_allclose(mi_3, mi_4)
    assert_allclose(mi_5, mi_6)
    assert not np.allclose(mi_1, mi_3)


@implementations
@pytest.mark.parametrize("correlated", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 42])
def test_symmetry_classif_regression(module, correlated, seed):
    rng = np.random.RandomState(seed)
    d = rng.randint(10, size=100)
    c = d.astype(np.float64) if correlated else rng.normal(0, 1, size=100)
    by_classif = check(
        module, "mutual_info_classif", c[:, None], d, discrete_features=[False], random_state=seed
    )
    by_regression = check(
        module,
        "mutual_info_regression",
        d[:, None],
        c,
        discrete_features=[True],
        random_state=seed,
    )
    assert by_classif == pytest.approx(by_regression)


@implementations
@pytest.mark.parametrize("seed", [0, 7])
def test_regression_int_X_as_float_X(module, seed):
    rng = np.random.RandomState(seed)
    X = rng.randint(100, size=(100, 10))
    y = rng.randint(100, size=100)
    as_float = check(module, "mutual_info_regression", X.astype(np.float64), y, random_state=seed)
    as_int = check(module, "mutual_info_regression", X, y, random_state=seed)
    assert_allclose(as_int, as_float)


@implementations
@pytest.mark.parametrize(
    ("name", "make"),
    [("mutual_info_regression", make_regression), ("mutual_info_classif", make_classification)],
)
def test_n_jobs(module, name, make):
    # scikit-learn's answer once, serially (its n_jobs=2 starts worker processes)
    X, y = make(n_samples=100, n_features=12, random_state=0)
    expected = sklearn_result(name, X, y, random_state=0)
    for n_jobs in [None, 1, 2, -1]:
        got = getattr(module, name)(X, y, random_state=0, n_jobs=n_jobs)
        assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("n", [50, 40_000])
def test_noised_columns_are_scikit_learns_steps(order, n_threads, n):
    # scikit-learn's preparation written out with NumPy: bit for bit, in either layout, with
    # NaN (missing rows of continuous='knn'), for blocks whose noise is drawn on a second thread
    from fastent.selection._neighbors import _noised_columns

    rng = np.random.RandomState(1)
    block = np.asarray(rng.randn(n, 3) * [1.0, 1e-20, 300.0], order=order)
    block[::7, 0] = np.nan
    before = block.copy()
    got = _noised_columns(block, None, np.random.RandomState(5), n_threads)
    std = np.nanstd(block, axis=0)
    std[std < 10 * np.finfo(np.float64).eps] = 1.0
    scaled = block / std
    scaled += (
        1e-10
        * np.maximum(1, np.nanmean(np.abs(scaled), axis=0))
        * np.random.RandomState(5).standard_normal(size=block.shape)
    )
    assert got.flags.c_contiguous
    np.testing.assert_array_equal(got, scaled.T)
    np.testing.assert_array_equal(block, before)


@pytest.mark.parametrize("name", ["mutual_info_regression", "mutual_info_classif"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_noise_drawn_on_a_thread_equals_scikit_learn(name, order):
    # rounded values: ties everywhere, so the noise decides the neighbours and a noise drawn in
    # another order would change the estimates
    rng = np.random.RandomState(0)
    X = np.asarray(np.round(rng.randn(20_000, 4), 1), order=order)
    y = X[:, 0] + np.round(rng.randn(20_000), 1) if name.endswith("regression") else X[:, 1] > 0
    expected = sklearn_result(name, X, y, random_state=3)
    got = getattr(fastent_selection, name)(X, y, random_state=3, n_jobs=2)
    assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


# ---- random data: ties, small classes, tiny samples ----------------------------------------------


def _random_case(rng, n, p):
    """X of one of four kinds (normal, small integers, rounded normal, large integers with an
    offset: ties everywhere but the first), a mask of discrete columns, two targets."""
    kind = rng.randint(4)
    if kind == 0:
        X = rng.randn(n, p)
    elif kind == 1:
        X = rng.randint(0, 3, (n, p)).astype(float)
    elif kind == 2:
        X = np.round(rng.randn(n, p), 1)
    else:
        X = rng.randint(0, 3, (n, p)) * 1e6 + 5
    labels = rng.randint(0, rng.randint(1, 5), n)
    target = rng.randn(n) if rng.rand() < 0.5 else rng.randint(0, 4, n).astype(float)
    return X, rng.rand(p) < 0.3, labels, target


@implementations
@pytest.mark.parametrize("seed", range(12))
def test_random_with_ties(module, seed):
    rng = np.random.RandomState(seed)
    for trial in range(6):
        n = int(rng.randint(4, 60))
        X, mask, labels, target = _random_case(rng, n, int(rng.randint(1, 4)))
        n_neighbors = int(rng.choice([1, 2, 3, 5, 7]))
        for name, y in [("mutual_info_classif", labels), ("mutual_info_regression", target)]:
            kwargs = {"discrete_features": mask, "n_neighbors": n_neighbors}
            try:
                sklearn_result(name, X, y, **kwargs, random_state=trial)
            except ValueError:  # n_neighbors >= n, or every label unique
                raises_like_sklearn(module, name, ValueError, X, y, **kwargs, random_state=trial)
                continue
            check(module, name, X, y, **kwargs, random_state=trial)


@implementations
@functions
@pytest.mark.parametrize("n", range(4, 11))
def test_tiny_samples(module, name, n):
    rng = np.random.RandomState(n)
    X = np.column_stack([np.round(rng.randn(n)), rng.randn(n), rng.randint(0, 2, n)])
    y = rng.randint(0, 2, n) if name == "mutual_info_classif" else np.round(rng.randn(n))
    for n_neighbors in range(1, n):
        check(module, name, X, y, n_neighbors=n_neighbors, random_state=n_neighbors)
        check(module, name, X, y, discrete_features=[2], n_neighbors=n_neighbors, random_state=0)


@implementations
@pytest.mark.parametrize("n_neighbors", [1, 2, 3, 4, 6, 10, 50])
def test_n_neighbors_at_least_class_size(module, n_neighbors):
    # classes of 2, 3, 5, 7 and 8 points: k = min(n_neighbors, count - 1), brute force below
    # 2 k + 2 points (scikit-learn's dot-product distances), a KD-tree above
    rng = np.random.RandomState(n_neighbors)
    y = np.repeat([0, 1, 2, 3, 4], [2, 3, 5, 7, 8])
    X = np.column_stack([rng.randint(0, 3, y.size), rng.randn(y.size) + y, y // 2])
    check(module, "mutual_info_classif", X, y, n_neighbors=n_neighbors, random_state=0)
    check(
        module,
        "mutual_info_regression",
        y[:, None] * [1, 2],
        X[:, 1],
        discrete_features=True,
        n_neighbors=n_neighbors,
        random_state=0,
    )


@implementations
@pytest.mark.parametrize("n_neighbors", [1, 3, 5])
@pytest.mark.parametrize("dtype", [np.float32, ">f4", np.float16, np.float64])
def test_float_target_small_classes(module, n_neighbors, dtype):
    # y stays float32 (float16) through scale() and its jitter (lost in float32); scikit-learn's
    # 32-bit brute-force search then returns float32 distances, sqrt of the float64 squared
    # distance rounded to float32 (float16 goes through float64 pairwise_distances instead);
    # a big-endian float32 y is not one of scikit-learn's FLOAT_DTYPES (compared with ==), so
    # scale() makes it float64 (the fuzzer's find: both implementations kept it float32)
    rng = np.random.RandomState(n_neighbors)
    X = np.repeat(np.arange(8), [2, 3, 4, 5, 7, 8, 11, 12])[:, None] * [1, 1]
    X[:, 1] = rng.randint(0, 3, X.shape[0])
    for y in [rng.randn(X.shape[0]), np.round(rng.randn(X.shape[0]) * 4) / 4]:
        check(
            module,
            "mutual_info_regression",
            X,
            y.astype(dtype),
            discrete_features=True,
            n_neighbors=n_neighbors,
            random_state=0,
        )


@implementations
@functions
def test_duplicated_points(module, name):
    rng = np.random.RandomState(3)
    X = np.repeat(rng.randn(6, 3), 4, axis=0)
    y = np.repeat([0, 1, 0, 1, 1, 2], 4) if name == "mutual_info_classif" else X[:, 0] * 2
    for mask in [False, [0], [True, False, True], True]:
        check(module, name, X, y, discrete_features=mask, random_state=0)
        check(module, name, X, y, discrete_features=mask, n_neighbors=5, random_state=1)


@implementations
@functions
def test_constant_columns(module, name):
    rng = np.random.RandomState(4)
    n = 30
    X = np.column_stack(
        [np.full(n, 0.1), np.full(n, 1e6), np.zeros(n), rng.randn(n), np.full(n, -3.0)]
    )
    y = rng.randint(0, 2, n) if name == "mutual_info_classif" else rng.randn(n)
    check(module, name, X, y, random_state=0)
    check(module, name, X, y, discrete_features=[0, 2], random_state=0)


@implementations
@pytest.mark.parametrize("value", [0.0, 0.1, -3.0, 1e6])
def test_constant_target(module, value):
    # y is 1-D: its std counts as 1 only when exactly 0 (a tiny nonzero std divides)
    X = np.random.RandomState(5).randn(25, 2)
    check(module, "mutual_info_regression", X, np.full(25, value), random_state=0)
    check(
        module,
        "mutual_info_regression",
        np.round(X),
        np.full(25, value),
        discrete_features=True,
        random_state=0,
    )


@implementations
@functions
def test_mixed_masks(module, name):
    rng = np.random.RandomState(6)
    n = 40
    X = np.column_stack(
        [rng.randn(n), rng.randint(0, 3, n), rng.randint(0, 5, n) * 0.5, np.round(rng.randn(n))]
    )
    y = rng.randint(0, 3, n) if name == "mutual_info_classif" else X[:, 0] + rng.randn(n)
    masks = [[1], [1, 2], [-1], np.array([1, 2]), [False, True, True, False], "auto", False]
    for mask in masks:
        check(module, name, X, y, discrete_features=mask, random_state=2)


@implementations
@functions
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_discrete(module, name, fmt):
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.RandomState(7)
    X = sparse.random(40, 5, density=0.3, random_state=rng, format=fmt)
    X.data = np.round(X.data * 3)
    y = rng.randint(0, 3, 40) if name == "mutual_info_classif" else rng.randn(40)
    dense = check(module, name, X.toarray(), y, discrete_features=True, random_state=0)
    auto = check(module, name, X, y, random_state=0)
    indices = check(module, name, X, y, discrete_features=[0, 1, 2, 3, 4], random_state=0)
    assert_allclose(auto, dense)
    assert_allclose(indices, dense)
    raises_like_sklearn(module, name, ValueError, X, y, discrete_features=[0, 1])


@implementations
@functions
def test_dataframes(module, name):
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(8)
    n = 40
    df = pd.DataFrame(
        {
            "a": rng.randn(n),
            "b": rng.randint(0, 3, n),
            "c": rng.randn(n).astype(np.float32),
            "d": rng.rand(n) < 0.5,
        }
    )
    if name == "mutual_info_classif":
        y = pd.Series(np.array(["x", "y", "z"])[rng.randint(0, 3, n)])
    else:
        y = pd.Series(df["a"] + rng.randn(n))
    for mask in [[1, 3], [False, True, False, True], False]:
        from_frame = check(module, name, df, y, discrete_features=mask, random_state=3)
        from_array = check(
            module,
            name,
            df.to_numpy(np.float64),
            y.to_numpy(),
            discrete_features=mask,
            random_state=3,
        )
        assert_allclose(from_frame, from_array)


@implementations
@functions
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.float32, np.float16, bool])
def test_input_dtypes(module, name, dtype):
    rng = np.random.RandomState(9)
    n = 50
    X = np.round(rng.randn(n, 3) * 3).astype(dtype)  # repeated values: discrete columns too
    if name == "mutual_info_classif":
        y = rng.randint(0, 3, n).astype(dtype)
    else:
        y = (X[:, 0].astype(np.float64) + rng.randn(n)).astype(dtype)
    check(module, name, X, y, random_state=0)
    check(module, name, X, y, discrete_features=[1], random_state=0)
    check(module, name, X, y, discrete_features=True, random_state=0)


@implementations
def test_labels(module):
    rng = np.random.RandomState(10)
    X = rng.randn(40, 2)
    codes = rng.randint(0, 3, 40)
    for y in [codes, codes.astype(float), np.array(["p", "q", "r"])[codes], codes[:, None]]:
        check(module, "mutual_info_classif", X, y, random_state=0)
        check(module, "mutual_info_classif", np.round(X), y, discrete_features=True)


@implementations
@functions
def test_random_states(module, name):
    rng = np.random.RandomState(11)
    X = np.round(rng.randn(30, 2), 1)
    y = rng.randint(0, 2, 30) if name == "mutual_info_classif" else np.round(rng.randn(30), 1)
    state = np.random.RandomState(5)
    check(module, name, X, y, random_state=state)
    # None: NumPy's global RandomState, as scikit-learn's check_random_state
    global_state = np.random.mtrand._rand
    saved = global_state.get_state()
    try:
        global_state.seed(12)
        expected = sklearn_result(name, X, y)
        global_state.seed(12)
        assert_allclose(getattr(module, name)(X, y), expected, rtol=RTOL, atol=ATOL)
    finally:
        global_state.set_state(saved)


@implementations
@functions
def test_copy(module, name):
    rng = np.random.RandomState(13)
    X = rng.randn(30, 3)
    y = rng.randint(0, 2, 30) if name == "mutual_info_classif" else rng.randn(30)
    original = X.copy()
    with_copy = getattr(module, name)(X, y, random_state=0)
    np.testing.assert_array_equal(X, original)
    without = getattr(module, name)(X, y, copy=False, random_state=0)
    assert_allclose(without, with_copy, rtol=RTOL, atol=ATOL)


# ---- bad inputs ----------------------------------------------------------------------------------

X4 = np.array([[0.0], [1.0], [2.0], [3.0]])
Y4 = np.array([0, 0, 1, 1])


@implementations
@functions
@pytest.mark.parametrize(
    ("X", "y", "kwargs"),
    [
        (np.array([[np.nan], [1.0], [2.0], [3.0]]), Y4, {}),
        (np.array([[np.inf], [1.0], [2.0], [3.0]]), Y4, {}),
        (X4, np.array([0.0, 0.0, 1.0, np.nan]), {}),
        (X4, np.array([0.0, 0.0, 1.0, -np.inf]), {}),
        (X4, Y4[:3], {}),
        (X4, np.append(Y4, 0), {}),
        (X4, Y4, {"n_neighbors": 0}),
        (X4, Y4, {"n_neighbors": -2}),
        (X4, Y4, {"discrete_features": "manual"}),
        (X4[:, 0], Y4, {}),
        (np.zeros((0, 2)), np.zeros(0), {}),
        (np.zeros((4, 0)), Y4, {}),
        (X4, Y4[:, None] * [1, 1], {}),
    ],
)
def test_bad_inputs(module, name, X, y, kwargs):
    raises_like_sklearn(module, name, ValueError, X, y, **kwargs)


@implementations
@functions
def test_bad_discrete_features(module, name):
    raises_like_sklearn(module, name, IndexError, X4, Y4, discrete_features=[True, False])
    raises_like_sklearn(module, name, IndexError, X4, Y4, discrete_features=[1])
    raises_like_sklearn(module, name, ValueError, X4, Y4, discrete_features=[])


@implementations
def test_bad_targets(module):
    # a fractional y is no class label; nor is an object that is not a string
    raises_like_sklearn(module, "mutual_info_classif", ValueError, X4, [0, 0.5, 1, 1])
    labels = np.array([0, 0, 1, 1], dtype=object)
    raises_like_sklearn(module, "mutual_info_classif", ValueError, X4, labels)
    raises_like_sklearn(module, "mutual_info_regression", ValueError, X4, ["a", "b", "a", "b"])


@implementations
def test_not_enough_neighbours(module):
    # continuous/continuous needs n_neighbors < n; continuous/discrete a repeated label
    raises_like_sklearn(module, "mutual_info_regression", ValueError, X4, Y4, n_neighbors=4)
    raises_like_sklearn(module, "mutual_info_classif", ValueError, X4, np.arange(4))
    raises_like_sklearn(
        module,
        "mutual_info_regression",
        ValueError,
        Y4[:, None] * 0 + [[0], [1], [2], [3]],
        np.arange(4.0),
        discrete_features=True,
    )
    # ...but discrete/discrete of unique labels is fine, and n_neighbors = n - 1 too
    check(module, "mutual_info_classif", X4, np.arange(4), discrete_features=True)
    check(module, "mutual_info_regression", X4, Y4, n_neighbors=3, random_state=0)


@implementations
@functions
def test_bad_parameter_types(module, name):
    f = getattr(module, name)
    with pytest.raises((TypeError, ValueError)):
        f(X4, Y4, n_neighbors=2.0)
    with pytest.raises((TypeError, ValueError)):
        f(X4, Y4, copy=1)
    with pytest.raises((TypeError, ValueError)):
        f(X4, Y4, random_state=np.random.default_rng(0))
    with pytest.raises((TypeError, ValueError)):
        f(X4, Y4, n_jobs=0)
    with pytest.raises((TypeError, ValueError)):
        f(X4, Y4, random_state=-1)


# ---- continuous="knn" of the scorers ------------------------------------------------------------


def _mixed(n=400, seed=21):
    rng = np.random.RandomState(seed)
    a = rng.randn(n)
    labels = (a + 0.5 * rng.randn(n) > 0).astype(int)
    X = np.column_stack([a, rng.randn(n), rng.randint(0, 3, n), a + 0.3 * rng.randn(n)])
    return X, labels, a + 0.5 * rng.randn(n)


def test_scores_knn_equal_scikit_learn_estimators():
    """continuous="knn": scikit-learn's numbers for random_state=0 (the same preparation), the
    integer column counted as discrete in both."""
    pytest.importorskip("sklearn")
    from fastent import selection

    X, labels, target = _mixed()
    frame_mask = [False, False, True, False]
    pd = pytest.importorskip("pandas")

    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2].astype(int), "d": X[:, 3]})
    got = selection.mutual_info_scores(frame, labels, continuous="knn")
    want = sklearn_mi.mutual_info_classif(X, labels, discrete_features=frame_mask, random_state=0)
    assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    got = selection.mutual_info_scores(frame, target, continuous="knn", n_neighbors=5)
    want = sklearn_mi.mutual_info_regression(
        X, target, discrete_features=frame_mask, random_state=0, n_neighbors=5
    )
    assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    sel = selection.select_features(frame, labels, 2, method="mi", continuous="knn")
    assert_allclose(sel.relevance, selection.mutual_info_scores(frame, labels, continuous="knn"))


@pytest.mark.parametrize("layout", ["C", "F", "float32"])
def test_scores_knn_of_arrays(layout):
    # a float array (every column continuous: no discrete mask) as scikit-learn scores it
    pytest.importorskip("sklearn")
    from fastent import selection

    X, labels, target = _mixed()
    X = X[:, [0, 1, 3]]
    arr = X.astype(np.float32) if layout == "float32" else np.asarray(X, order=layout)
    for y, sk in (
        (labels, sklearn_mi.mutual_info_classif),
        (target, sklearn_mi.mutual_info_regression),
    ):
        got = selection.mutual_info_scores(arr, y, continuous="knn", discrete_target=y is labels)
        want = sk(arr.astype(np.float64), y, discrete_features=False, random_state=0)
        assert_allclose(got, want, rtol=RTOL, atol=ATOL)
        sel = selection.select_features(arr, y, 2, method="mrmr", continuous="knn")
        assert_allclose(sel.relevance, got)


def test_mrmr_knn_skips_a_noisy_copy():
    from fastent import selection

    rng = np.random.RandomState(3)
    n = 600
    a, b = rng.randn(n), rng.randn(n)
    y = a + 0.5 * b + 0.3 * rng.randn(n)
    X = np.column_stack([a, a + 0.01 * rng.randn(n), b])
    plain = selection.select_features(X, y, 2, method="mi", continuous="knn")
    assert sorted(plain.indices.tolist()) == [0, 1]  # relevance alone: a and its copy
    mrmr = selection.select_features(X, y, 2, method="mrmr", continuous="knn")
    assert mrmr.indices[0] in (0, 1)
    assert mrmr.indices[1] == 2  # the copy is redundant: its KSG redundancy with a is large


def test_knn_missing_drop_and_bad_arguments():
    from fastent import selection

    X, labels, _target = _mixed(300)
    X = X.copy()
    X[::7, 0] = np.nan
    got = selection.mutual_info_scores(X, labels, continuous="knn", missing="drop")
    assert np.isfinite(got).all()
    assert got[0] > 0.1
    with pytest.raises(ValueError, match="continuous must be one of"):
        selection.mutual_info_scores(X, labels, continuous="kde", missing="drop")
    with pytest.raises(ValueError, match="n_neighbors must be in"):
        selection.mutual_info_scores(X, labels, continuous="knn", n_neighbors=0, missing="drop")
    with pytest.raises(ValueError, match="does not apply to continuous='knn'"):
        selection.mutual_info_scores(X, labels, continuous="knn", adjusted=True, missing="drop")
    with pytest.raises(ValueError, match="missing values"):
        selection.mutual_info_scores(X, labels, continuous="knn")
