/* SPDX-License-Identifier: BSD-3-Clause
 *
 * runtime_impl.h -- the shared polynomials of _math.h mapped over arrays, compiled at every SIMD
 * level (template for _instantiate.h), so the tests can check fe_log/fe_exp as each level's code
 * computes them (contraction into FMA differs between levels).  No include guard on purpose.
 */
#if FE_IS_F64
static FE_TGT void FE_FN(log_map)(const double *x, double *out, Py_ssize_t n)
{
#if defined(FE_PRAGMA)
    FE_PRAGMA(omp simd)
#endif
    for (Py_ssize_t i = 0; i < n; i++) out[i] = fe_log(x[i]);
}

static FE_TGT void FE_FN(exp_map)(const double *x, double *out, Py_ssize_t n)
{
#if defined(FE_PRAGMA)
    FE_PRAGMA(omp simd)
#endif
    for (Py_ssize_t i = 0; i < n; i++) out[i] = fe_exp(x[i]);
}
#endif
#if !FE_IS_F64
static FE_TGT void FE_FN(log1p_map)(const float *x, float *out, Py_ssize_t n)
{
#if defined(FE_PRAGMA)
    FE_PRAGMA(omp simd)
#endif
    for (Py_ssize_t i = 0; i < n; i++) out[i] = fe_log1pf_unit(x[i]);
}

static FE_TGT void FE_FN(exp_map)(const float *x, float *out, Py_ssize_t n)
{
#if defined(FE_PRAGMA)
    FE_PRAGMA(omp simd)
#endif
    for (Py_ssize_t i = 0; i < n; i++) out[i] = fe_expf(x[i]);
}
#endif
