# SPDX-License-Identifier: BSD-3-Clause
"""fastent.logits against SciPy, fastent.reference, exact (mpmath) values and special values."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

import fastent
from fastent import reference

special = pytest.importorskip("scipy.special")

ROWWISE = ["logsumexp", "softmax", "log_softmax"]
ELEMENTWISE = ["sigmoid", "log_sigmoid"]
SCIPY = {
    "logsumexp": special.logsumexp,
    "softmax": special.softmax,
    "log_softmax": special.log_softmax,
    "sigmoid": special.expit,
    "log_sigmoid": special.log_expit,
}
DTYPES = [np.float64, np.float32, np.float16, np.int64, np.bool_]


def out_dtype(dtype):
    return np.float32 if np.dtype(dtype) in (np.float32, np.float16) else np.float64


def rtol_for(dtype):
    return 1e-13 if out_dtype(dtype) == np.float64 else 2e-6


def logits(shape, dtype=np.float64, seed=0, scale=3.0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind == "i":
        return rng.integers(-20, 20, shape).astype(dtype)
    return (scale * rng.standard_normal(shape)).astype(dtype)


def call(module_or_fn, name, x, **kw):
    f = getattr(module_or_fn, name) if not callable(module_or_fn) else module_or_fn
    return f(x, **kw)


def scipy_call(name, x, axis=-1, keepdims=False):
    """SciPy on the same values in float64: fastent computes float32 input in float64 too."""
    x64 = np.asarray(x, dtype=np.float64)
    if name == "logsumexp":
        return special.logsumexp(x64, axis=axis, keepdims=keepdims)
    if name in ELEMENTWISE:
        return SCIPY[name](x64)
    return SCIPY[name](x64, axis=axis)


@pytest.mark.parametrize("axis", [-1, 0, None])
@pytest.mark.parametrize("shape", [(1,), (7,), (3, 5), (2, 3, 4), (2, 5000)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ROWWISE)
def test_rowwise_match_scipy_and_reference(simd_level, name, dtype, shape, axis):
    x = logits(shape, dtype, seed=1)
    got = call(fastent, name, x, axis=axis)
    expected = scipy_call(name, x, axis=axis)
    assert np.asarray(got).dtype == out_dtype(dtype)
    assert np.shape(got) == np.shape(expected)
    # absolute rounding scales with |x|: SciPy's log_softmax subtracts log(sum) from x - max
    # (~1e-16 |x|); fastent's float32 kernels take exp in float32 (~1e-7 |x| where results cancel)
    scale = max(1.0, float(np.abs(x).max()))
    atol = {
        np.float64: 1e-15 * scale if name == "log_softmax" else 1e-300,
        np.float32: 3e-7 * scale,
    }[out_dtype(dtype)]
    assert_allclose(got, expected, rtol=rtol_for(dtype), atol=atol)
    assert_allclose(got, call(reference, name, x, axis=axis), rtol=rtol_for(dtype), atol=atol)


@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 5), (0,), (2, 0, 3), (3, 4000)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_match_scipy_and_reference(simd_level, name, dtype, shape):
    x = logits(shape, dtype, seed=2, scale=10.0)
    got = call(fastent, name, x)
    assert np.asarray(got).dtype == out_dtype(dtype)
    assert np.shape(got) == np.shape(x)
    assert_allclose(got, scipy_call(name, x), rtol=rtol_for(dtype), atol=1e-300)
    assert_allclose(got, call(reference, name, x), rtol=rtol_for(dtype), atol=1e-300)


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [0, 1, 2, -2, None])
def test_logsumexp_axes_and_keepdims(axis, keepdims):
    x = logits((3, 4, 5), seed=3)
    got = fastent.logsumexp(x, axis=axis, keepdims=keepdims)
    assert_allclose(got, special.logsumexp(x, axis=axis, keepdims=keepdims), rtol=1e-14)
    assert np.shape(got) == np.shape(special.logsumexp(x, axis=axis, keepdims=keepdims))


LAYOUTS = {
    "F": np.asfortranarray,
    "strided": lambda a: np.repeat(a, 2, axis=-1)[..., ::2],
    "transposed": lambda a: np.ascontiguousarray(a.T).T,
    "byteswapped": lambda a: a.astype(a.dtype.newbyteorder(">")),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ROWWISE + ELEMENTWISE)
def test_memory_layouts(name, layout):
    x = logits((6, 40), seed=4)
    lx = LAYOUTS[layout](x)
    kw = {} if name in ELEMENTWISE else {"axis": 0}
    assert_allclose(call(fastent, name, lx, **kw), call(fastent, name, x, **kw), rtol=1e-15)


SPECIAL_ROWS = [
    [np.inf, 1.0],
    [np.inf, -np.inf],
    [-np.inf, -np.inf],
    [np.inf, np.inf],
    [np.nan, 1.0],
    [-np.inf, 0.0],
    [0.0, -50.0],
    [1e4, -1e4],
    [-1e4, -1e4],
    [np.nan, np.inf],
]


@pytest.mark.parametrize("row", SPECIAL_ROWS, ids=str)
@pytest.mark.parametrize("name", ROWWISE)
def test_special_values_like_scipy(simd_level, name, row):
    x = np.array([row, [0.5, 0.25]])
    with np.errstate(all="ignore"):
        expected = scipy_call(name, x)
    got = call(fastent, name, x)
    assert_array_equal(np.isnan(got), np.isnan(expected))
    # fastent's log_softmax([0, -50])[0] is -exp(-50) - ..., SciPy's rounds it to 0
    assert_allclose(got, expected, rtol=1e-14, atol=1e-20 if name == "log_softmax" else 0)


def test_sigmoid_special_values():
    x = np.array(
        [-np.inf, -1e4, -710.0, -709.0, -40.0, 0.0, 40.0, 709.0, 710.0, 1e4, np.inf, np.nan]
    )
    with np.errstate(all="ignore"):
        assert_allclose(fastent.sigmoid(x), special.expit(x), rtol=1e-15, atol=1e-300)
        assert_allclose(fastent.log_sigmoid(x), special.log_expit(x), rtol=1e-15, atol=1e-320)
    assert np.isnan(fastent.sigmoid(np.nan))
    assert fastent.sigmoid(-np.inf) == 0.0
    assert fastent.sigmoid(np.inf) == 1.0
    assert fastent.log_sigmoid(-np.inf) == -np.inf
    assert fastent.log_sigmoid(np.inf) == 0.0


def test_known_values():
    # the seed examples: sigmoid and softmax of [2, 3, 5, 6]
    x = np.array([2.0, 3.0, 5.0, 6.0])
    mpmath.mp.dps = 40
    sig = [float(1 / (1 + mpmath.exp(-mpmath.mpf(v)))) for v in x]
    total = mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in x)
    soft = [float(mpmath.exp(mpmath.mpf(v)) / total) for v in x]
    assert_allclose(fastent.sigmoid(x), sig, rtol=1e-15)
    assert_allclose(fastent.softmax(x), soft, rtol=1e-15)
    assert_allclose(fastent.log_softmax(x), [float(mpmath.log(s)) for s in soft], rtol=1e-15)
    assert fastent.logsumexp([1000.0, 1000.0]) == pytest.approx(1000 + math.log(2), rel=1e-16)
    assert fastent.logsumexp([0.0, -50.0]) == pytest.approx(math.exp(-50), rel=1e-14)
    assert fastent.log_sigmoid(40.0) == pytest.approx(-math.exp(-40), rel=1e-14)
    assert fastent.log_softmax([0.0, -1000.0])[1] == -1000.0
    assert fastent.log_softmax([0.0, -50.0])[0] == pytest.approx(-math.exp(-50), rel=1e-14)
    assert fastent.logsumexp([]) == -np.inf
    assert fastent.logsumexp(3.0, axis=None) == 3.0
    assert fastent.softmax(3.0, axis=None) == 1.0


def test_logsumexp_is_exact(simd_level):
    rng = np.random.default_rng(5)
    mpmath.mp.dps = 40
    for scale in (1.0, 30.0, 1e3):
        x = scale * rng.standard_normal(2000)
        exact = float(mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in x)))
        assert fastent.logsumexp(x) == pytest.approx(exact, rel=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("maxima", [[0], [999], [5, 300], [70, 640, 999], list(range(0, 1000, 97))])
def test_logsumexp_maxima_anywhere_and_a_tiny_rest(simd_level, dtype, maxima):
    """The maxima of a row in any of its blocks (the kernel leaves one out of the sums and adds
    the others as exact 1s), the rest tiny beside them (a lone maximum: log1p keeps its digits)
    or spanning more than the exponential's range (clamped terms)."""
    mpmath.mp.dps = 40
    rng = np.random.default_rng(len(maxima))
    for low, spread in ((-30.0, 5.0), (-60.0, 40.0), (-3.0, 2.0)):
        x = (low + spread * rng.standard_normal(1000)).clip(max=-1.0).astype(dtype)
        x[maxima] = 0.0
        for shift in (0.0, 2.5):
            row = (x + dtype(shift)).astype(dtype)
            exact = float(mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in row)))
            rtol = 2e-6 if dtype == np.float32 else 1e-14
            assert fastent.logsumexp(row) == pytest.approx(exact, rel=rtol, abs=1e-300)
            assert fastent.log_softmax(row)[maxima[0]] == pytest.approx(
                shift - exact, rel=rtol, abs=1e-13 if dtype == np.float64 else 1e-6
            )


