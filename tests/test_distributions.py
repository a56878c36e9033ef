# SPDX-License-Identifier: BSD-3-Clause
"""fastent.distributions against fastent.reference, SciPy, exact (mpmath) values, and bad inputs."""

import math
import warnings

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import fastent
from fastent import reference

REDUCTIONS = ["entropy", "cross_entropy", "kl_divergence", "js_divergence", "js_distance"]
PAIRS = REDUCTIONS[1:]
ELEMENTWISE = ["binary_entropy", "self_information"]
SHAPES = [(1,), (7,), (3, 5), (2, 3, 4), (2, 5000)]
DTYPES = [np.float64, np.float32, np.float16, np.int64, np.bool_]
LAYOUTS = {
    "C": lambda a: a,
    "F": np.asfortranarray,
    "strided": lambda a: np.repeat(a, 2, axis=-1)[..., ::2],
    "transposed": lambda a: np.ascontiguousarray(a.T).T,
    "byteswapped": lambda a: a.astype(a.dtype.newbyteorder(">")),
}


def rtol_for(dtype) -> float:
    return 1e-12 if np.dtype(dtype) in (np.float64, np.int64, np.bool_) else 1e-6


def make(shape, dtype=np.float64, seed=0, zeros=0.1):
    """Weights with ~10% exact zeros in ``dtype`` (ints 0..9, bools mostly True)."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) > zeros
    if np.dtype(dtype).kind == "i":
        return np.where(rng.random(shape) < zeros, 0, rng.integers(1, 10, shape)).astype(dtype)
    return np.where(rng.random(shape) < zeros, 0, rng.gamma(0.5, size=shape)).astype(dtype)


def call(module, name, p, q=None, **kw):
    f = getattr(module, name)
    return f(p, **kw) if name in ("entropy", *ELEMENTWISE) else f(p, q, **kw)


def assert_same(name, p, q=None, rtol=1e-12, atol=0.0, **kw):
    """fastent agrees with the reference, or both raise the same exception type."""
    try:
        expected = call(reference, name, p, q, **kw)
    except (ValueError, TypeError) as exc:
        with pytest.raises(type(exc)):
            call(fastent, name, p, q, **kw)
        return None
    got = call(fastent, name, p, q, **kw)
    assert type(got) is type(expected) or isinstance(got, np.ndarray) == isinstance(
        expected, np.ndarray
    )
    assert np.shape(got) == np.shape(expected)
    assert np.asarray(got).dtype == np.asarray(expected).dtype
    assert_allclose(got, expected, rtol=rtol, atol=atol)
    return got


# ---- agreement with the reference ----------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, 0, None])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_match_reference(simd_level, name, dtype, shape, axis):
    p, q = make(shape, dtype, seed=1), make(shape, dtype, seed=2, zeros=0.0)
    assert_same(name, p, q, rtol=rtol_for(dtype), atol=1e-14, axis=axis)


@pytest.mark.parametrize("axis", [-1, 0, None])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_memory_layouts(simd_level, name, layout, axis):
    p, q = make((6, 40), seed=3), make((6, 40), seed=4, zeros=0.0)
    lp, lq = LAYOUTS[layout](p), LAYOUTS[layout](q)
    assert_array_equal(lp, p)
    got = assert_same(name, lp, lq, atol=1e-14, axis=axis)
    assert_allclose(got, call(fastent, name, p, q, axis=axis), rtol=1e-14)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [0, 1, 2, -2, None])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_axes_and_keepdims(name, axis, keepdims):
    p, q = make((3, 4, 5), seed=5, zeros=0.0), make((3, 4, 5), seed=6, zeros=0.0)
    got = assert_same(name, p, q, atol=1e-14, axis=axis, keepdims=keepdims)
    assert got.shape == np.sum(p, axis=axis, keepdims=keepdims).shape


@pytest.mark.parametrize(
    ("p_shape", "q_shape"),
    [((5,), (4, 5)), ((4, 5), (5,)), ((4, 1, 5), (3, 5)), ((4, 5), (4, 1)), ((1, 5), (4, 5))],
    ids=str,
)
@pytest.mark.parametrize("name", PAIRS)
def test_broadcasting(name, p_shape, q_shape):
    p, q = make(p_shape, seed=7, zeros=0.0), make(q_shape, seed=8, zeros=0.0)
    got = assert_same(name, p, q, atol=1e-14)
    assert got.shape == np.broadcast_shapes(p_shape, q_shape)[:-1]


@pytest.mark.parametrize("base", [None, 2, 10, math.e, 0.5, 3.7])
@pytest.mark.parametrize("name", REDUCTIONS + ELEMENTWISE)
def test_bases(name, base):
    p, q = make((4, 9), seed=9, zeros=0.0), make((4, 9), seed=10, zeros=0.0)
    if name in ELEMENTWISE:
        p = p / p.max()
    if name == "js_distance" and base == 0.5:
        with pytest.raises(ValueError, match="base must be greater than 1 for a distance"):
            fastent.js_distance(p, q, base=base)
    assert_same(name, p, q, atol=1e-14, base=base)


@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 5), (0,), (2, 0, 3)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_match_reference(simd_level, name, dtype, shape):
    rng = np.random.default_rng(11)
    if np.dtype(dtype).kind in "bi":
        p = rng.integers(0, 2, shape).astype(dtype)
    else:
        p = np.asarray(rng.random(shape) ** 3).astype(
            dtype
        )  # NumPy 1.x would promote a float32 scalar
    got = assert_same(name, p, rtol=rtol_for(dtype))
    assert np.shape(got) == np.shape(p)
    assert np.asarray(got).dtype == (
        np.float32 if np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize <= 4 else np.float64
    )


def test_one_distribution_returns_numpy_scalar():
    for name in REDUCTIONS:
        out = call(fastent, name, [0.2, 0.8], [0.5, 0.5])
        assert type(out) is np.float64
    assert type(fastent.entropy(np.ones((2, 3)), axis=None)) is np.float64
    assert type(fastent.binary_entropy(0.3)) is np.float64
    assert type(fastent.self_information(np.float32(0.3))) is np.float32


def test_empty_batch_gives_empty_result():
    for name in REDUCTIONS:
        out = call(fastent, name, np.ones((0, 4)), np.ones((0, 4)))
        assert out.shape == (0,)
        assert out.dtype == np.float64


# ---- agreement with SciPy -----------------------------------------------------------------


@pytest.mark.parametrize("base", [None, 2])
@pytest.mark.parametrize("axis", [0, -1])
def test_scipy_stats_entropy(simd_level, axis, base):
    stats = pytest.importorskip("scipy.stats")
    p, q = make((30, 500), seed=12), make((30, 500), seed=13, zeros=0.0)
    assert_allclose(
        fastent.entropy(p, axis=axis, base=base), stats.entropy(p, axis=axis, base=base), rtol=1e-12
    )
    assert_allclose(
        fastent.kl_divergence(p, q, axis=axis, base=base),
        stats.entropy(p, q, axis=axis, base=base),
        rtol=1e-12,
    )
    p32 = p.astype(np.float32)
    assert_allclose(fastent.entropy(p32, axis=axis), stats.entropy(p32, axis=axis), rtol=1e-6)


def test_scipy_rel_entr_and_xlogy(simd_level):
    special = pytest.importorskip("scipy.special")
    p, q = make((20, 300), seed=14), make((20, 300), seed=15)
    q[0, np.flatnonzero(p[0])[0]] = 0.0  # q = 0 < p: inf in both
    pn, qn = p / p.sum(1, keepdims=True), q / q.sum(1, keepdims=True)
    assert_allclose(fastent.kl_divergence(p, q), special.rel_entr(pn, qn).sum(1), rtol=1e-12)
    assert_allclose(fastent.cross_entropy(p, q), -special.xlogy(pn, qn).sum(1), rtol=1e-12)
    assert fastent.kl_divergence(p, q)[0] == np.inf
    expected = special.entr(pn) - special.xlog1py(1 - pn, -pn)
    assert_allclose(fastent.binary_entropy(pn), expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("base", [None, 2, 10])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_scipy_jensenshannon(simd_level, axis, base, keepdims):
    distance = pytest.importorskip("scipy.spatial.distance")
    p, q = make((25, 30, 4), seed=16, zeros=0.0), make((25, 30, 4), seed=17, zeros=0.0)
    p[::2, ::2, ::2] = 0.0  # exact zeros, but no slice along any axis sums to zero
    expected = distance.jensenshannon(p, q, base=base, axis=axis, keepdims=keepdims)
    # sqrt magnifies the rounding of tiny divergences (SciPy's rel_entr sum cancels there)
    assert_allclose(
        fastent.js_distance(p, q, base=base, axis=axis, keepdims=keepdims),
        expected,
        rtol=1e-12,
        atol=1e-7,
    )
    assert_allclose(
        fastent.js_divergence(p, q, base=base, axis=axis, keepdims=keepdims),
        expected**2,
        rtol=1e-11,
        atol=1e-15,
    )


# ---- reductions over leading axes: the column kernels (no copy of the input) -------------------


@pytest.mark.parametrize(
    "shape", [(2, 2), (3, 700), (300, 17), (2049, 9), (5, 1100), (257, 1025)], ids=str
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_columns_match_rows(simd_level, name, dtype, shape):
    # axis=0 of a C-ordered array and axis=1 of a Fortran-ordered one take the column kernels:
    # every column's value matches the same distribution laid out as a row, and the reference
    p, q = make(shape, dtype, seed=3), make(shape, dtype, seed=4, zeros=0.0)
    p[0] += dtype(0.5)  # no column sums to zero
    rows = call(fastent, name, np.ascontiguousarray(p.T), np.ascontiguousarray(q.T), axis=1)
    got = call(fastent, name, p, q, axis=0)
    assert_allclose(got, rows, rtol=1e-14, atol=1e-15)
    assert_allclose(got, call(reference, name, p, q, axis=0), rtol=rtol_for(dtype), atol=1e-14)
    f = call(fastent, name, np.asfortranarray(p.T), np.asfortranarray(q.T), axis=1)
    assert_array_equal(f, got)
    assert_array_equal(call(fastent, name, p, q, axis=0, n_jobs=2), got)


def float32_entropy_cases():
    """Float32 columns (two vectors of eight and a partial one) and the accuracy each gets: float64
    (1e-12) where the float32 kernels' error bound sends them to the float64 pass (weights
    summing to ~1/sqrt(2) or ~sqrt(2), whose logs of m are the largest, and small entropies;
    subnormal weights, read as 2^-127 m by the float32 log, beside normal ones) or the float64
    kernels' careful path (counts of tiny entropies); the float32 contract (1e-6) for normalised
    columns of small entropies, which float32 logs give; 0 for a point mass."""
    float64 = [
        [0.705, 0.005],
        [1.41, 0.01],
        [0.7, 0.006, 0.001],
        [1e-38] * 20 + [5e-39] * 20,
        [3e-45, 1e-45, 4e-45],
        [1_000_003, 1],
        [8_000_001, 3, 1],
    ]
    float32 = [[0.999999, 1e-6], [1 - 1e-4, 5e-5, 5e-5], [0.9, 0.05, 0.05]]
    columns = ((float64 + float32 + [[1.0]]) * 2)[:19]
    p = np.zeros((40, len(columns)), np.float32)
    for j, column in enumerate(columns):
        p[: len(column), j] = column
    rtol = np.array([1e-12] * len(float64) + [1e-6] * len(float32) + [0.0])
    return p, np.tile(rtol, 2)[:19]


@pytest.mark.parametrize("layout", ["columns", "rows"])
def test_float32_entropy_keeps_its_accuracy_where_float32_logs_fall_short(simd_level, layout):
    p, rtol = float32_entropy_cases()
    got = fastent.entropy(p, axis=0) if layout == "columns" else fastent.entropy(p.T, axis=1)
    expected = np.array([float(mpmath_entropy(column)) for column in p.T.astype(np.float64)])
    error = np.abs(got - expected)
    assert np.all(error <= rtol * expected), error / np.maximum(expected, 1e-300)


def float32_cross_entropy_cases():
    """(p, q) float32 columns and their accuracy, as float32_entropy_cases: float64 where the
    float32 bound cannot promise 1e-6 (q summing to ~1/sqrt(2), small cross-entropy), the careful
    path for a subnormal q where p > 0 (fe_logf8 would read it as 2^-127 m) and for q = 0 < p
    (inf); the float32 contract for normalised near-one-hot pairs."""
    float64 = [
        ([0.705, 0.005], [0.705, 0.005]),
        ([0.7, 0.006, 0.001], [0.7, 0.005, 0.002]),
        ([0.5, 0.5], [0.5, 1e-40]),
        ([0.25, 0.5, 0.25], [3e-39, 1.0, 0.5]),
        ([0.5, 0.5], [1.0, 0.0]),
    ]
    float32 = [([0.999999, 1e-6], [0.999998, 2e-6]), ([0.9, 0.05, 0.05], [0.8, 0.1, 0.1])]
    pairs = ((float64 + float32) * 3)[:19]
    p, q = np.zeros((3, len(pairs)), np.float32), np.zeros((3, len(pairs)), np.float32)
    for j, (pj, qj) in enumerate(pairs):
        p[: len(pj), j], q[: len(qj), j] = pj, qj
    rtol = np.tile([1e-12] * len(float64) + [1e-6] * len(float32), 3)[:19]
    return p, q, rtol


@pytest.mark.parametrize("layout", ["columns", "rows"])
def test_float32_cross_entropy_keeps_its_accuracy_where_float32_logs_fall_short(simd_level, layout):
    p, q, rtol = float32_cross_entropy_cases()
    if layout == "columns":
        got = fastent.cross_entropy(p, q, axis=0)
    else:
        got = fastent.cross_entropy(p.T, q.T, axis=1)
    expected = np.array([mpmath_cross_entropy(pj, qj) for pj, qj in zip(p.T, q.T, strict=True)])
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(got), finite)
    assert np.all(got[~finite] == np.inf)
    error = np.abs(got[finite] - expected[finite])
    assert np.all(error <= (rtol * expected)[finite]), error / expected[finite]


def mpmath_cross_entropy(p, q):
    with mpmath.workdps(40):
        p = [mpmath.mpf(float(v)) for v in p]
        q = [mpmath.mpf(float(v)) for v in q]
        if any(a > 0 and b == 0 for a, b in zip(p, q, strict=True)):
            return math.inf
        sp, sq = mpmath.fsum(p), mpmath.fsum(q)
        terms = [a / sp * mpmath.log(b / sq) for a, b in zip(p, q, strict=True) if a > 0]
        return float(-mpmath.fsum(terms))


def mpmath_entropy(column):
    with mpmath.workdps(40):
        weights = [mpmath.mpf(float(v)) for v in column if v > 0]
        total = mpmath.fsum(weights)
        return -mpmath.fsum(w / total * mpmath.log(w / total) for w in weights)


def test_columns_are_read_in_place():
    from fastent._core.layout import as_rows

    p = make((40, 30))
    for a, axis in [(p, 0), (np.asfortranarray(p), 1), (make((6, 5, 4)), (0, 1))]:
        layout = as_rows([("p", a)], axis, False, columns=True)
        assert layout.columns
        assert np.shares_memory(layout.rows[0][0], a)
    assert not as_rows([("p", p)], 1, False, columns=True).columns  # rows fit already
    assert not as_rows([("p", p)], 0, False).columns  # only where the caller asks


@pytest.mark.parametrize("name", REDUCTIONS)
def test_columns_take_the_careful_and_second_passes(simd_level, name):
    # columns the fused pass cannot finish are gathered and run as rows: a dominant element
    # (cancellation), subnormal and huge elements, q = 0 < p, counts of close distributions
    rng = np.random.default_rng(5)
    p, q = rng.random((400, 6)) + 0.1, rng.random((400, 6)) + 0.1
    p[0, 0] = 1e17  # entropy([2**53, 1, ...]) cancels in the fused pass
    p[:, 1] *= 1e-305
    p[3, 2], q[3, 2] = 1e300, 1e-310
    q[:, 3] = p[:, 3] * (1 + 1e-6 * rng.standard_normal(400)) * 3.0  # close, sums differ
    q[7, 4] = 0.0
    p[:, 5] = 0.0
    p[9, 5] = 2.0
    with np.errstate(all="ignore"):
        got = call(fastent, name, p, q, axis=0)
    for j in range(6):
        assert got[j] == pytest.approx(
            call(fastent, name, p[:, j].copy(), q[:, j].copy()), rel=1e-14, abs=1e-300
        ), j
        if np.isfinite(got[j]) and name != "js_distance":
            assert got[j] == pytest.approx(exact(name, p[:, j], q[:, j]), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_columns_name_the_first_bad_element(simd_level, name, dtype):
    p, q = make((50, 20), dtype), make((50, 20), dtype, seed=2, zeros=0.0)
    p[7, 13], p[2, 15], q[30, 13] = -1.0, np.nan, np.inf
    with pytest.raises(ValueError, match=r"p\[7, 13\] is negative"):
        call(fastent, name, p, q, axis=0)
    with pytest.raises(ValueError, match=r"p\[13, 7\] is negative"):
        call(fastent, name, np.asfortranarray(p.T), np.asfortranarray(q.T), axis=1)
    p[:, 4] = 0.0
    p[7, 13] = 1.0
    with pytest.raises(ValueError, match="zero"):
        call(fastent, name, p, q, axis=0)
    got = call(fastent, name, p, q, axis=0, nan_policy="propagate")
    expected = call(
        fastent,
        name,
        np.ascontiguousarray(p.T),
        np.ascontiguousarray(q.T),
        axis=1,
        nan_policy="propagate",
    )
    assert_allclose(got, expected, rtol=1e-14)
    assert np.isnan(got[15])
    p[2, 15], p[:, 4] = 1.0, 1.0  # valid again: a column with a tiny negative element (whose
    p[5, 11] = -1e-30  # sums look sane to float32 JS's sum pass) is still an error
    with pytest.raises(ValueError, match=r"p\[5, 11\] is negative"):
        call(fastent, name, p, q, axis=0)
    with pytest.raises(ValueError, match=r"p\[11, 5\] is negative"):  # and as rows
        call(fastent, name, np.ascontiguousarray(p.T), np.ascontiguousarray(q.T), axis=1)


# ---- known values and exact (mpmath) accuracy ---------------------------------------------


def test_known_values():
    n = 17
    assert fastent.entropy(np.ones(n)) == pytest.approx(math.log(n), rel=1e-15)
    assert fastent.entropy([0, 0, 5, 0]) == 0.0
    assert fastent.entropy([0.25] * 4, base=2) == pytest.approx(2.0, rel=1e-15)
    p = make((50,), seed=18)
    assert fastent.kl_divergence(p, p) == 0.0
    assert fastent.js_divergence(p, p) == 0.0
    assert fastent.cross_entropy(p, p) == pytest.approx(fastent.entropy(p), rel=1e-14)
    assert fastent.js_divergence([1, 0], [0, 1]) == pytest.approx(math.log(2), rel=1e-15)
    assert fastent.js_distance([1, 0, 0], [0, 0, 3], base=2) == pytest.approx(1.0, rel=1e-15)
    assert fastent.kl_divergence([1, 1], [1, 0]) == np.inf
    assert fastent.cross_entropy([1, 1], [1, 0]) == np.inf
    assert fastent.kl_divergence([1, 0], [1, 1], base=2) == pytest.approx(1.0, rel=1e-15)
    assert_array_equal(fastent.binary_entropy([0, 1]), [0.0, 0.0])
    assert fastent.binary_entropy(0.5, base=2) == pytest.approx(1.0, rel=1e-15)
    assert_array_equal(
        fastent.self_information([1.0, 0.5, 0.25, 0.0], base=2), [0.0, 1.0, 2.0, np.inf]
    )


def exact(name, p, q=None):
    """The measure with 50-digit arithmetic (mpmath), from the float inputs as given."""
    mpmath.mp.dps = 50
    P = [mpmath.mpf(float(x)) for x in p]
    sp = mpmath.fsum(P)
    P = [x / sp for x in P]
    if q is not None:
        Q = [mpmath.mpf(float(x)) for x in q]
        sq = mpmath.fsum(Q)
        Q = [x / sq for x in Q]
    if name == "entropy":
        return float(-mpmath.fsum(x * mpmath.log(x) for x in P if x > 0))
    if name == "cross_entropy":
        return float(-mpmath.fsum(x * mpmath.log(y) for x, y in zip(P, Q, strict=True) if x > 0))
    if name == "kl_divergence":
        return float(mpmath.fsum(x * mpmath.log(x / y) for x, y in zip(P, Q, strict=True) if x > 0))
    M = [(x + y) / 2 for x, y in zip(P, Q, strict=True)]
    js = mpmath.fsum(x * mpmath.log(x / m) for x, m in zip(P, M, strict=True) if x > 0)
    js += mpmath.fsum(y * mpmath.log(y / m) for y, m in zip(Q, M, strict=True) if y > 0)
    return float(js / 2)


@pytest.mark.parametrize("scale", [1.0, 1e-250, 1e250, 1e-310])
@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence", "js_divergence"])
def test_exact_accuracy(simd_level, name, scale):
    rng = np.random.default_rng(19)
    p = rng.random(300) ** 8 * scale  # wide dynamic range
    p[::17] = 0.0
    q = rng.random(300) * scale + 1e-320
    got = call(fastent, name, p, q)
    assert got == pytest.approx(exact(name, p, q), rel=1e-14, abs=1e-16)


@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence", "js_divergence"])
def test_exact_accuracy_subnormal_and_huge_elements(simd_level, name):
    p = np.array([5e-324, 1e-310, 0.0, 1e-300, 3.0, 1e308, 1e308, 2.5e-308])
    q = np.array([1e-320, 1e308, 1.0, 2e-310, 7.0, 1e307, 1e308, 1e-300])
    got = call(fastent, name, p, q)
    assert np.isfinite(got)
    assert got == pytest.approx(exact(name, p, q), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("offset", [0.0, 1e-16, 1e-13, 1e-12, 1e-10, 9e-10, 2e-9, 1e-6])
def test_js_of_nearly_normalised_rows(simd_level, offset):
    # rows whose sums differ by less than ~2^-43 take one pass, the others a second (exact) one
    for seed in range(25, 31):
        rng = np.random.default_rng(seed)
        p, q = rng.random(500) ** 4, rng.random(500)
        p[::7] = 0.0
        p, q = p / (p.sum() * (1 + offset)), q / (q.sum() * (1 - offset))
        expected = exact("js_divergence", p, q)
        assert fastent.js_divergence(p, q) == pytest.approx(expected, rel=1e-12, abs=1e-16)
        # a tiny divergence (~1e-11): each element's term is taken as a whole (~u^2), so the
        # result keeps its relative accuracy (the two-term textbook form, like SciPy's
        # jensenshannon, loses ~1e-5 of it here to cancellation)
        near = q * (1 + 1e-5 * rng.standard_normal(500))
        got = fastent.js_divergence(near, q)
        assert got == pytest.approx(exact("js_divergence", near, q), rel=1e-13), seed


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("scale", [1.0, 3.7, 1e-30])
@pytest.mark.parametrize("closeness", [1e-1, 1e-3, 1e-5, 1e-7])
@pytest.mark.parametrize("name", ["kl_divergence", "js_divergence"])
def test_close_distributions_keep_relative_accuracy(simd_level, name, closeness, scale, dtype):
    # p log(p / q) changes sign around q, so the terms of KL and JS of close distributions cancel
    # to ~closeness^2: the kernels take each element's term as one non-negative value, for rows
    # normalised alike (one pass) or not (scale: a second pass at the rows' sum ratio)
    rng = np.random.default_rng(21)
    p = rng.gamma(0.5, size=400)
    p[::13] = 0.0
    q = np.abs(p * (1 + closeness * rng.standard_normal(400))) + 1e-3 * closeness * p.mean()
    p, q = (p / p.sum()).astype(dtype), (scale * q / q.sum()).astype(dtype)
    got = call(fastent, name, p, q)
    assert got == pytest.approx(exact(name, p, q), rel=1e-13)


@pytest.mark.parametrize(("lo", "hi"), [(0.0, 0.01), (0.2, 0.25), (0.25, 0.32), (0.9, 1.0)])
def test_js_element_terms_on_each_side_of_their_forms(simd_level, lo, hi):
    # one element pair dominates each row, its deviation v = |p - q| / (p + q) in [lo, hi): the
    # AVX-512 level takes each term's phi(v) by its series below v = 1/4 and by two table logs
    # above (their products cancel from ~2v to phi(v)), the other levels by log1p tails; every
    # form keeps the term to a few ulp
    rng = np.random.default_rng(23)
    for _ in range(40):
        v = rng.uniform(lo, hi)
        y0 = rng.uniform(0.5, 2.0)
        x0 = y0 * (1 + v) / (1 - v)
        p, q = np.array([x0, 1.0]), np.array([y0, 1.0 + x0 - y0])
        got = fastent.js_divergence(p, q)
        assert got == pytest.approx(exact("js_divergence", p, q), rel=5e-15), v


@pytest.mark.parametrize(("sp", "sq"), [(1e-199, 1e199), (1e199, 1e-199), (1e-150, 1e150)])
@pytest.mark.parametrize("name", ["kl_divergence", "js_divergence"])
def test_rows_of_far_apart_sums(simd_level, name, sp, sq):
    # the sum ratio of the two rows (the second pass's scale) can overflow or underflow
    rng = np.random.default_rng(22)
    p, q = rng.random(50), rng.random(50)
    p, q = p / p.sum() * sp, q / q.sum() * sq
    assert call(fastent, name, p, q) == pytest.approx(exact(name, p, q), rel=1e-13)


def test_near_identical_kl_is_accurate(simd_level):
    rng = np.random.default_rng(20)
    q = rng.random(1000) + 0.1
    p = q * (1 + 1e-4 * rng.standard_normal(1000))
    kl, js = exact("kl_divergence", p, q), exact("js_divergence", p, q)
    assert fastent.kl_divergence(p, q) == pytest.approx(kl, rel=1e-13)
    assert fastent.js_divergence(p, q) == pytest.approx(js, rel=1e-13)
    # batched rows against one row, through the same kernels
    P = q * (1 + 1e-6 * rng.standard_normal((5, 1000)))
    expected = [exact("kl_divergence", row, q) for row in P]
    assert_allclose(fastent.kl_divergence(P, q, axis=1), expected, rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", PAIRS)
def test_q_zero_under_p_in_long_rows(simd_level, name, dtype):
    # a regression test: a vectorised masked load once crashed here (float32, AVX2)
    rng = np.random.default_rng(24)
    p, q = rng.random((3, 10_000)).astype(dtype), rng.random((3, 10_000)).astype(dtype)
    q[1, 7_000] = 0.0
    got = call(fastent, name, p, q)
    assert_allclose(got, call(reference, name, p, q), rtol=1e-6)
    if name in ("cross_entropy", "kl_divergence"):
        assert np.isinf(got[1])
        assert np.isfinite(got[[0, 2]]).all()


@pytest.mark.slow
def test_long_rows_float64_and_float32(simd_level):
    n = 10**7
    assert fastent.entropy(np.full(n, 1.0 / n)) == pytest.approx(math.log(n), rel=1e-13)
    assert fastent.entropy(np.full(n, 1.0 / n, dtype=np.float32)) == pytest.approx(
        math.log(n), rel=1e-6
    )
    ramp = np.arange(1, n + 1, dtype=np.float64)
    expected = math.log(ramp.sum()) - math.fsum(ramp * np.log(ramp)) / ramp.sum()
    assert fastent.entropy(ramp) == pytest.approx(expected, rel=1e-13)


def test_float32_near_tiny_and_huge():
    tiny = np.finfo(np.float32).tiny
    p = np.array([tiny, tiny, 0, tiny / 4], dtype=np.float32)  # includes a float32 subnormal
    assert fastent.entropy(p) == pytest.approx(exact("entropy", p), rel=1e-12)
    big = np.full(5, np.finfo(np.float32).max, dtype=np.float32)
    assert fastent.entropy(big) == pytest.approx(math.log(5), rel=1e-12)


def test_binary_entropy_is_accurate_near_0_and_1():
    x = np.array([1e-300, 1e-17, 1e-9, 0.3, 1 - 2**-30, 1 - 2**-52])
    mpmath.mp.dps = 50
    expected = [
        float(-mpmath.mpf(v) * mpmath.log(v) - (1 - mpmath.mpf(v)) * mpmath.log1p(-mpmath.mpf(v)))
        for v in x
    ]
    assert_allclose(fastent.binary_entropy(x), expected, rtol=1e-14)


# ---- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (-0.2, r"p\[1, 2\] is negative \(-0\.2\)"),
        (np.nan, r"p\[1, 2\] is NaN"),
        (np.inf, r"p\[1, 2\] is infinite"),
    ],
)
def test_invalid_p_element(name, bad, message):
    p = make((3, 4), seed=21, zeros=0.0)
    p[1, 2] = bad
    p[2, 3] = -5.0  # a later bad element: the first one is reported
    with pytest.raises(ValueError, match=message):
        call(fastent, name, p, np.ones(4))
    with pytest.raises(ValueError, match=message):
        call(reference, name, p, np.ones(4))


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf, -np.inf])
def test_invalid_q_element(name, bad):
    q = np.ones((2, 5), dtype=np.float32)
    q[1, 3] = bad
    with pytest.raises(ValueError, match=r"q\[1, 3\] is "):
        call(fastent, name, np.ones(5), q)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_zero_sum_row(name):
    p = np.ones((3, 4))
    p[2] = 0
    with pytest.raises(ValueError, match=r"p\[2, :\] sums to zero"):
        call(fastent, name, p, np.ones(4))
    if name != "entropy":
        with pytest.raises(ValueError, match=r"q\[:, 1\] sums to zero"):
            call(fastent, name, np.ones((4, 3)), np.array([[1.0, 0.0, 1.0]] * 4), axis=0)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_empty_and_scalar_inputs(name):
    with pytest.raises(ValueError, match="empty along axis"):
        call(fastent, name, [], [])
    with pytest.raises(ValueError, match="empty along axis"):
        call(fastent, name, np.ones((3, 0)), np.ones((3, 0)))
    with pytest.raises(ValueError, match="at least 1-D"):
        call(fastent, name, 0.5, 0.5)


@pytest.mark.parametrize("name", REDUCTIONS + ELEMENTWISE)
def test_wrong_types(name):
    for bad in (["a", "b"], np.array([1 + 2j, 1]), np.array([object(), 1.0], dtype=object)):
        with pytest.raises(TypeError, match="p has unsupported dtype"):
            call(fastent, name, bad, np.ones(2))
    with pytest.raises(ValueError, match="could not be converted"):
        call(fastent, name, [[1.0, 2.0], [1.0]], np.ones(2))


@pytest.mark.parametrize("name", PAIRS)
def test_shape_mismatch(name):
    with pytest.raises(
        ValueError, match=r"p with shape \(3,\) and q with shape \(4,\) cannot be broadcast"
    ):
        call(fastent, name, np.ones(3), np.ones(4))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_bad_axis(name):
    with pytest.raises(ValueError, match="axis 2 is out of bounds for array of dimension 2"):
        call(fastent, name, np.ones((2, 2)), np.ones((2, 2)), axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        call(fastent, name, np.ones((2, 2)), np.ones((2, 2)), axis=1.0)


@pytest.mark.parametrize("name", REDUCTIONS + ELEMENTWISE)
def test_bad_base(name):
    for base in (0, -2, 1, 1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="base must be positive, finite and not 1"):
            call(fastent, name, [0.5, 0.5], [0.5, 0.5], base=base)
    for base in ("2", True, [2]):
        with pytest.raises(TypeError, match="base must be a real number"):
            call(fastent, name, [0.5, 0.5], [0.5, 0.5], base=base)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_bad_n_jobs(name):
    with pytest.raises(ValueError, match="n_jobs = 0 is invalid"):
        call(fastent, name, [0.5, 0.5], [0.5, 0.5], n_jobs=0)
    with pytest.raises(TypeError, match="n_jobs must be an integer"):
        call(fastent, name, [0.5, 0.5], [0.5, 0.5], n_jobs=1.5)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("bad", [-0.1, 1.5, np.nan, np.inf])
def test_elementwise_out_of_range(name, bad):
    p = np.full((2, 3), 0.5, dtype=np.float32)
    p[1, 1] = bad
    with pytest.raises(ValueError, match=r"p\[1, 1\] is not a probability"):
        call(fastent, name, p)
    with pytest.raises(ValueError, match=r"p\[1, 1\] is not a probability"):
        call(reference, name, p)


# ---- hygiene --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REDUCTIONS + ELEMENTWISE)
def test_inputs_not_modified_and_read_only_accepted(name, tmp_path):
    p, q = make((5, 8), seed=22) / 10, make((5, 8), seed=23)
    p_copy, q_copy = p.copy(), q.copy()
    p.setflags(write=False)
    q.setflags(write=False)
    expected = call(reference, name, p, q)
    assert_allclose(call(fastent, name, p, q), expected, rtol=1e-12)
    assert_array_equal(p, p_copy)
    assert_array_equal(q, q_copy)
    path = tmp_path / "p.npy"
    np.save(path, p_copy)
    mapped = np.load(path, mmap_mode="r")
    assert_allclose(call(fastent, name, mapped, q), expected, rtol=1e-12)


def test_invalid_input_is_not_modified():
    p = np.array([[0.5, -0.5], [0.2, 0.8]])
    before = p.copy()
    with pytest.raises(ValueError, match="negative"):
        fastent.entropy(p)
    assert_array_equal(p, before)


def test_lists_and_integer_counts():
    assert fastent.entropy([1, 1, 2]) == pytest.approx(
        fastent.entropy(np.array([0.25, 0.25, 0.5])), rel=1e-15
    )
    assert fastent.entropy([True, True, False]) == pytest.approx(math.log(2), rel=1e-15)
    assert fastent.entropy(np.array([2**62, 2**62], dtype=np.uint64)) == pytest.approx(
        math.log(2), rel=1e-15
    )


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [(0, 2), (2, 0), (1, 2), (0, 1, 2), (-1,)], ids=str)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_axis_tuples(name, axis, keepdims):
    """Several axes at once, as SciPy's reductions take them (issue 11)."""
    p = make((3, 4, 5), seed=40)
    q = make((4, 5), seed=41, zeros=0.0)
    got = assert_same(name, p, q, axis=axis, keepdims=keepdims)
    moved = np.moveaxis(p, [a % 3 for a in axis], list(range(-len(axis), 0)))
    flat = moved.reshape(*moved.shape[: 3 - len(axis)], -1)
    qq = np.moveaxis(np.broadcast_to(q, p.shape), [a % 3 for a in axis], list(range(-len(axis), 0)))
    expected = call(fastent, name, flat, qq.reshape(flat.shape), axis=-1)
    assert_allclose(np.asarray(got).reshape(np.shape(expected)), expected, rtol=1e-13)
    bad = p.copy()
    bad[1, 2, 3] = -1.0
    with pytest.raises(ValueError, match=r"p\[1, 2, 3\] is negative"):
        call(fastent, name, bad, q, axis=axis)
    with pytest.raises(ValueError, match=r"empty along axis \(1, 2\)"):
        call(fastent, name, np.ones((2, 0, 3)), np.ones((2, 0, 3)), axis=(1, 2))


