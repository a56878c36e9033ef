# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.distributions`` (private).

Contract (the Python layer in ``fastent/distributions.py`` guarantees it before any call):

* IN  ``p``, ``q``: C-contiguous 2-D float32/float64 arrays of rows, same dtype; a row count of 1
  with ``*_step == 0`` broadcasts that row against every row of the other argument.
* OUT ``out``: float64, one value per row, allocated by the caller.
* Status (the convention of ``_math.h``): every kernel returns -1 when its input is valid, else
  the flat index of the first invalid element in the (rows x m) layout (negative, NaN or infinite;
  a row that sums to zero is reported at its first element); ``out`` is then incomplete.
* ``n_threads``: with at least as many rows as threads, a ``prange`` over rows handed out
  ~FE_THREAD_CHUNK elements at a time (rows are independent: the results do not depend on
  ``n_threads``); with fewer rows, the rows run one
  after another, each split into ``n_threads`` chunks in C (results then differ across thread
  counts by rounding only).  1 = serial, no parallel region.  The GIL is released throughout.

The per-row work is C (``distributions_impl.h``), compiled per SIMD level; ``set_simd_level``
switches the table of kernels (chosen once at import by ``fastent._core.config``).
"""
from cython.parallel cimport prange

import numpy as np

from ._math cimport FE_OK, fe_rows_per_chunk

ctypedef fused floating:
    float
    double

#: measure name -> kind code of the two-argument row kernels (``fe_pair_kind``)
PAIR_KINDS = {
    "cross_entropy": FE_CROSS_ENTROPY, "kl_divergence": FE_KL_DIVERGENCE,
    "js_divergence": FE_JS_DIVERGENCE,
}
assert len(PAIR_KINDS) == FE_N_PAIR_KINDS

cdef const fe_dist_kernels *_kernels = &fe_dist_table[0]


def set_simd_level(int level):
    """Use the kernels compiled for ``level`` (``fe_level``: 0 baseline, 1 AVX2, 2 AVX-512)."""
    global _kernels
    _kernels = &fe_dist_table[level]


cdef Py_ssize_t _status(const floating[:, ::1] p, const floating[:, ::1] q, Py_ssize_t p_step,
                        Py_ssize_t q_step, bint pair, double[::1] out) noexcept nogil:
    """The status of a pass that marked invalid rows with NaN (q is read only for a pair)."""
    cdef Py_ssize_t i, m = p.shape[1]
    for i in range(out.shape[0]):
        if out[i] != out[i]:
            if floating is double:
                return i * m + first_invalid_f64(
                    &p[i * p_step, 0], &q[i * q_step, 0] if pair else NULL, m)
            else:
                return i * m + first_invalid_f32(
                    &p[i * p_step, 0], &q[i * q_step, 0] if pair else NULL, m)
    return FE_OK


def entropy_rows(const floating[:, ::1] p, double[::1] out, int n_threads):
    """out[i] = H(p[i] / sum(p[i])) in nats; returns the status."""
    cdef Py_ssize_t i, n = p.shape[0], m = p.shape[1]
    cdef int outer = n_threads if n >= n_threads else 1, inner = 1 if n >= n_threads else n_threads
    cdef fe_row_f64 f64 = _kernels.entropy_f64
    cdef fe_row_f32 f32 = _kernels.entropy_f32
    cdef Py_ssize_t status
    with nogil:
        for i in prange(n, use_threads_if=outer > 1, num_threads=outer,
                        schedule="dynamic", chunksize=fe_rows_per_chunk(m)):
            if floating is double:
                out[i] = f64(&p[i, 0], m, inner)
            else:
                out[i] = f32(&p[i, 0], m, inner)
        status = _status(p, p, 1, 1, False, out)
    return status


def pair_rows(int kind, const floating[:, ::1] p, const floating[:, ::1] q, Py_ssize_t p_step,
              Py_ssize_t q_step, double[::1] out, int n_threads):
    """out[i] = measure ``kind`` of rows p[i * p_step] and q[i * q_step], normalised, in nats;
    returns the status."""
    cdef Py_ssize_t i, n = out.shape[0], m = p.shape[1]
    cdef int outer = n_threads if n >= n_threads else 1, inner = 1 if n >= n_threads else n_threads
    cdef fe_pair_f64 f64 = _kernels.pair_f64[kind]
    cdef fe_pair_f32 f32 = _kernels.pair_f32[kind]
    cdef Py_ssize_t status
    with nogil:
        for i in prange(n, use_threads_if=outer > 1, num_threads=outer,
                        schedule="dynamic", chunksize=fe_rows_per_chunk(m)):
            if floating is double:
                out[i] = f64(&p[i * p_step, 0], &q[i * q_step, 0], m, inner)
            else:
                out[i] = f32(&p[i * p_step, 0], &q[i * q_step, 0], m, inner)
        status = _status(p, q, p_step, q_step, True, out)
    return status


cdef Py_ssize_t _cols(fe_cols_f64 f64, fe_cols_f32 f32, const floating[:, ::1] p,
                      const floating[:, ::1] q, bint pair, double[::1] out,
                      int n_threads) except -2:
    """The column kernel ``f64``/``f32`` over every column of ``p`` (and ``q``), ``n_threads``
    threads taking column chunks; the status, as a flat index into the columns laid out as rows."""
    cdef Py_ssize_t m = p.shape[0], n = p.shape[1], c
    cdef Py_ssize_t width = min(<Py_ssize_t>FE_COL_CHUNK, (n + n_threads - 1) // n_threads)
    width = max(width, 1)  # n >= 1 and n_threads >= 1 from the caller; never a zero step
    cdef Py_ssize_t n_chunks = (n + width - 1) // width
    cdef int failed = 0, threads = <int>min(<Py_ssize_t>n_threads, n_chunks)
    with nogil:
        for c in prange(n_chunks, use_threads_if=threads > 1, num_threads=threads,
                        schedule="dynamic"):
            if floating is double:
                failed += f64(&p[0, 0], &q[0, 0] if pair else NULL, m, n, c * width,
                              min((c + 1) * width, n), &out[0]) != 0
            else:
                failed += f32(&p[0, 0], &q[0, 0] if pair else NULL, m, n, c * width,
                              min((c + 1) * width, n), &out[0]) != 0
    if failed:
        raise MemoryError("fastent: no memory for one column of the input")
    cdef const floating[::1] column_p, column_q
    for c in range(n):
        if out[c] != out[c]:
            column_p = np.ascontiguousarray(np.asarray(p)[:, c])
            column_q = np.ascontiguousarray(np.asarray(q)[:, c])
            if floating is double:
                return c * m + first_invalid_f64(&column_p[0], &column_q[0] if pair else NULL, m)
            else:
                return c * m + first_invalid_f32(&column_p[0], &column_q[0] if pair else NULL, m)
    return FE_OK


def entropy_cols(const floating[:, ::1] p, double[::1] out, int n_threads):
    """out[j] = H(p[:, j] / sum(p[:, j])) in nats, the reduction along the first axis of a
    C-contiguous array (no copy); returns the status, a flat index into p.T."""
    return _cols(_kernels.entropy_cols_f64, _kernels.entropy_cols_f32, p, p, False, out,
                 n_threads)


def pair_cols(int kind, const floating[:, ::1] p, const floating[:, ::1] q, double[::1] out,
              int n_threads):
    """out[j] = measure ``kind`` of columns p[:, j] and q[:, j] (same shape), normalised, in nats;
    returns the status, a flat index into p.T."""
    return _cols(_kernels.pair_cols_f64[kind], _kernels.pair_cols_f32[kind], p, q, True, out,
                 n_threads)


def binary_entropy_map(const floating[::1] p, floating[::1] out):
    """out = h(p) element-wise in nats; returns the status (an element outside [0, 1])."""
    cdef Py_ssize_t n = p.shape[0], status
    if n == 0:
        return FE_OK
    with nogil:
        if floating is double:
            status = binary_entropy_map_f64(&p[0], &out[0], n)
        else:
            status = binary_entropy_map_f32(&p[0], &out[0], n)
    return status


def self_information_map(const floating[::1] p, floating[::1] out):
    """out = -log(p) element-wise in nats; returns the status (an element outside [0, 1])."""
    cdef Py_ssize_t n = p.shape[0], status
    if n == 0:
        return FE_OK
    with nogil:
        if floating is double:
            status = self_information_map_f64(&p[0], &out[0], n)
        else:
            status = self_information_map_f32(&p[0], &out[0], n)
    return status
