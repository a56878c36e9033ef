# SPDX-License-Identifier: BSD-3-Clause
"""fastent.discrete against scikit-learn, pyitlib, fastent.reference, exact (mpmath) values,
sorting-based counts and information identities: every label kind, every counting path (at every
SIMD level), the estimators' formulas, the peers' degenerate cases, and bad inputs."""

import functools
import itertools
import math
import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from fastent import discrete
from fastent._core import codes as core_codes
from fastent._core import counting as core_counting
from fastent._kernels import counting as kernels
from fastent.reference import discrete as ref

ESTIMATORS = ["plugin", "miller_madow", "shrinkage", "chao_shen"]
AVERAGES = ["arithmetic", "geometric", "min", "max"]
BASES = [None, 2, 10]
#: functions taking ``estimator``, with the number of label arrays they are given here
WITH_ESTIMATOR = {
    "entropy": 1,
    "joint_entropy": 3,
    "conditional_entropy": 2,
    "mutual_info": 2,
    "conditional_mutual_info": 3,
}
#: every public function, with the number of label arrays (joint_entropy/contingency: any)
ARITY = {
    **WITH_ESTIMATOR,
    "normalized_mutual_info": 2,
    "adjusted_mutual_info": 2,
    "variation_of_information": 2,
    "contingency": 2,
}


def call(module, name, variables, **kw):
    return getattr(module, name)(*variables[: ARITY[name]], **kw)


def reference(name, variables, **kw):
    """fastent.reference's value (its shrinkage divides 0/0 when the data equal the target)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return call(ref, name, variables, **kw)


def assert_close(got, expected, rtol=1e-12, atol=1e-13):
    assert type(got) is np.float64
    assert_allclose(got, expected, rtol=rtol, atol=atol)


def sklearn(name, *labels, **kw):
    """A ``sklearn.metrics`` score of the labels (as NumPy arrays)."""
    metrics = pytest.importorskip("sklearn.metrics")
    with warnings.catch_warnings():
        # its "expects discrete values but received continuous values" on non-integer floats
        warnings.simplefilter("ignore", UserWarning)
        return getattr(metrics, name)(*(np.asarray(x) for x in labels), **kw)


def contingency_matrix(x, y):
    cluster = pytest.importorskip("sklearn.metrics.cluster")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return cluster.contingency_matrix(np.asarray(x), np.asarray(y))


# ---- independent computations: sorting, fsum, mpmath ---------------------------------------------


def sorted_codes(x):
    """(codes, number of levels) of a label array, by np.unique."""
    levels, codes = np.unique(np.asarray(x), return_inverse=True)
    return codes.reshape(-1).astype(np.int64), levels.size


def joint_counts(*variables):
    """The nonzero counts of the joint table, by sorting (no dense table)."""
    coded = [sorted_codes(v) for v in variables]
    if math.prod(k for _, k in coded) < 2**62:
        key = np.zeros(coded[0][0].size, dtype=np.int64)
        for codes, k in coded:
            key = key * k + codes
        return np.unique(key, return_counts=True)[1]
    stacked = np.stack([codes for codes, _ in coded], axis=1)
    return np.unique(stacked, axis=0, return_counts=True)[1]


def h_plugin(counts):
    p = np.asarray(counts, dtype=np.float64)
    p = p[p > 0] / p.sum()
    return -math.fsum(p * np.log(p))


def sorted_mi(x, y):
    """Plug-in I(X; Y) summed over the nonzero cells found by sorting."""
    (cx, _), (cy, ky) = sorted_codes(x), sorted_codes(y)
    n = cx.size
    cells, c = np.unique(cx * ky + cy, return_counts=True)
    a, b = np.bincount(cx)[cells // ky], np.bincount(cy)[cells % ky]
    return max(math.fsum(c / n * np.log(c * n / (a * b))), 0.0)


def sorted_cmi(x, y, z):
    h = [h_plugin(joint_counts(*v)) for v in ((x, z), (y, z), (x, y, z), (z,))]
    return max(h[0] + h[1] - h[2] - h[3], 0.0)


def table_by_add_at(*variables):
    """The dense contingency table and levels with np.unique and np.add.at."""
    pairs = [np.unique(np.asarray(v), return_inverse=True) for v in variables]
    table = np.zeros(tuple(lv.size for lv, _ in pairs), dtype=np.int64)
    np.add.at(table, tuple(codes.reshape(-1) for _, codes in pairs), 1)
    return table, [lv for lv, _ in pairs]


def mp_entropy(counts, estimator, n_bins=None):
    """Entropy in nats of nonzero ``counts`` by the estimator's formula, in 40-digit arithmetic
    (over the distinct count values, with their multiplicities).  ``n_bins`` (default: the
    nonzero levels) is the size of the shrinkage target's support, empty bins included."""
    values, mult = np.unique(np.asarray(counts, dtype=np.int64), return_counts=True)
    keep = values > 0
    pairs = list(zip(values[keep].tolist(), mult[keep].tolist(), strict=True))
    with mpmath.workdps(40):
        n = mpmath.mpf(sum(c * w for c, w in pairs))
        m = sum(w for _, w in pairs)

        def total(f):  # the sum of f(count / n) over the levels
            return mpmath.fsum(w * f(c / n) for c, w in pairs)

        plugin = -total(lambda q: q * mpmath.log(q))
        if estimator == "plugin":
            return float(plugin)
        if estimator == "miller_madow":
            return float(plugin + mpmath.mpf(m - 1) / (2 * n))
        if estimator == "chao_shen":
            f1 = sum(w for c, w in pairs if c == 1)
            if f1 == n:
                f1 = n - 1
            cov = 1 - f1 / n
            return float(-total(lambda q: cov * q * mpmath.log(cov * q) / (1 - (1 - cov * q) ** n)))
        # shrinkage (Hausser & Strimmer 2009) towards t = 1/K over all K bins, K - m of them empty
        k = int(n_bins if n_bins is not None else m)
        t, empty = mpmath.mpf(1) / k, k - m
        denominator = (n - 1) * (total(lambda q: (t - q) ** 2) + empty * t * t)
        if n > 1 and denominator > 0:
            lam = min(max((1 - total(lambda q: q * q)) / denominator, 0), 1)
        else:  # one sample, or the data already are the target
            lam = mpmath.mpf(1)
        h = -total(lambda q: (lam * t + (1 - lam) * q) * mpmath.log(lam * t + (1 - lam) * q))
        if empty and lam > 0:
            h -= empty * lam * t * mpmath.log(lam * t)
        return float(h)


def mp_joint_entropy(estimator, *variables):
    """H of the joint table; the shrinkage target spans the product of observed level counts."""
    n_bins = math.prod(sorted_codes(v)[1] for v in variables)
    return mp_entropy(joint_counts(*variables), estimator, n_bins)


@functools.cache
def mp_expected_mutual_info(a, b, n):
    """E[I] in nats of two labellings with marginal counts a, b (tuples; hypergeometric model),
    exactly."""
    with mpmath.workdps(40):
        total = mpmath.mpf(0)
        big_n = mpmath.mpf(n)
        for ai in a:
            for bj in b:
                ways = mpmath.mpf(math.comb(n, bj))
                for k in range(max(1, ai + bj - n), min(ai, bj) + 1):
                    p = math.comb(ai, k) * math.comb(n - ai, bj - k) / ways
                    total += k / big_n * mpmath.log(big_n * k / (ai * bj)) * p
        return total


