# SPDX-License-Identifier: BSD-3-Clause
# Declarations of distributions.h (the contract of distributions.pyx).
cdef extern from "distributions.h" nogil:
    ctypedef enum fe_pair_kind:
        FE_CROSS_ENTROPY
        FE_KL_DIVERGENCE
        FE_JS_DIVERGENCE
        FE_N_PAIR_KINDS
    ctypedef double (*fe_row_f64)(const double *, Py_ssize_t, int) noexcept
    ctypedef double (*fe_row_f32)(const float *, Py_ssize_t, int) noexcept
    ctypedef double (*fe_pair_f64)(const double *, const double *, Py_ssize_t, int) noexcept
    ctypedef double (*fe_pair_f32)(const float *, const float *, Py_ssize_t, int) noexcept
    enum: FE_COL_CHUNK
    ctypedef int (*fe_cols_f64)(const double *, const double *, Py_ssize_t, Py_ssize_t,
                                Py_ssize_t, Py_ssize_t, double *) noexcept
    ctypedef int (*fe_cols_f32)(const float *, const float *, Py_ssize_t, Py_ssize_t,
                                Py_ssize_t, Py_ssize_t, double *) noexcept
    ctypedef struct fe_dist_kernels:
        fe_row_f64 entropy_f64
        fe_row_f32 entropy_f32
        fe_pair_f64 pair_f64[FE_N_PAIR_KINDS]
        fe_pair_f32 pair_f32[FE_N_PAIR_KINDS]
        fe_cols_f64 entropy_cols_f64
        fe_cols_f32 entropy_cols_f32
        fe_cols_f64 pair_cols_f64[FE_N_PAIR_KINDS]
        fe_cols_f32 pair_cols_f32[FE_N_PAIR_KINDS]
    const fe_dist_kernels fe_dist_table[]
    Py_ssize_t first_invalid_f64(const double *p, const double *q, Py_ssize_t n)
    Py_ssize_t first_invalid_f32(const float *p, const float *q, Py_ssize_t n)
    Py_ssize_t binary_entropy_map_f64(const double *, double *, Py_ssize_t)
    Py_ssize_t binary_entropy_map_f32(const float *, float *, Py_ssize_t)
    Py_ssize_t self_information_map_f64(const double *, double *, Py_ssize_t)
    Py_ssize_t self_information_map_f32(const float *, float *, Py_ssize_t)
