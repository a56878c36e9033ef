/* SPDX-License-Identifier: BSD-3-Clause
 *
 * logits.h -- C kernels of fastent.logits: logits_impl.h compiled per dtype and SIMD level,
 * and their dispatch table.
 */
#ifndef FASTENT_LOGITS_H
#define FASTENT_LOGITS_H

#include "_math.h"

#define FE_IMPL "logits_impl.h"
#include "_instantiate.h"

typedef struct {
    double (*logsumexp_f64)(const double *, Py_ssize_t);
    double (*logsumexp_f32)(const float *, Py_ssize_t);
    void (*softmax_f64)(const double *, double *, Py_ssize_t, int);
    void (*softmax_f32)(const float *, float *, Py_ssize_t, int);
    void (*sigmoid_f64)(const double *, double *, Py_ssize_t, int);
    void (*sigmoid_f32)(const float *, float *, Py_ssize_t, int);
    double (*sigmoid_ce_f64)(const double *, const double *, const double *, Py_ssize_t, Py_ssize_t,
                             double *, double *, double, Py_ssize_t *);
    double (*sigmoid_ce_f32)(const float *, const float *, const float *, Py_ssize_t, Py_ssize_t,
                             float *, float *, double, Py_ssize_t *);
    double (*ce_row_f64)(const double *, Py_ssize_t, Py_ssize_t, const double *, const double *,
                         double, double, double *, double);
    double (*ce_row_f32)(const float *, Py_ssize_t, Py_ssize_t, const float *, const float *,
                         double, double, float *, double);
} fe_logit_kernels;

#define FE_LOGIT_KERNELS(isa)                                                                      \
    {                                                                                              \
        logsumexp_row_f64_##isa, logsumexp_row_f32_##isa, softmax_row_f64_##isa,                   \
        softmax_row_f32_##isa,   sigmoid_map_f64_##isa,   sigmoid_map_f32_##isa,                   \
        sigmoid_ce_f64_##isa,    sigmoid_ce_f32_##isa,    ce_row_f64_##isa,                        \
        ce_row_f32_##isa}

static const fe_logit_kernels fe_logit_table[FE_N_LEVELS] = FE_LEVEL_TABLE(FE_LOGIT_KERNELS);

#endif /* FASTENT_LOGITS_H */
