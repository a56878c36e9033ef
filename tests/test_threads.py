# SPDX-License-Identifier: BSD-3-Clause
"""n_jobs gives the same numbers, and the kernels run concurrently from Python threads."""

import functools
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import fastent

FUNCS = [
    lambda p, q, **kw: fastent.entropy(p, **kw),
    lambda p, q, **kw: fastent.cross_entropy(p, q, **kw),
    lambda p, q, **kw: fastent.kl_divergence(p, q, **kw),
    lambda p, q, **kw: fastent.js_divergence(p, q, **kw),
]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return rng.random((300, 1000)), rng.random((300, 1000)) + 0.01


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("n_jobs", [2, 4, -1, None])
def test_n_jobs_agree(data, func, n_jobs):
    p, q = data
    # rows are independent, so every thread count gives bit-identical results
    assert_array_equal(func(p, q, n_jobs=n_jobs), func(p, q, n_jobs=1))
    assert_array_equal(func(p[0], q, n_jobs=n_jobs), func(p[0], q, n_jobs=1))
    # fewer rows than threads: each row is split across threads, equal up to rounding
    long_p, long_q = p.reshape(2, -1), q.reshape(2, -1)
    assert_allclose(func(long_p, long_q, n_jobs=n_jobs), func(long_p, long_q, n_jobs=1), rtol=1e-13)
    assert_allclose(
        func(p.ravel(), q.ravel(), n_jobs=n_jobs), func(p.ravel(), q.ravel(), n_jobs=1), rtol=1e-13
    )


LOGIT_FUNCS = {
    "logsumexp": lambda x, y, z, **kw: fastent.logsumexp(x, **kw),
    "log_softmax": lambda x, y, z, **kw: fastent.log_softmax(x, **kw),
    "sigmoid": lambda x, y, z, **kw: fastent.sigmoid(x.ravel(), **kw),
    "sparse_ce": lambda x, y, z, **kw: fastent.sparse_softmax_cross_entropy_with_logits(
        y, x, reduction="mean", **kw
    ),
    "sigmoid_ce": lambda x, y, z, **kw: fastent.sigmoid_cross_entropy_with_logits(
        z, x, reduction="sum", **kw
    ),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("func", LOGIT_FUNCS.values(), ids=LOGIT_FUNCS)
def test_logits_n_jobs_agree_bitwise(func, dtype):
    # rows and chunks are handed to the threads dynamically, and the losses' partial sums are
    # added in chunk order: any thread count gives the same bits, also for the reductions
    rng = np.random.default_rng(3)
    x = (4 * rng.standard_normal((300_000, 7))).astype(dtype)
    y = rng.integers(0, 7, x.shape[0])
    z = (rng.random(x.shape) < 0.4).astype(dtype)
    expected = func(x, y, z, n_jobs=1)
    for n_jobs in (2, 3, 8):
        assert_array_equal(func(x, y, z, n_jobs=n_jobs), expected)


def test_concurrent_calls_from_python_threads(data):
    p, q = data
    expected = [f(p, q, n_jobs=1) for f in FUNCS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(f, p, q, n_jobs=2) for _ in range(5) for f in FUNCS]
        results = [fut.result() for fut in futures]
    for i, got in enumerate(results):
        assert_array_equal(got, expected[i % len(FUNCS)])


# Python 3.12+ warns when a threaded process forks: that is the situation under test
@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_child_processes_after_threaded_use(data, method):
    """libgomp hangs in a child forked after OpenMP threads ran; fastent runs serially there."""
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"start method {method!r} is not available on this platform")
    p = data[0]
    expected = fastent.entropy(p, n_jobs=2)  # the parent has used OpenMP threads
    work = functools.partial(fastent.entropy, n_jobs=2)
    with multiprocessing.get_context(method).Pool(2) as pool:
        results = pool.map_async(work, [p, p]).get(timeout=120)
    for got in results:
        assert_array_equal(got, expected)
