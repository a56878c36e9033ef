/* SPDX-License-Identifier: BSD-3-Clause
 *
 * runtime.h -- build and CPU facts for fastent.show_config(), and the polynomial maps the tests
 * use to check fe_log/fe_exp at every SIMD level.
 */
#ifndef FASTENT_RUNTIME_H
#define FASTENT_RUNTIME_H

#include "_math.h"

#ifdef _OPENMP
#include <omp.h>
#define FE_OPENMP 1
static int fe_max_threads(void)
{
    return omp_get_max_threads();
}
#else
#define FE_OPENMP 0
static int fe_max_threads(void)
{
    return 1;
}
#endif

#define FE_IMPL "runtime_impl.h"
#include "_instantiate.h"

typedef void (*fe_map_f64)(const double *, double *, Py_ssize_t);
typedef void (*fe_map_f32)(const float *, float *, Py_ssize_t);
typedef struct {
    fe_map_f64 log_map;
    fe_map_f64 exp_map;
    fe_map_f32 log1p_map_f32;
    fe_map_f32 exp_map_f32;
    fe_map_f32 logf8_map_f32; /* NULL at the baseline level: fe_logf8 needs AVX2 */
    fe_map_f64 log8d_map_f64; /* NULL below the AVX-512 level (fe_log8d) */
} fe_runtime_kernels;

#define logf8_map_f32_baseline NULL
#define log8d_map_f64_baseline NULL
#define log8d_map_f64_avx2 NULL
#define FE_RUNTIME_KERNELS(isa)                                                                    \
    {log_map_f64_##isa, exp_map_f64_##isa,   log1p_map_f32_##isa,                                  \
     exp_map_f32_##isa, logf8_map_f32_##isa, log8d_map_f64_##isa}
static const fe_runtime_kernels fe_runtime_table[FE_N_LEVELS] = FE_LEVEL_TABLE(FE_RUNTIME_KERNELS);

#endif /* FASTENT_RUNTIME_H */
