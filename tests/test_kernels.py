# SPDX-License-Identifier: BSD-3-Clause
"""The kernel machinery: polynomial log/exp accuracy at every SIMD level, the bitset popcount
tables at every level, the SIMD-level switch, the environment override, n_jobs resolution and
show_config."""

import math
import os
import subprocess
import sys

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_array_equal

import fastent
from fastent._core import config as _config
from fastent._core import threads
from fastent._kernels import counting, runtime


def ulp_error(got: np.ndarray, exact: np.ndarray) -> float:
    """Max error in units of the last place of the correctly rounded result."""
    return float(np.max(np.abs(got - exact) / np.spacing(np.abs(exact.astype(np.float64)))))


def libm(f, x: np.ndarray) -> np.ndarray:
    return np.array([f(v) for v in x.tolist()])


def test_log_within_one_ulp_of_libm(simd_level):
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [
            np.exp(rng.uniform(-708, 709, 100_000)),  # the whole normal range
            rng.uniform(0.5, 2.0, 100_000),  # around 1, where log is smallest
            1 + rng.uniform(-1e-6, 1e-6, 10_000),
            [np.finfo(float).tiny, np.finfo(float).max, 1.0, 2.0, 0.5, math.e, math.sqrt(0.5)],
        ]
    )
    got = runtime.log_map(x)
    expected = libm(math.log, x)
    nonzero = expected != 0
    assert ulp_error(got[nonzero], expected[nonzero]) <= 1.0
    assert got[x == 1.0][0] == 0.0


def test_exp_within_one_ulp_of_libm(simd_level):
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [
            rng.uniform(-708, 709, 100_000),
            rng.uniform(-1, 1, 100_000),
            [0.0, 1.0, -1.0, 709.0, -708.0],
        ]
    )
    got = runtime.exp_map(x)
    assert ulp_error(got, libm(math.exp, x)) <= 1.0
    assert runtime.exp_map(np.array([0.0]))[0] == 1.0


def ulp_error_f32(got: np.ndarray, exact: np.ndarray) -> float:
    """Max error of float32 results in float32 units of the last place (exact in float64)."""
    spacing = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    return float(np.max(np.abs(got.astype(np.float64) - exact) / spacing))


def test_float32_log1p_within_two_ulps_of_libm(simd_level):
    rng = np.random.default_rng(2)
    y = np.concatenate(
        [
            rng.uniform(0, 1, 100_000),
            np.exp(rng.uniform(-87, 0, 100_000)),  # tiny y: log1p(y) ~ y
            [0.0, 1.0, 0.5, np.finfo(np.float32).tiny, 1e-30, 2.0**-24, 2.0**-23],
        ]
    ).astype(np.float32)
    got = runtime.log1p_map_f32(y)
    exact = libm(math.log1p, y.astype(np.float64))
    nonzero = exact != 0
    assert ulp_error_f32(got[nonzero], exact[nonzero]) <= 2.0
    assert got[y == 0][0] == 0.0


def test_float32_exp_within_two_ulps_of_libm(simd_level):
    rng = np.random.default_rng(3)
    x = np.concatenate(
        [rng.uniform(-87, 88, 100_000), rng.uniform(-1, 1, 100_000), [0.0, 1.0, -87.0, 88.0]]
    ).astype(np.float32)
    got = runtime.exp_map_f32(x)
    assert ulp_error_f32(got, libm(math.exp, x.astype(np.float64))) <= 2.0
    assert runtime.exp_map_f32(np.zeros(1, np.float32))[0] == 1.0