def mp_adjusted_mutual_info(x, y, average):
    """AMI from exact EMI, MI and entropies (40 digits)."""
    a = tuple(np.unique(np.asarray(x), return_counts=True)[1].tolist())
    b = tuple(np.unique(np.asarray(y), return_counts=True)[1].tolist())
    n = len(x)
    with mpmath.workdps(40):
        (cx, _), (cy, ky) = sorted_codes(x), sorted_codes(y)
        cells, c = np.unique(cx * ky + cy, return_counts=True)
        ca, cb = np.bincount(cx)[cells // ky], np.bincount(cy)[cells % ky]
        big_n = mpmath.mpf(n)
        mi = mpmath.fsum(
            int(v) / big_n * mpmath.log(int(v) * big_n / (int(u) * int(w)))
            for v, u, w in zip(c, ca, cb, strict=True)
        )
        hx = -mpmath.fsum(v / big_n * mpmath.log(v / big_n) for v in a)
        hy = -mpmath.fsum(v / big_n * mpmath.log(v / big_n) for v in b)
        mean = {
            "arithmetic": (hx + hy) / 2,
            "geometric": mpmath.sqrt(hx * hy),
            "min": min(hx, hy),
            "max": max(hx, hy),
        }[average]
        emi = mp_expected_mutual_info(a, b, n)
        return float((mi - emi) / (mean - emi))


def ami_is_zero_over_zero(x, y, average):
    """Whether AMI is 0 / 0 in exact arithmetic: a labelling of all-distinct values has
    I = E[I] = H(other), which is the mean for average "min" (or when both are all distinct).
    Every library returns rounding noise over rounding noise there."""
    distinct = [np.unique(np.asarray(v)).size == len(v) for v in (x, y)]
    constant = [np.unique(np.asarray(v)).size == 1 for v in (x, y)]
    if any(constant):
        return False
    return all(distinct) or (any(distinct) and average == "min")


# ---- label kinds -------------------------------------------------------------------------------


def _base_pair(seed=0, n=400):
    """Dependent labellings: x with 7 levels, y with 5."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 7, n)
    y = (2 * x + rng.integers(0, 3, n)) % 5
    return x, y


def _take(values, codes, dtype=None):
    return np.asarray(values, dtype=dtype)[codes]


def _extremes(dtype):
    info = np.iinfo(dtype)
    if info.min < 0:
        return [info.min, info.min + 1, -1, 0, 1, info.max - 1, info.max]
    return [0, 1, 2, info.max // 2, info.max - 2, info.max - 1, info.max]


X_STRINGS = ["c", "a", "b", "zz", "", "é", "ab"]
Y_STRINGS = ["y3", "y1", "y0", "y4", "y2"]


def _pandas():
    return pytest.importorskip("pandas")


def _polars():
    return pytest.importorskip("polars")


def _arrow_pandas():
    pytest.importorskip("pyarrow")
    return _pandas()


CASES = {
    "small_ints": lambda x, y: (x, y),
    "negative_ints": lambda x, y: (x - 6, -3 * y - 1),
    "huge_ints": lambda x, y: (
        _take([-(2**62), 2**62, -(2**62) + 1, 2**62 - 1, 0, 1, -1], x, np.int64),
        (y - 2) * 2**61,
    ),
    "int64_limits": lambda x, y: (
        _take(_extremes(np.int64), x, np.int64),
        _take([-(2**63), 2**63 - 1, -(2**63) + 1, 2**63 - 2, 0], y, np.int64),
    ),
    "uint64_above_2**63": lambda x, y: (
        _take([2**63, 2**63 + 1, 2**64 - 1, 0, 1, 2**64 - 2, 2**63 - 1], x, np.uint64),
        y.astype(np.uint64) + np.uint64(2**63),
    ),
    "uint64_below_2**63": lambda x, y: (x.astype(np.uint64) * np.uint64(3), y.astype(np.uint64)),
    **{
        np.dtype(dt).name: (
            lambda x, y, dt=dt: (_take(_extremes(dt), x, dt), _take(_extremes(dt)[1:6], y, dt))
        )
        for dt in (np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32)
    },
    "mixed_int_widths": lambda x, y: (x.astype(np.int8) - 3, y.astype(np.uint32) * 1000),
    "bools": lambda x, y: (x % 2 == 0, y >= 2),
    "bool_and_ints": lambda x, y: (x > 3, y),
    "strings": lambda x, y: (_take(X_STRINGS, x), _take(Y_STRINGS, y)),
    "object_strings": lambda x, y: (_take(X_STRINGS, x, object), _take(Y_STRINGS, y, object)),
    "integer_floats": lambda x, y: (x.astype(np.float64) - 3.0, y.astype(np.float32) * 4),
    "few_floats": lambda x, y: (x * 0.1, y.astype(np.float32) / 3),
    "datetimes": lambda x, y: (np.datetime64("2024-02-28") + x, y.astype("m8[s]")),
    "categorical": lambda x, y: (
        _pandas().Categorical(
            _take(X_STRINGS, x), categories=["zz", "unused", "b", "a", "é", "c", "", "ab"]
        ),
        _pandas().Categorical(y, categories=[4, 3, 9, 2, 1, 0]),
    ),
    "ordered_categorical": lambda x, y: (
        _pandas().Categorical(_take(X_STRINGS, x), categories=X_STRINGS[::-1], ordered=True),
        y,
    ),
    "categorical_series": lambda x, y: (
        _pandas().Series(x).astype(_pandas().CategoricalDtype([6, 5, 4, 3, 2, 1, 0, -1])),
        _pandas().Series(_take(Y_STRINGS, y), dtype="category"),
    ),
    "pandas_series": lambda x, y: (
        _pandas().Series(x, index=np.arange(x.size)[::-1]),
        _pandas().Series(_take(Y_STRINGS, y)),
    ),
    "pandas_nullable": lambda x, y: (
        _pandas().Series(x, dtype="Int64"),
        _pandas().Series(_take(Y_STRINGS, y), dtype="string"),
    ),
    "pandas_arrow": lambda x, y: (
        _arrow_pandas().Series(x, dtype="int64[pyarrow]"),
        _arrow_pandas().Series(_take(Y_STRINGS, y), dtype="string[pyarrow]"),
    ),
    "polars": lambda x, y: (_polars().Series(x), _polars().Series(_take(Y_STRINGS, y))),
    "polars_categorical": lambda x, y: (
        _polars().Series(_take(X_STRINGS, x), dtype=_polars().Categorical),
        _polars().Series(y, dtype=_polars().Int16),
    ),
    "strided": lambda x, y: (np.repeat(x, 3)[::3], np.stack([y, y], axis=1)[:, 1]),
    "reversed": lambda x, y: (x[::-1], y[::-1]),
    "byteswapped": lambda x, y: ((x - 3).astype(">i8"), y.astype(">u2")),
    "byteswapped_small": lambda x, y: (x.astype(">i2"), y.astype(">f8")),
    "lists": lambda x, y: (x.tolist(), _take(Y_STRINGS, y).tolist()),
    "tuples": lambda x, y: (tuple(x.tolist()), tuple((y > 1).tolist())),
}


#: label kinds scikit-learn rejects: compared with the reference only
MIXED = np.empty(6, dtype=object)
MIXED[:] = [1, "a", 2, "b", -7, "10"]
REFERENCE_CASES = {
    **CASES,
    "bytes": lambda x, y: (_take([s.encode() for s in [*Y_STRINGS, "q", "r"]], x), y),
    "mixed_objects": lambda x, y: (MIXED[x % 6], MIXED[y]),
    "mixed_categorical": lambda x, y: (_pandas().Categorical(MIXED[x % 6]), y),
}


def make_case(name, seed=0, n=400):
    return REFERENCE_CASES[name](*_base_pair(seed, n))


# ---- 1. scikit-learn -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_sklearn_mutual_info_and_contingency(case):
    x, y = make_case(case)
    assert_close(discrete.mutual_info(x, y), sklearn("mutual_info_score", x, y))
    assert_close(discrete.mutual_info(y, x), sklearn("mutual_info_score", y, x))
    counts, levels = discrete.contingency(x, y)
    assert counts.dtype == np.int64
    assert_array_equal(counts, contingency_matrix(x, y))
    for lv, labels in zip(levels, (x, y), strict=True):
        expected = np.unique(np.asarray(labels))
        assert_array_equal(lv, expected)
        assert lv.dtype == expected.dtype


@pytest.mark.parametrize("case", CASES)
def test_sklearn_normalized_and_adjusted(case):
    x, y = make_case(case, seed=1)
    for average in AVERAGES:
        nmi = sklearn("normalized_mutual_info_score", x, y, average_method=average)
        assert_close(discrete.normalized_mutual_info(x, y, average=average), nmi)
        # scikit-learn's own E[I] is ~1e-12 relative off the exact value
        ami = sklearn("adjusted_mutual_info_score", x, y, average_method=average)
        got = discrete.adjusted_mutual_info(x, y, average=average)
        assert_close(got, ami, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("n", "kx", "ky"), [(50, 2, 3), (1000, 30, 7), (2000, 200, 200), (5000, 700, 5)]
)
def test_sklearn_many_labels(n, kx, ky):
    rng = np.random.default_rng(n + kx)
    x = rng.integers(0, kx, n) * 1009 - 5  # a wide range: factorised
    y = (x // 1009 + rng.integers(0, 3, n)) % ky
    assert_close(discrete.mutual_info(x, y), sklearn("mutual_info_score", x, y))
    assert_array_equal(discrete.contingency(x, y)[0], contingency_matrix(x, y))
    for average in AVERAGES:
        assert_close(
            discrete.normalized_mutual_info(x, y, average=average),
            sklearn("normalized_mutual_info_score", x, y, average_method=average),
        )
        assert_close(
            discrete.adjusted_mutual_info(x, y, average=average),
            sklearn("adjusted_mutual_info_score", x, y, average_method=average),
            rtol=1e-10,
            atol=1e-12,
        )


def test_mixed_object_labels_match_reference():
    # scikit-learn cannot order ints and strings together: compare with the reference
    rng = np.random.default_rng(2)
    x, y, z = (
        MIXED[rng.integers(0, 6, 300)],
        MIXED[rng.integers(0, 4, 300)],
        rng.integers(0, 3, 300),
    )
    for name in ARITY:
        if name == "contingency":
            continue
        kws = [{"estimator": e} for e in ESTIMATORS] if name in WITH_ESTIMATOR else [{}]
        for kw in kws:
            assert_close(call(discrete, name, (x, y, z), **kw), reference(name, (x, y, z), **kw))
    counts, levels = discrete.contingency(x, y, z)
    expected_counts, expected_levels = ref.contingency(x, y, z)
    assert_array_equal(counts, expected_counts)
    for got, expected in zip(levels, expected_levels, strict=True):
        assert got.tolist() == expected.tolist()
    assert levels[0].tolist() == [-7, 1, 2, "10", "a", "b"]  # by type name, then value


def test_mixed_type_categorical_matches_reference():
    pd = _pandas()
    x = pd.Categorical([1, "a", 1, "b", "a", 1])
    y = [0, 0, 1, 1, 0, 1]
    assert_close(discrete.mutual_info(x, y), ref.mutual_info(x, y))
    assert_close(discrete.entropy(x), ref.entropy(x))
    counts, levels = discrete.contingency(x, y)
    expected_counts, expected_levels = ref.contingency(x, y)
    assert_array_equal(counts, expected_counts)
    assert levels[0].tolist() == expected_levels[0].tolist()


# ---- expected mutual information and AMI, exactly -----------------------------------------------


def _partition(rng, n, k):
    """k positive counts summing to n."""
    cuts = np.sort(rng.choice(np.arange(1, n), k - 1, replace=False))
    return np.diff(np.concatenate([[0], cuts, [n]])).tolist()


EMI_CASES = {
    "tiny": ([1, 2, 3, 4], [5, 5]),
    "singletons": ([1] * 10, [2] * 5),
    "repeated": ([3, 3, 4], [1, 1, 1, 1, 6]),
    "lopsided": ([1, 99], [50, 50]),
    "one_block": ([100], [30, 70]),
    "near_full": ([199, 1], [198, 1, 1]),
    "random_200": (
        _partition(np.random.default_rng(3), 200, 5),
        _partition(np.random.default_rng(4), 200, 4),
    ),
    "random_1000": (
        _partition(np.random.default_rng(5), 1000, 4),
        _partition(np.random.default_rng(6), 1000, 3),
    ),
}


@pytest.mark.parametrize("case", EMI_CASES)
def test_expected_mutual_info_kernel_is_exact(case):
    a, b = EMI_CASES[case]
    n = sum(a)
    assert sum(b) == n
    av, am = (v.astype(np.int64) for v in np.unique(a, return_counts=True))
    bv, bm = (v.astype(np.int64) for v in np.unique(b, return_counts=True))
    got = kernels.expected_mutual_info(av, am, bv, bm, n)
    exact = float(mp_expected_mutual_info(tuple(a), tuple(b), n))
    # E[I] = 0 exactly for a one-block labelling: a few ulps of log(n) are left there
    assert got == pytest.approx(exact, rel=1e-11, abs=1e-14)
    expected = ref.expected_mutual_info(np.array(a), np.array(b), n)
    assert expected == pytest.approx(exact, rel=1e-11, abs=1e-14)


def _labelling(rng, counts):
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))


def _emi_labellings(case):
    rng = np.random.default_rng(7)
    return tuple(_labelling(rng, counts) for counts in EMI_CASES[case])


@pytest.mark.parametrize(
    ("case", "average"),
    [
        (case, average)
        for case in EMI_CASES
        for average in AVERAGES
        if case != "one_block" and not ami_is_zero_over_zero(*_emi_labellings(case), average)
    ],
)
def test_adjusted_mutual_info_is_exact(case, average):
    x, y = _emi_labellings(case)
    got = discrete.adjusted_mutual_info(x, y, average=average)
    assert got == pytest.approx(mp_adjusted_mutual_info(x, y, average), rel=1e-10, abs=1e-12)


# ---- 2. pyitlib ----------------------------------------------------------------------------------

PYITLIB = {"ML": "plugin", "JAMES-STEIN": "shrinkage"}


def _triple(case):
    rng = np.random.default_rng(len(case))
    if case == "few":
        x = rng.integers(0, 4, 300)
        return x, (x + rng.integers(0, 2, 300)) % 3, rng.integers(0, 3, 300)
    if case == "negative":  # -1 is pyitlib's default missing value: fill_value=None
        x = rng.integers(-3, 2, 500)
        return x, x * x - 1 + rng.integers(0, 2, 500), rng.integers(-1, 1, 500)
    x = rng.integers(0, 300, 2000)  # many levels: most joint cells unobserved
    return x, (x // 3 + rng.integers(0, 40, 2000)) % 150, rng.integers(0, 5, 2000)


@pytest.mark.parametrize("base", [2, math.e, 10])
@pytest.mark.parametrize("estimator", PYITLIB)
@pytest.mark.parametrize("case", ["few", "negative", "many"])
def test_pyitlib(case, estimator, base):
    drv = pytest.importorskip("pyitlib.discrete_random_variable")
    x, y, z = _triple(case)
    theirs = {"estimator": estimator, "base": base, "fill_value": None}
    ours = {"estimator": PYITLIB[estimator], "base": base}
    pairs = [
        (discrete.entropy(x, **ours), drv.entropy(x, **theirs)),
        (discrete.entropy(y, **ours), drv.entropy(y, **theirs)),
        (discrete.joint_entropy(x, y, **ours), drv.entropy_joint(np.vstack([x, y]), **theirs)),
        (
            discrete.joint_entropy(x, y, z, **ours),
            drv.entropy_joint(np.vstack([x, y, z]), **theirs),
        ),
        (discrete.conditional_entropy(x, y, **ours), drv.entropy_conditional(x, y, **theirs)),
        (discrete.conditional_entropy(y, z, **ours), drv.entropy_conditional(y, z, **theirs)),
        (discrete.mutual_info(x, y, **ours), drv.information_mutual(x, y, **theirs)),
        (discrete.mutual_info(x, z, **ours), drv.information_mutual(x, z, **theirs)),
        (
            discrete.conditional_mutual_info(x, y, z, **ours),
            drv.information_mutual_conditional(x, y, z, **theirs),
        ),
    ]
    for got, expected in pairs:
        assert_close(got, float(expected), atol=1e-12)


# ---- 3. the NumPy reference ----------------------------------------------------------------------

# (n, levels of x): levels of y are one fewer, of z max(2, levels // 4) capped at 3
REF_SIZES = [
    (1, 1),
    (2, 2),
    (7, 3),
    (100, 5),
    (100, 60),
    (5000, 12),
    (5000, 700),
    (200_000, 10),
    (200_000, 1000),
]


@functools.cache
def reference_data(n, k):
    rng = np.random.default_rng(n + k)
    x = rng.integers(0, k, n) - k // 3  # negative labels: the fast path with an offset
    y = (x * 5 + rng.integers(0, 3, n)) % max(k - 1, 1)
    z = rng.integers(0, min(max(2, k // 4), 3), n) * 7
    for a in (x, y, z):
        a.setflags(write=False)
    return x, y, z


@functools.cache
def reference_value(name, n, k, **kw):
    return reference(name, reference_data(n, k), **kw)


@functools.cache
def sklearn_value(name, n, k, **kw):
    return sklearn(name, *reference_data(n, k)[:2], **kw)


@pytest.mark.parametrize("n_jobs", [1, 2, -1])
@pytest.mark.parametrize(("n", "k"), REF_SIZES, ids=str)
@pytest.mark.parametrize("name", WITH_ESTIMATOR)
def test_matches_reference(name, n, k, n_jobs):
    data = reference_data(n, k)
    for estimator in ESTIMATORS:
        for base in BASES if n <= 5000 else [None]:
            got = call(discrete, name, data, estimator=estimator, base=base, n_jobs=n_jobs)
            assert_close(got, reference_value(name, n, k, estimator=estimator, base=base))


@pytest.mark.parametrize("n_jobs", [1, -1])
@pytest.mark.parametrize(("n", "k"), REF_SIZES, ids=str)
def test_other_measures_match_reference(n, k, n_jobs):
    data = reference_data(n, k)
    for base in BASES if n <= 5000 else [None]:
        got = discrete.variation_of_information(*data[:2], base=base, n_jobs=n_jobs)
        assert_close(got, reference_value("variation_of_information", n, k, base=base))
    # the averages differ only in the final division: all four where the peers are quick
    for average in AVERAGES if n <= 5000 and k <= 12 else ["geometric"]:
        got = discrete.normalized_mutual_info(*data[:2], average=average, n_jobs=n_jobs)
        assert_close(got, reference_value("normalized_mutual_info", n, k, average=average))
        got = discrete.adjusted_mutual_info(*data[:2], average=average, n_jobs=n_jobs)
        if k <= 12 and n <= 5000:  # the reference sums E[I] term by term in Python
            expected = reference_value("adjusted_mutual_info", n, k, average=average)
        elif k <= 12 or n <= 5000:
            expected = sklearn_value("adjusted_mutual_info_score", n, k, average_method=average)
        else:  # too slow for either peer: test_sklearn_many_labels has 200 labels a side
            continue
        assert_close(got, expected, rtol=1e-10, atol=1e-12)
    for variables in (data[:1], data[:2], data):
        counts, levels = discrete.contingency(*variables, n_jobs=n_jobs)
        expected_counts, expected_levels = ref.contingency(*variables)
        assert_array_equal(counts, expected_counts)
        for got, expected in zip(levels, expected_levels, strict=True):
            assert_array_equal(got, expected)
            assert got.dtype == expected.dtype


@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_label_kinds_match_reference(case):
    x, y = make_case(case, seed=3, n=150)
    z = np.arange(150) % 4
    for name in WITH_ESTIMATOR:
        for estimator in ESTIMATORS:
            got = call(discrete, name, (x, y, z), estimator=estimator, base=2)
            assert_close(got, reference(name, (x, y, z), estimator=estimator, base=2))


# ---- counting paths, at every SIMD level ---------------------------------------------------------


def _dense_limit(n):
    return max(core_counting.DENSE_CELLS, n // 2)


def _guess_misses(x, value):
    """Whether the range encode() guesses for x is inexact and does not hold ``value``."""
    codes = core_codes.encode(x, "x")
    return not codes.exact and not codes.offset <= value < codes.offset + codes.size


def _with_unsampled(x, value):
    """x with ``value`` at the last position the guessed range does not read (checked)."""
    for i in (x.size - 1, x.size - 2, x.size - 3):
        trial = x.copy()
        trial[i] = value
        if _guess_misses(trial, value):
            return trial
    raise AssertionError("every candidate position is in the guess sample: update this test")


def _path_dense(rng):
    n = 3 * core_codes.GUESS_SAMPLE + 7
    x = rng.integers(-20, 20, n)
    codes = core_codes.encode(x, "x")
    assert codes.levels is None
    assert np.shares_memory(codes.data, x)  # counted in place, not factorised
    return x, (x + rng.integers(0, 5, n)) % 31, rng.integers(0, 4, n)


def _path_guess_last(rng):
    n = 2 * core_codes.GUESS_SAMPLE + 12_345
    x = _with_unsampled(rng.integers(0, 10, n), 2**40)
    return x, rng.integers(0, 10, n), rng.integers(0, 3, n).astype(np.int8)


def _path_guess_extremes(rng):
    n = 4 * core_codes.GUESS_SAMPLE + 3
    x = _with_unsampled(rng.integers(-5, 5, n), -(2**63))
    y = _with_unsampled(rng.integers(0, 7, n), 2**63 - 1)
    return x, y, _with_unsampled(rng.integers(0, 3, n), 1000)  # z's true range stays direct


def _path_guess_many(rng):
    # every value the stride sample does not read is huge: the guess sees only small ones
    n = 4 * core_codes.GUESS_SAMPLE + 3
    x = rng.integers(0, 10, n)
    stride = n // core_codes.GUESS_SAMPLE
    unsampled = np.arange(n) % stride != 0
    x[unsampled] = 10**12 + rng.integers(0, 50, unsampled.sum()) * 10**9
    assert _guess_misses(x, int(x.max())), "the guess sample changed: update this test"
    return x, (x % 7) + rng.integers(0, 2, n), rng.integers(0, 3, n)


def _path_prefix_small(rng):
    n = 3 * core_codes.GUESS_SAMPLE
    x = rng.integers(0, 10, n)
    x[n // 2 :] *= 10**9
    return x, rng.integers(0, 10, n) - x % 3, rng.integers(0, 2, n).astype(bool)


def _path_factorised(rng):
    n = 5000
    x = rng.integers(0, 300, n) * 10**7 - 10**9
    assert core_codes.encode(x, "x").levels is not None  # range > max(DIRECT_SPAN, n)
    return x, x // 10**7 % 11, rng.integers(0, 3, n)


def _path_compacted_dense(rng):
    n = 20_000
    x = rng.choice([0, 30_000, 60_000], n)  # a direct range, few values used
    y = rng.choice([5, 40_000], n)
    assert core_codes.encode(x, "x").size * core_codes.encode(y, "y").size > _dense_limit(n)
    return x, y, rng.choice([-30_000, 30_000], n)


def _path_compacted_sparse(rng):
    n = 20_000
    x = rng.choice(np.arange(0, 60_000, 30), n)  # 2000 used values out of a range of 60000
    y = (x + rng.integers(0, 4, n) * 30) % 60_000
    return x, y, rng.integers(0, 500, n) * 100


def _path_sparse(rng, n=100_000):
    # ~n/2 distinct values a side: n**2 / 4 joint cells, far more than a dense table takes
    x = rng.integers(0, n // 2, n)
    y = (x * 7 + rng.integers(0, 3, n)) % (n // 2)
    z = rng.integers(0, n // 2, n) * 3
    assert n**2 // 4 > _dense_limit(n)
    return x, y, z


def _path_sparse_strings(rng):
    n = 20_000
    x = np.char.add("s", rng.integers(0, 10_000, n).astype(str))
    return x, rng.integers(0, 10_000, n) * 10**9, x[::-1]


def _more_than_2_63_cells(variables):
    assert math.prod(np.unique(v).size for v in variables) >= 2**63
    return variables


def _path_pairing_wide(rng):
    # 8 variables of ~300 levels: the first ones are paired up before counting
    n = 3000
    return _more_than_2_63_cells(tuple(rng.integers(0, 300, n) * (j + 1) for j in range(8)))


def _path_pairing_huge(rng):
    n = 20_000
    base = rng.integers(0, 20_000, n)
    variables = tuple((base + rng.integers(0, 2, n) * 7 * j) * (10**6 + j) for j in range(5))
    return _more_than_2_63_cells(variables)


PATHS = {
    "dense": _path_dense,
    "guess_misses_last": _path_guess_last,
    "guess_misses_extremes": _path_guess_extremes,
    "guess_misses_many": _path_guess_many,
    "guess_wide_prefix_small": _path_prefix_small,
    "factorised": _path_factorised,
    "compacted_dense": _path_compacted_dense,
    "compacted_sparse": _path_compacted_sparse,
    "sparse_keys": _path_sparse,
    "sparse_strings": _path_sparse_strings,
    "pairing_8_variables": _path_pairing_wide,
    "pairing_5_huge_variables": _path_pairing_huge,
}


@functools.cache
def path_case(name):
    variables = PATHS[name](np.random.default_rng(len(name)))
    x, y, z = variables[:3]
    expected = {
        "joint": h_plugin(joint_counts(*variables)),
        "mi": sorted_mi(x, y),
        "cmi": sorted_cmi(x, y, z),
        "h": [h_plugin(np.unique(v, return_counts=True)[1]) for v in variables],
        "hxy": h_plugin(joint_counts(x, y)),
        "table": None,
    }
    if math.prod(np.unique(v).size for v in (x, y, z)) <= 10**6:
        expected["table"] = table_by_add_at(x, y, z)
    return variables, expected


#: A miscounted sample moves a result by ~log(n)/n; rounding over many cells is
#: test_accuracy_over_many_cells's business
COUNTS = {"rtol": 1e-10, "atol": 1e-12}


@pytest.mark.parametrize("n_jobs", [1, -1])
@pytest.mark.parametrize("path", PATHS)
def test_counting_paths(simd_level, path, n_jobs):
    variables, expected = path_case(path)
    x, y, z = variables[:3]
    assert_close(discrete.joint_entropy(*variables, n_jobs=n_jobs), expected["joint"], **COUNTS)
    assert_close(discrete.mutual_info(x, y, n_jobs=n_jobs), expected["mi"], **COUNTS)
    got = discrete.conditional_mutual_info(x, y, z, n_jobs=n_jobs)
    assert_close(got, expected["cmi"], **COUNTS)
    for v, h in zip(variables, expected["h"], strict=True):
        assert_close(discrete.entropy(v, n_jobs=n_jobs), h, **COUNTS)
    hx, hy, hxy = expected["h"][0], expected["h"][1], expected["hxy"]
    assert_close(discrete.conditional_entropy(x, y, n_jobs=n_jobs), hxy - hy, **COUNTS)
    got = discrete.variation_of_information(x, y, n_jobs=n_jobs)
    assert_close(got, 2 * hxy - hx - hy, **COUNTS)
    if expected["table"] is not None:
        counts, levels = discrete.contingency(x, y, z, n_jobs=n_jobs)
        expected_counts, expected_levels = expected["table"]
        assert_array_equal(counts, expected_counts)
        for got, lv in zip(levels, expected_levels, strict=True):
            assert_array_equal(got, lv)


@pytest.mark.parametrize("path", ["dense", "guess_misses_extremes", "factorised"])
@pytest.mark.parametrize("estimator", ESTIMATORS[1:])
def test_counting_paths_with_estimators(path, estimator):
    variables, _ = path_case(path)
    x, y, z = variables[:3]
    hx, hy, hz = (mp_joint_entropy(estimator, v) for v in (x, y, z))
    hxy, hxz, hyz = (mp_joint_entropy(estimator, *v) for v in ((x, y), (x, z), (y, z)))
    hxyz = mp_joint_entropy(estimator, x, y, z)
    kw = {"estimator": estimator}
    assert_close(discrete.entropy(x, **kw), hx)
    assert_close(discrete.joint_entropy(x, y, z, **kw), hxyz)
    assert_close(discrete.mutual_info(x, y, **kw), hx + hy - hxy, atol=1e-12)
    assert_close(discrete.conditional_entropy(x, y, **kw), hxy - hy, atol=1e-12)
    assert_close(discrete.conditional_mutual_info(x, y, z, **kw), hxz + hyz - hxyz - hz, atol=1e-12)


@functools.cache
def sparse_200k():
    """2 * 10**5 samples with ~10**5 distinct values a side: 64-bit keys, nearly all joint cells
    singletons."""
    return _path_sparse(np.random.default_rng(20), n=200_000)


@functools.cache
def sparse_counts():
    """(joint counts, product of level counts) of sparse_200k, by subset of (0, 1, 2)."""
    variables = sparse_200k()
    subsets = [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]
    return {
        s: (
            joint_counts(*(variables[i] for i in s)),
            math.prod(sorted_codes(variables[i])[1] for i in s),
        )
        for s in subsets
    }


@functools.cache
def sparse_entropies(estimator):
    """Exact joint entropies of sparse_200k's variables, by subset of (0, 1, 2)."""
    return {s: mp_entropy(c, estimator, n_bins) for s, (c, n_bins) in sparse_counts().items()}


def accurate_value(name, estimator):
    """(value, scale) for sparse_200k, from exact entropies.

    Estimates other than plug-in combine entropies: ``scale`` is the sum of their magnitudes, the
    absolute error allowed if each is within 1e-12 relative.  Plug-in measures are sums of
    non-negative terms (scale 0: relative accuracy)."""
    h = sparse_entropies(estimator)
    terms = {
        "entropy": [h[0,]],
        "joint_entropy": [h[0, 1, 2]],
        "conditional_entropy": [h[0, 1], -h[1,]],
        "mutual_info": [h[0,], h[1,], -h[0, 1]],
        "conditional_mutual_info": [h[0, 2], h[1, 2], -h[0, 1, 2], -h[2,]],
        "variation_of_information": [h[0, 1], h[0, 1], -h[0,], -h[1,]],
    }[name]
    value = math.fsum(terms)
    if estimator == "plugin":
        return max(value, 0.0), 0.0
    return value, math.fsum(abs(t) for t in terms) if len(terms) > 1 else 0.0


@pytest.mark.parametrize(
    ("name", "estimator"),
    # miller_madow is plugin plus a constant
    [(name, e) for name in WITH_ESTIMATOR for e in ESTIMATORS if e != "miller_madow"]
    + [("variation_of_information", "plugin")],
)
def test_accuracy_over_many_cells(name, estimator):
    """DESIGN section 2: 1e-12 relative to exact values, also when a sum runs over 200_000
    nonzero cells (here nearly all singletons)."""
    x, y, z = sparse_200k()
    kw = {} if name == "variation_of_information" else {"estimator": estimator}
    expected, scale = accurate_value(name, estimator)
    got = call(discrete, name, (x, y, z), **kw)
    assert_close(got, expected, atol=max(1e-12 * scale, 1e-13))


KERNEL_DTYPES = [
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.bool_,
]


@pytest.mark.parametrize("n", [1, 17, 5003, 2 * 2**14 + 101])
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_counting_kernels_every_integer_kind(simd_level, dtype, n):
    rng = np.random.default_rng(n)
    if np.dtype(dtype) == np.bool_:
        x, y = rng.random(n) < 0.3, rng.random(n) < 0.6
    else:
        extremes = _extremes(dtype)
        x = _take(extremes, rng.integers(0, 7, n), dtype)  # direct, or factorised if wide
        y = _take(extremes[2:5], rng.integers(0, 3, n), dtype)
        if n > 2 * core_codes.GUESS_SAMPLE:
            # the extreme value of the type where the guessed range misses it
            signed = extremes[0] < 0
            x = _take(extremes[2:5] if signed else extremes[:3], rng.integers(0, 3, n), dtype)
            outlier = extremes[0] if signed else min(extremes[-1], 2**63 - 1)
            x = _with_unsampled(x, outlier)
    layouts = {
        "contiguous": (x, y),
        "strided": (np.repeat(x, 2)[::2], np.repeat(y, 3)[::3]),
        "byteswapped": (x.astype(x.dtype.newbyteorder(">")), y.astype(y.dtype.newbyteorder(">"))),
    }
    expected_counts, expected_levels = table_by_add_at(x, y)
    expected_mi = sorted_mi(x, y)
    for (xl, yl), n_jobs in itertools.product(layouts.values(), (1, 2)):
        counts, levels = discrete.contingency(xl, yl, n_jobs=n_jobs)
        assert_array_equal(counts, expected_counts)
        for got, lv in zip(levels, expected_levels, strict=True):
            assert_array_equal(got, lv)
            assert got.dtype.kind == lv.dtype.kind
        assert_close(discrete.mutual_info(xl, yl, n_jobs=n_jobs), expected_mi)


def test_two_million_samples_with_a_million_labels_per_side():
    rng = np.random.default_rng(8)
    n, k = 2 * 10**6, 10**6
    x = rng.permutation(np.repeat(np.arange(k), 2))  # exactly 10**6 distinct values, twice each
    y = ((x + rng.integers(0, 2, n)) % k) * 10**6 + 17  # a wide range: factorised
    y_counts = np.unique(y, return_counts=True)[1]
    assert y_counts.size > 900_000
    mi = sorted_mi(x, y)
    assert_close(discrete.mutual_info(x, y), mi)
    hx, hy = math.log(k), h_plugin(y_counts)
    assert_close(discrete.entropy(x), hx)
    # sums over ~2 * 10**6 cells, within 1e-12 of the exact values too
    assert_close(discrete.conditional_entropy(x, y), hx - mi)
    assert_close(discrete.variation_of_information(x, y), hx + hy - 2 * mi)


# ---- 4. estimators against their formulas -------------------------------------------------------

COUNT_CASES = {
    "mixed": [5, 1, 1, 3, 1, 8, 2, 1, 1, 12],
    "all_singletons": [1] * 10,  # f1 == n: Chao-Shen takes f1 = n - 1
    "no_singletons": [2, 7, 3, 3, 40],
    "one_sample": [1],
    "two_singletons": [1, 1],
    "constant": [9],
    "one_singleton_and_rest": [1, 30],
    "many": np.random.default_rng(9).integers(1, 6, 250).tolist(),
}


def _labels_from_counts(counts, seed=0):
    return np.random.default_rng(seed).permutation(np.repeat(np.arange(len(counts)), counts))


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("case", COUNT_CASES)
def test_entropy_estimator_formulas(case, estimator):
    counts = COUNT_CASES[case]
    x = _labels_from_counts(counts)
    expected = mp_entropy(counts, estimator)
    for base in BASES:
        scale = 1.0 if base is None else math.log(base)
        assert_close(discrete.entropy(x, estimator=estimator, base=base), expected / scale)
        assert_close(
            discrete.entropy(x.astype(str), estimator=estimator, base=base), expected / scale
        )


def test_hand_computed_values():
    # counts (2, 1, 1): n = 4, m = 3, f1 = 2
    x = ["a", "a", "b", "c"]
    plugin = -(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))
    assert_close(discrete.entropy(x), plugin)
    assert_close(discrete.entropy(x, estimator="miller_madow"), plugin + 2 / 8)
    coverage = 1 - 2 / 4
    pa = [coverage * 0.5, coverage * 0.25, coverage * 0.25]
    chao_shen = -sum(p * math.log(p) / (1 - (1 - p) ** 4) for p in pa)
    assert_close(discrete.entropy(x, estimator="chao_shen"), chao_shen)
    # shrinkage: t = 1/3, lambda = (1 - 3/8) / (3 * (1/36 + 2/144)) = 5
    # clipped to 1, so the estimate is the uniform distribution's entropy
    assert_close(discrete.entropy(x, estimator="shrinkage"), math.log(3))


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_joint_estimators_from_counts(estimator):
    rng = np.random.default_rng(10)
    x = rng.integers(0, 6, 80)
    y = (x + rng.integers(0, 2, 80)) % 5
    z = rng.integers(0, 3, 80)
    hx, hy, hz = (mp_joint_entropy(estimator, v) for v in (x, y, z))
    hxy, hxz, hyz = (mp_joint_entropy(estimator, *v) for v in ((x, y), (x, z), (y, z)))
    hxyz = mp_joint_entropy(estimator, x, y, z)
    kw = {"estimator": estimator}
    assert_close(discrete.joint_entropy(x, y, **kw), hxy)
    assert_close(discrete.joint_entropy(x, y, z, **kw), hxyz)
    expected_mi = hx + hy - hxy
    expected_ce = hxy - hy
    expected_cmi = hxz + hyz - hxyz - hz
    if estimator == "plugin":
        expected_mi, expected_ce, expected_cmi = (
            max(v, 0.0) for v in (expected_mi, expected_ce, expected_cmi)
        )
    assert_close(discrete.mutual_info(x, y, **kw), expected_mi, atol=1e-12)
    assert_close(discrete.conditional_entropy(x, y, **kw), expected_ce, atol=1e-12)
    assert_close(discrete.conditional_mutual_info(x, y, z, **kw), expected_cmi, atol=1e-12)


