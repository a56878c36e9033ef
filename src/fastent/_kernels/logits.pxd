# SPDX-License-Identifier: BSD-3-Clause
# Declarations of logits.h (the contract of logits.pyx).
cdef extern from "logits.h" nogil:
    ctypedef double (*fe_reduce_f64)(const double *, Py_ssize_t) noexcept
    ctypedef double (*fe_reduce_f32)(const float *, Py_ssize_t) noexcept
    ctypedef void (*fe_map_f64)(const double *, double *, Py_ssize_t, int) noexcept
    ctypedef void (*fe_map_f32)(const float *, float *, Py_ssize_t, int) noexcept
    ctypedef double (*fe_bin_f64)(const double *, const double *, const double *, Py_ssize_t,
                                  Py_ssize_t, double *, double *, double, Py_ssize_t *) noexcept
    ctypedef double (*fe_bin_f32)(const float *, const float *, const float *, Py_ssize_t,
                                  Py_ssize_t, float *, float *, double, Py_ssize_t *) noexcept
    ctypedef double (*fe_ce_f64)(const double *, Py_ssize_t, Py_ssize_t, const double *,
                                 const double *, double, double, double *, double) noexcept
    ctypedef double (*fe_ce_f32)(const float *, Py_ssize_t, Py_ssize_t, const float *,
                                 const float *, double, double, float *, double) noexcept
    ctypedef struct fe_logit_kernels:
        fe_reduce_f64 logsumexp_f64
        fe_reduce_f32 logsumexp_f32
        fe_map_f64 softmax_f64
        fe_map_f32 softmax_f32
        fe_map_f64 sigmoid_f64
        fe_map_f32 sigmoid_f32
        fe_bin_f64 sigmoid_ce_f64
        fe_bin_f32 sigmoid_ce_f32
        fe_ce_f64 ce_row_f64
        fe_ce_f32 ce_row_f32
    const fe_logit_kernels fe_logit_table[]
    double bce_f64(const double *, const double *, Py_ssize_t, double, double *, Py_ssize_t *)
    double bce_f32(const float *, const float *, Py_ssize_t, double, float *, Py_ssize_t *)
    double lse_weighted_f64(const double *x, const double *w, Py_ssize_t n, double *sign)
    double lse_weighted_f32(const float *x, const float *w, Py_ssize_t n, double *sign)
    Py_ssize_t ce_first_invalid_f64(const double *x, const double *t, Py_ssize_t C)
    Py_ssize_t ce_first_invalid_f32(const float *x, const float *t, Py_ssize_t C)