def test_float32_table_log_within_its_bound(simd_level):
    """fe_logf8, the float32 log of the AVX2 levels' float32 entropy (x = 2^k m): log m within
    2.5 * 2^-24 |log m| of log x - k ln 2 (the kernels' error bound takes 2^-22) for every
    float32 m in [sqrt(2)/2, sqrt(2)) and x over the whole range, 0 at m = 1, finite for any
    bits."""
    if simd_level == "baseline":
        with pytest.raises(ValueError, match="AVX2"):
            runtime.logf8_map_f32(np.ones(1, np.float32))
        return
    every_m = np.arange(0x3F3504F3, 0x3FB504F3, dtype=np.uint32)
    rng = np.random.default_rng(4)
    normal = rng.integers(0x00800000, 0x7F800000, 1_000_000, dtype=np.uint32)
    for bits in (every_m, normal):
        x = bits.view(np.float32)
        k = ((bits - np.uint32(0x3F3504F3)).view(np.int32) >> 23).astype(np.float64)
        exact = np.log(x.astype(np.float64)) - k * math.log(2)
        got = runtime.logf8_map_f32(x).astype(np.float64)
        assert np.all(np.abs(got - exact) <= 2.5 * 2.0**-24 * np.abs(exact))
    assert runtime.logf8_map_f32(np.array([1.0, 0.0], np.float32)).tolist() == [0.0, 0.0]
    anything = rng.integers(0, 2**32, 100_003, dtype=np.uint32).view(np.float32)
    assert np.all(np.abs(runtime.logf8_map_f32(anything)) <= 0.35)


@pytest.mark.skipif(
    "avx512" not in _config.supported_simd_levels(), reason="the AVX-512 level needs AVX-512"
)
def test_sixteen_float32_lanes_give_the_eight_lanes_bits():
    """The AVX-512 level's float32 log (fe_logf16) and float32 entropy of columns take sixteen
    lanes where the AVX2 level takes eight, the same operations lane by lane: the same bits, for
    any input bits, tails of columns and odd rows."""
    rng = np.random.default_rng(16)
    anything = rng.integers(0, 2**32, 100_003, dtype=np.uint32).view(np.float32)
    p = rng.gamma(0.5, size=(301, 1037)).astype(np.float32)
    p[rng.random(p.shape) < 0.1] = 0.0
    got = {}
    previous = _config.simd_level()
    try:
        for level in ("avx2", "avx512"):
            _config.set_simd_level(level)
            got[level] = (
                runtime.logf8_map_f32(anything).view(np.uint32),
                fastent.entropy(p, axis=0),
                fastent.entropy(p[:, 5:1034], axis=0),
            )
    finally:
        _config.set_simd_level(previous)
    for eight, sixteen in zip(got["avx2"], got["avx512"], strict=True):
        assert_array_equal(sixteen, eight)


LOG8D_OFF = 0x3FE6555555555556  # fe_log8d's offset: m in [0.698, 1.396)


