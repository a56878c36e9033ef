# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.discrete`` (private): counting label codes, and information from counts.

Contract (``fastent/discrete.py`` guarantees it before any call):

* Label arrays are 1-D, C-contiguous, non-empty, of an integer kind (``KINDS``: int8..int64,
  uint8..uint32; bool is passed as uint8) and every value lies in ``[offset, offset + size)``.
* Count tables are int64; ``n_cells`` < 2**32 for dense counting, < 2**63 for 64-bit keys.
* ``n_threads`` >= 1; 1 = serial.  The GIL is released in every loop.
"""
import numpy as np
from libc.math cimport exp, fabs, lgamma, log
from libc.stdint cimport int64_t, uint32_t, uint64_t

cdef extern from "counting.h" nogil:
    ctypedef struct fe_var:
        const void *data
        int kind
        int64_t offset
        int64_t size
    ctypedef struct fe_counting_kernels:
        pass
    const fe_counting_kernels fe_counting_table[3]
    void fe_minmax(const fe_counting_kernels *k, const void *data, int kind, Py_ssize_t n,
                   int n_threads, int64_t *min, int64_t *max)
    Py_ssize_t fe_count_work_size(Py_ssize_t n_cells, int n_threads)
    int fe_count(const fe_counting_kernels *k, const fe_var *vars, int n_vars, Py_ssize_t n,
                 int n_threads, int64_t *table, Py_ssize_t n_cells, int64_t *work)
    void fe_keys(const fe_counting_kernels *k, const fe_var *vars, int n_vars, Py_ssize_t n,
                 int n_threads, uint64_t *keys)
    double fe_entropy_counts(const int64_t *c, Py_ssize_t m, Py_ssize_t stride, double n_bins,
                             int estimator)

#: dtype -> kind code of counting.h
KINDS = {
    np.dtype(np.int8): 0, np.dtype(np.uint8): 1, np.dtype(np.int16): 2, np.dtype(np.uint16): 3,
    np.dtype(np.int32): 4, np.dtype(np.uint32): 5, np.dtype(np.int64): 6,
}
cdef enum:
    _MAX_VARIABLES = 8
#: Most variables one joint count takes.
MAX_VARIABLES = _MAX_VARIABLES

#: Entropy estimators (index = code of ``entropy_counts``).
ESTIMATORS = ("plugin", "miller_madow", "shrinkage", "chao_shen")

cdef const fe_counting_kernels *_kernels = &fe_counting_table[0]


def set_simd_level(int level):
    """Use the counting loops compiled for ``level`` (0 baseline, 1 AVX2, 2 AVX-512)."""
    global _kernels
    _kernels = &fe_counting_table[level]


cdef const void *_data(arr) except NULL:
    cdef const unsigned char[::1] raw = arr.view(np.uint8)
    return &raw[0]


def minmax(arr, int n_threads):
    """(min, max) of a non-empty label array as Python ints."""
    cdef int64_t lo = 0, hi = 0
    cdef const void *data = _data(arr)
    cdef int kind = KINDS[arr.dtype]
    cdef Py_ssize_t n = arr.shape[0]
    with nogil:
        fe_minmax(_kernels, data, kind, n, n_threads, &lo, &hi)
    return lo, hi


cdef int _pack(list arrays, list offsets, list sizes, fe_var *vars) except -1:
    cdef Py_ssize_t j
    for j in range(len(arrays)):
        vars[j].data = _data(arrays[j])
        vars[j].kind = KINDS[arrays[j].dtype]
        vars[j].offset = offsets[j]
        vars[j].size = sizes[j]
    return 0


def count(list arrays, list offsets, list sizes, int n_threads):
    """Joint counts of the variables as a flat row-major int64 table of prod(sizes) cells, or
    None if some value lies outside its variable's ``[offset, offset + size)``."""
    cdef fe_var vars[_MAX_VARIABLES]
    cdef Py_ssize_t n = arrays[0].shape[0], n_cells = 1
    cdef int n_vars = len(arrays), bad
    for s in sizes:
        n_cells *= s
    _pack(arrays, offsets, sizes, vars)
    table = np.zeros(n_cells, dtype=np.int64)
    work = np.empty(max(fe_count_work_size(n_cells, n_threads), 1), dtype=np.int64)
    cdef int64_t[::1] t = table, w = work
    with nogil:
        bad = fe_count(_kernels, vars, n_vars, n, n_threads, &t[0], n_cells, &w[0])
    return None if bad else table