@pytest.mark.slow
def test_long_row_logsumexp(simd_level):
    n = 10**7
    assert fastent.logsumexp(np.zeros(n)) == pytest.approx(math.log(n), rel=1e-14)
    x32 = np.zeros(n, dtype=np.float32)
    assert fastent.logsumexp(x32) == pytest.approx(math.log(n), rel=1e-6)


def test_extreme_logits_stay_finite():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [3e38, -3e38, 0.0]])
    s = fastent.softmax(x)
    assert np.isfinite(s).all()
    assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-15)
    ls = fastent.log_softmax(x)
    assert_allclose(ls, special.log_softmax(x, axis=-1), rtol=1e-15, atol=1e-300)
    s32 = fastent.softmax(x.astype(np.float32))
    assert s32.dtype == np.float32
    assert np.isfinite(s32).all()


@settings(deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 50), elements=st.floats(-700, 700)),
    st.floats(-100, 100),
)
def test_properties(x, c):
    lse = fastent.logsumexp(x)
    assert fastent.logsumexp(x + c) == pytest.approx(lse + c, rel=1e-12, abs=1e-10)
    assert lse >= x.max()
    assert lse <= x.max() + math.log(len(x)) + 1e-12
    assert fastent.softmax(x).sum() == pytest.approx(1.0, rel=1e-14)
    assert_allclose(fastent.log_softmax(x), x - lse, rtol=1e-12, atol=1e-12)
    assert_allclose(fastent.sigmoid(x) + fastent.sigmoid(-x), 1.0, rtol=1e-15)