def ulps_of_log(got: np.ndarray, m: np.ndarray) -> float:
    """Max |got - log m| in units of the last place of log m (float64), against x87 long double
    logs, or against mpmath on a sample where long double is double (MSVC)."""
    if np.finfo(np.longdouble).nmant >= 63:
        exact = np.log(m.astype(np.longdouble))
        nonzero = exact != 0
        spacing = np.spacing(np.abs(exact[nonzero]).astype(np.float64))
        return float((np.abs(got - exact)[nonzero] / spacing).max())
    worst, every = 0.0, max(1, m.size // 20_000)
    for g, v in zip(got[::every], m[::every], strict=True):
        exact = mpmath.log(mpmath.mpf(float(v)))
        if exact != 0:
            spacing = np.spacing(abs(float(exact)))
            worst = max(worst, float(abs(mpmath.mpf(float(g)) - exact)) / spacing)
    return worst


def test_float64_table_log_within_its_bound(simd_level):
    """fe_log8d, the float64 log of the AVX-512 level's entropy (x = 2^k m): log m within 1.5 ulp
    of the exact value (1.25 measured) for m swept over [0.698, 1.396) -- every one of the
    sixteen bins, their edges, and around 1 -- and x over the whole normal range; exact 0 at m = 1
    and for zero; finite and below 0.36 in size (log 0.698) for any bits."""
    if simd_level != "avx512":
        with pytest.raises(ValueError, match="AVX-512"):
            runtime.log8d_map_f64(np.ones(1))
        return
    rng = np.random.default_rng(5)
    lo, hi = np.array([LOG8D_OFF, LOG8D_OFF + 2**52], dtype=np.uint64).view(np.float64)
    edges = (np.uint64(LOG8D_OFF) + (np.arange(17, dtype=np.uint64) << np.uint64(48)))[:, None]
    near_edges = (edges + np.arange(-3, 4, dtype=np.int64).astype(np.uint64)).view(np.float64)
    m = np.concatenate(
        [
            rng.uniform(lo, hi, 2_000_000),
            1.0 + rng.uniform(-1e-3, 1e-3, 100_000),
            near_edges.ravel(),
            np.nextafter(1.0, [0.0, 2.0]),
        ]
    )
    m = m[(m >= lo) & (m < hi)]
    normal = rng.integers(0x0010000000000000, 0x7FF0000000000000, 1_000_000, dtype=np.uint64)
    for x in (m, normal.view(np.float64)):
        k = (x.view(np.uint64) - np.uint64(LOG8D_OFF)).view(np.int64) >> 52
        assert ulps_of_log(runtime.log8d_map_f64(x), np.ldexp(x, -k)) <= 1.5
    assert runtime.log8d_map_f64(np.array([1.0, 0.0])).tolist() == [0.0, 0.0]
    anything = rng.integers(0, 2**64, 100_003, dtype=np.uint64).view(np.float64)
    assert np.all(np.abs(runtime.log8d_map_f64(anything)) <= 0.36)


@pytest.mark.parametrize("words", [1, 3, 4, 5, 124, 125, 128, 256, 257, 300, 1000])
def test_bit_tables_are_popcounts_of_anded_rows(simd_level, words):
    """Every cell (v, t) of every column is popcount(bits[first[j] + v] & target[t]) summed over
    the words: word counts around the vector width (4), the byte-sum flush (31 vectors) and the
    L1 chunk (256 words); target level counts 1 to 6 (blocks of 4 and their remainders)."""
    rng = np.random.default_rng(words)
    bits = rng.integers(0, 2**64, (12, words), dtype=np.uint64, endpoint=False)
    bits[0] = np.uint64(2**64 - 1)  # all ones: byte counts at their largest
    first = np.array([0, 3, 3, 10], dtype=np.intp)
    size = np.array([3, 7, 0, 2], dtype=np.int64)
    for kt in range(1, 7):
        target = rng.integers(0, 2**64, (kt, words), dtype=np.uint64, endpoint=False)
        target[0] = np.uint64(2**64 - 1)
        for n_threads in (1, 2):
            tables, positions, step = counting.bit_tables(bits, first, size, target, n_threads)
            assert step == size.sum()
            assert_array_equal(positions, [0, 3, 10, 10])
            for j in range(first.size):
                for v in range(size[j]):
                    for t in range(kt):
                        expected = np.bitwise_count(bits[first[j] + v] & target[t]).sum()
                        assert tables[t * step + positions[j] + v] == expected


EXTREMES = [np.iinfo(np.int64).min, np.iinfo(np.int64).max, -1, 2**62, -(2**62)]


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int32, np.uint32, np.int64])
def test_counts_report_the_first_value_out_of_range(simd_level, dtype):
    """The range check of the counting kernels (sign bits of x - offset and last - x) flags
    every value outside [offset, offset + size), the type's extremes included (their
    differences wrap around in 64 bits), and never one inside: the status is the first such
    sample, by NumPy, for joint counts and for the column tables in every layout."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(int(info.bits))
    n = 5000
    x = rng.integers(max(int(info.min), -3), 20, (n, 3)).astype(dtype)
    y = rng.integers(0, 2, n).astype(np.int32)
    low, high = x.min(axis=0).astype(np.int64), x.max(axis=0).astype(np.int64)
    offsets = [int(low[0]), int(low[1]) + 1, int(low[2])]  # column 1 leaves out its smallest
    sizes = [int(high[j]) - offsets[j] + 1 for j in range(3)]
    extremes = [v for v in EXTREMES if info.min <= v <= info.max] + [int(info.min), int(info.max)]
    for value, row in zip(extremes, (4321, 17, 2048, 4999, 3000, 1234, 77), strict=False):
        x[row, 2] = value
    values = x.astype(object)  # exact comparisons for every type
    inside = (values >= np.array(offsets)) & (values < np.array(offsets) + np.array(sizes))
    first_bad = [int(np.argmin(inside[:, j])) if not inside[:, j].all() else -1 for j in range(3)]

    _, status = counting.count([x[:, 0].copy(), x[:, 2].copy()], offsets[::2], sizes[::2], 1)
    assert status == first_bad[2]

    wide = np.zeros((n, 5), dtype=dtype)
    wide[:, ::2] = x
    layouts = {  # (sources, source, start, stride) per column
        "C rows, adjacent": ([np.ascontiguousarray(x)], [0] * 3, [0, 1, 2], [3] * 3),
        "C rows, apart": ([wide], [0] * 3, [0, 2, 4], [5] * 3),
        "F columns": ([np.ascontiguousarray(x.T)], [0] * 3, [0, n, 2 * n], [1] * 3),
        "separate arrays": ([x[:, j].copy() for j in range(3)], [0, 1, 2], [0] * 3, [1] * 3),
    }
    for name, (sources, source, start, stride) in layouts.items():
        for n_threads in (1, 2):
            _, _, _, got = counting.count_columns(
                sources, source, start, stride, offsets, sizes, y, 2, n_threads
            )
            assert_array_equal(got, first_bad, err_msg=name)


def test_count_columns_rejects_a_source_of_another_kind():
    """A column whose source is not of an integer kind the kernels count (float64, uint64): a
    TypeError naming the dtype, not a count of its bytes as integers."""
    y = np.zeros(4, dtype=np.int32)
    codes = np.zeros(4, dtype=np.int64)
    for bad in (np.zeros(4), np.zeros(4, dtype=np.uint64)):
        with pytest.raises(TypeError, match=str(bad.dtype)):
            counting.count_columns([codes, bad], [0, 1], [0, 0], [1, 1], [0, 0], [1, 1], y, 1, 1)


SMALL_DTYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64]


@pytest.mark.parametrize("dtype", SMALL_DTYPES)
def test_small_tables_count_as_bincount(simd_level, dtype):
    """Columns of few levels against a target of few (S T <= 80 cells a column: counted by
    comparison of byte cells, 32 a vector) give NumPy's counts in every layout: C rows with and
    without a column map (45 columns: a vector of 32 and one of the last 32, over 19 columns of
    the first), F columns and separate arrays (rows in blocks of 32 and a rest), ranges at the
    kind's extremes, levels 1 to 26 per column.  Values just outside a column's range (one above
    its last, one below its offset) are skipped and reported at their first row, in the first and
    a later call of ~1,200 rows and in the last, short one (counted by increments); column 44's
    (in the last vector) in a block of 255 rows of its own."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(info.bits + int(info.min < 0))
    n, p, n_target = 5003, 45, 3
    sizes = rng.integers(1, 27, p)
    sizes[:3] = (26, 1, 26)
    offsets = rng.integers(int(info.min), int(min(info.max, 2**40)) - sizes + 2)
    offsets[0], offsets[2] = int(info.min), int(min(info.max, 2**40)) - 25  # the extremes
    x = (offsets + (rng.random((n, p)) * sizes).astype(np.int64)).astype(dtype)
    y = rng.integers(0, n_target, n).astype(np.int32)
    bad = {5: (17, 1), 7: (4000, -1), 9: (4500, 1), 11: (4990, -1), 44: (600, 1)}  # (row, side)
    for j, (row, side) in bad.items():
        x[row, j] = offsets[j] + sizes[j] if side > 0 else offsets[j] - 1
    wide = np.zeros((n, p + 2), dtype=dtype)
    wide[:, 2:] = x
    layouts = {  # (sources, source, start, stride) per column
        "C rows, adjacent": ([np.ascontiguousarray(x)], [0] * p, list(range(p)), [p] * p),
        "C rows, apart": ([wide], [0] * p, list(range(2, p + 2)), [p + 2] * p),
        "F columns": ([np.ascontiguousarray(x.T)], [0] * p, [j * n for j in range(p)], [1] * p),
        "separate arrays": ([x[:, j].copy() for j in range(p)], list(range(p)), [0] * p, [1] * p),
    }
    for name, (sources, source, start, stride) in layouts.items():
        for n_threads in (1, 2):
            tables, positions, step, status = counting.count_columns(
                sources, source, start, stride, offsets, sizes, y, n_target, n_threads
            )
            for j in range(p):
                code = x[:, j].astype(np.int64) - offsets[j]
                keep = (code >= 0) & (code < sizes[j])
                expected = np.bincount(
                    y[keep] * sizes[j] + code[keep], minlength=n_target * sizes[j]
                )
                got = [
                    tables[t * step + positions[j] : t * step + positions[j] + sizes[j]]
                    for t in range(n_target)
                ]
                assert_array_equal(np.concatenate(got), expected, err_msg=f"{name}, column {j}")
                assert status[j] == bad.get(j, (-1,))[0], f"{name}, column {j}"


