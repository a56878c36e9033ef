# SPDX-License-Identifier: BSD-3-Clause
"""Hypothesis properties of the probability-array measures."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import fastent
from fastent import reference
from fastent.reference import selection as ref_selection

from .strategies import distributions, pairs

TOL = {"rel": 1e-10, "abs": 1e-12}


@settings(deadline=None)
@given(distributions())
def test_entropy_bounds(p):
    h = fastent.entropy(p)
    assert 0.0 <= h <= math.log(np.count_nonzero(p)) + 1e-12
    assert h == pytest.approx(reference.entropy(p), **TOL)


@settings(deadline=None)
@given(distributions(), st.randoms(use_true_random=False))
def test_entropy_permutation_invariant(p, rnd):
    perm = list(range(len(p)))
    rnd.shuffle(perm)
    assert fastent.entropy(p[perm]) == pytest.approx(fastent.entropy(p), **TOL)


@settings(deadline=None)
@given(distributions(), st.floats(1e-3, 1e3))
def test_entropy_scale_invariant(p, c):
    assert fastent.entropy(p * c) == pytest.approx(fastent.entropy(p), **TOL)


@settings(deadline=None)
@given(pairs(positive_q=True))
def test_cross_entropy_is_entropy_plus_kl(pq):
    p, q = pq
    h, kl, ce = fastent.entropy(p), fastent.kl_divergence(p, q), fastent.cross_entropy(p, q)
    assert ce == pytest.approx(h + kl, rel=1e-10, abs=1e-10)
    assert kl >= -1e-12  # Gibbs' inequality, up to rounding
    assert ce >= h - 1e-10


@settings(deadline=None)
@given(pairs())
def test_js_bounds_and_symmetry(pq):
    p, q = pq
    js = fastent.js_divergence(p, q)
    assert 0.0 <= js <= math.log(2) * (1 + 1e-14)
    assert js == pytest.approx(fastent.js_divergence(q, p), **TOL)
    assert js == pytest.approx(reference.js_divergence(p, q), **TOL)
    assert fastent.js_distance(p, q) == pytest.approx(math.sqrt(js), **TOL)


@settings(deadline=None)
@given(pairs(positive_q=True))
def test_kl_matches_reference(pq):
    p, q = pq
    assert fastent.kl_divergence(p, q) == pytest.approx(
        reference.kl_divergence(p, q), rel=1e-10, abs=1e-12
    )


@settings(deadline=None)
@given(st.lists(distributions(5, 5), min_size=1, max_size=6), st.sampled_from([None, 2, 10]))
def test_batched_rows_match_single_rows(rows, base):
    batch = np.stack(rows)
    expected = [fastent.entropy(r, base=base) for r in rows]
    assert_allclose(fastent.entropy(batch, base=base), expected, rtol=1e-14)
    assert_allclose(fastent.entropy(batch.T, axis=0, base=base), expected, rtol=1e-14)


@settings(deadline=None)
@given(st.floats(0, 1))
def test_binary_entropy_symmetric_and_bounded(x):
    h = fastent.binary_entropy(x)
    assert 0.0 <= h <= math.log(2) + 1e-15
    if x >= 0.5:  # 1 - x is exact here
        assert h == pytest.approx(fastent.binary_entropy(1 - x), rel=1e-14, abs=1e-300)
    assert h == pytest.approx(
        fastent.entropy([x, 1 - x]) if 0 < x < 1 else 0.0, rel=1e-9, abs=1e-15
    )


@st.composite
def columns_to_bin(draw):
    """Columns of the kinds binning tells apart: many distinct values, a few levels, ties with
    a heavy value, values near the float range's ends, subnormals, rounded values."""
    n = draw(st.integers(1, 400))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kinds = draw(st.lists(st.sampled_from(range(7)), min_size=1, max_size=6))
    columns = []
    for kind in kinds:
        if kind == 0:
            c = rng.normal(size=n)
        elif kind == 1:
            c = rng.integers(0, draw(st.integers(1, 60)), n).astype(float)
        elif kind == 2:
            c = np.where(rng.random(n) < draw(st.floats(0, 1)), 2.5, rng.normal(size=n))
        elif kind == 3:
            c = rng.uniform(-1.7, 1.7, n) * 1e308
        elif kind == 4:
            c = rng.integers(0, 50, n) * 5e-324
        elif kind == 5:
            c = np.round(rng.normal(size=n), draw(st.integers(0, 3)))
        else:
            c = np.full(n, rng.normal())
        columns.append(c)
    return np.column_stack(columns)


@settings(max_examples=80, deadline=None)
@given(columns_to_bin(), st.integers(2, 40), st.sampled_from(["quantile", "uniform"]))
def test_discretize_matches_reference(X, n_bins, strategy):
    """Every column's codes and edges, binned together (one sort, one rule for the columns of
    distinct values, one kernel pass), are the reference's, which bins each column alone."""
    codes, edges = fastent.selection.discretize(X, n_bins=n_bins, strategy=strategy)
    ref_codes, ref_edges = ref_selection.discretize(X, n_bins=n_bins, strategy=strategy)
    np.testing.assert_array_equal(codes, ref_codes)
    assert codes.dtype == ref_codes.dtype
    for e, r in zip(edges, ref_edges, strict=True):
        np.testing.assert_array_equal(e, r)