def keys(list arrays, list offsets, list sizes, int n_threads):
    """The joint cell of every sample as uint64 (row-major over the codes)."""
    cdef fe_var vars[_MAX_VARIABLES]
    cdef Py_ssize_t n = arrays[0].shape[0]
    cdef int n_vars = len(arrays)
    _pack(arrays, offsets, sizes, vars)
    out = np.empty(n, dtype=np.uint64)
    cdef uint64_t[::1] k = out
    with nogil:
        fe_keys(_kernels, vars, n_vars, n, n_threads, &k[0])
    return out


def entropy_counts(const int64_t[::1] counts, double n_bins, int estimator):
    """Entropy in nats of a histogram's ``counts`` (zeros skipped) over an alphabet of ``n_bins``,
    by ``ESTIMATORS[estimator]`` (``fe_entropy_counts`` in counting.h)."""
    cdef double h
    with nogil:
        h = fe_entropy_counts(&counts[0], counts.shape[0], 1, n_bins, estimator)
    return h


def sum_c_log_ratio(const int64_t[::1] c, const double[:] u, const double[:] v, const double[:] w):
    """sum_k c[k] * log(c[k] * u[k] / (v[k] * w[k])) (u, v, w may be broadcast with stride 0)."""
    cdef Py_ssize_t k, m = c.shape[0]
    cdef double s = 0, comp = 0, term, t
    with nogil:
        for k in range(m):  # Neumaier-compensated: accurate over millions of cells
            term = c[k] * log((c[k] * u[k]) / (v[k] * w[k]))
            t = s + term
            if fabs(s) >= fabs(term):
                comp += (s - t) + term
            else:
                comp += (term - t) + s
            s = t
    return s + comp


def expected_mutual_info(const int64_t[::1] a, const int64_t[::1] a_mult, const int64_t[::1] b,
                         const int64_t[::1] b_mult, int64_t n):
    """E[I] in nats of two labellings with marginal counts ``a``/``b`` under random permutation.

    The marginals are given as distinct values with multiplicities (``a_mult``): every pair of
    distinct values is summed once.  For each pair, the hypergeometric probabilities of the cell
    count are computed from the mode outwards by their ratio recurrence, stopping once a term is
    negligible (they decrease monotonically away from the mode): log-gamma is evaluated once per
    pair, not once per term.
    """
    cdef Py_ssize_t i, j
    cdef int64_t ai, bj, lo, hi, mode, k
    cdef double total = 0, pair, p0, p, term, ln_n = log(<double>n), lg_n = lgamma(n + 1.0)
    cdef double eps = 1e-17
    with nogil:
        for i in range(a.shape[0]):
            ai = a[i]
            for j in range(b.shape[0]):
                bj = b[j]
                lo = ai + bj - n
                lo = 1 if lo < 1 else lo
                hi = ai if ai < bj else bj
                if lo > hi:
                    continue
                mode = <int64_t>((ai + 1.0) * (bj + 1.0) / (n + 2.0))
                mode = lo if mode < lo else (hi if mode > hi else mode)
                p0 = exp(lgamma(ai + 1.0) + lgamma(bj + 1.0) + lgamma(n - ai + 1.0)
                         + lgamma(n - bj + 1.0) - lg_n - lgamma(mode + 1.0)
                         - lgamma(ai - mode + 1.0) - lgamma(bj - mode + 1.0)
                         - lgamma(n - ai - bj + mode + 1.0))
                pair = 0
                p = p0
                k = mode
                while k <= hi:
                    term = p * k * (ln_n + log(<double>k) - log(<double>ai) - log(<double>bj))
                    pair += term
                    if p < eps * p0:
                        break
                    p *= (ai - k) * <double>(bj - k) / ((k + 1.0) * (n - ai - bj + k + 1.0))
                    k += 1
                p = p0
                k = mode
                while k > lo:
                    p *= k * (n - ai - bj + <double>k) / ((ai - k + 1.0) * <double>(bj - k + 1))
                    k -= 1
                    term = p * k * (ln_n + log(<double>k) - log(<double>ai) - log(<double>bj))
                    pair += term
                    if p < eps * p0:
                        break
                total += pair * a_mult[i] * b_mult[j]
    return total / n