@pytest.mark.parametrize("dtype", SMALL_DTYPES)
def test_column_ranges_match_numpy(simd_level, dtype):
    """Each column's minimum and maximum, as NumPy's, for rows in C and F order, every k-th row
    (the range sample), reversed rows and columns, a single row, 1 and 2 threads (2^16 elements
    or more are split between them), the kind's extremes in the last row and a middle one, and
    in each of the first and last ten rows (every place in C order's blocks of eight rows)."""
    info = np.iinfo(dtype)
    rng = np.random.default_rng(int(info.bits) + int(info.min < 0))
    x = rng.integers(int(info.min) // 2, int(info.max) // 2, (2001, 70), endpoint=True).astype(
        dtype
    )
    x[-1, 3], x[1000, 4], x[-1, 69] = info.min, info.max, info.max
    for r in range(10):  # each place in a block of eight rows, and the rows after the blocks
        x[r, 10 + r], x[r, 30 + r], x[-1 - r, 50 + r] = info.min, info.max, info.min
    f = np.asfortranarray(x)
    views = {
        "C": x,
        "F": f,
        "C, every 3rd row": x[::3],
        "F, every 5th row": f[::5],
        "reversed": x[::-2, ::-1],
        "one row": x[-1:],
    }
    for name, view in views.items():
        for n_threads in (1, 2):
            lo, hi = counting.column_ranges(view, n_threads)
            assert_array_equal(lo, view.min(axis=0), err_msg=name)
            assert_array_equal(hi, view.max(axis=0), err_msg=name)
    with pytest.raises(ValueError, match="no rows"):
        counting.column_ranges(x[:0], 1)