def test_shrinkage_target_spans_observed_levels_only():
    pd = _pandas()
    # unused categories and gaps in integer codes do not enlarge the shrinkage target
    x = [0, 0, 0, 1, 5, 5]
    expected = mp_entropy([3, 1, 2], "shrinkage")
    assert_close(discrete.entropy(x, estimator="shrinkage"), expected)
    cat = pd.Categorical(["a", "a", "a", "b", "f", "f"], categories=list("abcdef"))
    assert_close(discrete.entropy(cat, estimator="shrinkage"), expected)


# ---- 5. properties -------------------------------------------------------------------------------


@st.composite
def labellings(draw, k=2, max_size=40, low=-2, high=4):
    """k integer label arrays of one length (1 to max_size)."""
    n = draw(st.integers(1, max_size))
    labels = st.lists(st.integers(low, high), min_size=n, max_size=n)
    return tuple(np.array(draw(labels), dtype=np.int64) for _ in range(k))


def _h(*variables, estimator="plugin"):
    return discrete.joint_entropy(*variables, estimator=estimator)


@settings(deadline=None, max_examples=40)
@given(labellings(k=3))
def test_entropies_are_nonnegative_and_bounded(xyz):
    x = xyz[0]
    for estimator in ESTIMATORS:
        for variables in (xyz[:1], xyz[:2], xyz):
            h = discrete.joint_entropy(*variables, estimator=estimator)
            assert np.isfinite(h)
            assert h >= 0.0
    hx = discrete.entropy(x)
    assert hx <= math.log(np.unique(x).size) + 1e-12
    assert discrete.entropy(x, estimator="miller_madow") >= hx