# ---- nan_policy (issue 11) -----------------------------------------------------------------------

BAD_ROWS = np.array(
    [
        [0.2, 0.8, 0.0, 0.1],
        [np.nan, 0.5, 0.5, 0.1],
        [0.3, -0.1, 0.8, 0.1],
        [0.0, 0.0, 0.0, 0.0],
        [np.inf, 1.0, 1.0, 0.1],
        [np.nan] * 4,
        [0.1, np.nan, np.nan, 0.4],
    ]
)


@pytest.mark.parametrize("policy", ["propagate", "omit"])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_nan_policy_matches_reference_and_scipy(name, policy):
    stats = pytest.importorskip("scipy.stats")
    q = np.array([0.5, 0.25, 0.125, 0.125])
    with np.errstate(all="ignore"):
        got = call(fastent, name, BAD_ROWS, q, nan_policy=policy)
        assert_allclose(got, call(reference, name, BAD_ROWS, q, nan_policy=policy), rtol=1e-13)
        if name in ("entropy", "kl_divergence"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                qk = None if name == "entropy" else np.broadcast_to(q, BAD_ROWS.shape)
                want = stats.entropy(BAD_ROWS, qk, axis=1, nan_policy=policy)
            assert_allclose(got, want, rtol=1e-13)
    # the valid rows are the measure, the invalid ones do not fail the batch
    assert_allclose(got[0], call(fastent, name, BAD_ROWS[0], q), rtol=1e-14)
    for policy_raises in ("raise",):
        with pytest.raises(ValueError, match="is NaN"):
            call(fastent, name, BAD_ROWS[:2], q, nan_policy=policy_raises)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_nan_policy_omit_leaves_out_paired_positions(name):
    p = np.array([0.2, np.nan, 0.3, 0.5])
    q = np.array([0.4, 0.1, np.nan, 0.5])
    got = call(fastent, name, p, q, nan_policy="omit")
    keep = [0, 3] if name != "entropy" else [0, 2, 3]
    assert got == pytest.approx(call(fastent, name, p[keep], q[keep]), rel=1e-14)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_bad_nan_policy(name):
    for bad in ("ignore", None, "Raise"):
        with pytest.raises(ValueError, match="nan_policy must be 'raise', 'propagate' or 'omit'"):
            call(fastent, name, [0.5, 0.5], [0.5, 0.5], nan_policy=bad)
        with pytest.raises(ValueError, match="nan_policy must be"):
            call(reference, name, [0.5, 0.5], [0.5, 0.5], nan_policy=bad)
