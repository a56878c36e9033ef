# SPDX-License-Identifier: BSD-3-Clause
"""Hypothesis strategies: unnormalised probability vectors (with exact zeros) and pairs of them."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

weights = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-12, max_value=1e6, allow_nan=False, allow_infinity=False),
)


@st.composite
def distributions(draw, min_size=1, max_size=64, dtype=np.float64):
    """A 1-D array of non-negative weights with a positive sum."""
    n = draw(st.integers(min_size, max_size))
    p = draw(hnp.arrays(dtype, n, elements=weights))
    if not p.sum() > 0:
        p[draw(st.integers(0, n - 1))] = 1.0
    return p


@st.composite
def pairs(draw, min_size=1, max_size=64, positive_q=False):
    """Two distributions of the same length; q strictly positive when asked."""
    p = draw(distributions(min_size, max_size))
    q = draw(distributions(len(p), len(p)))
    if positive_q:
        q = q + draw(st.floats(1e-6, 1.0))
    return p, q