@settings(deadline=None, max_examples=60)
@given(labellings(k=2))
def test_two_variable_identities(xy):
    x, y = xy
    hx, hy, hxy = _h(x), _h(y), _h(x, y)
    mi = discrete.mutual_info(x, y)
    assert mi == pytest.approx(hx + hy - hxy, abs=1e-12)
    assert discrete.mutual_info(y, x) == pytest.approx(mi, abs=1e-13)
    assert 0.0 <= mi <= min(hx, hy) + 1e-12
    assert hxy <= hx + hy + 1e-12
    h_x_given_y = discrete.conditional_entropy(x, y)
    h_y_given_x = discrete.conditional_entropy(y, x)
    assert h_x_given_y == pytest.approx(hxy - hy, abs=1e-12)
    assert h_x_given_y >= 0.0
    vi = discrete.variation_of_information(x, y)
    assert vi == pytest.approx(h_x_given_y + h_y_given_x, abs=1e-12)
    assert discrete.variation_of_information(y, x) == pytest.approx(vi, abs=1e-13)
    assert vi >= 0.0
    for average in AVERAGES:
        nmi = discrete.normalized_mutual_info(x, y, average=average)
        assert -1e-12 <= nmi <= 1.0 + 1e-12
        assert discrete.normalized_mutual_info(y, x, average=average) == pytest.approx(
            nmi, abs=1e-12
        )
    for estimator in ESTIMATORS[1:]:
        hx, hy, hxy = (_h(*v, estimator=estimator) for v in ((x,), (y,), (x, y)))
        kw = {"estimator": estimator}
        assert discrete.mutual_info(x, y, **kw) == pytest.approx(hx + hy - hxy, abs=1e-12)
        assert discrete.conditional_entropy(x, y, **kw) == pytest.approx(hxy - hy, abs=1e-12)


