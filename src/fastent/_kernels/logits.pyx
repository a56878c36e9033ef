# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.logits`` (private).

Contract (the Python layer in ``fastent/logits.py`` guarantees it before any call):

* IN  ``x``: C-contiguous float32/float64 rows (row kernels) or a flat array (element-wise).
* OUT ``out``: same dtype as ``x``, allocated by the caller; one value per row (logsumexp) or one
  per element.  No status: NaN and +-inf propagate with SciPy's semantics.
* ``n_threads``: threads of the ``prange`` over rows / over chunks of a flat array (1 = serial, no
  parallel region).  Results do not depend on it.  The GIL is released throughout.

The per-row work is C (``logits_impl.h``), compiled per SIMD level; ``set_simd_level`` switches
the table of kernels.
"""
from cython.parallel cimport prange

cdef extern from "logits.h" nogil:
    ctypedef double (*fe_reduce_f64)(const double *, Py_ssize_t) noexcept
    ctypedef double (*fe_reduce_f32)(const float *, Py_ssize_t) noexcept
    ctypedef void (*fe_map_f64)(const double *, double *, Py_ssize_t, int) noexcept
    ctypedef void (*fe_map_f32)(const float *, float *, Py_ssize_t, int) noexcept
    ctypedef struct fe_logit_kernels:
        fe_reduce_f64 logsumexp_f64
        fe_reduce_f32 logsumexp_f32
        fe_map_f64 softmax_f64
        fe_map_f32 softmax_f32
        fe_map_f64 sigmoid_f64
        fe_map_f32 sigmoid_f32
    const fe_logit_kernels fe_logit_table[3]

ctypedef fused floating:
    float
    double

cdef const fe_logit_kernels *_kernels = &fe_logit_table[0]


def set_simd_level(int level):
    """Use the kernels compiled for ``level`` (0 baseline, 1 AVX2, 2 AVX-512)."""
    global _kernels
    _kernels = &fe_logit_table[level]


def logsumexp_rows(const floating[:, ::1] x, floating[::1] out, int n_threads):
    """out[i] = log(sum(exp(x[i])))."""
    cdef Py_ssize_t i, n = x.shape[0], m = x.shape[1]
    cdef const fe_logit_kernels *k = _kernels
    with nogil:
        for i in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads, schedule="static"):
            if floating is double:
                out[i] = k.logsumexp_f64(&x[i, 0], m)
            else:
                out[i] = <float>k.logsumexp_f32(&x[i, 0], m)


def softmax_rows(const floating[:, ::1] x, floating[:, ::1] out, bint log_out, int n_threads):
    """out[i] = softmax(x[i]), or log_softmax(x[i]) when ``log_out``."""
    cdef Py_ssize_t i, n = x.shape[0], m = x.shape[1]
    cdef const fe_logit_kernels *k = _kernels
    with nogil:
        for i in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads, schedule="static"):
            if floating is double:
                k.softmax_f64(&x[i, 0], &out[i, 0], m, log_out)
            else:
                k.softmax_f32(&x[i, 0], &out[i, 0], m, log_out)


def sigmoid_map(const floating[::1] x, floating[::1] out, bint log_out, int n_threads):
    """out = sigmoid(x), or log_sigmoid(x) when ``log_out``, element-wise (chunks per thread)."""
    cdef Py_ssize_t t, lo, hi, n = x.shape[0]
    cdef const fe_logit_kernels *k = _kernels
    with nogil:
        for t in prange(n_threads, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="static"):
            lo = n * t // n_threads
            hi = n * (t + 1) // n_threads
            if hi > lo:
                if floating is double:
                    k.sigmoid_f64(&x[lo], &out[lo], hi - lo, log_out)
                else:
                    k.sigmoid_f32(&x[lo], &out[lo], hi - lo, log_out)