def _merged_by_scanning(counts, n_bins):
    """The first value of each bin, merging the adjacent pair of bins with the smallest total
    (the leftmost of equal ones) until n_bins remain, found by scanning every pair each time."""
    bins = [[i] for i in range(len(counts))]
    totals = [int(c) for c in counts]
    while len(bins) > n_bins:
        pairs = [totals[k] + totals[k + 1] for k in range(len(bins) - 1)]
        k = pairs.index(min(pairs))
        bins[k : k + 2] = [bins[k] + bins[k + 1]]
        totals[k : k + 2] = [pairs[k]]
    return [b[0] for b in bins]


def test_merge_bins_matches_scanning():
    """``merge_bins`` (a heap of candidate pairs, stale ones skipped) merges the bins a scan of
    every pair does, ties to the leftmost: counts of one value, equal counts, a heavy value,
    random counts of 1 to 300 values, down to 1 to 40 bins (and more bins than values); no
    values or no bins refused."""
    rng = np.random.default_rng(18)
    cases = [np.ones(1), np.ones(7), np.full(50, 3), np.r_[np.ones(20), 500, np.ones(20)]]
    cases += [rng.integers(1, rng.integers(2, 100), rng.integers(1, 300)) for _ in range(200)]
    for counts in cases:
        counts = np.asarray(counts, dtype=np.int64)
        for n_bins in (1, 2, 3, 16, 40, counts.size + 1):
            got = counting.merge_bins(counts, n_bins)
            assert got.tolist() == _merged_by_scanning(counts, n_bins), (counts, n_bins)
    with pytest.raises(ValueError, match="no values"):
        counting.merge_bins(np.ones(0, dtype=np.int64), 2)
    with pytest.raises(ValueError, match="no bins"):
        counting.merge_bins(np.ones(3, dtype=np.int64), 0)