def _pair_codes(y, z):
    return (y - y.min()) * (z.max() - z.min() + 1) + (z - z.min())


@settings(deadline=None, max_examples=60)
@given(labellings(k=3))
def test_chain_rule_and_triangle_inequality(xyz):
    x, y, z = xyz
    cmi = discrete.conditional_mutual_info(x, y, z)
    assert cmi >= 0.0
    joint = discrete.mutual_info(x, _pair_codes(y, z))
    assert joint == pytest.approx(discrete.mutual_info(x, z) + cmi, abs=1e-12)
    expected = _h(x, z) + _h(y, z) - _h(x, y, z) - _h(z)
    assert cmi == pytest.approx(max(expected, 0.0), abs=1e-12)
    for estimator in ESTIMATORS[1:]:
        h = functools.partial(_h, estimator=estimator)
        expected = h(x, z) + h(y, z) - h(x, y, z) - h(z)
        got = discrete.conditional_mutual_info(x, y, z, estimator=estimator)
        assert got == pytest.approx(expected, abs=1e-12)
    vi = discrete.variation_of_information
    assert vi(x, z) <= vi(x, y) + vi(y, z) + 1e-12


@settings(deadline=None, max_examples=40)
@given(labellings(k=2), st.randoms(use_true_random=False))
def test_invariant_to_relabelling_and_sample_order(xy, rnd):
    x, y = xy
    values = list(range(-2, 5))
    shuffled = values.copy()
    rnd.shuffle(shuffled)
    relabel = dict(zip(values, shuffled, strict=True))
    x2 = np.array([relabel[v] * 1000 + 7 for v in x.tolist()])
    y2 = np.array([f"label{relabel[v]}" for v in y.tolist()])
    order = list(range(x.size))
    rnd.shuffle(order)
    for xs, ys in ((x2, y2), (x[order], y[order]), (x2[order], y2[order])):
        assert discrete.mutual_info(xs, ys) == pytest.approx(discrete.mutual_info(x, y), abs=1e-13)
        assert discrete.entropy(xs) == pytest.approx(discrete.entropy(x), abs=1e-13)
        for estimator in ESTIMATORS:
            assert discrete.joint_entropy(xs, ys, estimator=estimator) == pytest.approx(
                discrete.joint_entropy(x, y, estimator=estimator), abs=1e-13
            )
        if not ami_is_zero_over_zero(x, y, "arithmetic"):
            assert discrete.adjusted_mutual_info(xs, ys) == pytest.approx(
                discrete.adjusted_mutual_info(x, y), abs=1e-12
            )