@pytest.mark.parametrize("n_jobs", [2, -1, None])
@pytest.mark.parametrize("name", ROWWISE + ELEMENTWISE)
def test_n_jobs_agree(name, n_jobs):
    x = logits((300, 1000), seed=6)
    assert_array_equal(call(fastent, name, x, n_jobs=n_jobs), call(fastent, name, x, n_jobs=1))


@pytest.mark.parametrize("name", ROWWISE + ELEMENTWISE)
def test_bad_inputs(name):
    with pytest.raises(TypeError, match="x has unsupported dtype"):
        call(fastent, name, ["a", "b"])
    with pytest.raises(TypeError, match="x has unsupported dtype"):
        call(fastent, name, np.array([1 + 1j]))
    with pytest.raises(ValueError, match="n_jobs = 0 is invalid"):
        call(fastent, name, [1.0, 2.0], n_jobs=0)
    if name in ROWWISE:
        with pytest.raises(ValueError, match="axis 2 is out of bounds"):
            call(fastent, name, np.ones((2, 2)), axis=2)
        with pytest.raises(TypeError, match="axis must be an integer"):
            call(fastent, name, np.ones((2, 2)), axis=0.5)
        with pytest.raises(ValueError, match="at least 1-D"):
            call(fastent, name, 1.0)


