# SPDX-License-Identifier: BSD-3-Clause
"""Stress (issue 11): every family from many Python threads at once with n_jobs > 1 gives the
serial numbers; memory stays flat over many calls (errors included); a KeyboardInterrupt stops a
long selection within about a second; a request for more memory than exists fails up front."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import fastent
from fastent import discrete, selection
from fastent._core import memory


def _calls(rng: np.random.Generator) -> list[Callable[[Any], Any]]:
    """One call per family member, each with enough work for the kernels to use threads (rows
    at least as many as threads, so the thread count cannot change the rounding)."""
    p = rng.random((400, 300)) + 0.01
    q = rng.random((400, 300)) + 0.01
    x = rng.normal(size=(400, 300)) * 5
    y = rng.integers(0, 300, size=400)
    a = rng.integers(0, 6, size=200_000)
    b = (a + rng.integers(0, 3, size=a.size)) % 7
    c = rng.integers(0, 4, size=a.size)
    X = rng.integers(0, 5, size=(20_000, 12))
    target = (X[:, 0] + X[:, 3] + rng.integers(0, 2, size=X.shape[0])) % 4
    return [
        lambda n_jobs: fastent.entropy(p, n_jobs=n_jobs),
        lambda n_jobs: fastent.cross_entropy(p, q, n_jobs=n_jobs),
        lambda n_jobs: fastent.kl_divergence(p, q, n_jobs=n_jobs),
        lambda n_jobs: fastent.js_distance(p, q, n_jobs=n_jobs),
        lambda n_jobs: fastent.logsumexp(x, n_jobs=n_jobs),
        lambda n_jobs: fastent.logsumexp(x, b=q, n_jobs=n_jobs),
        lambda n_jobs: fastent.softmax(x, n_jobs=n_jobs),
        lambda n_jobs: fastent.log_sigmoid(x, n_jobs=n_jobs),
        lambda n_jobs: fastent.sparse_softmax_cross_entropy_with_logits(
            y, x, return_grad=True, n_jobs=n_jobs
        ),
        lambda n_jobs: fastent.softmax_cross_entropy_with_logits(p, x, n_jobs=n_jobs),
        lambda n_jobs: fastent.sigmoid_cross_entropy_with_logits(p / 2, x, n_jobs=n_jobs),
        lambda n_jobs: discrete.mutual_info(a, b, n_jobs=n_jobs),
        lambda n_jobs: discrete.conditional_mutual_info(a, b, c, n_jobs=n_jobs),
        lambda n_jobs: discrete.adjusted_mutual_info(a, b, n_jobs=n_jobs),
        lambda n_jobs: discrete.contingency(a, b, c, n_jobs=n_jobs)[0],
        lambda n_jobs: selection.mutual_info_scores(X, target, n_jobs=n_jobs),
        lambda n_jobs: selection.mutual_info_matrix(X, n_jobs=n_jobs),
        lambda n_jobs: selection.select_features(X, target, 4, method="jmi", n_jobs=n_jobs),
        lambda n_jobs: selection.discretize(x, n_bins=8)[0],
    ]


def _same(got: Any, want: Any) -> None:
    if isinstance(want, selection.Selection):
        for field in ("indices", "scores", "names", "relevance"):
            assert_array_equal(getattr(got, field), getattr(want, field))
    elif isinstance(want, tuple):
        for g, w in zip(got, want, strict=True):
            _same(g, w)
    else:
        assert_array_equal(got, want)


@pytest.mark.parametrize("n_jobs", [2, -1])
def test_every_family_from_many_python_threads(n_jobs):
    calls = _calls(np.random.default_rng(0))
    serial = [call(1) for call in calls]
    rounds = 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(call, n_jobs) for _ in range(rounds) for call in calls]
        results = [f.result(timeout=300) for f in futures]
    for i, got in enumerate(results):
        _same(got, serial[i % len(calls)])


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _mixed_calls(rng: np.random.Generator) -> list[Callable[[], Any]]:
    """Small calls of every family, the careful and error paths included."""
    p = rng.random((8, 50))
    x = rng.normal(size=(8, 50))
    x_inf = x.copy()
    x_inf[0, 0] = np.inf
    labels = rng.integers(0, 5, size=300)
    X = rng.integers(0, 4, size=(300, 6))
    words = np.array(["a", "b", "c"] * 100, dtype=object)

    def error(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
        def call() -> None:
            with pytest.raises((ValueError, TypeError)):
                function(*args, **kwargs)

        return call

    return [
        lambda: fastent.entropy(p),
        lambda: fastent.entropy([2.0**53, 1.0]),  # the careful path
        lambda: fastent.kl_divergence(p, p[::-1], nan_policy="omit"),
        lambda: fastent.js_distance(p, p[:, ::-1]),
        lambda: fastent.logsumexp(x, b=p, return_sign=True),
        lambda: fastent.log_softmax(x, axis=(0, 1)),
        lambda: fastent.sparse_softmax_cross_entropy_with_logits(
            labels[:8], x_inf, return_grad=True, label_smoothing=0.1
        ),  # the limits path (malloc'd scratch)
        lambda: fastent.binary_cross_entropy(p / 2, p / 3, reduction="mean"),
        lambda: discrete.mutual_info(labels, labels[::-1]),
        lambda: discrete.normalized_mutual_info(words, labels),
        lambda: discrete.contingency(labels, words)[0],
        lambda: selection.mutual_info_scores(X, labels),
        lambda: selection.select_features(X, labels, 3, method="mrmr"),
        error(fastent.entropy, [[1.0, -1.0]]),
        error(fastent.kl_divergence, p, -p),
        error(fastent.sparse_softmax_cross_entropy_with_logits, labels[:8] + 60, x),
        error(fastent.sparse_softmax_cross_entropy_with_logits, labels[:8], x, weights=-p[0]),
        error(discrete.entropy, np.array([1.0, np.nan])),
        error(selection.mutual_info_scores, X, labels[:10]),
        error(fastent.softmax, ["a"]),
    ]


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="RSS read from /proc (Linux)")
@pytest.mark.no_asan("ASan's quarantine keeps freed memory resident: RSS grows by design")
def test_memory_is_flat_over_ten_thousand_mixed_calls():
    calls = _mixed_calls(np.random.default_rng(1))
    for _ in range(50):  # warm up: caches, first-use allocations, the interned strings
        for call in calls:
            call()
    before = _rss_bytes()
    n = 0
    while n < 10_000:
        for call in calls:
            call()
            n += 1
    grown = _rss_bytes() - before
    assert grown < 4 << 20, f"RSS grew by {grown / 2**20:.1f} MiB over {n} calls"


LONG_SELECTION = """
import sys, time
import numpy as np
from fastent import selection
X = np.random.default_rng(0).integers(0, 8, size=({rows}, {cols}), dtype=np.int8)
y = X[:, 0] % 3
print("start", flush=True)
try:
    selection.{call}
