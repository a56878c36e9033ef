# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.logits`` (private).

Contract (the Python layer in ``fastent/logits.py`` guarantees it before any call):

* IN  ``x``: C-contiguous float32/float64 rows (row kernels) or a flat array (element-wise).
* OUT ``out``: same dtype as ``x``, allocated by the caller; one value per row (logsumexp) or one
  per element.  The transforms check nothing: NaN and +-inf propagate with SciPy's semantics.
* Status (the convention of ``_math.h``): the losses return -1 for valid input, else the flat
  index of the first invalid element (a label outside [0, 1] or a negative target, a NaN logit;
  a row whose targets do not sum to a finite total is reported at its first element).
* ``n_threads``: threads of the ``prange`` over rows / over chunks of a flat array (1 = serial, no
  parallel region), handed out ~FE_THREAD_CHUNK elements at a time (dynamic schedule).  Results
  do not depend on it.  The GIL is released throughout.

The per-row work is C (``logits_impl.h``), compiled per SIMD level; ``set_simd_level`` switches
the table of kernels.
"""
from cython.parallel cimport prange
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memset

from ._math cimport FE_OK, FE_THREAD_CHUNK, fe_rows_per_chunk

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
        for i in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="dynamic", chunksize=fe_rows_per_chunk(m)):
            if floating is double:
                out[i] = k.logsumexp_f64(&x[i, 0], m)
            else:
                out[i] = <float>k.logsumexp_f32(&x[i, 0], m)


def logsumexp_weighted_rows(const floating[:, ::1] x, Py_ssize_t x_step,
                            const floating[:, ::1] w, Py_ssize_t w_step,
                            floating[::1] out, floating[::1] sign, int n_threads):
    """out[i] = log |sum_j w[i * w_step, j] exp(x[i * x_step, j])|, sign[i] its sign (SciPy's
    ``b=``); a step of 0 reads one row broadcast."""
    cdef Py_ssize_t i, n = out.shape[0], m = x.shape[1]
    cdef double sg
    with nogil:
        for i in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="dynamic", chunksize=fe_rows_per_chunk(m)):
            sg = 0.0  # assigned in the loop: private to each thread
            if floating is double:
                out[i] = lse_weighted_f64(&x[i * x_step, 0], &w[i * w_step, 0], m, &sg)
            else:
                out[i] = <float>lse_weighted_f32(&x[i * x_step, 0], &w[i * w_step, 0], m, &sg)
            sign[i] = <floating>sg


def softmax_rows(const floating[:, ::1] x, floating[:, ::1] out, bint log_out, int n_threads):
    """out[i] = softmax(x[i]), or log_softmax(x[i]) when ``log_out``."""
    cdef Py_ssize_t i, n = x.shape[0], m = x.shape[1]
    cdef const fe_logit_kernels *k = _kernels
    with nogil:
        for i in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="dynamic", chunksize=fe_rows_per_chunk(m)):
            if floating is double:
                k.softmax_f64(&x[i, 0], &out[i, 0], m, log_out)
            else:
                k.softmax_f32(&x[i, 0], &out[i, 0], m, log_out)


def sigmoid_map(const floating[::1] x, floating[::1] out, bint log_out, int n_threads):
    """out = sigmoid(x), or log_sigmoid(x) when ``log_out``, element-wise (chunks shared by the
    threads)."""
    cdef Py_ssize_t t, lo, size, n = x.shape[0]
    cdef Py_ssize_t chunks = (n + FE_THREAD_CHUNK - 1) // FE_THREAD_CHUNK
    cdef const fe_logit_kernels *k = _kernels
    with nogil:
        for t in prange(chunks, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="dynamic"):
            lo = t * FE_THREAD_CHUNK
            size = min(n - lo, FE_THREAD_CHUNK)
            if floating is double:
                k.sigmoid_f64(&x[lo], &out[lo], size, log_out)
            else:
                k.sigmoid_f32(&x[lo], &out[lo], size, log_out)


def sigmoid_ce(const floating[:, ::1] labels, const floating[:, ::1] logits,
               const floating[::1] pos_weight, floating[:, ::1] loss, floating[:, ::1] grad,
               double grad_scale, int n_threads):
    """Sigmoid cross-entropy of (rows x C) labels/logits; ``pos_weight`` (C,), ``loss`` and
    ``grad`` may be None.  Returns (sum of the losses, status).  Chunks of rows are shared by the
    threads; their sums are added in chunk order (the same sum for any number of threads)."""
    cdef Py_ssize_t rows = logits.shape[0], C = logits.shape[1], t, lo, hi, first = FE_OK
    cdef Py_ssize_t step = fe_rows_per_chunk(C), chunks = max(1, (rows + step - 1) // step)
    cdef const fe_logit_kernels *k = _kernels
    cdef const floating *w = &pos_weight[0] if pos_weight is not None else NULL
    cdef double *part = <double *>malloc(chunks * sizeof(double))
    cdef Py_ssize_t *bad = <Py_ssize_t *>malloc(chunks * sizeof(Py_ssize_t))
    cdef double total = 0.0
    if part == NULL or bad == NULL:
        free(part)
        free(bad)
        raise MemoryError()
    try:
        with nogil:
            for t in prange(chunks, use_threads_if=n_threads > 1, num_threads=n_threads,
                            schedule="dynamic"):
                lo = t * step
                hi = min(rows, lo + step)
                bad[t] = FE_OK
                part[t] = 0.0
                if hi > lo:
                    if floating is double:
                        part[t] = k.sigmoid_ce_f64(
                            &labels[lo, 0], &logits[lo, 0], w, hi - lo, C,
                            &loss[lo, 0] if loss is not None else NULL,
                            &grad[lo, 0] if grad is not None else NULL, grad_scale, &bad[t])
                    else:
                        part[t] = k.sigmoid_ce_f32(
                            &labels[lo, 0], &logits[lo, 0], w, hi - lo, C,
                            &loss[lo, 0] if loss is not None else NULL,
                            &grad[lo, 0] if grad is not None else NULL, grad_scale, &bad[t])
                    if bad[t] >= 0:
                        bad[t] += lo * C
        for t in range(chunks):
            if bad[t] >= 0 and first < 0:
                first = bad[t]
            total += part[t]
    finally:
        free(part)
        free(bad)
    return total, first


def binary_cross_entropy(const floating[::1] labels, const floating[::1] probs, double eps,
                         floating[::1] loss):
    """Binary cross-entropy of flat labels/probabilities (``loss`` may be None).  Returns (sum of
    the losses, status)."""
    cdef Py_ssize_t n = probs.shape[0], bad = FE_OK
    cdef double total = 0.0
    if n == 0:
        return 0.0, FE_OK
    with nogil:
        if floating is double:
            total = bce_f64(&labels[0], &probs[0], n, eps,
                            &loss[0] if loss is not None else NULL, &bad)
        else:
            total = bce_f32(&labels[0], &probs[0], n, eps,
                            &loss[0] if loss is not None else NULL, &bad)
    return total, bad


def ce_rows(const floating[:, ::1] logits, const int64_t[::1] labels,
            const floating[:, ::1] targets, const floating[::1] weights, double weight_sum,
            double smoothing, floating[::1] loss, floating[:, ::1] grad, double grad_scale,
            int n_threads):
    """Softmax cross-entropy per row into ``loss``: sparse (``labels``, -1 = ignored row: loss 0,
    grad 0) or dense (``targets``).  ``weights``/``grad`` may be None.  Returns the status."""
    cdef Py_ssize_t i, n = logits.shape[0], C = logits.shape[1], y = -1, status = FE_OK
    cdef const fe_logit_kernels *k = _kernels
    cdef const floating *w = &weights[0] if weights is not None else NULL
    cdef bint sparse = labels is not None, want_grad = grad is not None
    with nogil:
        for i in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="dynamic", chunksize=fe_rows_per_chunk(C)):
            y = labels[i] if sparse else -1
            if sparse and y < 0:
                loss[i] = 0
                if want_grad:
                    memset(&grad[i, 0], 0, C * sizeof(floating))
                continue
            if floating is double:
                loss[i] = k.ce_row_f64(
                    &logits[i, 0], C, y, <const floating *>NULL if sparse else &targets[i, 0], w,
                    weight_sum, smoothing, &grad[i, 0] if want_grad else NULL, grad_scale)
            else:
                loss[i] = <float>k.ce_row_f32(
                    &logits[i, 0], C, y, <const floating *>NULL if sparse else &targets[i, 0], w,
                    weight_sum, smoothing, &grad[i, 0] if want_grad else NULL, grad_scale)
        for i in range(n):  # a row marked NaN: its first invalid element
            if loss[i] != loss[i]:
                if floating is double:
                    status = i * C + ce_first_invalid_f64(
                        &logits[i, 0], <const floating *>NULL if sparse else &targets[i, 0], C)
                else:
                    status = i * C + ce_first_invalid_f32(
                        &logits[i, 0], <const floating *>NULL if sparse else &targets[i, 0], C)
                break
    return status