@pytest.mark.parametrize("name", ROWWISE + ELEMENTWISE)
def test_input_not_modified_and_read_only(name):
    x = logits((5, 9), seed=7)
    x[0, 0] = np.inf
    before = x.copy()
    x.setflags(write=False)
    with np.errstate(all="ignore"):
        call(fastent, name, x)
    assert_array_equal(x, before)


# ---- SciPy parity: weights, signs, axis tuples (issue 11) ----------------------------------------

AXES = [None, 0, 1, 2, -1, (0, 2), (2, 0), (1, 2), (0, 1, 2)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logsumexp_weights_signs_and_axes_match_scipy(axis, keepdims, dtype):
    rng = np.random.default_rng(31)
    x = (5 * rng.standard_normal((3, 4, 5))).astype(dtype)
    b = rng.standard_normal((4, 5)).astype(dtype)  # broadcast, signed
    b[1, 2] = 0.0
    rtol = rtol_for(dtype) * 10
    kw = {"axis": axis, "keepdims": keepdims}
    assert_allclose(fastent.logsumexp(x, **kw), special.logsumexp(x, **kw), rtol=rtol)
    got, sign = fastent.logsumexp(x, b=b, return_sign=True, **kw)
    want, want_sign = special.logsumexp(x, b=b, return_sign=True, **kw)
    assert_allclose(got, want, rtol=rtol)
    assert_array_equal(sign, want_sign)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    with np.errstate(invalid="ignore"):
        assert_allclose(fastent.logsumexp(x, b=b, **kw), special.logsumexp(x, b=b, **kw), rtol=rtol)
    ref, ref_sign = reference.logsumexp(x, b=b, return_sign=True, **kw)
    assert_allclose(got, ref, rtol=rtol)
    assert_array_equal(sign, ref_sign)
    for name in ("softmax", "log_softmax"):
        if not keepdims:
            ax = {"axis": axis}
            got = getattr(fastent, name)(x, **ax)
            assert_allclose(got, getattr(special, name)(x, **ax), rtol=rtol, atol=1e-6)


@pytest.mark.parametrize(
    ("x", "b"),
    [
        ([1.0, 2.0], [1.0, -1.0]),
        ([1.0, 1.0], [1.0, -1.0]),  # an exactly cancelling sum: log 0, sign 0
        ([0.0, 1000.0], [1.0, 0.0]),
        ([np.inf, 1.0], [1.0, 1.0]),
        ([np.inf, np.inf], [1.0, -1.0]),
        ([np.nan, 1.0], [0.0, 1.0]),  # a zero weight leaves out even a NaN
        ([np.nan, 1.0], [1.0, 1.0]),
        ([-np.inf, -np.inf], [1.0, 2.0]),
        ([710.0, 709.0], [2.0, -3.0]),
        ([], []),
    ],
)
def test_logsumexp_weighted_special_values_match_scipy(x, b):
    got = fastent.logsumexp(x, b=b, return_sign=True, axis=None)
    with np.errstate(all="ignore"):
        want = special.logsumexp(x, b=b, return_sign=True)
    assert_allclose(got, want, rtol=1e-14, equal_nan=True)


def test_logsumexp_zero_weights_leave_out_any_value():
    """SciPy's stated rule (an element with weight 0 adds nothing, even inf or NaN); its own
    fallback breaks it for an all-zero-weight slice: fastent gives log 0 there."""
    assert fastent.logsumexp([0.0, np.inf], b=[0.0, 0.0], axis=None) == -np.inf
    assert fastent.logsumexp([np.nan, 2.0], b=[0.0, 1.0], axis=None) == 2.0


def test_bad_weights_and_axes():
    with pytest.raises(ValueError, match="cannot be broadcast"):
        fastent.logsumexp(np.ones(3), b=np.ones(4))
    with pytest.raises(TypeError, match="b has unsupported dtype"):
        fastent.logsumexp(np.ones(3), b=["a", "b", "c"])
    with pytest.raises(ValueError, match="repeats an axis"):
        fastent.logsumexp(np.ones((2, 2)), axis=(0, -2))
    with pytest.raises(ValueError, match="out of bounds"):
        fastent.softmax(np.ones((2, 2)), axis=(0, 2))
