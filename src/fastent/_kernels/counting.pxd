# SPDX-License-Identifier: BSD-3-Clause
# Declarations of counting.h (the contract of counting.pyx; see the header for each function).
from libc.stdint cimport int32_t, int64_t, uint64_t


cdef extern from "counting.h" nogil:
    ctypedef enum fe_int_kind:
        FE_I8
        FE_U8
        FE_I16
        FE_U16
        FE_I32
        FE_U32
        FE_I64
        FE_N_INT_KINDS
    ctypedef enum fe_estimator:
        FE_PLUGIN
        FE_MILLER_MADOW
        FE_SHRINKAGE
        FE_CHAO_SHEN
        FE_N_ESTIMATORS
    enum: FE_MAX_VARIABLES
    enum: FE_GROUP_MAX

    ctypedef struct fe_var:
        const void *data
        int kind
        int64_t offset
        int64_t size
    ctypedef struct fe_columns:
        int kind
        Py_ssize_t first
        Py_ssize_t n_cols
        const char *const *data
        const Py_ssize_t *stride
        Py_ssize_t row_stride
        const Py_ssize_t *column
        const int64_t *offset
        const int64_t *last
        const uint64_t *adjust
        Py_ssize_t step
        Py_ssize_t n_cells
        uint64_t *bits
        Py_ssize_t words
    ctypedef struct fe_counting_kernels:
        Py_ssize_t bit_cells_limit

    const fe_counting_kernels *fe_counting_kernels_for(int level)
    void fe_minmax(const fe_counting_kernels *k, const void *data, int kind, Py_ssize_t n,
                   int n_threads, int64_t *min, int64_t *max)
    void fe_column_ranges(const fe_counting_kernels *k, const void *data, int kind,
                          Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t row_bytes,
                          Py_ssize_t col_bytes, int n_threads, int64_t *lo, int64_t *hi,
                          int64_t *work)
    Py_ssize_t fe_merge_bins(const int64_t *counts, Py_ssize_t m, Py_ssize_t n_bins,
                             Py_ssize_t *starts)
    void fe_bin_columns(const fe_counting_kernels *k, const char *data, Py_ssize_t rows,
                        Py_ssize_t cols, Py_ssize_t row_bytes, Py_ssize_t col_bytes,
                        const double *cuts, Py_ssize_t cut_stride, const Py_ssize_t *n_cuts,
                        int code_bytes, void *out, int n_threads)
    Py_ssize_t fe_count_work_size(Py_ssize_t n_cells, int n_threads)
    Py_ssize_t fe_count(const fe_counting_kernels *k, const fe_var *vars, int n_vars, Py_ssize_t n,
                        int n_threads, int64_t *table, Py_ssize_t n_cells, int64_t *work)
    void fe_keys(const fe_counting_kernels *k, const fe_var *vars, int n_vars, Py_ssize_t n,
                 int n_threads, uint64_t *keys)
    Py_ssize_t fe_count_columns_work_size(Py_ssize_t n_cells, int n_threads)
    void fe_count_columns(const fe_counting_kernels *k, const fe_columns *groups, int n_groups,
                          const int32_t *target, Py_ssize_t n, int n_threads, int64_t *tables,
                          Py_ssize_t n_cells, int64_t *work, Py_ssize_t n_cols,
                          Py_ssize_t *status, Py_ssize_t *thread_status)
    void fe_bitsets(const int32_t *codes, Py_ssize_t n, uint64_t *bits, Py_ssize_t words)
    void fe_bit_tables(const fe_counting_kernels *k, const uint64_t *bits,
                       const Py_ssize_t *first, const int64_t *sizes,
                       const Py_ssize_t *positions, Py_ssize_t n_cols, const uint64_t *target,
                       Py_ssize_t kt, Py_ssize_t words, int64_t *out, Py_ssize_t step,
                       int n_threads)

    double fe_entropy_counts(const int64_t *c, Py_ssize_t m, Py_ssize_t stride, double n_bins,
                             int estimator)
    double fe_plugin_sum(const int64_t *c, Py_ssize_t m, const double *u, Py_ssize_t su,
                         const double *v, Py_ssize_t sv, const double *w, Py_ssize_t sw)
    double fe_mi_table(const int64_t *t, Py_ssize_t ka, Py_ssize_t kb, Py_ssize_t sa,
                       Py_ssize_t sb, int estimator, int64_t *scratch)
    double fe_cmi_table(const int64_t *t, Py_ssize_t kx, Py_ssize_t kz, Py_ssize_t ky,
                        Py_ssize_t sx, Py_ssize_t sy, int estimator, int64_t *scratch)
    double fe_expected_mutual_info(const int64_t *a, const int64_t *a_mult, Py_ssize_t na,
                                   const int64_t *b, const int64_t *b_mult, Py_ssize_t nb,
                                   int64_t n)