except KeyboardInterrupt:
    print("interrupted", flush=True)
    raise
print("finished", flush=True)
"""


@pytest.mark.slow
@pytest.mark.no_asan(
    "the instrumented kernels are several times slower: the bound is for a release build"
)
@pytest.mark.parametrize(
    "call", ["mutual_info_matrix(X)", "select_features(X, y, 60, method='cmim')"]
)
def test_keyboard_interrupt_stops_a_long_selection(call):
    script = textwrap.dedent(LONG_SELECTION.format(rows=2_000_000, cols=120, call=call))
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "start"
        time.sleep(1.0)
        assert proc.poll() is None, "finished before the interrupt: make the work larger"
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        line = proc.stdout.readline().strip()  # printed by the handler, before the teardown
        latency = time.perf_counter() - sent
        proc.wait(timeout=60)
    finally:
        proc.kill()
    _, err = proc.communicate()
    assert line == "interrupted", err[-2000:]
    assert "KeyboardInterrupt" in err
    assert latency < 1.0, f"the interrupt took {latency:.2f} s"


def test_memory_request_beyond_the_machine_fails_before_allocating():
    available = memory.available_bytes()
    if available is None:
        pytest.skip("this platform does not tell the memory available")
    p = int((available / 8) ** 0.5) + 1_000  # a p x p float64 matrix larger than the memory
    X = np.zeros((2, p), dtype=np.int8)
    start = time.perf_counter()
    with pytest.raises(MemoryError, match=rf"{p} x {p} matrix needs .* available"):
        selection.mutual_info_matrix(X)
    assert time.perf_counter() - start < 60
    with pytest.raises(MemoryError, match="broadcasting to shape"):
        fastent.kl_divergence(np.ones((p, 1, 2)), np.ones((1, p, 2)))


def test_memory_check_names_the_request(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 1 << 20)  # 1 MiB left
    with pytest.raises(MemoryError, match=r"contingency table of shape \(600, 600\) needs 2.7 MiB"):
        discrete.contingency(np.arange(600), np.arange(600))
    with pytest.raises(MemoryError, match="the result needs"):
        fastent.entropy(np.ones((200_000, 2)))
    assert discrete.contingency([0, 1], [1, 0])[0].shape == (2, 2)


def test_small_requests_skip_the_memory_query(monkeypatch):
    # reading /proc/meminfo costs ~60 us: a call on a small array must not pay it
    def fail() -> None:
        raise AssertionError("available_bytes was called")

    monkeypatch.setattr(memory, "available_bytes", fail)
    assert fastent.entropy(np.ones((10, 4)), axis=1).shape == (10,)
    memory.check_fits(memory.CHECK_FROM_BYTES - 1, "a small request")
    with pytest.raises(AssertionError, match="available_bytes was called"):
        memory.check_fits(memory.CHECK_FROM_BYTES, "a request at the threshold")