@settings(deadline=None, max_examples=30)
@given(labellings(k=2, max_size=30, low=0, high=5))
def test_sklearn_on_random_labellings(xy):
    x, y = xy
    assert_close(discrete.mutual_info(x, y), sklearn("mutual_info_score", x, y))
    for average in AVERAGES:
        assert_close(
            discrete.normalized_mutual_info(x, y, average=average),
            sklearn("normalized_mutual_info_score", x, y, average_method=average),
            atol=1e-12,
        )
        if ami_is_zero_over_zero(x, y, average):
            continue
        assert_close(
            discrete.adjusted_mutual_info(x, y, average=average),
            sklearn("adjusted_mutual_info_score", x, y, average_method=average),
            rtol=1e-10,
            atol=1e-10,
        )


# ---- 6. degenerate cases, as scikit-learn defines them -------------------------------------------

DEGENERATE = {
    "both_constant": ([3] * 10, ["a"] * 10),
    "x_constant": ([3] * 10, [0, 1] * 5),
    "y_constant": ([0, 1, 2, 3, 4] * 2, [True] * 10),
    "single_sample": ([5], ["z"]),
    "two_samples_identical": ([0, 1], [7, 9]),
    "two_samples_one_constant": ([0, 1], [4, 4]),
    "identical": ([0, 0, 1, 1, 2, 2, 2], [0, 0, 1, 1, 2, 2, 2]),
    "permuted_labels": ([0, 0, 1, 1, 2, 2, 2], ["c", "c", "a", "a", "b", "b", "b"]),
    "all_distinct": (list(range(12)), [0, 1, 2] * 4),
    "both_all_distinct": (list(range(12)), list(range(12, 0, -1))),
}


@pytest.mark.parametrize("case", DEGENERATE)
def test_degenerate_cases(case):
    x, y = DEGENERATE[case]
    x, y = np.array(x), np.array(y)
    assert_close(discrete.mutual_info(x, y), sklearn("mutual_info_score", x, y))
    for average in AVERAGES:
        assert_close(
            discrete.normalized_mutual_info(x, y, average=average),
            sklearn("normalized_mutual_info_score", x, y, average_method=average),
        )
        ami = discrete.adjusted_mutual_info(x, y, average=average)
        if ami_is_zero_over_zero(x, y, average):
            assert np.isfinite(ami)  # rounding noise over rounding noise, in every library
            continue
        expected = sklearn("adjusted_mutual_info_score", x, y, average_method=average)
        assert_close(ami, expected, rtol=1e-10, atol=1e-12)
    assert_array_equal(discrete.contingency(x, y)[0], contingency_matrix(x, y))


def test_degenerate_conventions():
    const, other = [3] * 10, [0, 1] * 5
    assert discrete.normalized_mutual_info(const, ["a"] * 10) == 1.0
    assert discrete.adjusted_mutual_info(const, ["a"] * 10) == 1.0
    assert discrete.adjusted_mutual_info(const, other) == 0.0
    assert discrete.adjusted_mutual_info(other, const) == 0.0
    assert discrete.normalized_mutual_info(const, other) == 0.0
    assert discrete.mutual_info(const, other) == 0.0
    assert discrete.normalized_mutual_info([1], [2]) == 1.0
    assert discrete.adjusted_mutual_info([1], [2]) == 1.0
    x = [0, 0, 1, 1, 2, 2, 2]
    assert discrete.normalized_mutual_info(x, x) == pytest.approx(1.0, rel=1e-15)
    assert discrete.adjusted_mutual_info(x, x) == pytest.approx(1.0, rel=1e-15)
    assert discrete.variation_of_information(x, [5, 5, 3, 3, 4, 4, 4]) == 0.0
    assert discrete.conditional_entropy(x, x) == 0.0
    for estimator in ESTIMATORS:
        for labels in ([7], const, ["q"] * 3, [True, True]):
            assert discrete.entropy(labels, estimator=estimator) == 0.0
        assert discrete.conditional_mutual_info([1], [2], [3], estimator=estimator) == 0.0
        assert discrete.mutual_info([1], [2], estimator=estimator) == 0.0


# ---- 7. bad inputs -------------------------------------------------------------------------------

NAMES = list(ARITY)