@pytest.mark.parametrize("max_cuts", [1, 16, 17, 300])
def test_bin_columns_match_searchsorted(simd_level, max_cuts):
    """Each value's bin, the number of its column's cuts at or below it, as
    ``np.searchsorted(cuts, x, side="right")``: up to 16 cuts compared with every value, more by
    binary search (columns of 0 to ``max_cuts`` cuts, some repeated, values on the cuts, below and
    above them); rows in C and F order, strided, reversed; uint8 and uint16 codes; 1 and 2
    threads; more rows than a block (1,024) and columns than a task's group (256); bad arguments
    refused."""
    rng = np.random.default_rng(max_cuts)
    n, p = 2100, 300
    cuts = np.full((p, max_cuts), np.inf)
    n_cuts = rng.integers(0, max_cuts, p, endpoint=True).astype(np.intp)
    n_cuts[:3] = 0, 1, max_cuts
    x = rng.normal(size=(n, p))
    for j in range(p):
        c = np.sort(rng.choice(np.round(rng.normal(size=n_cuts[j]), 1), n_cuts[j]))
        cuts[j, : n_cuts[j]] = c
        if c.size:  # values on every cut, and past both ends
            x[: c.size, j] = c
            x[-2:, j] = c[0] - 1, c[-1] + 1
    views = {"C": x, "F": np.asfortranarray(x), "strided": x[::3, ::2], "reversed": x[::-1, ::-1]}
    for name, view in views.items():
        columns = np.arange(p)[: view.shape[1]] if name != "strided" else np.arange(0, p, 2)
        if name == "reversed":
            columns = columns[::-1]
        expected = np.column_stack(
            [
                np.searchsorted(cuts[j, : n_cuts[j]], view[:, i], side="right")
                for i, j in enumerate(columns)
            ]
        )
        sub_cuts, sub_n = np.ascontiguousarray(cuts[columns]), n_cuts[columns]
        for dtype in (np.uint8, np.uint16) if max_cuts < 256 else (np.uint16,):
            for n_threads in (1, 2):
                out = np.full(view.shape, 99, dtype=dtype, order="F")
                counting.bin_columns(view, sub_cuts, sub_n, out, n_threads)
                assert_array_equal(out, expected, err_msg=f"{name}, {dtype}, {n_threads}")
    out = np.empty((n, p), dtype=np.uint8, order="F")
    for bad in (
        (x.astype(np.float32), cuts, n_cuts, out),
        (x, cuts[:-1], n_cuts, out),
        (x, cuts, n_cuts + max_cuts, out),
        (x, cuts, n_cuts, np.empty((n, p), dtype=np.uint8)),
        (x, cuts, n_cuts, np.empty((n, p), dtype=np.int32, order="F")),
    ):
        with pytest.raises(ValueError, match="bad arguments"):
            counting.bin_columns(*bad, 1)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("offsets_alike", [True, False])
def test_small_tables_of_c_rows_by_offset(simd_level, dtype, offsets_alike):
    """C rows of 40 columns counted by comparison give NumPy's counts whether every column has
    the same offset (one offset broadcast to the lanes) or not (the offsets loaded a lane): in the
    second case each column's values lie in the low part of its range, where cells taken from
    another column's offset would pass the range check unnoticed."""
    rng = np.random.default_rng(40)
    n, p, n_target = 3001, 40, 2
    offsets = np.full(p, -3) if offsets_alike else np.arange(p) % 3 - 3
    sizes = np.full(p, 6)
    x = (offsets + rng.integers(0, 4, (n, p))).astype(dtype)
    y = rng.integers(0, n_target, n).astype(np.int32)
    tables, positions, step, status = counting.count_columns(
        [x], [0] * p, list(range(p)), [p] * p, offsets.tolist(), sizes.tolist(), y, n_target, 1
    )
    assert_array_equal(status, -1)
    for j in range(p):
        expected = np.bincount(y * 6 + (x[:, j] - offsets[j]), minlength=n_target * 6)
        got = [
            tables[t * step + positions[j] : t * step + positions[j] + 6] for t in range(n_target)
        ]
        assert_array_equal(np.concatenate(got), expected, err_msg=f"column {j}")


