/* SPDX-License-Identifier: BSD-3-Clause
 *
 * distributions.h -- C kernels of fastent.distributions: the row and column kernels of
 * distributions_impl.h compiled per dtype and SIMD level, and their dispatch table.
 */
#ifndef FASTENT_DISTRIBUTIONS_H
#define FASTENT_DISTRIBUTIONS_H

#include "_math.h"

#include <stdlib.h> /* malloc/free: gathering the rare columns left to the row kernels */

/* The two-argument row measures (fastent._kernels.distributions.PAIR_KINDS maps names here). */
typedef enum { FE_CROSS_ENTROPY, FE_KL_DIVERGENCE, FE_JS_DIVERGENCE, FE_N_PAIR_KINDS } fe_pair_kind;

/* Columns per call of a column kernel (the caller's unit of threading over columns). */
enum { FE_COL_CHUNK = 1024 };

#define FE_IMPL "distributions_impl.h"
#include "_instantiate.h"

/* A row kernel: (row(s), length, threads inside the row) -> measure in nats, NaN if invalid. */
typedef double (*fe_row_f64)(const double *, Py_ssize_t, int);
typedef double (*fe_row_f32)(const float *, Py_ssize_t, int);
typedef double (*fe_pair_f64)(const double *, const double *, Py_ssize_t, int);
typedef double (*fe_pair_f32)(const float *, const float *, Py_ssize_t, int);

/* A column kernel: (p, q (NULL for the entropy), m rows, n columns, columns [j0, j1) with
 * j1 - j0 <= FE_COL_CHUNK, out) -> out[j] for those columns (NaN if invalid); 0, or -1 when out
 * of memory. */
typedef int (*fe_cols_f64)(const double *, const double *, Py_ssize_t, Py_ssize_t, Py_ssize_t,
                           Py_ssize_t, double *);
typedef int (*fe_cols_f32)(const float *, const float *, Py_ssize_t, Py_ssize_t, Py_ssize_t,
                           Py_ssize_t, double *);

/* The kernels of one SIMD level; pair_*[kind] and pair_cols_*[kind] for each fe_pair_kind. */
typedef struct {
    fe_row_f64 entropy_f64;
    fe_row_f32 entropy_f32;
    fe_pair_f64 pair_f64[FE_N_PAIR_KINDS];
    fe_pair_f32 pair_f32[FE_N_PAIR_KINDS];
    fe_cols_f64 entropy_cols_f64;
    fe_cols_f32 entropy_cols_f32;
    fe_cols_f64 pair_cols_f64[FE_N_PAIR_KINDS];
    fe_cols_f32 pair_cols_f32[FE_N_PAIR_KINDS];
} fe_dist_kernels;

#define FE_DIST_KERNELS(isa)                                                                       \
    {                                                                                              \
        entropy_row_f64_##isa, entropy_row_f32_##isa,                                              \
            {cross_entropy_row_f64_##isa, kl_row_f64_##isa, js_row_f64_##isa},                     \
            {cross_entropy_row_f32_##isa, kl_row_f32_##isa, js_row_f32_##isa},                     \
            entropy_cols_f64_##isa, entropy_cols_f32_##isa,                                        \
            {cross_entropy_cols_f64_##isa, kl_cols_f64_##isa, js_cols_f64_##isa},                  \
        {                                                                                          \
            cross_entropy_cols_f32_##isa, kl_cols_f32_##isa, js_cols_f32_##isa                     \
        }                                                                                          \
    }

static const fe_dist_kernels fe_dist_table[FE_N_LEVELS] = FE_LEVEL_TABLE(FE_DIST_KERNELS);

#endif /* FASTENT_DISTRIBUTIONS_H */