def _good(n=5):
    return [0, 1, 2, 0, 1][:n] if n <= 5 else list(range(n))


@pytest.mark.parametrize("module", [discrete, ref], ids=["fastent", "reference"])
@pytest.mark.parametrize("name", NAMES)
def test_length_mismatch(module, name):
    arity = ARITY[name]
    names = ["x", "y", "z"]
    for position in range(1, arity):
        variables = [_good()] * arity
        variables[position] = _good(4)
        with pytest.raises(
            ValueError, match=rf"x and {names[position]} must have the same length, got 5 and 4"
        ):
            call(module, name, variables)
    if name in ("joint_entropy", "contingency"):
        variables = [_good()] * 3 + [_good(4)]
        with pytest.raises(
            ValueError,
            match=r"variables\[0\] and variables\[3\] must have the same length, got 5 and 4",
        ):
            getattr(module, name)(*variables)


MISSING = {
    "float_nan": lambda: np.array([1.0, 2.0, np.nan, 1.0, np.nan]),
    "float32_nan": lambda: np.array([1.0, 2.0, np.nan, 1.0, 2.0], dtype=np.float32),
    "object_none": lambda: np.array(["a", "b", None, "a", "b"], dtype=object),
    "object_nan": lambda: np.array(["a", 1, float("nan"), "a", None], dtype=object),
    "list_none": lambda: [1, 2, None, 1, 2],
    "datetime_nat": lambda: np.array(
        ["2020-01-01", "2020-01-02", "NaT", "2020-01-01", "NaT"], dtype="M8[D]"
    ),
    "categorical_nan": lambda: _pandas().Categorical(["a", "b", np.nan, "a", "b"]),
    "categorical_series_nan": lambda: _pandas().Series(
        ["a", "b", None, "a", "b"], dtype="category"
    ),
    "pandas_float_nan": lambda: _pandas().Series([1.0, 2.0, np.nan, 1.0, 2.0]),
    "polars_null": lambda: _polars().Series(["a", "b", None, "a", "b"]),
}


@pytest.mark.parametrize("case", MISSING)
@pytest.mark.parametrize("position", [0, 1, 2])
def test_missing_labels_name_their_position(case, position):
    names = ["x", "y", "z"]
    for name in ("conditional_mutual_info", "joint_entropy"):
        variables = [_good(), _good(), _good()]
        variables[position] = MISSING[case]()
        with pytest.raises(ValueError, match=rf"{names[position]}\[2\] is missing"):
            call(discrete, name, variables)
        with pytest.raises(ValueError, match=rf"{names[position]}\[2\] is missing"):
            reference(name, variables)
    if position == 0:
        for name in NAMES:
            with pytest.raises(ValueError, match=r"x\[2\] is missing"):
                call(discrete, name, [MISSING[case](), _good(), _good()])


#: other spellings of a missing label (label_array's docstring: "NaN, None and NaT are a
#: ValueError"); counting them as one more level is a silent wrong answer
OTHER_MISSING = {
    "pandas_NA_in_object_array": lambda: np.array([1, 2, _pandas().NA, 1, 2], dtype=object),
    "pandas_nullable_Int64_NA": lambda: _pandas().Series([1, 2, None, 1, 2], dtype="Int64"),
    "pandas_string_NA": lambda: _pandas().Series(["a", "b", None, "a", "b"], dtype="string"),
    "pandas_NaT_in_object_array": lambda: np.array([1, 2, _pandas().NaT, 1, 2], dtype=object),
    "float32_nan_in_object_array": lambda: np.array([1, 2, np.float32("nan"), 1, 2], dtype=object),
    "datetime64_NaT_in_object_array": lambda: np.array(
        [1, 2, np.datetime64("NaT"), 1, 2], dtype=object
    ),
}


@pytest.mark.parametrize("case", OTHER_MISSING)
def test_other_missing_values_are_rejected(case):
    for name in NAMES:
        with pytest.raises(ValueError, match=r"x\[2\] is missing"):
            call(discrete, name, [OTHER_MISSING[case](), _good(), _good()])
    with pytest.raises(ValueError, match=r"y\[2\] is missing"):
        discrete.mutual_info(_good(), OTHER_MISSING[case]())


def _shape_cases():
    return {
        "2-D": (
            np.zeros((5, 2), dtype=int),
            r"x must be a 1-D array of labels, got shape \(5, 2\)",
        ),
        "column": (
            np.zeros((5, 1), dtype=int),
            r"x must be a 1-D array of labels, got shape \(5, 1\)",
        ),
        "scalar": (3, r"x must be a 1-D array of labels, got shape \(\)"),
        "string": ("abcde", r"x must be a 1-D array of labels, got a single str"),
        "bytes": (b"abcde", r"x must be a 1-D array of labels, got a single bytes"),
        "empty": (np.array([], dtype=int), r"x is empty"),
        "empty_list": ([], r"x is empty"),
        "ragged": ([[1, 2], [1]], r"x could not be converted"),
    }


@pytest.mark.parametrize("module", [discrete, ref], ids=["fastent", "reference"])
@pytest.mark.parametrize("name", NAMES)
def test_bad_shapes(module, name):
    for bad, message in _shape_cases().values():
        with pytest.raises(ValueError, match=message):
            call(module, name, [bad, _good(), _good()])
        if ARITY[name] >= 2:
            with pytest.raises(ValueError, match=message.replace("x", "y", 1)):
                call(module, name, [_good(), bad, _good()])


def test_empty_everywhere_and_2d_categorical():
    pd = _pandas()
    with pytest.raises(ValueError, match="x is empty"):
        discrete.mutual_info([], [])
    with pytest.raises(ValueError, match="x is empty"):
        discrete.entropy(pd.Categorical([]))
    with pytest.raises(ValueError, match="y is empty"):
        discrete.mutual_info([1], pd.Series([], dtype="category"))


@pytest.mark.parametrize("module", [discrete, ref], ids=["fastent", "reference"])
@pytest.mark.parametrize("name", list(WITH_ESTIMATOR))
def test_unknown_estimator(module, name):
    for estimator in ("ml", "Plugin", "james_stein", None):
        with pytest.raises(ValueError, match=r"estimator must be one of \('plugin'"):
            call(module, name, [_good()] * 3, estimator=estimator)


@pytest.mark.parametrize("module", [discrete, ref], ids=["fastent", "reference"])
@pytest.mark.parametrize("name", ["normalized_mutual_info", "adjusted_mutual_info"])
def test_bad_average(module, name):
    for average in ("mean", "Arithmetic", None, "sqrt"):
        with pytest.raises(ValueError, match=r"average must be one of \('arithmetic'"):
            call(module, name, [_good()] * 2, average=average)


@pytest.mark.parametrize("module", [discrete, ref], ids=["fastent", "reference"])
@pytest.mark.parametrize("name", [*WITH_ESTIMATOR, "variation_of_information"])
def test_bad_base(module, name):
    for base in (0, 1, 1.0, -2, np.nan, np.inf):
        with pytest.raises(ValueError, match="base must be positive, finite and not 1"):
            call(module, name, [_good()] * 3, base=base)
    for base in ("e", "2", True, [2]):
        with pytest.raises(TypeError, match="base must be a real number"):
            call(module, name, [_good()] * 3, base=base)
    assert_close(
        call(module, name, [_good()] * 3, base=0.5), -call(module, name, [_good()] * 3, base=2)
    )


@pytest.mark.parametrize("name", NAMES)
def test_unsupported_dtypes(name):
    complex_labels = np.array([1 + 2j, 1, 2, 1, 1 + 2j])
    structured = np.zeros(5, dtype=[("a", int), ("b", float)])
    for bad in (complex_labels, structured):
        with pytest.raises(TypeError, match="x has unsupported dtype"):
            call(discrete, name, [bad, _good(), _good()])
        with pytest.raises(TypeError, match="x has unsupported dtype"):
            call(ref, name, [bad, _good(), _good()])
    if ARITY[name] >= 2:
        with pytest.raises(TypeError, match="y has unsupported dtype"):
            call(discrete, name, [_good(), complex_labels, _good()])


@pytest.mark.parametrize("module", [discrete, ref], ids=["fastent", "reference"])
@pytest.mark.parametrize("name", ["joint_entropy", "contingency"])
def test_number_of_variables(module, name):
    f = getattr(module, name)
    with pytest.raises(ValueError, match="at least one variable is required"):
        f()
    with pytest.raises(ValueError, match="at most 8 variables, got 9"):
        f(*[_good()] * 9)
    rng = np.random.default_rng(11)
    variables = [rng.integers(0, 2, 40) for _ in range(8)]
    if name == "joint_entropy":
        assert_close(f(*variables), h_plugin(joint_counts(*variables)))
    else:
        assert_array_equal(f(*variables)[0], table_by_add_at(*variables)[0])


@pytest.mark.parametrize("name", NAMES)
def test_bad_n_jobs(name):
    with pytest.raises(ValueError, match="n_jobs = 0 is invalid"):
        call(discrete, name, [_good()] * 3, n_jobs=0)
    for bad in (1.5, "2", True):
        with pytest.raises(TypeError, match="n_jobs must be an integer or None"):
            call(discrete, name, [_good()] * 3, n_jobs=bad)


