# SPDX-License-Identifier: BSD-3-Clause
"""Binary losses: sigmoid cross-entropy with logits and binary cross-entropy, against PyTorch,
fastent.reference, exact values and finite differences."""

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

import fastent
from fastent import reference

REDUCTIONS = ["none", "mean", "sum"]


def data(shape, dtype=np.float64, seed=0, soft=True):
    rng = np.random.default_rng(seed)
    x = (4 * rng.standard_normal(shape)).astype(dtype)
    z = (rng.random(shape) if soft else rng.integers(0, 2, shape)).astype(dtype)
    return z, x


def rtol_for(dtype):
    return 1e-12 if dtype == np.float64 else 2e-6


def atol_for(dtype):
    """Absolute tolerance for losses and gradients of order 1 (float32 logsumexp takes its
    exponentials in float32: ~1e-7 absolute where a gradient p - 1 cancels)."""
    return 1e-14 if dtype == np.float64 else 1e-7


@pytest.mark.parametrize("pos_weight", [None, 2.5, "per-class"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_ce_matches_torch(simd_level, dtype, reduction, pos_weight):
    torch = pytest.importorskip("torch")
    z, x = data((64, 7), dtype, seed=1)
    pw = {None: None, 2.5: np.array(2.5, dtype), "per-class": np.linspace(0.5, 3, 7).astype(dtype)}[
        pos_weight
    ]
    loss, grad = fastent.sigmoid_cross_entropy_with_logits(
        z, x, reduction=reduction, pos_weight=pw, return_grad=True
    )
    # torch in float64 on the same values: fastent computes float32 input in float64 too
    tx = torch.tensor(x.astype(np.float64), requires_grad=True)
    tl = torch.nn.functional.binary_cross_entropy_with_logits(
        tx,
        torch.tensor(z.astype(np.float64)),
        pos_weight=None if pw is None else torch.tensor(pw.astype(np.float64)),
        reduction=reduction,
    )
    (tl if reduction != "none" else tl.sum()).backward()
    assert np.asarray(loss).dtype == dtype
    assert grad.dtype == dtype
    assert_allclose(loss, tl.detach().numpy(), rtol=rtol_for(dtype), atol=1e-30)
    assert_allclose(grad, tx.grad.numpy(), rtol=rtol_for(dtype), atol=1e-30)
    expected = reference.sigmoid_cross_entropy_with_logits(
        z, x, reduction=reduction, pos_weight=pw, return_grad=True
    )
    assert_allclose(loss, expected[0], rtol=rtol_for(dtype))
    assert_allclose(grad, expected[1], rtol=rtol_for(dtype), atol=1e-30)


@pytest.mark.parametrize("pos_weight", [None, "per-class", "zero-and-large"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sigmoid_ce_float32_loss_alone(simd_level, reduction, pos_weight):
    # the loss without its gradient takes float32 arithmetic: within the float32 contract of the
    # float64 reference, relative everywhere (tiny losses at large logits, soft labels, logits
    # past float32 exp's range that go to the scalar path)
    rng = np.random.default_rng(5)
    x = np.concatenate(
        [
            (6 * rng.standard_normal(3000)),
            [0, 1e-30, -1e-30, 36.9, -36.9, 86.9, -86.9, 87.1, -87.1, 100, -100, 3e38, -3e38],
        ]
    )
    z = np.concatenate([rng.random(1500), rng.integers(0, 2, 1500), np.tile([0.0, 1.0], 7)[:13]])
    shape = (x.size // 8, 8)
    x, z = x[: shape[0] * 8].reshape(shape), z[: shape[0] * 8].reshape(shape)
    pw = {
        None: None,
        "per-class": np.linspace(0.5, 3, 8),
        "zero-and-large": np.array([0, 1e-3, 1, 2, 10, 100, 0.5, 1e4]),
    }[pos_weight]
    x32, z32 = x.astype(np.float32), z.astype(np.float32)
    pw32 = None if pw is None else pw.astype(np.float32)
    got = fastent.sigmoid_cross_entropy_with_logits(z32, x32, reduction=reduction, pos_weight=pw32)
    expected = reference.sigmoid_cross_entropy_with_logits(
        z32.astype(np.float64),
        x32.astype(np.float64),
        reduction=reduction,
        pos_weight=None if pw32 is None else pw32.astype(np.float64),
    )
    assert np.asarray(got).dtype == np.float32
    assert_allclose(got, expected, rtol=rtol_for(np.float32), atol=1e-30)


def test_sigmoid_ce_known_values():
    # the TensorFlow documentation's table, checked against the formula in 40 digits
    x = np.array([1.0, -1, 0, 1, -1, 0, 0])
    z = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5])
    mpmath.mp.dps = 40
    exact = [
        float(
            -zi * mpmath.log(1 / (1 + mpmath.exp(-xi)))
            - (1 - zi) * mpmath.log(1 - 1 / (1 + mpmath.exp(-xi)))
        )
        for xi, zi in zip(x.tolist(), z.tolist(), strict=True)
    ]
    assert_allclose(fastent.sigmoid_cross_entropy_with_logits(z, x), exact, rtol=1e-15)
    assert fastent.sigmoid_cross_entropy_with_logits(1.0, 37.0) == pytest.approx(
        8.533047625744066e-17, rel=1e-15
    )


def test_sigmoid_ce_extreme_logits(simd_level):
    x = np.array([1e4, -1e4, 1e4, -1e4, np.inf, -np.inf, np.inf, -np.inf, 710.0, -710.0])
    z = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    loss, grad = fastent.sigmoid_cross_entropy_with_logits(z, x, return_grad=True)
    assert_allclose(loss[:4], [0.0, 0.0, 1e4, 1e4], rtol=1e-15, atol=1e-300)
    assert_allclose(loss[4:8], [0.0, 0.0, np.inf, np.inf])
    assert loss[8] == pytest.approx(math.exp(-710), rel=1e-12)
    assert loss[9] == pytest.approx(710.0, rel=1e-15)
    assert np.isfinite(grad).all()
    assert_allclose(grad, fastent.sigmoid(x) - z, rtol=1e-15, atol=1e-300)


def test_sigmoid_ce_gradient_by_finite_differences():
    z, x = data((5, 4), seed=2)
    pw = np.linspace(1, 2, 4)
    h = 1e-6
    for reduction in ("mean", "sum"):
        _, grad = fastent.sigmoid_cross_entropy_with_logits(
            z, x, reduction=reduction, pos_weight=pw, return_grad=True
        )
        numeric = np.empty_like(x)
        for idx in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += h
            down[idx] -= h
            loss_up, loss_down = (
                fastent.sigmoid_cross_entropy_with_logits(z, a, reduction=reduction, pos_weight=pw)
                for a in (up, down)
            )
            numeric[idx] = (loss_up - loss_down) / (2 * h)
        assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("n_jobs", [2, None])
def test_sigmoid_ce_threads_agree(n_jobs):
    z, x = data((4000, 30), seed=3)
    one = fastent.sigmoid_cross_entropy_with_logits(z, x, reduction="none", n_jobs=1)
    assert_allclose(fastent.sigmoid_cross_entropy_with_logits(z, x, n_jobs=n_jobs), one, rtol=0)
    s1 = fastent.sigmoid_cross_entropy_with_logits(z, x, reduction="sum", n_jobs=1)
    assert fastent.sigmoid_cross_entropy_with_logits(z, x, reduction="sum", n_jobs=n_jobs) == (
        pytest.approx(s1, rel=1e-13)
    )


def test_sigmoid_ce_bad_inputs():
    f = fastent.sigmoid_cross_entropy_with_logits
    with pytest.raises(ValueError, match=r"labels\[1, 0\] is not in \[0, 1\] \(1.5\)"):
        f([[0.0, 1.0], [1.5, 0.0]], np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"labels\[0, 1\] is not in \[0, 1\] \(nan\)"):
        f([[0.0, np.nan]], np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"logits\[0, 1\] is NaN"):
        f([[0.0, 1.0]], [[0.0, np.nan]])
    with pytest.raises(ValueError, match="must have the same shape"):
        f([0.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="reduction must be"):
        f([0.0], [0.0], reduction="avg")
    with pytest.raises(ValueError, match=r"pos_weight must have shape \(1,\) or \(2,\)"):
        f([[0.0, 1.0]], [[0.0, 1.0]], pos_weight=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"pos_weight\[1\] is nan; expected a weight >= 0"):
        f([[0.0, 1.0]], [[0.0, 1.0]], pos_weight=[1.0, np.nan])
    with pytest.raises(ValueError, match="empty batch"):
        f(np.zeros((0, 3)), np.zeros((0, 3)), reduction="mean")
    with pytest.raises(TypeError, match="logits has unsupported dtype"):
        f([0.0], ["a"])
    with pytest.raises(ValueError, match=r"labels\[0\] is not"):
        reference.sigmoid_cross_entropy_with_logits([2.0], [0.0])


def test_losses_do_not_modify_inputs():
    z, x = data((6, 5), seed=4)
    z0, x0 = z.copy(), x.copy()
    z.setflags(write=False)
    x.setflags(write=False)
    fastent.sigmoid_cross_entropy_with_logits(z, x, reduction="mean", return_grad=True)
    fastent.binary_cross_entropy(z, fastent.sigmoid(x))
    assert_allclose(z, z0, rtol=0)
    assert_allclose(x, x0, rtol=0)


# ---- binary cross-entropy from probabilities -------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bce_matches_torch_and_reference(dtype, reduction):
    torch = pytest.importorskip("torch")
    z, x = data((50, 6), dtype, seed=5)
    q = fastent.sigmoid(x / 4)  # inside (0, 1), where torch's clamp at -100 does not bite
    got = fastent.binary_cross_entropy(z, q, reduction=reduction)
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor(q.astype(np.float64)), torch.tensor(z.astype(np.float64)), reduction=reduction
    )
    assert np.asarray(got).dtype == dtype
    assert_allclose(got, expected.numpy(), rtol=rtol_for(dtype) * 10)
    assert_allclose(
        got, reference.binary_cross_entropy(z, q, reduction=reduction), rtol=rtol_for(dtype)
    )


def test_bce_known_values_and_edges():
    # the two-sample example: labels [0, 1], probabilities [0.4, 0.6]
    expected = (-math.log(0.6) - math.log(0.6)) / 2
    assert fastent.binary_cross_entropy([0.0, 1.0], [0.4, 0.6], reduction="mean") == pytest.approx(
        expected, rel=1e-15
    )
    assert_allclose(
        fastent.binary_cross_entropy([1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]),
        [0, 0, np.inf, np.inf],
    )
    clipped = fastent.binary_cross_entropy([1.0], [0.0], eps=1e-7)
    assert clipped[0] == pytest.approx(-math.log(1e-7), rel=1e-12)
    assert fastent.binary_cross_entropy(1.0, 1e-300) == pytest.approx(300 * math.log(10), rel=1e-14)
    assert fastent.binary_cross_entropy(0.0, 1e-17) == pytest.approx(1e-17, rel=1e-14)  # log1p


def test_bce_bad_inputs():
    f = fastent.binary_cross_entropy
    with pytest.raises(ValueError, match=r"probs\[1\] is not a probability \(1.5\)"):
        f([0.0, 1.0], [0.5, 1.5])
    with pytest.raises(ValueError, match=r"labels\[0\] is not in \[0, 1\]"):
        f([-1.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"probs\[0\] is not a probability \(nan\)"):
        f([0.0], [np.nan])
    with pytest.raises(ValueError, match="eps must be in"):
        f([0.0], [0.5], eps=0.7)
    with pytest.raises(ValueError, match="must have the same shape"):
        f([0.0, 1.0], [0.5])
    with pytest.raises(ValueError, match="empty batch"):
        f([], [], reduction="mean")


# ---- softmax cross-entropies ---------------------------------------------------------------------


def logits_and_labels(n=40, C=6, dtype=np.float64, seed=10):
    rng = np.random.default_rng(seed)
    x = (3 * rng.standard_normal((n, C))).astype(dtype)
    return rng.integers(0, C, n), x


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sparse_ce_matches_torch(simd_level, dtype, reduction, ignore, weighted, label_smoothing):
    torch = pytest.importorskip("torch")
    y, x = logits_and_labels(dtype=dtype)
    if ignore:
        y[[2, 5, 11]] = -100
    w = np.linspace(0.2, 2.0, x.shape[1]) if weighted else None
    kw = {
        "reduction": reduction,
        "weights": w,
        "ignore_index": -100 if ignore else None,
        "label_smoothing": label_smoothing,
    }
    loss, grad = fastent.sparse_softmax_cross_entropy_with_logits(y, x, return_grad=True, **kw)
    tx = torch.tensor(x.astype(np.float64), requires_grad=True)
    tl = torch.nn.functional.cross_entropy(
        tx,
        torch.tensor(y),
        weight=None if w is None else torch.tensor(w),
        ignore_index=-100,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )
    (tl if reduction != "none" else tl.sum()).backward()
    assert np.asarray(loss).dtype == dtype
    assert grad.dtype == dtype
    assert_allclose(loss, tl.detach().numpy(), rtol=rtol_for(dtype), atol=atol_for(dtype))
    assert_allclose(grad, tx.grad.numpy(), rtol=rtol_for(dtype), atol=atol_for(dtype))
    ref_loss, ref_grad = reference.sparse_softmax_cross_entropy_with_logits(
        y, x, return_grad=True, **kw
    )
    assert_allclose(loss, ref_loss, rtol=rtol_for(dtype), atol=atol_for(dtype))
    assert_allclose(grad, ref_grad, rtol=rtol_for(dtype), atol=atol_for(dtype))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_soft_ce_matches_torch(simd_level, dtype, axis, reduction):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    x = (3 * rng.standard_normal((30, 5))).astype(dtype)
    t = rng.dirichlet(np.ones(5), 30).astype(dtype)
    t[0] = [0, 0, 1, 0, 0]  # one-hot
    if axis == 0:
        x, t = x.T.copy(), t.T.copy()
    loss, grad = fastent.softmax_cross_entropy_with_logits(
        t, x, axis=axis, reduction=reduction, return_grad=True
    )
    tx = torch.tensor(x.astype(np.float64), requires_grad=True)
    tl = torch.nn.functional.cross_entropy(
        tx if axis == -1 else tx.T,
        torch.tensor(t.astype(np.float64) if axis == -1 else t.T.astype(np.float64)),
        reduction=reduction,
    )
    (tl if reduction != "none" else tl.sum()).backward()
    assert_allclose(loss, tl.detach().numpy(), rtol=rtol_for(dtype), atol=atol_for(dtype))
    assert_allclose(grad, tx.grad.numpy(), rtol=rtol_for(dtype), atol=atol_for(dtype))
    ref = reference.softmax_cross_entropy_with_logits(
        t, x, axis=axis, reduction=reduction, return_grad=True
    )
    assert_allclose(loss, ref[0], rtol=rtol_for(dtype), atol=atol_for(dtype))
    assert_allclose(grad, ref[1], rtol=rtol_for(dtype), atol=atol_for(dtype))


def test_softmax_ce_extreme_and_masked_logits(simd_level):
    x = np.array([[1e4, -1e4, 0.0], [-np.inf, 2.0, 1.0], [np.inf, 0.0, 0.0], [np.inf, np.inf, 0.0]])
    y = np.array([0, 1, 0, 2])
    loss, grad = fastent.sparse_softmax_cross_entropy_with_logits(y, x, return_grad=True)
    assert loss[0] == 0.0
    assert loss[1] == pytest.approx(math.log1p(math.exp(-1.0)), rel=1e-14)
    assert loss[2] == 0.0
    assert loss[3] == np.inf
    assert np.isfinite(grad).all()
    assert_allclose(
        grad[1], [0.0, fastent.softmax([2.0, 1.0])[0] - 1, fastent.softmax([2.0, 1.0])[1]]
    )
    soft = fastent.softmax_cross_entropy_with_logits([[0.0, 1.0, 0.0]], [[-np.inf, 2.0, 1.0]])
    assert soft[0] == pytest.approx(loss[1], rel=1e-14)
    # the loss for a dominant logit keeps its digits: logsumexp - x_y = log1p(exp(-37))
    assert fastent.sparse_softmax_cross_entropy_with_logits(0, [37.0, 0.0]) == pytest.approx(
        math.log1p(math.exp(-37.0)), rel=1e-14
    )


def test_softmax_ce_gradients_by_finite_differences():
    y, x = logits_and_labels(n=4, C=3, seed=12)
    w = np.array([0.5, 1.0, 2.0])
    t = np.random.default_rng(13).random((4, 3))
    h = 1e-6
    for f, kw in [
        (fastent.sparse_softmax_cross_entropy_with_logits, {"weights": w, "label_smoothing": 0.1}),
        (lambda labels, logits, **k: fastent.softmax_cross_entropy_with_logits(t, logits, **k), {}),
    ]:
        _, grad = f(y, x, reduction="mean", return_grad=True, **kw)
        numeric = np.empty_like(x)
        for idx in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[idx] += h
            down[idx] -= h
            numeric[idx] = (
                f(y, up, reduction="mean", **kw) - f(y, down, reduction="mean", **kw)
            ) / (2 * h)
        assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("n_jobs", [2, None])
def test_softmax_ce_threads_agree(n_jobs):
    y, x = logits_and_labels(n=3000, C=50, seed=14)
    one = fastent.sparse_softmax_cross_entropy_with_logits(y, x, n_jobs=1, return_grad=True)
    many = fastent.sparse_softmax_cross_entropy_with_logits(y, x, n_jobs=n_jobs, return_grad=True)
    assert_allclose(many[0], one[0], rtol=0)
    assert_allclose(many[1], one[1], rtol=0)


def test_softmax_ce_bad_inputs():
    f = fastent.sparse_softmax_cross_entropy_with_logits
    x = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"labels\[1\] = 4 is out of range for 4 classes"):
        f([0, 4, 1], x)
    with pytest.raises(ValueError, match=r"labels\[2\] = -1 is out of range"):
        f([0, 1, -1], x)
    with pytest.raises(ValueError, match=r"labels\[1\] = 1.5 is not an integer class index"):
        f([0.0, 1.5, 1.0], x)
    with pytest.raises(TypeError, match="labels must be integer class indices"):
        f(["a", "b", "c"], x)
    with pytest.raises(ValueError, match="must have the logits' batch shape"):
        f([0, 1], x)
    with pytest.raises(ValueError, match=r"logits\[1, 2\] is NaN"):
        f([0, 1, 1], np.where(np.arange(12).reshape(3, 4) == 6, np.nan, 0.0))
    with pytest.raises(ValueError, match="zero contributing elements"):
        f([-100, -100, -100], x, ignore_index=-100, reduction="mean")
    with pytest.raises(ValueError, match="zero contributing elements"):
        f([0, 0, 0], x, weights=[0.0, 1, 1, 1], reduction="mean")
    with pytest.raises(ValueError, match="zero contributing elements"):
        f(np.zeros(0, int), np.zeros((0, 4)), reduction="mean")
    # subnormal weights: 1 / total overflows (the gradient was NaN; found by the fuzzer)
    for fn in (f, reference.sparse_softmax_cross_entropy_with_logits):
        with pytest.raises(ValueError, match=r"subnormal total weight|below the smallest normal"):
            fn([1], np.ones((1, 3)), weights=[5e-324] * 3, reduction="mean", return_grad=True)
    tiny = np.finfo(np.float64).tiny  # the smallest total allowed: a finite gradient
    _, grad = f([1], np.ones((1, 3)), weights=[tiny] * 3, reduction="mean", return_grad=True)
    assert_allclose(grad, [[1 / 3, -2 / 3, 1 / 3]], rtol=1e-15)
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        f([0, 1, 1], x, label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"weights must have shape \(4,\)"):
        f([0, 1, 1], x, weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="reduction must be"):
        f([0, 1, 1], x, reduction="batchmean")
    g = fastent.softmax_cross_entropy_with_logits
    with pytest.raises(ValueError, match=r"labels\[1, 2\] is not a valid target"):
        g([[0, 1, 0, 0], [0, 0, -0.5, 1], [1, 0, 0, 0]], x)
    with pytest.raises(ValueError, match=r"logits\[0, 0\] is NaN"):
        g(np.eye(4)[:3], np.where(np.arange(12).reshape(3, 4) == 0, np.nan, 0.0))
    with pytest.raises(ValueError, match="must have the same shape"):
        g(np.ones((3, 5)), x)
    with pytest.raises(ValueError, match="empty batch"):
        g(np.zeros((0, 4)), np.zeros((0, 4)), reduction="mean")