@pytest.mark.parametrize("n_threads", [1, 2])
@pytest.mark.parametrize("n", [70, 300])
def test_small_tables_of_short_wide_rows(simd_level, n, n_threads):
    """A short, wide C matrix (two groups of columns, 2,048 and 52), 300 rows counted by
    comparison (fewer than a call of contiguous columns needs for it), 70 by increments, by one
    thread or by two taking a group each: NumPy's counts, and the first row of each column
    holding a value just outside its range (above in one column, below in another, either in the
    last vector of a row)."""
    rng = np.random.default_rng(41)
    p, n_target = 2_100, 3
    x = rng.integers(0, 5, (n, p))
    x[n - 5, 7], x[n // 2, 2_099], x[n - 1, 2_099] = 5, -1, 5
    y = rng.integers(0, n_target, n).astype(np.int32)
    tables, positions, step, status = counting.count_columns(
        [x], [0] * p, list(range(p)), [p] * p, [0] * p, [5] * p, y, n_target, n_threads
    )
    expected_status = np.full(p, -1)
    expected_status[7], expected_status[2_099] = n - 5, n // 2
    assert_array_equal(status, expected_status)
    for j in range(p):
        if status[j] < 0:
            expected = np.bincount(y * 5 + x[:, j], minlength=n_target * 5)
            got = [tables[t * step + positions[j] :][:5] for t in range(n_target)]
            assert_array_equal(np.concatenate(got), expected, err_msg=f"column {j}")


@pytest.mark.parametrize("dtype", [np.int8, np.int64])
def test_small_tables_of_long_contiguous_columns(simd_level, dtype):
    """Contiguous columns counted by comparison a block of rows at a time: a call longer than one
    block whose last block ends mid-vector (107,309 rows, 1 thread: calls of 16,384 rows, the
    last of 9,005) counts no cell of the block before it twice."""
    rng = np.random.default_rng(7)
    n, p = 16_384 * 6 + 9_005, 3
    x = rng.integers(0, 9, (p, n)).astype(dtype)
    y = rng.integers(0, 2, n).astype(np.int32)
    tables, positions, step, status = counting.count_columns(
        [x], [0] * p, [j * n for j in range(p)], [1] * p, [0] * p, [9] * p, y, 2, 1
    )
    for j in range(p):
        expected = np.bincount(y * 9 + x[j], minlength=18)
        got = [tables[t * step + positions[j] : t * step + positions[j] + 9] for t in range(2)]
        assert_array_equal(np.concatenate(got), expected)
    assert (status == -1).all()


JOINT_DTYPES = [("int64",) * k for k in (1, 2, 3, 4)] + [
    ("int64", "int32"),
    ("int8", "uint8", "int16"),
    ("uint16", "int64", "int8"),
    ("uint32", "int16"),
]


@pytest.mark.parametrize("n", [1, 7, 8, 13, 2047, 2049, 5003])
@pytest.mark.parametrize("dtypes", JOINT_DTYPES, ids="-".join)
def test_joint_counts_are_bincounts_of_the_cells(simd_level, dtypes, n):
    """Joint counts equal NumPy's bincount of the row-major cells for one to four variables of
    every integer kind, with offsets anywhere in the kind's range, for lengths with and without a
    partial block of 8 (AVX2 indexes 8 samples a vector, up to three int64 variables in one pass
    in a shuffled order), and the first value out of range is reported wherever it lies, also
    when a variable's range lies outside its kind's."""
    rng = np.random.default_rng(n + len(dtypes))
    sizes = [int(rng.integers(1, 30)) for _ in dtypes]
    offsets = []
    for d, s in zip(dtypes, sizes, strict=True):
        info = np.iinfo(d)
        offsets.append(int(rng.integers(max(info.min, -(2**40)), min(info.max, 2**40) - s + 2)))
    arrays = [
        rng.integers(o, o + s, n).astype(d) for o, s, d in zip(offsets, sizes, dtypes, strict=True)
    ]
    cell = np.zeros(n, dtype=np.int64)
    for a, o, s in zip(arrays, offsets, sizes, strict=True):
        cell = cell * s + (a.astype(np.int64) - o)
    table, status = counting.count(arrays, offsets, sizes, 1)
    assert_array_equal(table, np.bincount(cell, minlength=int(np.prod(sizes))))
    assert status < 0
    for row in sorted({0, n // 2, n - 1}):
        for j in (0, len(dtypes) - 1):
            info = np.iinfo(dtypes[j])
            for value in (offsets[j] - 1, offsets[j] + sizes[j], info.min, info.max):
                if offsets[j] <= value < offsets[j] + sizes[j] or not info.min <= value <= info.max:
                    continue
                bad = [a.copy() for a in arrays]
                bad[j][row] = value
                bad[j][row + 1 :] = info.min if info.min < offsets[j] else info.max  # later ones
                assert counting.count(bad, offsets, sizes, 1)[1] == row
    for far in (2**31, -(2**31) - 40, 2**40):  # beyond int32, where narrower kinds are checked
        assert counting.count(arrays, [far, *offsets[1:]], sizes, 1)[1] == 0


def test_simd_levels_can_be_forced_and_restored():
    levels = _config.supported_simd_levels()
    assert levels[0] == "baseline"
    start = _config.simd_level()
    p = np.random.default_rng(2).random((50, 999))
    results = []
    for level in levels:
        _config.set_simd_level(level)
        assert _config.simd_level() == level
        results.append(fastent.entropy(p))
    _config.set_simd_level(start)
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], rtol=1e-14)
    with pytest.raises(ValueError, match="unknown SIMD level"):
        _config.set_simd_level("sse9")
    if "avx512" not in levels:
        with pytest.raises(ValueError, match="cannot run SIMD level"):
            _config.set_simd_level("avx512")


def _level_in_subprocess(value: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, FASTENT_SIMD=value)
    code = "import fastent._core.config as c; print(c.simd_level())"
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.mark.parametrize("level", ["baseline", "avx2", "avx512"])
def test_environment_override(level):
    run = _level_in_subprocess(level)
    best = _config.supported_simd_levels()[-1]
    if level in _config.supported_simd_levels():
        assert run.stdout.strip() == level
    else:
        assert run.stdout.strip() == best
        assert "not supported by this CPU" in run.stderr


def test_environment_override_rejects_unknown_level():
    run = _level_in_subprocess("turbo")
    assert run.stdout.strip() == _config.supported_simd_levels()[-1]
    assert "is not one of" in run.stderr


def test_effective_n_threads():
    big = threads.PARALLEL_MIN_WORK
    cores = threads.usable_cores()
    max_threads = min(runtime.max_threads(), cores)
    assert threads.effective_n_threads(None, big) == max_threads
    assert threads.effective_n_threads(-1, big) == max_threads
    assert threads.effective_n_threads(-2, big) == max(max_threads - 1, 1)
    assert threads.effective_n_threads(-1000, big) == 1
    assert threads.effective_n_threads(-(2**70), big) == 1
    assert threads.effective_n_threads(1, big) == 1
    assert threads.effective_n_threads(3, big) == min(3, cores)  # never more than the cores
    assert threads.effective_n_threads(3, big - 1) == 1  # small work stays serial
    with pytest.raises(ValueError, match="n_jobs = 0 is invalid"):
        threads.effective_n_threads(0)
    with pytest.raises(TypeError, match="n_jobs must be an integer"):
        threads.effective_n_threads(True)


def test_show_config(capsys):
    fastent.show_config()
    out = capsys.readouterr().out
    for key in ("fastent", "openmp", "threads", "simd_level", "compiler"):
        assert f"{key}: " in out
    info = _config.config()
    assert info["fastent"] == fastent.__version__
    assert info["simd_level"] in _config.LEVELS
    assert isinstance(info["openmp"], bool)


def test_import_is_light():
    """``import fastent`` pulls in no optional or heavy dependency (they are imported lazily)."""
    code = (
        "import sys, fastent; heavy = ('pandas', 'scipy', 'sklearn', 'dask', 'distributed', "
        "'torch', 'polars');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_usable_cores():
    cores = threads.usable_cores()
    assert 1 <= cores <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        assert cores == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("n_jobs", [10**6, 2**31 - 1, 2**31, 2**40, 2**70])
def test_huge_n_jobs_is_clamped_to_the_cores(n_jobs):
    """A huge n_jobs once reached OpenMP as is: libgomp ran out of memory or crashed."""
    assert threads.effective_n_threads(n_jobs) == threads.usable_cores()
    x = np.zeros((2000, 100))
    assert_allclose_calls = [
        (fastent.logsumexp, (x,)),
        (fastent.softmax, (x,)),
        (fastent.sigmoid, (x,)),
        (fastent.entropy, (x + 1,)),
        (fastent.sparse_softmax_cross_entropy_with_logits, (np.zeros(2000, int), x)),
        (fastent.discrete.mutual_info, (np.arange(100_000) % 7, np.arange(100_000) % 3)),
        (
            fastent.selection.mutual_info_scores,
            (np.arange(200_000).reshape(-1, 2) % 5, np.arange(100_000) % 3),
        ),
    ]
    for f, args in assert_allclose_calls:
        np.testing.assert_allclose(f(*args, n_jobs=n_jobs), f(*args, n_jobs=1), rtol=1e-13)