# ---- continuous-looking float labels ------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_continuous_floats_warn(name, dtype):
    rng = np.random.default_rng(12)
    continuous = rng.standard_normal(200).astype(dtype)
    assert issubclass(discrete.ContinuousLabelsWarning, UserWarning)
    with pytest.warns(discrete.ContinuousLabelsWarning, match="looks continuous"):
        call(discrete, name, [continuous, _good(200), _good(200)])
    if ARITY[name] >= 2:
        with pytest.warns(discrete.ContinuousLabelsWarning, match="y has 200 distinct"):
            call(discrete, name, [_good(200), continuous, _good(200)])


@pytest.mark.parametrize(
    "labels",
    [
        np.arange(200, dtype=np.float64) - 50.0,  # integer-valued
        np.round(np.random.default_rng(13).standard_normal(200) * 1000),  # integer-valued, many
        np.random.default_rng(14).integers(0, 20, 200) / 7,  # few distinct values
        np.random.default_rng(15).standard_normal(10),  # too few samples to tell
        np.repeat(np.random.default_rng(16).standard_normal(100), 30),  # repeated values
        np.array([0.5, 1.5, 2.5] * 30, dtype=np.float32),
    ],
    ids=["integers", "many_integers", "few_values", "few_samples", "repeated", "float32_few"],
)
def test_discrete_floats_do_not_warn(labels):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = discrete.entropy(labels)
        discrete.mutual_info(labels, np.arange(labels.size) % 3)
        discrete.contingency(labels)
    assert_close(h, h_plugin(np.unique(labels, return_counts=True)[1]))


# ---- inputs are never modified ------------------------------------------------------------------


def _read_only_inputs():
    rng = np.random.default_rng(17)
    n = 3 * core_codes.GUESS_SAMPLE + 5
    guessed = rng.integers(0, 5, n)
    guessed[-1] = 2**50  # a guessed range that fails
    return {
        "int64": rng.integers(-3, 5, 300),
        "int8": rng.integers(-3, 5, 300).astype(np.int8),
        "uint64": rng.integers(0, 5, 300).astype(np.uint64) + np.uint64(2**63),
        "byteswapped": rng.integers(0, 5, 300).astype(">i4"),
        "strided": np.repeat(rng.integers(0, 5, 300), 2)[::2],
        "bool": rng.random(300) < 0.5,
        "float": rng.integers(0, 5, 300) / 2,
        "strings": _take(X_STRINGS, rng.integers(0, 7, 300)),
        "objects": _take(X_STRINGS, rng.integers(0, 7, 300), object),
        "wide": rng.integers(0, 5, 300) * 10**12,
        "guessed_large": guessed,
        "sparse_large": rng.integers(0, n, n) * 3,
    }


@pytest.mark.parametrize("kind", list(_read_only_inputs()))
def test_inputs_not_modified_and_read_only_accepted(kind):
    x = _read_only_inputs()[kind]
    n = x.size
    y = np.arange(n) % 3
    z = (np.arange(n) * 7) % 5
    saved = [a.copy() for a in (x, y, z)]
    for a in (x, y, z):
        a.setflags(write=False)
    for name in NAMES:
        got = call(discrete, name, (x, y, z))
        if name != "contingency" and n < 10**4:
            assert_close(got, reference(name, (x, y, z)), rtol=1e-10)
    for a, b in zip((x, y, z), saved, strict=True):
        assert_array_equal(a, b)
        assert a.dtype == b.dtype


def test_pandas_and_lists_not_modified():
    pd = _pandas()
    cat = pd.Categorical(["b", "a", "c", "a"], categories=["c", "b", "a", "unused"])
    series = pd.Series([3, 1, 2, 1], index=[9, 8, 7, 6])
    labels = [5, 5, 2, 1]
    before = (cat.copy(), series.copy(), list(labels))
    discrete.contingency(cat, series, labels)
    discrete.conditional_mutual_info(cat, series, labels, estimator="shrinkage")
    assert cat.equals(before[0])
    assert list(cat.categories) == ["c", "b", "a", "unused"]
    assert series.equals(before[1])
    assert list(series.index) == [9, 8, 7, 6]
    assert labels == before[2]


# ---- 8. contingency ------------------------------------------------------------------------------


def test_contingency_levels_keep_their_dtype():
    x = np.array([True, False, True, True])
    y = np.array(["b", "a", "b", "c"])
    z = np.array([7, -3, 7, 100], dtype=np.int8)
    counts, levels = discrete.contingency(x, y, z)
    assert levels[0].dtype == np.bool_
    assert levels[0].tolist() == [False, True]
    assert levels[1].dtype.kind == "U"
    assert levels[1].tolist() == ["a", "b", "c"]
    assert levels[2].dtype == np.int8
    assert levels[2].tolist() == [-3, 7, 100]
    assert counts.shape == (2, 3, 3)
    assert_array_equal(counts, table_by_add_at(x, y, z)[0])
    big = np.array([2**64 - 1, 2**63, 5], dtype=np.uint64)
    f32 = np.array([0.5, 0.25, 0.5], dtype=np.float32)
    when = np.array(["2024-01-02", "2020-05-05", "2024-01-02"], dtype="M8[D]")
    _, levels = discrete.contingency(big, f32, when)
    assert levels[0].dtype == np.uint64
    assert levels[0].tolist() == [5, 2**63, 2**64 - 1]
    assert levels[1].dtype == np.float32
    assert levels[1].tolist() == [0.25, 0.5]
    assert levels[2].dtype == when.dtype
    assert_array_equal(levels[2], np.unique(when))


def test_contingency_drops_empty_levels():
    pd = _pandas()
    x = np.array([0, 5, 9, 5, 0, 9, 9])  # gaps on the fast path
    y = pd.Categorical(["q", "p", "q", "q", "p", "p", "q"], categories=["z", "q", "m", "p"])
    counts, levels = discrete.contingency(x, y)
    assert levels[0].tolist() == [0, 5, 9]
    assert levels[1].tolist() == ["p", "q"]
    assert_array_equal(counts, [[1, 1], [1, 1], [1, 2]])
    assert (counts.sum(axis=1) > 0).all()
    assert (counts.sum(axis=0) > 0).all()


@pytest.mark.parametrize("n_jobs", [1, -1])
@pytest.mark.parametrize("n", [1, 50, 5000, 100_000])
def test_contingency_three_variables(n, n_jobs):
    rng = np.random.default_rng(n)
    x = rng.integers(-4, 9, n) * 3
    y = _take(X_STRINGS, rng.integers(0, 7, n))
    z = rng.integers(0, 6, n) * 10**10
    counts, levels = discrete.contingency(x, y, z, n_jobs=n_jobs)
    expected_counts, expected_levels = table_by_add_at(x, y, z)
    assert_array_equal(counts, expected_counts)
    assert counts.sum() == n
    for got, lv in zip(levels, expected_levels, strict=True):
        assert_array_equal(got, lv)
    counts, levels = discrete.contingency(z, n_jobs=n_jobs)
    values, expected = np.unique(z, return_counts=True)
    assert_array_equal(counts, expected)
    assert_array_equal(levels[0], values)


def test_contingency_too_large_raises_but_measures_work():
    rng = np.random.default_rng(18)
    x, y, z = np.arange(500), rng.permutation(500), rng.permutation(500) * 10**9
    with pytest.raises(ValueError, match=r"125000000 cells \(shape \(500, 500, 500\)\)"):
        discrete.contingency(x, y, z)
    assert_close(discrete.joint_entropy(x, y, z), math.log(500))
    assert_close(discrete.conditional_mutual_info(x, y, z), 0.0)
    assert discrete.contingency(x, y)[0].shape == (500, 500)


# ---- 9. n_jobs -----------------------------------------------------------------------------------


@functools.cache
def _threads_data(kind):
    rng = np.random.default_rng(19)
    n = 300_000
    if kind == "dense":
        x = rng.integers(0, 40, n)
        return x, (x + rng.integers(0, 5, n)) % 37, rng.integers(0, 4, n)
    if kind == "factorised":
        x = rng.integers(0, 50, n) * 10**9
        return x, x // 10**9 % 7 + rng.integers(0, 2, n), rng.integers(0, 3, n) - 2**40
    x = rng.integers(0, 10**5, n)  # 10**10 joint cells: 64-bit keys
    return x, (x + rng.integers(0, 9, n)) % 10**5, rng.integers(0, 10**4, n)


@pytest.mark.parametrize("kind", ["dense", "factorised", "sparse"])
def test_n_jobs_give_identical_results(kind):
    data = _threads_data(kind)
    for name in NAMES:
        kws = (
            [{"estimator": e} for e in ("plugin", "shrinkage")] if name in WITH_ESTIMATOR else [{}]
        )
        if name in ("normalized_mutual_info", "adjusted_mutual_info"):
            kws = [{"average": "geometric"}]
        if kind != "dense":  # the counts are what threads could change
            if name not in ("entropy", "joint_entropy", "mutual_info", "conditional_mutual_info"):
                continue
            kws = kws[:1]
        for kw in kws:
            results = [call(discrete, name, data, n_jobs=j, **kw) for j in (1, 2, 4, -1, None)]
            for r in results[1:]:
                if name == "contingency":
                    assert_array_equal(r[0], results[0][0])
                else:
                    assert r == results[0], (name, kw)
