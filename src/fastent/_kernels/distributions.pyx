# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.distributions`` (private).

Contract (the Python layer in ``fastent/distributions.py`` guarantees it before any call):

* IN  ``p``, ``q``: C-contiguous 2-D float32/float64 arrays of rows, same dtype; a row count of 1
  with ``*_step == 0`` broadcasts that row against every row of the other argument.
* OUT ``out``: float64, one value per row, allocated by the caller.  A row that is invalid
  (negative, NaN or infinite element, zero sum) gets NaN: the caller finds the position and raises.
* ``n_threads``: with at least as many rows as threads, a ``prange`` over rows (rows are
  independent: the results do not depend on ``n_threads``); with fewer rows, the rows run one
  after another, each split into ``n_threads`` chunks in C (results then differ across thread
  counts by rounding only).  1 = serial, no parallel region.  The GIL is released throughout.

The per-row work is C (``distributions_impl.h``), compiled per SIMD level; ``set_simd_level``
switches the table of kernels (chosen once at import by ``fastent._config``).
"""
import numpy as np
from cython.parallel cimport prange

cdef extern from "distributions.h" nogil:
    ctypedef double (*fe_row_f64)(const double *, Py_ssize_t, int) noexcept
    ctypedef double (*fe_row_f32)(const float *, Py_ssize_t, int) noexcept
    ctypedef double (*fe_pair_f64)(const double *, const double *, Py_ssize_t, int) noexcept
    ctypedef double (*fe_pair_f32)(const float *, const float *, Py_ssize_t, int) noexcept
    ctypedef struct fe_dist_kernels:
        fe_row_f64 entropy_f64
        fe_row_f32 entropy_f32
        fe_pair_f64 pair_f64[3]
        fe_pair_f32 pair_f32[3]
    const fe_dist_kernels fe_dist_table[3]
    Py_ssize_t binary_entropy_map_f64(const double *, double *, Py_ssize_t)
    Py_ssize_t binary_entropy_map_f32(const float *, float *, Py_ssize_t)
    Py_ssize_t self_information_map_f64(const double *, double *, Py_ssize_t)
    Py_ssize_t self_information_map_f32(const float *, float *, Py_ssize_t)

ctypedef fused floating:
    float
    double

# Kinds of the two-argument row measures (index into fe_dist_kernels.pair_*).
CROSS_ENTROPY = 0
KL_DIVERGENCE = 1
JS_DIVERGENCE = 2

cdef const fe_dist_kernels *_kernels = &fe_dist_table[0]


def set_simd_level(int level):
    """Use the kernels compiled for ``level`` (0 baseline, 1 AVX2, 2 AVX-512)."""
    global _kernels
    _kernels = &fe_dist_table[level]


def entropy_rows(const floating[:, ::1] p, double[::1] out, int n_threads):
    """out[i] = H(p[i] / sum(p[i])) in nats."""
    cdef Py_ssize_t i, n = p.shape[0], m = p.shape[1]
    cdef int outer = n_threads if n >= n_threads else 1, inner = 1 if n >= n_threads else n_threads
    cdef fe_row_f64 f64 = _kernels.entropy_f64
    cdef fe_row_f32 f32 = _kernels.entropy_f32
    with nogil:
        for i in prange(n, use_threads_if=outer > 1, num_threads=outer, schedule="static"):
            if floating is double:
                out[i] = f64(&p[i, 0], m, inner)
            else:
                out[i] = f32(&p[i, 0], m, inner)


def pair_rows(int kind, const floating[:, ::1] p, const floating[:, ::1] q, Py_ssize_t p_step,
              Py_ssize_t q_step, double[::1] out, int n_threads):
    """out[i] = measure ``kind`` of rows p[i * p_step] and q[i * q_step], normalised, in nats."""
    cdef Py_ssize_t i, n = out.shape[0], m = p.shape[1]
    cdef int outer = n_threads if n >= n_threads else 1, inner = 1 if n >= n_threads else n_threads
    cdef fe_pair_f64 f64 = _kernels.pair_f64[kind]
    cdef fe_pair_f32 f32 = _kernels.pair_f32[kind]
    with nogil:
        for i in prange(n, use_threads_if=outer > 1, num_threads=outer, schedule="static"):
            if floating is double:
                out[i] = f64(&p[i * p_step, 0], &q[i * q_step, 0], m, inner)
            else:
                out[i] = f32(&p[i * p_step, 0], &q[i * q_step, 0], m, inner)


def binary_entropy_map(const floating[::1] p, floating[::1] out):
    """out = h(p) element-wise in nats; returns the index of the first p outside [0, 1], or -1."""
    cdef Py_ssize_t n = p.shape[0], bad
    if n == 0:
        return -1
    with nogil:
        if floating is double:
            bad = binary_entropy_map_f64(&p[0], &out[0], n)
        else:
            bad = binary_entropy_map_f32(&p[0], &out[0], n)
    return bad


def self_information_map(const floating[::1] p, floating[::1] out):
    """out = -log(p) element-wise in nats; returns the index of the first p outside [0, 1], or -1."""
    cdef Py_ssize_t n = p.shape[0], bad
    if n == 0:
        return -1
    with nogil:
        if floating is double:
            bad = self_information_map_f64(&p[0], &out[0], n)
        else:
            bad = self_information_map_f32(&p[0], &out[0], n)
    return bad
